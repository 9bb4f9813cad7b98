"""The journal's store: every change is an entry, checked by ``core.journal`` against its
subject's timeline, and the projections are written from the state the check returns.

Standard library only (portable SQL with ``:name`` parameters on the read side's executor), so
that the daily write commands never import SQLAlchemy. Every function here runs inside the
caller's ``BEGIN IMMEDIATE`` transaction.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby
from operator import itemgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from mltrack.core.dates import utc_now_iso, week_start
from mltrack.core.ids import uuid7
from mltrack.core.journal import (
    Entry,
    GoalState,
    ItemState,
    PresentState,
    ProjectState,
    Refusal,
    State,
    apply,
    check,
    effective,
    entry_of,
)
from mltrack.core.vocabulary import EventAction, JournalKind, MetaAction, SearchSource
from mltrack.queries.activity import finished_per_day
from mltrack.queries.reader import ENTRY_COLUMNS, SUBJECT_TIMELINE_SQL, Row, SqliteWriter
from mltrack.services.search_index import index_annotation, index_items, index_own_items, unindex

_META = frozenset(MetaAction)
# A new entry's id before it is stored: after every stored one, as it will be.
_UNSTORED = 2**62

_INSERT_SQL = """
    INSERT INTO journal (uid, learner_id, kind, action, subject, item_id, on_date, recorded_at,
                         data, target_id, group_id)
    VALUES (:uid, :learner_id, :kind, :action, :subject, :item_id, :on_date, :recorded_at,
            :data, :target_id, :group_id)
"""


class Change(NamedTuple):
    """A change to record: what it is about and what it asserts (NamedTuples, not dataclasses:
    every daily write imports this module, and a dataclass costs its import)."""

    kind: JournalKind
    action: str
    subject: str
    on: date
    item_id: int | None = None
    data: Mapping[str, Any] = MappingProxyType({})  # read-only: one default for every change
    target_id: int | None = None  # undo and amend: the entry acted on
    uid: str | None = None  # given when the subject is the entry itself (a study session)


class Recorded(NamedTuple):
    """A change as stored, with its subject's state before and after it."""

    id: int
    change: Change
    before: State
    after: State
    last: bool  # the newest change of its subject's timeline (not back-dated among others)


def timeline(store: SqliteWriter, learner_id: int, kind: str, subject: str) -> list[Entry]:
    """Every unflagged entry of one subject, in recording order."""
    rows = store.rows(SUBJECT_TIMELINE_SQL, learner_id=learner_id, kind=kind, subject=subject)
    return [entry_of(row) for row in rows]


def record(
    store: SqliteWriter, learner_id: int, change: Change, group_id: int | None = None
) -> Recorded:
    """Check ``change`` against its subject's timeline, store it, and bring the subject's
    projection in line; Refusal (nothing stored) when the timeline would become invalid."""
    store.lock_learner(learner_id)  # PostgreSQL: one learner's changes one after another
    entries = timeline(store, learner_id, change.kind, change.subject)
    standing = effective(entries)
    before = _state_of(standing)
    recorded_at = utc_now_iso()
    candidate = _as_entry(change, _UNSTORED, recorded_at)
    after = check(entries, candidate)
    entry_id = _insert(store, learner_id, change, recorded_at, group_id)
    final = effective([*entries, _as_entry(change, entry_id, recorded_at)])
    project(store, learner_id, change.kind, change.subject, change.item_id, final, after)
    touched = _touched_days(change.kind, standing, final)
    refresh_days(store, learner_id, touched)
    if change.kind == JournalKind.STUDY:
        refresh_weeks(store, learner_id, touched)
        refresh_item_time(store, learner_id, change.item_id)
    last = not final or final[-1].id == entry_id or change.action in _META
    return Recorded(entry_id, change, before, after, last)


def _state_of(standing: Sequence[Entry]) -> State:
    state: State = None
    for entry in standing:
        state = apply(state, entry)
    return state


def _as_entry(change: Change, entry_id: int, recorded_at: str) -> Entry:
    data = dict(change.data)
    if change.action == MetaAction.UNDO:
        data = {"undoes": change.target_id}
    elif change.action == MetaAction.AMEND:
        data["amends"] = change.target_id
    return Entry(entry_id, change.kind, change.action, change.subject, change.on, recorded_at,
                 data)  # fmt: skip


def _insert(
    store: SqliteWriter, learner_id: int, change: Change, recorded_at: str, group_id: int | None
) -> int:
    return store.insert(
        _INSERT_SQL, uid=change.uid or uuid7(), learner_id=learner_id, kind=change.kind,
        action=change.action, subject=change.subject, item_id=change.item_id,
        on_date=change.on.isoformat(), recorded_at=recorded_at,
        data=json.dumps(dict(change.data), sort_keys=True), target_id=change.target_id,
        group_id=group_id,
    )  # fmt: skip


# Undo and amend ---------------------------------------------------------------------------

SEEN = "whatsnew"  # plan subject: the newest pathway change the learner has seen
_ITEM_SLUG = "(SELECT slug FROM item WHERE id = j.item_id) AS item_slug"
_NEWEST_SQL = f"""
    SELECT {ENTRY_COLUMNS}, {_ITEM_SLUG} FROM journal j
    WHERE j.learner_id = :learner_id AND j.action <> :undo AND j.flag IS NULL
      AND j.subject <> :seen
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = j.id AND u.action = :undo)
    ORDER BY j.id DESC LIMIT 1
"""
# +learner_id: the group's few rows by its two indexes, not the learner's every entry.
_GROUP_SQL = f"""
    SELECT {ENTRY_COLUMNS}, {_ITEM_SLUG} FROM journal j
    WHERE +j.learner_id = :learner_id AND (j.group_id = :group_id OR j.id = :group_id)
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = j.id AND u.action = :undo)
    ORDER BY j.id DESC
"""
_ENTRY_SQL = f"""
    SELECT {ENTRY_COLUMNS}, learner_id, flag, {_ITEM_SLUG},
           EXISTS (SELECT 1 FROM journal u WHERE u.target_id = j.id AND u.action = :undo)
           AS undone
    FROM journal j WHERE id = :id
"""


def newest_changes(store: SqliteWriter, learner_id: int) -> list[Row]:
    """The learner's newest change that stands, with the changes made together with it."""
    # Looking at whatsnew is recorded (what was seen, when) but is no change to revert.
    found = store.rows(_NEWEST_SQL, learner_id=learner_id, undo=MetaAction.UNDO, seen=SEEN)
    if not found:
        return []
    group_id = found[0]["group_id"]
    if group_id is None:
        return list(found)
    return list(
        store.rows(_GROUP_SQL, learner_id=learner_id, group_id=group_id, undo=MetaAction.UNDO)
    )


def undo(
    store: SqliteWriter, learner_id: int, targets: Iterable[Row], today: date
) -> list[tuple[Row, Recorded]]:
    """Undo ``targets`` (one command's linked changes, newest first) as one group."""
    done: list[tuple[Row, Recorded]] = []
    group_id: int | None = None
    for target in targets:
        change = Change(
            JournalKind(target["kind"]), MetaAction.UNDO, target["subject"], today,
            target["item_id"], target_id=target["id"],
        )  # fmt: skip
        recorded = record(store, learner_id, change, group_id)
        group_id = group_id or recorded.id
        done.append((target, recorded))
    return done


def entry_row(store: SqliteWriter, entry_id: int) -> Row | None:
    found = store.rows(_ENTRY_SQL, id=entry_id, undo=MetaAction.UNDO)
    return found[0] if found else None


# Projections ------------------------------------------------------------------------------


def project(
    store: SqliteWriter,
    learner_id: int,
    kind: str,
    subject: str,
    item_id: int | None,
    standing: Sequence[Entry],
    state: State,
    cleared: bool = False,
) -> None:
    """Write one subject's state into the table that answers questions about it fast.
    ``cleared``: the learner's projections were just emptied (a rebuild), so a study
    session's or reading entry's row is only added, not looked for first."""
    if cleared and kind in _ADDERS:
        _ADDERS[kind](store, learner_id, item_id, standing, state)
        return
    writer = _PROJECTIONS[JournalKind(kind)]
    writer(store, learner_id, subject, item_id, standing, state)


def _project_status(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    if not isinstance(state, ItemState):
        store.execute("DELETE FROM progress WHERE learner_id = :l AND item_id = :i",
                      l=learner_id, i=item_id)  # fmt: skip
        return
    store.execute(
        """INSERT INTO progress (learner_id, item_id, status, started_on, finished_on, note,
                                 evidence_url, updated_at)
           VALUES (:l, :i, :status, :started, :finished, :note, :evidence, :now)
           ON CONFLICT (learner_id, item_id) DO UPDATE SET status = excluded.status,
             started_on = excluded.started_on, finished_on = excluded.finished_on,
             note = excluded.note, evidence_url = excluded.evidence_url,
             updated_at = excluded.updated_at""",
        l=learner_id, i=item_id, status=state.status, started=_iso(state.started_on),
        finished=_iso(state.finished_on), note=state.note, evidence=state.evidence_url,
        now=utc_now_iso(),
    )  # fmt: skip


def _project_cert(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    if not isinstance(state, GoalState):
        store.execute("DELETE FROM cert_goal WHERE learner_id = :l AND item_id = :i",
                      l=learner_id, i=item_id)  # fmt: skip
        return
    store.execute(
        """INSERT INTO cert_goal (learner_id, item_id, status, target_date, enrolled_on,
                                  passed_on, expires_on, credential_id, credential_url,
                                  attempts, updated_at)
           VALUES (:l, :i, :status, :target, :enrolled, :passed, :expires, :credential,
                   :url, :attempts, :now)
           ON CONFLICT (learner_id, item_id) DO UPDATE SET status = excluded.status,
             target_date = excluded.target_date, enrolled_on = excluded.enrolled_on,
             passed_on = excluded.passed_on, expires_on = excluded.expires_on,
             credential_id = excluded.credential_id, credential_url = excluded.credential_url,
             attempts = excluded.attempts, updated_at = excluded.updated_at""",
        l=learner_id, i=item_id, status=state.status, target=_iso(state.target_date),
        enrolled=_iso(state.enrolled_on), passed=_iso(state.passed_on),
        expires=_iso(state.expires_on), credential=state.credential_id,
        url=state.credential_url, attempts=state.attempts, now=utc_now_iso(),
    )  # fmt: skip


def _project_study(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    store.execute("DELETE FROM study_session WHERE journal_id = :id", id=_log_id(store, subject))
    _add_study(store, learner_id, item_id, standing, state)


def _add_study(store, learner_id, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    if isinstance(state, PresentState):
        made = standing[-1]
        store.execute(
            """INSERT INTO study_session (learner_id, item_id, on_date, week_start, minutes,
                                          note, created_at, journal_id)
               VALUES (:l, :i, :on, :week, :minutes, :note, :at, :id)""",
            l=learner_id, i=item_id, on=made.on.isoformat(),
            week=week_start(made.on).isoformat(), minutes=made.data["minutes"],
            note=made.data.get("note"), at=made.recorded_at, id=made.id,
        )  # fmt: skip


def _project_reading(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    store.execute("DELETE FROM reading_entry WHERE journal_id = :id", id=_log_id(store, subject))
    _add_reading(store, learner_id, item_id, standing, state)


def _add_reading(store, learner_id, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    if isinstance(state, PresentState):
        made = standing[-1]
        store.execute(
            """INSERT INTO reading_entry (learner_id, title, kind, url, item_id, on_date,
                                          created_at, journal_id)
               VALUES (:l, :title, :kind, :url, :i, :on, :at, :id)""",
            l=learner_id, title=made.data["title"], kind=made.data["kind"],
            url=made.data.get("url"), i=item_id, on=made.on.isoformat(), at=made.recorded_at,
            id=made.id,
        )  # fmt: skip


def _log_id(store: SqliteWriter, uid: str) -> int | None:
    """The id of the ``log`` entry whose uid names a study session or reading entry."""
    found = store.rows("SELECT id FROM journal WHERE uid = :uid", uid=uid)
    return found[0]["id"] if found else None


def _project_project(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    existing = store.rows("SELECT id FROM project WHERE learner_id = :l AND slug = :slug",
                          l=learner_id, slug=subject)  # fmt: skip
    if not isinstance(state, ProjectState):
        for row in existing:
            store.execute("DELETE FROM project_area WHERE project_id = :p", p=row["id"])
            store.execute("DELETE FROM project WHERE id = :p", p=row["id"])
        return
    if existing:
        store.execute("UPDATE project SET done_on = :done WHERE id = :p",
                      done=_iso(state.done_on), p=existing[0]["id"])  # fmt: skip
        return
    added = standing[0].data
    step_id = store.rows("SELECT id FROM step WHERE slug = :slug", slug=added["step"])[0]["id"]
    project_id = store.insert(
        """INSERT INTO project (learner_id, step_id, slug, name, dataset, repo_url, added_on,
                                done_on)
           VALUES (:l, :step, :slug, :name, :dataset, :repo, :added, :done)""",
        l=learner_id, step=step_id, slug=subject, name=added["name"],
        dataset=added["dataset"], repo=added.get("repo_url"), added=state.added_on.isoformat(),
        done=_iso(state.done_on),
    )  # fmt: skip
    for area in added.get("areas", []):
        store.execute(
            """INSERT INTO project_area (project_id, area_id)
               SELECT :p, id FROM area WHERE slug = :slug""",
            p=project_id, slug=area,
        )  # fmt: skip


def _project_plan(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    values = state.values if isinstance(state, PresentState) else None
    if subject == "target":
        store.execute("UPDATE learner SET target_date = :on WHERE id = :l",
                      on=values["target_date"] if values else None, l=learner_id)  # fmt: skip
    elif subject == "pathway":  # a pathway since removed: the shipped one is followed
        store.execute(
            "UPDATE learner SET pathway_id = (SELECT id FROM pathway WHERE slug = :slug) "
            "WHERE id = :l",
            slug=values["slug"] if values else None, l=learner_id,
        )  # fmt: skip
    elif subject.startswith("after:"):
        requires = subject.rsplit(":", 1)[1]
        store.execute(
            """DELETE FROM learner_prerequisite WHERE learner_id = :l AND item_id = :i
               AND requires_id = (SELECT id FROM item WHERE slug = :requires)""",
            l=learner_id, i=item_id, requires=requires,
        )  # fmt: skip
        if values is not None:
            store.execute(
                """INSERT INTO learner_prerequisite (learner_id, item_id, requires_id)
                   SELECT :l, :i, id FROM item WHERE slug = :requires""",
                l=learner_id, i=item_id, requires=requires,
            )  # fmt: skip
    elif subject.startswith("item:"):
        store.execute("UPDATE item SET retired = :retired WHERE id = :i AND learner_id = :l",
                      retired=values is None, i=item_id, l=learner_id)  # fmt: skip
        index_items(store, "WHERE id = :item_id", item_id=item_id)


def _project_annotation(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    """A note or link: its ``item_note`` row and its search row, both keyed by the entry
    that added it (``subject`` is that entry's uid)."""
    log_id = _log_id(store, subject)
    store.execute("DELETE FROM item_note WHERE journal_id = :id", id=log_id)
    if log_id is not None:
        unindex(store, [log_id])
    if not isinstance(state, PresentState):
        return
    made = standing[-1]
    if made.kind is JournalKind.NOTE:
        text, url, source = made.data["note"], None, SearchSource.NOTE
    else:
        text, url, source = made.data.get("title"), made.data["url"], SearchSource.LINK
    store.execute(
        """INSERT INTO item_note (learner_id, item_id, journal_id, kind, on_date, text, url,
                                  created_at)
           VALUES (:l, :i, :id, :kind, :on, :text, :url, :at)""",
        l=learner_id, i=item_id, id=made.id, kind=made.kind.value, on=made.on.isoformat(),
        text=text, url=url, at=made.recorded_at,
    )  # fmt: skip
    index_annotation(store, made.id, learner_id, item_id, source, text or url)


def _project_review(store, learner_id, subject, item_id, standing, state) -> None:  # type: ignore[no-untyped-def]
    # The FSRS schedule is computed by the review service, which imports ``fsrs`` only when a
    # review subject is written (no other command pays for it).
    from mltrack.services.review_card import project_review

    project_review(store, learner_id, subject, item_id, state)


_PROJECTIONS = {
    JournalKind.STATUS: _project_status,
    JournalKind.CERT: _project_cert,
    JournalKind.STUDY: _project_study,
    JournalKind.READING: _project_reading,
    JournalKind.PROJECT: _project_project,
    JournalKind.PLAN: _project_plan,
    JournalKind.REVIEW: _project_review,
    JournalKind.NOTE: _project_annotation,
    JournalKind.LINK: _project_annotation,
}

# The one-row-per-entry projections, written into emptied tables by a rebuild (the most
# numerous subjects of a long journal: each saves a lookup and a delete).
_ADDERS = {JournalKind.STUDY: _add_study, JournalKind.READING: _add_reading}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


# Replay: the projections rebuilt from the journal (doctor --repair, import, migration) ---

# The learner's whole journal, subject after subject (the timeline index gives that order;
# only each subject's few rows are sorted by id): one pass, memory bounded by one subject.
_SUBJECTS_SQL = f"""
    SELECT {ENTRY_COLUMNS}, flag FROM journal WHERE learner_id = :learner_id
    ORDER BY kind, subject, id
"""


_CLEAR_PROJECTIONS_SQL = (
    "DELETE FROM progress WHERE learner_id = :learner_id",
    "DELETE FROM cert_goal WHERE learner_id = :learner_id",
    "DELETE FROM study_session WHERE learner_id = :learner_id",
    "DELETE FROM reading_entry WHERE learner_id = :learner_id",
    "DELETE FROM project_area WHERE project_id IN "
    "(SELECT id FROM project WHERE learner_id = :learner_id)",
    "DELETE FROM project WHERE learner_id = :learner_id",
    "DELETE FROM learner_prerequisite WHERE learner_id = :learner_id",
    "UPDATE learner SET target_date = NULL WHERE id = :learner_id",
    "UPDATE item SET retired = TRUE WHERE learner_id = :learner_id",
)
# Tables later than migration 0007 (which rebuilds with ``summary=False``): the day and week
# summaries, the review cards (no review entry exists before their revision), the notes and
# links and the search index (none before 0010_notes), the pathway followed (0011_pathways).
_CLEAR_SQL = (
    *_CLEAR_PROJECTIONS_SQL,
    "DELETE FROM learner_day WHERE learner_id = :learner_id",
    "DELETE FROM review_card WHERE learner_id = :learner_id",
    "DELETE FROM item_note WHERE learner_id = :learner_id",
    "DELETE FROM search_index WHERE learner_id = :learner_id",
    "UPDATE learner SET pathway_id = NULL WHERE id = :learner_id",
    "DELETE FROM study_week WHERE learner_id = :learner_id",
    "DELETE FROM item_time WHERE learner_id = :learner_id",
)


def rebuild(store: SqliteWriter, learner_id: int, summary: bool = True) -> list[tuple[Entry, str]]:
    """Write every projection of the learner again from the journal. An entry that cannot
    stand where it is (data from an older version or a file) is flagged, left out, and
    returned with the reason; nothing is deleted from the journal. ``summary=False`` leaves
    the day and week summaries out (migration 0007 runs before their tables exist)."""
    store.lock_learner(learner_id)
    for sql in _CLEAR_SQL if summary else _CLEAR_PROJECTIONS_SQL:
        store.execute(sql, learner_id=learner_id)
    if summary:
        index_own_items(store, learner_id)
    flagged: list[tuple[Entry, str]] = []
    subjects = groupby(store.stream(_SUBJECTS_SQL, learner_id=learner_id),
                       key=itemgetter("kind", "subject"))  # fmt: skip
    for (kind, subject), found in subjects:
        rows = list(found)
        # A subject's own entries name its item; undo and amend entries carry their target's.
        item_ids = [row["item_id"] for row in rows if row["target_id"] is None]
        if not item_ids:
            continue
        entries = [entry_of(row) for row in rows if row["flag"] is None]
        standing, state = _replay_flagging(entries, flagged)
        project(store, learner_id, kind, subject, item_ids[0], standing, state, cleared=True)
    for entry, reason in flagged:
        store.execute("UPDATE journal SET flag = :reason WHERE id = :id",
                      reason=reason, id=entry.id)  # fmt: skip
    if summary:
        rebuild_days(store, learner_id)
        rebuild_weeks(store, learner_id)
        rebuild_item_times(store, learner_id)
    return flagged


def _replay_flagging(
    entries: list[Entry], flagged: list[tuple[Entry, str]]
) -> tuple[list[Entry], State]:
    """Replay, setting aside each entry that fails (with its reason) and going on."""
    entries = list(entries)
    while True:
        standing = effective(entries)
        state: State = None
        for entry in standing:
            try:
                state = apply(state, entry)
            except Refusal as refusal:
                flagged.append((entry, str(refusal)))
                entries = [e for e in entries if e.id != entry.id]
                break
        else:
            return standing, state


def current_state(store: SqliteWriter, learner_id: int, kind: str, subject: str) -> State:
    """The state a subject's timeline leads to now."""
    return _state_of(effective(timeline(store, learner_id, kind, subject)))


# The day summary: ``learner_day`` ---------------------------------------------------------
#
# Items finished per day (as ``queries.activity.finished_per_day`` counts them from the
# journal) and minutes studied per day (from ``study_session``), one row per day that has
# either. A change rewrites the days it touches, each from that day's entries only; a rebuild
# writes every day of the learner again.

_MINUTES_SQL = """
    SELECT on_date, SUM(minutes) AS minutes FROM study_session
    WHERE learner_id = :learner_id {day}
    GROUP BY on_date
"""
_DAY_INSERT_SQL = """
    INSERT INTO learner_day (learner_id, on_date, finished, required_finished, minutes)
    VALUES (:learner_id, :on, :finished, :required, :minutes)
"""
_SUMMARISED = frozenset({JournalKind.STATUS, JournalKind.STUDY})


def _touched_days(kind: str, before: Sequence[Entry], after: Sequence[Entry]) -> set[date]:
    """The days whose summary a change of one subject can alter: where a finish (or a study
    session) that stood before no longer stands, or one stands now that did not."""
    if kind not in _SUMMARISED:
        return set()

    def counted(entries: Sequence[Entry]) -> set[tuple[int, date]]:
        return {(e.id, e.on) for e in entries
                if kind == JournalKind.STUDY or e.action == EventAction.DONE}  # fmt: skip

    return {on for _, on in counted(before) ^ counted(after)}


def refresh_days(store: SqliteWriter, learner_id: int, days: Iterable[date]) -> None:
    """Write the summary of each of ``days`` again, from that day's entries only."""
    for day in sorted(set(days)):
        store.execute("DELETE FROM learner_day WHERE learner_id = :l AND on_date = :on",
                      l=learner_id, on=day.isoformat())  # fmt: skip
        finished = finished_per_day(store, learner_id, since=day, until=day)
        minutes = store.rows(_MINUTES_SQL.format(day="AND on_date = :on"),
                             learner_id=learner_id, on=day.isoformat())  # fmt: skip
        _write_days(store, learner_id, finished, minutes)


def rebuild_days(store: SqliteWriter, learner_id: int) -> None:
    """Write the learner's whole day summary again from the journal (and study sessions)."""
    store.execute("DELETE FROM learner_day WHERE learner_id = :l", l=learner_id)
    minutes = store.rows(_MINUTES_SQL.format(day=""), learner_id=learner_id)
    _write_days(store, learner_id, finished_per_day(store, learner_id), minutes)


def _write_days(
    store: SqliteWriter, learner_id: int, finished: Iterable[Any], minutes: Iterable[Row]
) -> None:
    days: dict[str, list[int]] = {}
    for count in finished:
        days[count.day.isoformat()] = [count.finished, count.required_finished, 0]
    for row in minutes:
        on = row["on_date"]
        on = on.isoformat() if isinstance(on, date) else str(on)
        days.setdefault(on, [0, 0, 0])[2] = row["minutes"] or 0
    for on, (done, required, studied) in sorted(days.items()):
        if done or studied:
            store.execute(_DAY_INSERT_SQL, learner_id=learner_id, on=on, finished=done,
                          required=required, minutes=studied)  # fmt: skip


# The week summary: ``study_week`` ---------------------------------------------------------
#
# Minutes and sessions per ISO week and study area, summed from ``study_session`` (itself a
# projection of the journal): a study change rewrites the weeks of the days it touches.

_WEEKS_INSERT_SQL = """
    INSERT INTO study_week (learner_id, week_start, area_id, minutes, sessions)
    SELECT s.learner_id, s.week_start, i.area_id, SUM(s.minutes), COUNT(*)
    FROM study_session s LEFT JOIN item i ON i.id = s.item_id
    WHERE s.learner_id = :learner_id {week}
    GROUP BY s.learner_id, s.week_start, i.area_id
"""
_ONE_WEEK = "AND s.on_date >= :week AND s.on_date <= :last"


def refresh_weeks(store: SqliteWriter, learner_id: int, days: Iterable[date]) -> None:
    """Write the summary of the weeks of ``days`` again, from those weeks' sessions only."""
    for monday in sorted({week_start(day) for day in days}):
        week = {"week": monday.isoformat(), "last": (monday + timedelta(days=6)).isoformat()}
        store.execute("DELETE FROM study_week WHERE learner_id = :l AND week_start = :week",
                      l=learner_id, week=week["week"])  # fmt: skip
        store.execute(_WEEKS_INSERT_SQL.format(week=_ONE_WEEK), learner_id=learner_id, **week)


def rebuild_weeks(store: SqliteWriter, learner_id: int) -> None:
    """Write the learner's whole week summary again from the study sessions."""
    store.execute("DELETE FROM study_week WHERE learner_id = :l", l=learner_id)
    store.execute(_WEEKS_INSERT_SQL.format(week=""), learner_id=learner_id)


# The item totals: ``item_time`` ----------------------------------------------------------
#
# Minutes and sessions per learner and item, summed from ``study_session``: a study change
# (log, undo, amend) sums its item's sessions again through ix_study_session_learner_item, so
# that ``show ITEM`` reads one row instead of the item's every session.

_ITEM_TIME_INSERT_SQL = """
    INSERT INTO item_time (learner_id, item_id, minutes, sessions)
    SELECT learner_id, item_id, SUM(minutes), COUNT(*)
    FROM study_session
    WHERE learner_id = :learner_id AND item_id IS NOT NULL {item}
    GROUP BY learner_id, item_id
"""


def refresh_item_time(store: SqliteWriter, learner_id: int, item_id: int | None) -> None:
    """Write the total of one item again from its sessions (nothing for a session on no
    item)."""
    if item_id is None:
        return
    store.execute("DELETE FROM item_time WHERE learner_id = :l AND item_id = :item",
                  l=learner_id, item=item_id)  # fmt: skip
    store.execute(_ITEM_TIME_INSERT_SQL.format(item="AND item_id = :item_id"),
                  learner_id=learner_id, item_id=item_id)  # fmt: skip


def rebuild_item_times(store: SqliteWriter, learner_id: int) -> None:
    """Write the learner's every item total again from the study sessions."""
    store.execute("DELETE FROM item_time WHERE learner_id = :l", l=learner_id)
    store.execute(_ITEM_TIME_INSERT_SQL.format(item=""), learner_id=learner_id)
