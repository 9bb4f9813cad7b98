"""Dates as a learner types them (local calendar dates) and timestamps as stored (UTC)."""

import re
from datetime import UTC, date, datetime, timedelta

DATE_FORMAT_HELP = "YYYY-MM-DD, 'today', 'yesterday' or -Nd (N days ago)"
_DAYS_AGO = re.compile(r"-(\d{1,5})d")


def parse_date(text: str, today: date | None = None) -> date:
    """Parse an ISO date or a relative form; raise ValueError naming the accepted formats."""
    today = today or date.today()
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if match := _DAYS_AGO.fullmatch(value):
        return today - timedelta(days=int(match.group(1)))
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date; expected {DATE_FORMAT_HELP}")


def utc_now_iso() -> str:
    """The current time in UTC as ISO 8601 text, the one format every timestamp is stored in."""
    return datetime.now(UTC).isoformat(timespec="seconds")
