"""Finding the learner and the item a write command is about, inside its transaction."""

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import AliasedClass

from mltrack.errors import NotFoundError
from mltrack.matching import closest_slugs, match_slug, searchable
from mltrack.models import Item, Learner


def get_learner(session: Session, name: str) -> Learner:
    """The learner called ``name``; NotFoundError naming the closest learners."""
    learner = session.scalar(select(Learner).where(Learner.name == name))
    if learner is None:
        names = [(n, n) for n in session.scalars(select(Learner.name).order_by(Learner.name))]
        raise NotFoundError(
            "learner", name, closest_slugs(name, names) or [n for n, _ in names][:5]
        )
    return learner


def get_item(session: Session, learner: Learner, text: str) -> Item:
    """The item ``text`` names among those the learner sees (current seeded ones and their
    own): a slug, a unique slug prefix, or words of its title or provider."""
    query = select(Item.slug, Item.title, Item.provider).where(visible_to(learner.id))
    slug = match_slug(text, [searchable(*row) for row in session.execute(query)])
    return session.scalars(select(Item).where(Item.slug == slug)).one()


def visible_to(
    learner_id: int, item: type[Item] | AliasedClass[Item] = Item
) -> ColumnElement[bool]:
    """The items a learner sees: current seeded ones and their own (``visible_items`` in SQL)."""
    return and_(
        item.retired.is_(False), or_(item.learner_id.is_(None), item.learner_id == learner_id)
    )
