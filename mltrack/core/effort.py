"""Effort-based forecast: when the estimated hours left would be done at recent study time.

The item-count forecast (``core.pace``) assumes every item takes as long as any other; this one
weighs each item by its hour estimate and the time already logged on it, and divides by the
study time of recent weeks. Pure functions over figures SQL has gathered; ``today`` is always a
parameter, so every date can be checked on a constructed history.

The rules, each in one place here:

- **Hours left of an item** (a unit: an alternative group counts once, with the estimate
  ``progress`` gives it): its estimate minus the time logged on it, never below
  ``FLOOR_SHARE`` (10%) of the estimate. Time logged past an estimate says the estimate was
  low, not that the item is done, so an unfinished item always keeps some work. An item
  without an estimate is left out of the hours and counted as *not estimated*.
- **Study rate**: the median of the minutes logged per ISO week over the last 4 and the last
  12 *complete* weeks (the running week would pull the median down early in the week); a
  week with nothing logged counts as 0. A median needs the learner's first study day to fall
  in or before the first of its weeks; otherwise there is not enough history for it.
- **Range**: the finish date at each median that has enough history; the earlier is the
  range's low end, the later its high end. A median of 0 (nothing logged in most of those
  weeks) gives no date: the high end is open, and with no positive median the work is
  *stalled*. A date is today + ceil(minutes left x 7 / median minutes a week) days, so it is
  never before today.
"""

import math
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import week_start

FLOOR_SHARE = 0.1  # an unfinished item keeps at least 10% of its estimate
RATE_WEEKS = (4, 12)  # the medians the range is made of
WEEK = timedelta(days=7)


def minutes_left(estimate_hours: float | None, logged_minutes: int) -> int | None:
    """Minutes of work an unfinished item still holds: its estimate minus the time logged on
    it, never below ``FLOOR_SHARE`` of the estimate; None when it has no estimate."""
    if estimate_hours is None:
        return None
    estimate = round(estimate_hours * 60)
    return max(estimate - logged_minutes, math.ceil(estimate * FLOOR_SHARE))


class Work(NamedTuple):
    """What is left of a group of units (the required pathway, a step, a certification)."""

    items_left: int = 0  # open units (neither done nor skipped)
    minutes_left: int = 0  # of the estimated ones, floor applied
    not_estimated: int = 0  # open units without an estimate: outside ``minutes_left``

    def plus(self, estimate_hours: float | None, logged_minutes: int) -> "Work":
        """This work with one more open unit."""
        left = minutes_left(estimate_hours, logged_minutes)
        if left is None:
            return Work(self.items_left + 1, self.minutes_left, self.not_estimated + 1)
        return Work(self.items_left + 1, self.minutes_left + left, self.not_estimated)


def work_of(units: Iterable[tuple[float | None, int]]) -> Work:
    """The work left in open units given as (estimate in hours or None, minutes logged)."""
    work = Work()
    for estimate, logged in units:
        work = work.plus(estimate, logged)
    return work


class StudyRate(NamedTuple):
    """Minutes logged in each of the ``weeks`` complete ISO weeks before the current one."""

    weeks: int
    since: date  # the Monday of the first week
    until: date  # the Sunday of the last complete week
    per_week: tuple[int, ...]  # minutes, oldest week first
    enough_history: bool

    @property
    def median(self) -> float | None:
        """Median minutes a week; None without enough history."""
        return median(self.per_week) if self.enough_history else None


def median(values: tuple[int, ...]) -> float:
    """The middle value, or the mean of the two middle ones (``statistics.median``'s rule,
    without importing ``statistics``: it pulls in ``fractions``, ``decimal`` and ``random``,
    ~8 ms of every ``stats`` and ``week``)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def study_rate(
    weekly_minutes: Mapping[date, int], first_study: date | None, today: date, weeks: int
) -> StudyRate:
    """The study rate of the ``weeks`` complete weeks before ``today``'s week.

    ``weekly_minutes`` maps a week's Monday to the minutes logged in it (weeks without study
    may be missing); ``first_study`` is the learner's first day with study logged, if any.
    """
    until = week_start(today) - timedelta(days=1)
    since = week_start(today) - weeks * WEEK
    per_week = tuple(weekly_minutes.get(since + n * WEEK, 0) for n in range(weeks))
    enough = first_study is not None and first_study < since + WEEK
    return StudyRate(weeks, since, until, per_week, enough)


def finish_at(today: date, minutes: int, per_week: float) -> date:
    """The day ``minutes`` of work are done at ``per_week`` minutes a week (> 0), from today."""
    return today + timedelta(days=math.ceil(minutes * 7 / per_week))


class EffortForecast(NamedTuple):
    """When ``work`` would be done at each study rate; see the module for the rules."""

    today: date
    work: Work
    rates: tuple[StudyRate, ...]

    @property
    def finishes(self) -> list[tuple[StudyRate, date | None]]:
        """Each rate with enough history and the date it gives (None: a median of 0)."""
        return [
            (rate, finish_at(self.today, self.work.minutes_left, rate.median) if rate.median
             else None)
            for rate in self.rates if rate.enough_history
        ]  # fmt: skip

    @property
    def state(self) -> str:
        """``complete``, ``not_estimated`` (only unestimated items are left),
        ``too_little_history``, ``stalled`` (no study in most recent weeks) or ``forecast``."""
        if self.work.items_left <= 0:
            return "complete"
        if self.work.items_left == self.work.not_estimated:
            return "not_estimated"
        finishes = self.finishes
        if not finishes:
            return "too_little_history"
        return "forecast" if any(day for _, day in finishes) else "stalled"

    @property
    def low(self) -> date | None:
        """The earliest finish date (None unless ``state`` is ``forecast``)."""
        days = [day for _, day in self.finishes if day is not None]
        return min(days) if self.state == "forecast" else None

    @property
    def high(self) -> date | None:
        """The latest finish date; None when a rate of 0 leaves the range open."""
        if self.state != "forecast":
            return None
        days = [day for _, day in self.finishes]
        return None if None in days else max(d for d in days if d is not None)


def compare(item_count_finish: date | None, effort: EffortForecast) -> str | None:
    """How the item-count forecast's date stands against the effort range: ``earlier``,
    ``within`` or ``later``; None when either forecast has no date."""
    low, high = effort.low, effort.high
    if item_count_finish is None or low is None:
        return None
    if item_count_finish < low:
        return "earlier"
    if high is None or item_count_finish <= high:
        return "within"
    return "later"
