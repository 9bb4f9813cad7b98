"""Marking work started, done, skipped or reset, and undoing the last change.

Every change writes the new progress row and appends one event holding the row as it was, so
that ``undo`` can put it back; events are never edited or deleted.
"""

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mltrack.core.dates import utc_now_iso
from mltrack.core.errors import MltrackError
from mltrack.models import (
    CertEvent,
    EventAction,
    Item,
    ItemStatus,
    Learner,
    Progress,
    ProgressEvent,
    ReadingEntry,
    StudySession,
)
from mltrack.services.lookup import get_item, get_learner, past_or_today

NO_GOAL = "no goal"  # a certification's status before its first step, as cert commands say
# The status each action leads to.
TARGET = {
    EventAction.START: ItemStatus.IN_PROGRESS,
    EventAction.DONE: ItemStatus.DONE,
    EventAction.SKIP: ItemStatus.SKIPPED,
    EventAction.RESET: ItemStatus.PLANNED,
}
# The progress row as an event keeps it in ``prior`` (also what import checks it against).
SNAPSHOT_FIELDS = ("status", "started_on", "finished_on", "note", "evidence_url")


@dataclass(frozen=True)
class Change:
    """What a command changed, for the CLI to report."""

    slug: str
    title: str
    action: EventAction
    from_status: str  # an ItemStatus; a certification goal's status when undoing one
    to_status: str
    on_date: date
    also: str | None = None  # what else the change did, e.g. to a certification goal


def change_status(
    session: Session,
    learner_name: str,
    item_text: str,
    action: EventAction,
    on: date | None = None,
    note: str | None = None,
    evidence_url: str | None = None,
) -> Change:
    """Apply ``action`` (start, done, skip, reset) to an item for a learner, journaling it."""
    learner = get_learner(session, learner_name)
    item = get_item(session, learner, item_text)
    return apply_change(session, learner, item, action, on, note, evidence_url)


def apply_change(
    session: Session,
    learner: Learner,
    item: Item,
    action: EventAction,
    on: date | None = None,
    note: str | None = None,
    evidence_url: str | None = None,
    cert_event_id: int | None = None,
) -> Change:
    """``change_status`` for a learner and item already found; ``cert_event_id`` links the
    event to the certification pass that caused it."""
    on = on or date.today()
    progress = session.get(Progress, (learner.id, item.id))
    before = _snapshot(progress)
    current = progress.status if progress else ItemStatus.PLANNED
    target = TARGET[action]
    _check_move(item, current, target, on, progress)
    if progress is None:
        progress = Progress(learner_id=learner.id, item_id=item.id)
        session.add(progress)
    _apply(progress, target, on, note, evidence_url)
    _journal(session, learner.id, item.id, action, current, target, on, note, before,
             cert_event_id=cert_event_id)  # fmt: skip
    return Change(item.slug, item.title, action, current, target, on)


def undo_last(session: Session, learner_name: str) -> Change:
    """Revert the learner's most recent change not yet undone, whichever kind came last: an
    item's status (a new progress event), a certification step (its goal put back), or a
    study session or reading entry (removed)."""
    # Imported here: those services build on this module.
    from mltrack.services.certs import last_open_event
    from mltrack.services.study import last_entry

    learner = get_learner(session, learner_name)
    event, cert_event = _last_open_event(session, learner), last_open_event(session, learner)
    entry = last_entry(session, learner.id)
    latest = max(
        (record for record in (event, cert_event, entry) if record is not None),
        key=_logged_at,
        default=None,
    )
    if latest is None:
        raise MltrackError("nothing to undo")
    if isinstance(latest, CertEvent):
        return _undo_cert_step(session, latest)
    if isinstance(latest, StudySession | ReadingEntry):
        return _undo_entry(session, latest)
    return _undo_item_change(session, learner, latest)


def _logged_at(record: ProgressEvent | CertEvent | StudySession | ReadingEntry) -> str:
    """When a change was recorded (UTC ISO text, comparable across the journals)."""
    if isinstance(record, StudySession | ReadingEntry):
        return record.created_at
    return record.occurred_at


def _undo_cert_step(session: Session, cert_event: CertEvent) -> Change:
    from mltrack.services.certs import undo_event

    before, after = (NO_GOAL if s == "none" else s for s in undo_event(session, cert_event))
    item = session.get_one(Item, cert_event.item_id)
    what = f"certification {cert_event.action} of {cert_event.on_date.isoformat()}"
    return Change(item.slug, item.title, EventAction.UNDO, before, after, date.today(), what)


def _undo_entry(session: Session, entry: StudySession | ReadingEntry) -> Change:
    from mltrack.services.study import remove_entry

    item = session.get(Item, entry.item_id) if entry.item_id is not None else None
    what = remove_entry(session, entry)
    slug, title = (item.slug, item.title) if item else ("-", "")
    return Change(slug, title, EventAction.UNDO, "logged", "removed", date.today(), what)


def _undo_item_change(session: Session, learner: Learner, event: ProgressEvent) -> Change:
    from mltrack.services.certs import revert_pass

    also = None
    if event.cert_event_id is not None:
        also = revert_pass(session, event.cert_event_id)
    item = session.get_one(Item, event.item_id)
    progress = session.get(Progress, (learner.id, item.id))
    before = _snapshot(progress)  # taken first: restoring changes ``progress`` in place
    _restore(session, progress, learner.id, item.id, event.prior)
    today = date.today()
    _journal(session, learner.id, item.id, EventAction.UNDO, event.to_status, event.from_status,
             today, None, before, undoes_id=event.id)  # fmt: skip
    return Change(
        item.slug, item.title, EventAction.UNDO, event.to_status, event.from_status, today, also
    )


def _last_open_event(session: Session, learner: Learner) -> ProgressEvent | None:
    """The learner's newest progress event that is not an undo and not undone."""
    # NOT EXISTS looks up each candidate in the unique index on undoes_id; NOT IN would first
    # list every undo of every learner, work that grows with the whole table.
    undo = aliased(ProgressEvent)
    undone = select(undo.id).where(undo.undoes_id == ProgressEvent.id).exists()
    return session.scalars(
        select(ProgressEvent)
        .where(
            ProgressEvent.learner_id == learner.id,
            ProgressEvent.action != EventAction.UNDO,
            ~undone,
        )
        .order_by(ProgressEvent.id.desc())
        .limit(1)
    ).first()


def _check_move(
    item: Item, current: ItemStatus, target: ItemStatus, on: date, progress: Progress | None
) -> None:
    if current == target:
        raise MltrackError(f"{item.slug} is already {target.replace('_', ' ')}")
    past_or_today(on)
    started = progress.started_on if progress else None
    if target == ItemStatus.DONE and started is not None and on < started:
        raise MltrackError(
            f"{item.slug} was started on {started.isoformat()}; it cannot be done before that"
        )


def _apply(
    progress: Progress, target: ItemStatus, on: date, note: str | None, evidence: str | None
) -> None:
    progress.status = target
    progress.updated_at = utc_now_iso()
    if target == ItemStatus.PLANNED:
        progress.started_on = progress.finished_on = None
    elif target == ItemStatus.IN_PROGRESS:
        progress.started_on, progress.finished_on = on, None
    elif target == ItemStatus.DONE:
        progress.started_on = progress.started_on or on
        progress.finished_on = on
    else:
        progress.finished_on = None
    if note is not None:
        progress.note = note
    if evidence is not None:
        progress.evidence_url = evidence


def _journal(
    session: Session,
    learner_id: int,
    item_id: int,
    action: EventAction,
    current: ItemStatus,
    target: ItemStatus,
    on: date,
    note: str | None,
    before: dict[str, str | None] | None,
    undoes_id: int | None = None,
    cert_event_id: int | None = None,
) -> None:
    session.add(
        ProgressEvent(
            learner_id=learner_id, item_id=item_id, occurred_at=utc_now_iso(), on_date=on,
            action=action, from_status=current, to_status=target, note=note,
            prior=None if before is None else json.dumps(before), undoes_id=undoes_id,
            cert_event_id=cert_event_id,
        )
    )  # fmt: skip


def _snapshot(progress: Progress | None) -> dict[str, str | None] | None:
    if progress is None:
        return None
    values = {name: getattr(progress, name) for name in SNAPSHOT_FIELDS}
    return {key: None if value is None else str(value) for key, value in values.items()}


def _restore(
    session: Session, progress: Progress | None, learner_id: int, item_id: int, prior: str | None
) -> None:
    if prior is None:
        if progress is not None:
            session.delete(progress)
        return
    values = json.loads(prior)
    if progress is None:
        progress = Progress(learner_id=learner_id, item_id=item_id)
        session.add(progress)
    progress.status = ItemStatus(values["status"])
    for key in ("started_on", "finished_on"):
        setattr(progress, key, date.fromisoformat(values[key]) if values[key] else None)
    progress.note, progress.evidence_url = values["note"], values["evidence_url"]
    progress.updated_at = utc_now_iso()
