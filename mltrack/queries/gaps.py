"""``mltrack gaps``: what the learner's plan leaves untouched, each with the command that
would address it.

- a study area or step with nothing done, started or aimed at (no item done
  or started, no certification goal with a target date in it);
- a certification goal with a target date whose prerequisites have not started;
- an item in progress with no study time logged in the last 4 weeks (started before then).
"""

from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import CertStatus, ItemStatus, sql_in, sql_value
from mltrack.queries.reader import Reader

STALLED_DAYS = 28

_WORKED = sql_in(ItemStatus.DONE, ItemStatus.IN_PROGRESS)
_OPEN_GOALS = sql_in(CertStatus.PLANNED, CertStatus.ENROLLED, CertStatus.FAILED)
# Per group (area or step): the items the learner sees, whether any is done or started, or
# has a certification goal with a target; and the first planned required item, by position.
# Portable: integers, not booleans, under MAX (PostgreSQL has no MAX of a boolean), and the
# aggregates spelled out in HAVING (which names no output column on PostgreSQL).
_WORKED_MAX = "MAX(CASE WHEN p.status IN {worked} THEN 1 ELSE 0 END)"
_TARGETED_MAX = "MAX(CASE WHEN c.target_date IS NOT NULL AND c.status IN {goals} THEN 1 ELSE 0 END)"
_GROUP_SQL = """
    SELECT g.slug, g.title,
           WORKED_MAX AS worked,
           TARGETED_MAX AS targeted,
           (SELECT i2.slug FROM item i2 WHERE i2.{column} = g.id
              AND NOT i2.retired AND (i2.learner_id IS NULL OR i2.learner_id = :learner_id)
            ORDER BY i2.required DESC, i2.position, i2.slug LIMIT 1) AS first_item
    FROM {table} g
    JOIN item i ON i.{column} = g.id
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    LEFT JOIN cert_goal c ON c.item_id = i.id AND c.learner_id = :learner_id
    WHERE NOT g.retired AND {visible}
    GROUP BY g.id
    HAVING WORKED_MAX = 0 AND TARGETED_MAX = 0
    ORDER BY g.position, g.slug
""".replace("WORKED_MAX", _WORKED_MAX).replace("TARGETED_MAX", _TARGETED_MAX)
_UNREADY_SQL = f"""
    SELECT i.slug AS cert, c.target_date, r.slug AS requires
    FROM cert_goal c
    JOIN item i ON i.id = c.item_id
    JOIN (SELECT item_id, requires_id FROM item_prerequisite
          UNION SELECT item_id, requires_id FROM learner_prerequisite
          WHERE learner_id = :learner_id) pr ON pr.item_id = c.item_id
    JOIN item r ON r.id = pr.requires_id
    LEFT JOIN progress rp ON rp.item_id = r.id AND rp.learner_id = :learner_id
    WHERE c.learner_id = :learner_id AND c.target_date IS NOT NULL
      AND c.status IN {_OPEN_GOALS} AND {visible_items()} AND {visible_items("r")}
      AND COALESCE(rp.status, {sql_value(ItemStatus.PLANNED)}) = {sql_value(ItemStatus.PLANNED)}
    ORDER BY c.target_date, i.slug, r.position, r.slug
"""
_STALLED_SQL = f"""
    SELECT i.slug, p.started_on,
           (SELECT MAX(s.on_date) FROM study_session s
            WHERE s.learner_id = :learner_id AND s.item_id = i.id) AS last_studied
    FROM progress p JOIN item i ON i.id = p.item_id
    WHERE p.learner_id = :learner_id AND p.status = {sql_value(ItemStatus.IN_PROGRESS)}
      AND p.started_on < :since AND {visible_items()}
      AND NOT EXISTS (SELECT 1 FROM study_session s WHERE s.learner_id = :learner_id
                      AND s.item_id = i.id AND s.on_date >= :since)
    ORDER BY p.started_on, i.slug
"""


class Gap(NamedTuple):
    kind: str  # "area", "step", "certification" or "stalled"
    subject: str  # the area's, step's, certification's or item's slug
    says: str  # the gap in plain words
    command: str  # what would address it


class Gaps(NamedTuple):
    learner: str
    today: date
    gaps: list[Gap]
    begun: bool  # anything done or started, or a dated certification goal


# Whether the learner has begun at all: on day one every area and step is a gap, which is
# better said in one line than in eleven.
_BEGUN_SQL = f"""
    SELECT 1 AS begun FROM progress
    WHERE learner_id = :learner_id AND status IN {_WORKED}
    UNION ALL
    SELECT 1 FROM cert_goal
    WHERE learner_id = :learner_id AND target_date IS NOT NULL AND status IN {_OPEN_GOALS}
    LIMIT 1
"""


def gaps(reader: Reader, learner: str, learner_id: int, today: date) -> Gaps:
    """Every gap in the learner's plan, areas first, then steps, goals and stalled items."""
    found: list[Gap] = []
    for kind, table, column in (("area", "area", "area_id"), ("step", "step", "step_id")):
        sql = _GROUP_SQL.format(table=table, column=column, worked=_WORKED, goals=_OPEN_GOALS,
                                visible=visible_items())  # fmt: skip
        for row in reader.rows(sql, learner_id=learner_id):
            first = row["first_item"]
            command = f"mltrack start {first}" if first else "mltrack pathway"
            found.append(Gap(kind, row["slug"],
                             f"{kind} {row['slug']} ({row['title']}): nothing done or started, "
                             "no certification goal with a target date", command))  # fmt: skip
    unready: dict[str, list[str]] = {}
    targets: dict[str, str] = {}
    for row in reader.rows(_UNREADY_SQL, learner_id=learner_id):
        unready.setdefault(row["cert"], []).append(row["requires"])
        targets[row["cert"]] = str(row["target_date"])
    for cert, requires in unready.items():
        found.append(Gap("certification", cert,
                         f"certification {cert} is targeted for {targets[cert]}, but "
                         f"{', '.join(requires)} {'has' if len(requires) == 1 else 'have'} "
                         "not started", f"mltrack start {requires[0]}"))  # fmt: skip
    since = today - timedelta(days=STALLED_DAYS)
    for row in reader.rows(_STALLED_SQL, learner_id=learner_id, since=since.isoformat()):
        last = f"last studied {row['last_studied']}" if row["last_studied"] else "no study logged"
        found.append(
            Gap(
                "stalled",
                row["slug"],
                f"{row['slug']} is in progress (since {row['started_on']}) with no "
                f"study time in {STALLED_DAYS // 7} weeks ({last}); or, if you have dropped "
                f"it: mltrack skip {row['slug']}",
                f"mltrack log 1h {row['slug']}",
            )
        )
    begun = bool(reader.rows(_BEGUN_SQL, learner_id=learner_id))
    return Gaps(learner, today, found, begun)
