"""How far a learner is along the pathway: overall and per step, area, kind or provider."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core import figures
from mltrack.core.rules import item_step, visible_items
from mltrack.core.vocabulary import ItemKind, ItemStatus, sql_value
from mltrack.queries.reader import Reader, as_date, first, status_of

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
    # Quoted (no `from __future__ import annotations`): typing.NamedTuple compiles every
    # string annotation, twice the cost of creating the class at import.
    target: "TargetOutlook | None"
    projects: "list[StepProjects]"
    cert_warnings: "list[CertWarning]"
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
_IS_DONE = f"CASE WHEN pr.status = {DONE} THEN 1 ELSE 0 END"
_IS_SKIPPED = f"CASE WHEN pr.status = {SKIPPED} THEN 1 ELSE 0 END"

# The units the learner sees, each with what every grouping needs, in ONE statement: every
# figure of a command (overall, on the job, per step, area, kind, provider) is summed from
# these rows in Python (``completions``) rather than by a statement per grouping that would
# work the units out again. A unit is an item, or an alternative group (Python or R...) counted
# once: done when any member is done, skipped when every member is; its estimate is that of
# the member done, else the smallest of the members not skipped. A group's step, area, kind
# and provider are the smallest of its members'. Items on the job and before it are apart
# (the two are never one unit). A few hundred rows: the pathway, not the history.
UNITS_SQL = f"""
    SELECT u.on_the_job, u.required, u.status, u.hours, u.kind, u.provider,
           s.slug AS step_slug, s.title AS step_title, s.position AS step_position,
           a.slug AS area_slug, a.title AS area_title, a.position AS area_position
    FROM (
        SELECT MIN({item_step("it")}) AS step_id, MIN(it.area_id) AS area_id,
               MIN(it.kind) AS kind, MIN(it.provider) AS provider,
               MAX(CASE WHEN it.on_the_job THEN 1 ELSE 0 END) AS on_the_job,
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
        WHERE {visible_items("it")}
        GROUP BY it.on_the_job, CASE WHEN it.group_id IS NULL THEN it.id ELSE -it.group_id END
    ) u
    JOIN step s ON s.id = u.step_id
    LEFT JOIN area a ON a.id = u.area_id AND NOT a.retired
"""


class Unit(NamedTuple):
    """One unit of the pathway (an item, or an alternative group) as the figures count it."""

    on_the_job: bool
    required: bool
    status: str  # done, skipped or planned (in progress counts as planned)
    hours: float | None  # None: not estimated (a degree)
    kind: str
    provider: str | None
    step_slug: str
    step_title: str
    step_position: int
    area_slug: str | None = None  # None: no area, or a retired one
    area_title: str | None = None
    area_position: int | None = None


class Completions(NamedTuple):
    """Completion overall (before hiring), on the job, and per grouping asked for."""

    overall: Completion
    on_the_job: Completion
    groupings: dict[str, list[GroupCompletion]]


def pathway_units(reader: Reader, learner_id: int) -> list[Unit]:
    """Every unit the learner sees, before hiring and on the job (one statement)."""
    return [
        Unit(bool(row["on_the_job"]), bool(row["required"]), row["status"], row["hours"],
             row["kind"], row["provider"], row["step_slug"], row["step_title"],
             row["step_position"], row["area_slug"], row["area_title"], row["area_position"])
        for row in reader.rows(UNITS_SQL, learner_id=learner_id)
    ]  # fmt: skip


_KIND_ORDER = {str(kind): n for n, kind in enumerate(ItemKind)}
# SQLite's LOWER folds ASCII letters only: the provider order stays the one SQL gave.
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def _step_key(unit: Unit) -> tuple[object, ...] | None:
    return (unit.step_position, unit.step_slug, unit.step_title)


def _area_key(unit: Unit) -> tuple[object, ...] | None:
    if unit.area_slug is None:  # no area, or a retired one: outside the area figures
        return None
    return (unit.area_position, unit.area_slug, unit.area_title)


def _kind_key(unit: Unit) -> tuple[object, ...] | None:
    return (_KIND_ORDER.get(unit.kind, -1), unit.kind, unit.kind)


def _provider_key(unit: Unit) -> tuple[object, ...] | None:
    provider = unit.provider
    if provider is None:  # last, as "(no provider)"
        return (1, "", "", None, NO_PROVIDER)
    return (0, provider.translate(_ASCII_LOWER), provider, provider, provider)


# grouping -> the key of a unit's group (None: in no group): it sorts in the order reports
# show the groups and ends with the group's slug and title.
_GROUP_KEY: dict[str, Callable[[Unit], tuple[object, ...] | None]] = {
    "step": _step_key,
    "area": _area_key,
    "kind": _kind_key,
    "provider": _provider_key,
}


def _counts(unit: Unit) -> tuple[int | float, ...]:
    """What one unit adds to each field of ``Completion``, in its field order."""
    done = unit.status == ItemStatus.DONE
    skipped = unit.status == ItemStatus.SKIPPED
    hours = 0.0 if skipped or unit.hours is None else unit.hours
    unestimated = int(not skipped and unit.hours is None)
    counted = (1, int(done), int(skipped))
    if unit.required:
        return (*counted, 0, 0, hours, hours if done else 0.0, 0, 0.0, 0.0, unestimated, 0)
    return (0, 0, 0, *counted[:2], 0.0, 0.0, counted[2], hours, hours if done else 0.0, 0,
            unestimated)  # fmt: skip


def _sum(counts: list[tuple[int | float, ...]]) -> Completion:
    return Completion(*map(sum, zip(*counts, strict=True))) if counts else Completion()


def completions(units: Iterable[Unit], groupings: Iterable[str] = ()) -> Completions:
    """The completion figures of ``units``: overall and on the job, and per grouping (each
    one of ``GROUPINGS``). Skipped units leave the denominators; units without an estimate
    leave the hours figures and are counted as not estimated."""
    before: list[tuple[Unit, tuple[int | float, ...]]] = []
    job: list[tuple[int | float, ...]] = []
    for unit in units:
        if unit.on_the_job:
            job.append(_counts(unit))
        else:
            before.append((unit, _counts(unit)))
    grouped = {}
    for name in groupings:
        key_of = _GROUP_KEY[name]
        groups: dict[tuple[object, ...], list[tuple[int | float, ...]]] = {}
        for unit, counts in before:
            key = key_of(unit)
            if key is not None:
                groups.setdefault(key, []).append(counts)
        grouped[name] = [
            GroupCompletion(key[-2], key[-1] or NO_PROVIDER, _sum(groups[key]))  # type: ignore[arg-type]
            for key in sorted(groups, key=_order)
        ]
    return Completions(_sum([counts for _, counts in before]), _sum(job), grouped)


def _order(key: tuple[object, ...]) -> tuple[object, ...]:
    # The sort key: None (no position) first, as SQL sorts it on SQLite.
    return tuple((value is not None, value) for value in key[:-1])


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
    overall, on_the_job, groupings = completions(pathway_units(reader, learner_id), by)
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
    return ProgressReport(
        learner, overall, groupings, active, target, projects, warnings, on_the_job
    )


def overall_completion(reader: Reader, learner_id: int) -> Completion:
    """The completion of every unit the learner sees before hiring."""
    return completions(pathway_units(reader, learner_id)).overall


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
) -> "TargetOutlook | None":
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
) -> "Forecast":
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


def _text(value: object) -> str | None:
    return None if value is None else str(value)
