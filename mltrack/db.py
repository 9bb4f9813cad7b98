"""Opening the database file: checks, pragmas, first-use creation and automatic upgrades.

Standard library only, so that a read command never pays for SQLAlchemy or Alembic: the
revision check compares the stored revision with the ones this code knows, and the heavy
modules are imported only when the file must be created, migrated or reseeded. SQLite-only
pragmas live here and nowhere else.
"""

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
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise DatabaseError(
            f"{len(broken)} broken reference(s), e.g. {table} row {rowid} -> missing {parent}"
        )


def connect(path: Path) -> sqlite3.Connection:
    """A connection with mltrack's pragmas, rows addressable by column name."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    apply_pragmas(connection)
    return connection


def open_database(path: Path) -> sqlite3.Connection:
    """Make the database ready (create, upgrade, reseed as needed) and connect to it."""
    prepare_database(path)
    return connect(path)


def prepare_database(path: Path) -> None:
    """Create, upgrade or reseed the database at ``path`` if it needs it, saying so on stderr."""
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
        return FileInfo(FileState.CURRENT, digest)
    if revision in KNOWN_REVISIONS or revision == "":
        return FileInfo(FileState.BEHIND)
    raise DatabaseError(
        f"{path} has schema revision {revision!r}, which this mltrack does not know: "
        "it was made by a newer mltrack (upgrade mltrack) or by another application"
    )


def backup_file(path: Path) -> Path:
    """Copy the database beside itself with a timestamp, using SQLite's online backup."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.{stamp}.bak")
    source = sqlite3.connect(path)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target


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
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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
