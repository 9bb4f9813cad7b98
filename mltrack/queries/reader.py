"""Run the read side's SQL: sqlite3 for a SQLite file, SQLAlchemy ``text()`` for anything else.

Every statement is portable SQL with ``:name`` parameters, which both drivers take as they are.
"""

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, Protocol

from mltrack.core.vocabulary import ItemStatus, sql_value

Row = Mapping[str, Any]


class Reader(Protocol):
    def rows(self, sql: str, **params: Any) -> Sequence[Row]: ...

    def stream(self, sql: str, **params: Any) -> Iterator[Row]:
        """The rows one at a time, for results too long to hold in memory."""
        ...

    def snapshot(self) -> AbstractContextManager[None]:
        """A context in which every statement reads the same state of the database."""
        ...


class SqliteReader:
    """Reads through a standard-library connection (rows are ``sqlite3.Row``)."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection):
        connection.row_factory = sqlite3.Row
        self.connection = connection

    def rows(self, sql: str, **params: Any) -> Sequence[Row]:
        return self.connection.execute(sql, params).fetchall()  # type: ignore[return-value]

    def stream(self, sql: str, **params: Any) -> Iterator[Row]:
        yield from self.connection.execute(sql, params)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # In WAL mode a read transaction sees one state however long it lasts, and blocks
        # no writer.
        self.connection.execute("BEGIN")
        try:
            yield
        finally:
            self.connection.execute("COMMIT")


class SqliteWriter(SqliteReader):
    """The same executor for the write side: portable SQL, one ``BEGIN IMMEDIATE``
    transaction per command (a deferred one that reads, then writes, fails with "database is
    locked" under a second writer whatever the busy timeout)."""

    def execute(self, sql: str, **params: Any) -> sqlite3.Cursor:
        return self.connection.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Row]) -> None:
        self.connection.executemany(sql, rows)

    def insert(self, sql: str, **params: Any) -> int:
        """Run one ``INSERT`` into a table with an ``id`` key; the new row's id."""
        row_id = self.connection.execute(sql, params).lastrowid
        assert row_id is not None
        return row_id

    def lock_learner(self, learner_id: int) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already holds the file's one write lock."""

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit what the block wrote, or roll all of it back if the block fails."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


@contextmanager
def borrowed_writer(connection: Any) -> Iterator["SqliteWriter | SqlAlchemyWriter"]:
    """The write executor on a connection someone else owns and keeps in its transaction
    (Alembic's, the ORM session's): no BEGIN or COMMIT here, and its row factory as it was.
    ``connection`` is a standard-library one, or a SQLAlchemy ``Connection`` (on SQLite, its
    driver's connection is used, as the daily writes use it)."""
    if not isinstance(connection, sqlite3.Connection):
        if connection.dialect.name != "sqlite":
            yield SqlAlchemyWriter(connection)
            return
        connection = connection.connection.driver_connection
    row_factory = connection.row_factory
    try:
        yield SqliteWriter(connection)
    finally:
        connection.row_factory = row_factory


class SqlAlchemyReader:
    """Reads through a SQLAlchemy connection: the same SQL, for databases other than SQLite."""

    def __init__(self, connection: Any):
        self.connection = connection
        self.dialect: str = connection.dialect.name

    def rows(self, sql: str, **params: Any) -> Sequence[Row]:
        from sqlalchemy import text

        return [row._mapping for row in self.connection.execute(text(sql), params)]

    def stream(self, sql: str, **params: Any) -> Iterator[Row]:
        from sqlalchemy import text

        # Per statement: ``Connection.execution_options`` would set it on the connection for
        # good, and every later statement (an INSERT too) would go through a server cursor.
        result = self.connection.execute(
            text(sql), params, execution_options={"stream_results": True}
        )
        for row in result:
            yield row._mapping

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.connection.in_transaction():  # one already: the reader's REPEATABLE READ one
            yield
            return
        with self.connection.begin():
            yield


class SqlAlchemyWriter(SqlAlchemyReader):
    """The write executor on a SQLAlchemy connection (PostgreSQL): the same portable SQL as
    ``SqliteWriter``, in a READ COMMITTED transaction in which each change first locks its
    learner's row (``lock_learner``), so one learner's changes are checked and journaled one
    after another while different learners write at once."""

    def execute(self, sql: str, **params: Any) -> Any:
        from sqlalchemy import text

        return self.connection.execute(text(sql), params)

    def executemany(self, sql: str, rows: Sequence[Row]) -> None:
        from sqlalchemy import text

        if rows:
            self.connection.execute(text(sql), list(rows))

    def insert(self, sql: str, **params: Any) -> int:
        """Run one ``INSERT`` into a table with an ``id`` key; the new row's id."""
        return int(self.execute(f"{sql} RETURNING id", **params).scalar_one())

    def lock_learner(self, learner_id: int) -> None:
        """Wait for, then hold until commit, the lock on the learner's row."""
        self.execute("SELECT id FROM learner WHERE id = :id FOR UPDATE", id=learner_id)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Commit what the block wrote, or roll all of it back if the block fails."""
        if self.connection.in_transaction():  # autobegun by a read: this is the transaction
            self.connection.commit()
        with self.connection.begin():
            yield


# A journal entry's columns as ``core.journal.entry_of`` reads them.
ENTRY_COLUMNS = (
    "id, kind, action, subject, item_id, on_date, recorded_at, data, target_id, group_id"
)
# One subject's unflagged entries in recording order: what the write side checks a change
# against and the read side replays states from, one range of ix_journal_timeline.
SUBJECT_TIMELINE_SQL = f"""
    SELECT {ENTRY_COLUMNS} FROM journal
    WHERE learner_id = :learner_id AND kind = :kind AND subject = :subject AND flag IS NULL
    ORDER BY +id
"""  # +id: sorting the subject's few rows beats walking the learner's every entry by id


def status_of(alias: str = "p") -> str:
    """SQL for an item's status for the learner from its progress row ``alias``: planned
    where the learner has none."""
    return f"COALESCE({alias}.status, {sql_value(ItemStatus.PLANNED)})"


def first(reader: Reader, sql: str, **params: Any) -> Row | None:
    found = reader.rows(sql, **params)
    return found[0] if found else None


def as_date(value: object) -> date:
    """A date column's value: ISO text from SQLite, a ``date`` from other drivers."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
