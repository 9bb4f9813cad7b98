"""The one place that turns a ``--db`` value into a reader, a writer or an ORM session.

A plain path is a SQLite file, opened with the standard library's sqlite3 (a read command never
imports SQLAlchemy); a SQLAlchemy URL (``postgresql+psycopg://user@host/db``) is a server,
reached through SQLAlchemy ``text()`` on a pooled engine. Every query and every journal write is
the same portable SQL with ``:name`` parameters on both.

Dialect policy: what each engine does its own way, and nowhere else.

- Write isolation. SQLite: one ``BEGIN IMMEDIATE`` transaction per command takes the file's
  single write lock up front (a deferred transaction that reads, then writes, fails under a
  second writer). PostgreSQL: READ COMMITTED, and every change first locks its learner's row
  (``SELECT ... FOR UPDATE`` in ``Writer.lock_learner``, called by ``services.journal.record``
  and ``rebuild``). The journal is checked per learner (a subject's timeline, the learner's day
  summary), so per-learner serialisation is exactly what the rule function needs, lets
  different learners write at once, and never fails with a serialisation error that would need
  a retry loop around a whole command.
- New row ids. SQLite: ``cursor.lastrowid``; PostgreSQL: ``INSERT ... RETURNING id``
  (``Writer.insert``).
- Booleans. Written as ``TRUE``/``FALSE`` or bound Python bools, never ``1``/``0`` literals,
  which PostgreSQL refuses for a boolean column; read as truthy values.
- Parameters. sqlite3 takes an untyped parameter anywhere (``:step IS NULL``); on
  PostgreSQL they are bound client-side (psycopg's ``ClientCursor``) for the same effect,
  rather than a cast in every query (``store.orm.make_server_engine``).
- Dates. Bound as ISO text (PostgreSQL infers the column's type); read back through
  ``queries.reader.as_date``, as sqlite3 returns text and psycopg a ``date``.
- Text search. Item lookup matches slugs and titles with portable ``LIKE``/``lower()`` in SQL
  and ``core.matching`` in Python. ``mltrack search`` is one query function
  (``queries.notes``): FTS5 with bm25 on SQLite (a plain ``LIKE`` table where FTS5 is
  missing), ``to_tsvector('simple')`` and ``ts_rank`` on PostgreSQL.
- Schema checks. SQLite: ``sqlite_master`` and ``pragma_table_info`` (start-up's file check,
  ``doctor``); PostgreSQL: ``information_schema`` (``queries.health.learner_item_tables_sql``)
  and the ``alembic_version`` row (``services.migrate.prepare_server``).
- Migrations. The same Alembic scripts; ``render_as_batch`` (table rebuilds) on SQLite only;
  statements that exist on one engine only (pragmas, row-level security policies) are guarded
  by ``op.get_bind().dialect.name``.
- File operations (``backup``, ``restore``, ``doctor --repair``'s copy-aside) are SQLite's:
  on a server that is the owner's ``pg_dump``.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mltrack.store.paths import is_database_url

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from mltrack.queries.reader import Reader, SqlAlchemyWriter, SqliteWriter

_ENGINES: dict[str, "Engine"] = {}


def server_engine(url: str) -> "Engine":
    """The pooled engine for a database URL, one per process and URL."""
    engine = _ENGINES.get(url)
    if engine is None:
        from mltrack.store.orm import make_server_engine

        engine = _ENGINES[url] = make_server_engine(url)
    return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and the end of a long-running process)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def open_reader(db: str, checked: "sqlite3.Connection | None" = None) -> "Reader":
    """A read executor on the database ``db`` names; the caller closes ``reader.connection``.
    On a server the whole command reads one snapshot (REPEATABLE READ). ``checked`` is the
    read-only connection start-up checked the file through (``startup.open_prepared``),
    read through when given."""
    if checked is not None:
        from mltrack.queries.reader import SqliteReader

        return SqliteReader(checked)
    if is_database_url(db):
        from mltrack.queries.reader import SqlAlchemyReader

        connection = server_engine(db).connect()
        return SqlAlchemyReader(connection.execution_options(isolation_level="REPEATABLE READ"))
    from mltrack.queries.reader import SqliteReader
    from mltrack.store.db import connect

    return SqliteReader(connect(db))


@contextmanager
def open_writer(db: str) -> Iterator["SqliteWriter | SqlAlchemyWriter"]:
    """The write executor on ``db`` in one transaction, committed if the block succeeds."""
    store: Any
    if is_database_url(db):
        from mltrack.queries.reader import SqlAlchemyWriter

        store = SqlAlchemyWriter(server_engine(db).connect())
    else:
        from mltrack.queries.reader import SqliteWriter
        from mltrack.store.db import connect

        store = SqliteWriter(connect(db))
    try:
        with store.transaction():
            yield store
    finally:
        store.connection.close()


@contextmanager
def open_session(db: str) -> Iterator["Session"]:
    """An ORM session in one transaction (import and administration)."""
    if is_database_url(db):
        from sqlalchemy.orm import Session

        with Session(server_engine(db)) as session, session.begin():
            yield session
        return
    from pathlib import Path

    from mltrack.store.orm import write_session

    with write_session(Path(db)) as session:
        yield session
