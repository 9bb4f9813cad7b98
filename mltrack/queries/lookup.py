"""Turning what a learner typed into ids: learner names and item slugs."""

from mltrack.core.matching import find_learner_name, match_slug, searchable, unknown_learner
from mltrack.core.rules import visible_items
from mltrack.queries.reader import Reader, first


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


def item_choices(reader: Reader, learner_id: int) -> list[tuple[str, str]]:
    """(slug, title and provider) of every item the learner sees, in pathway order; the
    article's own spelling of a corrected name ("John Hopkins") matches too."""
    sql = f"""
        SELECT i.slug, i.title, i.provider, i.article_name FROM item i
        JOIN step s ON s.id = i.step_id
        WHERE {visible_items()} ORDER BY s.position, i.position
    """
    rows = reader.rows(sql, learner_id=learner_id)
    return [
        searchable(row["slug"], row["title"],
                   " ".join(text for text in (row["provider"], row["article_name"]) if text))
        for row in rows
    ]  # fmt: skip


def resolve_item(reader: Reader, learner_id: int, text: str) -> str:
    """The slug of the item ``text`` names (slug, prefix or title words)."""
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
