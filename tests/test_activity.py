"""``history`` and ``stats`` on histories built through the CLI with --on dates."""

import json
from datetime import date, timedelta
from math import ceil
from pathlib import Path

import click
import pytest

from mltrack.core.dates import week_start
from mltrack.core.figures import rate
from mltrack.core.pace import week_label
from mltrack.queries.history import history
from mltrack.queries.planning import next_items
from mltrack.queries.reader import SqliteReader
from mltrack.queries.stats import stats_report
from mltrack.render.terminal import history_text, next_text, stats_text
from mltrack.store.db import connect

TODAY = date.today()
MONDAY = week_start(TODAY)

HISTORY_KEYS = {"schema", "learner", "since", "until", "more", "events"}
EVENT_KEYS = {"id", "on_date", "occurred_at", "action", "slug", "title", "from_status",
              "to_status", "note", "undone", "undoes"}  # fmt: skip


def days_ago(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


@pytest.fixture
def journal(seeded_db: Path, ok) -> Path:
    """probability done 20 days ago; python started 10 and done 5 days ago; mooc-edx skipped
    and the skip undone today; and a second learner whose events must never show."""
    ok("learner", "add", "decoy")
    ok("-L", "decoy", "done", "bias", "--on", "-6d")
    ok("done", "probability", "--on", "-20d")
    ok("start", "python", "--on", "-10d")
    ok("done", "python", "--on", "-5d", "--note", "all exercises")
    ok("skip", "mooc-edx")
    ok("undo")
    return seeded_db


def events(ok, *args: str) -> list[tuple[str, str, str]]:
    document = json.loads(ok("history", "--json", *args).stdout)
    return [(e["on_date"], e["action"], e["slug"]) for e in document["events"]]


def test_history_lists_events_newest_first(journal: Path, ok) -> None:
    assert events(ok) == [
        (days_ago(0), "undo", "mooc-edx"),
        (days_ago(0), "skip", "mooc-edx"),
        (days_ago(5), "done", "python"),
        (days_ago(10), "start", "python"),
        (days_ago(20), "done", "probability"),
    ]
    text = ok("history").stdout.splitlines()
    assert text[0] == f"{days_ago(0)}  undone    mooc-edx     skipped -> planned"
    assert text[1] == f"{days_ago(0)}  skipped   mooc-edx     planned -> skipped  (undone later)"
    assert text[2] == f"{days_ago(5)}  finished  python       in progress -> done  all exercises"


def test_history_filters_by_local_date(journal: Path, ok) -> None:
    assert [e[2] for e in events(ok, "--since", "-7d")] == ["mooc-edx", "mooc-edx", "python"]
    assert events(ok, "--until", "-6d") == [
        (days_ago(10), "start", "python"),
        (days_ago(20), "done", "probability"),
    ]
    assert events(ok, "--since", days_ago(10), "--until", days_ago(5)) == [
        (days_ago(5), "done", "python"),
        (days_ago(10), "start", "python"),
    ]
    assert events(ok, "--since", "-4d", "--until", "-1d") == []
    assert ok("history", "--since", "-4d", "--until", "-1d").stdout == (
        f"No events since {days_ago(4)} until {days_ago(1)}.\n"
    )


def test_history_limit_and_json_shape(journal: Path, ok, run) -> None:
    document = json.loads(ok("history", "--json", "-n", "2").stdout)
    assert set(document) == HISTORY_KEYS and document["schema"] == "mltrack.history/1"
    assert [e["action"] for e in document["events"]] == ["undo", "skip"]
    assert document["more"] is True
    assert set(document["events"][0]) == EVENT_KEYS
    undo, skip = document["events"]
    assert undo["undoes"] == skip["id"] and skip["undone"] is True and undo["undone"] is False
    assert ok("history", "-n", "2").stdout.endswith(
        "(older events left out; -n 0 shows them all)\n"
    )
    assert json.loads(ok("history", "--json", "-n", "0").stdout)["more"] is False
    assert len(json.loads(ok("history", "--json", "-n", "5").stdout)["events"]) == 5
    assert json.loads(ok("history", "--json", "-n", "5").stdout)["more"] is False
    wrong = run("history", "--since", "-1d", "--until", "-3d")
    assert wrong.exit_code == 2 and "is after --until" in wrong.stderr


def finish_in_weeks(ok, weeks_back: list[int]) -> None:
    """Finish one required item on the Monday of each week ``weeks_back`` weeks ago."""
    slugs = ["bsc-software-engineering", "python", "programming", "data-structures",
             "probability", "random-variables", "estimation", "variance"]  # fmt: skip
    for slug, weeks in zip(slugs, weeks_back, strict=False):
        ok("done", slug, "--on", (MONDAY - timedelta(weeks=weeks)).isoformat())


def test_stats_streaks_break_across_a_gap(seeded_db: Path, ok) -> None:
    finish_in_weeks(ok, [7, 6, 5, 4, 2, 1, 0])  # a gap 3 weeks ago
    ok("done", "mooc-edx", "--on", MONDAY.isoformat())  # optional: counts as activity
    document = json.loads(ok("stats", "--json").stdout)
    assert set(document) == {
        "schema", "learner", "today", "weeks", "activity", "forecast", "study", "reading",
    }  # fmt: skip
    streaks = document["activity"]["streaks"]
    label = lambda weeks: week_label(MONDAY - timedelta(weeks=weeks))  # noqa: E731
    assert streaks["current"] == {"weeks": 3, "first_week": label(2), "last_week": label(0)}
    assert streaks["longest"] == {"weeks": 4, "first_week": label(7), "last_week": label(4)}
    weeks = document["activity"]["weeks"]
    assert [w["finished"] for w in weeks] == [1, 1, 1, 1, 0, 1, 1, 2]
    assert [w["required_finished"] for w in weeks] == [1, 1, 1, 1, 0, 1, 1, 1]
    assert weeks[-1]["start"] == MONDAY.isoformat() and weeks[0]["week"] == label(7)
    text = ok("stats").stdout
    assert f"finished: current 3 weeks ({label(2)} to {label(0)})" in unfold(text)
    assert f"longest 4 weeks ({label(7)} to {label(4)})" in unfold(text)
    assert f"  {label(4)}  {(MONDAY - timedelta(weeks=4)).isoformat()}  [" in text
    assert text.isascii()


def test_an_undone_finish_does_not_count(seeded_db: Path, ok) -> None:
    ok("done", "python", "--on", "-1d")
    ok("done", "probability", "--on", "-1d")
    ok("undo")
    weeks = json.loads(ok("stats", "--json", "--weeks", "2").stdout)["activity"]["weeks"]
    assert sum(w["finished"] for w in weeks) == 1


def test_stats_forecast_at_the_pace_of_the_last_weeks(seeded_db: Path, ok) -> None:
    finish_in_weeks(ok, [5, 4, 3, 2, 1, 0])  # 6 required items: 17 of 23 left
    too_old = MONDAY - timedelta(weeks=9)
    ok("done", "communicate-insights", "--on", too_old.isoformat())  # before the 8 weeks
    forecast = json.loads(ok("stats", "--json").stdout)["forecast"]
    since = MONDAY - timedelta(weeks=7)
    days = (TODAY - since).days + 1
    assert forecast["pace"] == {
        "weeks": 8, "since": since.isoformat(), "until": TODAY.isoformat(),
        "required_finished": 6, "active_weeks": 6, "per_week": rate(6 * 7 / days),
        "enough_history": True,
    }  # fmt: skip
    assert forecast["remaining"] == 17
    # 17 items at the pace shown (not a more exact one): what a reader can check.
    per_week = forecast["pace"]["per_week"]
    assert forecast["finish_on"] == (TODAY + timedelta(days=ceil(17 * 7 / per_week))).isoformat()
    assert f"{per_week:g} a week" in ok("stats").stdout
    assert forecast["state"] == "forecast"
    text = unfold(ok("stats").stdout)
    assert f"the required pathway would be complete by {forecast['finish_on']}" in text
    assert "This assumes that pace holds" in text
    shorter = json.loads(ok("stats", "--json", "--weeks", "3").stdout)["forecast"]["pace"]
    assert shorter["since"] == (MONDAY - timedelta(weeks=2)).isoformat()
    assert shorter["required_finished"] == 3


def test_stats_says_when_history_is_too_short(seeded_db: Path, ok) -> None:
    empty = json.loads(ok("stats", "--json").stdout)
    assert empty["activity"]["streaks"] == {"current": None, "longest": None}
    assert empty["forecast"]["state"] == "too_little_history"
    for slug in ("python", "programming", "probability"):
        ok("done", slug)
    burst = json.loads(ok("stats", "--json").stdout)["forecast"]
    assert (burst["state"], burst["finish_on"]) == ("too_little_history", None)
    assert burst["pace"]["active_weeks"] == 1
    assert (
        "Forecast: 20 required items left; too little history to forecast: required items "
        "were finished in 1 of the last 8 weeks, and 2 are needed." in unfold(ok("stats").stdout)
    )


def test_terminal_views_use_colour_and_blocks_only_when_styled(seeded_db: Path, ok) -> None:
    finish_in_weeks(ok, [1, 0])
    ok("start", "programming")
    reader = SqliteReader(connect(seeded_db))
    views = [
        (stats_text, stats_report(reader, "me", 1)),
        (history_text, history(reader, "me", 1)),
        (next_text, next_items(reader, "me", 1)),
    ]
    for view, result in views:
        plain, styled = view(result, False), view(result, True)
        assert plain.isascii() and "\x1b[" not in plain, view.__name__
        assert "\x1b[" in styled, view.__name__
        if view is not stats_text:  # colour only: the same text underneath
            assert click.unstyle(styled) == plain
    chart = click.unstyle(stats_text(views[0][1], True))
    assert "█" in chart and "[#" not in chart


def test_stats_adds_study_time_and_continuing_education_of_the_same_weeks(
    seeded_db: Path, ok
) -> None:
    ok("log", "90m", "python", "--on", "today")
    ok("log", "1h", "probability", "--on", "-1d")
    ok("log", "2h", "python", "--on", "-200d")  # before the 8-week window: left out
    ok("read", "The Gradient", "--kind", "blog", "--on", "today")
    ok("read", "Talking Machines", "--kind", "podcast", "--on", "today")
    document = json.loads(ok("stats", "--json").stdout)
    by_area = {total["key"]: total["minutes"] for total in document["study"]["by_area"]}
    assert by_area == {"programming-languages": 90, "statistics": 60}
    assert sum(total["minutes"] for total in document["study"]["by_week"]) == 150
    [month] = document["reading"]["months"]
    assert (month["total"], month["by_kind"]) == (2, {"blog": 1, "podcast": 1})
    text = ok("stats").stdout
    assert "Study time per study area" in text and "Continuing education per month" in text
    html = ok("report", "--format", "html").stdout
    assert "Study time" in html and "Continuing education" in html


def unfold(text: str) -> str:
    """Terminal text with its folded lines joined: sentences compare word for word."""
    return " ".join(text.split())
