"""Installed pathways (``pathway list``) and what their updates changed (``whatsnew``)."""

from typing import NamedTuple

from mltrack.core.rules import pathway_in_use
from mltrack.core.vocabulary import ItemStatus, JournalKind, sql_value
from mltrack.queries.reader import Reader, first


class PathwayRow(NamedTuple):
    slug: str
    title: str
    source: str
    shipped: bool
    in_use: bool
    items: int  # current items in it
    done: int  # of them, done by the learner (an item shared by pathways counts in each)
    installed_at: str | None
    updated_at: str | None


class NewsRow(NamedTuple):
    """One change an update of a pathway made to one of its items."""

    id: int
    pathway: str
    change: str  # a PathwayChange
    slug: str
    title: str
    old_title: str | None
    changed_at: str


DONE = sql_value(ItemStatus.DONE)
PATHWAYS_SQL = f"""
    SELECT p.slug, p.title, p.source, p.shipped, p.id = {pathway_in_use()} AS in_use,
           p.installed_at, p.updated_at,
           (SELECT COUNT(*) FROM pathway_item m JOIN item i ON i.id = m.item_id
            WHERE m.pathway_id = p.id AND NOT i.retired) AS items,
           (SELECT COUNT(*) FROM pathway_item m JOIN item i ON i.id = m.item_id
            JOIN progress pr ON pr.item_id = i.id AND pr.learner_id = :learner_id
            WHERE m.pathway_id = p.id AND NOT i.retired AND pr.status = {DONE}) AS done
    FROM pathway p WHERE NOT p.retired
    ORDER BY p.shipped DESC, p.slug
"""

NEWS_SQL = """
    SELECT c.id, p.slug AS pathway, c.change, i.slug, c.title, c.old_title, c.changed_at
    FROM pathway_change c
    JOIN pathway p ON p.id = c.pathway_id AND NOT p.retired
    JOIN item i ON i.id = c.item_id
    WHERE c.changed_at > :seen
    ORDER BY p.shipped DESC, p.slug, c.id
"""
# The newest standing "seen" mark (undo never reverts one: see services.journal).
SEEN_SQL = """
    SELECT data FROM journal
    WHERE learner_id = :learner_id AND kind = :plan AND subject = :seen AND flag IS NULL
    ORDER BY on_date DESC, recorded_at DESC LIMIT 1
"""
SEEN = "whatsnew"


def installed_pathways(reader: Reader, learner_id: int) -> list[PathwayRow]:
    """Every installed pathway, the shipped one first, with the one the learner follows."""
    return [
        PathwayRow(
            row["slug"],
            row["title"],
            row["source"],
            bool(row["shipped"]),
            bool(row["in_use"]),
            row["items"],
            row["done"],
            row["installed_at"],
            row["updated_at"],
        )
        for row in reader.rows(PATHWAYS_SQL, learner_id=learner_id)
    ]


def unseen_changes(reader: Reader, learner_id: int) -> list[NewsRow]:
    """What updates of the installed pathways changed since the learner last looked."""
    import json

    mark = first(reader, SEEN_SQL, learner_id=learner_id, plan=JournalKind.PLAN, seen=SEEN)
    seen = json.loads(mark["data"])["seen"] if mark else ""
    return [NewsRow(**dict(row)) for row in reader.rows(NEWS_SQL, seen=seen)]
