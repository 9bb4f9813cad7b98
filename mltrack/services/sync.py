"""Sync one learner's journal between two databases: ``mltrack push URL`` / ``pull URL``.

The journal is the record; everything else is a projection of it. A sync copies the journal
entries the receiving side lacks (matched by their stable uid; targets, groups, items and own
items mapped by uid and slug), in the sender's recording order, inside ONE transaction on the
receiving side, then settles conflicts and rebuilds that learner's projections there. An
interrupted sync leaves nothing half-done (the transaction rolls back), so running it again
completes it: the receiving side's entries are the record of what arrived.

Conflict rule. Entries recorded on two machines are each valid where they were made, but
merged they may not be (both sides started the item; one side finished it and the other
reset it). The merged subject is replayed through the rule function (``core.journal``); where
an entry is refused, it and the standing entry just before it in the timeline conflict, and
*the later effective date wins, ties broken by the larger uid*. The loser is kept in the
journal, marked ``superseded_by`` = the winner's uid (and given a ``flag`` saying so, which
leaves it out of every replay, count and check, as flagged entries already are), and replay
goes on until the subject stands. Every mark is a function of the merged set of entries only
(entries are ordered by when and where they were recorded, never by local row ids), so both
sides reach the same marks whichever ran first, and nothing is lost on either side.
"""

import json
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import groupby
from typing import Any

from mltrack.core.errors import InputError, MltrackError
from mltrack.core.journal import Entry, Refusal, apply, effective, entry_of
from mltrack.core.sync import SyncResult
from mltrack.queries.reader import Reader
from mltrack.services import journal
from mltrack.store.journal_rows import write_journal
from mltrack.store.paths import is_database_url

SUPERSEDED = "superseded by {uid} (sync: the later change wins)"
_SUPERSEDED_LIKE = "superseded by %"

_ENTRIES_SQL = """
    SELECT j.uid, j.kind, j.action, j.subject, i.slug AS item, j.on_date, j.recorded_at,
           j.data, t.uid AS target, g.uid AS grp, j.flag
    FROM journal j
    LEFT JOIN item i ON i.id = j.item_id
    LEFT JOIN journal t ON t.id = j.target_id
    LEFT JOIN journal g ON g.id = j.group_id
    WHERE j.learner_id = :learner_id
    ORDER BY j.id
"""
_OWN_ITEM_SQL = """
    SELECT i.slug, i.title, i.kind, s.slug AS step, a.slug AS area, i.required,
           i.hours_estimate, i.provider, i.source, i.retired
    FROM item i LEFT JOIN step s ON s.id = i.step_id LEFT JOIN area a ON a.id = i.area_id
    WHERE i.slug = :slug AND i.learner_id = :learner_id
"""
_INSERT_OWN_ITEM_SQL = """
    INSERT INTO item (slug, title, kind, step_id, area_id, position, required, hours_estimate,
                      provider, source, quote, retired, learner_id)
    VALUES (:slug, :title, :kind, (SELECT id FROM step WHERE slug = :step),
            (SELECT id FROM area WHERE slug = :area),
            (SELECT COALESCE(MAX(position), 0) + 1 FROM item), :required, :hours, :provider,
            :source, '', :retired, :learner_id)
"""
_ALL_SQL = """
    SELECT id, uid, kind, action, subject, item_id, on_date, recorded_at, data, target_id,
           group_id, flag, superseded_by
    FROM journal WHERE learner_id = :learner_id ORDER BY kind, subject, id
"""


class _DryRun(Exception):
    """Raised inside the receiving transaction to roll a dry run back."""


def push(local: str, other: str, learner: str, dry_run: bool = False) -> SyncResult:
    """Copy the learner's entries that ``other`` lacks from ``local`` to it."""
    sent, superseded = _sync(local, other, learner, dry_run)
    return SyncResult("push", learner, other, sent, 0, superseded, dry_run)


def pull(local: str, other: str, learner: str, dry_run: bool = False) -> SyncResult:
    """Copy the learner's entries that ``local`` lacks from ``other`` into it."""
    received, superseded = _sync(other, local, learner, dry_run)
    return SyncResult("pull", learner, other, 0, received, superseded, dry_run)


def check_target(local: str, other: str) -> None:
    """Refuse the same database, or a file that is not there (usage errors)."""
    from pathlib import Path

    if other == local or (
        not is_database_url(other)
        and not is_database_url(local)
        and Path(other).resolve() == Path(local).resolve()
    ):
        raise InputError("push and pull need another database than the one in use (--db)")
    if not is_database_url(other) and not Path(other).is_file():
        raise InputError(
            f"there is no database at {other}; give a postgresql+psycopg:// URL or the path "
            "of another mltrack database file"
        )


def _sync(source: str, target: str, learner: str, dry_run: bool) -> tuple[int, int]:
    from mltrack.services.engines import open_reader, open_writer

    reader = open_reader(source)
    try:
        source_id = _learner_id(reader, learner, source)
        with open_writer(target) as store:
            target_id = _learner_id(store, learner, target)
            have = {row["uid"] for row in store.rows(
                "SELECT uid FROM journal WHERE learner_id = :l", l=target_id)}  # fmt: skip
            missing = [
                row for row in reader.stream(_ENTRIES_SQL, learner_id=source_id)
                if row["uid"] not in have
            ]  # fmt: skip
            if not missing:
                return 0, 0
            superseded = _receive(reader, store, source_id, target_id, learner, missing)
            if dry_run:  # raised inside the transaction, which rolls everything back
                raise _DryRun(len(missing), superseded)
            return len(missing), superseded
    except _DryRun as counts:
        return counts.args
    finally:
        reader.connection.close()  # type: ignore[attr-defined]


def _learner_id(reader: Reader, name: str, where: str) -> int:
    found = reader.rows("SELECT id FROM learner WHERE name = :name", name=name)
    if not found:
        raise MltrackError(
            f"there is no learner {name!r} in {where}; add them there first (mltrack learner "
            f"add {name}; on a cohort server: mltrack cohort add-learner {name})"
        )
    return int(found[0]["id"])


def _receive(
    reader: Reader, store: Any, source_id: int, target_id: int, learner: str, missing: list[Any]
) -> int:
    """Write the missing entries (and own items they name), settle conflicts, rebuild."""
    store.lock_learner(target_id)
    for slug in dict.fromkeys(row["item"] for row in missing if row["item"]):
        if store.rows("SELECT 1 FROM item WHERE slug = :slug", slug=slug):
            continue
        for own in reader.rows(_OWN_ITEM_SQL, slug=slug, learner_id=source_id):
            store.execute(
                _INSERT_OWN_ITEM_SQL, slug=own["slug"], title=own["title"], kind=own["kind"],
                step=own["step"], area=own["area"], required=bool(own["required"]),
                hours=own["hours_estimate"], provider=own["provider"], source=own["source"],
                retired=bool(own["retired"]), learner_id=target_id,
            )  # fmt: skip
    write_journal(store, _records(missing, learner))
    superseded = settle(store, target_id)
    journal.rebuild(store, target_id)
    return superseded


def _records(rows: Sequence[Any], learner: str) -> Iterator[dict[str, Any]]:
    for row in rows:
        on = row["on_date"]
        # A mark the sender made is made again by the receiver (``settle``), from the union.
        flag = row["flag"]
        if flag is not None and flag.startswith(_SUPERSEDED_LIKE[:-1]):
            flag = None
        yield {
            "uid": row["uid"], "learner": learner, "kind": row["kind"],
            "action": row["action"], "subject": row["subject"], "item": row["item"],
            "on_date": on.isoformat() if isinstance(on, date) else str(on),
            "recorded_at": str(row["recorded_at"]), "data": json.loads(row["data"] or "{}"),
            "target": row["target"], "group": row["grp"], "superseded_by": None, "flag": flag,
        }  # fmt: skip


# Conflicts --------------------------------------------------------------------------------


def settle(store: Any, learner_id: int) -> int:
    """Mark the losers of merged conflicts superseded (see the module's rule); lift marks
    that no longer apply. Return how many entries were newly marked."""
    rows = list(store.rows(_ALL_SQL, learner_id=learner_id))
    # Recording order across machines: when each entry was recorded, then its uid; never
    # the local row id, which differs between the two sides.
    ranked = sorted(rows, key=lambda row: (str(row["recorded_at"]), row["uid"]))
    rank = {row["id"]: position for position, row in enumerate(ranked)}
    row_id = {position: row["id"] for position, row in enumerate(ranked)}
    uid_at = {position: row["uid"] for position, row in enumerate(ranked)}
    wanted: dict[int, str] = {}
    for _, found in groupby(rows, key=lambda row: (row["kind"], row["subject"])):
        # Entries flagged for another reason (older data) stay out, as in every replay.
        subject = [row for row in found if row["flag"] is None or row["superseded_by"]]
        entries = [_ranked_entry(row, rank) for row in subject]
        for loser, winner in _losers(entries, uid_at):
            wanted[row_id[loser]] = uid_at[winner]
    marked = 0
    for row in rows:
        now, later = row["superseded_by"], wanted.get(row["id"])
        if now == later:
            continue
        if later is None:
            store.execute("UPDATE journal SET superseded_by = NULL, flag = NULL WHERE id = :id",
                          id=row["id"])  # fmt: skip
            continue
        marked += 1
        store.execute(
            "UPDATE journal SET superseded_by = :uid, flag = :flag WHERE id = :id",
            uid=later, flag=SUPERSEDED.format(uid=later), id=row["id"],
        )  # fmt: skip
    return marked


def _ranked_entry(row: Any, rank: dict[int, int]) -> Entry:
    values = dict(row)
    for column in ("id", "target_id"):
        if values[column] is not None:
            values[column] = rank.get(values[column], -1)
    return entry_of(values)


def _losers(entries: list[Entry], uid_at: dict[int, str]) -> list[tuple[int, int]]:
    """(loser, winner) ids of one subject, until its timeline replays without a refusal."""
    out: list[tuple[int, int]] = []
    while True:
        left = [e for e in entries if e.id not in {loser for loser, _ in out}]
        standing = effective(left)
        state = None
        for index, entry in enumerate(standing):
            try:
                state = apply(state, entry)
            except Refusal:
                if index == 0:
                    return out  # nothing it conflicts with: rebuild flags it, as for old data
                before = standing[index - 1]
                later_wins = (entry.on, uid_at[entry.id]) > (before.on, uid_at[before.id])
                # Undo and amend entries never stand in a timeline: the loser is a change.
                loser, winner = (before, entry) if later_wins else (entry, before)
                out.append((loser.id, winner.id))
                break
        else:
            return out
