"""Where the database lives: ``--db`` beats ``MLTRACK_DB`` beats the per-user data directory."""

import os
from pathlib import Path

DB_ENV = "MLTRACK_DB"
LEARNER_ENV = "MLTRACK_LEARNER"
DB_FILENAME = "mltrack.db"
DEFAULT_LEARNER = "me"  # the profile created with the database


def default_db_path() -> Path:
    """The database in the platform's user data directory (e.g. ~/.local/share/mltrack)."""
    from platformdirs import user_data_path  # imported here: only needed without --db/env

    return user_data_path("mltrack", appauthor=False) / DB_FILENAME


def resolve_db_path(option: str | None) -> Path:
    """The database path from the ``--db`` option, then ``MLTRACK_DB``, then the default."""
    chosen = option or os.environ.get(DB_ENV)
    return Path(chosen).expanduser() if chosen else default_db_path()
