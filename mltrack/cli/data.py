"""Keeping the data safe: ``export``/``import`` (JSON), ``backup``/``restore`` (the database
file) and ``doctor`` (what is wrong with it)."""

from pathlib import Path

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import format_option, output_option, styled, wants_json, width, write_output


@click.command(cls=Command)
@output_option
@pass_app
def export(app: App, output: Path | None) -> None:
    """Export every learner's data as JSON.

    Profiles, progress, the full history of changes, your own prerequisites and items: what
    `mltrack import` restores into any database. Items are named by slug and learners by
    name, never by database id; the same data always gives the same file, byte for byte.

    \b
    Examples:
      mltrack export -o mltrack-2026-11.json
      mltrack export | gzip > mltrack.json.gz
    """
    from mltrack.queries.export import export_sections
    from mltrack.render.json import export_chunks

    reader = app.reader()
    with reader.snapshot():
        write_output(output, export_chunks(export_sections(reader)))
    if output is not None:
        click.echo(f"exported to {output}")


@click.command("import", cls=Command)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the data of learners in the file who already have data here.",
)
@pass_app
def import_(app: App, file: Path, replace: bool) -> None:
    """Import learner data from an export file.

    All or nothing: the file is read one record at a time, checked and written in one
    transaction; the first bad value is named by its place in the file (e.g.
    journal[3].action) and nothing changes. Learners not yet in the
    database are added, one with no data yet is taken over; one who already has data is
    refused unless --replace, which replaces that learner's data with the file's. Other
    learners are never touched. Items are matched by slug.

    \b
    Examples:
      mltrack import mltrack-2026-11.json
      mltrack --db new.db import mltrack-2026-11.json
      mltrack import --replace mltrack-2026-11.json
    """
    from mltrack.services.importer import import_file

    with app.orm_session() as session:
        summary = import_file(session, file, replace)
    from mltrack.render.changes import import_text

    click.echo(import_text(summary))


@click.command(cls=Command)
@click.argument(
    "directory", metavar="[DIR]", required=False,
    type=click.Path(file_okay=False, path_type=Path),
)  # fmt: skip
@pass_app
def backup(app: App, directory: Path | None) -> None:
    """Copy the database to a timestamped backup file.

    A consistent copy even while mltrack runs elsewhere (SQLite's online backup), in DIR or
    beside the database. Prints the backup's path.

    \b
    Examples:
      mltrack backup
      mltrack backup /media/usb/mltrack-backups
    """
    from mltrack.services.backup import backup_file

    click.echo(backup_file(app.path, directory))


@click.command(cls=Command)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_app
def restore(app: App, file: Path) -> None:
    """Restore the database from a backup file.

    FILE must be a sound mltrack database of a revision this mltrack knows; it is checked
    before anything is replaced. The database it replaces is kept beside it as a .bak file,
    and a backup from an older mltrack is upgraded.

    \b
    Example:
      mltrack restore ~/.local/share/mltrack/mltrack.db.20261125T221218.bak
    """
    from mltrack.services.backup import restore_file

    kept = restore_file(file, app.path)
    app.prepare()
    from mltrack.render.changes import restore_text

    click.echo(restore_text(file, app.path, kept))


@click.command(cls=Command)
@click.option(
    "--repair",
    is_flag=True,
    help="Back the database up, then rebuild every table of learner data from the journal.",
)
@format_option("json")
@click.pass_context
@pass_app
def doctor(app: App, ctx: click.Context, repair: bool, output_format: str, as_json: bool) -> None:
    """Check the database for damage and inconsistencies.

    Runs SQLite's integrity and foreign key checks, compares the schema revision and the
    pathway with what this mltrack ships, and replays the journal (the record of every
    change): every row of progress, certification goals, study time, reading, projects, the
    target date and your orderings that disagrees with it is listed, as are entries set
    aside (flagged) because they break today's rules, and any loop in your orderings.
    Read-only: it never upgrades or changes anything. Exits 1 when a check fails.

    --repair backs the database up first, then rebuilds those tables from the journal in one
    transaction and says what it changed.

    \b
    Examples:
      mltrack doctor
      mltrack doctor --json
      mltrack doctor --repair
    """
    if repair:
        from mltrack.render.changes import repair_text
        from mltrack.services.doctor import repair_database

        app.prepare()
        click.echo(repair_text(repair_database(app.path)))
        return
    from mltrack.queries.health import FAIL
    from mltrack.services.doctor import diagnose

    checks = diagnose(app.path)
    if wants_json(output_format, as_json):
        from mltrack.render.json import checks_json

        click.echo(checks_json(checks, app.path))
    else:
        from mltrack.render.terminal import checks_text

        click.echo(checks_text(checks, styled(), width()))
    if any(check.status == FAIL for check in checks):
        ctx.exit(1)
