"""The learner profiles in the database."""

from dataclasses import dataclass

from mltrack.core.vocabulary import ItemStatus, sql_value
from mltrack.queries.reader import Reader


@dataclass(frozen=True)
class LearnerSummary:
    name: str
    created_at: str
    items_done: int
    items_in_progress: int


DONE, IN_PROGRESS = sql_value(ItemStatus.DONE), sql_value(ItemStatus.IN_PROGRESS)
LEARNERS_SQL = f"""
    SELECT l.name, l.created_at,
           SUM(CASE WHEN p.status = {DONE} THEN 1 ELSE 0 END) AS items_done,
           SUM(CASE WHEN p.status = {IN_PROGRESS} THEN 1 ELSE 0 END) AS items_in_progress
    FROM learner l LEFT JOIN progress p ON p.learner_id = l.id
    GROUP BY l.id, l.name, l.created_at
    ORDER BY l.name
"""


def learner_summaries(reader: Reader) -> list[LearnerSummary]:
    return [
        LearnerSummary(
            name=row["name"],
            created_at=str(row["created_at"]),
            items_done=row["items_done"] or 0,
            items_in_progress=row["items_in_progress"] or 0,
        )
        for row in reader.rows(LEARNERS_SQL)
    ]
