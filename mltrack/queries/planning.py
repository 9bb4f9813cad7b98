"""``mltrack next``: the items to take up next, each with the reason it was picked.

An item is ready when it is planned or in progress and every prerequisite (from the seed, and
the learner's own) is done or skipped: a skipped item does not apply to the learner, so it
holds nothing back. Ready items come in this order: required items of every step before
optional ones (unless ``all_in_step_order``), then earlier education steps first, then items in
progress before new ones, then pathway order. ``required_only`` and ``step`` narrow the list and
its counts.
"""

from typing import NamedTuple

from mltrack.core.errors import NotFoundError
from mltrack.core.rules import item_step, pathway_in_use, visible_items
from mltrack.core.vocabulary import ItemStatus, sql_in, sql_value
from mltrack.queries.reader import Reader, status_of

# Prerequisites as (item_id, requires_id): the seed's and the learner's own.
PREREQUISITE_EDGES = """
    SELECT item_id, requires_id FROM item_prerequisite
    UNION
    SELECT item_id, requires_id FROM learner_prerequisite WHERE learner_id = :learner_id
"""


def _unmet(table: str, extra: str = "") -> str:
    """EXISTS-able SQL: a prerequisite of item ``i`` in ``table`` not yet done or skipped."""
    return f"""
        SELECT 1 FROM {table} e
        JOIN item r ON r.id = e.requires_id
        LEFT JOIN progress rp ON rp.item_id = r.id AND rp.learner_id = :learner_id
        WHERE e.item_id = i.id {extra} AND {visible_items("r")}
          AND {status_of("rp")} NOT IN {sql_in(ItemStatus.DONE, ItemStatus.SKIPPED)}
    """


_OPEN = sql_in(ItemStatus.PLANNED, ItemStatus.IN_PROGRESS)

# An alternative group the learner satisfied: another member of item ``i``'s group is done.
# CROSS JOIN keeps the order in SQLite (its condition sits in WHERE, as PostgreSQL wants): the
# group's few members through ix_item_group_id, then each one's progress row by its key. Left
# to itself SQLite read the learner's every progress row for every item (half the steps of
# ``next`` and ``report``); an item in no group reads none.
_GROUP_DONE = f"""
    SELECT 1 FROM item gm
    CROSS JOIN progress gp
    WHERE i.group_id IS NOT NULL AND gm.group_id = i.group_id AND NOT gm.retired
      AND gp.learner_id = :learner_id AND gp.item_id = gm.id
      AND gp.status = {sql_value(ItemStatus.DONE)}
"""

# Open items (planned or in progress) that the learner sees, in a current step, and not an
# alternative to one already done; only the required ones with :required_only, only those of
# the step :step unless it is NULL.
_OPEN_ITEMS = f"""
    FROM item i
    JOIN step s ON s.id = {item_step()} AND NOT s.retired
    LEFT JOIN area a ON a.id = i.area_id
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    WHERE {visible_items()} AND {status_of()} IN {_OPEN} AND NOT EXISTS ({_GROUP_DONE})
      AND (i.required OR NOT :required_only) AND (:step IS NULL OR s.slug = :step)
"""

# One NOT EXISTS per table, so that each is a primary-key lookup on its own table.
_READY = f"""
    NOT EXISTS ({_unmet("item_prerequisite")})
    AND NOT EXISTS ({_unmet("learner_prerequisite", "AND e.learner_id = :learner_id")})
"""

READY_SQL = f"""
    SELECT i.id, i.slug, i.title, i.kind, i.required, s.title AS step_title, i.provider,
           {status_of()} AS status, p.started_on
    {_OPEN_ITEMS} AND {_READY}
    ORDER BY CASE WHEN i.required OR NOT :required_first THEN 0 ELSE 1 END,
             s.position,
             CASE WHEN p.status = {sql_value(ItemStatus.IN_PROGRESS)} THEN 0 ELSE 1 END,
             CASE WHEN i.required THEN 0 ELSE 1 END,
             CASE WHEN a.position IS NULL THEN 1 ELSE 0 END, a.position, i.position
    LIMIT :limit
"""

COUNTS_SQL = f"""
    SELECT COUNT(*) AS open_items,
           SUM(CASE WHEN {_READY} THEN 0 ELSE 1 END) AS waiting
    {_OPEN_ITEMS}
"""

_PREREQUISITES_OF_SQL = f"""
    SELECT e.item_id, r.slug, {status_of("rp")} AS status
    FROM ({PREREQUISITE_EDGES}) e
    JOIN item r ON r.id = e.requires_id
    LEFT JOIN progress rp ON rp.item_id = r.id AND rp.learner_id = :learner_id
    WHERE e.item_id IN ({{ids}}) AND {visible_items("r")}
    ORDER BY r.slug
"""


class NextItem(NamedTuple):
    slug: str
    title: str
    kind: str
    required: bool
    step_title: str
    status: str
    started_on: str | None
    prerequisites: list[str]
    reason: str
    provider: str | None = None  # who offers it: certifications are told apart by it


class NextItems(NamedTuple):
    learner: str
    items: list[NextItem] = []  # noqa: RUF012 (never mutated)
    open_items: int = 0
    waiting: int = 0  # open items held back by a prerequisite not yet done
    required_only: bool = False  # the items and counts are of required items only
    step: str | None = None  # ... of this step's items only


STEPS_SQL = f"""SELECT slug FROM step WHERE NOT retired AND pathway_id = {pathway_in_use()}
               ORDER BY position"""


def next_items(
    reader: Reader,
    learner: str,
    learner_id: int,
    limit: int = 5,
    *,
    all_in_step_order: bool = False,
    required_only: bool = False,
    step: str | None = None,
) -> NextItems:
    """Up to ``limit`` ready items in the order to take them up, with the open/waiting counts.

    Required items of any step come first, unless ``all_in_step_order`` puts optional ones
    among them by step; ``required_only`` leaves optional items out, ``step`` (a step slug)
    keeps that step's items only; the counts are of the items so narrowed.
    """
    if step is not None:
        _check_step(reader, learner_id, step)
    narrowed = {"learner_id": learner_id, "required_only": required_only, "step": step}
    rows = reader.rows(READY_SQL, **narrowed, required_first=not all_in_step_order, limit=limit)
    prerequisites = _prerequisites_of(reader, learner_id, [row["id"] for row in rows])
    items = []
    for row in rows:
        met = prerequisites.get(row["id"], [])
        started = None if row["started_on"] is None else str(row["started_on"])
        items.append(
            NextItem(
                slug=row["slug"], title=row["title"], kind=row["kind"],
                required=bool(row["required"]), step_title=row["step_title"],
                status=row["status"], started_on=started, prerequisites=met,
                reason=_reason(row["status"], started, met), provider=row["provider"],
            )
        )  # fmt: skip
    counts = reader.rows(COUNTS_SQL, **narrowed)[0]
    return NextItems(
        learner, items, counts["open_items"] or 0, counts["waiting"] or 0, required_only, step
    )


def _check_step(reader: Reader, learner_id: int, step: str) -> None:
    steps = [row["slug"] for row in reader.rows(STEPS_SQL, learner_id=learner_id)]
    if step not in steps:
        raise NotFoundError("step", step, [], hint="steps are: " + ", ".join(steps))


def _prerequisites_of(reader: Reader, learner_id: int, item_ids: list[int]) -> dict[int, list[str]]:
    """Each item's prerequisites as slugs, a skipped one marked "(skipped)"."""
    if not item_ids:
        return {}
    names = {f"id{n}": item_id for n, item_id in enumerate(item_ids)}
    sql = _PREREQUISITES_OF_SQL.format(ids=", ".join(f":{name}" for name in names))
    found: dict[int, list[str]] = {}
    for row in reader.rows(sql, learner_id=learner_id, **names):
        label = row["slug"] + (" (skipped)" if row["status"] == "skipped" else "")
        found.setdefault(row["item_id"], []).append(label)
    return found


def _reason(status: str, started_on: str | None, prerequisites: list[str]) -> str:
    if status == "in_progress":
        return f"in progress since {started_on}" if started_on else "in progress"
    if prerequisites:
        return "prerequisites met: " + ", ".join(prerequisites)
    return "no prerequisites"
