"""Write the shipped pathway into a database: upsert by slug, retire what left the seed.

Learner progress is never touched: items are matched by slug, updated in place, and an item
that is no longer in the seed is marked retired rather than deleted.
"""

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from mltrack.core.dates import utc_now_iso
from mltrack.formats.seed_files import seed_digest
from mltrack.formats.seed_format import SeedData, item_facts, provenance
from mltrack.models import (
    Area,
    Base,
    CareerFact,
    CareerSource,
    Item,
    ItemGroup,
    ItemPrerequisite,
    Journal,
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
        [_step_row(e.values, pathway.id, i) for i, e in enumerate(seed["step"])],
    )
    step_ids = {step.slug: step.id for step in steps}
    areas = _upsert(
        session,
        Area,
        [{**_without(e.values, "step", "quote"), "position": i}
         for i, e in enumerate(seed["area"])],
    )  # fmt: skip
    area_ids = {area.slug: area.id for area in areas}
    groups = _upsert(session, ItemGroup, [_group_row(e.values) for e in seed["group"]])
    ids = {"step": step_ids, "area": area_ids, "group": {g.slug: g.id for g in groups}}
    required = {
        e.slug: (e.values["required"], provenance(e.values, ["required"])["required"])
        for e in seed["group"]
    }
    before = set(session.scalars(select(Item.slug)))
    was_required = {row.id: row.required for row in session.execute(select(Item.id, Item.required))}
    items = _upsert(session, Item, [_item_row(e.values, i, ids, required)
                                    for i, e in enumerate(seed["item"])])  # fmt: skip
    _resummarise(session, [i.id for i in items if was_required.get(i.id, i.required) != i.required])
    _replace_prerequisites(session, seed, {item.slug: item.id for item in items})
    _upsert(session, CareerFact, [_career_row(e.values, i) for i, e in enumerate(seed["career"])])
    _upsert(
        session, CareerSource, [{**e.values, "position": i} for i, e in enumerate(seed["source"])]
    )
    models = (Step, Area, ItemGroup, Item, CareerFact, CareerSource)
    retired = sum(_retire_missing(session, model, seed) for model in models)
    _ensure_default_learner(session)
    _reindex(session)
    session.merge(Meta(key=SEED_DIGEST_KEY, value=seed_digest()))
    added = len({item.slug for item in items} - before)
    return SeedSummary(items=len(items), added=added, retired=retired)


def _resummarise(session: Session, item_ids: list[int]) -> None:
    """The day summary counts required finishes: rebuild it for every learner who has an
    entry about an item whose required-ness the seed changed."""
    if not item_ids:
        return
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild_days

    learners = session.scalars(
        select(Journal.learner_id).where(Journal.item_id.in_(item_ids)).distinct()
    ).all()
    with borrowed_writer(session.connection()) as store:
        for learner_id in learners:
            rebuild_days(store, learner_id)


def _reindex(session: Session) -> None:
    """The search index's titles and quotes of the shipped items, as the seed now has them."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.search_index import index_items

    session.flush()
    with borrowed_writer(session.connection()) as store:
        index_items(store, "WHERE learner_id IS NULL")


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


def _step_row(values: dict[str, Any], pathway_id: int, position: int) -> dict[str, Any]:
    reason = values.get("suggested")
    basis = (
        {"basis": "suggested", "reason": reason}
        if reason
        else {"basis": "article", "section": values["source"], "quote": values["quote"]}
    )
    row = _without(values, "quote", "suggested")
    return {**row, "pathway_id": pathway_id, "position": position, "provenance": json.dumps(basis)}


def _group_row(values: dict[str, Any]) -> dict[str, Any]:
    return _without(values, "from_article", "suggested")


def _career_row(values: dict[str, Any], position: int) -> dict[str, Any]:
    return {"country": None, "period": None, **values, "position": position}


def _item_row(values: dict[str, Any], position: int, ids: dict[str, dict[str, int]],
              groups: dict[str, tuple[bool, dict[str, str]]]) -> dict[str, Any]:  # fmt: skip
    """An item's row; a group member's required-ness (and its provenance) is its group's."""
    row = _without(values, "step", "area", "after", "group", "from_article", "suggested")
    group = values.get("group")
    row["required"] = groups[group][0] if group else values.get("required", True)
    for optional in ("hours_estimate", "provider", "url", "article_name"):
        row.setdefault(optional, None)
    row.setdefault("quote", "")
    row.setdefault("on_the_job", False)
    area = values.get("area")
    facts = provenance(values, item_facts(values))
    if group:
        facts = {"required": groups[group][1], **facts}
    return {**row, "position": position, "step_id": ids["step"][values["step"]],
            "area_id": ids["area"][area] if area else None,
            "group_id": ids["group"][group] if group else None,
            "provenance": json.dumps(facts)}  # fmt: skip


def _replace_prerequisites(session: Session, seed: SeedData, ids: dict[str, int]) -> None:
    session.execute(delete(ItemPrerequisite).where(ItemPrerequisite.item_id.in_(ids.values())))
    session.add_all(
        ItemPrerequisite(item_id=ids[entry.slug], requires_id=ids[other])
        for entry in seed["item"]
        for other in entry.values.get("after", [])
    )


def _retire_missing(session: Session, model: type[Base], seed: SeedData) -> int:
    table = {Step: "step", Area: "area", ItemGroup: "group", Item: "item", CareerFact: "career",
             CareerSource: "source"}[model]  # fmt: skip
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
