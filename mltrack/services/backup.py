"""Backing the database up and restoring it from a backup."""

import sqlite3
from datetime import datetime
from pathlib import Path

from mltrack.core.errors import DatabaseError
from mltrack.store.db import BUSY_TIMEOUT_MS, connect_read_only, integrity_problems
from mltrack.store.files import FileState, check_writable, inspect_file


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
