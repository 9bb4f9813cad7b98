"""What every command shares: which database and learner, opened the cheap way for reads."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mltrack.paths import resolve_db_path

if TYPE_CHECKING:  # type names only: importing these at run time would slow every start-up
    from sqlalchemy.orm import Session

    from mltrack.queries.reader import SqliteReader


@dataclass
class App:
    db_option: str | None
    learner: str
    _reader: "SqliteReader | None" = field(default=None, repr=False)

    @cached_property
    def path(self) -> Path:
        return resolve_db_path(self.db_option)

    def reader(self) -> "SqliteReader":
        """A read connection (standard library sqlite3), the database made ready first."""
        if self._reader is None:
            from mltrack.db import open_database
            from mltrack.queries.reader import SqliteReader

            self._reader = SqliteReader(open_database(self.path))
        return self._reader

    def close(self) -> None:
        """Close the read connection, if one was opened (called when the command ends)."""
        if self._reader is not None:
            self._reader.connection.close()
            self._reader = None

    def learner_id(self) -> int:
        from mltrack.queries.lookup import learner_id

        return learner_id(self.reader(), self.learner)

    @contextmanager
    def writer(self) -> Iterator["Session"]:
        """An ORM session in one BEGIN IMMEDIATE transaction, committed if the block succeeds."""
        from mltrack.db import prepare_database
        from mltrack.session import write_session

        prepare_database(self.path)
        with write_session(self.path) as session:
            yield session


pass_app = click.make_pass_decorator(App)
