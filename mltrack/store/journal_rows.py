"""Journal rows written in bulk (import, migration 0007): records as export format 2 writes
them, references by learner name, item slug and uid, resolved by the database as each row
goes in. The rows are not checked here; the caller checks them or rebuilds (which flags).

Standard library only: ``connection`` is a sqlite3 connection or one of
``queries.reader``'s writers, anything with ``executemany(sql, rows)``.
"""

import json
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
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
BATCH = 1000


def write_journal(
    connection: Any, records: Iterable[Mapping[str, Any]], with_ids: bool = False
) -> int:
    """Insert the records in order (ids in that order); return how many were written.
    ``with_ids``: each record holds its ``learner_id`` and ``item_id`` too."""
    count = 0
    sql = _INSERT_IDS_SQL if with_ids else _INSERT_SQL
    for batch in batches(records, BATCH):
        connection.executemany(sql, [_row(record) for record in batch])
        count += len(batch)
    return count


def _row(record: Mapping[str, Any]) -> dict[str, Any]:
    data = record["data"]
    # Most entries (status changes) hold no data: "{}" is what dumps writes for it.
    return {**record, "data": json.dumps(data, sort_keys=True) if data else "{}"}


def batches(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``records`` in lists of at most ``size``."""
    iterator = iter(records)
    while batch := list(islice(iterator, size)):
        yield batch
