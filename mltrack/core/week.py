"""The weekly study goal: which goal held in a week, whether the week met it, the streak.

A goal is set (minutes a week) or cleared by journal entries; its timeline is the list of
(date, minutes or None) that the standing entries give, oldest first. A week is judged by the
goal in force at its **end** (its Sunday; for the running week, today): that is the goal
``mltrack week`` showed the learner while the week ran out, so the streak never contradicts
what they were told, and raising the goal on a Wednesday applies to the week in which it was
raised. A week with no goal in force does not meet one. The running week does not break the
streak until it is over (as item streaks in ``stats``).

Standard library only; ``today`` is always a parameter.
"""

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import week_start

WEEK = timedelta(days=7)
SUBJECT = "week_goal"  # the journal subject (kind ``plan``) of the weekly goal
MAX_GOAL_MINUTES = 7 * 24 * 60  # a week holds no more


class GoalChange(NamedTuple):
    on: date
    minutes: int | None  # None: cleared


def goal_on(timeline: Sequence[GoalChange], day: date) -> int | None:
    """The goal in force on ``day``: the last change on or before it (None: no goal)."""
    goal = None
    for change in timeline:
        if change.on > day:
            break
        goal = change.minutes
    return goal


def week_end(monday: date, today: date) -> date:
    """The day a week is judged on: its Sunday, or today while it runs."""
    return min(monday + timedelta(days=6), today)


class GoalStreak(NamedTuple):
    """Consecutive weeks that met the goal in force, ending with the running week when it
    met it already, else with the week before."""

    weeks: int
    first: date | None  # the Monday of its first week
    last: date | None  # the Monday of its last week


def goal_streak(
    timeline: Sequence[GoalChange],
    minutes_in_week: Callable[[date], int],
    today: date,
) -> GoalStreak:
    """Count back week by week from the running one while each met its goal.

    ``minutes_in_week(monday)`` gives the minutes logged in that week; it is asked about the
    weeks of the streak and the one that ends it, no more.
    """
    monday = week_start(today)
    first_goal = timeline[0].on if timeline else None

    def met(week: date) -> bool:
        goal = goal_on(timeline, week_end(week, today))
        return goal is not None and minutes_in_week(week) >= goal

    if first_goal is None:
        return GoalStreak(0, None, None)
    last = monday if met(monday) else monday - WEEK
    week, count = last, 0
    # A week ending before the first goal was set had none: the loop stops there.
    while week_end(week, today) >= first_goal and met(week):
        count += 1
        week -= WEEK
    if count == 0:
        return GoalStreak(0, None, None)
    return GoalStreak(count, week + WEEK, last)
