"""``mltrack start|done|skip|reset ITEM`` and ``mltrack undo``: the write side of progress."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import DateType, EntryId, item_argument

on_option = click.option(
    "--on",
    "on",
    type=DateType(),
    help="The date it happened: YYYY-MM-DD, today, yesterday or -Nd [default: today].",
)


def _mark(
    app: App,
    action: str,
    item: str,
    on: date | None = None,
    note: str | None = None,
    evidence_url: str | None = None,
) -> None:
    from mltrack.core.vocabulary import EventAction
    from mltrack.services.progress import change_status

    with app.writer() as store:
        change = change_status(
            store, app.learner, item, EventAction(action), date.today(), on, note, evidence_url
        )
    from mltrack.render.changes import change_text

    click.echo(change_text(change))


@click.command(cls=Command)
@item_argument
@on_option
@click.option("--note", metavar="TEXT", help="A note to keep with the item.")
@pass_app
def start(app: App, item: str, on: date | None, note: str | None) -> None:
    """Mark an item as in progress.

    \b
    Example:
      mltrack start deep-learning --on yesterday --note "fast.ai part 1"
    """
    _mark(app, "start", item, on=on, note=note)


@click.command(cls=Command)
@item_argument
@on_option
@click.option("--note", metavar="TEXT", help="A note to keep with the item.")
@click.option("--evidence", metavar="URL", help="A link to the work: certificate, repository...")
@pass_app
def done(app: App, item: str, on: date | None, note: str | None, evidence: str | None) -> None:
    """Mark an item as done.

    \b
    Examples:
      mltrack done stanford-ml --on 2026-10-01 --evidence https://example.org/cert/123
      mltrack done "fourier" --note "3Blue1Brown videos plus exercises"
    """
    _mark(app, "done", item, on=on, note=note, evidence_url=evidence)


@click.command(cls=Command)
@item_argument
@on_option
@click.option("--note", metavar="TEXT", help="Why it does not apply.")
@pass_app
def skip(app: App, item: str, on: date | None, note: str | None) -> None:
    """Mark an item as skipped (it does not apply to you).

    Skipped items leave the progress figures.

    \b
    Example:
      mltrack skip hadoop --note "not used at my target companies"
    """
    _mark(app, "skip", item, on=on, note=note)


@click.command(cls=Command)
@item_argument
@on_option
@pass_app
def reset(app: App, item: str, on: date | None) -> None:
    """Put an item back to planned.

    \b
    Example:
      mltrack reset deep-learning --on yesterday
    """
    _mark(app, "reset", item, on=on)


@click.command(cls=Command)
@pass_app
def undo(app: App) -> None:
    """Revert your most recent change.

    Undo reverts whichever came last of: a change to an item's status (start, done, skip,
    reset), a certification step (goal, enroll, pass, fail, drop), or a logged study session
    or reading entry (removed), and says which. Run it again to go further back. Projects,
    targets, prerequisites and your own items are not part of it.

    \b
    Example:
      mltrack done python && mltrack undo
    """
    from mltrack.services.undo import undo_last

    with app.writer() as store:
        changes = undo_last(store, app.learner, date.today())
    from mltrack.render.changes import change_text

    for change in changes:
        click.echo(change_text(change))


@click.command(cls=Command)
@click.argument("entry", metavar="ID", type=EntryId())
@click.option("--on", "on", type=DateType(), help="The date it really happened.")
@click.option("--note", metavar="TEXT", help="The note it should carry.")
@pass_app
def amend(app: App, entry: int, on: date | None, note: str | None) -> None:
    """Correct the date or note of a change you recorded (its #id in history).

    ID is the entry's number as `mltrack history` shows it (#42 or 42). The correction is
    an entry of its own: what came after the change stays, and `mltrack undo` right after
    reverts the correction. It is refused, in one line, when the corrected date would make
    the timeline invalid or move the change past another change of the same thing.

    \b
    Examples:
      mltrack history --kind status
      mltrack amend 42 --on 2026-10-13
      mltrack amend '#42' --note "chapters 1-6 only"
    """
    from mltrack.services.undo import amend as amend_entry

    with app.writer() as store:
        change = amend_entry(store, app.learner, entry, date.today(), on, note)
    from mltrack.render.changes import amend_text

    click.echo(amend_text(change, on, note))
