"""``mltrack career``."""

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import format_option, wants_json, width


@click.command(cls=Command)
@format_option("json")
@pass_app
def career(app: App, output_format: str, as_json: bool) -> None:
    """Show the salary and outlook figures, with sources, country and period.

    The figures are the article's, each with the source it names (BLS, PayScale), the
    country and period it describes, the licensing point, and the article's sources with links.

    \b
    Example:
      mltrack career
      mltrack career --json
    """
    from mltrack.queries.career import career_facts, career_sources

    reader = app.reader()
    facts, sources = career_facts(reader), career_sources(reader)
    if wants_json(output_format, as_json):
        from mltrack.render.json import career_json

        click.echo(career_json(facts, sources))
    else:
        from mltrack.render.terminal import career_text

        click.echo(career_text(facts, sources, width()))
