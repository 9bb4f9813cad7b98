"""Weeks, streaks, pace and forecasts: the date arithmetic behind stats, progress and target.

Pure functions over per-day counts that SQL has already aggregated. ``today`` is always a
parameter, so that every figure can be checked on a constructed history. Weeks are ISO weeks
(Monday to Sunday); the current week is the one holding ``today`` and is still running.
"""

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import last_weeks_start, week_start
from mltrack.core.figures import rate

DEFAULT_PACE_WEEKS = 8
# Fewer active weeks than this and a pace is one burst, not a habit: no forecast is made.
MIN_ACTIVE_WEEKS = 2
WEEK = timedelta(days=7)


class DayCount(NamedTuple):
    """Items finished on one local date (all of them, and the required ones among them)."""

    day: date
    finished: int
    required_finished: int


class WeekCount(NamedTuple):
    """Items finished in one ISO week, which starts on ``start`` (a Monday)."""

    start: date
    finished: int
    required_finished: int

    @property
    def label(self) -> str:
        return week_label(self.start)


class Streak(NamedTuple):
    """A run of consecutive active weeks: its first week's Monday and its length in weeks."""

    start: date
    weeks: int

    @property
    def last(self) -> date:
        """The Monday of the run's last week."""
        return self.start + (self.weeks - 1) * WEEK

    @property
    def first_label(self) -> str:
        return week_label(self.start)

    @property
    def last_label(self) -> str:
        return week_label(self.last)


class Streaks(NamedTuple):
    current: Streak | None
    longest: Streak | None


class Pace(NamedTuple):
    """Required items finished from ``since`` (a Monday) to ``until`` (today), both included."""

    weeks: int
    since: date
    until: date
    required_finished: int
    active_weeks: int

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def per_week(self) -> float:
        """Required items a week, rounded to three significant figures: the figure every
        view prints is the one the forecast divides by, so a reader can redo the sum."""
        return rate(self.required_finished * 7 / self.days)

    @property
    def active_weeks_needed(self) -> int:
        return MIN_ACTIVE_WEEKS

    @property
    def enough_history(self) -> bool:
        return self.active_weeks >= self.active_weeks_needed


class Forecast(NamedTuple):
    """When the required items left would be done if ``pace`` held from ``today`` on."""

    today: date
    remaining: int
    pace: Pace

    @property
    def finish_on(self) -> date | None:
        """The forecast date; None when nothing remains or the history is too short."""
        if self.remaining <= 0 or not self.pace.enough_history:
            return None
        return self.today + timedelta(days=math.ceil(self.remaining * 7 / self.pace.per_week))

    @property
    def state(self) -> str:
        """``complete``, ``too_little_history`` or ``forecast``."""
        if self.remaining <= 0:
            return "complete"
        return "forecast" if self.pace.enough_history else "too_little_history"


class TargetOutlook(NamedTuple):
    """Whether the pace of recent weeks reaches the learner's target date."""

    target: date
    forecast: Forecast

    @property
    def days_left(self) -> int:
        return (self.target - self.forecast.today).days

    @property
    def needed_per_week(self) -> float | None:
        """Required items a week from today on that would finish on the target date."""
        if self.days_left <= 0:
            return None
        return rate(self.forecast.remaining * 7 / self.days_left)

    @property
    def on_track(self) -> bool | None:
        """True or False; None when the history is too short to judge."""
        if self.forecast.remaining <= 0:
            return True
        if self.days_left <= 0:
            return False
        finish = self.forecast.finish_on
        return None if finish is None else finish <= self.target


def week_label(day: date) -> str:
    """The name of ``day``'s ISO week, e.g. ``2026-W48``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def fold_weeks(days: Iterable[DayCount], first: date, last: date) -> list[WeekCount]:
    """Per-day counts summed into each ISO week from ``first``'s to ``last``'s, empty ones too."""
    start, end = week_start(first), week_start(last)
    totals: dict[date, tuple[int, int]] = {}
    for day in days:
        week = week_start(day.day)
        if start <= week <= end:
            finished, required = totals.get(week, (0, 0))
            totals[week] = (finished + day.finished, required + day.required_finished)
    count = (end - start).days // 7 + 1
    weeks = [start + index * WEEK for index in range(count)]
    return [WeekCount(week, *totals.get(week, (0, 0))) for week in weeks]


def find_streaks(days: Iterable[DayCount], today: date) -> Streaks:
    """The current and the longest run of consecutive weeks with an item finished.

    A week with nothing finished breaks a run. The current run ends this week, or last week
    while this week has nothing yet (it is not over); the longest is the most recent of the
    longest runs.
    """
    return streaks_of((day.day for day in days if day.finished), today)


def streaks_of(finish_dates: Iterable[date], today: date) -> Streaks:
    """``find_streaks`` from the days with an item finished alone (their counts do not
    matter to a run of weeks)."""
    # Weeks as numbers (day 1 of the proleptic calendar is a Monday): a finish a day over a
    # decade of history is ~3,650 dates, and date arithmetic on each cost the report ~3 ms.
    last_day = today.toordinal()
    active = sorted({(day - 1) // 7 for day in map(date.toordinal, finish_dates)
                     if day <= last_day})  # fmt: skip
    runs: list[list[int]] = []  # [first week, number of weeks]
    for week in active:
        if runs and week == runs[-1][0] + runs[-1][1]:
            runs[-1][1] += 1
        else:
            runs.append([week, 1])
    longest = max(reversed(runs), key=lambda run: run[1], default=None)
    recent = runs[-1] if runs and sum(runs[-1]) >= (last_day - 1) // 7 else None
    return Streaks(current=_streak(recent), longest=_streak(longest))


def _streak(run: list[int] | None) -> Streak | None:
    return None if run is None else Streak(date.fromordinal(run[0] * 7 + 1), run[1])


def measure_pace(days: Iterable[DayCount], today: date, weeks: int = DEFAULT_PACE_WEEKS) -> Pace:
    """Required items finished in the ``weeks`` ISO weeks ending with the current one."""
    since = last_weeks_start(today, weeks)
    counted = [day for day in days if since <= day.day <= today and day.required_finished]
    return Pace(
        weeks=weeks,
        since=since,
        until=today,
        required_finished=sum(day.required_finished for day in counted),
        active_weeks=len({week_start(day.day) for day in counted}),
    )
