"""What every command shares: its Click classes, and which database and learner, opened the
cheap way for reads."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

import click

from mltrack.store.paths import resolve_db_file

if TYPE_CHECKING:  # type names only: importing these at run time would slow every start-up
    from pathlib import Path

    from sqlalchemy.orm import Session

    from mltrack.queries.reader import Reader, SqlAlchemyWriter, SqliteWriter


HELP_TEXT = "Show this message and exit."


class PlainHelp:
    """A help option built without gettext. Click's own looks its help text up in the
    message catalogues each time a command runs, and the first lookup imports ``locale``:
    about a millisecond of every command, for a text mltrack shows in English only."""

    _plain_help: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """The ``-h``/``--help`` option, one object per command (Click orders the eager
        options by identity)."""
        names = self.get_help_option_names(ctx)  # type: ignore[attr-defined]
        if not names or not self.add_help_option:  # type: ignore[attr-defined]
            return None
        if self._plain_help is None:
            self._plain_help = click.Option(
                names, is_flag=True, expose_value=False, is_eager=True,
                callback=_show_help, help=HELP_TEXT,
            )  # fmt: skip
        return self._plain_help


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


class Command(PlainHelp, click.Command):
    """Every mltrack command: ``@click.command(cls=Command)``."""


class Group(PlainHelp, click.Group):
    """Every mltrack group of commands: ``@click.group(cls=Group)``; its commands are
    ``Command``s."""

    command_class = Command


class App:
    """The root options every command receives (a plain class: ``--help`` and completion
    load this module, and a dataclass would cost them the ``dataclasses`` import)."""

    def __init__(self, db_option: str | None, learner: str) -> None:
        self.db_option = db_option
        self.learner = learner
        self._reader: Reader | None = None

    @cached_property
    def db_file(self) -> str:
        """The database path as a string: what reads and daily writes open, without pathlib
        (whose import, with urllib.parse and ipaddress, would cost every command ~3 ms)."""
        return resolve_db_file(self.db_option)

    @cached_property
    def path(self) -> "Path":
        """The database path as a ``Path``, for the commands that handle the file itself
        (backup, restore, doctor, seed): refused for a database server, whose files are the
        server's (see the dialect policy in ``services.engines``)."""
        from pathlib import Path

        from mltrack.store.paths import is_database_url

        if is_database_url(self.db_file):
            from mltrack.core.errors import InputError

            raise InputError(
                "this command works on a SQLite file; on a PostgreSQL database the server's "
                "own tools do it (pg_dump for a backup), and the pathway is reloaded on first use"
            )
        return Path(self.db_file)

    def reader(self) -> "Reader":
        """A read connection (standard library sqlite3 on a file, SQLAlchemy on a server), the
        database made ready first."""
        _work_begins()
        if self._reader is None:
            from mltrack.services.engines import open_reader
            from mltrack.services.startup import open_prepared

            notices, checked = open_prepared(self.db_file)
            self._say(notices)
            self._reader = open_reader(self.db_file, checked)
        return self._reader

    def close(self) -> None:
        """Close the read connection, if one was opened (called when the command ends)."""
        if self._reader is not None:
            self._reader.connection.close()  # type: ignore[attr-defined]
            self._reader = None

    def prepare(self) -> None:
        """Create, upgrade or reseed the database if it needs it, saying so on stderr."""
        from mltrack.services.startup import prepare_database

        self._say(prepare_database(self.db_file))

    @staticmethod
    def _say(notices: list[str]) -> None:
        for notice in notices:
            click.echo(f"mltrack: {notice}", err=True)

    def learner_id(self) -> int:
        from mltrack.queries.lookup import learner_id

        return learner_id(self.reader(), self.learner)

    @contextmanager
    def writer(self) -> Iterator["SqliteWriter | SqlAlchemyWriter"]:
        """The write executor in one transaction, committed if the block succeeds: on a file,
        standard library sqlite3 in BEGIN IMMEDIATE (the daily writes never import SQLAlchemy);
        on a server, see the dialect policy in ``services.engines``."""
        _work_begins()
        from mltrack.services.engines import open_writer

        self.prepare()
        with open_writer(self.db_file) as store:
            yield store

    @contextmanager
    def orm_session(self) -> Iterator["Session"]:
        """An ORM session in one transaction (import and administration)."""
        _work_begins()
        from mltrack.services.engines import open_session

        self.prepare()
        with open_session(self.db_file) as session:
            yield session


def _work_begins() -> None:
    """Collect garbage again, leaving out the objects start-up made (see ``cli.main``)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


pass_app = click.make_pass_decorator(App)
