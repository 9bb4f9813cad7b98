"""Turning what a learner typed into ids: learner names and item slugs."""

from typing import NamedTuple

from mltrack.core.errors import InputError
from mltrack.core.matching import find_learner_name, match_slug, searchable, unknown_learner
from mltrack.core.rules import item_step, visible_items
from mltrack.queries.reader import Reader, Row, first


def learner_id(reader: Reader, name: str) -> int:
    """The id of the learner called ``name`` (without regard to case, see
    ``find_learner_name``); NotFoundError naming the closest learners."""
    row = first(reader, "SELECT id FROM learner WHERE name = :name", name=name)
    if row is not None:
        return row["id"]
    rows = reader.rows("SELECT id, name FROM learner ORDER BY name")
    ids = {r["name"]: r["id"] for r in rows}
    found = find_learner_name(name, list(ids))
    if found is None:
        raise unknown_learner(name, list(ids))
    return ids[found]


def item_choices(reader: Reader, learner_id: int, kind: str | None = None) -> list[tuple[str, str]]:
    """(slug, title and provider) of every item the learner sees, of ``kind`` if given, in
    pathway order; the article's own spelling of a corrected name ("John Hopkins") matches
    too."""
    only = "AND i.kind = :kind" if kind else ""
    sql = f"""
        SELECT i.slug, i.title, i.provider, i.article_name FROM item i
        JOIN step s ON s.id = {item_step()}
        WHERE {visible_items()} {only} ORDER BY s.position, i.position
    """
    rows = reader.rows(sql, learner_id=learner_id, **({"kind": kind} if kind else {}))
    return [
        searchable(row["slug"], row["title"],
                   " ".join(text for text in (row["provider"], row["article_name"]) if text))
        for row in rows
    ]  # fmt: skip


def resolve_item(reader: Reader, learner_id: int, text: str) -> str:
    """The slug of the item ``text`` names (slug, prefix or title words)."""
    exact = first(reader, _ITEM_SQL, slug=text.strip().lower(), learner_id=learner_id)
    if exact is not None:  # what match_slug tries first, through the slug's index
        return exact["slug"]
    return match_slug(text, item_choices(reader, learner_id))


def slugs_starting(reader: Reader, learner_id: int, prefix: str) -> list[tuple[str, str]]:
    """(slug, title) of the learner's items whose slug starts with ``prefix``: completion."""
    sql = f"""
        SELECT i.slug, i.title FROM item i
        WHERE i.slug >= :low AND i.slug < :high AND {visible_items()} ORDER BY i.slug
    """
    # A range instead of LIKE: it uses the unique index on slug on every database.
    rows = reader.rows(sql, low=prefix, high=prefix + "\U0010ffff", learner_id=learner_id)
    return [(row["slug"], row["title"]) for row in rows]


class ItemRef(NamedTuple):
    """An item as a write command needs it."""

    id: int
    slug: str
    title: str
    kind: str
    required: bool
    hours_estimate: float | None
    provider: str | None
    own: bool


_ITEM_SQL = f"""
    SELECT i.id, i.slug, i.title, i.kind, i.required, i.hours_estimate, i.provider,
           i.learner_id IS NOT NULL AS own
    FROM item i WHERE i.slug = :slug AND {visible_items()}
"""


def find_item(reader: Reader, learner_id: int, text: str, kind: str | None = None) -> ItemRef:
    """The item ``text`` names among those the learner sees (slug, unique slug prefix, or
    words of its title or provider), of ``kind`` if given. An exact slug of another kind is
    refused rather than read again as title words."""
    exact = first(reader, _ITEM_SQL, slug=text.strip().lower(), learner_id=learner_id)
    if kind is not None and exact is not None and exact["kind"] != kind:
        raise InputError(f"{exact['slug']} is a {exact['kind']}, not a {kind}")
    if exact is not None:  # the exact slug wins, as in match_slug: no need to read every item
        return _item_ref(exact)
    choices = item_choices(reader, learner_id, kind)
    slug = match_slug(text, choices, what=kind or "item")
    found = item_by_slug(reader, learner_id, slug)
    assert found is not None
    return found


def item_by_slug(reader: Reader, learner_id: int, slug: str) -> ItemRef | None:
    """The item with exactly this slug, if the learner still sees it (not retired)."""
    row = first(reader, _ITEM_SQL, slug=slug, learner_id=learner_id)
    return None if row is None else _item_ref(row)


def _item_ref(row: Row) -> ItemRef:
    return ItemRef(**{**dict(row), "required": bool(row["required"]), "own": bool(row["own"])})
