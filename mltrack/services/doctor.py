"""``mltrack doctor``'s replay of the journal, and ``doctor --repair``.

The journal is the record; every other learner table is a projection of it. Doctor replays
the journal exactly as ``--repair`` would (``services.journal.rebuild``, on a copy of the file
held in memory, so the file is never written) and reports every projection row that differs
from what the replay writes, every entry flagged as breaking today's rules (with its reason),
every entry that breaks them without a flag yet, and any loop in a learner's orderings.

``--repair`` backs the file up, rebuilds every learner's projections from the journal in one
transaction, and reports what that changed.
"""

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from mltrack.core.changes import Repair
from mltrack.core.journal import Entry
from mltrack.queries.health import FAIL, OK, WARN, Check, check_database
from mltrack.queries.reader import Row, SqliteReader, SqliteWriter
from mltrack.services import journal
from mltrack.services.backup import backup_file
from mltrack.services.planning import ordering_loop
from mltrack.store.db import connect, connect_read_only

REVISION_CHECK = "schema revision"


@dataclass(frozen=True)
class Projection:
    """One projection as rows comparable across a rebuild: natural keys, no row ids or
    timestamps of writing."""

    name: str
    columns: tuple[str, ...]
    keys: int  # the first ``keys`` columns name the row
    sql: str


PROJECTIONS = (
    Projection(
        "progress", ("learner", "item", "status", "started_on", "finished_on", "note",
                     "evidence_url"), 2,
        """SELECT l.name, i.slug, p.status, p.started_on, p.finished_on, p.note, p.evidence_url
           FROM progress p JOIN learner l ON l.id = p.learner_id JOIN item i ON i.id = p.item_id""",
    ),
    Projection(
        "cert_goal", ("learner", "item", "status", "target_date", "enrolled_on", "passed_on",
                      "expires_on", "credential_id", "credential_url", "attempts"), 2,
        """SELECT l.name, i.slug, g.status, g.target_date, g.enrolled_on, g.passed_on,
                  g.expires_on, g.credential_id, g.credential_url, g.attempts
           FROM cert_goal g JOIN learner l ON l.id = g.learner_id
           JOIN item i ON i.id = g.item_id""",
    ),
    Projection(
        "study_session", ("learner", "entry", "item", "on_date", "week_start", "minutes",
                          "note"), 2,
        """SELECT l.name, COALESCE(s.journal_id, -s.id), i.slug, s.on_date, s.week_start,
                  s.minutes, s.note
           FROM study_session s JOIN learner l ON l.id = s.learner_id
           LEFT JOIN item i ON i.id = s.item_id""",
    ),
    Projection(
        "reading_entry", ("learner", "entry", "title", "kind", "url", "item", "on_date"), 2,
        """SELECT l.name, COALESCE(r.journal_id, -r.id), r.title, r.kind, r.url, i.slug,
                  r.on_date
           FROM reading_entry r JOIN learner l ON l.id = r.learner_id
           LEFT JOIN item i ON i.id = r.item_id""",
    ),
    Projection(
        "project", ("learner", "project", "step", "name", "dataset", "repo_url", "added_on",
                    "done_on"), 2,
        """SELECT l.name, p.slug, s.slug, p.name, p.dataset, p.repo_url, p.added_on, p.done_on
           FROM project p JOIN learner l ON l.id = p.learner_id JOIN step s ON s.id = p.step_id""",
    ),
    Projection(
        "project_area", ("learner", "project", "area"), 3,
        """SELECT l.name, p.slug, a.slug
           FROM project_area pa JOIN project p ON p.id = pa.project_id
           JOIN learner l ON l.id = p.learner_id JOIN area a ON a.id = pa.area_id""",
    ),
    Projection(
        "target date", ("learner", "target_date"), 1,
        "SELECT l.name, l.target_date FROM learner l",
    ),
    Projection(
        "pathway followed", ("learner", "pathway"), 1,
        """SELECT l.name, p.slug FROM learner l LEFT JOIN pathway p ON p.id = l.pathway_id""",
    ),
    Projection(
        "learner_prerequisite", ("learner", "item", "requires"), 3,
        """SELECT l.name, i.slug, r.slug
           FROM learner_prerequisite lp JOIN learner l ON l.id = lp.learner_id
           JOIN item i ON i.id = lp.item_id JOIN item r ON r.id = lp.requires_id""",
    ),
    Projection(
        "own item", ("learner", "item", "retired"), 2,
        """SELECT l.name, i.slug, i.retired
           FROM item i JOIN learner l ON l.id = i.learner_id""",
    ),
    Projection(
        "item_note", ("learner", "entry", "kind", "item", "on_date", "text", "url"), 2,
        """SELECT l.name, n.journal_id, n.kind, i.slug, n.on_date, n.text, n.url
           FROM item_note n JOIN learner l ON l.id = n.learner_id
           JOIN item i ON i.id = n.item_id""",
    ),
    Projection(
        "learner_day", ("learner", "on_date", "finished", "required_finished", "minutes"), 2,
        """SELECT l.name, d.on_date, d.finished, d.required_finished, d.minutes
           FROM learner_day d JOIN learner l ON l.id = d.learner_id""",
    ),
    Projection(
        "review_card", ("learner", "subject", "enabled", "reviews", "last_on", "due_on",
                        "card"), 2,
        """SELECT l.name, c.subject, c.enabled, c.reviews, c.last_on, c.due_on, c.card
           FROM review_card c JOIN learner l ON l.id = c.learner_id""",
    ),
    Projection(
        "study_week", ("learner", "week_start", "area", "minutes", "sessions"), 3,
        """SELECT l.name, w.week_start, a.slug, w.minutes, w.sessions
           FROM study_week w JOIN learner l ON l.id = w.learner_id
           LEFT JOIN area a ON a.id = w.area_id""",
    ),
)  # fmt: skip

FLAGGED_SQL = """
    SELECT j.id, j.kind, j.action, j.subject, j.on_date, j.flag, l.name
    FROM journal j JOIN learner l ON l.id = j.learner_id
    WHERE j.flag IS NOT NULL
    ORDER BY j.id
"""
LEARNERS_SQL = "SELECT id, name FROM learner ORDER BY id"

Snapshot = dict[str, dict[tuple, tuple]]


def diagnose(path: Path) -> list[Check]:
    """Every check of ``queries.health``, then the journal's, when the file is current."""
    checks = check_database(path)
    revision = next((c for c in checks if c.name == REVISION_CHECK), None)
    if revision is None or revision.status != OK or any(c.name == "reading" for c in checks):
        return checks
    source = connect_read_only(path)
    try:
        return checks + journal_checks(source)
    except sqlite3.DatabaseError as error:
        return [*checks, Check("journal", FAIL, f"stopped: {error}")]
    finally:
        source.close()


def journal_checks(source: sqlite3.Connection) -> list[Check]:
    """The journal replayed on an in-memory copy of ``source``: what disagrees with it."""
    copy = sqlite3.connect(":memory:")
    source.backup(copy)
    store = SqliteWriter(copy)
    try:
        stored = snapshot(store)
        with store.transaction():
            breaking = _rebuild_all(store)
            replayed = snapshot(store)
    finally:
        copy.close()
    reader = SqliteReader(source)
    differences = [Check("projection", FAIL, line) for line in compare(stored, replayed)]
    flagged = [
        Check("flagged entry", WARN, f"{_entry_words(row)}: {row['flag']}")
        for row in reader.rows(FLAGGED_SQL)
    ]
    broken = [
        Check("journal", FAIL, f"{line}; mltrack doctor --repair sets it aside (flags it)")
        for line in breaking
    ]
    loops = [
        Check("orderings", FAIL, f"{row['name']}: a loop: {' -> '.join(loop)}")
        for row in reader.rows(LEARNERS_SQL)
        if (loop := ordering_loop(reader, row["id"]))
    ]
    summary = [] if differences or broken else [
        Check("journal", OK, "every projection agrees with the journal")
    ]  # fmt: skip
    if not loops:
        summary.append(Check("orderings", OK, "no loop in any learner's orderings"))
    return [*summary, *differences, *broken, *flagged, *loops]


def repair_database(path: Path) -> Repair:
    """Back the file up, then rebuild every learner's projections from the journal in one
    transaction; what changed, and the entries set aside."""
    backup = backup_file(path)
    store = SqliteWriter(connect(path))
    try:
        with store.transaction():
            before = snapshot(store)
            flagged = _rebuild_all(store)
            after = snapshot(store)
    finally:
        store.connection.close()
    return Repair(backup, compare(before, after), flagged)


def _rebuild_all(store: SqliteWriter) -> list[str]:
    """Rebuild every learner; the entries set aside, in words."""
    flagged: list[str] = []
    for row in store.rows(LEARNERS_SQL):
        for entry, reason in journal.rebuild(store, row["id"]):
            flagged.append(f"{row['name']}: entry {_describe(entry)} breaks a rule: {reason}")
    return flagged


def snapshot(reader: SqliteReader) -> Snapshot:
    """Every projection's rows by natural key."""
    return {
        projection.name: {
            tuple(row[: projection.keys]): tuple(row[projection.keys :])
            for row in (tuple(_plain(v) for v in r) for r in reader.rows(projection.sql))
        }
        for projection in PROJECTIONS
    }


def compare(stored: Snapshot, replayed: Snapshot) -> list[str]:
    """Each projection row that differs, in words: what is stored, what the journal says."""
    lines = []
    for projection in PROJECTIONS:
        ours, theirs = stored[projection.name], replayed[projection.name]
        names = projection.columns[projection.keys :]
        for key in sorted(set(ours) | set(theirs), key=repr):
            where = f"{projection.name} ({', '.join(map(str, key))})"
            if key not in theirs:
                lines.append(f"{where}: stored, but the journal has no such row")
            elif key not in ours:
                lines.append(f"{where}: missing; the journal says {_values(names, theirs[key])}")
            elif ours[key] != theirs[key]:
                changed = [
                    f"{name} {_show(a)} (the journal says {_show(b)})"
                    for name, a, b in zip(names, ours[key], theirs[key], strict=True)
                    if a != b
                ]
                lines.append(f"{where}: {', '.join(changed)}")
    return lines


def _values(names: Iterable[str], values: Iterable[object]) -> str:
    shown = [f"{name} {_show(value)}" for name, value in zip(names, values, strict=True)]
    return ", ".join(shown) or "it exists"


def _show(value: object) -> str:
    return "none" if value is None else str(value)


def _plain(value: object) -> object:
    """Values as comparable across connections (dates and booleans as SQLite keeps them)."""
    return int(value) if isinstance(value, bool) else value


def _entry_words(row: Row) -> str:
    return (
        f"{row['name']}: #{row['id']} {row['kind']} {row['action']} of {row['subject']} "
        f"on {row['on_date']}"
    )


def _describe(entry: Entry) -> str:
    return f"#{entry.id} {entry.kind} {entry.action} of {entry.subject} on {entry.on.isoformat()}"
