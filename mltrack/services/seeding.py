"""Write the shipped pathway into a database: upsert by slug, retire what left the seed.

Learner progress is never touched: items are matched by slug, updated in place, and an item
that is no longer in the seed is marked retired rather than deleted.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from mltrack.core.dates import utc_now_iso
from mltrack.formats.seed_files import seed_digest
from mltrack.formats.seed_format import SeedData
from mltrack.models import (
    Area,
    Base,
    CareerFact,
    Item,
    ItemPrerequisite,
    Learner,
    Meta,
    Pathway,
    Step,
)
from mltrack.store.db import SEED_DIGEST_KEY
from mltrack.store.paths import DEFAULT_LEARNER

M = TypeVar("M", bound=Base)


@dataclass(frozen=True)
class SeedSummary:
    items: int
    added: int
    retired: int

    def __str__(self) -> str:
        return f"{self.items} pathway items, {self.added} new, {self.retired} retired"


def apply_seed(session: Session, seed: SeedData) -> SeedSummary:
    """Upsert the seed into the database and record its digest; idempotent."""
    pathway = _upsert(session, Pathway, [e.values for e in seed["pathway"]])[0]
    steps = _upsert(
        session,
        Step,
        [{**e.values, "pathway_id": pathway.id, "position": i} for i, e in enumerate(seed["step"])],
    )
    step_ids = {step.slug: step.id for step in steps}
    areas = _upsert(
        session,
        Area,
        [{**_without(e.values, "step"), "position": i} for i, e in enumerate(seed["area"])],
    )
    area_ids = {area.slug: area.id for area in areas}
    before = set(session.scalars(select(Item.slug)))
    items = _upsert(session, Item, [_item_row(e.values, i, step_ids, area_ids)
                                    for i, e in enumerate(seed["item"])])  # fmt: skip
    _replace_prerequisites(session, seed, {item.slug: item.id for item in items})
    _upsert(
        session, CareerFact, [{**e.values, "position": i} for i, e in enumerate(seed["career"])]
    )
    retired = sum(_retire_missing(session, model, seed) for model in (Step, Area, Item, CareerFact))
    _ensure_default_learner(session)
    session.merge(Meta(key=SEED_DIGEST_KEY, value=seed_digest()))
    added = len({item.slug for item in items} - before)
    return SeedSummary(items=len(items), added=added, retired=retired)


def _upsert(session: Session, model: type[M], rows: list[dict[str, Any]]) -> list[M]:
    existing = {obj.slug: obj for obj in session.scalars(_seeded(model))}
    result = []
    for row in rows:
        obj = existing.get(row["slug"])
        if obj is None:
            obj = model(**row)
            session.add(obj)
        else:
            for key, value in row.items():
                setattr(obj, key, value)
        if hasattr(obj, "retired"):
            obj.retired = False
        result.append(obj)
    session.flush()
    return result


def _item_row(values: dict[str, Any], position: int, steps: dict[str, int],
              areas: dict[str, int]) -> dict[str, Any]:  # fmt: skip
    row = _without(values, "step", "area", "after")
    row.setdefault("required", True)
    for optional in ("hours_estimate", "provider", "url"):
        row.setdefault(optional, None)
    row.setdefault("quote", "")
    area = values.get("area")
    return {**row, "position": position, "step_id": steps[values["step"]],
            "area_id": areas[area] if area else None}  # fmt: skip


def _replace_prerequisites(session: Session, seed: SeedData, ids: dict[str, int]) -> None:
    session.execute(delete(ItemPrerequisite).where(ItemPrerequisite.item_id.in_(ids.values())))
    session.add_all(
        ItemPrerequisite(item_id=ids[entry.slug], requires_id=ids[other])
        for entry in seed["item"]
        for other in entry.values.get("after", [])
    )


def _retire_missing(session: Session, model: type[Base], seed: SeedData) -> int:
    table = {Step: "step", Area: "area", Item: "item", CareerFact: "career"}[model]
    keep = {entry.slug for entry in seed[table]}
    gone = [
        obj
        for obj in session.scalars(_seeded(model).where(model.retired.is_(False)))  # type: ignore[attr-defined]
        if obj.slug not in keep
    ]
    for obj in gone:
        obj.retired = True
    return len(gone)


def _seeded(model: type[Base]) -> Select:
    """Rows that came from the seed: a learner's own items are never upserted or retired."""
    query = select(model)
    return query.where(Item.learner_id.is_(None)) if model is Item else query


def _ensure_default_learner(session: Session) -> None:
    if session.scalar(select(Learner.id).limit(1)) is None:
        session.add(Learner(name=DEFAULT_LEARNER, created_at=utc_now_iso()))


def _without(values: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key not in keys}
