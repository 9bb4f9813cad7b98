"""Connections to the database file and SQLite's pragmas: the bottom of the house.

Standard library only and importing nothing of mltrack, so that every layer may use it and a
read command never pays for SQLAlchemy or Alembic. SQLite-only pragmas live here and nowhere
else.
"""

import os
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # paths arrive as str or Path; pathlib (urllib, ipaddress) costs ~3 ms
    from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
SEED_DIGEST_KEY = "seed_digest"  # the meta row naming the seed the database holds
BUSY_TIMEOUT_MS = 10_000
BUSY_TIMEOUT_ENV = "MLTRACK_BUSY_TIMEOUT"  # milliseconds to wait for another program's lock
FULL_BELOW = 64 * 1024  # free bytes under which a failed write is put down to a full disk


def busy_timeout_ms() -> int:
    """How long to wait for a lock another program holds: ``MLTRACK_BUSY_TIMEOUT`` (ms), else
    ten seconds."""
    value = os.environ.get(BUSY_TIMEOUT_ENV, "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def apply_pragmas(connection: sqlite3.Connection, foreign_keys: bool = True) -> None:
    """Per-connection settings: WAL, a busy timeout, and enforced foreign keys.

    Migrations run with foreign keys off, as SQLite's table-rebuild procedure requires (a
    rebuilt table is dropped and renamed), and check them with ``check_foreign_keys`` instead.
    """
    connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    # Functions in triggers and views the file defines are not run (there should be none).
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")


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


def connect(path: "str | Path") -> sqlite3.Connection:
    """A connection with mltrack's pragmas, rows addressable by column name."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.row_factory = sqlite3.Row
    apply_pragmas(connection)
    return connection


def connect_read_only(path: "str | Path") -> sqlite3.Connection:
    """A connection that cannot write, so cannot migrate, reseed or repair anything."""
    connection = sqlite3.connect(f"{file_uri(path)}?mode=ro", uri=True, isolation_level=None)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    connection.execute("PRAGMA trusted_schema = OFF")
    return connection


_URI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~/")


def file_uri(path: "str | Path") -> str:
    """``Path(path).resolve().as_uri()`` without pathlib or urllib: the absolute path, symbolic
    links resolved, every byte but unreserved ones and ``/`` percent-encoded."""
    absolute = os.fsencode(os.path.realpath(path))
    quoted = "".join(chr(b) if b in _URI_SAFE else f"%{b:02X}" for b in absolute)
    return "file://" + quoted


def read_meta(connection: sqlite3.Connection, key: str) -> str | None:
    """The value stored under ``key`` in the ``meta`` table, if any."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def explain(error: sqlite3.Error, path: "str | Path") -> str | None:
    """What an SQLite error means for the learner, in one line naming the file or folder:
    locked, disk full, permission denied, or damaged (only when SQLite says the file is);
    None for any other error (a constraint, a bug), which the caller words itself."""
    from pathlib import Path  # a failure only

    path = Path(path)
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    folder = path.parent
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return (
            f"{path} is locked by another program (waited {busy_timeout_ms() / 1000:g} s, the "
            f"busy timeout; set {BUSY_TIMEOUT_ENV} in milliseconds to wait longer)"
        )
    if code == sqlite3.SQLITE_FULL or (code in _WRITE_FAILURES and disk_full(folder)):
        return f"disk full: no space left to write {path} or the files beside it ({error})"
    if code in _WRITE_FAILURES:
        denied = next((p for p in (folder, path) if p.exists() and not _accessible(p)), None)
        if denied is not None:
            return f"permission denied on {denied} ({error})"
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return f"{path} is damaged or not a complete SQLite file ({error})"
    return None


_WRITE_FAILURES = (
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_AUTH,
)


def disk_full(folder: "str | Path") -> bool:
    """Whether the file system holding ``folder`` has (next to) no space left."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize < FULL_BELOW


def _accessible(path: "Path") -> bool:
    wanted = os.R_OK | os.W_OK | (os.X_OK if path.is_dir() else 0)
    return os.access(path, wanted)
