"""Finding the learner and the item a write command is about, inside its transaction."""

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def get_item(session: Session, text: str) -> Item:
    """The current item ``text`` names: a slug, a unique slug prefix or words of its title."""
    query = select(Item.slug, Item.title, Item.provider).where(Item.retired.is_(False))
    slug = match_slug(text, [searchable(*row) for row in session.execute(query)])
    return session.scalars(select(Item).where(Item.slug == slug)).one()
