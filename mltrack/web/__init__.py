"""``mltrack serve``: the local web pages (imported only when ``serve`` runs)."""
