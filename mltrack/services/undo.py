"""``mltrack undo`` and ``mltrack amend``: the journal corrects itself with entries too.

Undo reverts the learner's newest change of any kind (with the changes one command made
together with it); amend corrects an entry's date or note without undoing what came after.
Both are checked like any change: refused when the timeline they leave would be invalid.
"""

import json
from datetime import date

from mltrack.core.changes import Change
from mltrack.core.dates import format_minutes
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.journal import (
    GoalState,
    ItemState,
    PresentState,
    ProjectState,
    ReviewState,
    State,
)
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import NO_GOAL, ItemStatus, JournalKind, MetaAction, PlanAction
from mltrack.queries.lookup import learner_id
from mltrack.queries.reader import Row, SqliteWriter
from mltrack.services import journal
from mltrack.services.study import check_day_total


def undo_last(store: SqliteWriter, learner_name: str, today: date) -> list[Change]:
    """Revert the newest change that stands, whatever its kind, and what came with it."""
    learner = learner_id(store, learner_name)
    targets = journal.newest_changes(store, learner)
    if not targets:
        raise MltrackError("nothing to undo")
    return [
        _reverted(target, recorded)
        for target, recorded in journal.undo(store, learner, targets, today)
    ]


def amend(
    store: SqliteWriter,
    learner_name: str,
    entry_id: int,
    today: date,
    on: date | None = None,
    note: str | None = None,
) -> Change:
    """Correct the date or the note of journal entry ``entry_id``."""
    if on is None and note is None:
        raise InputError("say what to correct: --on DATE and/or --note TEXT")
    learner = learner_id(store, learner_name)
    target = journal.entry_row(store, entry_id)
    if target is None or target["learner_id"] != learner:
        raise InputError(f"there is no entry #{entry_id} in your history")
    if target["action"] in (MetaAction.UNDO, MetaAction.AMEND):
        raise InputError(f"#{entry_id} is an {target['action']}; amend the entry it acted on")
    if target["undone"]:
        raise InputError(f"#{entry_id} was undone: there is nothing of it left to correct")
    data: dict[str, str] = {}
    if on is not None:
        data["on"] = past_or_today(on, today).isoformat()
        if target["kind"] == JournalKind.STUDY:  # the day it moves to holds 24 h at most
            minutes = json.loads(target["data"])["minutes"]
            check_day_total(store, learner, date.fromisoformat(data["on"]), minutes, entry_id)
    if note is not None:
        if target["kind"] == JournalKind.LINK:
            raise InputError(
                f"#{entry_id} is a link, which has no note; remove it (mltrack link --remove "
                f"{entry_id}) and add it again to change it"
            )
        data["note"] = note
    change = journal.Change(
        JournalKind(target["kind"]), MetaAction.AMEND, target["subject"], today,
        target["item_id"], data, target_id=entry_id,
    )  # fmt: skip
    recorded = journal.record(store, learner, change)
    kind = recorded.change.kind
    before, after = _summary(kind, recorded.before), _summary(kind, recorded.after)
    return Change(_described(target)[0], "", MetaAction.AMEND, before, after, on or today,
                  f"entry #{entry_id}", recorded.id)  # fmt: skip


def _reverted(target: Row, recorded: journal.Recorded) -> Change:
    kind = recorded.change.kind
    subject, what = _described(target)
    return Change(
        subject, "", MetaAction.UNDO, _summary(kind, recorded.before),
        _summary(kind, recorded.after), recorded.change.on, f"{what} (#{target['id']})",
        recorded.id,
    )  # fmt: skip


_LOGS = (JournalKind.STUDY, JournalKind.READING, JournalKind.NOTE, JournalKind.LINK)


def _described(entry: Row) -> tuple[str, str]:
    """What an entry is about, and the entry in a few words, e.g. ``("-", "blog 'The
    Gradient' of 2026-11-29")``."""
    data, on = json.loads(entry["data"]), entry["on_date"]
    subject = _subject_words(entry)
    if entry["action"] == MetaAction.AMEND:
        return subject, f"amendment of #{entry['target_id']} made {on}"
    if entry["kind"] == JournalKind.STUDY:
        return subject, f"study session of {format_minutes(data['minutes'])} on {on}"
    if entry["kind"] == JournalKind.READING:
        return subject, f"{data['kind']} {data['title']!r} of {on}"
    if entry["kind"] in (JournalKind.NOTE, JournalKind.LINK):
        what = "removal" if entry["action"] == PlanAction.CLEAR else "the"
        shown = data.get("note") or data.get("url")
        return subject, f"{what} {entry['kind']}{f' {shown[:40]!r}' if shown else ''} of {on}"
    return subject, f"{entry['kind']} {entry['action']} of {on}"


def _subject_words(entry: Row) -> str:
    """The subject as a learner names it: an item's slug, ``target date``, ``variance after
    bias`` (an ordering), never a journal key such as ``after:variance:bias``."""
    subject = entry["subject"]
    if entry["kind"] in _LOGS:
        return entry["item_slug"] or "-"
    if entry["kind"] == JournalKind.PLAN:
        if subject == "target":
            return "target date"
        if subject == "week_goal":
            return "weekly goal"
        if subject.startswith("after:"):
            item, requires = subject.removeprefix("after:").split(":", 1)
            return f"{item} after {requires}"
        return subject.removeprefix("item:")
    return subject


def _summary(kind: str, state: State) -> str:
    """A subject's state in a word or two, for the line undo and amend print."""
    if isinstance(state, ItemState | GoalState):
        return state.status
    if isinstance(state, ProjectState):
        return "done" if state.done_on else "under way"
    if isinstance(state, PresentState):
        if kind in (JournalKind.NOTE, JournalKind.LINK):
            return "added"
        if "minutes" in state.values and kind == JournalKind.PLAN:  # the weekly goal
            return f"{format_minutes(int(state.values['minutes']))} a week"
        return "set" if kind == JournalKind.PLAN else "logged"
    if isinstance(state, ReviewState):
        on = {True: "on review", False: "off review", None: "review by area"}[state.enabled]
        count = len(state.ratings)
        return f"{on}, {count} review{'s' if count != 1 else ''}" if count else on
    nothing = {
        JournalKind.STATUS: ItemStatus.PLANNED,
        JournalKind.CERT: NO_GOAL,
        JournalKind.REVIEW: "not on review",
    }
    return nothing.get(JournalKind(kind), "removed")
