"""Words and rules shared by every layer: standard library only, importing nothing of mltrack
but this package."""
