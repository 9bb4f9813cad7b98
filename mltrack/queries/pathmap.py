"""What the map of ``mltrack serve`` shows: every item with its status, the study time logged
on it, a certification's goal state, the prerequisite edges and the overall completion.

The figures come from the queries the CLI uses (``pathway_items``, ``overall_completion``,
the prerequisite edges of ``next``); this module only adds the per-item sums the map needs.
"""

from typing import NamedTuple

from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import ItemKind, sql_value
from mltrack.queries.pathway import PathwayItem, pathway_items
from mltrack.queries.planning import PREREQUISITE_EDGES
from mltrack.queries.progress import Completion, overall_completion
from mltrack.queries.reader import Reader


class MapItem(NamedTuple):
    item: PathwayItem
    minutes_logged: int  # study time the learner logged on the item
    cert_status: str | None  # a certification's goal state (None: no goal, or not a cert)
    cert_target: str | None  # the goal's target date, ISO


class PathMap(NamedTuple):
    learner: str
    items: list[MapItem]
    edges: list[tuple[str, str]]  # (prerequisite slug, item slug), both shown on the map
    completion: Completion


_MINUTES_SQL = """
    SELECT item_id, SUM(minutes) AS minutes FROM study_session
    WHERE learner_id = :learner_id AND item_id IS NOT NULL
    GROUP BY item_id
"""
_SLUGS_SQL = f"SELECT i.id, i.slug FROM item i WHERE {visible_items()}"
_EDGES_SQL = f"""
    SELECT r.slug AS before, i.slug AS after
    FROM ({PREREQUISITE_EDGES}) e
    JOIN item i ON i.id = e.item_id
    JOIN item r ON r.id = e.requires_id
    WHERE {visible_items()} AND {visible_items("r")}
    ORDER BY r.slug, i.slug
"""
_GOALS_SQL = f"""
    SELECT i.slug, g.status, g.target_date
    FROM cert_goal g JOIN item i ON i.id = g.item_id
    WHERE g.learner_id = :learner_id AND i.kind = {sql_value(ItemKind.CERTIFICATION)}
"""


def path_map(reader: Reader, learner: str, learner_id: int) -> PathMap:
    """The whole pathway as the map draws it, for ``learner``."""
    ids = {row["id"]: row["slug"] for row in reader.rows(_SLUGS_SQL, learner_id=learner_id)}
    minutes = {
        ids[row["item_id"]]: int(row["minutes"])
        for row in reader.rows(_MINUTES_SQL, learner_id=learner_id)
        if row["item_id"] in ids
    }
    goals = {row["slug"]: row for row in reader.rows(_GOALS_SQL, learner_id=learner_id)}
    items = []
    for item in pathway_items(reader, learner_id):
        goal = goals.get(item.slug)
        target = None if goal is None or goal["target_date"] is None else str(goal["target_date"])
        items.append(
            MapItem(item, minutes.get(item.slug, 0), goal["status"] if goal else None, target)
        )
    edges = [
        (row["before"], row["after"]) for row in reader.rows(_EDGES_SQL, learner_id=learner_id)
    ]
    return PathMap(learner, items, edges, overall_completion(reader, learner_id))
