"""How far a learner is along the pathway: overall and per step, area, kind or provider."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core import figures
from mltrack.core.rules import item_step, visible_items
from mltrack.core.vocabulary import ItemKind, ItemStatus, sql_value
from mltrack.queries.reader import Reader, Row, as_date, first, status_of

if TYPE_CHECKING:  # the pace machinery is imported only for a learner with a target date
    from mltrack.core.pace import Forecast, TargetOutlook
    from mltrack.queries.certs import CertWarning
    from mltrack.queries.projects import StepProjects

# Certification targets and expiry dates this close (or past) are flagged by progress.
WARNING_DAYS = 30

# The ways items can be grouped, in the order reports show them.
GROUPINGS = ("step", "area", "kind", "provider")
DEFAULT_GROUPINGS = ("step", "area")


class Tally(NamedTuple):
    """Counts and estimated hours of one scope of items (required, optional or all)."""

    total: int
    done: int
    skipped: int
    hours_total: float
    hours_done: float
    unestimated: int = 0  # counted units without an hour estimate (outside the hours figures)

    @property
    def counted(self) -> int:
        """The items that count: skipped ones leave the denominator."""
        return self.total - self.skipped

    @property
    def percent(self) -> float | None:
        return figures.percent(self.done, self.counted)

    @property
    def hours_percent(self) -> float | None:
        return figures.percent(self.hours_done, self.hours_total)


class Completion(NamedTuple):
    """Counts and estimated hours for a group of items.

    Skipped items leave the denominator: a learner skips what does not apply to them.
    ``hours_*`` are the estimates of required, not skipped items that have one;
    ``optional_hours_*`` the same for optional items.
    """

    required_total: int = 0
    required_done: int = 0
    required_skipped: int = 0
    optional_total: int = 0
    optional_done: int = 0
    hours_total: float = 0.0
    hours_done: float = 0.0
    optional_skipped: int = 0
    optional_hours_total: float = 0.0
    optional_hours_done: float = 0.0
    # Units counted above whose hours are not estimated (degrees): outside the hours figures.
    hours_unestimated: int = 0
    optional_hours_unestimated: int = 0

    @property
    def required_counted(self) -> int:
        return self.required_total - self.required_skipped

    @property
    def optional_counted(self) -> int:
        """Optional items that count: skipped ones leave the total, as for required ones."""
        return self.optional_total - self.optional_skipped

    @property
    def required_remaining(self) -> int:
        """Required items neither done nor skipped."""
        return self.required_counted - self.required_done

    @property
    def percent(self) -> float | None:
        """Required items done, in percent; None when the group has no required item left."""
        return figures.percent(self.required_done, self.required_counted)

    @property
    def hours_percent(self) -> float | None:
        return figures.percent(self.hours_done, self.hours_total)

    def scope(self, include_optional: bool = False) -> Tally:
        """The figures of the required items, or of all items with ``include_optional``."""
        required = Tally(self.required_total, self.required_done, self.required_skipped,
                         self.hours_total, self.hours_done, self.hours_unestimated)  # fmt: skip
        if not include_optional:
            return required
        return Tally(
            required.total + self.optional_total,
            required.done + self.optional_done,
            required.skipped + self.optional_skipped,
            required.hours_total + self.optional_hours_total,
            required.hours_done + self.optional_hours_done,
            required.unestimated + self.optional_hours_unestimated,
        )


class GroupCompletion(NamedTuple):
    """One group's completion; ``slug`` is None for items without a provider."""

    slug: str | None
    title: str
    completion: Completion


class ActiveItem(NamedTuple):
    slug: str
    title: str
    started_on: str | None


class ProgressReport(NamedTuple):
    learner: str
    overall: Completion
    groupings: dict[str, list[GroupCompletion]]
    in_progress: list[ActiveItem]
    target: TargetOutlook | None
    projects: list[StepProjects]
    cert_warnings: list[CertWarning]
    # The duties of the job itself ("Day in the Life"), apart from the pre-hire figures above.
    on_the_job: Completion

    @property
    def by_step(self) -> list[GroupCompletion]:
        return self.groupings.get("step", [])

    @property
    def by_area(self) -> list[GroupCompletion]:
        return self.groupings.get("area", [])


DONE, SKIPPED, IN_PROGRESS = (
    sql_value(status) for status in (ItemStatus.DONE, ItemStatus.SKIPPED, ItemStatus.IN_PROGRESS)
)
# The figures count units: an item, or an alternative group (Python or R...) counted once as
# done when any member is done and skipped when every member is; a group's estimate is that of
# the member done, else the smallest of the members not skipped. Items without an estimate
# leave the hours figures and are counted as not estimated.
_COMPLETION_COLUMNS = f"""
    SUM(CASE WHEN i.required = 1 THEN 1 ELSE 0 END) AS required_total,
    SUM(CASE WHEN i.required = 1 AND i.status = {DONE} THEN 1 ELSE 0 END) AS required_done,
    SUM(CASE WHEN i.required = 1 AND i.status = {SKIPPED} THEN 1 ELSE 0 END) AS required_skipped,
    SUM(CASE WHEN i.required = 0 THEN 1 ELSE 0 END) AS optional_total,
    SUM(CASE WHEN i.required = 0 AND i.status = {DONE} THEN 1 ELSE 0 END) AS optional_done,
    SUM(CASE WHEN i.required = 0 AND i.status = {SKIPPED} THEN 1 ELSE 0 END) AS optional_skipped,
    SUM(CASE WHEN i.required = 1 AND i.status <> {SKIPPED}
             THEN COALESCE(i.hours, 0) ELSE 0 END) AS hours_total,
    SUM(CASE WHEN i.required = 1 AND i.status = {DONE}
             THEN COALESCE(i.hours, 0) ELSE 0 END) AS hours_done,
    SUM(CASE WHEN i.required = 0 AND i.status <> {SKIPPED}
             THEN COALESCE(i.hours, 0) ELSE 0 END) AS optional_hours_total,
    SUM(CASE WHEN i.required = 0 AND i.status = {DONE}
             THEN COALESCE(i.hours, 0) ELSE 0 END) AS optional_hours_done,
    SUM(CASE WHEN i.required = 1 AND i.status <> {SKIPPED} AND i.hours IS NULL
             THEN 1 ELSE 0 END) AS hours_unestimated,
    SUM(CASE WHEN i.required = 0 AND i.status <> {SKIPPED} AND i.hours IS NULL
             THEN 1 ELSE 0 END) AS optional_hours_unestimated
"""

_IS_DONE = f"CASE WHEN pr.status = {DONE} THEN 1 ELSE 0 END"
_IS_SKIPPED = f"CASE WHEN pr.status = {SKIPPED} THEN 1 ELSE 0 END"


def _units(on_the_job: bool = False) -> str:
    """FROM the units (items and alternative groups) the learner sees, aliased ``i``, with the
    current step as ``s``: before hiring by default, the on-the-job part with ``on_the_job``."""
    return f"""
    FROM (
        SELECT MIN({item_step("it")}) AS step_id, MIN(it.area_id) AS area_id,
               MIN(it.kind) AS kind,
               MIN(it.provider) AS provider,
               MAX(CASE WHEN it.required THEN 1 ELSE 0 END) AS required,
               CASE WHEN MAX({_IS_DONE}) = 1 THEN {DONE}
                    WHEN MIN({_IS_SKIPPED}) = 1 THEN {SKIPPED}
                    ELSE {sql_value(ItemStatus.PLANNED)} END AS status,
               CASE WHEN MAX({_IS_DONE}) = 1
                    THEN MIN(CASE WHEN pr.status = {DONE} THEN it.hours_estimate END)
                    ELSE MIN(CASE WHEN {status_of("pr")} <> {SKIPPED} THEN it.hours_estimate END)
               END AS hours
        FROM item it
        LEFT JOIN progress pr ON pr.item_id = it.id AND pr.learner_id = :learner_id
        WHERE {visible_items("it")} AND {"" if on_the_job else "NOT "}it.on_the_job
        GROUP BY CASE WHEN it.group_id IS NULL THEN it.id ELSE -it.group_id END
    ) i
    JOIN step s ON s.id = i.step_id
"""


OVERALL_SQL = f"SELECT {_COMPLETION_COLUMNS} {_units()}"
# The duties of the job itself, counted apart so that they never hold back the figures above.
ON_THE_JOB_SQL = f"SELECT {_COMPLETION_COLUMNS} {_units(on_the_job=True)}"

_KIND_ORDER = " ".join(f"WHEN {sql_value(kind)} THEN {n}" for n, kind in enumerate(ItemKind))

# grouping -> (extra join, slug, title, what to order by); the order expression is grouped on.
_GROUP_BY: dict[str, tuple[str, str, str, str]] = {
    "step": ("", "s.slug", "s.title", "s.position"),
    "area": ("JOIN area g ON g.id = i.area_id AND NOT g.retired", "g.slug", "g.title",
             "g.position"),
    "kind": ("", "i.kind", "i.kind", f"CASE i.kind {_KIND_ORDER} END"),
    "provider": ("", "i.provider", "i.provider",
                 "CASE WHEN i.provider IS NULL THEN 1 ELSE 0 END, LOWER(i.provider)"),
}  # fmt: skip

IN_PROGRESS_SQL = f"""
    SELECT i.slug, i.title, p.started_on
    FROM progress p JOIN item i ON i.id = p.item_id
    WHERE p.learner_id = :learner_id AND p.status = {IN_PROGRESS} AND {visible_items()}
    ORDER BY p.started_on, i.slug
"""

TARGET_SQL = "SELECT target_date FROM learner WHERE id = :learner_id"
# Whether the learner has anything for the certification and project sections to show.
HAS_CERTS_OR_PROJECTS_SQL = """
    SELECT EXISTS (SELECT 1 FROM cert_goal WHERE learner_id = :learner_id) AS certs,
           EXISTS (SELECT 1 FROM project WHERE learner_id = :learner_id) AS projects
"""

NO_PROVIDER = "(no provider)"


def progress_report(
    reader: Reader,
    learner: str,
    learner_id: int,
    by: tuple[str, ...] = DEFAULT_GROUPINGS,
    today: date | None = None,
    weeks: int | None = None,
) -> ProgressReport:
    """Completion overall and per grouping in ``by``, what is in progress, how the pace of the
    last ``weeks`` weeks (default 8) compares with the learner's target date (if any), the
    portfolio projects counting toward each step, and certification dates near or past.
    The certification and project queries (and their modules) run only for a learner who has
    a certification goal or a project: one cheap query tells."""
    today = today or date.today()
    overall = overall_completion(reader, learner_id)
    groupings = {name: _groups(reader, name, learner_id) for name in by}
    active = [
        ActiveItem(row["slug"], row["title"], _text(row["started_on"]))
        for row in reader.rows(IN_PROGRESS_SQL, learner_id=learner_id)
    ]
    target = target_outlook(reader, learner_id, today, weeks, overall)
    has = first(reader, HAS_CERTS_OR_PROJECTS_SQL, learner_id=learner_id)
    projects: list[StepProjects] = []
    warnings: list[CertWarning] = []
    if has is not None and has["projects"]:
        from mltrack.queries.projects import projects_per_step

        projects = projects_per_step(reader, learner_id)
    if has is not None and has["certs"]:
        from mltrack.queries.certs import cert_warnings

        warnings = cert_warnings(reader, learner_id, WARNING_DAYS, today)
    job = first(reader, ON_THE_JOB_SQL, learner_id=learner_id)
    on_the_job = Completion() if job is None else _completion(job)
    return ProgressReport(
        learner, overall, groupings, active, target, projects, warnings, on_the_job
    )


def overall_completion(reader: Reader, learner_id: int) -> Completion:
    """The completion of every item the learner sees."""
    row = first(reader, OVERALL_SQL, learner_id=learner_id)
    return Completion() if row is None else _completion(row)


def target_date(reader: Reader, learner_id: int) -> date | None:
    """The learner's target date for the required pathway, if they set one."""
    row = first(reader, TARGET_SQL, learner_id=learner_id)
    value = None if row is None else row["target_date"]
    return None if value is None else as_date(value)


def target_outlook(
    reader: Reader,
    learner_id: int,
    today: date,
    weeks: int | None = None,
    overall: Completion | None = None,
) -> TargetOutlook | None:
    """Whether the pace of the last ``weeks`` weeks reaches the target date (None: no target)."""
    target = target_date(reader, learner_id)
    if target is None:
        return None
    from mltrack.core.pace import TargetOutlook

    return TargetOutlook(target, required_forecast(reader, learner_id, today, weeks, overall))


def required_forecast(
    reader: Reader,
    learner_id: int,
    today: date,
    weeks: int | None = None,
    overall: Completion | None = None,
) -> Forecast:
    """When the required items left would be done at the pace of the last ``weeks`` weeks
    (default 8)."""
    from mltrack.core.dates import last_weeks_start
    from mltrack.core.pace import DEFAULT_PACE_WEEKS, Forecast, measure_pace
    from mltrack.queries.activity import active_days

    weeks = weeks or DEFAULT_PACE_WEEKS
    overall = overall or overall_completion(reader, learner_id)
    days = active_days(reader, learner_id, since=last_weeks_start(today, weeks))
    pace = measure_pace(days, today, weeks)
    return Forecast(today, overall.required_remaining, pace)


def _groups(reader: Reader, grouping: str, learner_id: int) -> list[GroupCompletion]:
    join, slug, title, order = _GROUP_BY[grouping]
    sql = f"""
        SELECT {slug} AS slug, {title} AS title, {_COMPLETION_COLUMNS}
        {_units()} {join}
        GROUP BY {slug}, {title}, {order}
        ORDER BY {order}, {slug}
    """
    return [
        GroupCompletion(row["slug"], row["title"] or NO_PROVIDER, _completion(row))
        for row in reader.rows(sql, learner_id=learner_id)
    ]


def _completion(row: Row) -> Completion:
    counts = ("required_total", "required_done", "required_skipped", "optional_total",
              "optional_done", "optional_skipped")  # fmt: skip
    counts += ("hours_unestimated", "optional_hours_unestimated")
    hours = ("hours_total", "hours_done", "optional_hours_total", "optional_hours_done")
    return Completion(
        **{name: row[name] or 0 for name in counts},
        **{name: float(row[name] or 0) for name in hours},
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
