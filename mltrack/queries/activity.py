"""Items finished per day, from the event journal: the raw material of streaks and pace.

An item counts as finished on the local date of its ``done`` event; a ``done`` that was later
undone does not count (the undo removed it), and an item finished again after a reset counts
again. One row per active day, however many events the journal holds.
"""

from datetime import date

from mltrack.core.pace import DayCount
from mltrack.core.vocabulary import EventAction, sql_value
from mltrack.queries.reader import Reader, as_date

_FINISHED_PER_DAY_SQL = f"""
    SELECT e.on_date, COUNT(*) AS finished,
           SUM(CASE WHEN i.required THEN 1 ELSE 0 END) AS required_finished
    FROM progress_event e
    JOIN item i ON i.id = e.item_id
    WHERE e.learner_id = :learner_id AND e.action = {sql_value(EventAction.DONE)} {{since}}
      AND NOT EXISTS (SELECT 1 FROM progress_event u WHERE u.undoes_id = e.id)
    GROUP BY e.on_date
    ORDER BY e.on_date
"""


def finished_per_day(reader: Reader, learner_id: int, since: date | None = None) -> list[DayCount]:
    """Items finished on each day (from ``since`` on, when given), oldest day first."""
    # The condition is left out rather than written "(:since IS NULL OR ...)", which would
    # keep the (learner_id, on_date) index from bounding the range.
    condition = "" if since is None else "AND e.on_date >= :since"
    params = {"learner_id": learner_id} | ({} if since is None else {"since": since.isoformat()})
    rows = reader.rows(_FINISHED_PER_DAY_SQL.format(since=condition), **params)
    return [
        DayCount(as_date(row["on_date"]), row["finished"], row["required_finished"] or 0)
        for row in rows
    ]
