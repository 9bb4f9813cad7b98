"""Making the database ready before a command uses it: create, upgrade or reseed it.

Standard library only at import: a read command on a current database pays for nothing more
than the file check. Alembic, SQLAlchemy and the seeding service load only when work is due.
"""

from typing import TYPE_CHECKING

from mltrack.store.files import FileState, check_writable, open_inspected
from mltrack.store.paths import is_database_url

if TYPE_CHECKING:  # a str from every command: pathlib (urllib, ipaddress) costs ~3 ms
    import sqlite3
    from pathlib import Path


# What making the database ready did (one line each), and the read-only connection its check
# read through when it found the file current and left it as it was (None otherwise). A plain
# tuple: every command takes one, and a NamedTuple class costs its creation at import.
Prepared = tuple[list[str], "sqlite3.Connection | None"]


def prepare_database(path: "str | Path") -> list[str]:
    """Create, upgrade or reseed the database at ``path`` if it needs it; returns one line per
    thing done on the learner's behalf, for the CLI to report. ``path`` may be a database URL
    (see ``services.engines``)."""
    notices, connection = open_prepared(path)
    if connection is not None:
        connection.close()
    return notices


def open_prepared(path: "str | Path") -> Prepared:
    """``prepare_database``, keeping the checked read-only connection open for a read command
    when there was nothing to do: it reads the file it checked, and SQLite parses the schema
    once per command instead of twice."""
    if is_database_url(str(path)):
        from mltrack.services.migrate import prepare_server

        return prepare_server(str(path)), None
    check_writable(path)
    info, connection = open_inspected(path)
    if info.state is FileState.NEW:
        from pathlib import Path

        from mltrack.services.migrate import create_database

        summary = create_database(Path(path))
        return [f"created a new database at {path} ({summary})"], None
    notices = []
    if info.state is FileState.BEHIND:
        from pathlib import Path

        from mltrack.services.migrate import upgrade_database

        backup = upgrade_database(Path(path))
        notices.append(f"upgraded the database at {path}; the previous file is kept as {backup}")
    from mltrack.formats.seed_files import seed_digest

    if info.seed_digest != seed_digest():
        if connection is not None:
            connection.close()
            connection = None
        from pathlib import Path

        from mltrack.services.migrate import reseed_database

        summary = reseed_database(Path(path))
        notices.append(f"updated the pathway from the new seed files ({summary})")
    return notices, connection
