"""Study time and continuing education, summed in SQL: per week, per study area, per month."""

from datetime import date
from typing import NamedTuple

from mltrack.queries.reader import Reader, Row

ALL_TIME = "0001-01-01"


class StudyEntry(NamedTuple):
    on_date: str
    minutes: int
    slug: str | None
    title: str | None
    note: str | None


class StudyTotal(NamedTuple):
    """Minutes and sessions in one group: a week (key = its Monday) or a study area."""

    key: str | None  # None: sessions on no item, or on an item without a study area
    label: str
    minutes: int
    sessions: int


class ReadingMonth(NamedTuple):
    month: str  # YYYY-MM
    total: int
    by_kind: dict[str, int] = {}  # noqa: RUF012 (never mutated)


class StudyLog(NamedTuple):
    since: str
    sessions: list[StudyEntry]  # the newest (a limit given), oldest first
    by_week: list[StudyTotal]
    by_area: list[StudyTotal]
    left_out: int = 0  # older sessions of the period not listed (their time is in the totals)


SESSIONS_SQL = """
    SELECT s.on_date, s.minutes, i.slug, i.title, s.note
    FROM study_session s LEFT JOIN item i ON i.id = s.item_id
    WHERE s.learner_id = :learner_id AND s.on_date >= :since
    ORDER BY s.on_date, s.id
"""
# The newest few: the (learner_id, on_date) index walked backwards, stopped at the limit.
NEWEST_SESSIONS_SQL = """
    SELECT s.on_date, s.minutes, i.slug, i.title, s.note
    FROM study_session s LEFT JOIN item i ON i.id = s.item_id
    WHERE s.learner_id = :learner_id AND s.on_date >= :since
    ORDER BY s.on_date DESC, s.id DESC
    LIMIT :limit
"""

# From the week summary (``study_week``, kept by the write path): one row per week and study
# area, from the index alone, however many sessions the weeks hold; folded into weeks and
# areas here (a GROUP BY and a join per row cost more than the rows themselves). It answers
# for whole weeks, so from a Monday on.
WEEK_AREAS_SQL = """
    SELECT w.week_start, w.area_id, w.minutes, w.sessions
    FROM study_week w
    WHERE w.learner_id = :learner_id AND w.week_start >= :since
"""
AREAS_SQL = "SELECT id, slug, title, position FROM area"

# From the sessions themselves: for a period that starts inside a week.
BY_WEEK_SQL = """
    SELECT s.week_start AS key, SUM(s.minutes) AS minutes, COUNT(*) AS sessions
    FROM study_session s
    WHERE s.learner_id = :learner_id AND s.on_date >= :since
    GROUP BY s.week_start
    ORDER BY s.week_start
"""

BY_AREA_SQL = """
    SELECT a.slug AS key, a.title AS label, SUM(s.minutes) AS minutes, COUNT(*) AS sessions
    FROM study_session s
    LEFT JOIN item i ON i.id = s.item_id
    LEFT JOIN area a ON a.id = i.area_id
    WHERE s.learner_id = :learner_id AND s.on_date >= :since
    GROUP BY a.id, a.slug, a.title, a.position
    ORDER BY CASE WHEN a.position IS NULL THEN 1 ELSE 0 END, a.position
"""

# CAST then SUBSTR: the month of a date column in SQLite (ISO text) and PostgreSQL alike.
READING_SQL = """
    SELECT SUBSTR(CAST(r.on_date AS VARCHAR(10)), 1, 7) AS month, r.kind, COUNT(*) AS entries
    FROM reading_entry r
    WHERE r.learner_id = :learner_id AND r.on_date >= :since
    GROUP BY SUBSTR(CAST(r.on_date AS VARCHAR(10)), 1, 7), r.kind
    ORDER BY month, r.kind
"""

ITEM_TIME_SQL = """
    SELECT COUNT(*) AS sessions, COALESCE(SUM(minutes), 0) AS minutes
    FROM study_session
    WHERE learner_id = :learner_id AND item_id = :item_id
"""

NO_AREA = "(no study area)"


def study_log(reader: Reader, learner_id: int, since: date, limit: int | None = None) -> StudyLog:
    """The sessions since ``since`` (the newest ``limit`` of them, when given) with the hours
    per week and per study area of them all."""
    if limit is None:
        rows = reader.rows(SESSIONS_SQL, learner_id=learner_id, since=since.isoformat())
    else:
        newest = NEWEST_SESSIONS_SQL
        rows = reader.rows(newest, learner_id=learner_id, since=since.isoformat(), limit=limit)
        rows = list(reversed(rows))
    sessions = [
        StudyEntry(str(row["on_date"]), row["minutes"], row["slug"], row["title"], row["note"])
        for row in rows
    ]
    by_week = hours_per_week(reader, learner_id, since)
    # Every session of the period is counted in the weeks: the older ones are the difference.
    left_out = sum(week.sessions for week in by_week) - len(sessions)
    return StudyLog(
        since.isoformat(), sessions, by_week, hours_per_area(reader, learner_id, since), left_out
    )


def hours_per_week(reader: Reader, learner_id: int, since: date | None = None) -> list[StudyTotal]:
    """Study time per week (keyed by its Monday), weeks without study left out."""
    if _whole_weeks(since):
        weeks: dict[str, list[int]] = {}
        for row in reader.rows(WEEK_AREAS_SQL, learner_id=learner_id, since=_since(since)):
            _add(weeks.setdefault(str(row["week_start"]), [0, 0]), row)
        return [StudyTotal(week, f"week of {week}", *weeks[week]) for week in sorted(weeks)]
    rows = reader.rows(BY_WEEK_SQL, learner_id=learner_id, since=_since(since))
    return [
        StudyTotal(str(row["key"]), f"week of {row['key']}", row["minutes"], row["sessions"])
        for row in rows
    ]


def hours_per_area(reader: Reader, learner_id: int, since: date | None = None) -> list[StudyTotal]:
    """Study time per study area, in pathway order; time on no area comes last."""
    if _whole_weeks(since):
        totals: dict[int | None, list[int]] = {}
        for row in reader.rows(WEEK_AREAS_SQL, learner_id=learner_id, since=_since(since)):
            _add(totals.setdefault(row["area_id"], [0, 0]), row)
        if not totals:
            return []
        areas = {row["id"]: row for row in reader.rows(AREAS_SQL)}
        # Pathway order; time on no area last.
        order = sorted(totals, key=lambda a: (a is None, 0 if a is None else areas[a]["position"]))
        return [
            StudyTotal(areas[a]["slug"], areas[a]["title"], *totals[a])
            if a is not None
            else StudyTotal(None, NO_AREA, *totals[a])
            for a in order
        ]
    rows = reader.rows(BY_AREA_SQL, learner_id=learner_id, since=_since(since))
    return [
        StudyTotal(row["key"], row["label"] or NO_AREA, row["minutes"], row["sessions"])
        for row in rows
    ]


def reading_per_month(
    reader: Reader, learner_id: int, since: date | None = None
) -> list[ReadingMonth]:
    """Continuing-education entries per month, with the count of each kind."""
    months: dict[str, dict[str, int]] = {}
    for row in reader.rows(READING_SQL, learner_id=learner_id, since=_since(since)):
        months.setdefault(row["month"], {})[row["kind"]] = row["entries"]
    return [ReadingMonth(month, sum(kinds.values()), kinds) for month, kinds in months.items()]


def item_time(reader: Reader, learner_id: int, item_id: int) -> tuple[int, int]:
    """(minutes, sessions) the learner logged on one item."""
    row = reader.rows(ITEM_TIME_SQL, learner_id=learner_id, item_id=item_id)[0]
    return row["minutes"], row["sessions"]


def _since(since: date | None) -> str:
    return since.isoformat() if since else ALL_TIME


def _whole_weeks(since: date | None) -> bool:
    """Whether the period is whole ISO weeks (from a Monday on; all time is: 0001-01-01 was a
    Monday), which the week summary answers."""
    return since is None or since.weekday() == 0


def _add(total: list[int], row: Row) -> None:
    total[0] += row["minutes"]
    total[1] += row["sessions"]
