"""Turning what a learner typed into ids: learner names and item slugs."""

from mltrack.errors import NotFoundError
from mltrack.matching import closest_slugs, match_slug, searchable
from mltrack.queries.reader import Reader, first


def learner_id(reader: Reader, name: str) -> int:
    """The id of the learner called ``name``; NotFoundError naming the closest learners."""
    row = first(reader, "SELECT id FROM learner WHERE name = :name", name=name)
    if row is not None:
        return row["id"]
    names = [(r["name"], r["name"]) for r in reader.rows("SELECT name FROM learner ORDER BY name")]
    hint = closest_slugs(name, names) or [n for n, _ in names]
    raise NotFoundError("learner", name, hint[:5])


def item_choices(reader: Reader) -> list[tuple[str, str]]:
    """(slug, title and provider) of every current pathway item, in pathway order."""
    sql = """
        SELECT i.slug, i.title, i.provider FROM item i JOIN step s ON s.id = i.step_id
        WHERE NOT i.retired ORDER BY s.position, i.position
    """
    return [searchable(row["slug"], row["title"], row["provider"]) for row in reader.rows(sql)]


def resolve_item(reader: Reader, text: str) -> str:
    """The slug of the item ``text`` names (slug, prefix or title words)."""
    return match_slug(text, item_choices(reader))


def slugs_starting(reader: Reader, prefix: str) -> list[tuple[str, str]]:
    """(slug, title) of items whose slug starts with ``prefix``: shell completion."""
    sql = """
        SELECT slug, title FROM item
        WHERE slug >= :low AND slug < :high AND NOT retired ORDER BY slug
    """
    # A range instead of LIKE: it uses the unique index on slug on every database.
    rows = reader.rows(sql, low=prefix, high=prefix + "\U0010ffff")
    return [(row["slug"], row["title"]) for row in rows]
