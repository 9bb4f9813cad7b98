"""The roadmap as rows (step, area, item, status) and one item in full, with provenance."""

import json
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core.rules import item_step, visible_items
from mltrack.core.vocabulary import NoteKind
from mltrack.queries.planning import PREREQUISITE_EDGES
from mltrack.queries.reader import Reader, Row, first, status_of

if TYPE_CHECKING:  # imported by item_detail: the roadmap and the report read no history
    from mltrack.queries.history import HistoryEntry
    from mltrack.queries.notes import ItemNote


class PathwayItem(NamedTuple):
    step_slug: str
    step_title: str
    area_slug: str | None
    area_title: str | None
    slug: str
    title: str
    kind: str
    required: bool
    status: str
    provider: str | None = None  # who offers it: certifications are told apart by it
    # Where each seeded fact comes from ({} for the learner's own items, which are theirs).
    provenance: dict[str, dict[str, str]] = {}  # noqa: RUF012 (never mutated)
    own: bool = False
    group: str | None = None  # the alternative group (any one member satisfies it)
    group_title: str | None = None
    on_the_job: bool = False
    hours_estimate: float | None = None
    article_name: str | None = None
    step_provenance: dict[str, str] = {}  # noqa: RUF012 (never mutated)


class Prerequisite(NamedTuple):
    slug: str
    title: str
    status: str


class ItemDetail(NamedTuple):
    slug: str
    title: str
    kind: str
    required: bool
    retired: bool
    step_title: str
    area_title: str | None
    hours_estimate: float | None
    provider: str | None
    url: str | None
    source: str
    quote: str
    status: str
    started_on: str | None
    finished_on: str | None
    note: str | None
    evidence_url: str | None
    prerequisites: list[Prerequisite]
    history: "list[HistoryEntry]"  # quoted: the history module loads with item_detail
    minutes_logged: int = 0  # study time the learner logged on the item
    sessions_logged: int = 0
    provenance: dict[str, dict[str, str]] = {}  # noqa: RUF012 (never mutated)
    own: bool = False
    article_name: str | None = None
    on_the_job: bool = False
    group: str | None = None
    group_title: str | None = None
    alternatives: list[str] = []  # noqa: RUF012 (never mutated); the group's other members
    notes: "tuple[ItemNote, ...]" = ()  # the learner's own notes on it, oldest first (private)
    links: "tuple[ItemNote, ...]" = ()  # and links
    # Older history entries exist and are not shown (``show --all`` shows them). Whether, not
    # how many: like ``git log -n``, counting them would read the item's whole history.
    history_more: bool = False


_PATHWAY_SQL = f"""
    SELECT s.slug AS step_slug, s.title AS step_title, a.slug AS area_slug,
           a.title AS area_title, i.slug, i.title, i.kind, i.required, i.provider,
           {status_of()} AS status, i.provenance, i.learner_id, g.slug AS "group",
           g.title AS group_title, i.on_the_job, i.hours_estimate, i.article_name,
           s.provenance AS step_provenance
    FROM item i
    JOIN step s ON s.id = {item_step()}
    LEFT JOIN area a ON a.id = i.area_id
    LEFT JOIN item_group g ON g.id = i.group_id
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    WHERE {visible_items()} {{filters}}
    ORDER BY s.position, CASE WHEN a.position IS NULL THEN 1 ELSE 0 END, a.position, i.position
"""

# Each filter is added only when asked for: "(:kind IS NULL OR ...)" would leave PostgreSQL
# unable to type an unused parameter and keep indexes from bounding the rows.
_PATHWAY_FILTERS = {
    "kind": "AND i.kind = :kind",
    "area": "AND a.slug = :area",
    "status": f"AND {status_of()} = :status",
}

ITEM_SQL = f"""
    SELECT i.id, i.slug, i.title, i.kind, i.required, i.retired, i.hours_estimate, i.provider,
           i.url, i.source, i.quote, s.title AS step_title, a.title AS area_title,
           {status_of()} AS status, p.started_on, p.finished_on, p.note,
           p.evidence_url, i.provenance, i.learner_id, i.article_name, i.on_the_job,
           i.group_id, g.slug AS "group", g.title AS group_title
    FROM item i
    JOIN step s ON s.id = {item_step()}
    LEFT JOIN area a ON a.id = i.area_id
    LEFT JOIN item_group g ON g.id = i.group_id
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    WHERE i.slug = :slug
"""

# The seed's prerequisites and the learner's own (mltrack require, mltrack add ... --after).
PREREQUISITES_SQL = f"""
    SELECT r.slug, r.title, {status_of()} AS status
    FROM ({PREREQUISITE_EDGES}) ip
    JOIN item r ON r.id = ip.requires_id
    LEFT JOIN progress p ON p.item_id = r.id AND p.learner_id = :learner_id
    WHERE ip.item_id = :item_id
    ORDER BY r.slug
"""

SHOWN_HISTORY = 20  # history entries ``show`` prints unless asked for all

ALTERNATIVES_SQL = """
    SELECT slug FROM item
    WHERE group_id = :group_id AND id <> :item_id AND NOT retired
    ORDER BY position
"""


def pathway_items(
    reader: Reader,
    learner_id: int,
    kind: str | None = None,
    area: str | None = None,
    status: str | None = None,
) -> list[PathwayItem]:
    """Every current item in roadmap order with the learner's status, optionally filtered."""
    asked = {"kind": kind, "area": area, "status": status}
    wanted = {name: value for name, value in asked.items() if value is not None}
    filters = " ".join(_PATHWAY_FILTERS[name] for name in wanted)
    rows = reader.rows(_PATHWAY_SQL.format(filters=filters), learner_id=learner_id, **wanted)
    # A step's provenance is the same text for each of its items: parsed once per step.
    steps: dict[str | None, dict] = {}
    return [_pathway_item(row, steps) for row in rows]


def _pathway_item(row: Row, steps: dict[str | None, dict]) -> PathwayItem:
    # Positional: building keyword dicts per row cost more than the statement itself.
    step_text = row["step_provenance"]
    step_facts = steps.get(step_text)
    if step_facts is None:
        step_facts = steps[step_text] = _facts(step_text)
    return PathwayItem(
        row["step_slug"], row["step_title"], row["area_slug"], row["area_title"], row["slug"],
        row["title"], row["kind"], bool(row["required"]), row["status"], row["provider"],
        _facts(row["provenance"]), row["learner_id"] is not None, row["group"],
        row["group_title"], bool(row["on_the_job"]), row["hours_estimate"],
        row["article_name"], step_facts,
    )  # fmt: skip


def _facts(text: str | None) -> dict:
    """Stored provenance (JSON) as a dict; {} where there is none (own items)."""
    return json.loads(text) if text else {}


def item_detail(
    reader: Reader, learner_id: int, slug: str, history_limit: int | None = SHOWN_HISTORY
) -> ItemDetail | None:
    """One item with the learner's status, its prerequisites and its history (the newest
    ``history_limit`` entries of every kind, oldest first; None: all of them)."""
    row = first(reader, ITEM_SQL, learner_id=learner_id, slug=slug)
    if row is None:
        return None
    from mltrack.queries.history import item_history
    from mltrack.queries.notes import item_notes

    ids = {"learner_id": learner_id, "item_id": row["id"]}
    prerequisites = [Prerequisite(**r) for r in reader.rows(PREREQUISITES_SQL, **ids)]
    history, more = item_history(reader, learner_id, row["id"], history_limit)
    skip = ("id", "learner_id", "group_id")
    values = {key: row[key] for key in row.keys() if key not in skip}  # noqa: SIM118 (sqlite3.Row)
    for key in ("started_on", "finished_on"):
        values[key] = None if values[key] is None else str(values[key])
    values.update(required=bool(row["required"]), retired=bool(row["retired"]),
                  on_the_job=bool(row["on_the_job"]), own=row["learner_id"] is not None,
                  provenance=_facts(row["provenance"]))  # fmt: skip
    if row["group_id"] is not None:
        found = reader.rows(ALTERNATIVES_SQL, group_id=row["group_id"], item_id=row["id"])
        values["alternatives"] = [r["slug"] for r in found]
    # Imported here: the study module's dataclasses would otherwise load with `pathway` too.
    from mltrack.queries.study import item_time

    minutes, sessions = item_time(reader, learner_id, row["id"])
    annotations = item_notes(reader, learner_id, row["id"])
    return ItemDetail(
        notes=tuple(n for n in annotations if n.kind == NoteKind.NOTE),
        links=tuple(n for n in annotations if n.kind == NoteKind.LINK),
        **values,
        prerequisites=prerequisites,
        history=history,
        minutes_logged=minutes,
        sessions_logged=sessions,
        history_more=more,
    )


def resolve_area(reader: Reader, text: str) -> str:
    """The slug of the current study area ``text`` names (slug, prefix or title words)."""
    from mltrack.core.matching import match_slug

    rows = reader.rows("SELECT slug, title FROM area WHERE NOT retired ORDER BY position")
    return match_slug(text, [(row["slug"], row["title"]) for row in rows], what="area")
