"""A learner's own planning: the date they aim to finish by, and their own orderings. Each
change is a journal entry (kind ``plan``); orderings never loop, seed and own ones together."""

from datetime import date

from mltrack.core import week
from mltrack.core.changes import Ordering
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.graphs import find_cycle
from mltrack.core.journal import PresentState
from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import JournalKind, PlanAction
from mltrack.queries.lookup import ItemRef, find_item, learner_id
from mltrack.queries.reader import Reader, SqliteWriter
from mltrack.services import journal

TARGET = "target"
WEEK_GOAL = week.SUBJECT  # the weekly study goal (minutes a week)
_EDGES_SQL = f"""
    SELECT i.slug AS item, r.slug AS requires FROM (
        SELECT item_id, requires_id FROM item_prerequisite
        UNION SELECT item_id, requires_id FROM learner_prerequisite
        WHERE learner_id = :learner_id
    ) e
    JOIN item i ON i.id = e.item_id JOIN item r ON r.id = e.requires_id
    WHERE {visible_items("i")} AND {visible_items("r")}
"""


def set_target(store: SqliteWriter, learner_name: str, target: date, today: date) -> date | None:
    """Store the date the learner means to finish the required pathway by; return the old one."""
    if target < today:
        raise InputError(f"the target date {target.isoformat()} is in the past")
    learner = learner_id(store, learner_name)
    change = journal.Change(JournalKind.PLAN, PlanAction.SET, TARGET, today,
                            data={"target_date": target.isoformat()})  # fmt: skip
    return _date_of(journal.record(store, learner, change).before)


def clear_target(store: SqliteWriter, learner_name: str, today: date) -> date | None:
    """Remove the learner's target date; return the one removed (None if there was none)."""
    learner = learner_id(store, learner_name)
    if journal.current_state(store, learner, JournalKind.PLAN, TARGET) is None:
        return None
    change = journal.Change(JournalKind.PLAN, PlanAction.CLEAR, TARGET, today)
    return _date_of(journal.record(store, learner, change).before)


def set_week_goal(
    store: SqliteWriter, learner_name: str, minutes: int | None, today: date
) -> tuple[int | None, int | None]:
    """Set the weekly study goal (minutes a week), or clear it with None; return (the goal
    before, the goal after). Setting the goal in force, or clearing none, changes nothing."""
    learner = learner_id(store, learner_name)
    before = _minutes_of(journal.current_state(store, learner, JournalKind.PLAN, WEEK_GOAL))
    if minutes == before:
        return before, before
    if minutes is None:
        change = journal.Change(JournalKind.PLAN, PlanAction.CLEAR, WEEK_GOAL, today)
    else:
        change = journal.Change(JournalKind.PLAN, PlanAction.SET, WEEK_GOAL, today,
                                data={"minutes": minutes})  # fmt: skip
    journal.record(store, learner, change)
    return before, minutes


def _minutes_of(state: object) -> int | None:
    return int(state.values["minutes"]) if isinstance(state, PresentState) else None


def _date_of(state: object) -> date | None:
    if isinstance(state, PresentState):
        return date.fromisoformat(state.values["target_date"])
    return None


def add_prerequisite(
    store: SqliteWriter, learner_name: str, item_text: str, after_text: str, today: date
) -> Ordering:
    """Record that, for this learner, one item comes after another. Refused for the same
    item twice, an ordering that exists (the seed's or their own), and one that would close a
    loop, which the error names."""
    learner = learner_id(store, learner_name)
    item, other = find_item(store, learner, item_text), find_item(store, learner, after_text)
    if item.id == other.id:
        raise InputError(f"{item.slug} cannot come after itself")
    graph = orderings(store, learner)
    if other.slug in graph.get(item.slug, []):
        raise MltrackError(f"{item.slug} already comes after {other.slug}")
    # The new item first, so that a loop found starts with the ordering being added.
    graph = {item.slug: [*graph.pop(item.slug, []), other.slug], **graph}
    if cycle := find_cycle(graph):
        raise MltrackError(
            f"{item.slug} cannot come after {other.slug}: the prerequisites would loop: "
            f"{' -> '.join(cycle)} (read -> as 'comes after')"
        )
    record_ordering(store, learner, item, other, PlanAction.SET, today)
    return Ordering(item.slug, other.slug)


def remove_prerequisite(
    store: SqliteWriter, learner_name: str, item_text: str, after_text: str, today: date
) -> Ordering:
    """Remove one of the learner's own orderings; the seed's cannot be removed."""
    learner = learner_id(store, learner_name)
    item, other = find_item(store, learner, item_text), find_item(store, learner, after_text)
    subject = ordering_subject(item.slug, other.slug)
    if journal.current_state(store, learner, JournalKind.PLAN, subject) is None:
        seeded = store.rows(
            "SELECT 1 FROM item_prerequisite WHERE item_id = :i AND requires_id = :r",
            i=item.id, r=other.id,
        )  # fmt: skip
        raise MltrackError(
            f"{item.slug} comes after {other.slug} in the pathway itself; only orderings you "
            "added with 'mltrack require' can be removed"
            if seeded
            else f"you have not made {item.slug} come after {other.slug}"
        )
    record_ordering(store, learner, item, other, PlanAction.CLEAR, today)
    return Ordering(item.slug, other.slug)


def record_ordering(
    store: SqliteWriter,
    learner: int,
    item: ItemRef,
    other: ItemRef,
    action: PlanAction,
    today: date,
    group_id: int | None = None,
) -> int:
    subject = ordering_subject(item.slug, other.slug)
    change = journal.Change(JournalKind.PLAN, action, subject, today, item.id)
    return journal.record(store, learner, change, group_id).id


def ordering_subject(item: str, requires: str) -> str:
    """The journal subject of the learner's own ordering "``item`` after ``requires``"."""
    return f"after:{item}:{requires}"


def orderings(reader: Reader, learner: int) -> dict[str, list[str]]:
    """Every item the learner sees -> the items it comes after, from the seed and their own."""
    graph: dict[str, list[str]] = {}
    for row in reader.rows(_EDGES_SQL, learner_id=learner):
        graph.setdefault(row["item"], []).append(row["requires"])
    return graph


def ordering_loop(reader: Reader, learner: int) -> list[str] | None:
    """A loop in the learner's orderings together with the pathway's, if there is one."""
    return find_cycle(orderings(reader, learner))
