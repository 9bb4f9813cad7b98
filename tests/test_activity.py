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

HISTORY_KEYS = {"schema", "learner", "since", "until", "kinds", "more", "entries"}
ENTRY_KEYS = {"id", "uid", "kind", "action", "subject", "item", "title", "on_date",
              "recorded_at", "data", "from", "to", "undone", "undone_by", "target", "group",
              "amended", "flag"}  # fmt: skip


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
    return [(e["on_date"], e["action"], e["subject"]) for e in document["entries"]]


def test_history_lists_entries_newest_first(journal: Path, ok) -> None:
    assert events(ok) == [
        (days_ago(0), "undo", "mooc-edx"),
        (days_ago(0), "skip", "mooc-edx"),
        (days_ago(5), "done", "python"),
        (days_ago(10), "start", "python"),
        (days_ago(20), "done", "probability"),
    ]
    text = ok("history").stdout.splitlines()
    assert text == [
        f"{days_ago(0)}  #6  status  undo    mooc-edx     skipped -> planned  undoes #5",
        f"{days_ago(0)}  #5  status  skip    mooc-edx     planned -> skipped  (undone by #6)",
        f"{days_ago(5)}  #4  status  done    python       in progress -> done  all exercises",
        f"{days_ago(10)}  #3  status  start   python       planned -> in progress",
        f"{days_ago(20)}  #2  status  done    probability  planned -> done",
    ]


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
        f"No entries since {days_ago(4)} until {days_ago(1)}.\n"
    )


def test_history_limit_and_json_shape(journal: Path, ok, run) -> None:
    document = json.loads(ok("history", "--json", "-n", "2").stdout)
    assert set(document) == HISTORY_KEYS and document["schema"] == "mltrack.history/2"
    assert [e["action"] for e in document["entries"]] == ["undo", "skip"]
    assert document["more"] is True and document["kinds"] == []
    assert all(set(entry) == ENTRY_KEYS for entry in document["entries"])
    undo, skip = document["entries"]
    assert undo["target"] == skip["id"] and skip["undone"] is True and undo["undone"] is False
    assert skip["undone_by"] == undo["id"] and (skip["from"], skip["to"]) == ("planned", "skipped")
    assert (undo["from"], undo["to"]) == ("skipped", "planned")
    assert skip["item"] == "mooc-edx" and skip["kind"] == "status" and skip["flag"] is None
    done = json.loads(ok("history", "--json", "-n", "3").stdout)["entries"][2]
    assert done["data"] == {"note": "all exercises"} and done["amended"] is None
    assert len(done["uid"]) == 36 and done["recorded_at"].startswith(date.today().isoformat()[:4])
    assert ok("history", "-n", "2").stdout.endswith(
        "(older entries left out; -n 0 shows them all)\n"
    )
    assert json.loads(ok("history", "--json", "-n", "0").stdout)["more"] is False
    assert len(json.loads(ok("history", "--json", "-n", "5").stdout)["entries"]) == 5
    assert json.loads(ok("history", "--json", "-n", "5").stdout)["more"] is False
    wrong = run("history", "--since", "-1d", "--until", "-3d")
    assert wrong.exit_code == 2 and "is after --until" in wrong.stderr
    wrong = run("history", "--kind", "everything")
    assert wrong.exit_code == 2 and "Traceback" not in wrong.output


def test_history_shows_every_kind_and_filters_by_kind(seeded_db: Path, ok) -> None:
    ok("cert", "goal", "stanford-ml", "--by", "2031-01-01")
    ok("cert", "enroll", "stanford-ml", "--cost", "49", "--currency", "USD")
    ok("log", "90m", "python", "--note", "chapter 6")
    ok("read", "Attention is all you need", "--kind", "paper", "--item", "deep-learning")
    ok("target", "set", "2031-06-01")
    ok("require", "python", "--after", "probability")
    text = unfold(ok("history").stdout)
    for line in (
        "#1 cert goal stanford-ml no goal -> planned target 2031-01-01",
        "#2 cert enroll stanford-ml planned -> enrolled 49.00 USD",
        "#3 status start stanford-ml planned -> in progress",
        "#4 study log python 1h30 'chapter 6'",
        "#5 reading log deep-learning paper 'Attention is all you need'",
        "#7 plan set target date none -> 2031-06-01",
        "#8 plan set python after probability",
    ):
        assert line in text, line
    kinds = {e["kind"] for e in json.loads(ok("history", "--json").stdout)["entries"]}
    assert kinds == {"cert", "status", "study", "reading", "plan"}
    only = json.loads(ok("history", "--json", "--kind", "cert", "--kind", "study").stdout)
    assert [e["action"] for e in only["entries"]] == ["log", "enroll", "goal"]
    assert only["kinds"] == ["cert", "study"]
    reading = ok("read", "--list").stdout.splitlines()
    assert len(reading) == 1 and "reading log deep-learning paper 'Attention" in unfold(reading[0])
    listed = json.loads(ok("read", "--list", "--json").stdout)
    assert [e["data"]["title"] for e in listed["entries"]] == ["Attention is all you need"]
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert ok("read", "--list", "--since", tomorrow).stdout == f"No entries since {tomorrow}.\n"


def test_amend_corrects_one_date_and_keeps_what_came_after(journal: Path, ok, run) -> None:
    ok("reset", "python")  # a later change of the same item: it stays
    amended = ok("amend", "#4", "--on", "-7d").stdout
    assert amended == f"amended entry #4 of python: date {days_ago(7)} (planned -> planned)\n"
    assert ("done", days_ago(7)) in [(e[1], e[0]) for e in events(ok)]
    document = json.loads(ok("history", "--json", "--kind", "status").stdout)
    done = next(e for e in document["entries"] if e["id"] == 4)
    assert done["on_date"] == days_ago(7) and done["undone"] is False
    assert done["amended"] == {"by": [8], "on_date_was": days_ago(5),
                               "note_corrected": False, "note_was": None}  # fmt: skip
    assert (done["from"], done["to"]) == ("in_progress", "done")
    assert f"(amended by #8; was {days_ago(5)})" in ok("history").stdout
    assert json.loads(ok("progress", "--json").stdout)["in_progress"] == []
    # The week it counts in moves with it.
    finished = json.loads(ok("stats", "--json", "--weeks", "8").stdout)["activity"]["weeks"]
    assert sum(w["finished"] for w in finished) == 2

    ok("amend", "4", "--note", "chapters 1-6")
    assert "all exercises" not in ok("history").stdout
    assert "chapters 1-6" in ok("history").stdout


def test_amend_is_refused_when_the_timeline_would_break(journal: Path, ok, run) -> None:
    before = ok("history", "--json", "-n", "0").stdout
    reorder = run("amend", "4", "--on", "-12d")  # the done would come before its start
    assert reorder.exit_code == 1 and len(reorder.stderr.splitlines()) == 1
    assert "amend keeps the order of a subject's changes" in reorder.stderr
    for args, message in (
        (("amend", "99", "--on", "-1d"), "there is no entry #99 in your history"),
        (("amend", "1", "--on", "-1d"), "there is no entry #1 in your history"),  # decoy's
        (("amend", "6", "--on", "-1d"), "#6 is an undo; amend the entry it acted on"),
        (("amend", "4"), "say what to correct"),
        (("amend", "four", "--on", "-1d"), "is not an entry id such as #42"),
        (("amend", "4", "--on", (TODAY + timedelta(days=1)).isoformat()), "future"),
    ):
        result = run(*args)
        assert result.exit_code in (1, 2), args
        assert message in result.stderr.splitlines()[-1], args
        assert result.exit_code == 2 or len(result.stderr.splitlines()) == 1, args
        assert "Traceback" not in result.output
    assert ok("history", "--json", "-n", "0").stdout == before


def test_undo_after_amend_reverts_the_amendment(journal: Path, ok) -> None:
    ok("amend", "4", "--on", "-7d")
    assert ok("undo").stdout.startswith("undo: python (done -> done); amendment of #4 made ")
    assert (days_ago(5), "done", "python") in events(ok)
    document = json.loads(ok("history", "--json", "-n", "1").stdout)["entries"][0]
    assert (document["action"], document["target"]) == ("undo", 7)
    done = next(e for e in json.loads(ok("history", "--json").stdout)["entries"] if e["id"] == 4)
    assert done["amended"] is None and done["on_date"] == days_ago(5)


def test_show_lists_the_items_last_entries(journal: Path, ok) -> None:
    ok("log", "30m", "python", "--on", "-1d")
    lines = ok("show", "python").stdout.splitlines()
    history = lines[lines.index("History") + 1 :]
    assert history == [
        f"  {days_ago(10)}  #3  status  start   python  planned -> in progress",
        f"  {days_ago(5)}  #4  status  done    python  in progress -> done  all exercises",
        f"  {days_ago(1)}  #7  study   log     python  30m",
    ]
    for _ in range(11):
        ok("reset", "python")
        ok("done", "python")
    lines = ok("show", "python").stdout.splitlines()
    history = lines[lines.index("History") + 1 :]
    assert history[0] == "  (older entries left out; --all shows them)"
    assert len(history) == 21 and history[-1].split()[1] == "#29"
    everything = ok("show", "python", "--all").stdout.splitlines()
    assert len(everything) - everything.index("History") - 1 == 25
    detail = json.loads(ok("show", "python", "--json").stdout)
    assert detail["history_more"] is True and len(detail["history"]) == 20
    assert set(detail["history"][0]) == ENTRY_KEYS


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
        "schema", "learner", "today", "weeks", "activity", "forecast", "effort", "study",
        "reading",
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
