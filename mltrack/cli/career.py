"""``mltrack career``."""

import click

from mltrack.cli.context import App, pass_app


@click.command()
@pass_app
def career(app: App) -> None:
    """Show the salary and outlook figures, with sources.

    The figures are the article's, each with the source it names (BLS, PayScale).

    \b
    Example:
      mltrack career
    """
    from mltrack.queries.career import career_facts
    from mltrack.render.terminal import career_text

    click.echo(career_text(career_facts(app.reader())))
