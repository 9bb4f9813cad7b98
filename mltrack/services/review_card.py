"""The card of spaced review: the FSRS schedule (the ``fsrs`` package) that a timeline of
ratings leads to, and the ``review_card`` projection written from it. The write path
(``services.journal``) calls ``project_review`` for every review subject it writes or
replays; ``fsrs`` is imported inside ``schedule`` only, so no other command pays for it.
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from mltrack.core.journal import AREA_PREFIX, ReviewState, State
from mltrack.core.vocabulary import ReviewRating
from mltrack.queries.reader import SqliteWriter

# Reviews are dated by the day, not the minute: no same-day learning steps, and the review
# counted at noon UTC so that every day's review is one day after the last.
REVIEW_TIME = time(12, 0, tzinfo=UTC)
# No fuzz: the schedule must be the same on every replay (fsrs fuzzes intervals by default).
SCHEDULER_OPTIONS: dict[str, Any] = {
    "learning_steps": (),
    "relearning_steps": (),
    "enable_fuzzing": False,
}
_CARD_ID = 1  # fsrs takes the clock for a new card's id; a fixed one keeps cards comparable


class Schedule(NamedTuple):
    """The card that a timeline of ratings leads to."""

    due_on: date
    stability: float
    difficulty: float
    card: dict[str, Any]  # fsrs.Card.to_dict()


def review_datetime(day: date) -> datetime:
    """The moment a review of ``day`` counts as made."""
    return datetime.combine(day, REVIEW_TIME)


def schedule(ratings: Sequence[tuple[date, ReviewRating]]) -> Schedule | None:
    """Feed the ratings, oldest first, to an FSRS scheduler; None with no rating yet."""
    if not ratings:
        return None
    import fsrs

    scheduler = fsrs.Scheduler(**SCHEDULER_OPTIONS)
    card = fsrs.Card(card_id=_CARD_ID)
    grades = {rating: fsrs.Rating[rating.value.capitalize()] for rating in ReviewRating}
    for day, rating in ratings:
        card, _ = scheduler.review_card(card, grades[rating], review_datetime(day))
    assert card.stability is not None and card.difficulty is not None
    return Schedule(card.due.date(), card.stability, card.difficulty, card.to_dict())


# The projection ---------------------------------------------------------------------------

_DELETE_SQL = "DELETE FROM review_card WHERE learner_id = :l AND subject = :subject"
_UPSERT_SQL = """
    INSERT INTO review_card (learner_id, subject, item_id, area_id, enabled, reviews, last_on,
                             due_on, stability, difficulty, card)
    VALUES (:l, :subject, :item_id, (SELECT id FROM area WHERE slug = :area), :enabled,
            :reviews, :last_on, :due_on, :stability, :difficulty, :card)
    ON CONFLICT (learner_id, subject) DO UPDATE SET item_id = excluded.item_id,
      area_id = excluded.area_id, enabled = excluded.enabled, reviews = excluded.reviews,
      last_on = excluded.last_on, due_on = excluded.due_on, stability = excluded.stability,
      difficulty = excluded.difficulty, card = excluded.card
"""


def project_review(
    store: SqliteWriter, learner: int, subject: str, item_id: int | None, state: State
) -> None:
    """Write the ``review_card`` row of one subject from the state its timeline leads to
    (no row when nothing stands)."""
    if not isinstance(state, ReviewState) or (state.enabled is None and not state.ratings):
        store.execute(_DELETE_SQL, l=learner, subject=subject)
        return
    card = schedule(state.ratings)
    area = subject.removeprefix(AREA_PREFIX) if subject.startswith(AREA_PREFIX) else None
    store.execute(
        _UPSERT_SQL, l=learner, subject=subject, item_id=item_id, area=area,
        enabled=state.enabled, reviews=len(state.ratings),
        last_on=state.ratings[-1][0].isoformat() if state.ratings else None,
        due_on=card.due_on.isoformat() if card else None,
        stability=card.stability if card else None,
        difficulty=card.difficulty if card else None,
        card=json.dumps(card.card, sort_keys=True) if card else None,
    )  # fmt: skip
