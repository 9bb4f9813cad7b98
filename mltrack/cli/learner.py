"""``mltrack learner add|list``: profiles sharing one database."""

import click

from mltrack.cli.context import App, Group, pass_app
from mltrack.cli.params import format_option, wants_json, width


@click.group(cls=Group)
def learner() -> None:
    """Manage learner profiles.

    Every command acts for one learner: "me" unless --learner or MLTRACK_LEARNER says
    otherwise.

    \b
    Examples:
      mltrack learner add alex
      mltrack --learner alex progress
    """


@learner.command("add")
@click.argument("name")
@pass_app
def add(app: App, name: str) -> None:
    """Add a learner profile called NAME.

    \b
    Example:
      mltrack learner add alex && mltrack --learner alex progress
    """
    from mltrack.services.learners import add_learner

    with app.writer() as store:
        stored = add_learner(store, name)
    from mltrack.render.changes import learner_added_text

    click.echo(learner_added_text(stored))


@learner.command("list")
@format_option("json")
@pass_app
def list_(app: App, output_format: str, as_json: bool) -> None:
    """List the learner profiles (* marks the one in use).

    \b
    Examples:
      mltrack learner list
      mltrack learner list --json
    """
    from mltrack.queries.learners import learner_summaries

    learners = learner_summaries(app.reader())
    if wants_json(output_format, as_json):
        from mltrack.render.json import learners_json

        click.echo(learners_json(learners, app.learner))
    else:
        from mltrack.render.terminal import learners_text

        click.echo(learners_text(learners, app.learner, width()))
