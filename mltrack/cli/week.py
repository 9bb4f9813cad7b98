"""``mltrack week``: this week's study time against your weekly goal, and setting that goal."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import NO_WEEK_GOAL, WeekGoalType, format_option, styled, wants_json, width


@click.command(cls=Command)
@click.option(
    "--goal",
    type=WeekGoalType(),
    help="Set the hours a week you aim to study (6h, 90m, 1h30m, 4.5h); 'none' clears it.",
)
@format_option("json")
@pass_app
def week(app: App, goal: int | None, output_format: str, as_json: bool) -> None:
    """Show this week: study time against your weekly goal, what is next.

    Weeks run Monday to Sunday. Shows the time logged this week against the goal (and how
    much a day is left to meet it), the items finished, the streak of weeks that met the goal
    (each week judged by the goal in force at its end; this week does not break the streak
    until it is over), the days left, and what `mltrack next` suggests with the hours left on
    each (estimate minus time logged, at least 10% of the estimate).

    --goal sets the goal (a journal entry: `mltrack undo` reverts it, history shows it, export
    carries it); --goal none removes it.

    \b
    Examples:
      mltrack week --goal 6h
      mltrack week
      mltrack week --json
      mltrack week --goal none
    """
    if goal is not None:
        if wants_json(output_format, as_json):
            raise click.UsageError("--json goes with week alone, not with --goal")
        from mltrack.render.changes import week_goal_text
        from mltrack.services.planning import set_week_goal

        minutes = None if goal == NO_WEEK_GOAL else goal
        with app.writer() as store:
            before, after = set_week_goal(store, app.learner, minutes, date.today())
        click.echo(week_goal_text(before, after))
        return
    from mltrack.queries.week import week_report

    report = week_report(app.reader(), app.learner, app.learner_id(), date.today())
    if wants_json(output_format, as_json):
        from mltrack.render.json import week_json

        click.echo(week_json(report))
    else:
        from mltrack.render.terminal import week_text

        click.echo(week_text(report, styled(), width=width()))
