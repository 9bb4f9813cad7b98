"""Where the database lives: ``--db`` beats ``MLTRACK_DB`` beats the per-user data directory."""

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type names only: pathlib (and urllib, ipaddress) costs every command ~3 ms
    from pathlib import Path

DB_ENV = "MLTRACK_DB"
LEARNER_ENV = "MLTRACK_LEARNER"
DB_FILENAME = "mltrack.db"
DEFAULT_LEARNER = "me"  # the profile created with the database


def default_db_path() -> "Path":
    """The database in the platform's user data directory (e.g. ~/.local/share/mltrack)."""
    from platformdirs import user_data_path  # imported here: only needed without --db/env

    return user_data_path("mltrack", appauthor=False) / DB_FILENAME


def is_database_url(value: str) -> bool:
    """Whether a ``--db`` value names a database server by SQLAlchemy URL
    (``postgresql+psycopg://...``) rather than a SQLite file (a plain path)."""
    scheme, found, _ = value.partition("://")
    return bool(found) and scheme.replace("+", "").isalnum()


def resolve_db_file(option: str | None) -> str:
    """The database path as a string, without pathlib: from the ``--db`` option, then
    ``MLTRACK_DB`` (``~`` expanded, spelled as ``Path`` would: no trailing or doubled ``/``,
    no ``.`` parts), then the default (platformdirs, which imports pathlib itself). A database
    URL is returned as it is."""
    chosen = option or os.environ.get(DB_ENV)
    if not chosen:
        return str(default_db_path())
    if is_database_url(chosen):
        return chosen
    return _as_pathlib_spells(os.path.expanduser(chosen))


def resolve_db_path(option: str | None) -> "Path":
    """The database path from the ``--db`` option, then ``MLTRACK_DB``, then the default."""
    from pathlib import Path

    return Path(resolve_db_file(option))


def _as_pathlib_spells(path: str) -> str:
    """``str(Path(path))`` on POSIX without importing pathlib: empty and ``.`` parts dropped
    (``..`` kept), one leading ``/`` (two kept, as POSIX allows), no trailing one."""
    if os.sep != "/":  # pragma: no cover - Windows spells paths its own way
        from pathlib import Path

        return str(Path(path))
    head = (
        "//"
        if path.startswith("//") and not path.startswith("///")
        else ("/" if path.startswith("/") else "")
    )
    parts = [part for part in path.split("/") if part not in ("", ".")]
    return head + "/".join(parts) or "."
