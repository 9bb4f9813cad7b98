"""``mltrack pathway`` and ``mltrack show``: read-only views of the roadmap."""

import click

from mltrack.cli.context import App, pass_app
from mltrack.cli.params import choice_of, format_option, item_argument, styled, wants_json, width
from mltrack.core.vocabulary import ItemKind, ItemStatus


@click.command()
@click.option("--kind", type=choice_of(ItemKind), help="Only items of this kind.")
@click.option("--area", metavar="AREA", help="Only items of this study area (its slug).")
@click.option("--status", type=choice_of(ItemStatus), help="Only items with this status.")
@format_option("json")
@pass_app
def pathway(
    app: App,
    kind: str | None,
    area: str | None,
    status: str | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Show the roadmap: steps, areas and items.

    Each item shows its status mark ([ ] planned, [~] in progress, [x] done, [-] skipped) and
    the slug to use in other commands.

    \b
    Examples:
      mltrack pathway
      mltrack pathway --kind certification
      mltrack pathway --area statistics --status planned
    """
    from mltrack.queries.pathway import pathway_items, resolve_area

    reader = app.reader()
    area = resolve_area(reader, area) if area is not None else None
    items = pathway_items(reader, app.learner_id(), kind=kind, area=area, status=status)
    if wants_json(output_format, as_json):
        from mltrack.render.json import pathway_json

        click.echo(pathway_json(items))
    else:
        from mltrack.render.terminal import pathway_text

        click.echo(pathway_text(items, styled(), width=width()))


@click.command()
@item_argument
@click.option("--all", "all_history", is_flag=True, help="Show the item's whole history.")
@format_option("json")
@pass_app
def show(app: App, item: str, all_history: bool, output_format: str, as_json: bool) -> None:
    """Show one item: what it is, its status and history.

    ITEM is a slug, a unique slug prefix, or words from the title. The history lists the
    item's last 20 journal entries of every kind (status, certification, study time,
    reading, orderings); --all lists them all.

    \b
    Examples:
      mltrack show deep-learning
      mltrack show "fourier" --all
    """
    from mltrack.queries.lookup import resolve_item
    from mltrack.queries.pathway import SHOWN_HISTORY, item_detail

    reader, learner_id = app.reader(), app.learner_id()
    slug = resolve_item(reader, learner_id, item)
    detail = item_detail(reader, learner_id, slug, None if all_history else SHOWN_HISTORY)
    assert detail is not None  # resolve_item only returns slugs that exist
    if wants_json(output_format, as_json):
        from mltrack.render.json import item_json

        click.echo(item_json(detail))
    else:
        from mltrack.render.terminal import item_text

        click.echo(item_text(detail, styled(), width=width()))
