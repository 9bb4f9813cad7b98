"""The write side's SQLAlchemy engine: one short ``BEGIN IMMEDIATE`` transaction per command."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from mltrack.store.db import apply_pragmas


def make_engine(path: Path, foreign_keys: bool = True) -> Engine:
    """An engine whose transactions take the write lock up front.

    A deferred transaction that reads and then writes fails with "database is locked" under a
    second writer whatever the busy timeout, so every transaction begins IMMEDIATE. pysqlite's
    own transaction handling is switched off so that SQLAlchemy's BEGIN is the only one.
    ``foreign_keys=False`` is for migrations only (see ``mltrack.store.db.apply_pragmas``).
    """
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection, foreign_keys)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_server_engine(url: str) -> Engine:
    """A pooled engine on a database server (PostgreSQL through psycopg 3): connections are
    checked before reuse, as a server may close idle ones.

    Parameters are bound client-side (psycopg's ``ClientCursor``, which quotes each value):
    the queries take an optional parameter as sqlite3 does, untyped in any position
    (``:step IS NULL OR s.slug = :step``), where a server-side parameter would need its type
    spelled out in a cast in every query."""
    from mltrack.core.errors import DatabaseError, InputError

    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        raise InputError(
            f"{url.partition('://')[0]}: mltrack runs on a SQLite file (a path) or on PostgreSQL "
            "(postgresql+psycopg://USER@HOST/DATABASE)"
        )
    if url.startswith("postgresql://"):  # the driver mltrack is tested with, not psycopg2
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        from psycopg import ClientCursor

        return create_engine(
            url, pool_pre_ping=True, pool_size=2, max_overflow=8,
            connect_args={"cursor_factory": ClientCursor},
        )  # fmt: skip
    except ImportError as error:  # the driver is an optional extra
        raise DatabaseError(
            f"no driver for {url.partition('://')[0]} ({error.name} is not installed); "
            "install it with: pip install 'mltrack[postgres]'"
        ) from None


@contextmanager
def write_session(path: Path) -> Iterator[Session]:
    """A session in one IMMEDIATE transaction: committed on success, rolled back on error."""
    engine = make_engine(path)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()
