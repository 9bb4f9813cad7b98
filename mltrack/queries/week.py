"""``mltrack week``: this week's study time against the weekly goal, and the goal's streak.

The goal's rules (which goal a week is judged by, the streak) are ``core.week``'s; this module
gathers the figures: the goal's journal timeline (one index range), this week's minutes and
finished items from the per-day summary ``learner_day`` (at most 7 rows), what ``next``
suggests (its own query) with the hours left on each, and the minutes of past weeks for the
streak from the week summary ``study_week``, a batch of weeks at a time, only as far back as
the streak goes.
"""

from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import week_start
from mltrack.core.effort import minutes_left
from mltrack.core.rules import logged_minutes, visible_items
from mltrack.core.vocabulary import JournalKind, PlanAction
from mltrack.core.week import SUBJECT, WEEK, GoalChange, GoalStreak, goal_on, goal_streak
from mltrack.queries.planning import NextItem, next_items
from mltrack.queries.reader import SUBJECT_TIMELINE_SQL, Reader, as_date

NEXT_IN_WEEK = 3

# Minutes per week in a span of weeks (the streak reads them a batch at a time): one range
# of the week summary's covering index ``ix_study_week_learner_week``.
MINUTES_BETWEEN_SQL = """
    SELECT week_start, SUM(minutes) AS minutes FROM study_week
    WHERE learner_id = :learner_id AND week_start >= :since AND week_start < :until
    GROUP BY week_start
"""
STREAK_BATCH = 26  # weeks

WEEK_SQL = """
    SELECT COALESCE(SUM(minutes), 0) AS minutes, COALESCE(SUM(finished), 0) AS finished,
           COALESCE(SUM(required_finished), 0) AS required_finished
    FROM learner_day
    WHERE learner_id = :learner_id AND on_date >= :since AND on_date <= :until
"""

_LOGGED = logged_minutes("i")
_ITEM_HOURS_SQL = f"""
    SELECT i.slug, i.hours_estimate AS hours, {_LOGGED} AS minutes
    FROM item i
    WHERE i.slug IN ({{slugs}}) AND {visible_items()}
"""


class NextWithTime(NamedTuple):
    item: NextItem
    minutes_left: int | None  # None: the item has no estimate


class WeekReport(NamedTuple):
    learner: str
    today: date
    start: date  # this week's Monday
    goal_minutes: int | None  # the goal in force now
    logged_minutes: int
    finished: int
    required_finished: int
    next: list[NextWithTime]
    streak: GoalStreak
    goal_since: date | None  # the day the goal in force was set

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def days_left(self) -> int:
        """Days of the week still to come, today included."""
        return (self.end - self.today).days + 1

    @property
    def minutes_to_goal(self) -> int | None:
        """Minutes still to log this week to meet the goal (0 once met); None: no goal."""
        if self.goal_minutes is None:
            return None
        return max(self.goal_minutes - self.logged_minutes, 0)

    @property
    def met(self) -> bool | None:
        return None if self.goal_minutes is None else self.logged_minutes >= self.goal_minutes


def goal_timeline(reader: Reader, learner_id: int) -> list[GoalChange]:
    """The weekly goal's standing changes, oldest first (undone ones left out, amended ones
    on their corrected dates)."""
    # The goal's entries (undo and amend entries carry their target's subject).
    rows = reader.rows(
        SUBJECT_TIMELINE_SQL, learner_id=learner_id, kind=JournalKind.PLAN, subject=SUBJECT
    )
    if not rows:
        return []
    # The journal's rules (undo, amend) only for a learner who ever set a goal: they import
    # json and the rule module, ~3 ms.
    from mltrack.core.journal import effective, entry_of

    return [
        GoalChange(entry.on, int(entry.data["minutes"]) if entry.action == PlanAction.SET else None)
        for entry in effective(entry_of(row) for row in rows)
    ]


def week_report(reader: Reader, learner: str, learner_id: int, today: date) -> WeekReport:
    """This week (Monday to Sunday) so far against the goal in force, with what to do next."""
    start = week_start(today)
    timeline = goal_timeline(reader, learner_id)
    this = _week(reader, learner_id, start, today)
    cache = {start: this["minutes"]}

    def minutes_in_week(monday: date) -> int:
        # The streak asks week by week, going back: read a batch of weeks at a time.
        if monday not in cache:
            first = monday - (STREAK_BATCH - 1) * WEEK
            rows = reader.rows(
                MINUTES_BETWEEN_SQL,
                learner_id=learner_id,
                since=first.isoformat(),
                until=(monday + WEEK).isoformat(),
            )
            for n in range(STREAK_BATCH):
                cache.setdefault(first + n * WEEK, 0)
            for row in rows:
                cache[as_date(row["week_start"])] = row["minutes"]
        return cache[monday]

    suggested = next_items(reader, learner, learner_id, NEXT_IN_WEEK)
    goal = goal_on(timeline, today)
    since = next((change.on for change in reversed(timeline) if change.on <= today), None)
    return WeekReport(
        learner, today, start, goal, this["minutes"], this["finished"],
        this["required_finished"], _with_time(reader, learner_id, suggested.items),
        goal_streak(timeline, minutes_in_week, today), since if goal is not None else None,
    )  # fmt: skip


def _week(reader: Reader, learner_id: int, since: date, until: date) -> dict[str, int]:
    row = reader.rows(WEEK_SQL, learner_id=learner_id, since=since.isoformat(),
                      until=until.isoformat())[0]  # fmt: skip
    return {key: int(row[key]) for key in ("minutes", "finished", "required_finished")}


def _with_time(reader: Reader, learner_id: int, items: list[NextItem]) -> list[NextWithTime]:
    """Each suggested item with the minutes left on it by ``core.effort``'s rule."""
    if not items:
        return []
    names = {f"s{n}": item.slug for n, item in enumerate(items)}
    sql = _ITEM_HOURS_SQL.format(slugs=", ".join(f":{name}" for name in names))
    found = {row["slug"]: row for row in reader.rows(sql, learner_id=learner_id, **names)}
    result = []
    for item in items:
        row = found.get(item.slug)
        left = None if row is None else minutes_left(row["hours"], row["minutes"])
        result.append(NextWithTime(item, left))
    return result
