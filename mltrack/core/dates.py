"""Dates as a learner types them (local calendar dates) and timestamps as stored (UTC)."""

import re
from datetime import UTC, date, datetime, timedelta

from mltrack.core.limits import LAST_YEAR, MAX_HOURS, MAX_SESSION_MINUTES

DATE_FORMAT_HELP = "YYYY-MM-DD, 'today', 'yesterday' or -Nd (N days ago)"
# Digits are ASCII in every number typed (dates, durations, days, amounts): "\d" would take
# any script's digits, which no other input accepts. The patterns are compiled on first use
# (``re`` caches them): most commands parse none, and compiling at import costs every command.
_DAYS_AGO = r"-([0-9]{1,5})d"

DURATION_FORMAT_HELP = "minutes or hours such as 90m, 2h, 1h30 or 1h30m, at most 24h"
_DURATION = r"(?:(?P<hours>[0-9]{1,4})h(?:(?P<after>[0-9]{1,2})m?)?|(?P<minutes>[0-9]{1,5})m)"
DAYS_FORMAT_HELP = "a number of days or weeks such as 30d, 30 or 4w"
_DAYS = r"([0-9]{1,4})([dw]?)"
HOURS_FORMAT_HELP = f"a number of hours such as 40 or 12.5, from 0 to {MAX_HOURS:,}"
_HOURS = r"([0-9]{1,5})(?:\.([0-9]{1,2}))?"


def parse_date(text: str, today: date | None = None) -> date:
    """Parse an ISO date or a relative form; raise ValueError naming the accepted formats."""
    today = today or date.today()
    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    if match := re.fullmatch(_DAYS_AGO, value):
        return today - timedelta(days=int(match.group(1)))
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 and value.isascii() else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(f"{text!r} is not a date; expected {DATE_FORMAT_HELP}")
    if parsed.year > LAST_YEAR:
        raise ValueError(f"{text!r} is too far ahead; dates go up to {LAST_YEAR}-12-31")
    return parsed


def local_date(timestamp: str) -> date:
    """The learner's local calendar date of a stored UTC timestamp."""
    return datetime.fromisoformat(timestamp).astimezone().date()


def utc_now_iso() -> str:
    """The current time in UTC as ISO 8601 text, the one format every timestamp is stored in."""
    # Microseconds: undo orders changes from two journals by this text.
    return datetime.now(UTC).isoformat(timespec="microseconds")


def parse_duration(text: str) -> int:
    """Minutes in a study session typed as ``90m``, ``2h``, ``1h30`` or ``1h30m``.

    Raise ValueError naming the accepted formats for anything else, for zero, and for more
    than 24 hours (one sitting, not a week's total).
    """
    match = re.fullmatch(_DURATION, text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a duration; expected {DURATION_FORMAT_HELP}")
    if match.group("minutes") is not None:
        minutes = int(match.group("minutes"))
    else:
        after = int(match.group("after") or 0)
        if after >= 60:
            raise ValueError(f"{text!r}: the minutes after the hours must be 0 to 59")
        minutes = int(match.group("hours")) * 60 + after
    if not 0 < minutes <= MAX_SESSION_MINUTES:
        raise ValueError(f"{text!r} is not a session length; expected {DURATION_FORMAT_HELP}")
    return minutes


def parse_days(text: str) -> int:
    """A span of days typed as ``30d``, ``30`` or ``4w``; ValueError naming the formats."""
    match = re.fullmatch(_DAYS, text.strip().lower())
    if match is None:
        raise ValueError(f"{text!r} is not a number of days; expected {DAYS_FORMAT_HELP}")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def parse_hours(text: str) -> float:
    """An hours estimate typed as ``40`` or ``12.5`` (ASCII digits, at most two decimals);
    ValueError naming the format for anything else, ``inf`` and ``nan`` included."""
    match = re.fullmatch(_HOURS, text.strip())
    hours = float(text.strip()) if match else -1.0
    if not 0 <= hours <= MAX_HOURS:
        raise ValueError(f"{text!r} is not an hours estimate; expected {HOURS_FORMAT_HELP}")
    return hours


def week_start(day: date) -> date:
    """The Monday of the ISO week ``day`` falls in: the key study hours are grouped by."""
    return day - timedelta(days=day.weekday())


def last_weeks_start(today: date, weeks: int) -> date:
    """The Monday that opens "the last ``weeks`` weeks": that many ISO weeks, the current one
    (still running) included. The one window of every view that says "last N weeks" (stats,
    report, the pace, ``log --list``), so they always add up the same days."""
    return week_start(today) - timedelta(weeks=weeks - 1)


def format_minutes(minutes: int) -> str:
    """Minutes the way ``parse_duration`` reads them: ``45m``, ``2h``, ``1h30``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


WEEK_GOAL_FORMAT_HELP = (
    "hours or minutes a week such as 6h, 90m, 1h30, 1h30m or 4.5h (at most 168h), or 'none'"
)
_DECIMAL_HOURS = r"(?P<whole>[0-9]{1,3})\.(?P<tenths>[0-9]{1,2})h"
_WEEK_MINUTES = 7 * 24 * 60


def parse_week_goal(text: str) -> int | None:
    """Minutes a week typed as ``log`` reads a duration (``6h``, ``90m``, ``1h30``, ``1h30m``)
    or as decimal hours (``4.5h``); ``none`` is no goal (None). ValueError naming the forms
    for anything else, for zero and for more than a week holds."""
    value = text.strip().lower()
    if value == "none":
        return None
    if match := re.fullmatch(_DECIMAL_HOURS, value):
        minutes = round(float(f"{match.group('whole')}.{match.group('tenths')}") * 60)
    elif (match := re.fullmatch(_DURATION, value)) is not None:
        after = int(match.group("after") or 0)
        if match.group("minutes") is None and after >= 60:
            raise ValueError(f"{text!r}: the minutes after the hours must be 0 to 59")
        minutes = (
            int(match.group("minutes"))
            if match.group("minutes") is not None
            else int(match.group("hours")) * 60 + after
        )
    else:
        raise ValueError(f"{text!r} is not a weekly goal; expected {WEEK_GOAL_FORMAT_HELP}")
    if not 0 < minutes <= _WEEK_MINUTES:
        raise ValueError(f"{text!r} is not a weekly goal; expected {WEEK_GOAL_FORMAT_HELP}")
    return minutes
