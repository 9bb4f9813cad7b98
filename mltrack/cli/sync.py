"""``mltrack push URL`` / ``mltrack pull URL``: one learner's journal to and from another
database (a cohort's PostgreSQL server, or another mltrack file)."""

import click

from mltrack.cli.context import App, Command, pass_app

_URL_HELP = "postgresql+psycopg://USER@HOST/DATABASE, or the path of another mltrack file"


def _run(app: App, direction: str, url: str, as_json: bool, dry_run: bool) -> None:
    from mltrack.render.sync import sync_json, sync_text
    from mltrack.services import sync

    app.prepare()
    sync.check_target(app.db_file, url)
    result = getattr(sync, direction)(app.db_file, url, app.learner, dry_run=dry_run)
    click.echo(sync_json(result) if as_json else sync_text(result))


@click.command(cls=Command)
@click.argument("url", metavar="URL")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; change nothing.")
@pass_app
def push(app: App, url: str, as_json: bool, dry_run: bool) -> None:
    """Send your journal entries that URL lacks to it (one learner: -L, or the current one).

    URL is a PostgreSQL URL or another mltrack database file. Entries are matched by their
    stable ids, so pushing twice sends nothing the second time. Where merged entries
    conflict, the later effective date wins (ties by id) and the other stays in the journal,
    marked superseded (see `mltrack history`).

    \b
    Examples:
      mltrack push postgresql+psycopg://ana@db.example.org/cohort
      mltrack -L ana push ~/laptop-copy.db --dry-run
    """
    _run(app, "push", url, as_json, dry_run)


@click.command(cls=Command)
@click.argument("url", metavar="URL")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option("--dry-run", is_flag=True, help="Say what would be received; change nothing.")
@pass_app
def pull(app: App, url: str, as_json: bool, dry_run: bool) -> None:
    """Fetch the journal entries from URL that this database lacks (one learner).

    The counterpart of push: afterwards both sides hold the same entries and show the same
    progress. Conflicts are settled by the same rule on either side.

    \b
    Examples:
      mltrack pull postgresql+psycopg://ana@db.example.org/cohort
      mltrack pull ~/laptop-copy.db --json
    """
    _run(app, "pull", url, as_json, dry_run)
