"""Finding the learner, the item and the day a write command is about, inside its transaction."""

from datetime import date

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from mltrack.core.errors import InputError
from mltrack.core.matching import find_learner_name, match_slug, searchable, unknown_learner
from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import ItemKind
from mltrack.models import Item, Learner


def get_learner(session: Session, name: str) -> Learner:
    """The learner called ``name`` (without regard to case, see ``find_learner_name``);
    NotFoundError naming the closest learners."""
    learner = session.scalar(select(Learner).where(Learner.name == name))
    if learner is not None:
        return learner
    names = session.scalars(select(Learner.name).order_by(Learner.name)).all()
    found = find_learner_name(name, names)
    if found is None:
        raise unknown_learner(name, names)
    return session.scalars(select(Learner).where(Learner.name == found)).one()


def get_item(session: Session, learner: Learner, text: str, kind: ItemKind | None = None) -> Item:
    """The item ``text`` names among those the learner sees (current seeded ones and their
    own), of ``kind`` if given: a slug, a unique slug prefix, or words of its title or
    provider."""
    query = select(Item.slug, Item.title, Item.provider).where(visible_to(learner.id))
    if kind is not None:
        _refuse_other_kind(session, learner, text, kind)
        query = query.where(Item.kind == kind)
    candidates = [searchable(*row) for row in session.execute(query)]
    slug = match_slug(text, candidates, what=kind.value if kind else "item")
    return session.scalars(select(Item).where(Item.slug == slug)).one()


def _refuse_other_kind(session: Session, learner: Learner, text: str, kind: ItemKind) -> None:
    """An exact slug names that item: never reinterpret it as words of another item's title."""
    other = session.scalar(
        select(Item.kind).where(visible_to(learner.id), Item.slug == text.strip().lower())
    )
    if other is not None and other != kind:
        raise InputError(f"{text.strip()} is a {other}, not a {kind}")


def visible_to(learner_id: int, alias: str = "item") -> TextClause:
    """The items a learner sees, for an ORM query whose item table is named ``alias``: the
    read side's ``visible_items`` rule, bound to the learner."""
    return text(visible_items(alias)).bindparams(learner_id=learner_id)


def past_or_today(on: date | None, today: date | None = None) -> date:
    """The day something happened: ``on`` (not in the future) or today."""
    today = today or date.today()
    if on is not None and on > today:  # a date typed wrong: a usage error, like a bad format
        raise InputError(f"{on.isoformat()} is in the future")
    return on or today
