"""A learner's own pathway items: added beside the seeded ones, removable by their owner only.

Own slugs start with ``my.``; the seed's slugs are lower-case words joined by ``-`` (checked
by ``mltrack.formats.seed_format``), so a later seed can never bring a slug that clashes with
one. Adding and removing are journal entries (kind ``plan``, subject ``item:SLUG``); a removed
item is retired, not deleted, so the journal that names it stays whole.
"""

from datetime import date

from mltrack.core.changes import Removal
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import MAX_HOURS, check_range, check_text
from mltrack.core.matching import match_slug, slugify
from mltrack.core.vocabulary import ItemKind, JournalKind, PlanAction
from mltrack.queries.lookup import find_item, learner_id
from mltrack.queries.pathway import resolve_area
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal
from mltrack.services.planning import add_prerequisite, ordering_subject

OWN_SLUG_PREFIX = "my."
MAX_TITLE_LENGTH = 200
OWN_SOURCE = "added by the learner"

_INSERT_ITEM_SQL = """
    INSERT INTO item (slug, title, kind, step_id, area_id, position, required, hours_estimate,
                      provider, source, quote, retired, learner_id)
    VALUES (:slug, :title, :kind, :step_id, :area_id,
            (SELECT COALESCE(MAX(position), 0) + 1 FROM item), :required, :hours, :provider,
            :source, '', TRUE, :learner_id)
"""
_HISTORY_SQL = """
    SELECT kind, COUNT(*) AS entries FROM journal
    WHERE learner_id = :learner_id AND item_id = :item_id AND kind <> :plan AND flag IS NULL
    GROUP BY kind ORDER BY kind
"""
_OWN_ORDERINGS_SQL = """
    SELECT i.slug AS item, r.slug AS requires FROM learner_prerequisite p
    JOIN item i ON i.id = p.item_id JOIN item r ON r.id = p.requires_id
    WHERE p.learner_id = :learner_id AND (p.item_id = :item_id OR p.requires_id = :item_id)
"""


def add_own_item(
    store: SqliteWriter,
    learner_name: str,
    title: str,
    kind: ItemKind,
    today: date,
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
    learner = learner_id(store, learner_name)
    area = resolve_area(store, area_text) if area_text else None
    step = _step_for(store, step_text, area)
    slug = _free_slug(store, OWN_SLUG_PREFIX + base)
    values = {"title": title, "kind": str(kind), "step": step, "area": area, "hours": hours,
              "provider": provider, "required": required}  # fmt: skip
    item_id = store.insert(
        _INSERT_ITEM_SQL, slug=slug, title=title, kind=kind, required=required, hours=hours,
        provider=provider, source=OWN_SOURCE, learner_id=learner,
        step_id=_id_of(store, "step", step), area_id=_id_of(store, "area", area),
    )  # fmt: skip
    change = journal.Change(JournalKind.PLAN, PlanAction.SET, f"item:{slug}", today,
                            item_id, values)  # fmt: skip
    journal.record(store, learner, change)
    for text in dict.fromkeys(after):  # each its own entry: undo reverts them one by one
        add_prerequisite(store, learner_name, slug, text, today)
    return slug


def remove_own_item(store: SqliteWriter, learner_name: str, text: str, today: date) -> Removal:
    """Remove an item the learner added: it leaves the pathway (retired), with the orderings
    that name it; its history stays in the journal."""
    learner = learner_id(store, learner_name)
    item = find_item(store, learner, text)
    if not item.own:
        raise MltrackError(
            f"{item.slug} is part of the shipped pathway and cannot be removed; "
            f"if it does not apply to you: mltrack skip {item.slug}"
        )
    kept = {
        row["kind"]: row["entries"]
        for row in store.rows(
            _HISTORY_SQL, learner_id=learner, item_id=item.id, plan=JournalKind.PLAN
        )
    }
    change = journal.Change(JournalKind.PLAN, PlanAction.CLEAR, f"item:{item.slug}", today,
                            item.id)  # fmt: skip
    group = journal.record(store, learner, change).id
    orderings = store.rows(_OWN_ORDERINGS_SQL, learner_id=learner, item_id=item.id)
    for row in orderings:  # linked: undoing the removal brings them back
        subject = ordering_subject(row["item"], row["requires"])
        ordering = journal.Change(JournalKind.PLAN, PlanAction.CLEAR, subject, today,
                                  _id_of(store, "item", row["item"]))  # fmt: skip
        journal.record(store, learner, ordering, group)
    return Removal(item.slug, deleted=False, kept=kept, orderings=len(orderings))


def _step_for(store: SqliteWriter, step_text: str | None, area: str | None) -> str:
    steps = store.rows("SELECT slug, title FROM step WHERE NOT retired ORDER BY position")
    if step_text is not None:
        return match_slug(step_text, [(s["slug"], s["title"]) for s in steps], what="step")
    if area is not None:
        # The step where the seed puts the area's items.
        found = store.rows(
            """SELECT s.slug FROM step s JOIN item i ON i.step_id = s.id
               JOIN area a ON a.id = i.area_id
               WHERE a.slug = :area AND i.learner_id IS NULL AND NOT s.retired LIMIT 1""",
            area=area,
        )
        if found:
            return found[0]["slug"]
    raise InputError("say where the item goes with --step STEP (or --area AREA)")


def _free_slug(store: SqliteWriter, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no item has yet."""
    rows = store.rows("SELECT slug FROM item WHERE slug >= :low AND slug < :high",
                      low=base, high=base + "\U0010ffff")  # fmt: skip
    taken = {row["slug"] for row in rows}
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _id_of(store: SqliteWriter, table: str, slug: str | None) -> int | None:
    if slug is None:
        return None
    return store.rows(f"SELECT id FROM {table} WHERE slug = :slug", slug=slug)[0]["id"]
