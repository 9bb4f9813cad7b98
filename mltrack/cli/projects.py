"""``mltrack project add|done|list``: hands-on portfolio projects on real data."""

from datetime import date

import click

from mltrack.cli.context import App, Group, pass_app
from mltrack.cli.params import DateType, complete_item, format_option, wants_json, width


@click.group(cls=Group)
def project() -> None:
    """Track portfolio projects on real data.

    Projects are linked to the study areas they exercise; done ones count toward the
    pathway's experience step.

    \b
    Examples:
      mltrack project add "Churn model" --dataset "Telco churn (Kaggle)" --area statistics
      mltrack project done churn
      mltrack project list
    """


@project.command("add")
@click.argument("name")
@click.option("--dataset", metavar="TEXT", required=True, help="The real data it uses.")
@click.option("--repo", metavar="URL", help="Where the code lives.")
@click.option(
    "--area", "areas", metavar="AREA", multiple=True, help="A study area it exercises (repeat)."
)
@click.option(
    "--item", "items", metavar="ITEM", multiple=True, shell_complete=complete_item,
    help="A pathway item it counts toward (repeat) [default: the portfolio project item].",
)  # fmt: skip
@click.option("--on", type=DateType(), help="The day it was started [default: today].")
@pass_app
def add(
    app: App,
    name: str,
    dataset: str,
    repo: str | None,
    areas: tuple[str, ...],
    items: tuple[str, ...],
    on: date | None,
) -> None:
    """Start a project called NAME.

    The pathway items it counts toward start now if they are planned, and are marked done
    when the project is ("mltrack undo" reverts the project and them together).

    \b
    Example:
      mltrack project add "House prices" --dataset "Ames housing" --area statistics
    """
    from mltrack.services.projects import add_project

    with app.writer() as store:
        added = add_project(store, app.learner, name, dataset, date.today(), repo, areas, items, on)
    from mltrack.render.changes import project_added_text

    click.echo(project_added_text(added))


@project.command()
@click.argument("name")
@click.option("--on", type=DateType(), help="The day it was finished [default: today].")
@pass_app
def done(app: App, name: str, on: date | None) -> None:
    """Mark the project NAME done.

    \b
    Example:
      mltrack project done "house prices" --on yesterday
    """
    from mltrack.services.projects import finish_project

    with app.writer() as store:
        finished = finish_project(store, app.learner, name, date.today(), on)
    from mltrack.render.changes import project_done_text

    click.echo(project_done_text(finished))


@project.command("list")
@format_option("json")
@pass_app
def list_(app: App, output_format: str, as_json: bool) -> None:
    """List your projects ([x] done) and how many count toward each step.

    \b
    Examples:
      mltrack project list
      mltrack project list --json
    """
    from mltrack.queries.projects import project_list, projects_per_step

    reader, learner_id = app.reader(), app.learner_id()
    projects, per_step = project_list(reader, learner_id), projects_per_step(reader, learner_id)
    if wants_json(output_format, as_json):
        from mltrack.render.json import projects_json

        click.echo(projects_json(projects, per_step, app.learner))
    else:
        from mltrack.render.terminal import projects_text

        click.echo(projects_text(projects, per_step, width()))
