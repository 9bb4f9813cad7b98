"""Alembic environment: runs on the caller's Connection or Engine when given one (in
``config.attributes["connection"]``, as mltrack and pytest-alembic pass it), else on MLTRACK_DB."""

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Engine

from mltrack.models import Base
from mltrack.store.search import not_search_index

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def run_on(connection) -> None:  # type: ignore[no-untyped-def]
    # render_as_batch: SQLite cannot ALTER most things, so changes rebuild the table; other
    # engines ALTER in place.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=not_search_index,  # derived data, no model's: see mltrack.store.search
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if isinstance(connectable, Engine):
        # An Engine (pytest-alembic's fixture passes one): a connection of its own, committed.
        with connectable.begin() as connection:
            run_on(connection)
        return
    if connectable is not None:
        run_on(connectable)
        return
    # From a checkout (`alembic upgrade head`): the database mltrack itself would use.
    from mltrack.store.orm import make_engine
    from mltrack.store.paths import resolve_db_path

    path = resolve_db_path(None)
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path, foreign_keys=False)  # as mltrack migrates: see apply_pragmas
    with engine.begin() as connection:
        run_on(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("mltrack migrations run online only (SQLite and PostgreSQL DDL differ)")
run_migrations_online()
