"""Connections to the database file and SQLite's pragmas: the bottom of the house.

Standard library only and importing nothing of mltrack, so that every layer may use it and a
read command never pays for SQLAlchemy or Alembic. SQLite-only pragmas live here and nowhere
else.
"""

import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
SEED_DIGEST_KEY = "seed_digest"  # the meta row naming the seed the database holds
BUSY_TIMEOUT_MS = 10_000


def apply_pragmas(connection: sqlite3.Connection, foreign_keys: bool = True) -> None:
    """Per-connection settings: WAL, a busy timeout, and enforced foreign keys.

    Migrations run with foreign keys off, as SQLite's table-rebuild procedure requires (a
    rebuilt table is dropped and renamed), and check them with ``check_foreign_keys`` instead.
    """
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
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


def read_meta(connection: sqlite3.Connection, key: str) -> str | None:
    """The value stored under ``key`` in the ``meta`` table, if any."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None
