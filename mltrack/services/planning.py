"""A learner's own planning: the date they aim to finish by, and their own prerequisites."""

from datetime import date

from sqlalchemy import delete, select, union
from sqlalchemy.orm import Session, aliased

from mltrack.core.changes import Ordering
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.graphs import find_cycle
from mltrack.models import Item, ItemPrerequisite, LearnerPrerequisite
from mltrack.services.lookup import get_item, get_learner, visible_to


def set_target(
    session: Session, learner_name: str, target: date, today: date | None = None
) -> date | None:
    """Store the date the learner means to finish the required pathway by; return the old one."""
    today = today or date.today()
    if target < today:
        raise InputError(f"the target date {target.isoformat()} is in the past")
    learner = get_learner(session, learner_name)
    previous, learner.target_date = learner.target_date, target
    return previous


def clear_target(session: Session, learner_name: str) -> date | None:
    """Remove the learner's target date; return the one removed (None if there was none)."""
    learner = get_learner(session, learner_name)
    previous, learner.target_date = learner.target_date, None
    return previous


def add_prerequisite(
    session: Session, learner_name: str, item_text: str, after_text: str
) -> Ordering:
    """Record that, for this learner, one item comes after another.

    Refused when the two are the same item, when the ordering already exists (in the seed or
    the learner's own), and when it would close a loop, which the error names.
    """
    learner = get_learner(session, learner_name)
    item, other = get_item(session, learner, item_text), get_item(session, learner, after_text)
    ordering = Ordering(item.slug, other.slug)
    if item.id == other.id:
        raise InputError(f"{item.slug} cannot come after itself")
    graph = _orderings(session, learner.id)
    if other.slug in graph.get(item.slug, []):
        raise MltrackError(f"{item.slug} already comes after {other.slug}")
    # The new item first, so that a loop found starts with the ordering being added (its
    # entry replaces the old one: spreading the old graph after it would drop the new edge).
    graph = {item.slug: [*graph.pop(item.slug, []), other.slug], **graph}
    if cycle := find_cycle(graph):
        raise MltrackError(
            f"{item.slug} cannot come after {other.slug}: the prerequisites would loop: "
            f"{' -> '.join(cycle)} (read -> as 'comes after')"
        )
    session.add(LearnerPrerequisite(learner_id=learner.id, item_id=item.id, requires_id=other.id))
    return ordering


def remove_prerequisite(
    session: Session, learner_name: str, item_text: str, after_text: str
) -> Ordering:
    """Remove one of the learner's own orderings; the seed's cannot be removed."""
    learner = get_learner(session, learner_name)
    item, other = get_item(session, learner, item_text), get_item(session, learner, after_text)
    removed = session.execute(
        delete(LearnerPrerequisite).where(
            LearnerPrerequisite.learner_id == learner.id,
            LearnerPrerequisite.item_id == item.id,
            LearnerPrerequisite.requires_id == other.id,
        )
    )
    if removed.rowcount == 0:  # type: ignore[attr-defined]
        seeded = session.get(ItemPrerequisite, (item.id, other.id)) is not None
        raise MltrackError(
            f"{item.slug} comes after {other.slug} in the pathway itself; only orderings you "
            "added with 'mltrack require' can be removed"
            if seeded
            else f"you have not made {item.slug} come after {other.slug}"
        )
    return Ordering(item.slug, other.slug)


def _orderings(session: Session, learner_id: int) -> dict[str, list[str]]:
    """Every item the learner sees -> the items it comes after, from the seed and their own."""
    own = select(LearnerPrerequisite.item_id, LearnerPrerequisite.requires_id).where(
        LearnerPrerequisite.learner_id == learner_id
    )
    edges = union(select(ItemPrerequisite.item_id, ItemPrerequisite.requires_id), own).subquery()
    item, required = aliased(Item, name="item"), aliased(Item, name="required")
    query = (
        select(item.slug, required.slug)
        .select_from(edges)
        .join(item, item.id == edges.c.item_id)
        .join(required, required.id == edges.c.requires_id)
        .where(visible_to(learner_id, "item"), visible_to(learner_id, "required"))
    )
    graph: dict[str, list[str]] = {}
    for slug, after in session.execute(query):
        graph.setdefault(slug, []).append(after)
    return graph
