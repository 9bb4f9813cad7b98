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


def test_a_foundation_database_upgrades_in_place_with_every_row_intact(tmp_path: Path, ok) -> None:
    path = tmp_path / "mltrack.db"
    path.write_bytes(FOUNDATION_DB.read_bytes())
    connection = sqlite3.connect(path)
    old_columns = {
        table: [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if table != "alembic_version"
    }
    connection.close()
    before = {table: table_rows(path, table, columns) for table, columns in old_columns.items()}

    ok("--db", str(path), "progress")

    assert stored_revision(path) == HEAD_REVISION
    for table, columns in old_columns.items():
        # The seed digest and the seeded pathway change with the seed files; learner data stays.
        if table not in SEEDED_TABLES:
            assert table_rows(path, table, columns) == before[table], table
    assert len(before["progress_event"]) == 9
    shown = ok("--db", str(path), "-L", "alex", "show", "probability").stdout
    assert "done, started 2026-10-02, finished 2026-10-02" in shown


def test_an_upgraded_foundation_database_takes_the_new_features(tmp_path: Path, ok, rows) -> None:
    path = tmp_path / "mltrack.db"
    path.write_bytes(FOUNDATION_DB.read_bytes())
    db = ["--db", str(path)]
    events_before = rows(path, "SELECT * FROM progress_event ORDER BY id")

    ok(*db, "-L", "alex", "cert", "enroll", "ibm", "--cost", "39", "--currency", "USD")
    ok(*db, "-L", "alex", "cert", "pass", "ibm")
    ok(*db, "log", "1h30", "deep-learning")
    ok(*db, "read", "Some paper", "--kind", "paper", "--item", "deep-learning")
    ok(*db, "project", "add", "Churn", "--dataset", "Telco churn", "--area", "statistics")
    ok(*db, "add", "Kaggle course", "--area", "statistics")

    assert "passed    ibm-ml-data-science" in ok(*db, "-L", "alex", "cert", "list").stdout
    assert "logged:   1h30 in 1 session" in ok(*db, "show", "deep-learning").stdout
    assert ok(*db, "-L", "alex", "undo").stdout.endswith("certification goal back to enrolled\n")
    # The foundation's journal is untouched; the new events follow it.
    assert rows(path, "SELECT * FROM progress_event ORDER BY id")[: len(events_before)] == [
        (*event, None) for event in events_before
    ]
    assert "done, started 2026-10-02" in ok(*db, "-L", "alex", "show", "probability").stdout
