"""Spaced review of finished work, scheduled by FSRS (the ``fsrs`` package).

Each opt-in, opt-out and review is a journal entry (kind ``review``); ``core.journal`` keeps
its timeline consistent and this module turns the ratings it leads to into a card: the
``review_card`` row, written in the same transaction and rebuilt by replay. The card is
always computed from the whole timeline, so a back-dated, amended or undone review gives the
same card as the reviews recorded in order (``services.review_card``, the one module that
imports ``fsrs``, inside the function that needs it: no other command pays for it).
"""

from datetime import date

from mltrack.core.changes import ReviewChange
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.journal import AREA_PREFIX, ReviewState
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
from mltrack.services.review_card import schedule

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
