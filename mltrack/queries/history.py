"""``mltrack history``: the event journal as a dated list, newest first."""

from dataclasses import dataclass, field
from datetime import date

from mltrack.queries.reader import Reader

_HISTORY_SQL = """
    SELECT e.id, e.on_date, e.occurred_at, e.action, e.from_status, e.to_status, e.note,
           e.undoes_id, i.slug, i.title,
           CASE WHEN EXISTS (SELECT 1 FROM progress_event u WHERE u.undoes_id = e.id)
                THEN 1 ELSE 0 END AS undone
    FROM progress_event e
    JOIN item i ON i.id = e.item_id
    WHERE e.learner_id = :learner_id {conditions}
    ORDER BY e.on_date DESC, e.id DESC
    {limit}
"""


@dataclass(frozen=True)
class Event:
    id: int
    on_date: str
    occurred_at: str
    action: str
    slug: str
    title: str
    from_status: str
    to_status: str
    note: str | None
    undone: bool  # a later undo reverted it
    undoes: int | None  # for an undo: the id of the event it reverted


@dataclass(frozen=True)
class History:
    learner: str
    since: date | None
    until: date | None
    events: list[Event] = field(default_factory=list)
    more: bool = False  # the limit cut older events off


def history(
    reader: Reader,
    learner: str,
    learner_id: int,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
) -> History:
    """The learner's events dated ``since`` to ``until`` (both included), newest first.

    Dates are the learner's local dates the events were recorded for; ``limit`` keeps the
    newest events only.
    """
    params: dict[str, object] = {"learner_id": learner_id}
    conditions = ""
    # Conditions are added only when given, so that the (learner_id, on_date) index bounds
    # the range scan.
    if since is not None:
        conditions += " AND e.on_date >= :since"
        params["since"] = since.isoformat()
    if until is not None:
        conditions += " AND e.on_date <= :until"
        params["until"] = until.isoformat()
    # One row more than asked for tells whether older events were left out.
    limit_clause = "" if limit is None else "LIMIT :limit"
    if limit is not None:
        params["limit"] = limit + 1
    sql = _HISTORY_SQL.format(conditions=conditions, limit=limit_clause)
    rows = reader.rows(sql, **params)
    events = [
        Event(
            id=row["id"], on_date=str(row["on_date"]), occurred_at=str(row["occurred_at"]),
            action=row["action"], slug=row["slug"], title=row["title"],
            from_status=row["from_status"], to_status=row["to_status"], note=row["note"],
            undone=bool(row["undone"]), undoes=row["undoes_id"],
        )
        for row in rows[:limit]
    ]  # fmt: skip
    return History(learner, since, until, events, more=limit is not None and len(rows) > limit)
