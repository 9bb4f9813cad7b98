"""``mltrack log`` (study time) and ``mltrack read`` (continuing education)."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import (
    DateType,
    DurationType,
    WholeNumber,
    choice_of,
    complete_item,
    format_option,
    styled,
    wants_json,
    width,
)
from mltrack.core.dates import last_weeks_start
from mltrack.core.vocabulary import ReadingKind

LIST_WEEKS = 8
LIST_SESSIONS = 20


# Unknown options become arguments, so that "-5m" reaches DurationType and is refused there
# with the accepted formats, rather than as an unknown option "-5".
@click.command(cls=Command, context_settings={"ignore_unknown_options": True})
@click.argument("duration", type=DurationType(), required=False)
@click.argument("item", metavar="[ITEM]", required=False, shell_complete=complete_item)
@click.option("--on", type=DateType(), help="The day you studied [default: today].")
@click.option("--note", metavar="TEXT", help="What you did.")
@click.option("--list", "list_", is_flag=True, help="Show sessions and hours instead.")
@click.option(
    "--since",
    type=DateType(),
    help=f"With --list: from this date [default: the Monday that opens the last {LIST_WEEKS} "
    "ISO weeks, as in mltrack stats].",
)
@click.option(
    "-n",
    "--limit",
    type=WholeNumber(min=0, max=100_000),
    help=f"With --list: the newest N sessions [default: {LIST_SESSIONS}]; 0 lists them all.",
)
@format_option("json")
@pass_app
def log(
    app: App,
    duration: int | None,
    item: str | None,
    on: date | None,
    note: str | None,
    list_: bool,
    since: date | None,
    limit: int | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Log study time, or list it with --list.

    DURATION is 90m, 2h, 1h30 or 1h30m (at most 24h in one session); ITEM, optional, is
    what you studied (slug, prefix or title words). --list shows the newest sessions since a
    date (-n of them) with the hours per week and per study area of them all.

    \b
    Examples:
      mltrack log 1h30 deep-learning --note "chapter 6 exercises"
      mltrack log 45m --on yesterday
      mltrack log --list --since 2026-09-01 --json
      mltrack log --list -n 0
    """
    if list_:
        if duration is not None or on is not None or note is not None:
            raise click.UsageError("--list takes only --since, -n and --json")
        since = since or last_weeks_start(date.today(), LIST_WEEKS)
        limit = LIST_SESSIONS if limit is None else limit
        _list_sessions(app, since, limit or None, wants_json(output_format, as_json))
        return
    if duration is None:
        raise click.UsageError("give a DURATION such as 90m or 1h30 (or --list)")
    if since is not None or limit is not None:
        raise click.UsageError(f"{'--since' if since is not None else '-n'} goes with --list")
    if wants_json(output_format, as_json):
        raise click.UsageError("--json goes with --list")
    from mltrack.render.changes import logged_session_text
    from mltrack.services.study import log_session

    with app.writer() as store:
        logged = log_session(store, app.learner, duration, date.today(), item, on, note)
    click.echo(logged_session_text(logged))


def _list_sessions(app: App, since: date, limit: int | None, as_json: bool) -> None:
    from mltrack.queries.study import study_log

    log = study_log(app.reader(), app.learner_id(), since, limit)
    if as_json:
        from mltrack.render.json import study_log_json

        click.echo(study_log_json(log, app.learner))
    else:
        from mltrack.render.terminal import study_log_text

        click.echo(study_log_text(log, width()))


@click.command(cls=Command)
@click.argument("title", required=False)
@click.option("--kind", type=choice_of(ReadingKind), help="What it is (required to log one).")
@click.option("--url", metavar="URL", help="Where to find it.")
@click.option(
    "--item", metavar="ITEM", shell_complete=complete_item, help="The pathway item it is about."
)
@click.option("--on", type=DateType(), help="The day you read it [default: today].")
@click.option("--list", "list_", is_flag=True, help="List your reading entries instead.")
@click.option("--since", type=DateType(), help="With --list: only entries from this date.")
@format_option("json")
@pass_app
def read(
    app: App,
    title: str | None,
    kind: str | None,
    url: str | None,
    item: str | None,
    on: date | None,
    list_: bool,
    since: date | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Log continuing education: a blog post, podcast, paper, talk or course.

    --list lists the reading entries, newest first, each with its id (for `mltrack amend`);
    --json lists them as the JSON of `mltrack history`.

    \b
    Examples:
      mltrack read "Attention is all you need" --kind paper --item deep-learning
      mltrack read "Practical AI #250" --kind podcast --url https://example.org/250
      mltrack read --list --since 2026-01-01
    """
    if list_:
        if any(value is not None for value in (title, kind, url, item, on)):
            raise click.UsageError("--list takes only --since (and --json)")
        from mltrack.core.vocabulary import JournalKind
        from mltrack.queries.history import history

        kinds = (JournalKind.READING,)
        entries = history(app.reader(), app.learner, app.learner_id(), since, None, None, kinds)
        if wants_json(output_format, as_json):
            from mltrack.render.json import history_json

            click.echo(history_json(entries))
        else:
            from mltrack.render.terminal import history_text

            click.echo(history_text(entries, styled(), width=width()))
        return
    if title is None or kind is None:
        raise click.UsageError("give a TITLE and its --kind (or --list)")
    if since is not None or as_json or output_format != "text":
        raise click.UsageError("--since and --json go with --list")
    from mltrack.core.vocabulary import ReadingKind
    from mltrack.services.study import log_reading

    with app.writer() as store:
        logged = log_reading(
            store, app.learner, title, ReadingKind(kind), date.today(), url, item, on
        )
    from mltrack.render.changes import logged_reading_text

    click.echo(logged_reading_text(logged))
