"""``mltrack progress``."""

import click

from mltrack.cli.context import App, pass_app
from mltrack.cli.params import chosen_format, format_option, styled


@click.command()
@format_option("json")
@pass_app
def progress(app: App, output_format: str, as_json: bool) -> None:
    """Show how far along the pathway you are.

    Completion counts required items (skipped ones leave the count) and, separately, the
    estimated hours of those items; each education step and study area gets a bar.

    \b
    Examples:
      mltrack progress
      mltrack progress --json | jq .overall.required.percent
    """
    from mltrack.queries.progress import progress_report

    report = progress_report(app.reader(), app.learner, app.learner_id())
    if chosen_format(output_format, as_json) == "json":
        from mltrack.render.json import progress_json

        click.echo(progress_json(report))
    else:
        from mltrack.render.terminal import progress_text

        click.echo(progress_text(report, styled()))
