"""Backing the database up and restoring it from a backup.

Every file this module makes is built completely under a temporary name in the folder it ends
up in (``tempfile.mkstemp``: created exclusively, never a predictable name), checked, flushed to
disk, and only then given its name; the learner's database is not touched before that moment.
Standard library only.
"""

import errno
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from mltrack.core.errors import DatabaseError
from mltrack.store.db import (
    SQLITE_HEADER,
    busy_timeout_ms,
    connect_read_only,
    disk_full,
    explain,
    integrity_problems,
)
from mltrack.store.files import FileState, check_writable, inspect_file, regular_file
from mltrack.store.schema import SchemaMismatch, check_schema

COMPANIONS = ("-wal", "-shm", "-journal")


def backup_file(path: Path, directory: Path | None = None) -> Path:
    """A consistent copy of the mltrack database at ``path``, beside it or in ``directory``
    (created if need be), named with the time; DatabaseError if there is no such database.

    SQLite's online backup API copies a state that was committed, even while other processes
    write. The copy is one self-contained file (rollback journal, not WAL), so it can be read
    where nothing can be written, e.g. on read-only media. It gets its name only once complete.
    """
    if inspect_file(path).state is FileState.NEW:
        raise DatabaseError(f"there is no database at {path} to back up")
    folder = directory or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    with _temporary(folder, path.name) as temporary:
        try:
            source = connect_read_only(path)
            try:
                _copy_database(source, temporary)
            finally:
                source.close()
        except sqlite3.Error as error:
            raise DatabaseError(_why(error, temporary, f"could not back up {path}")) from None
        return _link_unique(temporary, _backup_name(path, directory))


def restore_file(source: Path, target: Path) -> Path | None:
    """Replace the database at ``target`` with the mltrack database ``source``.

    ``source`` is checked first (a regular file, an mltrack database of a known revision with
    exactly that revision's schema, sound). The new database is built in a temporary file
    beside ``target``, checked again and flushed to disk; then, holding an exclusive lock on
    the live database (refused while another program has it open), its WAL is checkpointed
    away, the live file is kept under a ``.bak`` name (a hard link: its bytes untouched) and
    the new file renamed over it in one step. Returns the kept file's name (None if there was
    no database). On any failure the database is left exactly as it was.
    """
    target = Path(os.path.realpath(target))  # a symbolic link: replace the file it names
    if not regular_file(source, "a backup file"):
        raise DatabaseError(f"{source} is empty or missing, not an mltrack database")
    if regular_file(target) and os.path.samefile(source, target):
        raise DatabaseError(f"{source} is the database itself")
    check_writable(target)
    info = inspect_file(source)
    if info.state is FileState.NEW:
        raise DatabaseError(f"{source} is empty or missing, not an mltrack database")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(target.parent, target.name) as temporary:
        _build_checked_copy(source, temporary, info.revision or "")
        with _exclusive(target):
            kept = _keep_replaced(target)
            try:
                os.replace(temporary, target)
            except OSError as error:
                if kept is not None:
                    kept.unlink(missing_ok=True)
                raise DatabaseError(
                    f"could not put the restored database in place ({error.strerror}); "
                    f"{target} is unchanged"
                ) from None
            _sync_folder(target.parent)
    return kept


def _build_checked_copy(source: Path, temporary: Path, revision: str) -> None:
    """Copy ``source`` into ``temporary`` and check the copy: sound, the revision's schema."""
    what = f"could not restore {source}"
    try:
        reader = connect_read_only(source)
        try:
            problems = integrity_problems(reader)
            if problems:
                raise DatabaseError(f"{source} is damaged: {problems[0]}")
            _copy_database(reader, temporary)
        finally:
            reader.close()
        copy = sqlite3.connect(temporary)
        try:
            problems = integrity_problems(copy)
            if problems:
                raise DatabaseError(f"{what}: the copy is damaged ({problems[0]})")
            check_schema(copy, revision)
        finally:
            copy.close()
    except SchemaMismatch as mismatch:
        raise DatabaseError(_mismatch_line(source, mismatch)) from None
    except sqlite3.Error as error:
        raise DatabaseError(_why(error, temporary, what)) from None
    except OSError as error:
        raise DatabaseError(_why_os(error, temporary, what)) from None
    _sync_file(temporary)


def _mismatch_line(source: Path, mismatch: SchemaMismatch) -> str:
    more = len(mismatch.problems) - 1
    return (
        f"{source} does not have the schema of revision {mismatch.revision or 'base'} "
        f"({mismatch.problems[0]}{f', and {more} more' if more else ''}); not restored"
    )


def _copy_database(source: sqlite3.Connection, temporary: Path) -> None:
    """SQLite's backup of ``source`` into the (empty) file ``temporary``: one self-contained
    file in rollback-journal mode, flushed to disk."""
    copy = sqlite3.connect(temporary)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
    finally:
        copy.close()
    _sync_file(temporary)


@contextmanager
def _temporary(folder: Path, name: str) -> Iterator[Path]:
    """A new, empty file of our own in ``folder`` (created exclusively, an unguessable
    name), removed afterwards unless it was renamed; SQLite's files beside it go too."""
    try:
        handle, made = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise DatabaseError(_why_os(error, folder / name, f"cannot write in {folder}")) from None
    os.close(handle)
    temporary = Path(made)
    try:
        yield temporary
    finally:
        for suffix in ("", *COMPANIONS):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)


@contextmanager
def _exclusive(target: Path) -> Iterator[None]:
    """Hold the live database so that nothing reads or writes it while it is replaced.

    The switch out of WAL mode needs every other connection closed (each holds a shared
    lock while it has the file open), checkpoints the WAL into the file and removes the
    -wal and -shm files; the exclusive locking mode then keeps the lock until we close.
    A file SQLite cannot read (damaged, not a database) is not locked: it is kept as it is.
    """
    if not _is_sqlite_file(target):
        yield
        return
    connection = sqlite3.connect(target, isolation_level=None, timeout=busy_timeout_ms() / 1000)
    try:
        try:
            connection.execute("PRAGMA locking_mode = EXCLUSIVE")
            mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            connection.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
                connection.close()
                yield  # damaged: kept as it is, with its -wal and -shm
                return
            if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise DatabaseError(
                    f"{target} is in use by another program (waited "
                    f"{busy_timeout_ms() / 1000:g} s): close it and restore again; "
                    "the database is unchanged"
                ) from None
            raise DatabaseError(_why(error, target, "could not lock the database")) from None
        wal = Path(f"{target}-wal")
        if mode != "delete" or (wal.exists() and wal.stat().st_size):
            raise DatabaseError(
                f"{target} is in use by another program (its WAL could not be checkpointed): "
                "close it and restore again; the database is unchanged"
            )
        Path(f"{target}-shm").unlink(missing_ok=True)
        yield
    finally:
        connection.close()


def _is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except FileNotFoundError:
        return False


def _keep_replaced(path: Path) -> Path | None:
    """Keep the file about to be replaced under a ``.bak`` name: a second name for the same
    bytes (a hard link), and any -wal/-shm/-journal of a file SQLite could not lock moved
    beside it. None when there is nothing worth keeping."""
    if not path.exists():
        return None
    if path.stat().st_size == 0:
        return None
    kept = _link_unique(path, _backup_name(path))
    for suffix in COMPANIONS:
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            companion.replace(Path(f"{kept}{suffix}"))
    return kept


def _link_unique(existing: Path, wanted: Path) -> Path:
    """Give ``existing`` the name ``wanted``, numbered (``...-1.bak``) when that name is taken:
    a hard link, so that no file is ever overwritten; a copy where links are not supported."""
    candidate, number = wanted, 0
    while True:
        try:
            os.link(existing, candidate)
            _sync_folder(candidate.parent)
            return candidate
        except FileExistsError:
            number += 1
            candidate = wanted.with_name(f"{wanted.stem}-{number}{wanted.suffix}")
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                raise DatabaseError(
                    _why_os(error, candidate, f"cannot write {candidate}")
                ) from None
            return _copy_unique(existing, candidate)


def _copy_unique(existing: Path, candidate: Path) -> Path:
    while True:
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            candidate = candidate.with_name(f"{candidate.stem}-x{candidate.suffix}")
    try:
        with os.fdopen(handle, "wb") as out, existing.open("rb") as source:
            while chunk := source.read(1 << 20):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        candidate.unlink(missing_ok=True)
        raise DatabaseError(_why_os(error, candidate, f"cannot write {candidate}")) from None
    return candidate


def _sync_file(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (where the file system allows it)."""
    with suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _why(error: sqlite3.Error, path: Path, what: str) -> str:
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL or disk_full(path.parent):
        reason = f"disk full in {path.parent}"
    else:
        reason = explain(error, path) or str(error)
    return f"{what}: {reason}; nothing was changed (the partial copy was removed)"


def _why_os(error: OSError, path: Path, what: str) -> str:
    if error.errno == errno.ENOSPC or disk_full(path.parent):
        reason = f"disk full in {path.parent}"
    elif error.errno in (errno.EACCES, errno.EPERM):
        reason = f"permission denied on {error.filename or path.parent}"
    else:
        reason = error.strerror or str(error)
    return f"{what}: {reason}; nothing was changed (the partial copy was removed)"


def _backup_name(path: Path, directory: Path | None = None) -> Path:
    """``mltrack.db.20261125T221218.bak`` beside ``path`` or in ``directory``; numbered
    (``...-1.bak``) by ``_link_unique`` when that name is taken."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    return (directory or path.parent) / f"{path.name}.{stamp}.bak"
