"""Backup and restore of the database file, against real files and open connections."""

import sqlite3
from pathlib import Path

import pytest

from mltrack.store.revisions import HEAD_REVISION

FOUNDATION_DB = Path(__file__).parent / "data" / "revision-0001.sqlite"


def scalar(path: Path, sql: str) -> object:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def done_items(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT i.slug FROM progress p JOIN item i ON i.id = p.item_id "
            "WHERE p.status = 'done' ORDER BY i.slug"
        )
        return [slug for (slug,) in rows]
    finally:
        connection.close()


def test_backup_copies_the_database_beside_it(seeded_db: Path, ok, dump) -> None:
    ok("done", "python", "--note", "kept")
    result = ok("backup")
    copy = Path(result.stdout.strip())
    assert copy.parent == seeded_db.parent
    assert copy.name.startswith("mltrack.db.") and copy.name.endswith(".bak")
    assert dump(copy) == dump(seeded_db)
    # One self-contained file, readable where nothing can be written beside it.
    assert scalar(copy, "PRAGMA journal_mode") == "delete"
    assert not copy.with_name(copy.name + "-wal").exists()


def test_backup_into_a_directory_never_overwrites_another(
    seeded_db: Path, tmp_path: Path, ok
) -> None:
    target = tmp_path / "backups" / "nested"
    copies = [Path(ok("backup", str(target)).stdout.strip()) for _ in range(3)]
    assert len(set(copies)) == 3
    assert all(copy.parent == target and copy.exists() for copy in copies)


def test_backup_copies_what_is_committed_while_another_connection_writes(
    seeded_db: Path, ok
) -> None:
    ok("done", "python")
    writer = sqlite3.connect(seeded_db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM progress")  # not committed while the backup runs
    try:
        copy = Path(ok("backup").stdout.strip())
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert done_items(copy) == ["python"]
    assert scalar(copy, "PRAGMA integrity_check") == "ok"


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "there is no database at"),
        (b"shopping list\n", "is not an SQLite database"),
    ],
)
def test_backup_refuses_what_is_not_a_database(
    db_path: Path, run, content: bytes | None, message: str
) -> None:
    if content is not None:
        db_path.write_bytes(content)
    result = run("backup")
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted(p.name for p in db_path.parent.iterdir()) == (["mltrack.db"] if content else [])


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(
    seeded_db: Path, ok
) -> None:
    ok("done", "python")
    copy = Path(ok("backup").stdout.strip())
    ok("done", "probability")

    result = ok("restore", str(copy))

    kept = Path(result.stdout.splitlines()[1].removeprefix("the replaced database is kept as "))
    assert result.stdout.splitlines()[0] == f"restored {copy} into {seeded_db}"
    assert done_items(seeded_db) == ["python"]
    assert done_items(kept) == ["probability", "python"]


def test_restore_refuses_while_another_program_has_the_database_open(
    seeded_db: Path, run, ok, monkeypatch
) -> None:
    """Renaming a file over a WAL database another connection has open would leave that
    connection writing to the old file: refused, and nothing changes."""
    copy = Path(ok("backup").stdout.strip())
    ok("done", "python")
    monkeypatch.setenv("MLTRACK_BUSY_TIMEOUT", "200")
    folder_before = sorted(p.name for p in seeded_db.parent.iterdir())
    reader = sqlite3.connect(seeded_db)
    try:
        assert reader.execute("SELECT COUNT(*) FROM progress").fetchone() == (1,)
        before = seeded_db.read_bytes()
        result = run("restore", str(copy))
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {seeded_db} is in use by another program (waited 0.2 s): close it and "
            "restore again; the database is unchanged\n"
        )
        assert seeded_db.read_bytes() == before
        assert reader.execute("SELECT COUNT(*) FROM progress").fetchone() == (1,)
    finally:
        reader.close()
    assert sorted(p.name for p in seeded_db.parent.iterdir()) == folder_before
    ok("restore", str(copy))
    assert done_items(seeded_db) == []


def test_restore_upgrades_a_backup_from_an_older_mltrack(
    seeded_db: Path, tmp_path: Path, ok
) -> None:
    old = tmp_path / "old.bak"
    old.write_bytes(FOUNDATION_DB.read_bytes())
    result = ok("restore", str(old))
    assert "upgraded the database" in result.stderr
    assert scalar(seeded_db, "SELECT version_num FROM alembic_version") == HEAD_REVISION
    # The old progress events (an undo among them) are journal entries now.
    assert scalar(seeded_db, "SELECT COUNT(*) FROM journal WHERE kind = 'status'") == 9
    assert scalar(seeded_db, "SELECT COUNT(*) FROM journal WHERE flag IS NOT NULL") == 0
    assert scalar(seeded_db, "SELECT COUNT(*) FROM progress") == 6
    assert old.read_bytes() == FOUNDATION_DB.read_bytes()


def other_application(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()


def newer_revision(path: Path, template: Path) -> None:
    path.write_bytes(template.read_bytes())
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()


def damaged(path: Path, template: Path) -> None:
    path.write_bytes(template.read_bytes()[:5000])


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p, t: p.write_text("notes\n"), "is not an SQLite database"),
        (lambda p, t: p.write_bytes(b""), "is empty or missing, not an mltrack database"),
        (lambda p, t: other_application(p), "is an SQLite database of another application"),
        (newer_revision, "which this mltrack does not know"),
        (damaged, "is damaged or not a complete SQLite file"),
    ],
    ids=["text", "empty", "other-application", "newer", "truncated"],
)
def test_restore_checks_the_file_before_replacing_anything(
    seeded_db: Path, tmp_path: Path, run, _seeded_template: Path, make, message: str
) -> None:
    candidate = tmp_path / "candidate.bak"
    make(candidate, _seeded_template)
    before = seeded_db.read_bytes()
    result = run("restore", str(candidate))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert seeded_db.read_bytes() == before
    assert not list(tmp_path.glob("mltrack.db.*"))


def test_restore_refuses_a_backup_that_fails_the_integrity_check(
    seeded_db: Path, tmp_path: Path, run, ok, corrupt_index
) -> None:
    copy = Path(ok("backup").stdout.strip())
    corrupt_index(copy)
    before = seeded_db.read_bytes()
    result = run("restore", str(copy))
    assert result.exit_code == 1
    assert f"Error: {copy} is damaged:" in result.stderr
    assert seeded_db.read_bytes() == before


def test_restore_over_a_file_sqlite_cannot_read_keeps_its_bytes(
    db_path: Path, tmp_path: Path, ok, _seeded_template: Path
) -> None:
    db_path.write_bytes(b"\x00garbage" * 100)
    backup = tmp_path / "good.bak"
    backup.write_bytes(_seeded_template.read_bytes())
    result = ok("restore", str(backup))
    kept = Path(result.stdout.splitlines()[1].removeprefix("the replaced database is kept as "))
    assert kept.read_bytes() == b"\x00garbage" * 100
    assert scalar(db_path, "SELECT COUNT(*) FROM item") == 51


def test_restore_refuses_the_database_itself(seeded_db: Path, run) -> None:
    result = run("restore", str(seeded_db))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {seeded_db} is the database itself\n"
