"""``mltrack undo``: revert the learner's newest change, whichever kind it was."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from mltrack.core.changes import Change
from mltrack.core.errors import MltrackError
from mltrack.core.vocabulary import EventAction
from mltrack.models import (
    CertEvent,
    Item,
    Learner,
    Progress,
    ProgressEvent,
    ReadingEntry,
    StudySession,
)
from mltrack.services.certs import last_open_event, revert_pass, undo_event
from mltrack.services.lookup import get_learner
from mltrack.services.progress import journal, restore, snapshot
from mltrack.services.study import last_entry, remove_entry


def undo_last(session: Session, learner_name: str) -> Change:
    """Revert the learner's most recent change not yet undone, whichever kind came last: an
    item's status (a new progress event), a certification step (its goal put back), or a
    study session or reading entry (removed)."""
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
    before, after = undo_event(session, cert_event)
    item = session.get_one(Item, cert_event.item_id)
    what = f"certification {cert_event.action} of {cert_event.on_date.isoformat()}"
    return Change(item.slug, item.title, EventAction.UNDO, before, after, date.today(), what)


def _undo_entry(session: Session, entry: StudySession | ReadingEntry) -> Change:
    item = session.get(Item, entry.item_id) if entry.item_id is not None else None
    what = remove_entry(session, entry)
    slug, title = (item.slug, item.title) if item else ("-", "")
    return Change(slug, title, EventAction.UNDO, "logged", "removed", date.today(), what)


def _undo_item_change(session: Session, learner: Learner, event: ProgressEvent) -> Change:
    also = None
    if event.cert_event_id is not None:
        also = revert_pass(session, event.cert_event_id)
    item = session.get_one(Item, event.item_id)
    progress = session.get(Progress, (learner.id, item.id))
    before = snapshot(progress)  # taken first: restoring changes ``progress`` in place
    restore(session, progress, learner.id, item.id, event.prior)
    today = date.today()
    journal(session, learner.id, item.id, EventAction.UNDO, event.to_status, event.from_status,
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
