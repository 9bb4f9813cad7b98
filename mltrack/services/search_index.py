"""Keep ``search_index`` in step (see ``store.search`` for its rows): item titles and article
quotes when items are seeded or added, a learner's notes and link titles when the journal
writes or rebuilds them. Every row is written and removed by its rowid.

Standard library only (portable SQL on the write executor).
"""

from collections.abc import Iterable

from mltrack.core.vocabulary import SearchSource
from mltrack.queries.reader import SqliteWriter

_ITEMS_SQL = "SELECT id, learner_id, title, quote FROM item"
_EXISTS_SQL = "SELECT 1 FROM sqlite_master WHERE name = 'search_index'"
_EXISTS_CATALOGUE_SQL = (  # the same on a server (see the dialect policy in services.engines)
    "SELECT 1 FROM information_schema.tables "
    "WHERE table_schema = current_schema() AND table_name = 'search_index'"
)
_DELETE_SQL = "DELETE FROM search_index WHERE rowid = :rowid"
_INSERT_SQL = """
    INSERT INTO search_index (rowid, body, learner_id, item_id, source)
    VALUES (:rowid, :body, :learner_id, :item_id, :source)
"""


def title_rowid(item_id: int) -> int:
    return -2 * item_id


def quote_rowid(item_id: int) -> int:
    return -2 * item_id - 1


def index_items(store: SqliteWriter, where: str = "", **params: object) -> None:
    """Write the title and quote rows of the items ``where`` selects (all without it).
    Nothing before the index exists: migrations older than 0009 replay the journal too."""
    sqlite = getattr(store, "dialect", "sqlite") == "sqlite"
    if not store.rows(_EXISTS_SQL if sqlite else _EXISTS_CATALOGUE_SQL):
        return
    for row in store.rows(f"{_ITEMS_SQL} {where}", **params):
        _write(store, title_rowid(row["id"]), row["title"], None, row["id"], SearchSource.TITLE)
        _write(store, quote_rowid(row["id"]), row["quote"], None, row["id"], SearchSource.QUOTE)


def index_own_items(store: SqliteWriter, learner_id: int) -> None:
    """The title rows of a learner's own items (after an import or a rebuild)."""
    index_items(store, "WHERE learner_id = :learner_id", learner_id=learner_id)


def index_annotation(
    store: SqliteWriter,
    journal_id: int,
    learner_id: int,
    item_id: int,
    source: SearchSource,
    body: str | None,
) -> None:
    """A note's text, or a link's title and address, under the entry that added it."""
    _write(store, journal_id, body, learner_id, item_id, source)


def unindex(store: SqliteWriter, rowids: Iterable[int]) -> None:
    for rowid in rowids:
        store.execute(_DELETE_SQL, rowid=rowid)


def _write(
    store: SqliteWriter,
    rowid: int,
    body: str | None,
    learner_id: int | None,
    item_id: int,
    source: SearchSource,
) -> None:
    # FTS5 has no upsert: delete, then insert (both by rowid).
    store.execute(_DELETE_SQL, rowid=rowid)
    if body and body.strip():
        store.execute(_INSERT_SQL, rowid=rowid, body=body, learner_id=learner_id,
                      item_id=item_id, source=source.value)  # fmt: skip
