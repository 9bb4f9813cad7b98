"""Certification goals: planned -> enrolled -> passed (expired once its expiry date is behind
us) or failed -> enrolled again, and dropped. Every step is a journal entry with its cost; the
rules are ``core.journal``'s. Enrolling starts the certification's item and passing finishes
it, as linked changes that ``undo`` reverts together with the step.
"""

from datetime import date
from typing import Any, NamedTuple

from mltrack.core.changes import CertChange
from mltrack.core.errors import InputError
from mltrack.core.journal import GoalState, State, refuse_valid_pass
from mltrack.core.limits import check_text
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import (
    NO_GOAL,
    CertAction,
    CertStatus,
    EventAction,
    ItemKind,
    ItemStatus,
    JournalKind,
)
from mltrack.queries.lookup import ItemRef, find_item, learner_id
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal
from mltrack.services.progress import mark, mark_if_it_fits, status_of


class Cost(NamedTuple):  # not a dataclass: the certification writes stay off its import
    cents: int
    currency: str


def make_cost(cents: int | None, currency: str | None) -> Cost | None:
    """The cost of a step, or None; an amount needs its currency and the other way round."""
    if cents is None and currency is None:
        return None
    if cents is None or currency is None:
        raise InputError("give a cost with its currency, e.g. --cost 49 --currency USD")
    return Cost(cents, currency)


def set_goal(
    store: SqliteWriter, learner_name: str, cert_text: str, by: date, today: date
) -> CertChange:
    """Aim to pass the certification by ``by``: creates the goal, revives a dropped or
    expired one, or moves the target of one under way."""
    if by < today:
        raise InputError(f"the target date {by.isoformat()} is in the past")
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, cert_text, kind=ItemKind.CERTIFICATION)
    goal = journal.current_state(store, learner, JournalKind.CERT, item.slug)
    if isinstance(goal, GoalState) and goal.seen_on(today) == CertStatus.PASSED:
        refuse_valid_pass(item.slug, goal, "set a new target")
    return _step(store, learner_name, cert_text, CertAction.GOAL, today, today,
                 {"target_date": by.isoformat()})  # fmt: skip


def enroll(
    store: SqliteWriter,
    learner_name: str,
    cert_text: str,
    on: date | None,
    cost: Cost | None,
    today: date,
) -> CertChange:
    """Record enrolling in the certification on ``on``; its item starts if it is planned."""
    return _step(store, learner_name, cert_text, CertAction.ENROLL, past_or_today(on, today),
                 today, _cost(cost))  # fmt: skip


def pass_cert(
    store: SqliteWriter,
    learner_name: str,
    cert_text: str,
    today: date,
    on: date | None = None,
    credential_id: str | None = None,
    url: str | None = None,
    expires: date | None = None,
    cost: Cost | None = None,
) -> CertChange:
    """Record passing the certification; its item is marked done in the same change.
    Passing without a recorded enrolment records the enrolment that day."""
    if credential_id is not None:
        check_text(credential_id, "a credential id")
    if url is not None:
        check_text(url, "a credential URL")
    data = {"expires_on": expires.isoformat() if expires else None,
            "credential_id": credential_id, "credential_url": url, **_cost(cost)}  # fmt: skip
    given = {key: value for key, value in data.items() if value is not None}
    on = past_or_today(on, today)
    return _step(store, learner_name, cert_text, CertAction.PASS, on, today, given)


def fail(
    store: SqliteWriter,
    learner_name: str,
    cert_text: str,
    on: date | None,
    cost: Cost | None,
    today: date,
) -> CertChange:
    """Record a failed attempt; enrolling again allows another, and every attempt counts."""
    return _step(store, learner_name, cert_text, CertAction.FAIL, past_or_today(on, today),
                 today, _cost(cost))  # fmt: skip


def drop(store: SqliteWriter, learner_name: str, cert_text: str, today: date) -> CertChange:
    """Give up the goal; ``cert goal`` revives it."""
    return _step(store, learner_name, cert_text, CertAction.DROP, today, today, {})


def _step(
    store: SqliteWriter,
    learner_name: str,
    cert_text: str,
    action: CertAction,
    on: date,
    today: date,
    data: dict[str, Any],
) -> CertChange:
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, cert_text, kind=ItemKind.CERTIFICATION)
    change = journal.Change(JournalKind.CERT, action, item.slug, on, item.id, data)
    recorded = journal.record(store, learner, change)
    goal = recorded.after
    assert isinstance(goal, GoalState)
    item_change = _linked_item_change(store, learner, item, action, on, recorded.id, data)
    return CertChange(
        item.slug, action, _seen(recorded.before, today), goal.seen_on(today), on,
        goal.attempts, recorded.id, item_change,
    )  # fmt: skip


def _linked_item_change(
    store: SqliteWriter,
    learner: int,
    item: ItemRef,
    action: CertAction,
    on: date,
    group_id: int,
    data: dict[str, Any],
):  # type: ignore[no-untyped-def]
    """Enrolling starts a planned item; passing finishes an item not done yet."""
    current = status_of(journal.current_state(store, learner, JournalKind.STATUS, item.slug))
    if action is CertAction.ENROLL and current == ItemStatus.PLANNED:
        return mark_if_it_fits(store, learner, item, EventAction.START, on, group_id)
    if action is CertAction.PASS and current != ItemStatus.DONE:
        return mark(store, learner, item, EventAction.DONE, on,
                    evidence_url=data.get("credential_url"), group_id=group_id)  # fmt: skip
    return None


def _seen(state: State, today: date) -> str:
    return state.seen_on(today) if isinstance(state, GoalState) else NO_GOAL


def _cost(cost: Cost | None) -> dict[str, Any]:
    return {"cost_cents": cost.cents, "currency": cost.currency} if cost else {}
