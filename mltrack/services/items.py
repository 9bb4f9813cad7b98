"""A learner's own pathway items: added beside the seeded ones, removable by their owner only.

Own slugs start with ``my.``; the seed's slugs are lower-case words joined by ``-`` (checked
by ``mltrack.formats.seed_format``), so a later seed can never bring a slug that clashes with one.
"""

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from mltrack.core.changes import Removal
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import MAX_HOURS, check_range, check_text
from mltrack.core.matching import match_slug, slugify
from mltrack.core.vocabulary import ItemKind
from mltrack.models import (
    Area,
    CertEvent,
    CertGoal,
    Item,
    LearnerPrerequisite,
    Progress,
    ProgressEvent,
    ReadingEntry,
    Step,
    StudySession,
)
from mltrack.services.lookup import get_item, get_learner
from mltrack.services.projects import find_area

OWN_SLUG_PREFIX = "my."
MAX_TITLE_LENGTH = 200
OWN_SOURCE = "added by the learner"

# The history that may name an item, as (label, model); each model has an item_id column.
_HISTORY = (
    ("progress event", ProgressEvent),
    ("study session", StudySession),
    ("reading log record", ReadingEntry),
    ("certification event", CertEvent),
)


def add_own_item(
    session: Session,
    learner_name: str,
    title: str,
    kind: ItemKind,
    area_text: str | None = None,
    step_text: str | None = None,
    hours: float | None = None,
    after: tuple[str, ...] = (),
    provider: str | None = None,
    required: bool = True,
) -> str:
    """Add an item of the learner's own to the pathway and return its slug."""
    title = title.strip()
    base = slugify(title)
    if not base or len(title) > MAX_TITLE_LENGTH:
        raise InputError(f"a title needs a letter or digit and at most {MAX_TITLE_LENGTH} "
                         "characters")  # fmt: skip
    check_text(title, "a title", max_length=MAX_TITLE_LENGTH)
    if hours is not None:
        check_range(hours, 0, MAX_HOURS, "an hours estimate")
    if provider is not None:
        check_text(provider, "a provider")
    learner = get_learner(session, learner_name)
    area = find_area(session, area_text) if area_text else None
    step = _step_for(session, step_text, area)
    requires = [get_item(session, learner, text) for text in dict.fromkeys(after)]
    position = session.scalar(select(func.max(Item.position))) or 0
    item = Item(
        slug=_free_slug(session, OWN_SLUG_PREFIX + base), title=title, kind=kind,
        step_id=step.id, area_id=area.id if area else None, position=position + 1,
        required=required, hours_estimate=hours, provider=provider, source=OWN_SOURCE,
        quote="", retired=False, learner_id=learner.id,
    )  # fmt: skip
    session.add(item)
    session.flush()
    session.add_all(
        LearnerPrerequisite(learner_id=learner.id, item_id=item.id, requires_id=other.id)
        for other in requires
    )
    return item.slug


def remove_own_item(session: Session, learner_name: str, text: str) -> Removal:
    """Remove an item the learner added. One with history (progress, study time, reading,
    certification steps) is retired instead: hidden from the pathway, its history kept."""
    learner = get_learner(session, learner_name)
    item = get_item(session, learner, text)
    if item.learner_id != learner.id:
        raise MltrackError(
            f"{item.slug} is part of the shipped pathway and cannot be removed; "
            f"if it does not apply to you: mltrack skip {item.slug}"
        )
    kept = {label: n for label, model in _HISTORY if (n := _count(session, model, item.id))}
    orderings = session.execute(
        delete(LearnerPrerequisite).where(
            or_(LearnerPrerequisite.item_id == item.id, LearnerPrerequisite.requires_id == item.id)
        )
    ).rowcount  # type: ignore[attr-defined]
    if kept:
        item.retired = True
        return Removal(item.slug, deleted=False, kept=kept, orderings=orderings)
    for model in (Progress, CertGoal):  # a current state with no history: nothing to keep
        session.execute(delete(model).where(model.item_id == item.id))
    session.delete(item)
    return Removal(item.slug, deleted=True, orderings=orderings)


def _step_for(session: Session, step_text: str | None, area: Area | None) -> Step:
    steps = session.scalars(select(Step).where(Step.retired.is_(False))).all()
    if step_text is not None:
        slug = match_slug(step_text, [(s.slug, s.title) for s in steps], what="step")
        return next(s for s in steps if s.slug == slug)
    if area is not None:
        # The step where the seed puts the area's items.
        step = session.scalars(
            select(Step).join(Item, Item.step_id == Step.id)
            .where(Item.area_id == area.id, Item.learner_id.is_(None)).limit(1)
        ).first()  # fmt: skip
        if step is not None:
            return step
    raise InputError("say where the item goes with --step STEP (or --area AREA)")


def _free_slug(session: Session, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no item has yet."""
    taken = set(session.scalars(select(Item.slug).where(Item.slug.startswith(base))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _count(session: Session, model: type, item_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(model).where(model.item_id == item_id)) or 0
    )
