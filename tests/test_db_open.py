"""Opening whatever file the learner points at: create, upgrade with backup, or refuse."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command

from mltrack.core.errors import DatabaseError
from mltrack.services.migrate import alembic_config
from mltrack.services.startup import prepare_database
from mltrack.store.files import FileState, inspect_file
from mltrack.store.orm import make_engine
from mltrack.store.revisions import HEAD_REVISION, KNOWN_REVISIONS

PREVIOUS = KNOWN_REVISIONS[-2] if len(KNOWN_REVISIONS) > 1 else "base"


def at_revision(path: Path, revision: str) -> None:
    engine = make_engine(path)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        command.downgrade(alembic_config(connection), revision)
    engine.dispose()


def stored_revision(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    connection.close()
    return row[0] if row else None


@pytest.mark.parametrize(
    "content, message",
    [
        (b"just some notes\n", "is not an SQLite database"),
        (b"\x8f\x00\xff" * 500, "is not an SQLite database"),
    ],
)
def test_a_file_that_is_not_sqlite_is_refused_and_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match=message):
        prepare_database(path)
    assert path.read_bytes() == content


def test_a_truncated_database_is_refused_and_untouched(seeded_db: Path) -> None:
    damaged = seeded_db.read_bytes()[:3000]
    seeded_db.write_bytes(damaged)
    with pytest.raises(DatabaseError, match="damaged or not a complete SQLite file"):
        prepare_database(seeded_db)
    assert seeded_db.read_bytes() == damaged


def test_another_applications_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="another application"):
        prepare_database(path)
    assert path.read_bytes() == before


def test_a_newer_revision_is_refused_and_untouched(seeded_db: Path) -> None:
    connection = sqlite3.connect(seeded_db)
    connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    connection.commit()
    connection.close()
    before = seeded_db.read_bytes()
    with pytest.raises(DatabaseError, match="newer mltrack"):
        prepare_database(seeded_db)
    assert seeded_db.read_bytes() == before


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        prepare_database(tmp_path)


def test_missing_and_empty_files_are_created(tmp_path: Path) -> None:
    missing = tmp_path / "deep" / "folder" / "mltrack.db"
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (missing, empty):
        assert inspect_file(path).state is FileState.NEW
        prepare_database(path)
        assert inspect_file(path).state is FileState.CURRENT
        assert stored_revision(path) == HEAD_REVISION


def test_an_older_database_is_backed_up_then_upgraded(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mltrack.db"
    at_revision(path, PREVIOUS)
    assert inspect_file(path).state is FileState.BEHIND
    notice, *_ = prepare_database(path)
    assert stored_revision(path) == HEAD_REVISION
    [backup] = tmp_path.glob("mltrack.db.*.bak")
    assert stored_revision(backup) == (None if PREVIOUS == "base" else PREVIOUS)
    assert notice.startswith("upgraded the database") and str(backup) in notice


def test_a_current_database_is_not_backed_up_again(seeded_db: Path) -> None:
    prepare_database(seeded_db)
    assert list(seeded_db.parent.glob("*.bak")) == []


FOUNDATION_DB = Path(__file__).parent / "data" / "revision-0001.sqlite"
"""Made by mltrack at revision 0001 through its CLI: two learners, progress, notes, an undo."""


def table_rows(path: Path, table: str, columns: list[str]) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"
        ).fetchall()
    finally:
        connection.close()


SEEDED_TABLES = {"meta", "pathway", "step", "area", "item", "item_prerequisite", "career_fact"}

# The old journal and its projection, by learner and item, with the journal's columns.
OLD_EVENTS = """SELECT e.id, l.name, i.slug, e.occurred_at, e.on_date, e.action, e.note,
                       e.undoes_id FROM progress_event e JOIN learner l ON l.id = e.learner_id
                JOIN item i ON i.id = e.item_id ORDER BY e.id"""
ENTRIES = """SELECT j.id, l.name, i.slug, j.recorded_at, j.on_date, j.action,
                    json_extract(j.data, '$.note'), j.target_id, j.kind, j.subject, j.flag
             FROM journal j JOIN learner l ON l.id = j.learner_id JOIN item i ON i.id = j.item_id
             ORDER BY j.id"""
PROGRESS = """SELECT l.name, i.slug, p.status, p.started_on, p.finished_on, p.note,
                     p.evidence_url, p.updated_at
              FROM progress p JOIN learner l ON l.id = p.learner_id
              JOIN item i ON i.id = p.item_id ORDER BY 1, 2"""


def test_a_foundation_database_upgrades_in_place_with_every_row_intact(
    tmp_path: Path, ok, rows
) -> None:
    """Every table of revision 0001 keeps its rows, but the old journal (progress_event),
    which becomes journal entries, one each, in the same order: nothing lost."""
    path = tmp_path / "mltrack.db"
    path.write_bytes(FOUNDATION_DB.read_bytes())
    connection = sqlite3.connect(path)
    old_columns = {
        table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if table not in ("alembic_version", "progress_event")
    }
    connection.close()
    before = {table: table_rows(path, table, columns) for table, columns in old_columns.items()}
    events, progress = rows(path, OLD_EVENTS), rows(path, PROGRESS)
    assert len(events) == 9

    ok("--db", str(path), "progress")

    assert stored_revision(path) == HEAD_REVISION
    for table, columns in old_columns.items():
        # The seed digest and the seeded pathway change with the seed files; learner data stays
        # (progress_event became the journal).
        if table not in SEEDED_TABLES and table != "progress_event":
            assert table_rows(path, table, columns) == before[table], table
    entries = rows(path, ENTRIES)
    assert [entry[:8] for entry in entries] == events  # ids, dates, notes and the undo's target
    assert {(kind, subject == slug, flag) for _, _, slug, *_, kind, subject, flag in entries} == {
        ("status", True, None)
    }
    assert rows(path, PROGRESS) == progress  # the projection rebuilt, evidence URL included
    assert "every projection agrees with the journal" in ok("--db", str(path), "doctor").stdout
    shown = ok("--db", str(path), "-L", "alex", "show", "probability").stdout
    assert "done, started 2026-10-02, finished 2026-10-02" in shown


def test_an_upgraded_foundation_database_takes_the_new_features(tmp_path: Path, ok, rows) -> None:
    path = tmp_path / "mltrack.db"
    path.write_bytes(FOUNDATION_DB.read_bytes())
    db = ["--db", str(path)]
    ok(*db, "progress")  # the upgrade: the old events become the journal's first entries
    entries_before = rows(path, "SELECT * FROM journal ORDER BY id")
    assert len(entries_before) == 9

    ok(*db, "-L", "alex", "cert", "enroll", "ibm", "--cost", "39", "--currency", "USD")
    ok(*db, "-L", "alex", "cert", "pass", "ibm")
    ok(*db, "log", "1h30", "deep-learning")
    ok(*db, "read", "Some paper", "--kind", "paper", "--item", "deep-learning")
    ok(*db, "project", "add", "Churn", "--dataset", "Telco churn", "--area", "statistics")
    ok(*db, "add", "Kaggle course", "--area", "statistics")

    assert "passed    ibm-ml-data-science" in ok(*db, "-L", "alex", "cert", "list").stdout
    assert "logged:   1h30 in 1 session" in ok(*db, "show", "deep-learning").stdout
    # Undo reverts the pass with the item's done it made (one group), newest first.
    undone = ok(*db, "-L", "alex", "undo").stdout.splitlines()
    assert [line.split("; ")[0] for line in undone] == [
        "undo: ibm-ml-data-science (done -> in_progress)",
        "undo: ibm-ml-data-science (passed -> enrolled)",
    ]
    assert rows(path, "SELECT status FROM cert_goal") == [("enrolled",)]
    # The foundation's journal is untouched; the new entries follow it.
    assert rows(path, "SELECT * FROM journal ORDER BY id")[: len(entries_before)] == (
        entries_before
    )
    assert rows(path, "SELECT kind, action, subject FROM journal WHERE id > 9 ORDER BY id") == [
        ("cert", "enroll", "ibm-ml-data-science"),
        ("status", "start", "ibm-ml-data-science"),  # enrolling started alex's item
        ("cert", "pass", "ibm-ml-data-science"),
        ("status", "done", "ibm-ml-data-science"),
        ("study", "log", rows(path, "SELECT uid FROM journal WHERE id = 14")[0][0]),
        ("reading", "log", rows(path, "SELECT uid FROM journal WHERE id = 15")[0][0]),
        ("project", "add", "churn"),
        ("status", "start", "portfolio-real-data"),
        ("plan", "set", "item:my.kaggle-course"),
        ("status", "undo", "ibm-ml-data-science"),
        ("cert", "undo", "ibm-ml-data-science"),
    ]  # deep-learning, read about, was in progress already: no start
    assert "done, started 2026-10-02" in ok(*db, "-L", "alex", "show", "probability").stdout
