"""What kind of file the database path holds, judged without writing to it.

Standard library only: start-up classifies the file on every command.
"""

import os
import sqlite3
import stat
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core.errors import DatabaseError
from mltrack.store.db import (
    SEED_DIGEST_KEY,
    SQLITE_HEADER,
    connect_read_only,
    explain,
    read_meta,
)
from mltrack.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
from mltrack.store.schema import expected_text, schema_text

if TYPE_CHECKING:  # paths arrive as str (every command) or Path; pathlib costs ~3 ms to import
    from pathlib import Path


class FileState(Enum):
    NEW = "new"  # missing, zero bytes, or an SQLite file with no tables: safe to create in
    BEHIND = "behind"  # an mltrack database at an older revision: back up, then upgrade
    CURRENT = "current"


class FileInfo(NamedTuple):  # not a dataclass: every command builds one, and imports it
    state: FileState
    seed_digest: str | None = None  # of the seed the database holds, when it is current
    revision: str | None = None  # the stored schema revision ("" at base), if any


def inspect_file(path: "str | Path", verify_schema: bool = True) -> FileInfo:
    """Classify the file at ``path`` without writing to it; refuse anything not mltrack's:
    a file that is not a regular one (before SQLite opens it), another application's
    database, an unknown revision, or a schema that is not exactly its revision's (an extra
    trigger or view, a missing constraint: see ``mltrack.store.schema``). ``doctor`` leaves
    the schema to its own, fuller check (``verify_schema=False``)."""
    info, connection = open_inspected(path, verify_schema)
    if connection is not None:
        connection.close()
    return info


def open_inspected(
    path: "str | Path", verify_schema: bool = True
) -> tuple[FileInfo, sqlite3.Connection | None]:
    """``inspect_file``, and the read-only connection the check read through, left open when
    the file is current (None otherwise): a read command goes on reading the file it checked,
    through the same connection, and SQLite parses its schema once."""
    if not regular_file(path):
        return FileInfo(FileState.NEW), None
    header = _read_header(path)
    if not header:
        return FileInfo(FileState.NEW), None
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not an SQLite database, so not an mltrack database")
    connection = None
    try:
        connection = connect_read_only(path)
        info = _classify(path, connection, verify_schema)
    except BaseException as error:
        if connection is not None:
            connection.close()
        if isinstance(error, sqlite3.Error):
            raise DatabaseError(explain(error, path) or f"cannot read {path}: {error}") from None
        raise
    if info.state is not FileState.CURRENT:
        connection.close()
        return info, None
    return info, connection


def _classify(path: "str | Path", connection: sqlite3.Connection, verify_schema: bool) -> FileInfo:
    revision, has_tables, digest, schema = _stored_revision(connection)
    if revision is None:
        if has_tables:
            raise DatabaseError(f"{path} is an SQLite database of another application")
        return FileInfo(FileState.NEW)
    if revision != HEAD_REVISION and revision not in KNOWN_REVISIONS and revision != "":
        raise DatabaseError(
            f"{path} has schema revision {revision!r}, which this mltrack does not know: "
            "it was made by a newer mltrack (upgrade mltrack) or by another application"
        )
    expected = expected_text(revision)
    if verify_schema and schema != expected:
        from mltrack.store.schema import differences

        found = differences(schema, expected or "") or ["its schema differs"]
        raise DatabaseError(
            f"{path} does not have the schema of revision {revision or 'base'} "
            f"({found[0]}); mltrack will not use it, and `mltrack doctor` lists every difference"
        )
    if revision == HEAD_REVISION:
        return FileInfo(FileState.CURRENT, digest, revision)
    return FileInfo(FileState.BEHIND, revision=revision)


def file_kind(mode: int) -> str:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def regular_file(path: "str | Path", what: str = "an mltrack database file") -> bool:
    """Whether ``path`` (a symbolic link followed) is a regular file; False when nothing is
    there. DatabaseError for anything else, before anything opens it (opening a FIFO would
    block, and SQLite would create a journal beside a device)."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    except PermissionError:
        raise DatabaseError(f"permission denied on {_nearest_folder(path)}") from None
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from None
    if not stat.S_ISREG(mode):
        raise DatabaseError(f"{path} is {file_kind(mode)}, not {what}")
    return True


def _nearest_folder(path: "str | Path") -> "Path":
    """The folder that denies access on the way to ``path``: the first of its parents, from
    the top, that cannot be searched or read."""
    from pathlib import Path  # a refusal only

    path = Path(path)
    for parent in reversed(path.parents):
        if not os.access(parent, os.X_OK):
            return parent
    return path.parent


def check_writable(path: "str | Path") -> None:
    """Raise DatabaseError unless the database at ``path`` can be written or created: SQLite
    also writes beside it (the -wal and -shm files), so its folder must be writable too."""
    exists = regular_file(path)
    folder = next(parent for parent in _parents(os.fspath(path)) if os.path.exists(parent))
    if not os.path.isdir(folder):
        raise DatabaseError(f"cannot create {path}: {folder} is a file, not a folder")
    for place in (folder, path) if exists else (folder,):
        if not os.access(place, os.W_OK):
            reason = "read-only file system" if _read_only_fs(place) else "permission denied"
            raise DatabaseError(
                f"{reason} on {place}: mltrack needs to write its database and the files "
                "SQLite keeps beside it"
            )


def _parents(path: str) -> Iterator[str]:
    """``Path(path).parents`` as strings, nearest first, without pathlib: ``a/b/c`` gives
    ``a/b``, ``a`` and ``.``; ``/a/b`` gives ``/a`` and ``/``."""
    while path != ".":
        parent = os.path.dirname(path.rstrip(os.sep)) if path.rstrip(os.sep) else path
        if not parent:
            yield "."
            return
        if parent == path:
            return
        yield parent
        path = parent


def _read_only_fs(path: "str | Path") -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _read_header(path: "str | Path") -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"cannot read {path}: {error.strerror}") from None


def _stored_revision(connection: sqlite3.Connection) -> tuple[str | None, bool, str | None, str]:
    """The stored Alembic revision ('' at base, None if no such table), whether the file has
    tables, the digest of the seed it holds, and its schema (``mltrack.store.schema``)."""
    schema = schema_text(connection)
    tables = {line.split("\t", 2)[1] for line in schema.splitlines() if line[:6] == "table\t"}
    if "alembic_version" not in tables:
        return None, bool(tables), None, schema
    # Read only what the schema check will vouch for: a view could stand in for either.
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    digest = read_meta(connection, SEED_DIGEST_KEY) if "meta" in tables else None
    return (row[0] if row else ""), True, digest, schema
