"""``push`` and ``pull`` results: one line of counts, or JSON."""

import json

from mltrack.services.sync import SyncResult


def sync_text(result: SyncResult) -> str:
    """One line, e.g. ``pushed ana to URL: sent 3, received 0, superseded 1``."""
    verb = {"push": "pushed", "pull": "pulled"}[result.direction]
    where = "to" if result.direction == "push" else "from"
    prefix = "dry run: would have " if result.dry_run else ""
    return (
        f"{prefix}{verb} {result.learner} {where} {result.other}: sent {result.sent}, "
        f"received {result.received}, superseded {result.superseded}"
    )


def sync_json(result: SyncResult) -> str:
    """The result's fields as a JSON object."""
    return json.dumps(result.as_dict(), indent=2)
