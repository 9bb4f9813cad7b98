"""``mltrack history`` and ``mltrack stats``: what was done, and at what pace."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import (
    DateType,
    WholeNumber,
    choice_of,
    format_option,
    styled,
    wants_json,
    weeks_option,
    width,
)
from mltrack.core.vocabulary import JournalKind


@click.command(cls=Command)
@click.option("--since", type=DateType(), help="Only entries on or after this date.")
@click.option("--until", type=DateType(), help="Only entries on or before this date.")
@click.option(
    "--kind",
    "kinds",
    type=choice_of(JournalKind),
    multiple=True,
    help="Only entries of this kind (repeatable).",
)
@click.option(
    "-n",
    "--limit",
    type=WholeNumber(min=0, max=100_000),
    default=20,
    show_default=True,
    help="Show the newest N entries; 0 shows them all.",
)
@format_option("json")
@pass_app
def history(
    app: App,
    since: date | None,
    until: date | None,
    kinds: tuple[str, ...],
    limit: int,
    output_format: str,
    as_json: bool,
) -> None:
    """Show every change you recorded, by date, with its #id.

    Statuses, certification steps, study time, reading, projects and plans. Newest first,
    each entry with its id (#42, what `mltrack amend` takes), the date it happened (as
    corrected by an amend), what it was, and the state of what it changed before -> after.
    Undone and amended entries say so. Dates: YYYY-MM-DD, today, yesterday or -Nd.

    \b
    Examples:
      mltrack history
      mltrack history --since -30d --kind status --kind cert
      mltrack history --since 2026-01-01 --until 2026-03-31 -n 0 --json
    """
    from mltrack.queries.history import history as load_history

    if since and until and since > until:
        from mltrack.core.errors import InputError

        raise InputError(f"--since {since.isoformat()} is after --until {until.isoformat()}")
    result = load_history(
        app.reader(), app.learner, app.learner_id(), since, until, limit or None, kinds
    )
    if wants_json(output_format, as_json):
        from mltrack.render.json import history_json

        click.echo(history_json(result))
    else:
        from mltrack.render.terminal import history_text

        click.echo(history_text(result, styled(), width=width()))


@click.command(cls=Command)
@weeks_option
@format_option("json")
@pass_app
def stats(app: App, weeks: int, output_format: str, as_json: bool) -> None:
    """Show weekly activity, streaks and a forecast of your finish.

    A bar per ISO week (Monday to Sunday) of items finished; the current and the longest
    streak of weeks with an item finished; and a forecast: at the pace of the last N weeks
    (required items finished per week), the date the required pathway would be complete.
    With required items finished in fewer than 2 of those weeks it says so instead. Beside it,
    the forecast by study time: the estimated hours left (estimate minus time logged, at
    least 10% of the estimate) at the median study time of the last 4 and 12 complete weeks,
    as a date range, for the required pathway, each step and each certification goal.

    \b
    Examples:
      mltrack stats
      mltrack stats --weeks 12
      mltrack stats --json | jq .forecast.finish_on
    """
    from mltrack.queries.stats import stats_report

    report = stats_report(app.reader(), app.learner, app.learner_id(), date.today(), weeks)
    if wants_json(output_format, as_json):
        from mltrack.render.json import stats_json

        click.echo(stats_json(report))
    else:
        from mltrack.render.terminal import stats_text

        click.echo(stats_text(report, styled(), width=width()))
