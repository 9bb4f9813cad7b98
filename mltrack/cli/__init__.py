"""The ``mltrack`` command: a root group that imports a subcommand's module only when it runs.

Start-up imports Click and nothing heavy: each command's short help lives in ``COMMANDS`` so
that ``mltrack --help`` lists them without importing a single command module.
"""

import gc
import os
import sys
from collections.abc import Mapping
from importlib import import_module

import click

from mltrack import __version__
from mltrack.cli.context import App, Group
from mltrack.core.errors import MltrackError
from mltrack.store.paths import DB_ENV, DEFAULT_LEARNER, LEARNER_ENV

# name -> ("module:attribute", short help). A test checks each short help against the command.
COMMANDS: dict[str, tuple[str, str]] = {
    "progress": ("mltrack.cli.progress:progress", "Show how far along the pathway you are."),
    "next": (
        "mltrack.cli.planning:next_",
        "Show the items to take up next, and why each was picked.",
    ),
    "history": (
        "mltrack.cli.activity:history",
        "Show every change you recorded, by date, with its #id.",
    ),
    "stats": (
        "mltrack.cli.activity:stats",
        "Show weekly activity, streaks and a forecast of your finish.",
    ),
    "report": (
        "mltrack.cli.report:report",
        "Write a shareable progress report (md, html, json, csv).",
    ),
    "pathway": ("mltrack.cli.pathway:pathway", "Show the roadmap: steps, areas and items."),
    "whatsnew": (
        "mltrack.cli.pathway:whatsnew",
        "Show what pathway updates added, retitled or retired since you last looked.",
    ),
    "show": ("mltrack.cli.pathway:show", "Show one item: what it is, its status and history."),
    "start": ("mltrack.cli.marks:start", "Mark an item as in progress."),
    "done": ("mltrack.cli.marks:done", "Mark an item as done."),
    "skip": ("mltrack.cli.marks:skip", "Mark an item as skipped (it does not apply to you)."),
    "reset": ("mltrack.cli.marks:reset", "Put an item back to planned."),
    "undo": ("mltrack.cli.marks:undo", "Revert your most recent change."),
    "amend": (
        "mltrack.cli.marks:amend",
        "Correct the date or note of a change you recorded (its #id in history).",
    ),
    "require": ("mltrack.cli.planning:require", "Make an item come after another one, for you."),
    "target": (
        "mltrack.cli.planning:target",
        "Show or set the date you mean to finish the required pathway by.",
    ),
    "week": (
        "mltrack.cli.week:week",
        "Show this week: study time against your weekly goal, what is next.",
    ),
    "learner": ("mltrack.cli.learner:learner", "Manage learner profiles."),
    "cohort": (
        "mltrack.cli.cohort:cohort",
        "Run a cohort on PostgreSQL: one role per learner, a mentor role, row-level security.",
    ),
    "career": (
        "mltrack.cli.career:career",
        "Show the salary and outlook figures, with sources, country and period.",
    ),
    "seed": ("mltrack.cli.seed:seed", "Reload or check the pathway seed files."),
    "cert": (
        "mltrack.cli.certs:cert",
        "Track certification goals: target, enrolment, pass or fail, costs.",
    ),
    "log": ("mltrack.cli.study:log", "Log study time, or list it with --list."),
    "read": (
        "mltrack.cli.study:read",
        "Log continuing education: a blog post, podcast, paper, talk or course.",
    ),
    "project": ("mltrack.cli.projects:project", "Track portfolio projects on real data."),
    "note": ("mltrack.cli.notes:note", "Add a private note to an item, or list your notes."),
    "link": ("mltrack.cli.notes:link", "Add a private link to an item, or list your links."),
    "search": (
        "mltrack.cli.notes:search",
        "Search item titles, the article's quotes, your notes and your link titles.",
    ),
    "add": ("mltrack.cli.items:add", "Add an item of your own to the pathway."),
    "remove": ("mltrack.cli.items:remove", "Remove an item you added (never a shipped one)."),
    "export": ("mltrack.cli.data:export", "Export every learner's data as JSON."),
    "push": (
        "mltrack.cli.sync:push",
        "Send your journal entries that URL lacks to it (one learner: -L, or the current one).",
    ),
    "pull": (
        "mltrack.cli.sync:pull",
        "Fetch the journal entries from URL that this database lacks (one learner).",
    ),
    "import": ("mltrack.cli.data:import_", "Import learner data from an export file."),
    "backup": ("mltrack.cli.data:backup", "Copy the database to a timestamped backup file."),
    "restore": ("mltrack.cli.data:restore", "Restore the database from a backup file."),
    "doctor": ("mltrack.cli.data:doctor", "Check the database for damage and inconsistencies."),
    "review": (
        "mltrack.cli.review:review",
        "List finished items due for review today, or record a review.",
    ),
    "heatmap": (
        "mltrack.cli.insight:heatmap",
        "Show a year of study minutes and finished items, day by day.",
    ),
    "gaps": (
        "mltrack.cli.insight:gaps",
        "Show what is neglected: untouched areas, stalled items, unready goals.",
    ),
    "serve": (
        "mltrack.cli.serve:serve",
        "Show the pathway as a map in your browser, and change it there.",
    ),
}

COLOR_ENV = "MLTRACK_COLOR"
COLOR_CHOICES = ("auto", "always", "never")

EPILOG = """\b
Examples:
  mltrack progress                  how far along you are
  mltrack next                      what to take up next
  mltrack pathway --status planned  what is still ahead
  mltrack done stanford-ml          mark an item done (slug, prefix or title words)
  mltrack undo                      revert the last change

The database lives in your user data directory; --db or MLTRACK_DB points elsewhere.
Set MLTRACK_DEBUG=1 to see a traceback when something fails."""


class LazyGroup(Group):
    """A group whose subcommands are imported on first use (Click's lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in COMMANDS and not ctx.resilient_parsing:
            from difflib import get_close_matches

            close = get_close_matches(name, list(COMMANDS), n=3, cutoff=0.6)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            ctx.fail(f"No such command {name!r}.{hint}")
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        return getattr(import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, short) for name, (_, short) in COMMANDS.items()])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:  # the root: every argument of the command line
            for number, arg in enumerate(args, start=1):
                refuse_undecodable(ctx, arg, f"argument {number}")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except MltrackError as error:
            fail(ctx, str(error), error.exit_code, error)
        except BrokenPipeError:
            _stop_writing()
            ctx.exit(1)
        except OSError as error:
            fail(ctx, f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), 1, error)
        except Exception as error:
            if not _is_database_error(error):
                raise
            fail(ctx, _database_message(ctx, error), 1, error)


def fail(ctx: click.Context, message: str, code: int, error: BaseException) -> None:
    """Report an expected failure in one line (a traceback only with MLTRACK_DEBUG=1)."""
    if os.environ.get("MLTRACK_DEBUG"):
        raise error
    click.echo(f"Error: {message}", err=True)
    ctx.exit(code)


def refuse_undecodable(ctx: click.Context, value: str, what: str) -> None:
    """Refuse (exit 2, one line) text that was not valid UTF-8.

    On POSIX, Python decodes arguments and the environment with ``surrogateescape``: a byte
    that is not UTF-8 arrives as a lone surrogate (U+DC80 to U+DCFF), which no database
    column, file or terminal can take. Checked here, once, for every argument.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(value[error.start])
        found = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"U+{code:04X}"
        click.echo(
            f"Error: {what} is not valid UTF-8 ({found} at character {error.start + 1})",
            err=True,
        )
        ctx.exit(2)


def _stop_writing() -> None:
    """Whoever read our output went away (``mltrack export | head``): stop quietly, as git
    does, with stdout pointed at /dev/null so that the final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def wants_colour(choice: str, stdout_is_tty: bool, environ: Mapping[str, str]) -> bool:
    """Whether output gets colour (and block-character bars): the one place this is decided.

    ``always`` and ``never`` are taken as said (``always`` beats NO_COLOR, as ls and git do);
    ``auto`` colours only a terminal, and not when NO_COLOR is set to anything non-empty
    (https://no-color.org) or TERM is ``dumb``.
    """
    if choice != "auto":
        return choice == "always"
    return stdout_is_tty and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def _is_database_error(error: Exception) -> bool:
    # Checked by module name so that start-up never imports sqlite3's or SQLAlchemy's classes.
    module = type(error).__module__
    return module == "sqlite3" or module.startswith("sqlalchemy.")


def _database_message(ctx: click.Context, error: Exception) -> str:
    """SQLite's error in the learner's terms (locked, disk full, permission denied, damaged)
    when it has an error code, else its first line."""
    import sqlite3

    cause = getattr(error, "orig", None) or error
    app = ctx.find_object(App)
    if isinstance(cause, sqlite3.Error) and getattr(cause, "sqlite_errorcode", None) and app:
        from mltrack.store.db import explain

        explained = explain(cause, app.path)
        if explained:
            return explained
    if type(cause).__name__ == "InsufficientPrivilege":  # psycopg's, under a cohort's roles
        return (
            f"permission denied: your database role may not do this ({_first_line(error)}); "
            "in a cohort a learner changes only their own data and a mentor only reads"
        )
    return f"database error: {_first_line(error)}"


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error)
    return text.splitlines()[0] if text else type(error).__name__


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH",
    envvar=DB_ENV,
    help=f"Database file, or a PostgreSQL URL (postgresql+psycopg://USER@HOST/DATABASE) "
    f"[env: {DB_ENV}; default: your user data directory].",
)
@click.option(
    "--learner",
    "-L",
    metavar="NAME",
    envvar=LEARNER_ENV,
    default=DEFAULT_LEARNER,
    show_default=True,
    help=f"Learner profile to use [env: {LEARNER_ENV}].",
)
@click.option(
    "--color",
    type=click.Choice(COLOR_CHOICES),
    envvar=COLOR_ENV,
    default="auto",
    show_default=True,
    help=f"Colour: auto (a terminal, unless NO_COLOR is set or TERM=dumb), always or never "
    f"[env: {COLOR_ENV}].",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=lambda ctx, _param, value: _show_version(ctx, value),
    help="Show the version and exit.",
)  # not click.version_option: its texts go through gettext, which costs every command ~1 ms
@click.pass_context
def cli(ctx: click.Context, db: str | None, learner: str, color: str) -> None:
    """Track your way to becoming a machine learning engineer.

    mltrack ships the pathway from the career guide "How to Become a Machine Learning
    Engineer": education steps, study areas and topics, certifications, portfolio work and
    continuing education. Mark work started, done or skipped and see how far along you are.
    """
    # Click's echo strips escape codes when ctx.color is False and keeps them when True;
    # subcommands inherit it, and text views are styled by it (see cli.params.styled).
    for name, value in (("db", db), ("learner", learner)):
        source = ctx.get_parameter_source(name)
        if value is not None and source is click.core.ParameterSource.ENVIRONMENT:
            refuse_undecodable(ctx, value, DB_ENV if name == "db" else LEARNER_ENV)
    ctx.color = wants_colour(color, sys.stdout.isatty(), os.environ)
    ctx.obj = App(db_option=db, learner=learner)
    ctx.call_on_close(ctx.obj.close)


def _show_version(ctx: click.Context, wanted: bool) -> None:
    if wanted and not ctx.resilient_parsing:
        click.echo(f"mltrack, version {__version__}")
        ctx.exit()


def main() -> None:
    """Console entry point."""
    # Until a command starts its work it only imports, and imported objects live as long as
    # the process: the collector's passes over them free nothing, and the full pass that
    # SQLAlchemy's imports trigger costs a write command 50-100 ms. App turns collection back
    # on, with those objects frozen out of it, when the work begins.
    gc.disable()
    sys.exit(cli.main(prog_name="mltrack"))
