"""``mltrack stats``: weekly activity, streaks and a forecast, as a list of sections.

Each section is a NamedTuple with a ``kind`` name; renderers look its view up by that name, so
a new kind of statistics is one more NamedTuple here and one more view per renderer.
"""

from datetime import date
from typing import ClassVar, NamedTuple, Protocol

from mltrack.core.dates import last_weeks_start
from mltrack.core.pace import (
    DEFAULT_PACE_WEEKS,
    Forecast,
    Streaks,
    WeekCount,
    fold_weeks,
    measure_pace,
    streaks_of,
)
from mltrack.queries.activity import active_days, finish_dates
from mltrack.queries.effort import EffortOutlook, effort_outlook
from mltrack.queries.progress import Completion, overall_completion
from mltrack.queries.reader import Reader
from mltrack.queries.study import (
    ReadingMonth,
    StudyTotal,
    hours_per_area,
    hours_per_week,
    reading_per_month,
)


class StatsSection(Protocol):
    """What every section has: the name it goes by in JSON and in the renderers' tables."""

    kind: ClassVar[str]


class ActivitySection(NamedTuple):
    """Items finished per ISO week over the last weeks; streaks over the whole history."""

    kind = "activity"  # unannotated: a NamedTuple makes every annotated name a field
    weeks: list[WeekCount]
    streaks: Streaks


class ForecastSection(NamedTuple):
    """When the required pathway would be complete at the pace of the same weeks."""

    kind = "forecast"
    forecast: Forecast


class EffortSection(NamedTuple):
    """When the estimated hours left would be done at the study time of recent weeks (the
    required pathway, each step, each open certification goal), beside the item-count
    forecast's date (``item_finish``) for comparison."""

    kind = "effort"
    outlook: EffortOutlook
    item_finish: date | None


class StudySection(NamedTuple):
    """Study time logged over the same weeks: per week (weeks without study left out) and per
    study area."""

    kind = "study"
    by_week: list[StudyTotal]
    by_area: list[StudyTotal]


class ReadingSection(NamedTuple):
    """Continuing education (blogs, podcasts, papers...) logged per month over the same weeks."""

    kind = "reading"
    months: list[ReadingMonth]


class StatsReport(NamedTuple):
    learner: str
    today: date
    weeks: int
    sections: list[StatsSection] = []  # noqa: RUF012 (never mutated)


def stats_report(
    reader: Reader,
    learner: str,
    learner_id: int,
    today: date | None = None,
    weeks: int = DEFAULT_PACE_WEEKS,
    overall: Completion | None = None,
) -> StatsReport:
    """Activity of the last ``weeks`` ISO weeks (this one included), streaks, a forecast, and
    the study time and continuing education logged in those weeks. ``overall``: the
    learner's completion when the caller has it already (the report), not worked out again."""
    today = today or date.today()
    # From the day summary (not the journal): streaks need the dates of the whole history (at
    # most ~3,650 in ten years, however many entries), the chart and pace the counts of its
    # last weeks only.
    since = last_weeks_start(today, weeks)
    days = active_days(reader, learner_id, since)
    activity = ActivitySection(
        weeks=fold_weeks(days, since, today),
        streaks=streaks_of(finish_dates(reader, learner_id), today),
    )
    remaining = (overall or overall_completion(reader, learner_id)).required_remaining
    forecast = ForecastSection(Forecast(today, remaining, measure_pace(days, today, weeks)))
    effort = EffortSection(effort_outlook(reader, learner_id, today), forecast.forecast.finish_on)
    study = StudySection(
        hours_per_week(reader, learner_id, since), hours_per_area(reader, learner_id, since)
    )
    reading = ReadingSection(reading_per_month(reader, learner_id, since))
    return StatsReport(learner, today, weeks, [activity, forecast, effort, study, reading])
