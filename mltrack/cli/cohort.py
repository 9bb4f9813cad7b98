"""``mltrack cohort init|add-learner|add-mentor``: a study group on one PostgreSQL server."""

import click

from mltrack.cli.context import App, Group, pass_app


@click.group(cls=Group)
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


@cohort.command("report")
@click.option("--format", "output_format", type=click.Choice(["md", "json", "csv"]),
              default="md", show_default=True, help="Markdown, JSON or CSV.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Shorthand for --format json.")
@pass_app
def report(app: App, output_format: str, as_json: bool) -> None:
    """Show every learner you may see by step: done, last activity, certification dates due.

    A mentor sees the whole cohort; a learner, under row-level security, only themselves.

    \b
    Examples:
      mltrack --db postgresql+psycopg://sam@db.example.org/cohort cohort report
      mltrack cohort report --format csv > cohort.csv
    """
    from mltrack.queries.cohort import cohort_report

    found = cohort_report(app.reader())
    if as_json or output_format == "json":
        from mltrack.render.cohort import cohort_json

        click.echo(cohort_json(found), nl=False)
    elif output_format == "csv":
        from mltrack.render.cohort import cohort_csv

        click.echo(cohort_csv(found), nl=False)
    else:
        from mltrack.render.cohort import cohort_markdown

        click.echo(cohort_markdown(found), nl=False)


@cohort.command("ready")
@click.argument("item")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def ready(app: App, item: str, as_json: bool) -> None:
    """Show which learners have ITEM's prerequisites done (or skipped), and what others need.

    \b
    Examples:
      mltrack cohort ready deep-learning
      mltrack cohort ready 'deep learning' --json
    """
    from mltrack.queries.cohort import cohort_ready

    found = cohort_ready(app.reader(), item)
    if as_json:
        from mltrack.render.cohort import ready_json

        click.echo(ready_json(found), nl=False)
    else:
        from mltrack.render.cohort import ready_text

        click.echo(ready_text(found), nl=False)
