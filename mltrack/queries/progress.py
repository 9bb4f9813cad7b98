"""How far a learner is along the pathway: overall, per education step, per study area."""

from dataclasses import dataclass, field

from mltrack.queries.reader import Reader, Row, visible_items


@dataclass(frozen=True)
class Completion:
    """Counts and estimated hours for a group of items.

    Skipped items leave the denominator: a learner skips what does not apply to them.
    Hours are the estimates of required, not skipped items that have one.
    """

    required_total: int = 0
    required_done: int = 0
    required_skipped: int = 0
    optional_total: int = 0
    optional_done: int = 0
    hours_total: float = 0.0
    hours_done: float = 0.0

    @property
    def required_counted(self) -> int:
        return self.required_total - self.required_skipped

    @property
    def percent(self) -> float | None:
        """Required items done, in percent; None when the group has no required item left."""
        return _percent(self.required_done, self.required_counted)

    @property
    def hours_percent(self) -> float | None:
        return _percent(self.hours_done, self.hours_total)

    def __add__(self, other: "Completion") -> "Completion":
        return Completion(*(a + b for a, b in zip(_fields(self), _fields(other), strict=True)))


@dataclass(frozen=True)
class GroupCompletion:
    slug: str
    title: str
    completion: Completion


@dataclass(frozen=True)
class ActiveItem:
    slug: str
    title: str
    started_on: str | None


@dataclass(frozen=True)
class ProgressReport:
    learner: str
    overall: Completion
    by_step: list[GroupCompletion] = field(default_factory=list)
    by_area: list[GroupCompletion] = field(default_factory=list)
    in_progress: list[ActiveItem] = field(default_factory=list)


_COMPLETION_COLUMNS = """
    SUM(CASE WHEN i.required THEN 1 ELSE 0 END) AS required_total,
    SUM(CASE WHEN i.required AND p.status = 'done' THEN 1 ELSE 0 END) AS required_done,
    SUM(CASE WHEN i.required AND p.status = 'skipped' THEN 1 ELSE 0 END) AS required_skipped,
    SUM(CASE WHEN NOT i.required THEN 1 ELSE 0 END) AS optional_total,
    SUM(CASE WHEN NOT i.required AND p.status = 'done' THEN 1 ELSE 0 END) AS optional_done,
    SUM(CASE WHEN i.required AND COALESCE(p.status, 'planned') <> 'skipped'
             THEN COALESCE(i.hours_estimate, 0) ELSE 0 END) AS hours_total,
    SUM(CASE WHEN i.required AND p.status = 'done'
             THEN COALESCE(i.hours_estimate, 0) ELSE 0 END) AS hours_done
"""

_ITEMS_WITH_PROGRESS = f"""
    JOIN item i ON i.{{key}} = g.id AND {visible_items()}
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
"""

BY_STEP_SQL = f"""
    SELECT g.slug, g.title, {_COMPLETION_COLUMNS}
    FROM step g {_ITEMS_WITH_PROGRESS.format(key="step_id")}
    WHERE NOT g.retired
    GROUP BY g.id, g.slug, g.title, g.position
    ORDER BY g.position
"""

BY_AREA_SQL = f"""
    SELECT g.slug, g.title, {_COMPLETION_COLUMNS}
    FROM area g {_ITEMS_WITH_PROGRESS.format(key="area_id")}
    WHERE NOT g.retired
    GROUP BY g.id, g.slug, g.title, g.position
    ORDER BY g.position
"""

IN_PROGRESS_SQL = f"""
    SELECT i.slug, i.title, p.started_on
    FROM progress p JOIN item i ON i.id = p.item_id
    WHERE p.learner_id = :learner_id AND p.status = 'in_progress' AND {visible_items()}
    ORDER BY p.started_on, i.slug
"""


def progress_report(reader: Reader, learner: str, learner_id: int) -> ProgressReport:
    """Completion overall, per education step and per study area, and what is in progress."""
    by_step = _groups(reader, BY_STEP_SQL, learner_id)
    by_area = _groups(reader, BY_AREA_SQL, learner_id)
    overall = sum((group.completion for group in by_step), Completion())
    active = [
        ActiveItem(row["slug"], row["title"], _text(row["started_on"]))
        for row in reader.rows(IN_PROGRESS_SQL, learner_id=learner_id)
    ]
    return ProgressReport(learner, overall, by_step, by_area, active)


def _groups(reader: Reader, sql: str, learner_id: int) -> list[GroupCompletion]:
    return [
        GroupCompletion(row["slug"], row["title"], _completion(row))
        for row in reader.rows(sql, learner_id=learner_id)
    ]


def _completion(row: Row) -> Completion:
    return Completion(
        required_total=row["required_total"] or 0,
        required_done=row["required_done"] or 0,
        required_skipped=row["required_skipped"] or 0,
        optional_total=row["optional_total"] or 0,
        optional_done=row["optional_done"] or 0,
        hours_total=float(row["hours_total"] or 0),
        hours_done=float(row["hours_done"] or 0),
    )


def _fields(completion: Completion) -> tuple[float, ...]:
    return tuple(getattr(completion, name) for name in completion.__dataclass_fields__)


def _percent(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
