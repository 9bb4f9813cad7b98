"""The journal's one rule function, proved with properties over random histories.

Whatever order changes are typed in, with whatever back-dates, undos and amendments, the
timeline the journal accepts replays to the state the write path stored, and every state on it
keeps the invariants a learner relies on.
"""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mltrack.core.journal import (
    Entry,
    GoalState,
    ItemState,
    Refusal,
    apply,
    check,
    effective,
    replay,
)
from mltrack.core.vocabulary import (
    CertAction,
    CertStatus,
    EventAction,
    ItemStatus,
    JournalKind,
    MetaAction,
)

START = date(2026, 9, 1)


def entry(number: int, action: str, day: int, kind=JournalKind.STATUS, **data) -> Entry:
    return Entry(
        number, kind, action, "python", START + timedelta(days=day),
        f"2026-11-29T10:00:00.{number:06d}+00:00", data,
    )  # fmt: skip


status_moves = st.lists(
    st.tuples(st.sampled_from(list(EventAction)[:4]), st.integers(0, 60)), max_size=25
)
cert_moves = st.lists(
    st.tuples(st.sampled_from(list(CertAction)), st.integers(0, 60), st.integers(1, 400)),
    max_size=25,
)


def record(moves, make) -> tuple[list[Entry], object]:
    """Offer each move to ``check`` in typing order; keep the accepted ones."""
    accepted: list[Entry] = []
    state = None
    for number, move in enumerate(moves, start=1):
        candidate = make(number, *move)
        try:
            state = check(accepted, candidate)
        except Refusal:
            continue
        accepted.append(candidate)
    return accepted, state


def status_entry(number: int, action: EventAction, day: int) -> Entry:
    return entry(number, action, day, note=f"n{number}")


def cert_entry(number: int, action: CertAction, day: int, span: int) -> Entry:
    data = {}
    if action is CertAction.GOAL:
        data = {"target_date": (START + timedelta(days=day + span)).isoformat()}
    elif action is CertAction.PASS and span % 3:
        data = {"expires_on": (START + timedelta(days=day + span)).isoformat()}
    return entry(number, action, day, JournalKind.CERT, **data)


@settings(max_examples=300, deadline=None)
@given(status_moves)
def test_accepted_status_changes_replay_to_the_stored_state(moves) -> None:
    accepted, state = record(moves, status_entry)
    assert replay(accepted) == state
    assert replay(reversed(accepted)) == state  # the order they are read in does not matter
    if accepted:
        check_item_invariants(state)


def check_item_invariants(state: ItemState) -> None:
    if state.status == ItemStatus.PLANNED:
        assert state.started_on is None and state.finished_on is None
    elif state.status == ItemStatus.IN_PROGRESS:
        assert state.started_on is not None and state.finished_on is None
    elif state.status == ItemStatus.DONE:
        assert state.finished_on is not None and state.started_on is not None
        assert state.started_on <= state.finished_on
    else:
        assert state.finished_on is None


@settings(max_examples=300, deadline=None)
@given(status_moves)
def test_every_state_along_an_accepted_timeline_keeps_the_invariants(moves) -> None:
    accepted, _ = record(moves, status_entry)
    state = None
    for step in effective(accepted):
        state = apply(state, step)
        check_item_invariants(state)
        assert state.status != ItemStatus.PLANNED or step.action == EventAction.RESET


@settings(max_examples=300, deadline=None)
@given(cert_moves)
def test_accepted_certification_steps_replay_and_count_attempts(moves) -> None:
    accepted, state = record(moves, cert_entry)
    assert replay(accepted) == state
    attempts = sum(e.action in (CertAction.PASS, CertAction.FAIL) for e in accepted)
    assert (state.attempts if isinstance(state, GoalState) else 0) == attempts
    if isinstance(state, GoalState) and state.status == CertStatus.PASSED:
        assert state.passed_on is not None and state.enrolled_on <= state.passed_on


@settings(max_examples=200, deadline=None)
@given(status_moves, st.data())
def test_undo_takes_an_entry_out_or_is_refused_naming_why(moves, data) -> None:
    accepted, _ = record(moves, status_entry)
    if not accepted:
        return
    target = data.draw(st.sampled_from(accepted))
    undo = entry(len(moves) + 1, MetaAction.UNDO, 90, undoes=target.id)
    rest = [e for e in accepted if e.id != target.id]
    try:
        after = check(accepted, undo)
    except Refusal as refusal:
        assert "undoing it would make the later" in str(refusal)
        with pytest.raises(Refusal):
            replay(rest)
        return
    assert after == replay(rest)


@settings(max_examples=200, deadline=None)
@given(status_moves, st.data())
def test_amend_moves_a_date_without_reordering(moves, data) -> None:
    accepted, _ = record(moves, status_entry)
    if not accepted:
        return
    target = data.draw(st.sampled_from(accepted))
    day = data.draw(st.integers(0, 60))
    amend = entry(
        len(moves) + 1, MetaAction.AMEND, 90, amends=target.id,
        on=(START + timedelta(days=day)).isoformat(),
    )  # fmt: skip
    try:
        state = check(accepted, amend)
    except Refusal:
        return
    assert [e.id for e in effective(accepted)] == [e.id for e in effective([*accepted, amend])]
    assert replay([*accepted, amend]) == state


def test_a_back_dated_start_slots_in_before_the_done() -> None:
    """The journal issue's first defect: done on 10-13, then start on 10-09 typed later."""
    done = entry(1, EventAction.DONE, 42)
    state = check([done], entry(2, EventAction.START, 38))
    assert state.status == ItemStatus.DONE
    assert (state.started_on, state.finished_on) == (START + timedelta(38), START + timedelta(42))


def test_a_back_dated_reset_before_later_changes_is_refused_naming_them() -> None:
    history = [entry(1, EventAction.START, 38), entry(2, EventAction.DONE, 42)]
    with pytest.raises(Refusal, match=r"already planned on .*\(before the later start of python"):
        check(history, entry(3, EventAction.RESET, 30))


def test_a_change_that_breaks_a_later_one_names_it() -> None:
    history = [entry(1, EventAction.START, 10), entry(2, EventAction.SKIP, 20)]
    with pytest.raises(Refusal, match=r"already in progress on .*\(before the later skip"):
        check(history, entry(3, EventAction.START, 15))
