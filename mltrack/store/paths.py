"""Where the database lives: ``--db`` beats ``MLTRACK_DB`` beats the per-user data directory."""

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # type names only: pathlib (and urllib, ipaddress) costs every command ~3 ms
    from pathlib import Path

DB_ENV = "MLTRACK_DB"
LEARNER_ENV = "MLTRACK_LEARNER"
APP_NAME = "mltrack"  # the folder of the user data directory
DB_FILENAME = "mltrack.db"
DEFAULT_LEARNER = "me"  # the profile created with the database


def default_db_path() -> "Path":
    """The database in the platform's user data directory (e.g. ~/.local/share/mltrack)."""
    from pathlib import Path

    return Path(default_db_file())


def default_db_file() -> str:
    """``default_db_path()`` as a string. On Linux and the other XDG systems it follows the XDG
    Base Directory rule itself (``$XDG_DATA_HOME`` when absolute, else ``~/.local/share``),
    as platformdirs does: importing platformdirs pulls in pathlib, tempfile, shutil and the
    compression modules, about 5 ms on every command that uses the default database.
    Elsewhere, or with a HOME that is not absolute, platformdirs decides."""
    home = os.environ.get("HOME", "")
    if sys.platform in ("darwin", "win32", "cygwin") or not os.path.isabs(home):
        from platformdirs import user_data_path

        return str(user_data_path(APP_NAME, appauthor=False) / DB_FILENAME)
    data = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(data):
        data = os.path.expanduser("~/.local/share")  # HOME, as platformdirs expands it
    return _as_pathlib_spells(os.path.join(data, APP_NAME, DB_FILENAME))


def is_database_url(value: str) -> bool:
    """Whether a ``--db`` value names a database server by SQLAlchemy URL
    (``postgresql+psycopg://...``) rather than a SQLite file (a plain path)."""
    scheme, found, _ = value.partition("://")
    return bool(found) and scheme.replace("+", "").isalnum()


def resolve_db_file(option: str | None) -> str:
    """The database path as a string, without pathlib: from the ``--db`` option, then
    ``MLTRACK_DB`` (``~`` expanded, spelled as ``Path`` would: no trailing or doubled ``/``,
    no ``.`` parts), then the default (``default_db_file``). A database
    URL is returned as it is."""
    chosen = option or os.environ.get(DB_ENV)
    if not chosen:
        return default_db_file()
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
