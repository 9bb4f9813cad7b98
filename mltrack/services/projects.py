"""Portfolio projects: hands-on work on real data, linked to the study areas it exercises and
to the pathway items it counts toward (by default the seeded portfolio project). Adding one
starts those items when they are planned; finishing it marks them done; each is a journal
entry with its linked changes, undone together."""

from datetime import date

from mltrack.core.changes import ProjectChange
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import check_text
from mltrack.core.matching import match_slug, slugify
from mltrack.core.rules import item_step, past_or_today, visible_items
from mltrack.core.vocabulary import (
    EventAction,
    ItemKind,
    ItemStatus,
    JournalKind,
    ProjectAction,
)
from mltrack.queries.lookup import ItemRef, find_item, item_by_slug, learner_id
from mltrack.queries.pathway import resolve_area
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal
from mltrack.services.progress import mark_if_it_fits, status_of

MAX_NAME_LENGTH = 200
# The seeded portfolio item a project counts toward unless the learner names others.
_DEFAULT_ITEM_SQL = f"""
    SELECT i.slug, s.slug AS step FROM item i JOIN step s ON s.id = {item_step()}
    WHERE i.kind = :kind AND i.learner_id IS NULL AND {visible_items()}
    ORDER BY s.position, i.position LIMIT 1
"""


def add_project(
    store: SqliteWriter,
    learner_name: str,
    name: str,
    dataset: str,
    today: date,
    repo_url: str | None = None,
    area_texts: tuple[str, ...] = (),
    item_texts: tuple[str, ...] = (),
    on: date | None = None,
) -> ProjectChange:
    """Start a portfolio project on ``dataset``; it counts toward the pathway items it is
    linked to, which start now if they are planned."""
    name, dataset = name.strip(), dataset.strip()
    slug = slugify(name)
    if not slug or len(name) > MAX_NAME_LENGTH:
        raise InputError(f"a project name needs a letter or digit and at most {MAX_NAME_LENGTH} "
                         "characters")  # fmt: skip
    if not dataset:
        raise InputError("name the real data the project uses with --dataset")
    check_text(name, "a project name", max_length=MAX_NAME_LENGTH)
    check_text(dataset, "a dataset")
    if repo_url is not None:
        check_text(repo_url, "a repository URL")
    learner = learner_id(store, learner_name)
    default = store.rows(_DEFAULT_ITEM_SQL, kind=ItemKind.PROJECT, learner_id=learner)
    if not default:
        raise MltrackError("the pathway has no step with portfolio projects; run: mltrack seed")
    items = [find_item(store, learner, text) for text in dict.fromkeys(item_texts)] or [
        find_item(store, learner, default[0]["slug"])
    ]
    areas = list(dict.fromkeys(resolve_area(store, text) for text in area_texts))
    data = {"name": name, "dataset": dataset, "repo_url": repo_url, "areas": areas,
            "items": [item.slug for item in items], "step": default[0]["step"]}  # fmt: skip
    on = past_or_today(on, today)
    change = journal.Change(JournalKind.PROJECT, ProjectAction.ADD, slug, on, None, data)
    recorded = journal.record(store, learner, change)
    moved = _move_items(store, learner, items, EventAction.START, on, recorded.id)
    step = store.rows("SELECT title FROM step WHERE slug = :slug", slug=data["step"])[0]
    return ProjectChange(slug, name, step["title"], areas, on, moved)


def finish_project(
    store: SqliteWriter, learner_name: str, text: str, today: date, on: date | None = None
) -> ProjectChange:
    """Mark the learner's project ``text`` (slug, prefix or name words) done on ``on``; the
    pathway items it is linked to are marked done with it."""
    learner = learner_id(store, learner_name)
    rows = store.rows(
        """SELECT p.slug, p.name, s.title AS step FROM project p JOIN step s ON s.id = p.step_id
           WHERE p.learner_id = :learner_id""",
        learner_id=learner,
    )
    slug = match_slug(text, [(row["slug"], row["name"]) for row in rows], what="project")
    project = next(row for row in rows if row["slug"] == slug)
    on = past_or_today(on, today)
    change = journal.Change(JournalKind.PROJECT, ProjectAction.DONE, slug, on)
    recorded = journal.record(store, learner, change)
    added = journal.timeline(store, learner, JournalKind.PROJECT, slug)[0].data
    # By exact slug: an item retired since (an own item removed) is left out, not mistaken
    # for another one its slug is a prefix of, and does not stop the project being done.
    found = (item_by_slug(store, learner, slug) for slug in added.get("items", []))
    items = [item for item in found if item is not None]
    moved = _move_items(store, learner, items, EventAction.DONE, on, recorded.id)
    return ProjectChange(slug, project["name"], project["step"], [], on, moved)


def _move_items(
    store: SqliteWriter,
    learner: int,
    items: list[ItemRef],
    action: EventAction,
    on: date,
    group_id: int,
) -> list[str]:
    """Start the planned items (``start``) or finish those not done (``done``)."""
    moved = []
    for item in items:
        current = status_of(journal.current_state(store, learner, JournalKind.STATUS, item.slug))
        due = (
            current == ItemStatus.PLANNED
            if action is EventAction.START
            else (current != ItemStatus.DONE)
        )
        fits = due and item.kind != ItemKind.CERTIFICATION
        if fits and mark_if_it_fits(store, learner, item, action, on, group_id) is not None:
            moved.append(item.slug)
    return moved
