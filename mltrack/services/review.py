"""Spaced review of finished work, scheduled by FSRS (the ``fsrs`` package).

Each opt-in, opt-out and review is a journal entry (kind ``review``); ``core.journal`` keeps
its timeline consistent and this module turns the ratings it leads to into a card: the
``review_card`` row, written in the same transaction and rebuilt by replay. The card is
always computed from the whole timeline, so a back-dated, amended or undone review gives the
same card as the reviews recorded in order. ``fsrs`` is imported here only, inside the
functions that need it: no other command pays for it.
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from mltrack.core.changes import ReviewChange
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.journal import AREA_PREFIX, ReviewState, State
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import (
    REVISABLE_KINDS,
    ItemStatus,
    JournalKind,
    ReviewAction,
    ReviewRating,
)
from mltrack.queries.lookup import ItemRef, find_item, learner_id
from mltrack.queries.reader import SqliteWriter, first
from mltrack.services import journal

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


# Commands ---------------------------------------------------------------------------------

_AREA_SQL = "SELECT id, slug FROM area WHERE slug = :slug AND NOT retired"
_ITEM_REVIEW_SQL = """
    SELECT p.status, p.finished_on, a.slug AS area,
           (SELECT enabled FROM review_card c
            WHERE c.learner_id = :learner_id AND c.subject = :slug) AS enabled,
           (SELECT enabled FROM review_card c
            WHERE c.learner_id = :learner_id AND c.subject = 'area:' || a.slug) AS area_enabled
    FROM item i
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    LEFT JOIN area a ON a.id = i.area_id
    WHERE i.id = :item_id
"""


def set_review(
    store: SqliteWriter,
    learner_name: str,
    target: str,
    enable: bool,
    today: date,
    on: date | None = None,
) -> ReviewChange:
    """Opt a study area (its slug) or an item (as ``find_item`` reads it) in to spaced review,
    or out of it; an item's own setting wins over its area's."""
    learner = learner_id(store, learner_name)
    on = past_or_today(on, today)
    action = ReviewAction.ENABLE if enable else ReviewAction.DISABLE
    area = first(store, _AREA_SQL, slug=target.strip().lower())
    if area is not None:
        subject, item_id, words = AREA_PREFIX + area["slug"], None, f"study area {area['slug']}"
    else:
        item = _revisable(find_item(store, learner, target))
        subject, item_id, words = item.slug, item.id, item.slug
    change = journal.Change(JournalKind.REVIEW, action, subject, on, item_id)
    recorded = journal.record(store, learner, change)
    return ReviewChange(words, action, on, recorded.id)


def rate(
    store: SqliteWriter,
    learner_name: str,
    item_text: str,
    rating: ReviewRating,
    today: date,
    on: date | None = None,
) -> ReviewChange:
    """Record a review of a finished item that is on review, and say when the next is due."""
    learner = learner_id(store, learner_name)
    item = _revisable(find_item(store, learner, item_text))
    on = past_or_today(on, today)
    row = first(store, _ITEM_REVIEW_SQL, learner_id=learner, slug=item.slug, item_id=item.id)
    assert row is not None
    if row["status"] != ItemStatus.DONE:
        raise MltrackError(f"{item.slug} is not done yet: a review is of finished work")
    if on.isoformat() < str(row["finished_on"]):
        raise MltrackError(
            f"{item.slug} was finished on {row['finished_on']}; a review cannot come before it"
        )
    if not (row["enabled"] == 1 or (row["enabled"] is None and row["area_enabled"] == 1)):
        hint = f"mltrack review --enable {item.slug}"
        if row["area"]:
            hint += f" (or its study area: mltrack review --enable {row['area']})"
        raise MltrackError(f"{item.slug} is not on review; turn it on first: {hint}")
    change = journal.Change(JournalKind.REVIEW, rating, item.slug, on, item.id)
    recorded = journal.record(store, learner, change)
    after = recorded.after
    assert isinstance(after, ReviewState)
    card = schedule(after.ratings)
    assert card is not None
    return ReviewChange(item.slug, rating, on, recorded.id, card.due_on, card.stability,
                        len(after.ratings))  # fmt: skip


def _revisable(item: ItemRef) -> ItemRef:
    if item.kind not in REVISABLE_KINDS:
        kinds = " and ".join(f"{kind}s" for kind in REVISABLE_KINDS)
        raise InputError(f"{item.slug} is a {item.kind}: only {kinds} go on review")
    return item
