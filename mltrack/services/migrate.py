"""Creating and upgrading the database with Alembic; imported only when that work is due."""

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from mltrack.core.errors import DatabaseError
from mltrack.formats.seed_format import load_seed
from mltrack.services.backup import backup_file
from mltrack.services.seeding import SeedSummary, apply_seed
from mltrack.store.db import foreign_key_problems
from mltrack.store.orm import make_engine


def migrations_dir() -> Path:
    """The Alembic scripts (the top-level ``migrations/`` of a checkout)."""
    import mltrack.migrations

    return Path(mltrack.migrations.__file__).parent


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config built in code; env.py runs on ``connection`` when one is given."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def create_database(path: Path) -> SeedSummary:
    """Create the schema and seed the pathway, all in one transaction."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return _migrate_and_seed(path)


def upgrade_database(path: Path) -> Path:
    """Back the file up beside itself, then upgrade it to the newest revision and reseed."""
    backup = backup_file(path)
    _migrate_and_seed(path)
    return backup


def reseed_database(path: Path) -> SeedSummary:
    """Bring the pathway in the database in line with the seed files."""
    return _migrate_and_seed(path, migrate=False)


def _migrate_and_seed(path: Path, migrate: bool = True) -> SeedSummary:
    """Upgrade and seed in one transaction, foreign keys off as SQLite's table rebuilds need,
    then check every reference before committing."""
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as connection:
            summary = _upgrade_and_seed(connection, migrate)
            check_foreign_keys(connection.connection.driver_connection)  # type: ignore[arg-type]
        return summary
    finally:
        engine.dispose()


def _upgrade_and_seed(connection: Connection, migrate: bool) -> SeedSummary:
    seed = load_seed()
    if migrate:
        command.upgrade(alembic_config(connection), "head")
    with Session(bind=connection) as session:
        summary = apply_seed(session, seed)
        session.flush()
    return summary


# A database server --------------------------------------------------------------------------
# Its schema is checked in its catalogue and its ``alembic_version`` row (no file to inspect);
# foreign keys are enforced by the server throughout, and there is no file to back up before
# an upgrade (the owner's pg_dump is the backup). Two first runs at once are serialised by an
# advisory lock, so the second finds the database made.
_PREPARE_LOCK = 0x6D6C7472  # "mltr": the advisory lock key of mltrack's create/upgrade/reseed


def prepare_server(url: str) -> list[str]:
    """Create, upgrade or reseed the database at ``url`` if it needs it; one line per thing
    done, as ``startup.prepare_database`` says for a file."""
    from sqlalchemy import text

    from mltrack.formats.seed_files import seed_digest
    from mltrack.services.engines import server_engine
    from mltrack.store.db import SEED_DIGEST_KEY
    from mltrack.store.revisions import HEAD_REVISION, KNOWN_REVISIONS

    engine = server_engine(url)
    shown = engine.url.render_as_string(hide_password=True)
    with engine.connect() as connection:
        revision, digest = _server_state(connection, SEED_DIGEST_KEY)
        connection.rollback()
        if revision == HEAD_REVISION and digest == seed_digest():
            return []
        if revision is not None and revision not in KNOWN_REVISIONS:
            raise DatabaseError(
                f"{shown} was written by a newer mltrack (revision {revision}); upgrade mltrack"
            )
        with connection.begin():
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PREPARE_LOCK})
            revision, digest = _server_state(connection, SEED_DIGEST_KEY)
            if revision == HEAD_REVISION and digest == seed_digest():
                return []  # another first run made it while this one waited
            summary = _upgrade_and_seed(connection, migrate=revision != HEAD_REVISION)
    if revision is None:
        return [f"created a new database at {shown} ({summary})"]
    if revision != HEAD_REVISION:
        return [f"upgraded the database at {shown} ({summary})"]
    return [f"updated the pathway from the new seed files ({summary})"]


def _server_state(connection: Connection, digest_key: str) -> tuple[str | None, str | None]:
    """The database's Alembic revision (None before the first run) and its seed's digest."""
    from sqlalchemy import inspect, text

    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return None, None
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    digest = None
    if "meta" in tables:
        digest = connection.execute(
            text("SELECT value FROM meta WHERE key = :key"), {"key": digest_key}
        ).scalar()
    return revision, digest


def check_foreign_keys(connection: sqlite3.Connection) -> None:
    """Raise DatabaseError if any row points at a row that does not exist."""
    broken = foreign_key_problems(connection)
    if broken:
        raise DatabaseError(f"{len(broken)} broken reference(s), e.g. {broken[0]}")
