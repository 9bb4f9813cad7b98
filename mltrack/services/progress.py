"""Marking work started, done, skipped or reset, and undoing the last change.

Every change writes the new progress row and appends one event holding the row as it was, so
that ``undo`` can put it back; events are never edited or deleted.
"""

import json
from datetime import date

from sqlalchemy.orm import Session

from mltrack.core.changes import Change
from mltrack.core.dates import utc_now_iso
from mltrack.core.errors import MltrackError
from mltrack.core.limits import check_text
from mltrack.core.vocabulary import EventAction, ItemStatus
from mltrack.models import (
    Item,
    Learner,
    Progress,
    ProgressEvent,
)
from mltrack.services.lookup import get_item, get_learner, past_or_today

# The status each action leads to.
TARGET = {
    EventAction.START: ItemStatus.IN_PROGRESS,
    EventAction.DONE: ItemStatus.DONE,
    EventAction.SKIP: ItemStatus.SKIPPED,
    EventAction.RESET: ItemStatus.PLANNED,
}
# The progress row as an event keeps it in ``prior`` (also what import checks it against).
SNAPSHOT_FIELDS = ("status", "started_on", "finished_on", "note", "evidence_url")


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
    if note is not None:
        check_text(note, "a note", multiline=True)
    if evidence_url is not None:
        check_text(evidence_url, "an evidence URL")
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
    before = snapshot(progress)
    current = progress.status if progress else ItemStatus.PLANNED
    target = TARGET[action]
    _check_move(item, current, target, on, progress)
    if progress is None:
        progress = Progress(learner_id=learner.id, item_id=item.id)
        session.add(progress)
    _apply(progress, target, on, note, evidence_url)
    journal(session, learner.id, item.id, action, current, target, on, note, before,
             cert_event_id=cert_event_id)  # fmt: skip
    return Change(item.slug, item.title, action, current, target, on)


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


def journal(
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


def snapshot(progress: Progress | None) -> dict[str, str | None] | None:
    if progress is None:
        return None
    values = {name: getattr(progress, name) for name in SNAPSHOT_FIELDS}
    return {key: None if value is None else str(value) for key, value in values.items()}


def restore(
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
