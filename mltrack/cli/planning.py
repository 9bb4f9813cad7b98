"""``mltrack next``, ``mltrack require`` and ``mltrack target``: planning what comes next."""

from datetime import date

import click

from mltrack.cli.context import App, Command, Group, pass_app
from mltrack.cli.params import (
    DateType,
    WholeNumber,
    complete_item,
    format_option,
    item_argument,
    styled,
    wants_json,
    width,
)


@click.command("next", cls=Command)
@click.option(
    "-n",
    "--limit",
    type=WholeNumber(min=1, max=1000),
    default=5,
    show_default=True,
    help="How many items to list.",
)
@click.option(
    "--all",
    "all_in_step_order",
    is_flag=True,
    help="Take optional items in step order among required ones [default: required first].",
)
@click.option("--required", "required_only", is_flag=True, help="Only required items.")
@click.option("--step", metavar="STEP", help="Only items of this education step (its slug).")
@format_option("json")
@pass_app
def next_(
    app: App,
    limit: int,
    all_in_step_order: bool,
    required_only: bool,
    step: str | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Show the items to take up next, and why each was picked.

    An item is ready when it is planned or in progress and each of its prerequisites (the
    pathway's and your own, see mltrack require) is done or skipped. Ready items come in
    this order: required items of every step before optional ones (--all mixes optional
    items in by step), then earlier education steps first, then items in progress before
    new ones, then pathway order.

    \b
    Examples:
      mltrack next
      mltrack next --step ml-training --required
      mltrack next -n 10 --all --json
    """
    from mltrack.queries.planning import next_items

    result = next_items(
        app.reader(), app.learner, app.learner_id(), limit,
        all_in_step_order=all_in_step_order, required_only=required_only, step=step,
    )  # fmt: skip
    if wants_json(output_format, as_json):
        from mltrack.render.json import next_json

        click.echo(next_json(result))
    else:
        from mltrack.render.terminal import next_text

        click.echo(next_text(result, styled(), width=width()))


@click.command(cls=Command)
@item_argument
@click.option(
    "--after",
    "after",
    metavar="OTHER",
    required=True,
    multiple=True,
    shell_complete=complete_item,
    help="The item that must come first; repeat for several.",
)
@click.option("--remove", is_flag=True, help="Remove this ordering (only your own).")
@pass_app
def require(app: App, item: str, after: tuple[str, ...], remove: bool) -> None:
    """Make an item come after another one, for you.

    mltrack next then holds ITEM back until OTHER is done or skipped. An ordering that would
    make a loop with the pathway's prerequisites or your own is refused, and the loop named.

    \b
    Examples:
      mltrack require deep-learning --after fourier-transforms
      mltrack require portfolio-real-data --after python --after bias
      mltrack require deep-learning --after hadoop --remove
    """
    from mltrack.services.planning import add_prerequisite, remove_prerequisite

    change = remove_prerequisite if remove else add_prerequisite
    with app.writer() as store:
        orderings = [change(store, app.learner, item, other, date.today()) for other in after]
    from mltrack.render.changes import orderings_text

    click.echo(orderings_text(orderings, removed=remove))


@click.group(cls=Group, invoke_without_command=True)
@format_option("json")
@pass_app
@click.pass_context
def target(ctx: click.Context, app: App, output_format: str, as_json: bool) -> None:
    """Show or set the date you mean to finish the required pathway by.

    Without a subcommand: the target date and whether your pace of the last 8 weeks (required
    items finished per week) reaches it, and whether your study time does (the hours left at
    the median study time of the last 4 and 12 weeks: a date range).

    \b
    Examples:
      mltrack target set 2027-06-30
      mltrack target
      mltrack target --json
      mltrack target clear
    """
    if ctx.invoked_subcommand is not None:
        if wants_json(output_format, as_json):
            raise click.UsageError("--json goes with target alone, not with a subcommand")
        return
    from mltrack.queries.progress import target_outlook

    reader, today = app.reader(), date.today()
    outlook = target_outlook(reader, app.learner_id(), today)
    effort = None
    if outlook is not None:
        from mltrack.queries.effort import effort_outlook

        effort = effort_outlook(reader, app.learner_id(), today)
    if wants_json(output_format, as_json):
        from mltrack.render.json import target_json

        click.echo(target_json(outlook, app.learner, effort))
    else:
        from mltrack.render.terminal import target_text

        click.echo(target_text(outlook, width(), effort))


@target.command("set")
@click.argument("when", metavar="DATE", type=DateType())
@pass_app
def set_(app: App, when: date) -> None:
    """Set the target date (YYYY-MM-DD, today or later).

    \b
    Example:
      mltrack target set 2027-09-01
    """
    from mltrack.services.planning import set_target

    with app.writer() as store:
        previous = set_target(store, app.learner, when, date.today())
    from mltrack.render.changes import target_set_text

    click.echo(target_set_text(when, previous))


@target.command("clear")
@pass_app
def clear(app: App) -> None:
    """Remove the target date.

    \b
    Example:
      mltrack target clear
    """
    from mltrack.services.planning import clear_target

    with app.writer() as store:
        previous = clear_target(store, app.learner, date.today())
    from mltrack.render.changes import target_cleared_text

    click.echo(target_cleared_text(previous))
