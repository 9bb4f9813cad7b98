"""Notes and links on items (``mltrack note``, ``mltrack link``): private to the learner.

Each note or link is a journal entry whose subject is itself (its uid), as a study session
is: ``log`` adds it, ``clear`` removes it (``--remove ID``), undo reverts either, amend
corrects a note's text or either's date. ``services.journal`` writes ``item_note`` and the
search index from them.
"""

from datetime import date

from mltrack.core.changes import Annotated
from mltrack.core.errors import InputError
from mltrack.core.ids import uuid7
from mltrack.core.limits import MAX_TEXT, check_text, check_web_url
from mltrack.core.rules import past_or_today
from mltrack.core.vocabulary import JournalKind, NoteKind, PlanAction
from mltrack.queries.lookup import find_item, learner_id
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal

MAX_LINK_TITLE = 300
_STANDING_SQL = """
    SELECT n.journal_id, n.kind, n.on_date, n.text, n.url, i.slug, j.uid, j.item_id
    FROM item_note n JOIN journal j ON j.id = n.journal_id JOIN item i ON i.id = n.item_id
    WHERE n.journal_id = :entry_id AND n.learner_id = :learner_id
"""


def add_note(
    store: SqliteWriter,
    learner_name: str,
    item_text: str,
    text: str,
    today: date,
    on: date | None = None,
) -> Annotated:
    """Add a note to an item (several per item; each dated, today by default)."""
    if not text.strip():
        raise InputError("a note needs some text")
    check_text(text, "a note", multiline=True, max_length=MAX_TEXT)
    return _add(store, learner_name, item_text, JournalKind.NOTE, {"note": text}, today, on)


def add_link(
    store: SqliteWriter,
    learner_name: str,
    item_text: str,
    url: str,
    today: date,
    title: str | None = None,
    on: date | None = None,
) -> Annotated:
    """Add a link (http or https only) to an item, with an optional title."""
    check_web_url(url, "the URL")
    data: dict[str, str] = {"url": url}
    if title is not None:
        title = title.strip()
        if not title or len(title) > MAX_LINK_TITLE:
            raise InputError(f"a link title needs 1 to {MAX_LINK_TITLE} characters")
        data["title"] = check_text(title, "a link title")
    return _add(store, learner_name, item_text, JournalKind.LINK, data, today, on)


def _add(
    store: SqliteWriter,
    learner_name: str,
    item_text: str,
    kind: JournalKind,
    data: dict[str, str],
    today: date,
    on: date | None,
) -> Annotated:
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, item_text)
    on = past_or_today(on, today)
    uid = uuid7()
    change = journal.Change(kind, PlanAction.LOG, uid, on, item.id, data, uid=uid)
    recorded = journal.record(store, learner, change)
    text = data.get("note", data.get("title"))
    return Annotated(kind.value, recorded.id, item.slug, on, text, data.get("url"))


def remove(
    store: SqliteWriter, learner_name: str, kind: NoteKind, entry_id: int, today: date
) -> Annotated:
    """Remove the note or link that entry ``entry_id`` added (``mltrack undo`` brings it
    back); InputError when the learner has no such note or link standing."""
    learner = learner_id(store, learner_name)
    found = store.rows(_STANDING_SQL, entry_id=entry_id, learner_id=learner)
    if not found or found[0]["kind"] != kind:
        raise InputError(
            f"you have no {kind} #{entry_id}; `mltrack {kind} ITEM` lists them with their ids"
        )
    row = found[0]
    change = journal.Change(JournalKind(kind), PlanAction.CLEAR, row["uid"], today,
                            row["item_id"])  # fmt: skip
    journal.record(store, learner, change)
    on = row["on_date"]
    return Annotated(
        kind.value, entry_id, row["slug"], on if isinstance(on, date) else date.fromisoformat(on),
        row["text"], row["url"], removed=True,
    )  # fmt: skip
