"""``mltrack stats``: weekly activity, streaks and a forecast, as a list of sections.

Each section is a frozen dataclass with a ``kind`` name; renderers look its view up by that
name, so a new kind of statistics is one more dataclass here and one more view per renderer.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar, Protocol

from mltrack.pace import (
    DEFAULT_PACE_WEEKS,
    Forecast,
    Streaks,
    WeekCount,
    find_streaks,
    fold_weeks,
    measure_pace,
    pace_window_start,
)
from mltrack.queries.activity import finished_per_day
from mltrack.queries.progress import overall_completion
from mltrack.queries.reader import Reader


class StatsSection(Protocol):
    """What every section has: the name it goes by in JSON and in the renderers' tables."""

    kind: ClassVar[str]


@dataclass(frozen=True)
class ActivitySection:
    """Items finished per ISO week over the last weeks; streaks over the whole history."""

    kind: ClassVar[str] = "activity"
    weeks: list[WeekCount]
    streaks: Streaks


@dataclass(frozen=True)
class ForecastSection:
    """When the required pathway would be complete at the pace of the same weeks."""

    kind: ClassVar[str] = "forecast"
    forecast: Forecast


@dataclass(frozen=True)
class StatsReport:
    learner: str
    today: date
    weeks: int
    sections: list[StatsSection] = field(default_factory=list)


def stats_report(
    reader: Reader,
    learner: str,
    learner_id: int,
    today: date | None = None,
    weeks: int = DEFAULT_PACE_WEEKS,
) -> StatsReport:
    """Activity of the last ``weeks`` ISO weeks (this one included), streaks and a forecast."""
    today = today or date.today()
    # One row per active day: streaks need the whole history, the chart and pace its end.
    days = finished_per_day(reader, learner_id)
    activity = ActivitySection(
        weeks=fold_weeks(days, pace_window_start(today, weeks), today),
        streaks=find_streaks(days, today),
    )
    remaining = overall_completion(reader, learner_id).required_remaining
    forecast = ForecastSection(Forecast(today, remaining, measure_pace(days, today, weeks)))
    return StatsReport(learner, today, weeks, [activity, forecast])
