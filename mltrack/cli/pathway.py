"""``mltrack pathway`` and ``mltrack show``: views of the roadmap; ``pathway install``,
``use``, ``list`` and ``remove``, and ``whatsnew``: pathways of one's own."""

import click

from mltrack.cli.context import App, Command, Group, pass_app
from mltrack.cli.params import (
    InputFile,
    choice_of,
    format_option,
    item_argument,
    styled,
    wants_json,
    width,
)
from mltrack.core.vocabulary import ItemKind, ItemStatus


@click.group(cls=Group, invoke_without_command=True)
@click.option("--kind", type=choice_of(ItemKind), help="Only items of this kind.")
@click.option("--area", metavar="AREA", help="Only items of this study area (its slug).")
@click.option("--status", type=choice_of(ItemStatus), help="Only items with this status.")
@format_option("json")
@pass_app
@click.pass_context
def pathway(
    ctx: click.Context,
    app: App,
    kind: str | None,
    area: str | None,
    status: str | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Show the roadmap: steps, areas and items.

    Each item shows its status mark ([ ] planned, [~] in progress, [x] done, [-] skipped) and
    the slug to use in other commands. The roadmap is the pathway you follow: the shipped
    one, or one you installed (pathway install, pathway use).

    \b
    Examples:
      mltrack pathway
      mltrack pathway --kind certification
      mltrack pathway --area statistics --status planned
      mltrack pathway install my-path.toml
      mltrack pathway use my-path
      mltrack pathway list
    """
    if ctx.invoked_subcommand is not None:
        if kind or area or status or wants_json(output_format, as_json):
            raise click.UsageError("options of pathway go with pathway alone, not a subcommand")
        return
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


@click.command(cls=Command)
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


@pathway.command("install")
@click.argument("file", type=InputFile())
@pass_app
def install(app: App, file: str) -> None:
    """Install a pathway from a seed-format TOML file, or update it (install it again).

    The file is one pathway: a [pathway] table (slug, title, source), its steps, areas and
    items, every fact with its provenance, checked by the rules of `mltrack seed --check`.
    An item whose slug another pathway has is the same item: your progress on it counts
    once and shows in both. A file that breaks a rule changes nothing.

    \b
    Examples:
      mltrack pathway install my-path.toml
      mltrack whatsnew              what an update added, retitled or retired
    """
    from pathlib import Path

    from mltrack.services.pathway_files import install_pathway

    with app.orm_session() as session:
        done = install_pathway(session, Path(file))
    from mltrack.render.pathways import installed_text

    summary = done.summary
    changes = (summary.added, summary.retitled, summary.retired)
    click.echo(installed_text(done.slug, done.title, done.updated, summary.items, changes))


@pathway.command("use")
@click.argument("slug")
@pass_app
def use(app: App, slug: str) -> None:
    """Follow the pathway SLUG: progress, next, pathway, stats and report show it.

    Your progress is kept whatever the pathway: an item in several is one item. This is
    a change like any other: `mltrack undo` goes back to the pathway you followed before.

    \b
    Examples:
      mltrack pathway use my-path
      mltrack pathway use ml-engineer     back to the shipped pathway
    """
    from datetime import date

    from mltrack.services.pathways import use_pathway

    with app.writer() as store:
        before = use_pathway(store, app.learner, slug, date.today())
    from mltrack.render.pathways import used_text

    click.echo(used_text(slug, before))


@pathway.command("list")
@format_option("json")
@pass_app
def list_(app: App, output_format: str, as_json: bool) -> None:
    """List the installed pathways: which one you follow, items done of items in each.

    \b
    Examples:
      mltrack pathway list
      mltrack pathway list --json
    """
    from mltrack.queries.pathways import installed_pathways

    pathways = installed_pathways(app.reader(), app.learner_id())
    if wants_json(output_format, as_json):
        from mltrack.render.pathways import pathways_json

        click.echo(pathways_json(pathways, app.learner))
    else:
        from mltrack.render.pathways import pathways_text

        click.echo(pathways_text(pathways, width()))


@pathway.command("remove")
@click.argument("slug")
@pass_app
def remove(app: App, slug: str) -> None:
    """Remove a pathway you installed (never the shipped one).

    Its items leave it. An item another pathway has stays there; the others are retired,
    never deleted: your progress and history on them are kept, and installing the pathway
    again brings them back. Learners who followed it follow the shipped pathway.

    \b
    Example:
      mltrack pathway remove my-path
    """
    from mltrack.services.pathway_files import remove_pathway

    with app.orm_session() as session:
        done = remove_pathway(session, slug)
    from mltrack.render.pathways import removed_text

    click.echo(removed_text(done.slug, done.items, done.kept))


@click.command(cls=Command)
@format_option("json")
@pass_app
def whatsnew(app: App, output_format: str, as_json: bool) -> None:
    """Show what pathway updates added, retitled or retired since you last looked.

    Looking marks them seen: the next run shows only what came after.

    \b
    Examples:
      mltrack whatsnew
      mltrack whatsnew --json
    """
    from mltrack.queries.pathways import unseen_changes
    from mltrack.services.pathways import mark_seen

    news = unseen_changes(app.reader(), app.learner_id())
    if news:
        from datetime import date

        with app.writer() as store:
            mark_seen(store, app.learner, max(row.changed_at for row in news), date.today())
    if wants_json(output_format, as_json):
        from mltrack.render.pathways import news_json

        click.echo(news_json(news, app.learner))
    else:
        from mltrack.render.pathways import news_text

        click.echo(news_text(news, width()))
