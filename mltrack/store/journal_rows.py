"""Journal rows written in bulk (import, migration 0007): records as export format 2 writes
them, references by learner name, item slug and uid, resolved by the database as each row
goes in. The rows are not checked here; the caller checks them or rebuilds (which flags).

Standard library only: ``connection`` is a sqlite3 connection or one of
``queries.reader``'s writers, anything with ``executemany(sql, rows)``.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from operator import itemgetter
from typing import Any

# A target or group names an entry written before it (an earlier row of the same batch too).
_INSERT_SQL = """
    INSERT INTO journal (uid, learner_id, kind, action, subject, item_id, on_date, recorded_at,
                         data, target_id, group_id, superseded_by, flag)
    VALUES (:uid, (SELECT id FROM learner WHERE name = :learner), :kind, :action, :subject,
            (SELECT id FROM item WHERE slug = :item), :on_date, :recorded_at, :data,
            (SELECT id FROM journal WHERE uid = :target),
            (SELECT id FROM journal WHERE uid = :group), :superseded_by, :flag)
"""
# The same with the learner's and the item's ids given (``learner_id``, ``item_id``): the
# caller has them in hand, which spares two lookups a row.
_INSERT_IDS_SQL = """
    INSERT INTO journal (uid, learner_id, kind, action, subject, item_id, on_date, recorded_at,
                         data, target_id, group_id, superseded_by, flag)
    VALUES (:uid, :learner_id, :kind, :action, :subject, :item_id, :on_date, :recorded_at,
            :data, (SELECT id FROM journal WHERE uid = :target),
            (SELECT id FROM journal WHERE uid = :group), :superseded_by, :flag)
"""
# And with positional parameters, for sqlite3 (the other drivers take names): a row binds a
# tuple faster than a dict of named values, which counts on an import of 300,000 entries.
_INSERT_IDS_POSITIONAL_SQL = """
    INSERT INTO journal (uid, learner_id, kind, action, subject, item_id, on_date, recorded_at,
                         data, target_id, group_id, superseded_by, flag)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM journal WHERE uid = ?),
            (SELECT id FROM journal WHERE uid = ?), ?, ?)
"""
_ID_ROW_HEAD = itemgetter(
    "uid", "learner_id", "kind", "action", "subject", "item_id", "on_date", "recorded_at"
)
_ID_ROW_TAIL = itemgetter("target", "group", "superseded_by", "flag")
BATCH = 1000


def write_journal(
    connection: Any, records: Iterable[Mapping[str, Any]], with_ids: bool = False
) -> int:
    """Insert the records in order (ids in that order); return how many were written.
    ``with_ids``: each record holds its ``learner_id`` and ``item_id`` too."""
    count = 0
    sql, row = _INSERT_SQL, _row
    if with_ids:
        # sqlite3's connection has no ``dialect``; ``queries.reader``'s writers name theirs.
        sqlite = getattr(connection, "dialect", "sqlite") == "sqlite"
        sql, row = (_INSERT_IDS_POSITIONAL_SQL, _id_row) if sqlite else (_INSERT_IDS_SQL, _row)
    for batch in batches(records, BATCH):
        connection.executemany(sql, [row(record) for record in batch])
        count += len(batch)
    return count


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    return {**record, "data": _data_text(record["data"])}


def _id_row(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """The parameters of ``_INSERT_IDS_POSITIONAL_SQL``, in its order."""
    return (*_ID_ROW_HEAD(record), _data_text(record["data"]), *_ID_ROW_TAIL(record))


def _data_text(data: Mapping[str, Any]) -> str:
    # Most entries (status changes) hold no data: "{}" is what dumps writes for it.
    return json.dumps(data, sort_keys=True) if data else "{}"


def batches(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``records`` in lists of at most ``size``."""
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
