"""A year of activity, day by day: study minutes and items finished for each of the 53 weeks
(Monday to Sunday) up to the current one, from the ``learner_day`` summary in one indexed
range of 371 days, however long the learner's history."""

from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.dates import week_start
from mltrack.queries.reader import Reader

WEEKS = 53
_DAYS_SQL = """
    SELECT on_date, finished, minutes FROM learner_day
    WHERE learner_id = :learner_id AND on_date >= :first AND on_date <= :last
"""


class Day(NamedTuple):
    on: date
    minutes: int
    finished: int
    future: bool  # after today: the rest of the current week, drawn empty


class Heatmap(NamedTuple):
    learner: str
    today: date
    first: date  # a Monday
    days: list[Day]  # WEEKS * 7 days from ``first``, in order

    @property
    def weeks(self) -> list[list[Day]]:
        """The days in weeks of seven, Monday first."""
        return [self.days[n : n + 7] for n in range(0, len(self.days), 7)]

    @property
    def total_minutes(self) -> int:
        return sum(day.minutes for day in self.days)

    @property
    def total_finished(self) -> int:
        return sum(day.finished for day in self.days)

    @property
    def active_days(self) -> int:
        return sum(1 for day in self.days if day.minutes or day.finished)


def heatmap(reader: Reader, learner: str, learner_id: int, today: date) -> Heatmap:
    """The 53 weeks ending with the week of ``today``."""
    first = week_start(today) - timedelta(weeks=WEEKS - 1)
    last = first + timedelta(days=WEEKS * 7 - 1)
    found = {
        str(row["on_date"]): (row["minutes"], row["finished"])
        for row in reader.rows(
            _DAYS_SQL, learner_id=learner_id, first=first.isoformat(), last=last.isoformat()
        )
    }
    days = []
    for offset in range(WEEKS * 7):
        on = first + timedelta(days=offset)
        minutes, finished = found.get(on.isoformat(), (0, 0))
        days.append(Day(on, minutes, finished, on > today))
    return Heatmap(learner, today, first, days)
