"""The effort-based forecast: hours left at the median study time of the last 4 and 12 weeks,
on constructed histories, through ``stats``, ``target`` and ``report`` and on the pure rule."""

import json
import math
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mltrack.core.dates import week_start
from mltrack.core.effort import (
    EffortForecast,
    Work,
    minutes_left,
    study_rate,
    work_of,
)

PATHWAY = Path(__file__).parent / "data" / "pathways" / "mlops.toml"
TODAY = date.today()
MONDAY = week_start(TODAY)


def weeks_back(n: int) -> date:
    """The Monday ``n`` complete weeks before this week's."""
    return MONDAY - timedelta(weeks=n)


def log_weeks(ok, minutes_by_week: dict[int, int], item: str | None = None) -> None:
    """Log ``minutes`` on the Monday of each week ``n`` weeks back (no item unless given)."""
    for n, minutes in minutes_by_week.items():
        if minutes:
            ok("log", f"{minutes}m", *([item] if item else []), "--on", weeks_back(n).isoformat())


def minutes_left_in_pathway(ok) -> int:
    """What the hours left are when no time is logged on an item: estimated minus done."""
    hours = json.loads(ok("progress", "--json").output)["overall"]["hours"]
    return round((hours["total"] - hours["done"]) * 60)


def effort_of(ok) -> dict:
    return json.loads(ok("stats", "--json").output)["effort"]["pathway"]


def after(minutes: int, per_week: float) -> str:
    """Today + ceil(minutes x 7 / per week) days, as the README states the rule."""
    return (TODAY + timedelta(days=math.ceil(minutes * 7 / per_week))).isoformat()


# Constructed histories through the CLI ------------------------------------------------------


def test_steady_study_gives_one_date(seeded_db: Path, ok) -> None:
    log_weeks(ok, {n: 360 for n in range(1, 13)})
    left = minutes_left_in_pathway(ok)
    effort = effort_of(ok)
    assert effort["state"] == "forecast"
    assert [rate["median_minutes"] for rate in effort["rates"]] == [360, 360]
    assert effort["low"] == effort["high"] == after(left, 360)
    assert effort["minutes_left"] == left and effort["not_estimated"] == 4


def test_accelerating_study_gives_a_range_from_the_recent_median(seeded_db: Path, ok) -> None:
    # Eight weeks of 1h, then four of 10h: the 4-week median is 600, the 12-week one 60
    # (the 6th and 7th of twelve sorted values are both 60).
    log_weeks(ok, {n: (600 if n <= 4 else 60) for n in range(1, 13)})
    left = minutes_left_in_pathway(ok)
    effort = effort_of(ok)
    assert [rate["median_minutes"] for rate in effort["rates"]] == [600, 60]
    assert (effort["low"], effort["high"]) == (after(left, 600), after(left, 60))
    text = ok("stats").output
    assert f"range {after(left, 600)} to {after(left, 60)}" in " ".join(text.split())


def test_stalled_recent_weeks_leave_the_range_open_then_stall(seeded_db: Path, ok) -> None:
    # Weeks 12 to 5 back: 5h each; nothing in the last four.
    log_weeks(ok, {n: 300 for n in range(5, 13)})
    left = minutes_left_in_pathway(ok)
    effort = effort_of(ok)
    assert [rate["median_minutes"] for rate in effort["rates"]] == [0, 300]
    assert (effort["state"], effort["low"], effort["high"]) == ("forecast", after(left, 300), None)
    assert [rate["finish_on"] for rate in effort["rates"]] == [None, after(left, 300)]


def test_study_long_ago_only_is_stalled(seeded_db: Path, ok) -> None:
    ok("log", "2h", "--on", weeks_back(20).isoformat())
    effort = effort_of(ok)
    assert (effort["state"], effort["low"], effort["high"]) == ("stalled", None, None)
    assert "stalled" in ok("stats").output


def test_too_little_history_says_so_and_gives_no_date(seeded_db: Path, ok) -> None:
    ok("log", "3h", "--on", weeks_back(2).isoformat())
    ok("log", "3h", "--on", weeks_back(1).isoformat())
    effort = effort_of(ok)
    assert effort["state"] == "too_little_history"
    assert (effort["low"], effort["high"]) == (None, None)
    assert "not enough history" in " ".join(ok("stats").output.split())


def test_four_weeks_of_history_use_the_four_week_median_alone(seeded_db: Path, ok) -> None:
    log_weeks(ok, {4: 120, 3: 240, 2: 240, 1: 480})  # median of 4: 240
    left = minutes_left_in_pathway(ok)
    effort = effort_of(ok)
    assert [rate["enough_history"] for rate in effort["rates"]] == [True, False]
    assert effort["low"] == effort["high"] == after(left, 240)


def test_time_logged_on_an_unestimated_item_counts_as_study_not_as_work_done(
    seeded_db: Path, ok
) -> None:
    # bsc-software-engineering has no estimate: its time is study time all the same, and the
    # hours left do not move.
    left = minutes_left_in_pathway(ok)
    log_weeks(ok, {n: 360 for n in range(1, 13)}, item="bsc-software-engineering")
    effort = effort_of(ok)
    assert effort["minutes_left"] == left
    assert effort["low"] == after(left, 360)


def test_time_past_an_estimate_leaves_the_floor(seeded_db: Path, ok) -> None:
    left = minutes_left_in_pathway(ok)
    # 20h on a 40h item, then 30h more: 50h logged, 4h (10%) left, not -10h.
    ok("log", "20h", "graphical-models", "--on", weeks_back(3).isoformat())
    assert effort_of(ok)["minutes_left"] == left - 20 * 60
    ok("log", "15h", "graphical-models", "--on", weeks_back(2).isoformat())
    ok("log", "15h", "graphical-models", "--on", weeks_back(1).isoformat())
    assert effort_of(ok)["minutes_left"] == left - 40 * 60 + 4 * 60


def test_steps_and_certification_goals_get_their_own_range(seeded_db: Path, ok) -> None:
    log_weeks(ok, {n: 600 for n in range(1, 13)})
    ok("cert", "goal", "stanford", "--by", "2999-01-01")
    effort = json.loads(ok("stats", "--json").output)["effort"]
    steps = {step["slug"]: step for step in effort["steps"]}
    assert sum(step["minutes_left"] for step in steps.values()) == effort["pathway"]["minutes_left"]
    assert steps["bachelors"]["state"] == "not_estimated"
    (cert,) = effort["certs"]
    assert (cert["slug"], cert["target_date"]) == ("stanford-ml", "2999-01-01")
    hours = json.loads(ok("show", "stanford-ml", "--json").output)["hours_estimate"]
    assert cert["minutes_left"] == round(hours * 60)
    assert cert["low"] == after(cert["minutes_left"], 600)


def test_a_learner_following_an_installed_pathway_gets_its_items_and_steps(
    seeded_db: Path, ok
) -> None:
    # mlops: python (shared with the shipped pathway), docker-basics (10h), model-serving (no
    # estimate), in its own two steps; the shipped pathway's items and steps leave the forecast.
    ok("pathway", "install", str(PATHWAY))
    ok("pathway", "use", "mlops")
    log_weeks(ok, {n: 600 for n in range(1, 13)})
    ok("log", "2h", "docker-basics", "--on", weeks_back(1).isoformat())
    left = minutes_left_in_pathway(ok) - 2 * 60
    effort = json.loads(ok("stats", "--json").output)["effort"]
    pathway = effort["pathway"]
    assert (pathway["items_left"], pathway["not_estimated"]) == (3, 1)
    assert pathway["minutes_left"] == left
    assert pathway["low"] == after(left, 600)
    steps = {step["slug"]: step for step in effort["steps"]}
    assert list(steps) == ["mlops-basics", "mlops-production"]
    assert steps["mlops-basics"]["minutes_left"] == left
    assert steps["mlops-production"]["state"] == "not_estimated"
    # Back on the shipped pathway, its own steps and hours return.
    ok("pathway", "use", "ml-engineer")
    shipped = json.loads(ok("stats", "--json").output)["effort"]
    assert "bachelors" in {step["slug"] for step in shipped["steps"]}
    assert shipped["pathway"]["minutes_left"] == minutes_left_in_pathway(ok)


def test_the_two_forecasts_are_compared_and_the_target_judged(seeded_db: Path, ok) -> None:
    log_weeks(ok, {n: 600 for n in range(1, 13)})
    ok("done", "python", "--on", weeks_back(3).isoformat())
    ok("done", "probability", "--on", weeks_back(1).isoformat())
    stats = json.loads(ok("stats", "--json").output)
    pathway = stats["effort"]["pathway"]
    assert pathway["item_count_finish_on"] == stats["forecast"]["finish_on"]
    assert pathway["item_count_compared"] in ("earlier", "within", "later")
    assert "The item-count forecast" in " ".join(ok("stats").output.split())
    ok("target", "set", "2999-01-01")
    target = json.loads(ok("target", "--json").output)
    assert target["effort"]["low"] == pathway["low"]
    assert "on track at both rates for 2999-01-01" in " ".join(ok("target").output.split())


def test_the_report_shows_the_effort_forecast_in_every_format(
    seeded_db: Path, ok, tmp_path: Path
) -> None:
    log_weeks(ok, {n: 360 for n in range(1, 13)})
    low = effort_of(ok)["low"]
    document = json.loads(ok("report", "--format", "json").output)
    assert document["stats"]["effort"]["pathway"]["low"] == low
    markdown = ok("report", "--format", "md", "-o", str(tmp_path / "r.md"))
    assert markdown.exit_code == 0
    text = (tmp_path / "r.md").read_text()
    assert "Forecast by study time" in text and low in text
    ok("report", "--format", "html", "-o", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text()
    assert "Forecast by study time" in html and low in html


# The pure rule ------------------------------------------------------------------------------


def test_minutes_left_has_a_floor_of_a_tenth_of_the_estimate() -> None:
    assert minutes_left(40, 0) == 2400
    assert minutes_left(40, 1000) == 1400
    assert minutes_left(40, 2300) == 240
    assert minutes_left(40, 99_999) == 240
    assert minutes_left(None, 600) is None
    assert work_of([(40, 0), (None, 5), (1.5, 100)]) == Work(3, 2400 + 9, 1)


def test_exact_ranges_on_a_fixed_day() -> None:
    today = date(2026, 3, 4)  # a Wednesday; complete weeks end on Sunday 2026-03-01
    weekly = {date(2026, 3, 2) - timedelta(weeks=n): 420 for n in range(1, 13)}
    weekly[date(2026, 3, 2)] = 10_000  # the running week is not counted
    rates = tuple(study_rate(weekly, date(2025, 1, 1), today, n) for n in (4, 12))
    forecast = EffortForecast(today, Work(5, 4200, 0), rates)
    # 4200 minutes at 420 a week: 70 days.
    assert (forecast.low, forecast.high) == (date(2026, 5, 13), date(2026, 5, 13))
    assert rates[0].since == date(2026, 2, 2) and rates[0].until == date(2026, 3, 1)
    too_new = tuple(study_rate(weekly, date(2026, 2, 10), today, n) for n in (4, 12))
    assert EffortForecast(today, Work(5, 4200, 0), too_new).state == "too_little_history"


@settings(max_examples=200, deadline=None)
@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2900, 1, 1)),
    minutes=st.lists(st.integers(0, 24 * 60 * 7), min_size=12, max_size=12),
    first_back=st.integers(0, 30),
    items=st.integers(0, 40),
    left=st.integers(0, 1_000_000),
    unestimated=st.integers(0, 40),
)
def test_unfinished_work_never_finishes_before_today_and_low_is_at_most_high(
    today: date, minutes: list[int], first_back: int, items: int, left: int, unestimated: int
) -> None:
    monday = week_start(today)
    weekly = {monday - timedelta(weeks=n + 1): value for n, value in enumerate(minutes)}
    first = monday - timedelta(weeks=first_back)
    rates = tuple(study_rate(weekly, first, today, n) for n in (4, 12))
    unestimated = min(unestimated, items)
    forecast = EffortForecast(today, Work(items, left if items > unestimated else 0,
                                          unestimated), rates)  # fmt: skip
    if forecast.state == "forecast":
        assert forecast.low is not None and forecast.low >= today
        assert forecast.high is None or forecast.low <= forecast.high
    else:
        assert forecast.low is None and forecast.high is None
    for _, day in forecast.finishes:
        assert day is None or day >= today
    assert (forecast.state == "complete") == (items == 0)
