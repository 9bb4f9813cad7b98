"""Marking work started, done, skipped or reset: one journal entry each.

The item's timeline, with the new entry slotted in by its date, must stay valid
(``core.journal``); ``progress`` is then written from the state it leads to.
"""

from datetime import date

from mltrack.core.changes import Change
from mltrack.core.errors import InputError
from mltrack.core.journal import ItemState, Refusal, State
from mltrack.core.limits import check_text
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import EventAction, ItemKind, ItemStatus, JournalKind
from mltrack.queries.lookup import ItemRef, find_item, learner_id
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal

# A certification's item moves with its goal: one way to record a pass keeps its attempt,
# date, cost and credential with the goal, and the goal and the pathway never disagree.
_CERT_INSTEAD = {EventAction.START: "cert enroll", EventAction.DONE: "cert pass"}


def change_status(
    store: SqliteWriter,
    learner_name: str,
    item_text: str,
    action: EventAction,
    today: date,
    on: date | None = None,
    note: str | None = None,
    evidence_url: str | None = None,
) -> Change:
    """Apply ``action`` (start, done, skip, reset) to an item, dated ``on`` (today by default),
    as one journal entry; Refusal naming the conflicting change when the timeline breaks."""
    if note is not None:
        check_text(note, "a note", multiline=True)
    if evidence_url is not None:
        check_text(evidence_url, "an evidence URL")
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, item_text)
    if item.kind == ItemKind.CERTIFICATION and action in _CERT_INSTEAD:
        raise InputError(
            f"{item.slug} is a certification: record it with "
            f"mltrack {_CERT_INSTEAD[action]} {item.slug} (its item moves with it)"
        )
    on = past_or_today(on, today)
    return mark(store, learner, item, action, on, note, evidence_url)


def mark(
    store: SqliteWriter,
    learner: int,
    item: ItemRef,
    action: EventAction,
    on: date,
    note: str | None = None,
    evidence_url: str | None = None,
    group_id: int | None = None,
) -> Change:
    """Record a status change of an item already found (also a linked change of another
    command, in its ``group_id``)."""
    data = {key: value for key, value in (("note", note), ("evidence_url", evidence_url))
            if value is not None}  # fmt: skip
    change = journal.Change(JournalKind.STATUS, action, item.slug, on, item.id, data)
    recorded = journal.record(store, learner, change, group_id)
    also = None if recorded.last else "back-dated: later changes of the item still stand"
    return Change(
        item.slug, item.title, action, status_of(recorded.before), status_of(recorded.after),
        on, also, recorded.id,
    )  # fmt: skip


def mark_if_it_fits(
    store: SqliteWriter,
    learner: int,
    item: ItemRef,
    action: EventAction,
    on: date,
    group_id: int,
) -> Change | None:
    """A linked status change that another command makes as a convenience (reading starts
    the item it is about...): recorded when the item's timeline takes it on that day, left
    out otherwise, so that a back-dated entry landing where the item was done is not refused
    for it. A refused change stores nothing (``journal.record`` checks before it writes)."""
    try:
        return mark(store, learner, item, action, on, group_id=group_id)
    except Refusal:
        return None


def status_of(state: State) -> ItemStatus:
    return state.status if isinstance(state, ItemState) else ItemStatus.PLANNED
