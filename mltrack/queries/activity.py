"""Items finished per day, from the journal: the raw material of streaks and pace.

An item counts as finished on the date of its ``done`` entry as it stands: a ``done`` that
was undone (an undo entry targets it) or flagged does not count, an amended one counts on its
corrected date (the newest amendment that stands), and an item finished again after a reset
counts again. One row per active day, however long the journal.

``finished_per_day`` counts from the journal; the write path keeps the result per day in the
``learner_day`` summary, and reports read that (``active_days``).

"Stands" is cheap in SQL: NOT EXISTS an undo targeting the entry (the ``target_id`` index).
Amendments are rare and their dates live in the entry's JSON data, which portable SQL cannot
read: the finishes with no amendment are counted per day in SQL (the (learner, kind, action,
date) index bounds them), the amended few are read one by one and moved to their dates here.
"""

from collections import Counter
from datetime import date

from mltrack.core.pace import DayCount
from mltrack.core.vocabulary import EventAction, JournalKind, MetaAction, sql_value
from mltrack.queries.reader import Reader, as_date


def _stands(alias: str) -> str:
    """SQL: the entry ``alias`` is not undone (no undo entry targets it)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = {alias}.id "
        f"AND u.action = {sql_value(MetaAction.UNDO)})"
    )


_AMENDED = f"""EXISTS (SELECT 1 FROM journal a WHERE a.target_id = e.id
                      AND a.action = {sql_value(MetaAction.AMEND)} AND a.flag IS NULL
                      AND {_stands("a")})"""
_DONE = f"""e.learner_id = :learner_id AND e.kind = {sql_value(JournalKind.STATUS)}
      AND e.action = {sql_value(EventAction.DONE)} AND e.flag IS NULL
      AND {_stands("e")}"""

_FINISHED_PER_DAY_SQL = f"""
    SELECT e.on_date, COUNT(*) AS finished,
           SUM(CASE WHEN i.required THEN 1 ELSE 0 END) AS required_finished
    FROM journal e
    JOIN item i ON i.id = e.item_id
    WHERE {_DONE} {{since}} AND NOT {_AMENDED}
    GROUP BY e.on_date
    ORDER BY e.on_date
"""

# Finishes that stand with the amendments that stand, oldest amendment first.
AMENDED_FINISHES_SQL = f"""
    SELECT e.id, e.on_date, i.required, a.data
    FROM journal a
    JOIN journal e ON e.id = a.target_id
    JOIN item i ON i.id = e.item_id
    WHERE a.learner_id = :learner_id AND a.kind = {sql_value(JournalKind.STATUS)}
      AND a.action = {sql_value(MetaAction.AMEND)} AND a.flag IS NULL
      AND {_stands("a")} AND {_DONE}
    ORDER BY +a.id
"""  # +a.id: through ix_journal_learner_action


def finished_per_day(
    reader: Reader, learner_id: int, since: date | None = None, until: date | None = None
) -> list[DayCount]:
    """Items finished on each day (from ``since`` on and up to ``until``, when given), oldest
    day first, counted from the journal: what ``learner_day`` is rebuilt from. Reports read
    ``active_days`` (the summary) instead."""
    # The conditions are left out rather than written "(:since IS NULL OR ...)", which would
    # keep the index from bounding the range.
    conditions = "".join(
        condition
        for condition, value in (("AND e.on_date >= :since ", since),
                                 ("AND e.on_date <= :until ", until))
        if value is not None
    )  # fmt: skip
    params: dict[str, object] = {"learner_id": learner_id}
    params |= {} if since is None else {"since": since.isoformat()}
    params |= {} if until is None else {"until": until.isoformat()}
    finished: Counter[date] = Counter()
    required: Counter[date] = Counter()
    for row in reader.rows(_FINISHED_PER_DAY_SQL.format(since=conditions), **params):
        day = as_date(row["on_date"])
        finished[day] += row["finished"]
        required[day] += row["required_finished"] or 0
    for day, is_required in _amended_finishes(reader, learner_id):
        if (since is None or day >= since) and (until is None or day <= until):
            finished[day] += 1
            required[day] += 1 if is_required else 0
    return [DayCount(day, finished[day], required[day]) for day in sorted(finished)]


# The summary (``learner_day``, kept by the write path): one row per active day, however
# many entries the journal holds.
ACTIVE_DAYS_SQL = """
    SELECT on_date, finished, required_finished FROM learner_day
    WHERE learner_id = :learner_id AND finished > 0
    ORDER BY on_date
"""
ACTIVE_DAYS_SINCE_SQL = """
    SELECT on_date, finished, required_finished FROM learner_day
    WHERE learner_id = :learner_id AND on_date >= :since AND finished > 0
    ORDER BY on_date
"""


# Only the dates (streaks): the finished days' index holds them, read without the counts.
FINISH_DATES_SQL = """
    SELECT on_date FROM learner_day
    WHERE learner_id = :learner_id AND finished > 0
    ORDER BY on_date
"""


def finish_dates(reader: Reader, learner_id: int) -> list[date]:
    """Every day the learner finished an item on, oldest first (streaks over the whole history:
    at most one row per day, the date alone)."""
    return [as_date(row["on_date"]) for row in reader.rows(FINISH_DATES_SQL, learner_id=learner_id)]


def active_days(reader: Reader, learner_id: int, since: date | None = None) -> list[DayCount]:
    """Items finished on each day (from ``since`` on, when given), oldest day first, from the
    day summary: at most one row per day with an item finished (about 3,650 in ten years),
    so it reads in proportion to days, not to journal entries."""
    if since is None:
        rows = reader.rows(ACTIVE_DAYS_SQL, learner_id=learner_id)
    else:
        rows = reader.rows(ACTIVE_DAYS_SINCE_SQL, learner_id=learner_id, since=since.isoformat())
    return [
        DayCount(as_date(row["on_date"]), row["finished"], row["required_finished"]) for row in rows
    ]


def _amended_finishes(reader: Reader, learner_id: int) -> list[tuple[date, bool]]:
    """Each amended finish on its date as corrected (the newest correction of it wins)."""
    import json  # the write path's (and doctor's) only: stats reads the summary, not this

    corrected: dict[int, tuple[date, bool]] = {}
    for row in reader.rows(AMENDED_FINISHES_SQL, learner_id=learner_id):
        on = json.loads(row["data"] or "{}").get("on")
        previous = corrected.get(row["id"], (as_date(row["on_date"]), bool(row["required"])))
        corrected[row["id"]] = (date.fromisoformat(on) if on else previous[0], previous[1])
    return list(corrected.values())
