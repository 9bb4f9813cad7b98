"""Figures, one rule each: skipped items leave every count, percentages round half up in every
format, the pace printed is the pace used, and "the last N weeks" are the same days everywhere."""

import ast
import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from math import ceil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mltrack.core.dates import last_weeks_start
from mltrack.core.figures import cells, percent, rate, rounded


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines and tables; fitting to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


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


# The rule as decimal states it: the oracle the integer arithmetic of core.figures must match.
def decimal_rounded(value: Decimal, places: int) -> float:
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


NUMBERS = st.one_of(
    st.integers(-(10**9), 10**9),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
    st.decimals(-1000, 1000, places=4).map(float),  # exact ties such as 2.25 and 0.125
)


@given(value=NUMBERS, places=st.integers(-3, 6))
def test_rounded_is_decimal_half_up_on_the_shortest_repr(value: float, places: int) -> None:
    assert rounded(value, places) == decimal_rounded(Decimal(str(value)), places)


@given(part=NUMBERS, whole=NUMBERS.filter(lambda whole: abs(whole) >= 1e-3))
def test_percent_is_decimal_half_up_of_the_exact_ratio(part: float, whole: float) -> None:
    with localcontext(prec=60):  # the quotient to 60 digits: no tie is made or lost by it
        exact = Decimal(str(part)) * 100 / Decimal(str(whole))
        assert percent(part, whole) == decimal_rounded(exact, 1)


@given(value=NUMBERS)
def test_rate_keeps_three_significant_figures_as_decimal_does(value: float) -> None:
    exact = Decimal(str(value))
    expected = 0.0 if not exact else decimal_rounded(exact, 2 - exact.adjusted())
    assert rate(value) == expected


@given(value=st.integers(0, 10**6), maximum=st.integers(1, 10**6), width=st.integers(0, 200))
def test_cells_round_the_bar_half_up(value: int, maximum: int, width: int) -> None:
    with localcontext(prec=60):
        expected = decimal_rounded(Decimal(width) * Decimal(value) / Decimal(maximum), 0)
    assert cells(value, maximum, width) == int(expected)


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
    assert document["overall"]["hours"] == {
        "done": 45.0,
        "total": 80.0,
        "percent": 56.3,
        "not_estimated": 23,
    }  # fmt: skip  (the 23 seeded required units have no estimate here)
    assert "56.3% of estimated hours (45 of 80 h; 23 items not estimated)" in ok("progress").stdout
    overall = next(csv.DictReader(io.StringIO(ok("report", "--format", "csv").stdout)))
    assert overall["hours_percent"] == "56.3"
    markdown = ok("report", "--format", "md").stdout
    assert "| 45 | 80 | 56.3% |" in markdown
    report = json.loads(ok("report", "--format", "json").stdout)
    assert report["progress"]["overall"]["hours"]["percent"] == 56.3
    assert "56.2" not in markdown + ok("progress").stdout


def test_skipped_optional_items_leave_the_optional_counts(seeded_db: Path, ok) -> None:
    before = ok("progress").stdout
    assert "Optional items done: 0 of 18" in before
    # The bachelor's step: 1 required (the entry route, one of two), 1 optional.
    assert "0/1  (+0/1 optional)" in before
    ok("cert", "pass", "stanford-ml")  # an optional certification, passed
    ok("skip", "mooc-edx")
    ok("skip", "ml-courses-in-degree")
    after = ok("progress").stdout
    assert "Optional items done: 1 of 16" in after
    assert "0/1  (+0/1 optional)" not in after
    document = json.loads(ok("progress", "--json").stdout)["overall"]["optional"]
    assert document == {"done": 1, "total": 18, "skipped": 2}  # JSON keeps the raw figures
    tables = ok("report", "--format", "md").stdout
    bachelors = next(line for line in tables.splitlines() if "| bachelors |" in line)
    assert bachelors.split(" | ")[5:7] == ["0", "0"]  # optional done, optional counted


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


# Every read command, with the schema its --json document names.
READ_COMMANDS = [
    (["progress"], "mltrack.progress/1"),
    (["next"], "mltrack.next/1"),
    (["history"], "mltrack.history/2"),
    (["stats"], "mltrack.stats/1"),
    (["report", "--format", "json"], "mltrack.report/1"),
    (["pathway"], "mltrack.pathway/1"),
    (["show", "python"], "mltrack.item/2"),
    (["career"], "mltrack.career/1"),
    (["learner", "list"], "mltrack.learners/1"),
    (["project", "list"], "mltrack.projects/1"),
    (["log", "--list"], "mltrack.study/1"),
    (["target"], "mltrack.target/1"),
    (["doctor"], "mltrack.doctor/1"),
    (["cert", "list"], "mltrack.certs/1"),
    (["cert", "due"], "mltrack.cert-due/1"),
]


@pytest.fixture
def some_of_everything(seeded_db: Path, ok) -> Path:
    """A learner with a little of each kind of data, so no JSON list is trivially empty."""
    ok("done", "python", "--on", "-8d")
    ok("done", "probability")
    ok("log", "1h30", "deep-learning")
    ok("project", "add", "Churn model", "--dataset", "Telco churn", "--area", "statistics")
    ok("cert", "goal", "stanford-ml", "--by", (TODAY + timedelta(days=10)).isoformat())
    ok("target", "set", (TODAY + timedelta(days=300)).isoformat())
    return seeded_db


@pytest.mark.parametrize("args, schema", READ_COMMANDS, ids=[" ".join(a) for a, _ in READ_COMMANDS])
def test_every_read_command_speaks_json(some_of_everything: Path, ok, args, schema) -> None:
    flags = [] if "--format" in args else ["--json"]
    document = json.loads(ok(*args, *flags).stdout)
    assert isinstance(document, dict) and document["schema"] == schema
    if "--format" not in args:  # --format json is the same document
        assert json.loads(ok(*args, "--format", "json").stdout) == document


def test_new_json_views_keep_raw_values(some_of_everything: Path, ok) -> None:
    career = json.loads(ok("career", "--json").stdout)["facts"]
    assert career and set(career[0]) == {"label", "value", "source", "quote", "country", "period"}
    ok("learner", "add", "alex")
    learners = json.loads(ok("learner", "list", "--json").stdout)
    assert learners["current"] == "me"
    assert [(x["name"], x["current"], x["items_done"]) for x in learners["learners"]] == [
        ("alex", False, 0), ("me", True, 2),
    ]  # fmt: skip
    assert learners["learners"][1]["created_at"].endswith("+00:00")  # the stored UTC timestamp
    projects = json.loads(ok("project", "list", "--json").stdout)
    assert [(p["name"], p["dataset"], p["areas"]) for p in projects["projects"]] == [
        ("Churn model", "Telco churn", ["statistics"])
    ]
    study = json.loads(ok("log", "--list", "--json").stdout)
    assert study["since"] == last_weeks_start(TODAY, 8).isoformat()
    assert [(s["minutes"], s["slug"]) for s in study["sessions"]] == [(90, "deep-learning")]
    assert [t["minutes"] for t in study["by_area"]] == [90]
    target = json.loads(ok("target", "--json").stdout)["target"]
    assert target["date"] == (TODAY + timedelta(days=300)).isoformat()
    assert target == json.loads(ok("progress", "--json").stdout)["target"]
    ok("target", "clear")
    assert json.loads(ok("target", "--json").stdout)["target"] is None
    due = json.loads(ok("cert", "due", "--json").stdout)
    assert due["within_days"] == 30
    assert [(w["slug"], w["what"], w["days_left"]) for w in due["warnings"]] == [
        ("stanford-ml", "target", 10)
    ]
    assert json.loads(ok("cert", "due", "--within", "5d", "--json").stdout)["warnings"] == []
    doctor = json.loads(ok("doctor", "--json").stdout)
    assert doctor["problems"] == 0 and {c["status"] for c in doctor["checks"]} <= {"ok", "warn"}


def test_doctor_json_reports_a_failure_and_exits_1(seeded_db: Path, run, corrupt_index) -> None:
    corrupt_index(seeded_db)
    result = run("doctor", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["problems"] >= 1
    assert any(check["status"] == "fail" for check in document["checks"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["log", "30m", "--json"], "--json goes with --list"),
        (["target", "--json", "set", "2030-01-01"], "--json goes with target alone"),
    ],
)
def test_json_where_it_means_nothing_is_a_usage_error(seeded_db: Path, run, args, message) -> None:
    result = run(*args)
    assert result.exit_code == 2 and message in result.stderr
