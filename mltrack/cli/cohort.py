"""``mltrack cohort init|add-learner|add-mentor``: a study group on one PostgreSQL server."""

import click

from mltrack.cli.context import App, pass_app


@click.group()
def cohort() -> None:
    """Run a cohort on PostgreSQL: one role per learner, a mentor role, row-level security.

    The database's owner runs these, with --db (or MLTRACK_DB) naming the server. Each learner
    then connects as their own role and sees and changes only their own rows; a mentor reads
    every learner and changes nothing.

    \b
    Examples:
      export MLTRACK_DB=postgresql+psycopg://owner@db.example.org/cohort
      mltrack cohort init
      mltrack cohort add-learner alice
      mltrack cohort add-mentor sam
      mltrack --db postgresql+psycopg://alice@db.example.org/cohort -L alice progress
    """


@cohort.command("init")
@pass_app
def init(app: App) -> None:
    """Create the learner and mentor group roles and grant them (owner only).

    \b
    Example:
      mltrack --db postgresql+psycopg://owner@localhost/cohort cohort init
    """
    from mltrack.services.cohort import init_cohort

    with app.writer() as store:
        done = init_cohort(store)
    click.echo("\n".join(done))


@cohort.command("add-learner")
@click.argument("name")
@pass_app
def add_learner(app: App, name: str) -> None:
    """Create a login role NAME for a learner, and the learner NAME it maps to.

    \b
    Example:
      mltrack cohort add-learner alice
    """
    from mltrack.services.cohort import add_learner as add

    with app.writer() as store:
        done = add(store, name)
    click.echo("\n".join(done))


@cohort.command("add-mentor")
@click.argument("name")
@pass_app
def add_mentor(app: App, name: str) -> None:
    """Create a login role NAME for a mentor, who reads every learner and writes nothing.

    \b
    Example:
      mltrack cohort add-mentor sam
    """
    from mltrack.services.cohort import add_mentor as add

    with app.writer() as store:
        done = add(store, name)
    click.echo("\n".join(done))
