"""Figures, one rule each: skipped items leave every count, percentages round half up in every
format, the pace printed is the pace used, and "the last N weeks" are the same days everywhere."""

import ast
import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from math import ceil
from pathlib import Path

import pytest

from mltrack.core.dates import last_weeks_start
from mltrack.core.figures import cells, percent, rate, rounded

PACKAGE = Path(__file__).resolve().parent.parent / "mltrack"
TODAY = date.today()


def test_percent_rounds_half_up_to_one_decimal() -> None:
    assert percent(45, 80) == 56.3  # round(56.25, 1) would say 56.2
    assert percent(45.0, 80.0) == 56.3
    assert percent(1, 8) == 12.5 and percent(1, 3) == 33.3 and percent(2, 3) == 66.7
    assert percent(0.15, 1) == 15.0 and percent(1, 1) == 100.0
    assert percent(3, 0) is None
    assert [rounded(value) for value in (0.5, 1.5, 2.5)] == [1.0, 2.0, 3.0]
    assert cells(1, 2, 15) == 8 and cells(5, 0, 15) == 0  # 7.5 cells: half up, never to even


def test_rate_keeps_three_significant_figures() -> None:
    assert rate(5 * 7 / 98) == 0.357
    assert rate(2 * 7 / (520 * 7)) == 0.00385  # a slow pace never rounds to nothing
    assert rate(1.75) == 1.75 and rate(0) == 0.0 and rate(12.345) == 12.3


def test_no_other_rounding_in_renderers_and_queries() -> None:
    """One rounding rule: render/ and queries/ round only through mltrack.core.figures."""
    calls = []
    for folder in ("render", "queries"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "round"
                ):
                    calls.append(f"{path.name}:{node.lineno}")
    assert calls == []


@pytest.fixture
def hours_45_of_80(seeded_db: Path, ok) -> Path:
    """Required items estimated at 80 hours in all, 45 of them done."""
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("UPDATE item SET hours_estimate = NULL")  # only our own count
    connection.close()
    ok("add", "Alpha course", "--hours", "45", "--step", "bachelors")
    ok("add", "Beta course", "--hours", "35", "--step", "bachelors")
    ok("done", "my.alpha-course")
    return seeded_db


def test_every_format_shows_the_same_rounded_percentage(hours_45_of_80: Path, ok) -> None:
    document = json.loads(ok("progress", "--json").stdout)
    assert document["overall"]["hours"] == {"done": 45.0, "total": 80.0, "percent": 56.3}
    assert "56.3% of estimated hours (45 of 80 h)" in ok("progress").stdout
    overall = next(csv.DictReader(io.StringIO(ok("report", "--format", "csv").stdout)))
    assert overall["hours_percent"] == "56.3"
    markdown = ok("report", "--format", "md").stdout
    assert "| 45 | 80 | 56.3% |" in markdown
    report = json.loads(ok("report", "--format", "json").stdout)
    assert report["progress"]["overall"]["hours"]["percent"] == 56.3
    assert "56.2" not in markdown + ok("progress").stdout


def test_skipped_optional_items_leave_the_optional_counts(seeded_db: Path, ok) -> None:
    before = ok("progress").stdout
    assert "Optional items done: 0 of 21" in before
    assert "0/1  (+0/2 optional)" in before  # the bachelor's step: 1 required, 2 optional
    ok("done", "stanford-ml")
    ok("skip", "hadoop")
    ok("skip", "ml-courses-in-degree")
    after = ok("progress").stdout
    assert "Optional items done: 1 of 19" in after
    assert "0/1  (+0/1 optional)" in after
    document = json.loads(ok("progress", "--json").stdout)["overall"]["optional"]
    assert document == {"done": 1, "total": 21, "skipped": 2}  # JSON keeps the raw figures
    tables = ok("report", "--format", "md").stdout
    bachelors = next(line for line in tables.splitlines() if "| bachelors |" in line)
    assert bachelors.split(" | ")[5:7] == ["0", "1"]  # optional done, optional counted


def test_the_pace_printed_is_the_pace_the_forecast_uses(seeded_db: Path, ok) -> None:
    monday = last_weeks_start(TODAY, 1)
    for weeks_back, slug in enumerate(["python", "programming", "probability"]):
        ok("done", slug, "--on", (monday - timedelta(weeks=weeks_back, days=1)).isoformat())
    forecast = json.loads(ok("stats", "--json").stdout)["forecast"]
    per_week = forecast["pace"]["per_week"]
    assert per_week == rate(3 * 7 / ((TODAY - last_weeks_start(TODAY, 8)).days + 1))
    days = ceil(forecast["remaining"] * 7 / per_week)
    assert forecast["finish_on"] == (TODAY + timedelta(days=days)).isoformat()
    text = ok("stats").stdout.replace("\n  ", " ")
    assert f", {per_week:g} a week)" in text
    assert f"complete by {forecast['finish_on']}" in text


def test_last_weeks_start_on_a_monday(seeded_db: Path, ok) -> None:
    for today in (date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 2)):  # Sun, Mon, Wed
        start = last_weeks_start(today, 8)
        assert start.weekday() == 0
        assert start <= today - timedelta(weeks=7) < start + timedelta(weeks=1)
    assert last_weeks_start(date(2026, 11, 29), 8) == date(2026, 10, 5)  # not Sunday 10-04


def test_log_list_and_stats_add_up_the_same_weeks(seeded_db: Path, ok) -> None:
    start = last_weeks_start(TODAY, 8)
    ok("log", "3h", "deep-learning", "--on", (start - timedelta(days=1)).isoformat())  # before
    ok("log", "4h15", "deep-learning", "--on", start.isoformat())
    ok("log", "1h", "deep-learning", "--on", TODAY.isoformat())
    listed = ok("log", "--list").stdout
    assert f"Study sessions since {start.isoformat()}" in listed
    assert f"week of {(start - timedelta(weeks=1)).isoformat()}" not in listed
    area = [line for line in listed.split("Hours per study area")[1].splitlines() if line.strip()]
    assert len(area) == 1 and "5h15  (2 sessions)" in area[0]
    stats = json.loads(ok("stats", "--json").stdout)["study"]
    assert [(total["minutes"], total["sessions"]) for total in stats["by_area"]] == [(315, 2)]
    assert "5h15  (2 sessions)" in ok("stats").stdout.split("Study time per study area")[1]
