"""The date arithmetic behind stats, progress and target, on constructed histories."""

from datetime import date, timedelta

from mltrack.core.dates import week_start
from mltrack.core.pace import (
    DayCount,
    Forecast,
    Streak,
    TargetOutlook,
    find_streaks,
    fold_weeks,
    measure_pace,
    week_label,
)

WEDNESDAY = date(2026, 3, 4)  # ISO week 2026-W10, which starts on Monday 2026-03-02


def finished(*days: date, required: bool = True) -> list[DayCount]:
    return [DayCount(day, 1, 1 if required else 0) for day in days]


def monday(weeks_back: int, today: date = WEDNESDAY) -> date:
    return week_start(today) - timedelta(weeks=weeks_back)


def test_weeks_start_on_monday_and_are_named_the_iso_way() -> None:
    assert week_start(WEDNESDAY) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 2)) == date(2026, 3, 2)
    assert week_start(date(2026, 3, 8)) == date(2026, 3, 2)  # Sunday
    assert week_label(WEDNESDAY) == "2026-W10"
    assert week_label(date(2027, 1, 1)) == "2026-W53"  # ISO years do not follow the calendar


def test_fold_weeks_sums_days_and_keeps_empty_weeks() -> None:
    days = [
        DayCount(date(2026, 2, 16), 2, 1),  # W08, Monday
        DayCount(date(2026, 2, 22), 1, 1),  # W08, Sunday
        DayCount(date(2026, 3, 3), 4, 0),  # W10
        DayCount(date(2026, 1, 5), 9, 9),  # before the range: left out
    ]
    weeks = fold_weeks(days, date(2026, 2, 18), WEDNESDAY)
    assert [(w.label, w.finished, w.required_finished) for w in weeks] == [
        ("2026-W08", 3, 2),
        ("2026-W09", 0, 0),
        ("2026-W10", 4, 0),
    ]


def test_a_gap_week_breaks_a_streak() -> None:
    days = finished(
        *(monday(n) + timedelta(days=2) for n in (7, 6, 5, 4)),  # four weeks in a row
        monday(2),  # gap at 3 weeks back
        monday(1) + timedelta(days=6),
        WEDNESDAY,
    )
    streaks = find_streaks(days, WEDNESDAY)
    assert streaks.current == Streak(monday(2), 3)
    assert streaks.longest == Streak(monday(7), 4)


def test_the_running_week_does_not_break_the_current_streak_until_it_is_over() -> None:
    days = finished(monday(2), monday(1))
    assert find_streaks(days, WEDNESDAY).current == Streak(monday(2), 2)
    # A week later, with nothing finished in between, the streak is over but still the longest.
    later = find_streaks(days, WEDNESDAY + timedelta(weeks=1))
    assert later.current is None
    assert later.longest == Streak(monday(2), 2)


def test_streaks_count_weeks_not_items_and_ties_go_to_the_latest() -> None:
    days = finished(monday(6), monday(6), monday(5), monday(2), monday(1) + timedelta(days=1))
    streaks = find_streaks(days, WEDNESDAY)
    assert streaks.longest == Streak(monday(2), 2)
    assert find_streaks([], WEDNESDAY).current is None
    assert find_streaks([], WEDNESDAY).longest is None


def test_pace_counts_required_items_in_the_weeks_up_to_today() -> None:
    days = [
        *finished(monday(7), monday(3), WEDNESDAY),
        *finished(monday(2), required=False),  # optional: not pace
        *finished(monday(8) + timedelta(days=6)),  # the Sunday before the window
    ]
    pace = measure_pace(days, WEDNESDAY, weeks=8)
    assert (pace.since, pace.until, pace.days) == (monday(7), WEDNESDAY, 7 * 7 + 3)
    assert (pace.required_finished, pace.active_weeks) == (3, 3)
    assert pace.per_week == 0.404  # 3 * 7 / 52 = 0.40385, to three significant figures


def test_forecast_on_a_constructed_pace() -> None:
    # 13 required items in the 52 days since 2026-01-12: 1.75 a week; 7 left take 4 weeks.
    days = [DayCount(monday(7) + timedelta(weeks=n), 2 if n < 6 else 1, 2 if n < 6 else 1)
            for n in range(7)]  # fmt: skip
    pace = measure_pace(days, WEDNESDAY, weeks=8)
    assert (pace.required_finished, pace.per_week) == (13, 1.75)
    forecast = Forecast(WEDNESDAY, remaining=7, pace=pace)
    assert forecast.state == "forecast"
    assert forecast.finish_on == date(2026, 4, 1)
    # A part of a day still needs the day: 8 left take 32 days.
    assert Forecast(WEDNESDAY, 8, pace).finish_on == date(2026, 4, 5)


def test_no_forecast_from_a_single_burst_or_when_complete() -> None:
    burst = measure_pace(finished(*[WEDNESDAY] * 9), WEDNESDAY)
    assert (burst.required_finished, burst.active_weeks, burst.enough_history) == (9, 1, False)
    assert Forecast(WEDNESDAY, 5, burst).finish_on is None
    assert Forecast(WEDNESDAY, 5, burst).state == "too_little_history"
    assert Forecast(WEDNESDAY, 0, burst).state == "complete"


def test_target_outlook() -> None:
    pace = measure_pace(finished(monday(3), monday(1)), WEDNESDAY, weeks=4)  # 2 in 24 days
    # The forecast divides by the pace as printed, 2 * 7 / 24 = 0.583 a week: 6 items take
    # 6 * 7 / 0.583 = 72.04 days, so 73 (the exact 0.58333 would give 72).
    assert pace.per_week == 0.583
    forecast = Forecast(WEDNESDAY, remaining=6, pace=pace)
    assert forecast.finish_on == WEDNESDAY + timedelta(days=73)
    on_time = TargetOutlook(WEDNESDAY + timedelta(days=73), forecast)
    assert (on_time.on_track, on_time.days_left) == (True, 73)
    assert on_time.needed_per_week == 0.575  # 6 * 7 / 73 = 0.57534
    assert TargetOutlook(WEDNESDAY + timedelta(days=72), forecast).on_track is False
    passed = TargetOutlook(WEDNESDAY - timedelta(days=1), forecast)
    assert (passed.on_track, passed.needed_per_week) == (False, None)
    short = Forecast(WEDNESDAY, 6, measure_pace(finished(monday(1)), WEDNESDAY))
    assert TargetOutlook(WEDNESDAY + timedelta(days=400), short).on_track is None
    done = Forecast(WEDNESDAY, 0, pace)
    assert TargetOutlook(WEDNESDAY - timedelta(days=9), done).on_track is True
