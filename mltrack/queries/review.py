"""``mltrack review``: the finished items on spaced review, and which of them are due."""

from datetime import date
from typing import NamedTuple

from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import REVISABLE_KINDS, ItemStatus, sql_in, sql_value
from mltrack.queries.reader import Reader

# One row per finished revisable item that is on review (its own setting, or its area's when
# it has none), from ``progress`` (a learner's few hundred rows) and the two opt-in rows.
_ON_REVIEW_SQL = f"""
    SELECT i.slug, i.title, i.kind, a.slug AS area, p.finished_on, c.due_on, c.last_on,
           COALESCE(c.reviews, 0) AS reviews, c.stability
    FROM progress p
    JOIN item i ON i.id = p.item_id
    LEFT JOIN area a ON a.id = i.area_id
    LEFT JOIN review_card c ON c.learner_id = p.learner_id AND c.subject = i.slug
    LEFT JOIN review_card ac ON ac.learner_id = p.learner_id AND ac.subject = 'area:' || a.slug
    WHERE p.learner_id = :learner_id AND p.status = {sql_value(ItemStatus.DONE)}
      AND i.kind IN {sql_in(*REVISABLE_KINDS)} AND {visible_items()}
      AND (c.enabled OR (c.enabled IS NULL AND ac.enabled))
    ORDER BY COALESCE(c.due_on, p.finished_on), i.slug
"""
_AREAS_SQL = """
    SELECT substr(subject, 6) AS area FROM review_card
    WHERE learner_id = :learner_id AND subject LIKE 'area:%' AND enabled ORDER BY subject
"""


class ReviewItem(NamedTuple):
    slug: str
    title: str
    kind: str
    area: str | None
    finished_on: date
    due_on: date | None  # None: never reviewed, due now
    last_on: date | None
    reviews: int
    stability: float | None  # days until recall falls to 90%, per FSRS

    def overdue_days(self, today: date) -> int:
        """Days past its due date (0 when due today or never reviewed)."""
        return max((today - self.due_on).days, 0) if self.due_on else 0


class ReviewList(NamedTuple):
    learner: str
    today: date
    due: list[ReviewItem]
    later: list[ReviewItem]  # on review, not due yet, soonest first
    areas: list[str]  # study areas opted in as a whole


def review_list(reader: Reader, learner: str, learner_id: int, today: date) -> ReviewList:
    """The learner's finished items on review: those due on ``today`` (or overdue, or never
    reviewed) and the rest."""
    due: list[ReviewItem] = []
    later: list[ReviewItem] = []
    for row in reader.rows(_ON_REVIEW_SQL, learner_id=learner_id):
        item = ReviewItem(
            row["slug"], row["title"], row["kind"], row["area"], _day(row["finished_on"]),
            _day(row["due_on"]), _day(row["last_on"]), row["reviews"], row["stability"],
        )  # fmt: skip
        (due if item.due_on is None or item.due_on <= today else later).append(item)
    later.sort(key=lambda item: (item.due_on, item.slug))
    areas = [row["area"] for row in reader.rows(_AREAS_SQL, learner_id=learner_id)]
    return ReviewList(learner, today, due, later, areas)


def _day(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))
