"""The search index's table: FTS5 where SQLite has it, a plain table (searched with LIKE)
where it does not.

``search_index`` holds one row per searchable text: an item's title or its article quote
(``learner_id`` NULL: everyone's; an own item's rows are found through the item), a note or a
link title (``learner_id`` the learner's). Its rowid says which: ``-2 * item_id`` a title,
``-2 * item_id - 1`` a quote, the id of the journal entry that added it for a note or link,
so every row is written and removed by its rowid, without a scan.

Derived data: seeding writes titles and quotes, the journal's write path notes and links,
``doctor --repair`` and import rebuild them. Its shape depends on the SQLite build, so the
schema snapshots leave it out (``store.schema``). Standard library only.
"""

import os
import sqlite3

TABLE = "search_index"
# Set to 1 to build the plain table even where FTS5 exists (the LIKE search is then used):
# for testing the fallback, and for a database that must open on an SQLite without FTS5.
NO_FTS5_ENV = "MLTRACK_NO_FTS5"
COLUMNS = ("body", "learner_id", "item_id", "source")
_FTS5_SQL = (
    f"CREATE VIRTUAL TABLE {TABLE} USING fts5(body, learner_id UNINDEXED, item_id UNINDEXED, "
    "source UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')"
)
_PLAIN_SQL = (
    f"CREATE TABLE {TABLE} (body TEXT NOT NULL, learner_id INTEGER, item_id INTEGER NOT NULL, "
    "source TEXT NOT NULL)"
)


def fts5_available(connection: sqlite3.Connection) -> bool:
    """Whether this SQLite can make an FTS5 table (and the environment does not say no)."""
    if os.environ.get(NO_FTS5_ENV, "") not in ("", "0"):
        return False
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    connection.execute("DROP TABLE temp.fts5_probe")
    return True


def create_search_index(connection: sqlite3.Connection) -> bool:
    """Create the (empty) index; True when it is an FTS5 table."""
    fts5 = fts5_available(connection)
    connection.execute(_FTS5_SQL if fts5 else _PLAIN_SQL)
    return fts5


def drop_search_index(connection: sqlite3.Connection) -> None:
    connection.execute(f"DROP TABLE IF EXISTS {TABLE}")


def is_fts5(connection: sqlite3.Connection) -> bool:
    """Whether the database's index is an FTS5 table (else the LIKE search reads it)."""
    found = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
    ).fetchone()
    return bool(found) and "VIRTUAL TABLE" in str(found[0]).upper()


def not_search_index(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: the search index and FTS5's shadow tables are no model's
    (see above), so comparing the models with the database leaves them out."""
    return not (type_ == "table" and (name or "").startswith(TABLE))
