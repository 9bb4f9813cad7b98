"""What kind of file the database path holds, judged without writing to it.

Standard library only: start-up classifies the file on every command.
"""

import os
import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from mltrack.core.errors import DatabaseError
from mltrack.store.db import SEED_DIGEST_KEY, SQLITE_HEADER, connect_read_only, read_meta
from mltrack.store.revisions import HEAD_REVISION, KNOWN_REVISIONS


class FileState(Enum):
    NEW = "new"  # missing, zero bytes, or an SQLite file with no tables: safe to create in
    BEHIND = "behind"  # an mltrack database at an older revision: back up, then upgrade
    CURRENT = "current"


@dataclass(frozen=True)
class FileInfo:
    state: FileState
    seed_digest: str | None = None  # of the seed the database holds, when it is current
    revision: str | None = None  # the stored schema revision ("" at base), if any


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
