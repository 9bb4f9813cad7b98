"""``mltrack learner add|list``: profiles sharing one database."""

import click

from mltrack.cli.context import App, pass_app


@click.group()
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
@pass_app
def list_(app: App) -> None:
    """List the learner profiles (* marks the one in use).

    \b
    Example:
      mltrack learner list
    """
    from mltrack.queries.learners import learner_summaries
    from mltrack.render.terminal import learners_text

    click.echo(learners_text(learner_summaries(app.reader()), app.learner))
