"""``mltrack history`` and an item's history in ``show``: the journal as a dated list.

Every kind of entry (status, cert, study, reading, project, plan), newest first, each with its
id (``#42``), its date as it stands (an amendment's correction applied), what it was, and the
subject's state before and after it where a subject has one. The states come from replaying
only the subjects shown through ``core.journal``, so the cost follows what is shown, not the
length of the whole journal.

Amended entries are few: they are read first, with their corrections, and merged into the
journal read in date order, so that a date range and ``--limit`` still read an index range.
"""

import itertools
import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from mltrack.core.dates import format_minutes
from mltrack.core.journal import (
    Entry,
    GoalState,
    ItemState,
    PresentState,
    ProjectState,
    State,
    effective,
    entry_of,
)
from mltrack.core.journal import apply as apply_entry
from mltrack.core.vocabulary import NO_GOAL, ItemStatus, JournalKind, MetaAction, sql_value
from mltrack.queries.reader import SUBJECT_TIMELINE_SQL, Reader, Row

_COLUMNS = """
    j.id, j.uid, j.kind, j.action, j.subject, j.on_date, j.recorded_at, j.data, j.target_id,
    j.group_id, j.flag, i.slug, i.title,
    (SELECT u.id FROM journal u WHERE u.target_id = j.id AND u.action = :undo) AS undone_by
"""
_ENTRIES_SQL = f"""
    SELECT {_COLUMNS}
    FROM journal j
    LEFT JOIN item i ON i.id = j.item_id
    WHERE j.learner_id = :learner_id {{conditions}}
    ORDER BY j.on_date DESC, j.id DESC
    {{limit}}
"""
# The amendments that stand (not undone, not flagged), oldest first, with their targets.
_AMENDMENTS_SQL = """
    SELECT a.id, a.target_id, a.data
    FROM journal a
    WHERE a.learner_id = :learner_id AND a.kind IN ({kinds}) AND a.action = :amend
      AND a.flag IS NULL
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = a.id AND u.action = :undo)
    ORDER BY +a.id
"""  # +a.id: through ix_journal_learner_action (amendments are few), not every entry by id
# One item's amendments: through the partial index of amendments (the literal action is what
# lets SQLite use it; ordered by id, it needs no sort), never the item's every entry.
_ITEM_AMENDMENTS_SQL = f"""
    SELECT a.id, a.target_id, a.data
    FROM journal a
    WHERE a.learner_id = :learner_id AND a.item_id = :item_id
      AND a.action = {sql_value(MetaAction.AMEND)} AND a.flag IS NULL
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = a.id AND u.action = :undo)
    ORDER BY a.id
"""
_TARGETS_SQL = f"""
    SELECT {_COLUMNS}
    FROM journal j
    LEFT JOIN item i ON i.id = j.item_id
    WHERE j.id IN ({{ids}})
"""
# One subject's unflagged entries from a date on: the tail of a long timeline (see _timeline;
# the whole timeline is ``queries.reader.SUBJECT_TIMELINE_SQL``).
TIMELINE_FROM_SQL = """
    SELECT id, kind, action, subject, on_date, recorded_at, data, target_id
    FROM journal
    WHERE learner_id = :learner_id AND kind = :kind AND subject = :subject AND flag IS NULL
      AND on_date >= :start
    ORDER BY +id
"""
# The date TIMELINE_MARGIN entries before a day in a subject's timeline (index only).
TIMELINE_START_SQL = """
    SELECT on_date FROM journal
    WHERE learner_id = :learner_id AND kind = :kind AND subject = :subject
      AND on_date <= :oldest
    ORDER BY on_date DESC, recorded_at DESC
    LIMIT 1 OFFSET :margin
"""
# How many of an item's status changes before the oldest one shown are replayed: an item's
# status after a change is the change's own (start: in progress, done: done...), so the
# states around the entries shown need only the changes just before them; the margin keeps
# an undo or amendment of an older change inside the window.
TIMELINE_MARGIN = 64


class Correction(NamedTuple):
    """What amendments changed in an entry: its date and/or note as first recorded."""

    by: tuple[int, ...]  # the amend entries that stand, oldest first
    on_date: str | None  # the date first recorded, when the date was corrected
    note: str | None  # the note first recorded, when the note was corrected
    note_corrected: bool = False


class HistoryEntry(NamedTuple):
    id: int
    uid: str
    kind: str  # a JournalKind; undo and amend entries carry their target's
    action: str
    subject: str
    slug: str | None  # the item it is about, if any
    title: str | None
    on_date: str  # as it stands: an amended entry shows its corrected date
    recorded_at: str
    data: dict[str, Any]  # the change's own values (a note as corrected)
    before: str | None  # the subject's state before it, where the subject has one
    after: str | None
    undone_by: int | None  # the undo entry that reverted it
    target: int | None  # undo and amend: the entry acted on
    group: int | None  # linked changes of one command share it
    corrected: Correction | None  # amended: what the amendments changed
    flag: str | None  # why the entry breaks today's rules (kept, left out of the record)

    @property
    def undone(self) -> bool:
        return self.undone_by is not None


class History(NamedTuple):
    learner: str
    since: date | None
    until: date | None
    entries: list[HistoryEntry] = []  # noqa: RUF012 (never mutated)
    more: bool = False  # the limit cut older entries off
    kinds: tuple[str, ...] = ()  # only these kinds (empty: every kind)


def history(
    reader: Reader,
    learner: str,
    learner_id: int,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = None,
    kinds: Sequence[str] = (),
) -> History:
    """The learner's journal entries dated ``since`` to ``until`` (both included, dates as
    amended), newest first; ``limit`` keeps the newest only; ``kinds`` keeps those kinds."""
    kinds = tuple(dict.fromkeys(JournalKind(kind).value for kind in kinds))
    params: dict[str, Any] = {"learner_id": learner_id}
    conditions = ""
    if kinds:
        conditions += f" AND j.kind IN ({_bind(params, 'kind', kinds)})"
    # Conditions are added only when given, so that the (learner_id, on_date) index bounds
    # the range scan.
    if since is not None:
        conditions += " AND j.on_date >= :since"
        params["since"] = since.isoformat()
    if until is not None:
        conditions += " AND j.on_date <= :until"
        params["until"] = until.isoformat()
    amended = _amended(reader, learner_id, kinds or tuple(JournalKind))
    in_range = [
        entry
        for entry in amended.values()
        if (since is None or entry.on_date >= since.isoformat())
        and (until is None or entry.on_date <= until.isoformat())
    ]
    entries, more = _merged(reader, conditions, params, amended, in_range, limit)
    return History(learner, since, until, _with_states(reader, learner_id, entries), more, kinds)


def item_history(
    reader: Reader, learner_id: int, item_id: int, limit: int | None = None
) -> tuple[list[HistoryEntry], bool]:
    """The entries about one item (every kind), oldest first: the newest ``limit`` of them,
    and whether older ones were left out (not how many: counting them would read them all)."""
    params: dict[str, Any] = {"learner_id": learner_id, "item_id": item_id}
    amended = _amended(reader, learner_id, (), item_id)
    # Only the newest ``limit`` are read and replayed (one more tells whether older ones exist).
    shown, more = _merged(
        reader, " AND j.item_id = :item_id", params, amended, list(amended.values()), limit
    )
    return list(reversed(_with_states(reader, learner_id, shown))), more


def _bind(params: dict[str, Any], prefix: str, values: Iterable[object]) -> str:
    """Bind each value as its own parameter; returns the list of their names for ``IN``."""
    names = []
    for number, value in enumerate(values):
        params[f"{prefix}{number}"] = value
        names.append(f":{prefix}{number}")
    return ", ".join(names)


def _merged(
    reader: Reader,
    conditions: str,
    params: dict[str, Any],
    amended: dict[int, HistoryEntry],
    in_range: list[HistoryEntry],
    limit: int | None,
) -> tuple[list[HistoryEntry], bool]:
    """The entries newest first: those read in stored-date order, with every amended one at
    its corrected date instead. One row more than asked for tells whether older ones exist;
    amended rows read in the range are dropped, so as many more are read."""
    limit_clause = ""
    if limit is not None:
        limit_clause = "LIMIT :limit"
        params = {**params, "limit": limit + 1 + len(amended)}
    sql = _ENTRIES_SQL.format(conditions=conditions, limit=limit_clause)
    rows = reader.rows(sql, **params, undo=MetaAction.UNDO)
    plain = [_entry(row) for row in rows if row["id"] not in amended]
    merged = sorted([*plain, *in_range], key=lambda e: (e.on_date, e.id), reverse=True)
    if limit is None:
        return merged, False
    return merged[:limit], len(merged) > limit


def _amended(
    reader: Reader, learner_id: int, kinds: Sequence[str], item_id: int | None = None
) -> dict[int, HistoryEntry]:
    """Every entry an amendment that stands corrects, as corrected, by id (of one item's
    entries when ``item_id`` is given)."""
    params: dict[str, Any] = {"learner_id": learner_id, "undo": MetaAction.UNDO}
    if item_id is not None:
        sql = _ITEM_AMENDMENTS_SQL
        params["item_id"] = item_id
    else:
        params["amend"] = MetaAction.AMEND
        sql = _AMENDMENTS_SQL.format(kinds=_bind(params, "kind", kinds))
    amendments: dict[int, list[Row]] = {}
    for row in reader.rows(sql, **params):
        amendments.setdefault(row["target_id"], []).append(row)
    if not amendments:
        return {}
    ids: dict[str, Any] = {"undo": MetaAction.UNDO}
    targets = reader.rows(_TARGETS_SQL.format(ids=_bind(ids, "id", amendments)), **ids)
    found = {}
    for row in targets:
        if row["flag"] is not None:
            continue  # a flagged entry is left out of the record: its amendments change nothing
        entry = _entry(row)
        found[entry.id] = _corrected(entry, amendments[entry.id])
    return found


def _corrected(entry: HistoryEntry, amendments: list[Row]) -> HistoryEntry:
    on, data, note_corrected = entry.on_date, dict(entry.data), False
    for amendment in amendments:  # oldest first: the newest correction wins
        change = json.loads(amendment["data"])
        if change.get("on"):
            on = change["on"]
        if "note" in change:
            data["note"], note_corrected = change["note"], True
    correction = Correction(
        tuple(a["id"] for a in amendments), entry.on_date if on != entry.on_date else None,
        entry.data.get("note") if note_corrected else None, note_corrected,
    )  # fmt: skip
    return entry._replace(on_date=on, data=data, corrected=correction)


def _entry(row: Row) -> HistoryEntry:
    return HistoryEntry(
        id=row["id"], uid=row["uid"], kind=row["kind"], action=row["action"],
        subject=row["subject"], slug=row["slug"], title=row["title"],
        on_date=str(row["on_date"]), recorded_at=str(row["recorded_at"]),
        data=json.loads(row["data"] or "{}"), before=None, after=None,
        undone_by=row["undone_by"], target=row["target_id"], group=row["group_id"],
        corrected=None, flag=row["flag"],
    )  # fmt: skip


# States before and after: the subjects shown, replayed ------------------------------------


def _with_states(
    reader: Reader, learner_id: int, entries: list[HistoryEntry]
) -> list[HistoryEntry]:
    """The entries with the states of their subjects before and after them."""
    timelines: dict[tuple[str, str], tuple[State, list[Entry]]] = {}
    oldest: dict[tuple[str, str], str] = {}
    for entry in entries:
        key = (entry.kind, entry.subject)
        first = min(entry.on_date, (entry.corrected and entry.corrected.on_date) or entry.on_date)
        oldest[key] = min(first, oldest.get(key, first))
    shown = []
    for entry in entries:
        if entry.flag is not None or not _has_state(entry):
            shown.append(entry)
            continue
        key = (entry.kind, entry.subject)
        if key not in timelines:
            timelines[key] = _timeline(reader, learner_id, entry, oldest[key])
        before, after = _states_around(*timelines[key], entry)
        shown.append(entry._replace(before=before, after=after))
    return shown


# A status before the window of a cut timeline: unknown, and unlike every status a change
# leads to, so that the window's first change applies to it (its own state is never shown).
_UNKNOWN = ItemState("unknown")  # type: ignore[arg-type]


def _timeline(
    reader: Reader, learner_id: int, entry: HistoryEntry, oldest: str
) -> tuple[State, list[Entry]]:
    """The state to replay from and the entries of ``entry``'s subject needed for the states
    of those shown (the oldest shown dated ``oldest``): a long status timeline from
    TIMELINE_MARGIN changes before it, from an unknown status; any other whole timeline, from
    nothing (a certification goal's state is made by every step of it; such timelines are
    short)."""
    subject = {"learner_id": learner_id, "kind": entry.kind, "subject": entry.subject}
    if entry.kind == JournalKind.STATUS:
        found = reader.rows(TIMELINE_START_SQL, **subject, oldest=oldest, margin=TIMELINE_MARGIN)
        if found:
            rows = reader.rows(TIMELINE_FROM_SQL, **subject, start=str(found[0]["on_date"]))
            return _UNKNOWN, [entry_of(row) for row in rows]
    return None, [entry_of(row) for row in reader.rows(SUBJECT_TIMELINE_SQL, **subject)]


def _has_state(entry: HistoryEntry) -> bool:
    kind = JournalKind(entry.kind)
    return kind in (JournalKind.STATUS, JournalKind.CERT, JournalKind.PROJECT) or (
        kind is JournalKind.PLAN and entry.subject in ("target", "week_goal")
    )


def _states_around(
    start: State, timeline: list[Entry], shown: HistoryEntry
) -> tuple[str | None, str | None]:
    """The subject's state before and after ``shown``: as it stands now; for an undone entry,
    as it stood before the undo; for an undo or amend, the whole subject's before and after."""
    if shown.action in (MetaAction.UNDO, MetaAction.AMEND):
        before = _replayed(effective(e for e in timeline if e.id < shown.id), start)
        after = _replayed(effective(e for e in timeline if e.id <= shown.id), start)
        day = date.fromisoformat(shown.on_date)
        return _summary(shown.kind, before[-1][1], day), _summary(shown.kind, after[-1][1], day)
    cutoff = shown.undone_by
    standing = effective(e for e in timeline if cutoff is None or e.id < cutoff)
    states = _replayed(standing, start)
    for (_, previous), (entry, state) in itertools.pairwise(states):
        if entry is not None and entry.id == shown.id:
            return _summary(shown.kind, previous, entry.on), _summary(shown.kind, state, entry.on)
    return None, None


def _replayed(standing: list[Entry], start: State = None) -> list[tuple[Entry | None, State]]:
    """(entry, state after it) along a timeline, starting with (None, ``start``)."""
    states: list[tuple[Entry | None, State]] = [(None, start)]
    state: State = start
    for entry in standing:
        try:
            state = apply_entry(state, entry)
        except Exception:  # a timeline that breaks a rule: doctor reports it; show no state
            break
        states.append((entry, state))
    return states


def _summary(kind: str, state: State, day: date) -> str:
    """A subject's state as one value: an item's status, a goal's status as seen that day,
    a project's (open or done), the target date."""
    if isinstance(state, ItemState):
        return state.status
    if isinstance(state, GoalState):
        return state.seen_on(day)
    if isinstance(state, ProjectState):
        return "done" if state.done_on else "open"
    if isinstance(state, PresentState):
        if "minutes" in state.values:  # the weekly goal
            return f"{format_minutes(int(state.values['minutes']))} a week"
        return str(state.values.get("target_date", "set"))
    return ItemStatus.PLANNED if kind == JournalKind.STATUS else NO_GOAL
