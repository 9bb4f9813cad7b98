"""``mltrack week``: the weekly goal (set, clear, undo, history, export), this week's figures
and the streak of weeks meeting the goal in force at each week's end."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.core.dates import week_start
from mltrack.core.week import GoalChange, goal_on, goal_streak

TODAY = date.today()
MONDAY = week_start(TODAY)


def weeks_back(n: int, day: int = 0) -> str:
    return (MONDAY - timedelta(weeks=n) + timedelta(days=day)).isoformat()


def week_of(ok) -> dict:
    return json.loads(ok("week", "--json").output)


def newest_id(ok) -> int:
    return json.loads(ok("history", "--json", "-n", "1").output)["entries"][0]["id"]


def journal_count(rows, path: Path) -> int:
    return rows(path, "SELECT COUNT(*) FROM journal")[0][0]


@pytest.mark.parametrize(
    "typed, minutes",
    [("6h", 360), ("90m", 90), ("1h30m", 90), ("1h30", 90), ("4.5h", 270), ("168h", 10080)],
)
def test_goal_forms_are_read_like_log_durations(seeded_db: Path, ok, typed, minutes) -> None:
    ok("week", "--goal", typed)
    assert week_of(ok)["goal_minutes"] == minutes


@pytest.mark.parametrize("typed", ["0h", "169h", "6 hours", "-1h", "4.5", "1h60"])
def test_a_bad_goal_is_one_line_exit_2_and_changes_nothing(
    seeded_db: Path, run, rows, typed
) -> None:
    before = journal_count(rows, seeded_db)
    result = run("week", "--goal", typed)
    assert result.exit_code == 2
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("Error:") and ("not a weekly goal" in error or "0 to 59" in error)
    assert "Traceback" not in result.output
    assert journal_count(rows, seeded_db) == before


def test_set_clear_and_undo_are_journal_entries(seeded_db: Path, ok, run) -> None:
    assert ok("week", "--goal", "6h").output.strip() == "weekly goal: 6h a week (was none)"
    assert ok("week", "--goal", "8h").output.strip() == "weekly goal: 8h a week (was 6h)"
    assert ok("week", "--goal", "8h").output.strip() == "weekly goal: already 8h a week"
    assert "weekly goal" in ok("history").output
    assert ok("undo").output.startswith("undo: weekly goal (8h a week -> 6h a week)")
    assert week_of(ok)["goal_minutes"] == 360
    assert ok("week", "--goal", "none").output.strip() == "weekly goal 6h a week removed"
    assert week_of(ok)["goal_minutes"] is None
    assert ok("week", "--goal", "none").output.strip() == "no weekly goal set"
    ok("undo")
    assert week_of(ok)["goal_minutes"] == 360
    assert run("week", "--goal", "6h", "--json").exit_code == 2


def test_this_week_against_the_goal(seeded_db: Path, ok) -> None:
    ok("week", "--goal", "6h")
    ok("log", "90m", "deep-learning")
    ok("done", "python")
    week = week_of(ok)
    days_left = (MONDAY + timedelta(days=6) - TODAY).days + 1
    assert week["week"] == {"start": MONDAY.isoformat(),
                            "end": (MONDAY + timedelta(days=6)).isoformat()}  # fmt: skip
    assert (week["days_left"], week["logged_minutes"], week["minutes_to_goal"]) == (
        days_left,
        90,
        270,
    )
    assert (week["finished"], week["required_finished"], week["met"]) == (1, 1, False)
    text = " ".join(ok("week").output.split())
    assert "1h30 of the 6h goal (25.0%); 4h30 to go" in text
    assert f"{days_left} day" in text


def test_next_items_carry_their_hours_left(seeded_db: Path, ok) -> None:
    suggested = json.loads(ok("next", "-n", "3", "--json").output)["items"]
    week = week_of(ok)
    assert [item["slug"] for item in week["next"]] == [item["slug"] for item in suggested]
    estimates = {
        item["slug"]: json.loads(ok("show", item["slug"], "--json").output)["hours_estimate"]
        for item in suggested
    }
    for item in week["next"]:
        estimate = estimates[item["slug"]]
        assert item["minutes_left"] == (None if estimate is None else round(estimate * 60))
    ok("start", "data-structures")
    for day in range(2):  # 2 x 20h on a 40h item: 40h logged, 4h (10%) left
        ok("log", "20h", "data-structures", "--on", weeks_back(1, day))
    left = {item["slug"]: item["minutes_left"] for item in week_of(ok)["next"]}
    assert left["data-structures"] == 240


def test_streak_counts_weeks_that_met_the_goal_of_their_time(seeded_db: Path, ok) -> None:
    ok("week", "--goal", "2h")
    ok("amend", str(newest_id(ok)), "--on", weeks_back(10))  # the goal since 10 weeks back
    for n in (1, 2, 3, 5):  # week 4 back has nothing: the streak is weeks 3 to 1
        ok("log", "2h", "--on", weeks_back(n))
    streak = week_of(ok)["streak"]
    assert streak == {"weeks": 3, "first": weeks_back(3), "last": weeks_back(1)}
    ok("log", "2h")  # this week meets it too: it joins the streak
    assert week_of(ok)["streak"]["weeks"] == 4
    # A goal raised today applies to this week only: the weeks before keep theirs.
    ok("week", "--goal", "5h")
    assert week_of(ok)["streak"] == {"weeks": 3, "first": weeks_back(3), "last": weeks_back(1)}
    ok("undo")
    # Raised on the Tuesday of two weeks back: that week and the next are judged by 5h.
    ok("week", "--goal", "5h")
    ok("amend", str(newest_id(ok)), "--on", weeks_back(2, 1))
    ok("log", "3h", "--on", weeks_back(1, 2))  # week 1 back: 2h + 3h = 5h, met
    assert week_of(ok)["streak"] == {"weeks": 1, "first": weeks_back(1), "last": weeks_back(1)}
    assert "Goal streak: 1 week" in ok("week").output


def test_no_goal_no_streak(seeded_db: Path, ok) -> None:
    ok("log", "5h", "--on", weeks_back(1))
    week = week_of(ok)
    assert (week["goal_minutes"], week["met"], week["streak"]["weeks"]) == (None, None, 0)
    assert "no weekly goal (set one: mltrack week --goal 6h)" in ok("week").output


def test_the_goal_survives_export_and_import(seeded_db: Path, ok, tmp_path: Path) -> None:
    ok("week", "--goal", "2h")
    ok("amend", str(newest_id(ok)), "--on", weeks_back(6))
    ok("week", "--goal", "3h30m")
    ok("week", "--goal", "none")
    ok("undo")
    for n in (1, 2):
        ok("log", "4h", "--on", weeks_back(n))
    shown = week_of(ok)
    first = tmp_path / "one.json"
    ok("export", "-o", str(first))
    other = tmp_path / "other.db"
    ok("--db", str(other), "import", str(first))
    assert json.loads(ok("--db", str(other), "week", "--json").output) == shown
    second = tmp_path / "two.json"
    ok("--db", str(other), "export", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert "weekly goal" in ok("--db", str(other), "history").output
    ok("--db", str(other), "doctor")


def test_goal_on_and_streak_rules() -> None:
    monday = date(2026, 3, 2)
    timeline = [GoalChange(date(2026, 2, 3), 120), GoalChange(date(2026, 2, 18), None),
                GoalChange(date(2026, 2, 20), 60)]  # fmt: skip
    assert goal_on(timeline, date(2026, 2, 2)) is None
    assert goal_on(timeline, date(2026, 2, 19)) is None
    assert goal_on(timeline, date(2026, 2, 22)) == 60
    minutes = {monday - timedelta(weeks=n): 100 for n in range(0, 6)}
    streak = goal_streak(timeline, lambda week: minutes.get(week, 0), date(2026, 3, 4))
    # Weeks ending 03-08 (running, judged today: 60), 03-01, 02-22: 60 each; 02-15: 120
    # (100 logged: not met).
    assert (streak.weeks, streak.first, streak.last) == (3, monday - timedelta(weeks=2), monday)
