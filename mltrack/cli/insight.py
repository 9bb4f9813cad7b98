"""``mltrack heatmap`` and ``mltrack gaps``: a year of activity at a glance, and what the
plan leaves untouched. Read commands: one query each, one renderer per format."""

import sys
from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import format_option, wants_json, width


def _utf8_terminal() -> bool:
    """Unicode shades only where they show: a terminal whose encoding is UTF-8."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return sys.stdout.isatty() and encoding == "utf8"


@click.command(cls=Command)
@format_option("json")
@pass_app
def heatmap(app: App, output_format: str, as_json: bool) -> None:
    """Show a year of study minutes and finished items, day by day.

    Two grids of 53 weeks (columns, oldest on the left) by 7 days (rows, Monday first): the
    minutes you logged each day, and the items you finished. Darker is more; the legend
    under each grid gives the steps. Unicode shades in a UTF-8 terminal, plain characters
    (. - + * #) in a pipe or file. The HTML report (mltrack report --format html) draws the
    same year as a chart.

    \b
    Examples:
      mltrack heatmap
      mltrack heatmap --json | jq '[.days[] | select(.minutes > 0)] | length'
    """
    from mltrack.queries.heatmap import heatmap as load

    result = load(app.reader(), app.learner, app.learner_id(), date.today())
    if wants_json(output_format, as_json):
        from mltrack.render.json import heatmap_json

        click.echo(heatmap_json(result))
    else:
        from mltrack.render.heatmap import heatmap_text

        click.echo(heatmap_text(result, unicode=_utf8_terminal()))


@click.command(cls=Command)
@format_option("json")
@pass_app
def gaps(app: App, output_format: str, as_json: bool) -> None:
    """Show what is neglected: untouched areas, stalled items, unready goals.

    Study areas and steps with nothing done or started and no dated goal;
    certification goals with a target date whose prerequisites have not started; items in
    progress with no study time logged in the last 4 weeks. Each comes with the command that
    would address it.

    \b
    Examples:
      mltrack gaps
      mltrack gaps --json | jq -r '.gaps[].command'
    """
    from mltrack.queries.gaps import gaps as load

    result = load(app.reader(), app.learner, app.learner_id(), date.today())
    if wants_json(output_format, as_json):
        from mltrack.render.json import gaps_json

        click.echo(gaps_json(result))
    else:
        from mltrack.render.gaps import gaps_text

        click.echo(gaps_text(result, width=width()))
