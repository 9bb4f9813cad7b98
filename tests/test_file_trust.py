"""What mltrack trusts about files: a database or backup from elsewhere, a full disk, a lock,
and paths that are not regular files (FIFOs, devices, symbolic links, sockets).

Whatever can hang (a FIFO, a device that never ends) runs in a subprocess with a timeout, so
that a regression fails the test instead of blocking the suite.
"""

import os
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mltrack.store.revisions import HEAD_REVISION


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines and tables; fitting to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


MLTRACK = [sys.executable, "-m", "mltrack"]
TIMEOUT = 60


def mltrack(db: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MLTRACK_DB": str(db), **env}
    return subprocess.run(
        [*MLTRACK, *args], env=environment, capture_output=True, text=True, timeout=TIMEOUT
    )


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def execute(path: Path, *statements: str) -> None:
    connection = sqlite3.connect(path)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


# A database or backup from elsewhere is checked against the schema its revision has.


def extra_trigger(path: Path) -> None:
    execute(
        path,
        "CREATE TRIGGER wipe_sessions AFTER INSERT ON journal BEGIN DELETE FROM study_session; END",
    )


def view_for_table(path: Path) -> None:
    execute(
        path,
        "DROP TABLE learner_prerequisite",
        "CREATE VIEW learner_prerequisite AS SELECT 1 AS learner_id, 1 AS item_id, "
        "2 AS requires_id",
    )


def missing_check(path: Path) -> None:
    connection = sqlite3.connect(path)
    [sql] = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'study_session'")
    unchecked = sql[0].replace(
        "CONSTRAINT ck_study_session_minutes CHECK (minutes > 0 AND minutes <= 1440), ", ""
    )
    assert unchecked != sql[0]
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE name = 'study_session'", (unchecked,)
    )
    connection.commit()
    connection.close()


TAMPERED = {
    "extra-trigger": (extra_trigger, "extra trigger wipe_sessions on journal"),
    "view-for-table": (view_for_table, "missing table learner_prerequisite"),
    "missing-check": (
        missing_check,
        "table study_session differs: missing CONSTRAINT ck_study_session_minutes "
        "CHECK(minutes > 0 AND minutes <= 1440)",
    ),
}
EVERY_DIFFERENCE = {
    "extra-trigger": ["extra trigger wipe_sessions on journal"],
    "view-for-table": [
        "missing table learner_prerequisite",
        "missing index ix_learner_prerequisite_requires_id on learner_prerequisite",
        "missing index sqlite_autoindex_learner_prerequisite_1 on learner_prerequisite",
        "extra view learner_prerequisite",
    ],
    "missing-check": [TAMPERED["missing-check"][1]],
}


@pytest.mark.parametrize("kind", list(TAMPERED))
def test_restore_refuses_a_backup_whose_schema_was_changed(
    seeded_db: Path, tmp_path: Path, run, ok, kind: str
) -> None:
    ok("log", "1h", "python")
    tampered = Path(ok("backup", str(tmp_path / "elsewhere")).stdout.strip())
    make, first = TAMPERED[kind]
    make(tampered)
    before, listing = seeded_db.read_bytes(), folder_listing(seeded_db.parent)

    result = run("restore", str(tampered))

    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tampered} does not have the schema of revision {HEAD_REVISION} ({first}); "
        "mltrack will not use it, and `mltrack doctor` lists every difference\n"
    )
    assert seeded_db.read_bytes() == before
    assert folder_listing(seeded_db.parent) == listing


@pytest.mark.parametrize("kind", list(TAMPERED))
def test_a_changed_schema_is_refused_on_open_and_named_by_doctor(
    seeded_db: Path, run, ok, rows, kind: str
) -> None:
    ok("log", "1h", "python")
    TAMPERED[kind][0](seeded_db)

    result = run("done", "python")
    assert result.exit_code == 1
    assert f"does not have the schema of revision {HEAD_REVISION}" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert rows(seeded_db, "SELECT COUNT(*) FROM study_session") == [(1,)]  # nothing ran

    doctor = run("doctor")
    assert doctor.exit_code == 1
    [schema] = [line for line in doctor.stdout.splitlines() if " schema: " in line]
    found = EVERY_DIFFERENCE[kind]
    assert schema == (
        f"[fail] schema: {len(found)} difference(s) from revision {HEAD_REVISION}, so mltrack "
        f"will not use it: {'; '.join(found)}"
    )


def test_an_older_database_is_checked_against_its_own_revision_before_upgrading(
    db_path: Path, run, dump
) -> None:
    db_path.write_bytes((Path(__file__).parent / "data" / "revision-0001.sqlite").read_bytes())
    execute(db_path, "CREATE TRIGGER sneaky AFTER INSERT ON progress BEGIN SELECT 1; END")
    before = dump(db_path)
    result = run("progress")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {db_path} does not have the schema of revision 0001_initial "
        "(extra trigger sneaky on progress)"
    )
    assert dump(db_path) == before
    assert not list(db_path.parent.glob("*.bak"))  # not upgraded, so no backup either


# Restore on a full disk, and a database another program has locked.


def test_restore_and_done_on_a_full_disk_leave_the_database_as_it_was(
    tmp_path: Path, _seeded_template: Path
) -> None:
    """A small tmpfs in a private mount namespace (root only), filled up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    small, out = tmp_path / "small", tmp_path / "out"
    small.mkdir()
    out.mkdir()
    db = small / "mltrack.db"
    backup = tmp_path / "good.bak"
    backup.write_bytes(_seeded_template.read_bytes())
    size_kb = _seeded_template.stat().st_size // 1024 + 512
    python = " ".join(MLTRACK)
    dump = f"{sys.executable} -c '{DUMP}' {db}"
    script = f"""
        mount -t tmpfs -o size={size_kb}k tmpfs "{small}" || exit 99
        cp "{_seeded_template}" "{db}"
        {python} done python > /dev/null || exit 98
        {python} backup "{out}" > /dev/null || exit 97
        {dump} > "{out}/before.sql" || exit 96
        dd if=/dev/zero of="{small}/filler" bs=4k 2> /dev/null
        ls "{small}" | grep -v -e -wal -e -shm > "{out}/before.ls"
        {python} restore "{backup}" > "{out}/restore.out" 2> "{out}/restore.err"
        echo $? > "{out}/restore.code"
        {python} done probability 2> "{out}/done.err"
        echo $? > "{out}/done.code"
        ls "{small}" | grep -v -e -wal -e -shm > "{out}/after.ls"
        rm "{small}/filler"
        {dump} > "{out}/after.sql"
        {python} progress --json > "{out}/progress.json" 2> "{out}/progress.err"
    """
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", script],
        env={**os.environ, "MLTRACK_DB": str(db)},
        timeout=4 * TIMEOUT,
    )
    if done.returncode == 99:
        pytest.skip("cannot mount a tmpfs here (no permission to mount)")
    assert done.returncode == 0, done.returncode
    assert (out / "restore.code").read_text() == "1\n"
    restore_error = (out / "restore.err").read_text()
    assert restore_error.startswith(f"Error: could not restore {backup}: disk full in {small}")
    assert restore_error.endswith("nothing was changed (the partial copy was removed)\n")
    assert (out / "done.code").read_text() == "1\n"
    done_error = (out / "done.err").read_text()
    assert done_error.startswith("Error: disk full: ") and "damaged" not in done_error
    assert (out / "after.ls").read_text() == (out / "before.ls").read_text()
    assert (out / "after.sql").read_text() == (out / "before.sql").read_text()
    assert (out / "progress.err").read_text() == ""  # the same database, not a new empty one
    assert '"done": 1' in (out / "progress.json").read_text()


DUMP = "import sqlite3, sys; print(*sqlite3.connect(sys.argv[1]).iterdump(), sep=chr(10))"


def hold_exclusive(db: Path, wal: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(db, isolation_level=None)
    if not wal:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.execute("BEGIN EXCLUSIVE")
    return connection


@pytest.mark.parametrize(
    "wal, command", [(False, ["progress"]), (True, ["done", "python"])], ids=["read", "write"]
)
def test_a_locked_database_is_reported_as_locked(seeded_db: Path, wal: bool, command) -> None:
    holder = hold_exclusive(seeded_db, wal)
    try:
        result = mltrack(seeded_db, *command, MLTRACK_BUSY_TIMEOUT="100")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: {seeded_db} is locked by another program (waited 0.1 s, the busy timeout; "
        "set MLTRACK_BUSY_TIMEOUT in milliseconds to wait longer)\n"
    )


# Paths that are not regular files.


def test_a_fifo_as_the_database_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "mltrack.db"
    os.mkfifo(fifo)
    result = mltrack(fifo, "progress")
    assert result.returncode == 1
    assert result.stderr == f"Error: {fifo} is a FIFO (named pipe), not an mltrack database file\n"
    assert folder_listing(tmp_path) == ["mltrack.db"]


def character_device(folder: Path) -> Path:
    """A character device in ``folder`` (like /dev/null), or /dev/null itself if mknod is
    not permitted here."""
    device = folder / "mltrack.db"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        return Path("/dev/null")
    return device


def test_a_character_device_as_the_database_is_refused_and_no_journal_is_left(
    tmp_path: Path,
) -> None:
    device = character_device(tmp_path)
    beside = folder_listing(device.parent)
    for command in (["progress"], ["done", "python"], ["backup"]):
        result = mltrack(device, *command)
        assert result.returncode == 1
        assert result.stderr == (
            f"Error: {device} is a character device, not an mltrack database file\n"
        )
    assert folder_listing(device.parent) == beside
    assert stat.S_ISCHR(device.stat().st_mode)


def test_a_fifo_as_the_restore_source_is_refused_without_blocking(
    seeded_db: Path, tmp_path: Path
) -> None:
    fifo = tmp_path / "backup.bak"
    os.mkfifo(fifo)
    before = seeded_db.read_bytes()
    result = mltrack(seeded_db, "restore", str(fifo))
    assert result.returncode == 1
    assert result.stderr == f"Error: {fifo} is a FIFO (named pipe), not a backup file\n"
    assert seeded_db.read_bytes() == before


@pytest.mark.parametrize("source", ["/dev/zero", "fifo"])
def test_import_refuses_what_is_not_a_regular_file(
    seeded_db: Path, tmp_path: Path, source: str
) -> None:
    path = Path(source)
    kind = "a character device"
    if source == "fifo":
        path = tmp_path / "export.json"
        os.mkfifo(path)
        kind = "a FIFO (named pipe)"
    result = mltrack(seeded_db, "import", str(path))
    assert result.returncode == 1
    assert result.stderr == f"Error: {path} is {kind}, not an export file\n"


def test_output_through_a_symbolic_link_replaces_the_file_it_names(
    seeded_db: Path, tmp_path: Path, ok
) -> None:
    real = tmp_path / "reports" / "progress.md"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    ok("report", "-o", str(link))
    assert link.is_symlink() and link.resolve() == real
    assert real.read_text().startswith("# ")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert folder_listing(real.parent) == ["progress.md"]


def test_output_never_follows_a_planted_temporary_name(seeded_db: Path, tmp_path: Path, ok) -> None:
    """The old temporary name (``.NAME.PID.tmp``) was predictable: a link planted there was
    followed and the file it named overwritten."""
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    target = tmp_path / "out.json"
    (tmp_path / f".{target.name}.{os.getpid()}.tmp").symlink_to(victim)
    ok("export", "-o", str(target))
    assert victim.read_text() == "precious\n"
    assert target.read_text().startswith("{")


@pytest.mark.parametrize("command", [["report"], ["export"], ["cert", "ics"]])
def test_output_to_a_device_writes_to_it_and_keeps_it_a_device(
    seeded_db: Path, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "dev").mkdir()
    device = character_device(tmp_path / "dev")
    result = mltrack(seeded_db, *command, "-o", str(device))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(device.stat().st_mode)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_output_to_a_fifo_writes_into_it(seeded_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = mltrack(seeded_db, "export", "-o", str(fifo))
    reader.join(TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert received and received[0].startswith(b"{")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_to_a_socket_is_refused(seeded_db: Path, tmp_path: Path, run) -> None:
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        result = run("export", "-o", str(path))
    finally:
        server.close()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path} is a socket: mltrack writes to a regular file, a FIFO, a device or - "
        "(standard output)\n"
    )
    assert stat.S_ISSOCK(path.stat().st_mode)
