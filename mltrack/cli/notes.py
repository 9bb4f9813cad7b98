"""``mltrack note``, ``mltrack link`` (private notes and links on items) and ``mltrack search``."""

from datetime import date

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import (
    DateType,
    EntryId,
    WholeNumber,
    complete_item,
    format_option,
    wants_json,
    width,
)

SEARCH_LIMIT = 20


def _list(app: App, kind: str, item: str | None, as_json: bool) -> None:
    from mltrack.queries.notes import item_notes

    reader, learner = app.reader(), app.learner_id()
    item_id = None
    if item is not None:
        from mltrack.queries.lookup import find_item

        item_id = find_item(reader, learner, item).id
    notes = [note for note in item_notes(reader, learner, item_id) if note.kind == kind]
    if as_json:
        from mltrack.render.json import notes_json

        click.echo(notes_json(notes, kind, app.learner))
    else:
        from mltrack.render.terminal import notes_text

        click.echo(notes_text(notes, kind, width()))


def _remove(app: App, kind: str, entry_id: int) -> None:
    from mltrack.core.vocabulary import NoteKind
    from mltrack.render.changes import annotated_text
    from mltrack.services.notes import remove

    with app.writer() as store:
        removed = remove(store, app.learner, NoteKind(kind), entry_id, date.today())
    click.echo(annotated_text(removed))


def _refuse_mixed(remove: int | None, listing: bool, given: dict[str, object]) -> None:
    """--remove and listing take none of the options that add."""
    extra = [name for name, value in given.items() if value not in (None, False)]
    if remove is not None and extra:
        raise click.UsageError(f"--remove ID takes no {', '.join(extra)}")
    if listing and extra:
        raise click.UsageError(f"{', '.join(extra)} go with adding one; listing takes --json")


@click.command(cls=Command)
@click.argument("item", metavar="[ITEM]", required=False, shell_complete=complete_item)
@click.argument("text", metavar="[TEXT]", required=False)
@click.option("--on", type=DateType(), help="The day of the note [default: today].")
@click.option("--remove", "remove_id", type=EntryId(), help="Remove note #ID (undo restores it).")
@format_option("json")
@pass_app
def note(
    app: App,
    item: str | None,
    text: str | None,
    on: date | None,
    remove_id: int | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Add a private note to an item, or list your notes.

    With ITEM and TEXT, adds a note (an item holds any number, each dated). With ITEM alone,
    lists that item's notes; with nothing, every note you wrote, each with its #id.
    `--remove ID` removes one, `mltrack amend ID --note TEXT` corrects its text, and
    `mltrack undo` reverts the last of these. Notes are yours: `mltrack report` leaves them
    out unless given --with-notes.

    \b
    Examples:
      mltrack note deep-learning "chapter 6: do the exercises twice"
      mltrack note python "finished the numpy tutorial" --on yesterday
      mltrack note deep-learning
      mltrack note --remove 42
    """
    as_json = wants_json(output_format, as_json)
    if remove_id is not None:
        _refuse_mixed(remove_id, False, {"ITEM": item, "--on": on, "--json": as_json})
        _remove(app, "note", remove_id)
        return
    if text is None:
        _refuse_mixed(None, True, {"--on": on})
        _list(app, "note", item, as_json)
        return
    if as_json:
        raise click.UsageError("--json goes with listing notes")
    assert item is not None  # TEXT comes after ITEM
    from mltrack.render.changes import annotated_text
    from mltrack.services.notes import add_note

    with app.writer() as store:
        added = add_note(store, app.learner, item, text, date.today(), on)
    click.echo(annotated_text(added))


@click.command(cls=Command)
@click.argument("item", metavar="[ITEM]", required=False, shell_complete=complete_item)
@click.argument("url", metavar="[URL]", required=False)
@click.option("--title", metavar="T", help="What the link is (searched by mltrack search).")
@click.option("--on", type=DateType(), help="The day you added it [default: today].")
@click.option("--remove", "remove_id", type=EntryId(), help="Remove link #ID (undo restores it).")
@format_option("json")
@pass_app
def link(
    app: App,
    item: str | None,
    url: str | None,
    title: str | None,
    on: date | None,
    remove_id: int | None,
    output_format: str,
    as_json: bool,
) -> None:
    """Add a private link to an item, or list your links.

    URL must be an http:// or https:// address. With ITEM alone, lists that item's links;
    with nothing, every link you added, each with its #id. `--remove ID` removes one,
    `mltrack undo` reverts the last change. Links are yours: `mltrack report` leaves them
    out unless given --with-notes.

    \b
    Examples:
      mltrack link deep-learning https://www.deeplearningbook.org --title "The DL book"
      mltrack link python https://docs.python.org/3/tutorial/
      mltrack link deep-learning
      mltrack link --remove 43
    """
    as_json = wants_json(output_format, as_json)
    if remove_id is not None:
        given = {"ITEM": item, "--title": title, "--on": on, "--json": as_json}
        _refuse_mixed(remove_id, False, given)
        _remove(app, "link", remove_id)
        return
    if url is None:
        _refuse_mixed(None, True, {"--title": title, "--on": on})
        _list(app, "link", item, as_json)
        return
    if as_json:
        raise click.UsageError("--json goes with listing links")
    assert item is not None
    from mltrack.render.changes import annotated_text
    from mltrack.services.notes import add_link

    with app.writer() as store:
        added = add_link(store, app.learner, item, url, date.today(), title, on)
    click.echo(annotated_text(added))


@click.command(cls=Command)
@click.argument("words", nargs=-1, required=True)
@click.option(
    "--limit", "-n", type=WholeNumber(min=1, max=500), default=SEARCH_LIMIT, show_default=True,
    help="Show at most this many hits.",
)  # fmt: skip
@format_option("json")
@pass_app
def search(app: App, words: tuple[str, ...], limit: int, output_format: str, as_json: bool) -> None:
    """Search item titles, the article's quotes, your notes and your link titles.

    Hits come best first (SQLite FTS5's bm25 ranking; a plain word match where the SQLite
    has no FTS5): those holding every word, else those holding some. WORDS are plain words:
    quotes, *, -, : and NEAR mean nothing special. Each hit names the item, what matched
    (title, quote, note or link) and the words around the match.

    \b
    Examples:
      mltrack search deep learning
      mltrack search "johns hopkins" --json
      mltrack search numpy -n 5
    """
    from mltrack.queries.notes import search as run_search

    result = run_search(app.reader(), app.learner_id(), " ".join(words), limit)
    if wants_json(output_format, as_json):
        from mltrack.render.json import search_json

        click.echo(search_json(result))
    else:
        from mltrack.render.terminal import search_text

        click.echo(search_text(result, width()))
