"""The effort-based forecast's figures: study minutes per week and the hours left, from SQL.

The rules (hours left per item, the medians, the range) are ``core.effort``'s; this module
only gathers what they need: the study minutes of the last 12 weeks from the week summary
``study_week`` (one range of its covering index, a few rows a week), the open units of the
pathway the learner follows with the time logged on each (for the open ones only, one row of
the maintained total ``item_time`` each) and the learner's open certification goals.
"""

from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import week_start
from mltrack.core.effort import (
    RATE_WEEKS,
    EffortForecast,
    StudyRate,
    Work,
    study_rate,
)
from mltrack.core.rules import item_step, logged_minutes, pathway_in_use, visible_items
from mltrack.core.vocabulary import CertStatus, ItemStatus, sql_in, sql_value
from mltrack.queries.reader import Reader, as_date, first, status_of

DONE, SKIPPED = sql_value(ItemStatus.DONE), sql_value(ItemStatus.SKIPPED)

_LOGGED = logged_minutes("it")

# The open required units (an item, or an alternative group counted once) before hiring, with
# their step in the pathway followed, their estimate (the smallest of the members not skipped,
# as ``progress`` counts it) and the time logged on their members.
OPEN_UNITS_SQL = f"""
    SELECT s.slug AS step, s.title AS step_title, u.hours, u.minutes
    FROM (
        SELECT MIN({item_step("it")}) AS step_id,
               MIN(CASE WHEN {status_of("pr")} <> {SKIPPED} THEN it.hours_estimate END) AS hours,
               SUM(CASE WHEN {status_of("pr")} IN ({DONE}, {SKIPPED}) THEN 0
                        ELSE {_LOGGED} END) AS minutes,
               MAX(CASE WHEN pr.status = {DONE} THEN 1 ELSE 0 END) AS done,
               MIN(CASE WHEN pr.status = {SKIPPED} THEN 1 ELSE 0 END) AS skipped
        FROM item it
        LEFT JOIN progress pr ON pr.item_id = it.id AND pr.learner_id = :learner_id
        WHERE {visible_items("it")} AND NOT it.on_the_job AND it.required
        GROUP BY CASE WHEN it.group_id IS NULL THEN it.id ELSE -it.group_id END
    ) u
    JOIN step s ON s.id = u.step_id
    WHERE u.done = 0 AND u.skipped = 0
    ORDER BY s.position
"""

# The steps of the pathway the learner follows.
STEPS_SQL = f"""
    SELECT slug, title FROM step
    WHERE NOT retired AND pathway_id = {pathway_in_use()}
    ORDER BY position
"""

# The learner's certification goals still to reach, with the time logged on each.
_ACTIVE_GOALS = sql_in(CertStatus.PLANNED, CertStatus.ENROLLED, CertStatus.FAILED)
OPEN_GOALS_SQL = f"""
    SELECT it.slug, it.title, it.provider, it.hours_estimate AS hours, g.target_date,
           {status_of("pr")} AS status,
           CASE WHEN {status_of("pr")} IN ({DONE}, {SKIPPED}) THEN 0 ELSE {_LOGGED} END
               AS minutes
    FROM cert_goal g
    JOIN item it ON it.id = g.item_id
    LEFT JOIN progress pr ON pr.item_id = it.id AND pr.learner_id = :learner_id
    WHERE g.learner_id = :learner_id AND g.status IN {_ACTIVE_GOALS} AND {visible_items("it")}
    ORDER BY g.target_date IS NULL, g.target_date, it.slug
"""

# Minutes per week from a Monday on: one range of ``ix_study_week_learner_week`` (covering),
# a row per week and study area, already in week order.
MINUTES_SINCE_SQL = """
    SELECT week_start, SUM(minutes) AS minutes FROM study_week
    WHERE learner_id = :learner_id AND week_start >= :since
    GROUP BY week_start
"""
# The week of the first study (one seek of the same index): a rate has enough history when
# the study began in its first week or before, so the week's Monday answers as the day would.
FIRST_STUDY_SQL = """
    SELECT MIN(week_start) AS week_start FROM study_week WHERE learner_id = :learner_id
"""


class GroupEffort(NamedTuple):
    """The effort forecast of one step or certification goal."""

    slug: str
    title: str
    forecast: EffortForecast
    provider: str | None = None
    target_date: date | None = None  # a certification goal's target


class EffortOutlook(NamedTuple):
    """The effort-based forecast of the required pathway, each step and each open
    certification goal, made with the same study rates."""

    today: date
    rates: tuple[StudyRate, ...]
    pathway: EffortForecast
    steps: list[GroupEffort]
    certs: list[GroupEffort]


def study_rates(reader: Reader, learner_id: int, today: date) -> tuple[StudyRate, ...]:
    """The study rates of the last 4 and 12 complete weeks, from the week summary."""
    longest = max(RATE_WEEKS)
    since = week_start(today) - timedelta(weeks=longest)
    rows = reader.rows(MINUTES_SINCE_SQL, learner_id=learner_id, since=since.isoformat())
    weekly = {as_date(row["week_start"]): row["minutes"] for row in rows}
    found = first(reader, FIRST_STUDY_SQL, learner_id=learner_id)
    first_study = (
        None if found is None or found["week_start"] is None else as_date(found["week_start"])
    )
    return tuple(study_rate(weekly, first_study, today, weeks) for weeks in RATE_WEEKS)


def effort_outlook(reader: Reader, learner_id: int, today: date) -> EffortOutlook:
    """The effort forecast of the required pathway, per step and per open certification goal."""
    rates = study_rates(reader, learner_id, today)
    total = Work()
    per_step: dict[str, Work] = {}
    for row in reader.rows(OPEN_UNITS_SQL, learner_id=learner_id):
        total = total.plus(row["hours"], row["minutes"] or 0)
        per_step[row["step"]] = per_step.get(row["step"], Work()).plus(
            row["hours"], row["minutes"] or 0
        )
    steps = [
        GroupEffort(row["slug"], row["title"],
                    EffortForecast(today, per_step.get(row["slug"], Work()), rates))
        for row in reader.rows(STEPS_SQL, learner_id=learner_id)
    ]  # fmt: skip
    certs = []
    for row in reader.rows(OPEN_GOALS_SQL, learner_id=learner_id):
        work = Work()
        if row["status"] not in (ItemStatus.DONE, ItemStatus.SKIPPED):
            work = work.plus(row["hours"], row["minutes"] or 0)
        target = None if row["target_date"] is None else as_date(row["target_date"])
        certs.append(
            GroupEffort(row["slug"], row["title"], EffortForecast(today, work, rates),
                        row["provider"], target)
        )  # fmt: skip
    return EffortOutlook(today, rates, EffortForecast(today, total, rates), steps, certs)
