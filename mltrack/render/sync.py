"""``push`` and ``pull`` results: one line of counts, or JSON."""

import json
import re

from mltrack.core.sync import SyncResult


def sync_text(result: SyncResult) -> str:
    """One line, e.g. ``pushed ana to URL: sent 3, received 0, superseded 1``."""
    verb = {"push": "pushed", "pull": "pulled"}[result.direction]
    where = "to" if result.direction == "push" else "from"
    prefix = "dry run: would have " if result.dry_run else ""
    return (
        f"{prefix}{verb} {result.learner} {where} {shown(result.other)}: sent {result.sent}, "
        f"received {result.received}, superseded {result.superseded}"
    )


def sync_json(result: SyncResult) -> str:
    """The result's fields as a JSON object."""
    return json.dumps({**result.as_dict(), "other": shown(result.other)}, indent=2)


def shown(url: str) -> str:
    """The other database as it may be printed: a password in a URL is never shown."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)
