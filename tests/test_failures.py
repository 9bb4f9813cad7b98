"""What goes wrong in real use, tried against real files and real ``python -m mltrack``
processes: the wrong file, an unwritable place, a killed command, a full disk, two writers."""

import itertools
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mltrack.store.db import SQLITE_HEADER

MLTRACK = [sys.executable, "-m", "mltrack"]
Wrap = Callable[[list[str]], list[str]]


def mltrack(db: Path, *args: str, wrap: Wrap | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m mltrack ARGS`` with MLTRACK_DB=db, as a learner's shell would."""
    command = [*MLTRACK, *args]
    environment = {**os.environ, "MLTRACK_DB": str(db)}
    return subprocess.run(
        wrap(command) if wrap else command,
        env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def files_in(folder: Path) -> dict[str, bytes | None]:
    """Every file in ``folder`` and its bytes (None for a folder); SQLite's -wal and -shm
    files, which any reader of a WAL database creates, count only if they hold anything."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.name.endswith(("-wal", "-shm")):
            assert path.name.endswith("-shm") or path.stat().st_size == 0, path
            continue
        found[path.name] = None if path.is_dir() else path.read_bytes()
    return found


# The file MLTRACK_DB names is not a database mltrack may use.


def other_application(path: Path, template: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Ada', '555')")
    connection.commit()
    connection.close()


def newer_revision(path: Path, template: Path) -> None:
    shutil.copyfile(template, path)
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.commit()
    connection.close()


BAD_FILES: dict[str, tuple[Callable[[Path, Path], object], str]] = {
    "directory": (lambda p, t: p.mkdir(), "{db} is a directory, not an mltrack database file"),
    "text": (lambda p, t: p.write_text("milk\neggs\n"),
             "{db} is not an SQLite database, so not an mltrack database"),
    "random-bytes": (lambda p, t: p.write_bytes(random.Random(7).randbytes(8192)),
                     "{db} is not an SQLite database, so not an mltrack database"),
    "truncated": (lambda p, t: p.write_bytes(t.read_bytes()[:3000]),
                  "{db} is damaged or not a complete SQLite file"),
    "garbage-after-header": (
        lambda p, t: p.write_bytes(SQLITE_HEADER + random.Random(8).randbytes(8192)),
        "{db} is damaged or not a complete SQLite file",
    ),
    "other-application": (other_application, "{db} is an SQLite database of another application"),
    "newer-revision": (newer_revision, "{db} has schema revision '0099_from_the_future', which "
                       "this mltrack does not know: it was made by a newer mltrack"),
}  # fmt: skip


@pytest.mark.parametrize("command", [["progress"], ["done", "python"], ["export"]])
@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_file_mltrack_cannot_use_is_refused_in_one_line_and_left_alone(
    tmp_path: Path, _seeded_template: Path, kind: str, command: list[str]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "mltrack.db"
    make, message = BAD_FILES[kind]
    make(db, _seeded_template)
    before = files_in(folder)

    result = mltrack(db, *command)

    assert result.returncode == 1
    assert result.stderr.startswith("Error: " + message.format(db=db))
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert files_in(folder) == before


@pytest.fixture(scope="session")
def read_only() -> Callable[[Path], Wrap]:
    """Make a folder read-only for one command: a read-only bind mount in a private mount
    namespace when running as root (whom permissions do not stop), else permissions."""
    if os.geteuid() != 0:

        def by_permissions(folder: Path) -> Wrap:
            folder.chmod(0o555)
            return lambda command: command

        return by_permissions
    probe = Path(os.environ.get("TMPDIR", "/tmp"))
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    tried = subprocess.run(["unshare", "-m", "sh", "-c", script, str(probe), "true"],
                           capture_output=True)  # fmt: skip
    if tried.returncode != 0:
        pytest.skip("cannot make a read-only bind mount here (needs unshare and mount)")
    return lambda folder: lambda command: ["unshare", "-m", "sh", "-c", script, str(folder),
                                           *command]  # fmt: skip


@pytest.mark.parametrize("existing", [True, False], ids=["existing-database", "new-database"])
@pytest.mark.parametrize("command", [["progress"], ["done", "python"]])
def test_an_unwritable_place_is_refused_in_one_line(
    tmp_path: Path, _seeded_template: Path, read_only, existing: bool, command: list[str]
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    db = folder / "mltrack.db"
    if existing:
        shutil.copyfile(_seeded_template, db)
    before = files_in(folder)

    result = mltrack(db, *command, wrap=read_only(folder))

    folder.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == (
        f"Error: read-only file system on {folder}: mltrack needs to write its database and "
        "the files SQLite keeps beside it\n"
    )
    assert files_in(folder) == before


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a folder\n")
    db = tmp_path / "notes.txt" / "mltrack.db"
    result = mltrack(db, "done", "python")
    assert result.returncode == 1
    assert result.stderr == f"Error: cannot create {db}: {db.parent} is a file, not a folder\n"
    assert (tmp_path / "notes.txt").read_text() == "not a folder\n"


# A command that stops half-way leaves the database exactly as it was.


def write_lock_taken(db: Path) -> bool:
    """Whether another connection holds the database's write lock right now."""
    connection = sqlite3.connect(db, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return True
    finally:
        connection.close()


def test_an_import_killed_mid_write_leaves_the_database_as_it_was(
    seeded_db: Path, history_file, ok, dump
) -> None:
    ok("done", "python", "--note", "before the import")
    source = history_file(40_000)
    before = dump(seeded_db)
    wal = seeded_db.with_name(seeded_db.name + "-wal")
    process = subprocess.Popen(
        [*MLTRACK, "import", "--replace", str(source)],
        env={**os.environ, "MLTRACK_DB": str(seeded_db)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Wait until it is inside its transaction and has written a megabyte of rows (more
        # than SQLite's cache holds, so they are in the WAL file, uncommitted).
        deadline = time.monotonic() + 60
        while not (wal.exists() and wal.stat().st_size > 1_000_000 and write_lock_taken(seeded_db)):
            assert process.poll() is None, "the import finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()

    assert process.returncode == -signal.SIGKILL
    assert dump(seeded_db) == before
    assert "before the import" in ok("show", "python").stdout
    assert ok("doctor").stdout.endswith("no problems found\n")


@pytest.mark.parametrize(
    "command", [["done", "python", "--note", "lost"], ["cert", "pass", "stanford-ml"]]
)
def test_a_change_that_fails_mid_transaction_is_undone(
    seeded_db: Path, run, ok, dump, rows, monkeypatch, command: list[str]
) -> None:
    """The journal entry and its projection row are written, then the command fails: neither
    remains. ``cert pass`` fails on its second, linked entry (the item's done), after the
    certification's entry and goal row: none of them remains."""
    from mltrack.core.vocabulary import JournalKind
    from mltrack.services import journal

    ok("start", "python")
    before = dump(seeded_db)
    real_project = journal.project

    def project_then_fail(store, learner_id, kind, *args, **kwargs) -> None:
        real_project(store, learner_id, kind, *args, **kwargs)
        if kind == JournalKind.STATUS:  # the entry and its projection row are written
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(journal, "project", project_then_fail)
    result = run(*command)

    assert (result.exit_code, result.stderr) == (1, "Error: No space left on device\n")
    assert dump(seeded_db) == before
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(1,)]


def test_a_full_disk_fails_the_command_and_keeps_the_database(
    tmp_path: Path, _seeded_template: Path, history_file, read_only
) -> None:
    """A tmpfs smaller than the import needs, in a private mount namespace (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    small = tmp_path / "small"
    small.mkdir()
    source = history_file(40_000)
    db = small / "mltrack.db"
    out = tmp_path / "out"
    out.mkdir()
    size_kb = _seeded_template.stat().st_size // 1024 + 2048
    python = " ".join([sys.executable, "-m", "mltrack"])
    script = f"""
        mount -t tmpfs -o size={size_kb}k tmpfs "{small}" || exit 99
        cp "{_seeded_template}" "{db}"
        {python} export -o "{out}/before.json" || exit 98
        {python} import --replace "{source}" 2> "{out}/import.err"
        echo $? > "{out}/import.code"
        {python} export -o "{out}/after.json"
        {python} doctor > "{out}/doctor.txt"
    """
    environment = {**os.environ, "MLTRACK_DB": str(db)}
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], env=environment)
    if done.returncode == 99:
        pytest.skip("cannot mount a tmpfs here")
    assert (out / "import.code").read_text() == "1\n"
    assert (out / "import.err").read_text() == (
        f"Error: disk full: no space left to write {db} or the files beside it "
        "(database or disk is full)\n"
    )
    assert (out / "after.json").read_bytes() == (out / "before.json").read_bytes()
    assert (out / "doctor.txt").read_text().endswith("no problems found\n")


# Two writers at once.

WORKER = """
import json, sys
from mltrack.cli import cli

item, count = sys.argv[1], int(sys.argv[2])
codes = [
    cli.main(["done" if number % 2 == 0 else "reset", item], prog_name="mltrack",
             standalone_mode=False)
    for number in range(count)
]
print(json.dumps(codes))
"""


@pytest.mark.concurrency
def test_two_processes_writing_at_once_lose_nothing(seeded_db: Path, rows) -> None:
    """2 x 500 done/reset in two processes, each command its own transaction (in-process
    calls, so that start-up does not dominate): no "database is locked", every change in
    the journal."""
    count = 500
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, item, str(count)],
            env={**os.environ, "MLTRACK_DB": str(seeded_db)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for item in ("python", "probability")
    ]
    outputs = [worker.communicate(timeout=120) for worker in workers]

    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0 and stderr == ""
        assert json.loads(stdout.splitlines()[-1]) == [None] * count
    events = rows(seeded_db, "SELECT subject, kind, action FROM journal ORDER BY id")
    for item in ("python", "probability"):
        mine = [event[1:] for event in events if event[0] == item]
        assert mine == [("status", "done"), ("status", "reset")] * (count // 2)
    # Each entry was checked against the item's timeline as it stood when it was recorded:
    # replayed in order, every one of them is valid (no done on a done item, ...).
    connection = sqlite3.connect(seeded_db)
    connection.row_factory = sqlite3.Row
    from mltrack.core.journal import ItemState, entry_of, replay
    from mltrack.services.journal import ENTRY_COLUMNS

    for item in ("python", "probability"):
        stored = connection.execute(
            f"SELECT {ENTRY_COLUMNS} FROM journal WHERE subject = ? ORDER BY id", (item,)
        ).fetchall()
        assert replay(entry_of(row) for row in stored) == ItemState()
    connection.close()
    switches = sum(a[0] != b[0] for a, b in itertools.pairwise(events))
    assert switches > 20, "the two writers did not overlap"
    assert rows(seeded_db, "SELECT status, COUNT(*) FROM progress GROUP BY status") == [
        ("planned", 2)
    ]
