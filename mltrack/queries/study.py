"""Study time and continuing education, summed in SQL: per week, per study area, per month."""

from datetime import date
from typing import NamedTuple

from mltrack.queries.reader import Reader

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
    sessions: list[StudyEntry]
    by_week: list[StudyTotal]
    by_area: list[StudyTotal]


SESSIONS_SQL = """
    SELECT s.on_date, s.minutes, i.slug, i.title, s.note
    FROM study_session s LEFT JOIN item i ON i.id = s.item_id
    WHERE s.learner_id = :learner_id AND s.on_date >= :since
    ORDER BY s.on_date, s.id
"""

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


def study_log(reader: Reader, learner_id: int, since: date) -> StudyLog:
    """The sessions since ``since`` with their hours per week and per study area."""
    sessions = [
        StudyEntry(str(row["on_date"]), row["minutes"], row["slug"], row["title"], row["note"])
        for row in reader.rows(SESSIONS_SQL, learner_id=learner_id, since=since.isoformat())
    ]
    return StudyLog(
        since.isoformat(),
        sessions,
        hours_per_week(reader, learner_id, since),
        hours_per_area(reader, learner_id, since),
    )


def hours_per_week(reader: Reader, learner_id: int, since: date | None = None) -> list[StudyTotal]:
    """Study time per week (keyed by its Monday), weeks without study left out."""
    rows = reader.rows(BY_WEEK_SQL, learner_id=learner_id, since=_since(since))
    return [
        StudyTotal(str(row["key"]), f"week of {row['key']}", row["minutes"], row["sessions"])
        for row in rows
    ]


def hours_per_area(reader: Reader, learner_id: int, since: date | None = None) -> list[StudyTotal]:
    """Study time per study area, in pathway order; time on no area comes last."""
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
