"""Argument types and options shared by several commands. Light: imported at command load."""

from __future__ import annotations  # Path is named in annotations only, see below

import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from mltrack.core.dates import (
    parse_date,
    parse_days,
    parse_duration,
    parse_hours,
    parse_week_goal,
)
from mltrack.core.money import parse_amount, parse_currency
from mltrack.core.vocabulary import Vocabulary

if TYPE_CHECKING:  # imported where a file is written: pathlib, with urllib.parse and ipaddress,
    from pathlib import Path  # would cost every read command ~3 ms

    from click.shell_completion import CompletionItem  # imported where completion runs


class ParsedType(click.ParamType):
    """A value read by a pure parser whose ValueError names the accepted formats (exit 2)."""

    parse: Callable[[str], Any]

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):  # a default, already converted
            return value
        try:
            return type(self).parse(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class DateType(ParsedType):
    """A local calendar date: YYYY-MM-DD, today, yesterday or -Nd."""

    name = "date"
    parse = staticmethod(parse_date)


class DurationType(ParsedType):
    """Minutes of one study session: 90m, 2h, 1h30 or 1h30m."""

    name = "duration"
    parse = staticmethod(parse_duration)


NO_WEEK_GOAL = 0  # what ``--goal none`` reads as: a goal is never 0 minutes


class WeekGoalType(ParsedType):
    """Minutes a week: 6h, 90m, 1h30, 1h30m or 4.5h; ``none`` reads as NO_WEEK_GOAL."""

    name = "goal"
    # Click treats a None from ``convert`` as "not given", so "none" is a 0 here.
    parse = staticmethod(lambda text: parse_week_goal(text) or NO_WEEK_GOAL)


class DaysType(ParsedType):
    """A number of days: 30d, 30 or 4w."""

    name = "days"
    parse = staticmethod(parse_days)


class HoursType(ParsedType):
    """An hours estimate: 40 or 12.5, up to the limit."""

    name = "hours"
    parse = staticmethod(parse_hours)


class WholeNumber(click.IntRange):
    """A whole number in a range, in ASCII digits as every number mltrack reads (Click's
    IntRange would take any script's digits, and ``1_000``)."""

    _DIGITS = re.compile(r"[+-]?[0-9]{1,19}")

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not self._DIGITS.fullmatch(value.strip()):
            self.fail(f"{value!r} is not a whole number (digits 0-9)", param, ctx)
        return super().convert(value, param, ctx)


class AmountType(ParsedType):
    """Money as integer cents: 49 or 49.99."""

    name = "amount"
    parse = staticmethod(parse_amount)


class CurrencyType(ParsedType):
    """An ISO 4217 currency code such as USD."""

    name = "currency"
    parse = staticmethod(parse_currency)


def complete_item(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Item slugs for shell completion; never creates or migrates a database."""
    from click.shell_completion import CompletionItem

    from mltrack.core.errors import MltrackError
    from mltrack.queries.lookup import learner_id, slugs_starting
    from mltrack.queries.reader import SqliteReader
    from mltrack.store.db import connect
    from mltrack.store.files import FileState, inspect_file
    from mltrack.store.paths import DEFAULT_LEARNER, resolve_db_file

    root = ctx.find_root().params
    path = resolve_db_file(root.get("db"))
    try:
        if inspect_file(path).state is not FileState.CURRENT:
            return []
        reader = SqliteReader(connect(path))
        learner = learner_id(reader, root.get("learner") or DEFAULT_LEARNER)
        rows = slugs_starting(reader, learner, incomplete.lower())
    except (MltrackError, OSError):
        return []
    from mltrack.render.text import escape

    # Escaped like any text for a terminal: a newline or escape sequence in an imported slug
    # or title cannot add a completion line of its own or reach the terminal.
    return [CompletionItem(escape(slug), help=escape(title)) for slug, title in rows]


item_argument = click.argument("item", metavar="ITEM", shell_complete=complete_item)


def format_option(*formats: str) -> Any:
    """``--format`` (text by default) with ``--json`` as a shorthand for ``--format json``."""

    def decorator(command: Any) -> Any:
        command = click.option(
            "--json", "as_json", is_flag=True, help="Shorthand for --format json."
        )(command)
        return click.option(
            "--format",
            "output_format",
            type=click.Choice(["text", *formats]),
            default="text",
            show_default=True,
            help="Output format.",
        )(command)

    return decorator


weeks_option = click.option(
    "--weeks",
    type=WholeNumber(min=1, max=520),
    default=8,
    show_default=True,
    help="Weeks of activity to chart and to take the pace from.",
)


def wants_json(output_format: str, as_json: bool) -> bool:
    """Whether ``format_option``'s two spellings asked for JSON (``--json``, ``--format json``).

    Commands then import and call their renderer by name, one branch each, so that a command
    loads only the renderer it prints with::

        if wants_json(output_format, as_json):
            from mltrack.render.json import next_json
            click.echo(next_json(result))
        else:
            from mltrack.render.terminal import next_text
            click.echo(next_text(result, styled(), width=width()))
    """
    return as_json or output_format == "json"


def styled() -> bool:
    """Whether text views use colour and block characters: the root's decision (``--color``,
    see ``mltrack.cli.wants_colour``), never the environment read again here."""
    return bool(click.get_current_context().color)


def width() -> int:
    """The columns text views fit their lines to: the terminal's width, read once a run.

    COLUMNS wins, as in ``shutil.get_terminal_size``, and 80 when standard output is not a
    terminal; renderers never read the environment themselves, they are given this.
    """
    meta = click.get_current_context().find_root().meta
    if WIDTH_KEY not in meta:
        from mltrack.render.text import clamp

        meta[WIDTH_KEY] = clamp(terminal_columns())
    return int(meta[WIDTH_KEY])


def terminal_columns() -> int:
    """``shutil.get_terminal_size().columns`` without importing shutil (and with it bz2, lzma
    and fnmatch, ~2 ms): COLUMNS if a positive number, else standard output's terminal, else
    80."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


WIDTH_KEY = "mltrack.width"


class OutputPath(click.ParamType):
    """A file to write: ``-`` means standard output (None); an empty name is refused."""

    name = "file"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | None:
        from pathlib import Path

        if value is None or isinstance(value, Path):
            return value
        if value == "-":
            return None
        if not str(value).strip():
            self.fail("an empty file name; give a path, or - for standard output", param, ctx)
        path = Path(value)
        if path.is_dir():
            self.fail(f"{value} is a directory; give a file name", param, ctx)
        return path


class InputFile(click.ParamType):
    """A file to read: a directory or an empty name is refused here (exit 2); whether it
    exists and can be read is told where it is opened. Not ``click.Path``, whose
    construction looks its name up through gettext (``locale``) in every command of its
    module."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if not str(value).strip():
            self.fail("an empty file name; give the path of a file", param, ctx)
        if os.path.isdir(value):
            self.fail(f"{value} is a directory; give a file", param, ctx)
        return str(value)


output_option = click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=OutputPath(),
    help="Write to FILE (replaced only once complete) instead of standard output (-).",
)


@contextmanager
def closing_iterator(chunks: Iterable[str]) -> Iterator[None]:
    """Close a generator of output when writing stops early (e.g. ``| head`` went away), so
    that the database reads behind it end now rather than at interpreter exit."""
    try:
        yield
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def write_output(target: Path | None, chunks: Iterable[str]) -> None:
    """Write text as it is produced: to standard output, or to ``target``.

    A regular file (or none yet) is written through a temporary file of our own beside it
    (``mkstemp``: an unguessable name, created exclusively), flushed to disk and renamed over
    it, so that a failure half-way never leaves a truncated file in its place. A symbolic link
    is followed: the file it names is replaced, the link stays. A FIFO or a device (``-o
    /dev/null``) is written to directly, never replaced; anything else is refused.
    """
    if target is None:
        with closing_iterator(chunks):
            for chunk in chunks:  # not click.echo: it flushes on every call
                sys.stdout.write(chunk)
            sys.stdout.flush()
        return
    destination, mode = _output_destination(target)
    if mode is not None and not stat.S_ISREG(mode):
        with (
            closing_iterator(chunks),
            destination.open("w", encoding="utf-8", newline="\n") as file,
        ):
            for chunk in chunks:
                file.write(chunk)
        return
    import tempfile
    from pathlib import Path

    handle, name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".tmp",
                                    dir=destination.parent)  # fmt: skip
    temporary = Path(name)
    try:
        with (
            closing_iterator(chunks),
            os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file,
        ):
            for chunk in chunks:
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(mode) if mode is not None else _new_file_mode())
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)


def _output_destination(target: Path) -> tuple[Path, int | None]:
    """The file ``target`` names, symbolic links resolved, and its mode (None if there is no
    file yet); MltrackError for what mltrack will not write to (a socket, a directory)."""
    from pathlib import Path

    from mltrack.core.errors import MltrackError

    destination = Path(os.path.realpath(target))
    try:
        mode = destination.stat().st_mode
    except FileNotFoundError:
        return destination, None
    if stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return destination, mode
    kind = "a directory" if stat.S_ISDIR(mode) else "a socket" if stat.S_ISSOCK(mode) else ""
    raise MltrackError(
        f"{target} is {kind or 'not a regular file'}: mltrack writes to a regular file, a FIFO, "
        "a device or - (standard output)"
    )


def _new_file_mode() -> int:
    """The mode ``open()`` would give a new file: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def choice_of(enum: type[Vocabulary]) -> click.Choice:
    """A choice among the values of a vocabulary enum (the command receives plain text)."""
    return click.Choice([member.value for member in enum])


class EntryId(click.ParamType):
    """A journal entry's id as history shows it: ``#42`` or ``42``."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        text = str(value).strip().removeprefix("#")
        if not text.isdigit() or int(text) == 0:
            self.fail(f"{value!r} is not an entry id such as #42 (see mltrack history)", param, ctx)
        return int(text)
