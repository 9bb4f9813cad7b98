"""Write a pathway into a database: upsert by slug, retire what left it.

Learner progress is never touched: items are matched by slug, updated in place, and an item
that is no longer in the pathway leaves its membership; it is marked retired (never deleted)
when no other pathway has it. Each pathway retires only its own.
"""

import json
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session

from mltrack.core.dates import utc_now_iso
from mltrack.core.vocabulary import PathwayChange
from mltrack.formats.seed_files import seed_digest
from mltrack.formats.seed_format import SeedData, SeedError, item_facts, provenance
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
    PathwayChangeLog,
    PathwayItem,
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
    retitled: int = 0

    def __str__(self) -> str:
        return f"{self.items} pathway items, {self.added} new, {self.retired} retired"


def apply_seed(
    session: Session, seed: SeedData, shipped: bool = True, digest: str | None = None
) -> SeedSummary:
    """Upsert a pathway into the database and record its digest; idempotent.

    ``shipped``: the pathway mltrack ships (it also owns the areas, groups and career facts);
    else a pathway the learner installed. Whatever it is, what it retires is its own: items
    that left it leave its membership, and are retired only when no other pathway has them.
    """
    now = utc_now_iso()
    pathway, fresh = _pathway_row(session, seed["pathway"][0].values, shipped, now)
    digest = seed_digest() if shipped else digest
    if fresh or pathway.digest != digest:  # reseeding the same files changes nothing
        pathway.digest, pathway.updated_at = digest, now
    _refuse_foreign_steps(session, seed, pathway.id)
    steps = _upsert(
        session,
        Step,
        [_step_row(e.values, pathway.id, i) for i, e in enumerate(seed["step"])],
        Step.pathway_id == pathway.id,
    )
    step_ids = {step.slug: step.id for step in steps}
    area_rows = [{**_without(e.values, "step", "quote"), "position": i}
                 for i, e in enumerate(seed["area"])]  # fmt: skip
    areas = _upsert(session, Area, area_rows) if shipped else _add_missing(session, Area, area_rows)
    area_ids = {area.slug: area.id for area in areas}
    group_rows = [_group_row(e.values) for e in seed["group"]]
    groups = (
        _upsert(session, ItemGroup, group_rows)
        if shipped
        else _add_missing(session, ItemGroup, group_rows)
    )
    ids = {"step": step_ids, "area": area_ids, "group": {g.slug: g.id for g in groups}}
    required = {
        e.slug: (e.values["required"], provenance(e.values, ["required"])["required"])
        for e in seed["group"]
    }
    rows = [_item_row(e.values, i, ids, required) for i, e in enumerate(seed["item"])]
    was = {row.id: (row.required, row.area_id)
           for row in session.execute(select(Item.id, Item.required, Item.area_id))}  # fmt: skip
    items, written, log = _write_items(session, pathway.id, rows)
    _resummarise(
        session,
        [i.id for i in items if was.get(i.id, (i.required, i.area_id)) != (i.required, i.area_id)],
    )
    _replace_prerequisites(session, seed, {i.slug: i.id for i in items}, {i.id for i in written})
    log += _sync_members(session, pathway.id, items, rows)
    retired = sum(1 for change, _, _ in log if change == PathwayChange.RETIRED)
    retired += _retire_steps(session, pathway.id, set(step_ids.values()))
    if shipped:
        _upsert(
            session, CareerFact, [_career_row(e.values, i) for i, e in enumerate(seed["career"])]
        )
        _upsert(
            session,
            CareerSource,
            [{**e.values, "position": i} for i, e in enumerate(seed["source"])],
        )
        models = (Area, ItemGroup, CareerFact, CareerSource)
        retired += sum(_retire_missing(session, model, seed) for model in models)
        _ensure_default_learner(session)
        session.merge(Meta(key=SEED_DIGEST_KEY, value=seed_digest()))
    if not fresh:  # a first install adds everything: whatsnew is about updates
        session.add_all(
            PathwayChangeLog(pathway_id=pathway.id, item_id=item.id, change=change,
                             title=item.title, old_title=old, changed_at=now)
            for change, item, old in log
        )  # fmt: skip
    _reindex(session)  # search: every pathway's items, as the files now have them
    added = sum(1 for change, _, _ in log if change == PathwayChange.ADDED)
    retitled = sum(1 for change, _, _ in log if change == PathwayChange.RETITLED)
    if fresh:
        added = len(items)
    return SeedSummary(items=len(items), added=added, retired=retired, retitled=retitled)


def _pathway_row(
    session: Session, values: dict[str, Any], shipped: bool, now: str
) -> tuple[Pathway, bool]:
    """The pathway's row, made or brought up to date; and whether it is new (or was removed)."""
    pathway = session.scalar(select(Pathway).where(Pathway.slug == values["slug"]))
    fresh = pathway is None or pathway.retired
    if pathway is None:
        pathway = Pathway(**values, shipped=shipped, installed_at=now)
        session.add(pathway)
    for key, value in values.items():
        setattr(pathway, key, value)
    if fresh:
        pathway.installed_at = now
    pathway.retired, pathway.shipped = False, shipped
    session.flush()
    return pathway, fresh


def _refuse_foreign_steps(session: Session, seed: SeedData, pathway_id: int) -> None:
    """Step slugs are one namespace: a pathway cannot take another's step."""
    slugs = {entry.slug for entry in seed["step"]}
    taken = session.execute(
        select(Step.slug, Pathway.slug)
        .join(Pathway, Pathway.id == Step.pathway_id)
        .where(Step.pathway_id != pathway_id, Step.slug.in_(slugs))
    ).first()
    if taken is not None:
        raise SeedError([f"step {taken[0]!r} is a step of pathway {taken[1]!r}; "
                         "give the step a slug of its own"])  # fmt: skip


def _write_items(
    session: Session, pathway_id: int, rows: list[dict[str, Any]]
) -> tuple[list[Item], dict[Item, bool], list[tuple[PathwayChange, Item, str | None]]]:
    """Upsert the pathway's items by slug. An item another pathway brought in (its home, the
    pathway of its ``step_id``, still has it) is shared: one item, its facts left as its home
    pathway says. Returns the items, those written (with their old required-ness), and the
    retitles."""
    existing = {item.slug: item for item in session.scalars(_seeded(Item))}
    home = {row[0]: row[1] for row in session.execute(select(Step.id, Step.pathway_id))}
    members = {
        (row[0], row[1])
        for row in session.execute(select(PathwayItem.pathway_id, PathwayItem.item_id))
    }
    items, written, log = [], {}, []
    for row in rows:
        item = existing.get(row["slug"])
        if item is None:
            item = Item(**row)
            session.add(item)
            written[item] = row["required"]
        elif home[item.step_id] == pathway_id or (home[item.step_id], item.id) not in members:
            written[item] = item.required
            if item.title != row["title"] and not item.retired:
                log.append((PathwayChange.RETITLED, item, item.title))
            for key, value in row.items():
                setattr(item, key, value)
        item.retired = False
        items.append(item)
    session.flush()
    return items, written, log


def _sync_members(
    session: Session, pathway_id: int, items: list[Item], rows: list[dict[str, Any]]
) -> list[tuple[PathwayChange, Item, str | None]]:
    """Make the pathway's membership its items, each in its step; what left it is retired
    when no other pathway has it (an item with progress is kept, never deleted)."""
    members = {
        m.item_id: m
        for m in session.scalars(select(PathwayItem).where(PathwayItem.pathway_id == pathway_id))
    }
    log: list[tuple[PathwayChange, Item, str | None]] = []
    for item, row in zip(items, rows, strict=True):
        member = members.pop(item.id, None)
        if member is None:
            session.add(PathwayItem(pathway_id=pathway_id, item_id=item.id,
                                    step_id=row["step_id"], position=row["position"]))  # fmt: skip
            log.append((PathwayChange.ADDED, item, None))
        else:
            member.step_id, member.position = row["step_id"], row["position"]
    for member in members.values():
        item = session.get_one(Item, member.item_id)
        session.delete(member)
        log.append((PathwayChange.RETIRED, item, None))
        leave(session, item, pathway_id)
    session.flush()
    return log


def leave(session: Session, item: Item, pathway_id: int) -> None:
    """``item`` has left the pathway: retired if no other pathway has it, else its home moves
    to one that does (its facts are then that pathway's to write)."""
    other = session.scalar(
        select(PathwayItem.step_id).where(
            PathwayItem.item_id == item.id, PathwayItem.pathway_id != pathway_id
        )
    )
    if other is None:
        item.retired = True
    elif session.get_one(Step, item.step_id).pathway_id == pathway_id:
        item.step_id = other


def _retire_steps(session: Session, pathway_id: int, keep: set[int]) -> int:
    gone = session.scalars(
        select(Step).where(Step.pathway_id == pathway_id, Step.retired.is_(False))
    ).all()
    gone = [step for step in gone if step.id not in keep]
    for step in gone:
        step.retired = True
    return len(gone)


def _add_missing(session: Session, model: type[M], rows: list[dict[str, Any]]) -> list[M]:
    """The rows by slug: those that exist (another pathway's, kept as they are) and new ones."""
    existing = {obj.slug: obj for obj in session.scalars(select(model))}  # type: ignore[attr-defined]
    result = []
    for row in rows:
        obj = existing.get(row["slug"])
        if obj is None:
            obj = model(**row)
            session.add(obj)
        result.append(obj)
    session.flush()
    return result


def _resummarise(session: Session, item_ids: list[int]) -> None:
    """The day summary counts required finishes, the week summary sums study per area:
    rebuild both for every learner who has an entry about an item whose required-ness or
    study area the seed changed."""
    if not item_ids:
        return
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild_days, rebuild_weeks

    learners = session.scalars(
        select(Journal.learner_id).where(Journal.item_id.in_(item_ids)).distinct()
    ).all()
    with borrowed_writer(session.connection()) as store:
        for learner_id in learners:
            rebuild_days(store, learner_id)
            rebuild_weeks(store, learner_id)


def _reindex(session: Session) -> None:
    """The search index's titles and quotes of the seeded items (every pathway's), as the
    seed files now have them."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.search_index import index_items

    session.flush()
    with borrowed_writer(session.connection()) as store:
        index_items(store, "WHERE learner_id IS NULL")


def _upsert(session: Session, model: type[M], rows: list[dict[str, Any]], *where: Any) -> list[M]:
    existing = {obj.slug: obj for obj in session.scalars(_seeded(model).where(*where))}
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


def _replace_prerequisites(
    session: Session, seed: SeedData, ids: dict[str, int], written: set[int]
) -> None:
    """The prerequisites of the items whose facts this pathway writes (not of shared ones)."""
    session.execute(delete(ItemPrerequisite).where(ItemPrerequisite.item_id.in_(written)))
    session.add_all(
        ItemPrerequisite(item_id=ids[entry.slug], requires_id=ids[other])
        for entry in seed["item"]
        if ids[entry.slug] in written
        for other in entry.values.get("after", [])
    )


def _retire_missing(session: Session, model: type[Base], seed: SeedData) -> int:
    table = {Area: "area", ItemGroup: "group", Item: "item", CareerFact: "career",
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
