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
    seed = load_seed()
    engine = make_engine(path, foreign_keys=False)
    try:
        with engine.begin() as connection:
            if migrate:
                command.upgrade(alembic_config(connection), "head")
            with Session(bind=connection) as session:
                summary = apply_seed(session, seed)
                session.flush()
            check_foreign_keys(connection.connection.driver_connection)  # type: ignore[arg-type]
        return summary
    finally:
        engine.dispose()


def check_foreign_keys(connection: sqlite3.Connection) -> None:
    """Raise DatabaseError if any row points at a row that does not exist."""
    broken = foreign_key_problems(connection)
    if broken:
        raise DatabaseError(f"{len(broken)} broken reference(s), e.g. {broken[0]}")
