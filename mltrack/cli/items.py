"""``mltrack add`` and ``mltrack remove``: a learner's own pathway items."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import HoursType, choice_of, item_argument
from mltrack.core.vocabulary import ItemKind


@click.command(cls=Command)
@click.argument("title")
@click.option(
    "--kind",
    type=choice_of(ItemKind),
    default=ItemKind.COURSE.value,
    show_default=True,
)
@click.option("--area", metavar="AREA", help="The study area it belongs to.")
@click.option("--step", metavar="STEP", help="The education step [default: the area's step].")
@click.option("--hours", type=HoursType(), help="Your estimate of the hours it takes.")
@click.option("--optional", is_flag=True, help="Leave it out of the required figures.")
@click.option("--after", metavar="OTHER", multiple=True, help="An item to do before it (repeat).")
@click.option("--provider", metavar="NAME", help="Who offers it.")
@pass_app
def add(
    app: App,
    title: str,
    kind: str,
    area: str | None,
    step: str | None,
    hours: float | None,
    after: tuple[str, ...],
    provider: str | None,
    optional: bool,
) -> None:
    """Add an item of your own to the pathway.

    Its slug is made from TITLE and starts with "my." (the shipped pathway never uses that),
    so that no update of the pathway can clash with it.

    \b
    Examples:
      mltrack add "fast.ai Practical Deep Learning" --area machine-learning --hours 40
      mltrack add "AWS ML Specialty" --kind certification --step ml-training --optional
    """
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services.items import add_own_item

    with app.writer() as store:
        slug = add_own_item(
            store,
            app.learner,
            title,
            ItemKind(kind),
            date.today(),
            area,
            step,
            hours,
            after,
            provider,
            required=not optional,
        )
    from mltrack.render.changes import item_added_text

    click.echo(item_added_text(slug))


@click.command(cls=Command)
@item_argument
@pass_app
def remove(app: App, item: str) -> None:
    """Remove an item you added (never a shipped one).

    An item with history (progress, study time, reading, certification steps) is retired
    instead: hidden from the pathway, its history kept.

    \b
    Example:
      mltrack remove my.fast-ai-practical-deep-learning
    """
    from mltrack.services.items import remove_own_item

    with app.writer() as store:
        removal = remove_own_item(store, app.learner, item, date.today())
    from mltrack.render.changes import removal_text

    click.echo(removal_text(removal))
