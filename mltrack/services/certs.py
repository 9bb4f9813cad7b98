"""Certification goals: planned -> enrolled -> passed (expired once its expiry date is behind
us) or failed -> enrolled again, and dropped. Every step is journaled in ``cert_event`` with
its cost and the goal as it was before, and a pass marks the certification's item done.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from mltrack.core.changes import CertChange
from mltrack.core.dates import utc_now_iso
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import check_text
from mltrack.core.rules import goal_status
from mltrack.core.vocabulary import (
    EXPIRED,
    NO_GOAL,
    CertAction,
    CertStatus,
    EventAction,
    ItemKind,
    ItemStatus,
)
from mltrack.models import CertEvent, CertGoal, CertUndo, Item, Learner, Progress, ProgressEvent
from mltrack.services.lookup import get_item, get_learner, past_or_today
from mltrack.services.progress import apply_change

# The goal as an event keeps it in ``prior`` (also what import checks it against).
GOAL_FIELDS = (
    "status", "target_date", "enrolled_on", "passed_on", "expires_on",
    "credential_id", "credential_url", "attempts",
)  # fmt: skip
_DATE_FIELDS = ("target_date", "enrolled_on", "passed_on", "expires_on")


@dataclass(frozen=True)
class Cost:
    cents: int
    currency: str


@dataclass
class _Target:
    """The learner, the certification and its goal (None before the first cert command)."""

    learner: Learner
    item: Item
    goal: CertGoal | None
    today: date
    # As they were before this command changed the goal: its status ("none" without a goal,
    # "expired" derived) and its values as JSON, for the journal.
    status: str = field(init=False)
    prior: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.prior = _snapshot(self.goal)
        if self.goal is None:
            self.status = NO_GOAL
        else:
            self.status = goal_status(self.goal.status, self.goal.expires_on, self.today)


def make_cost(cents: int | None, currency: str | None) -> Cost | None:
    """The cost of a step, or None; an amount needs its currency and the other way round."""
    if cents is None and currency is None:
        return None
    if cents is None or currency is None:
        raise InputError("give a cost with its currency, e.g. --cost 49 --currency USD")
    return Cost(cents, currency)


def set_goal(session: Session, learner_name: str, cert_text: str, by: date) -> CertChange:
    """Aim to pass the certification by ``by``: creates the goal, revives a dropped or
    expired one, or moves the target of one under way."""
    target = _find(session, learner_name, cert_text)
    if by < target.today:
        raise InputError(f"the target date {by.isoformat()} is in the past")
    _refuse_if_valid_pass(target, "set a new target")
    goal = _goal_for(session, target)
    if target.status in (NO_GOAL, CertStatus.DROPPED, EXPIRED):
        goal.status = CertStatus.PLANNED
    goal.target_date = by
    return _record(session, target, goal, CertAction.GOAL, target.today)


def enroll(
    session: Session, learner_name: str, cert_text: str, on: date | None, cost: Cost | None
) -> CertChange:
    """Record enrolling in the certification (its course or exam) on ``on``."""
    target = _find(session, learner_name, cert_text)
    on = past_or_today(on, target.today)
    _refuse_if_valid_pass(target, "enroll again")
    if target.goal is not None and target.goal.status == CertStatus.ENROLLED:
        since = _iso(target.goal.enrolled_on)
        raise MltrackError(f"you are already enrolled in {target.item.slug} (since {since})")
    goal = _goal_for(session, target)
    goal.status, goal.enrolled_on = CertStatus.ENROLLED, on
    return _record(session, target, goal, CertAction.ENROLL, on, cost)


def pass_cert(
    session: Session,
    learner_name: str,
    cert_text: str,
    on: date | None = None,
    credential_id: str | None = None,
    url: str | None = None,
    expires: date | None = None,
    cost: Cost | None = None,
) -> CertChange:
    """Record passing the certification and mark its pathway item done, as one undoable
    progress event. Passing without a recorded enrolment records the enrolment that day."""
    if credential_id is not None:
        check_text(credential_id, "a credential id")
    if url is not None:
        check_text(url, "a credential URL")
    target = _find(session, learner_name, cert_text)
    on = past_or_today(on, target.today)
    _refuse_if_valid_pass(target, "pass it again")
    goal = _goal_for(session, target)
    _refuse_before_enrolment(goal, on, "pass")
    if goal.status != CertStatus.ENROLLED:
        goal.enrolled_on = on
    if expires is not None and expires <= on:
        raise InputError(f"the expiry date {expires.isoformat()} must come after the pass")
    goal.status, goal.passed_on, goal.expires_on = CertStatus.PASSED, on, expires
    goal.credential_id, goal.credential_url = credential_id, url
    goal.attempts += 1
    change = _record(session, target, goal, CertAction.PASS, on, cost)
    return _mark_item_done(session, target, change, url)


def fail(
    session: Session, learner_name: str, cert_text: str, on: date | None, cost: Cost | None
) -> CertChange:
    """Record a failed attempt; enrolling again allows another, and every attempt counts."""
    target = _find(session, learner_name, cert_text)
    on = past_or_today(on, target.today)
    goal = target.goal
    if goal is None or goal.status != CertStatus.ENROLLED:
        why = "its last attempt failed" if target.status == "failed" else target.status
        raise MltrackError(
            f"you are not enrolled in {target.item.slug} ({why}); an attempt needs an "
            f"enrolment first: mltrack cert enroll {target.item.slug}"
        )
    _refuse_before_enrolment(goal, on, "failed attempt")
    goal.status = CertStatus.FAILED
    goal.attempts += 1
    return _record(session, target, goal, CertAction.FAIL, on, cost)


def drop(session: Session, learner_name: str, cert_text: str) -> CertChange:
    """Give up the goal; ``cert goal`` revives it."""
    target = _find(session, learner_name, cert_text)
    if target.goal is None:
        raise MltrackError(f"you have no goal for {target.item.slug}")
    if target.status in (CertStatus.DROPPED, CertStatus.PASSED):
        raise MltrackError(f"{target.item.slug} is already {target.status}; nothing to drop")
    target.goal.status = CertStatus.DROPPED
    return _record(session, target, target.goal, CertAction.DROP, target.today)


def last_open_event(session: Session, learner: Learner) -> CertEvent | None:
    """The learner's newest certification step not yet undone, leaving out passes that marked
    their item done: those are undone through their progress event (``revert_pass``)."""
    linked = select(ProgressEvent.id).where(ProgressEvent.cert_event_id == CertEvent.id)
    return session.scalars(
        select(CertEvent)
        .where(CertEvent.learner_id == learner.id, ~linked.exists(), ~_undone().exists())
        .order_by(CertEvent.occurred_at.desc(), CertEvent.id.desc())
        .limit(1)
    ).first()


def undo_event(session: Session, event: CertEvent) -> tuple[str, str]:
    """Revert one certification step (``mltrack undo``): the goal goes back to how it was.

    Returns the goal's status before and after, "none" where there is no goal."""
    goal = session.get(CertGoal, (event.learner_id, event.item_id))
    before = goal.status if goal is not None else NO_GOAL
    after = _restore_goal(session, event, goal)
    session.add(CertUndo(learner_id=event.learner_id, cert_event_id=event.id,
                         occurred_at=utc_now_iso()))  # fmt: skip
    return before, after


def revert_pass(session: Session, cert_event_id: int) -> str:
    """Put the goal back as it was before the pass ``cert_event_id`` (``mltrack undo`` of the
    pass's progress event) and say what it is back to."""
    event = session.get_one(CertEvent, cert_event_id)
    _, after = undo_event(session, event)
    return (
        "certification goal removed" if after == NO_GOAL else f"certification goal back to {after}"
    )


def _undone() -> Select[tuple[int]]:
    return select(CertUndo.id).where(CertUndo.cert_event_id == CertEvent.id)


def _restore_goal(session: Session, event: CertEvent, goal: CertGoal | None) -> str:
    """Set the goal to the state ``event`` recorded as its prior; return the status."""
    if event.prior is None:
        if goal is not None:
            session.delete(goal)
        return NO_GOAL
    if goal is None:
        goal = CertGoal(learner_id=event.learner_id, item_id=event.item_id)
        session.add(goal)
    values = json.loads(event.prior)
    for name in GOAL_FIELDS:
        value = values[name]
        if name in _DATE_FIELDS and value is not None:
            value = date.fromisoformat(value)
        setattr(goal, name, value)
    goal.updated_at = utc_now_iso()
    return goal.status


def _find(session: Session, learner_name: str, cert_text: str) -> _Target:
    learner = get_learner(session, learner_name)
    item = get_item(session, learner, cert_text, kind=ItemKind.CERTIFICATION)
    goal = session.get(CertGoal, (learner.id, item.id))
    return _Target(learner, item, goal, date.today())


def _refuse_before_enrolment(goal: CertGoal, on: date, what: str) -> None:
    if goal.enrolled_on is not None and on < goal.enrolled_on:
        raise MltrackError(
            f"the {what} on {on.isoformat()} is dated before the enrolment on "
            f"{goal.enrolled_on.isoformat()}"
        )


def _goal_for(session: Session, target: _Target) -> CertGoal:
    """The goal to change, created (planned, no attempts) if the learner had none."""
    if target.goal is None:
        goal = CertGoal(
            learner_id=target.learner.id, item_id=target.item.id,
            status=CertStatus.PLANNED, attempts=0,
        )  # fmt: skip
        session.add(goal)
        return goal
    return target.goal


def _refuse_if_valid_pass(target: _Target, doing: str) -> None:
    goal = target.goal
    if goal is None or target.status != CertStatus.PASSED:
        return
    until = f"valid until {goal.expires_on.isoformat()}" if goal.expires_on else "no expiry date"
    raise MltrackError(
        f"{target.item.slug} is already passed (on {_iso(goal.passed_on)}, {until}); "
        f"you can {doing} once it has expired"
    )


def _record(
    session: Session,
    target: _Target,
    goal: CertGoal,
    action: CertAction,
    on: date,
    cost: Cost | None = None,
) -> CertChange:
    """Journal ``action`` with the goal as it was before it, and stamp the goal."""
    goal.updated_at = utc_now_iso()
    event = CertEvent(
        learner_id=target.learner.id, item_id=target.item.id, occurred_at=goal.updated_at,
        on_date=on, action=action, prior=target.prior,
        cost_cents=cost.cents if cost else None, currency=cost.currency if cost else None,
    )  # fmt: skip
    session.add(event)
    session.flush()  # the event id links the progress event of a pass
    return CertChange(
        target.item.slug, action, target.status, goal.status, on, goal.attempts, event.id
    )


def _mark_item_done(
    session: Session, target: _Target, change: CertChange, url: str | None
) -> CertChange:
    """Mark the certification's item done, linked to the pass; nothing if it already is."""
    progress = session.get(Progress, (target.learner.id, target.item.id))
    if progress is not None and progress.status == ItemStatus.DONE:
        return change
    item_change = apply_change(
        session, target.learner, target.item, EventAction.DONE, change.on_date,
        evidence_url=url, cert_event_id=change.event_id,
    )  # fmt: skip
    return replace(change, item_change=item_change)


def _snapshot(goal: CertGoal | None) -> str | None:
    """The goal as JSON text (dates as ISO text), or None when there was none."""
    if goal is None:
        return None
    values = {name: getattr(goal, name) for name in GOAL_FIELDS}
    return json.dumps({k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()})


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "an unknown date"
