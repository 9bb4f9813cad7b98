"""Opening the database file: checks, pragmas, first-use creation and automatic upgrades.

Standard library only, so that a read command never pays for SQLAlchemy or Alembic: the
revision check compares the stored revision with the ones this code knows, and the heavy
modules are imported only when the file must be created, migrated or reseeded. SQLite-only
pragmas live here and nowhere else.
"""

import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path

from mltrack.errors import DatabaseError
from mltrack.schema import HEAD_REVISION, KNOWN_REVISIONS

SQLITE_HEADER = b"SQLite format 3\x00"
SEED_DIGEST_KEY = "seed_digest"
BUSY_TIMEOUT_MS = 10_000


class FileState(Enum):
    NEW = "new"  # missing, zero bytes, or an SQLite file with no tables: safe to create in
    BEHIND = "behind"  # an mltrack database at an older revision: back up, then upgrade
    CURRENT = "current"


@dataclass(frozen=True)
class FileInfo:
    state: FileState
    seed_digest: str | None = None  # of the seed the database holds, when it is current
    revision: str | None = None  # the stored schema revision ("" at base), if any


def apply_pragmas(connection: sqlite3.Connection, foreign_keys: bool = True) -> None:
    """Per-connection settings: WAL, a busy timeout, and enforced foreign keys.

    Migrations run with foreign keys off, as SQLite's table-rebuild procedure requires (a
    rebuilt table is dropped and renamed), and check them with ``check_foreign_keys`` instead.
    """
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


def check_foreign_keys(connection: sqlite3.Connection) -> None:
    """Raise DatabaseError if any row points at a row that does not exist."""
    broken = foreign_key_problems(connection)
    if broken:
        raise DatabaseError(f"{len(broken)} broken reference(s), e.g. {broken[0]}")


def foreign_key_problems(connection: sqlite3.Connection) -> list[str]:
    """Each row that points at a row that does not exist, e.g. ``progress row 3 -> learner``."""
    return [
        f"{table} row {rowid} -> missing {parent}"
        for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
    ]


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What SQLite's own integrity check finds wrong with the file (nothing when sound)."""
    try:
        found = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # damage bad enough to stop the check itself
        return [str(error)]
    return [] if found == ["ok"] else found


def connect(path: Path) -> sqlite3.Connection:
    """A connection with mltrack's pragmas, rows addressable by column name."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    apply_pragmas(connection)
    return connection


def connect_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot write, so cannot migrate, reseed or repair anything."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return connection


def open_database(path: Path) -> sqlite3.Connection:
    """Make the database ready (create, upgrade, reseed as needed) and connect to it."""
    prepare_database(path)
    return connect(path)


def prepare_database(path: Path) -> None:
    """Create, upgrade or reseed the database at ``path`` if it needs it, saying so on stderr."""
    check_writable(path)
    info = inspect_file(path)
    if info.state is FileState.NEW:
        from mltrack.migrate import create_database

        summary = create_database(path)
        notice(f"created a new database at {path} ({summary})")
        return
    if info.state is FileState.BEHIND:
        from mltrack.migrate import upgrade_database

        backup = upgrade_database(path)
        notice(f"upgraded the database at {path}; the previous file is kept as {backup}")
    from mltrack.seed_data import seed_digest

    if info.seed_digest != seed_digest():
        from mltrack.migrate import reseed_database

        notice(f"updated the pathway from the new seed files ({reseed_database(path)})")


def inspect_file(path: Path) -> FileInfo:
    """Classify the file at ``path`` without writing to it; refuse anything not mltrack's."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not an mltrack database file")
    if not path.exists():
        return FileInfo(FileState.NEW)
    header = _read_header(path)
    if not header:
        return FileInfo(FileState.NEW)
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not an SQLite database, so not an mltrack database")
    try:
        revision, has_tables, digest = _stored_revision(path)
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path} is damaged or not a complete SQLite file ({error})") from None
    if revision is None:
        if has_tables:
            raise DatabaseError(f"{path} is an SQLite database of another application")
        return FileInfo(FileState.NEW)
    if revision == HEAD_REVISION:
        return FileInfo(FileState.CURRENT, digest, revision)
    if revision in KNOWN_REVISIONS or revision == "":
        return FileInfo(FileState.BEHIND, revision=revision)
    raise DatabaseError(
        f"{path} has schema revision {revision!r}, which this mltrack does not know: "
        "it was made by a newer mltrack (upgrade mltrack) or by another application"
    )


def check_writable(path: Path) -> None:
    """Raise DatabaseError unless the database at ``path`` can be written or created: SQLite
    also writes beside it (the -wal and -shm files), so its folder must be writable too."""
    if path.is_dir():
        raise DatabaseError(f"{path} is a directory, not an mltrack database file")
    folder = next(parent for parent in path.parents if parent.exists())
    if not folder.is_dir():
        raise DatabaseError(f"cannot create {path}: {folder} is a file, not a folder")
    for place in (folder, path) if path.exists() else (folder,):
        if not os.access(place, os.W_OK):
            raise DatabaseError(
                f"cannot write to {place} (read-only file system or no permission); "
                "mltrack needs to write its database and the files SQLite keeps beside it"
            )


def backup_file(path: Path, directory: Path | None = None) -> Path:
    """A consistent copy of the mltrack database at ``path``, beside it or in ``directory``
    (created if need be), named with the time; DatabaseError if there is no such database.

    SQLite's online backup API copies a state that was committed, even while other processes
    write. The copy is one self-contained file (rollback journal, not WAL), so it can be read
    where nothing can be written, e.g. on read-only media.
    """
    if inspect_file(path).state is FileState.NEW:
        raise DatabaseError(f"there is no database at {path} to back up")
    target = _backup_name(path, directory)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(path)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    except BaseException:
        copy.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        copy.close()
        source.close()
    return target


def restore_file(source: Path, target: Path) -> Path | None:
    """Replace the database at ``target`` with the mltrack database ``source``.

    ``source`` is checked first (an mltrack database of a known revision, sound). What it
    replaces is kept beside ``target``; its name is returned (None if there was no database).
    The copy goes through SQLite's backup API into the live file, so a process that has it
    open sees the restored data rather than a deleted file.
    """
    if target.exists() and source.resolve() == target.resolve():
        raise DatabaseError(f"{source} is the database itself")
    check_writable(target)
    if inspect_file(source).state is FileState.NEW:
        raise DatabaseError(f"{source} is empty or missing, not an mltrack database")
    reader = connect_read_only(source)
    try:
        problems = integrity_problems(reader)
        if problems:
            raise DatabaseError(f"{source} is damaged: {problems[0]}")
        kept = _keep_replaced(target)
        writer = sqlite3.connect(target)
        try:
            writer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
    return kept


def _keep_replaced(path: Path) -> Path | None:
    """Keep the database about to be replaced: a backup copy if it is an mltrack database,
    else the file itself (and any -wal/-shm beside it) renamed, bytes untouched."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        return backup_file(path)
    except (DatabaseError, sqlite3.DatabaseError):  # not mltrack's, or damaged
        kept = _backup_name(path)
        for suffix in ("-wal", "-shm", ""):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.replace(kept.with_name(kept.name + suffix))
        return kept


def _backup_name(path: Path, directory: Path | None = None) -> Path:
    """``mltrack.db.20261125T221218.bak`` beside ``path`` or in ``directory``; numbered
    (``...-1.bak``) when that name is taken, so a backup never overwrites another."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    wanted = (directory or path.parent) / f"{path.name}.{stamp}.bak"
    candidate, number = wanted, 0
    while candidate.exists():
        number += 1
        candidate = wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")
    return candidate


def read_meta(connection: sqlite3.Connection, key: str) -> str | None:
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def notice(message: str) -> None:
    """One line on stderr about something mltrack did on its own."""
    print(f"mltrack: {message}", file=sys.stderr)


def _read_header(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from None


def _stored_revision(path: Path) -> tuple[str | None, bool, str | None]:
    """The stored Alembic revision ('' at base, None if no such table), whether the file has
    tables, and the digest of the seed it holds."""
    connection = connect_read_only(path)
    try:
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "alembic_version" not in tables:
            return None, bool(tables), None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        digest = read_meta(connection, SEED_DIGEST_KEY) if "meta" in tables else None
        return (row[0] if row else ""), True, digest
    finally:
        connection.close()
