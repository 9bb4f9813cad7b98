"""The journal's rules: what each change does to the record, in one pure function.

A learner's record is a journal of changes; every figure is derived from it. Each entry is
about one *subject* (an item's status, a certification goal, a project, the target date, one
study session...) and the entries of a subject, replayed in the order they happened, must
each be valid: ``apply(state, entry)`` returns the subject's next state or raises ``Refusal``.
The write path, ``doctor``'s replay, import and the property tests all call it, so there is
one rule in one place; SQL only stores what it returns.

Order: by the date a change happened (``on``), then by when it was recorded, so a change
typed today with ``--on`` last week slots into the past, and the whole timeline after it is
checked again. ``undo`` and ``amend`` are entries too: an undone entry leaves the timeline,
an amended one moves to its corrected date or note (the newest amendment wins).

Standard library only: the daily write commands run it without SQLAlchemy.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from mltrack.core.errors import MltrackError
from mltrack.core.rules import goal_status
from mltrack.core.vocabulary import (
    EXPIRED,
    CertAction,
    CertStatus,
    EventAction,
    ItemStatus,
    JournalKind,
    MetaAction,
    PlanAction,
    ProjectAction,
    ReviewAction,
    ReviewRating,
)

_META = frozenset(MetaAction)
_KIND_OF = JournalKind.members_by_value
# A learner's notes and links on items: each is its own subject (its uid), added by ``log``,
# removed by ``clear``, its text (``note``) or date corrected by amend.
_ANNOTATIONS = frozenset((JournalKind.NOTE, JournalKind.LINK))


class Refusal(MltrackError):
    """A change that would make the timeline invalid; the message says which step fails."""


class InvalidValue(Refusal):
    """A value no timeline can hold (an expiry before its pass): a usage error."""

    exit_code = 2


class Entry(NamedTuple):
    """One change as the learner asserted it. ``data`` holds the change's own values (a note,
    a cost, an expiry date...); for undo ``{"undoes": id}``, for amend ``{"amends": id,
    "on": ISO date or absent, "note": text or absent}``."""

    id: int  # the order of recording in this database
    kind: JournalKind
    action: str
    subject: str
    on: date
    recorded_at: str
    data: Mapping[str, Any]

    @property
    def order(self) -> tuple[date, str, int]:
        """Where the entry stands in its subject's timeline."""
        return (self.on, self.recorded_at, self.id)

    def describe(self) -> str:
        """Short words for a refusal, e.g. ``done of python on 2026-10-13 (#42)``."""
        return f"{self.action} of {self.subject} on {self.on.isoformat()} (#{self.id})"


# States, one per kind of subject. None is "nothing yet" for every kind.


class ItemState(NamedTuple):
    status: ItemStatus = ItemStatus.PLANNED
    started_on: date | None = None
    finished_on: date | None = None
    note: str | None = None
    evidence_url: str | None = None


class GoalState(NamedTuple):
    status: CertStatus = CertStatus.PLANNED
    target_date: date | None = None
    enrolled_on: date | None = None
    passed_on: date | None = None
    expires_on: date | None = None
    credential_id: str | None = None
    credential_url: str | None = None
    attempts: int = 0

    def seen_on(self, day: date) -> str:
        """The status as the learner sees it on ``day`` (a lapsed pass reads "expired")."""
        return goal_status(self.status, self.expires_on, day) or CertStatus.PLANNED


class ProjectState(NamedTuple):
    added_on: date
    done_on: date | None = None


class PresentState(NamedTuple):
    """A subject that is simply there (a target date, an ordering, an own item, a study
    session or reading entry): its values, from the entry that made it."""

    values: Mapping[str, Any]


class ReviewState(NamedTuple):
    """Spaced review of an item (subject: its slug) or of a study area (``area:<slug>``):
    whether the learner opted it in (True), out (False) or left it to its area (None), and
    the ratings of its reviews in timeline order. The schedule (FSRS) is computed from the
    ratings by the service layer; the rule only keeps the record consistent."""

    enabled: bool | None = None
    ratings: tuple[tuple[date, ReviewRating], ...] = ()


State = ItemState | GoalState | ProjectState | PresentState | ReviewState | None


def apply(state: State, entry: Entry) -> State:
    """The subject's state after ``entry``; Refusal when the entry cannot follow ``state``."""
    if entry.kind is JournalKind.STATUS:
        return _apply_status(state if isinstance(state, ItemState) else ItemState(), entry)
    if entry.kind is JournalKind.CERT:
        return _apply_cert(state if isinstance(state, GoalState) else None, entry)
    if entry.kind is JournalKind.PROJECT:
        return _apply_project(state if isinstance(state, ProjectState) else None, entry)
    if entry.kind is JournalKind.REVIEW:
        return _apply_review(state if isinstance(state, ReviewState) else ReviewState(), entry)
    if entry.kind in _ANNOTATIONS:
        return _apply_annotation(state, entry)
    return _apply_presence(state, entry)


# Item status -----------------------------------------------------------------------------

_STATUS_AFTER = {
    EventAction.START: ItemStatus.IN_PROGRESS,
    EventAction.DONE: ItemStatus.DONE,
    EventAction.SKIP: ItemStatus.SKIPPED,
    EventAction.RESET: ItemStatus.PLANNED,
}


def _apply_status(state: ItemState, entry: Entry) -> ItemState:
    target = _STATUS_AFTER[EventAction(entry.action)]
    if state.status == target:
        raise Refusal(f"{entry.subject} is already {target.replace('_', ' ')}")
    on, data = entry.on, entry.data
    if target == ItemStatus.IN_PROGRESS and state.status == ItemStatus.DONE:
        raise Refusal(
            f"{entry.subject} is done (on {_iso(state.finished_on)}); reset it first to take "
            "it up again"
        )
    if target == ItemStatus.PLANNED:
        started, finished = None, None
    elif target == ItemStatus.IN_PROGRESS:
        started, finished = on, None
    elif target == ItemStatus.DONE:
        started, finished = state.started_on or on, on
    else:
        started, finished = state.started_on, None
    return ItemState(
        target, started, finished,
        data.get("note", state.note), data.get("evidence_url", state.evidence_url),
    )  # fmt: skip


# Certification goals ---------------------------------------------------------------------


def _apply_cert(goal: GoalState | None, entry: Entry) -> GoalState:
    action, on, data, slug = CertAction(entry.action), entry.on, entry.data, entry.subject
    seen = goal.seen_on(on) if goal is not None else None
    if action in (CertAction.ENROLL, CertAction.PASS) and seen == CertStatus.PASSED:
        assert goal is not None
        refuse_valid_pass(slug, goal, "enroll again" if action is CertAction.ENROLL else
                          "pass it again")  # fmt: skip
    current = goal or GoalState()
    if action is CertAction.GOAL:
        # A target set after a valid pass only moves the target (``cert goal`` refuses it
        # when typed, as pointless; a back-dated pass may land before it).
        revived = goal is None or seen in (CertStatus.DROPPED, EXPIRED)
        status = CertStatus.PLANNED if revived else current.status
        return current._replace(status=status, target_date=_date(data["target_date"]))
    if action is CertAction.ENROLL:
        if seen == CertStatus.ENROLLED:
            raise Refusal(f"you are already enrolled in {slug} (since {_iso(current.enrolled_on)})")
        return current._replace(status=CertStatus.ENROLLED, enrolled_on=on)
    if action is CertAction.PASS:
        _refuse_before_enrolment(current, entry)
        expires = _date(data.get("expires_on"))
        if expires is not None and expires <= on:
            raise InvalidValue(f"the expiry date {expires.isoformat()} must come after the pass")
        enrolled = current.enrolled_on if current.status == CertStatus.ENROLLED else on
        return current._replace(
            status=CertStatus.PASSED, enrolled_on=enrolled, passed_on=on,
            expires_on=expires, credential_id=data.get("credential_id"),
            credential_url=data.get("credential_url"), attempts=current.attempts + 1,
        )  # fmt: skip
    if action is CertAction.FAIL:
        if goal is None or goal.status != CertStatus.ENROLLED:
            why = "its last attempt failed" if seen == CertStatus.FAILED else seen or "none"
            raise Refusal(
                f"you are not enrolled in {slug} ({why}); an attempt needs an enrolment "
                f"first: mltrack cert enroll {slug}"
            )
        _refuse_before_enrolment(current, entry)
        return current._replace(status=CertStatus.FAILED, attempts=current.attempts + 1)
    if goal is None:
        raise Refusal(f"you have no goal for {slug}")
    if seen in (CertStatus.DROPPED, CertStatus.PASSED):
        raise Refusal(f"{slug} is already {seen}; nothing to drop")
    return current._replace(status=CertStatus.DROPPED)


def refuse_valid_pass(slug: str, goal: GoalState, doing: str) -> None:
    """Refuse what makes no sense while a pass is valid."""
    until = f"valid until {_iso(goal.expires_on)}" if goal.expires_on else "no expiry date"
    raise Refusal(
        f"{slug} is already passed (on {_iso(goal.passed_on)}, {until}); "
        f"you can {doing} once it has expired"
    )


def _refuse_before_enrolment(goal: GoalState, entry: Entry) -> None:
    if goal.enrolled_on is not None and entry.on < goal.enrolled_on:
        what = "pass" if entry.action == CertAction.PASS else "failed attempt"
        raise Refusal(
            f"the {what} on {entry.on.isoformat()} is dated before the enrolment on "
            f"{goal.enrolled_on.isoformat()}"
        )


# Projects and things that are simply there ----------------------------------------------


def _apply_project(project: ProjectState | None, entry: Entry) -> ProjectState:
    if entry.action == ProjectAction.ADD:
        if project is not None:
            raise Refusal(f"you already have a project {entry.subject!r}")
        return ProjectState(entry.on)
    if project is None:
        raise Refusal(f"there is no project {entry.subject!r} yet")
    if project.done_on is not None:
        raise Refusal(f"project {entry.subject} is already done (on {_iso(project.done_on)})")
    if entry.on < project.added_on:
        raise Refusal(
            f"project {entry.subject} was started on {project.added_on.isoformat()}; "
            "it cannot be done before that"
        )
    return project._replace(done_on=entry.on)


def _apply_presence(state: State, entry: Entry) -> State:
    if entry.action == PlanAction.CLEAR:
        if state is None:
            raise Refusal(f"there is no {entry.subject} to remove")
        return None
    if entry.action == PlanAction.LOG and state is not None:
        raise Refusal(f"{entry.subject} is logged already")
    return PresentState(entry.data)


# Spaced review ---------------------------------------------------------------------------

AREA_PREFIX = "area:"  # the subject of an area's review setting: ``area:<area slug>``


def _apply_review(state: ReviewState, entry: Entry) -> ReviewState:
    area = entry.subject.startswith(AREA_PREFIX)
    name = f"study area {entry.subject.removeprefix(AREA_PREFIX)}" if area else entry.subject
    if entry.action == ReviewAction.ENABLE:
        if state.enabled:
            raise Refusal(f"review of {name} is already on")
        return state._replace(enabled=True)
    if entry.action == ReviewAction.DISABLE:
        # An item may be turned off while its area is on; an area is on or not at all.
        if state.enabled is False or (area and not state.enabled):
            raise Refusal(f"review of {name} is already off")
        return state._replace(enabled=None if area else False)
    if area:
        raise Refusal(f"a review rates an item, not the {name}")
    rating = ReviewRating(entry.action)
    return state._replace(ratings=(*state.ratings, (entry.on, rating)))


def _apply_annotation(state: State, entry: Entry) -> State:
    """A note needs words and a link an address: an amendment cannot blank either."""
    if entry.action == PlanAction.LOG:
        field = "note" if entry.kind is JournalKind.NOTE else "url"
        if not str(entry.data.get(field) or "").strip():
            raise InvalidValue(f"a {entry.kind} needs {'text' if field == 'note' else 'a URL'}")
    if entry.action == PlanAction.CLEAR and state is None:
        raise Refusal(f"that {entry.kind} is removed already")
    return _apply_presence(state, entry)


# Timelines -------------------------------------------------------------------------------


def effective(entries: Iterable[Entry]) -> list[Entry]:
    """The subject's changes that stand, in timeline order: undo and amend entries applied
    (an undone entry leaves; an amended one takes its corrected date and note)."""
    entries = sorted(entries, key=lambda e: e.id)  # recording order
    if not any(e.action in _META for e in entries):
        # Nothing undone or amended (most subjects): every entry stands as recorded.
        return sorted(entries, key=lambda e: e.order)
    undone = {e.data["undoes"] for e in entries if e.action == MetaAction.UNDO}
    standing: dict[int, Entry] = {}
    for entry in entries:
        if entry.id in undone or entry.action == MetaAction.UNDO:
            continue
        if entry.action == MetaAction.AMEND:
            target = standing.get(entry.data["amends"])
            if target is not None:
                standing[target.id] = amended(target, entry)
            continue
        standing[entry.id] = entry
    return sorted(standing.values(), key=lambda e: e.order)


def entry_of(row: Mapping[str, Any]) -> Entry:
    """A stored journal row (a mapping with its columns) as the rule function sees it: an
    undo or amend names its target in ``data``. Both sides load entries through it."""
    stored = row["data"]
    # Most entries (status changes) hold no data: a replay of a long journal skips parsing it.
    data = json.loads(stored) if stored and stored != "{}" else {}
    if row["action"] == MetaAction.UNDO:
        data = {"undoes": row["target_id"]}
    elif row["action"] == MetaAction.AMEND:
        data = {**data, "amends": row["target_id"]}
    on = row["on_date"]
    kind = row["kind"]
    return Entry(
        # The member's lookup, the enum's call for what is none (a replay loads every entry).
        row["id"], _KIND_OF.get(kind) or JournalKind(kind), row["action"], row["subject"],
        on if isinstance(on, date) else date.fromisoformat(str(on)), str(row["recorded_at"]),
        data,
    )  # fmt: skip


def amended(target: Entry, amendment: Entry) -> Entry:
    """``target`` as ``amendment`` corrects it (date and/or note)."""
    data = amendment.data
    on = date.fromisoformat(data["on"]) if data.get("on") else target.on
    values = {**target.data, "note": data["note"]} if "note" in data else target.data
    return target._replace(on=on, data=values)


def replay(entries: Iterable[Entry]) -> State:
    """The state that the subject's entries lead to; Refusal naming the first step that
    fails, and the change that makes it fail when that is another entry."""
    state: State = None
    for entry in effective(entries):
        state = apply(state, entry)
    return state


def check(entries: Iterable[Entry], change: Entry) -> State:
    """The subject's state once ``change`` (a new entry, an undo or an amend) joins the
    ``entries`` recorded before it; Refusal in one line naming what conflicts."""
    before = list(entries)
    timeline = effective([*before, change])
    if change.action == MetaAction.AMEND:
        _refuse_reordering(effective(before), timeline, change)
    state: State = None
    for entry in timeline:
        try:
            state = apply(state, entry)
        except Refusal as refusal:
            raise type(refusal)(_conflict(change, entry, before, str(refusal))) from None
    return state


def _refuse_reordering(old: list[Entry], new: list[Entry], amendment: Entry) -> None:
    """An amendment corrects a date or a note; it never reorders the subject's changes (that
    would change what they mean: a done moved before its start becomes a restart)."""
    if [e.id for e in old] == [e.id for e in new]:
        return
    moved = next(e for e in new if e.id == amendment.data["amends"])
    neighbour = next(a for a, b in zip(old, new, strict=True) if a.id != b.id)
    neighbour = (
        neighbour
        if neighbour.id != moved.id
        else next(b for a, b in zip(old, new, strict=True) if a.id != b.id)
    )
    raise Refusal(
        f"the corrected date {moved.on.isoformat()} would move {moved.action} of "
        f"{moved.subject} past {neighbour.describe()}; amend keeps the order of a subject's "
        "changes"
    )


def _conflict(change: Entry, failing: Entry, before: list[Entry], reason: str) -> str:
    """Say why: the change itself fails where it lands, or a later change stops being valid."""
    if failing.id == change.id:
        later = [e for e in effective(before) if e.order > change.order]
        if later and change.action not in _META:
            return f"{reason} on {change.on.isoformat()} (before the later {later[0].describe()})"
        return reason
    what = {MetaAction.UNDO: "undoing it", MetaAction.AMEND: "amending it"}.get(
        change.action, "this change"
    )
    return f"{what} would make the later {failing.describe()} invalid: {reason}"


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "an unknown date"
