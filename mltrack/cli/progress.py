"""``mltrack progress``."""

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import format_option, styled, wants_json, width

# The same names as mltrack.queries.progress.GROUPINGS (a test checks), spelled out here so
# that loading this command imports no query module.
GROUPINGS = ("step", "area", "kind", "provider")


@click.command(cls=Command)
@click.option(
    "--by",
    "by",
    type=click.Choice(GROUPINGS),
    multiple=True,
    help="Group the figures by this; repeat for several [default: step and area].",
)
@click.option(
    "--all",
    "include_optional",
    is_flag=True,
    help="Count optional items too (the default counts required items only).",
)
@format_option("json")
@pass_app
def progress(
    app: App, by: tuple[str, ...], include_optional: bool, output_format: str, as_json: bool
) -> None:
    """Show how far along the pathway you are.

    Completion counts required items (skipped ones leave the count) and, separately, the
    estimated hours of those items; each education step and study area gets a bar. With a
    target date (mltrack target set DATE) a line says whether your pace of the last 8 weeks
    reaches it. JSON carries both the required-only and the all-items figures.

    \b
    Examples:
      mltrack progress
      mltrack progress --by kind --by provider --all
      mltrack progress --json | jq .overall.required.percent
    """
    from mltrack.queries.progress import DEFAULT_GROUPINGS, progress_report

    groupings = tuple(dict.fromkeys(by)) or DEFAULT_GROUPINGS
    report = progress_report(app.reader(), app.learner, app.learner_id(), groupings)
    if wants_json(output_format, as_json):
        from mltrack.render.json import progress_json

        click.echo(progress_json(report))
    else:
        from mltrack.render.terminal import progress_text

        click.echo(progress_text(report, styled(), include_optional, width=width()))
