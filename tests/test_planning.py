"""``next``, ``require``, ``target`` and the grown ``progress``, through the CLI on a real file."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.cli.progress import GROUPINGS as CLI_GROUPINGS
from mltrack.queries.progress import GROUPINGS


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


TODAY = date.today()


def next_items(ok, *args: str, learner: str = "me") -> list[dict]:
    return json.loads(ok("-L", learner, "next", "--json", *args).stdout)["items"]


def test_next_orders_by_step_then_in_progress_then_required(seeded_db: Path, ok, rows) -> None:
    ok("done", "bsc-software-engineering", "--on", "-9d")
    ok("start", "computer-architecture", "--on", "-3d")
    # Required work first: step 1's optional leftovers wait behind step 2's required items;
    # there, the item in progress comes before earlier new items, and data-structures and
    # programming (no prerequisites) follow in pathway order, while graphical-models and
    # statistical-learning wait for probability.
    in_progress = ("computer-architecture", f"in progress since {TODAY - timedelta(days=3)}")
    assert [(i["slug"], i["reason"]) for i in next_items(ok, "-n", "3")] == [
        in_progress,
        ("data-structures", "no prerequisites"),
        ("programming", "no prerequisites"),
    ]
    required_first = next_items(ok, "-n", "100")
    flags = [i["required"] for i in required_first]
    assert flags == sorted(flags, reverse=True) and False in flags  # required before optional
    assert required_first[flags.index(False)]["slug"] == "ml-courses-in-degree"
    # --all: by step, so step 1's optional leftovers come first.
    assert [(i["slug"], i["reason"]) for i in next_items(ok, "--all")] == [
        ("ml-courses-in-degree", "no prerequisites"),  # not high-school-math-route: its
        in_progress,  # alternative, the bachelor's, is done
        ("data-structures", "no prerequisites"),
        ("programming", "no prerequisites"),
        ("random-variables", "no prerequisites"),
    ]
    ready = next_items(ok, "-n", "100", "--all")
    everything = [i["slug"] for i in ready]
    steps = [i["step_title"] for i in ready]
    in_order = [title for (title,) in rows(seeded_db, "SELECT title FROM step ORDER BY position")]
    assert steps == sorted(steps, key=in_order.index)  # earlier education steps first
    training = [i["required"] for i in ready if i["step_title"].startswith("Get training")]
    assert training == sorted(training, reverse=True)  # required before optional
    assert everything.index("python") < everything.index("mooc-edx")
    for blocked in ("graphical-models", "statistical-learning", "deep-learning", "bias"):
        assert blocked not in everything
    assert "bsc-software-engineering" not in everything  # done


def test_next_filters_required_items_and_one_step(seeded_db: Path, ok, run) -> None:
    ok("done", "bsc-software-engineering")
    required = json.loads(ok("next", "--json", "--required", "-n", "1000").stdout)
    assert required["items"] and all(i["required"] for i in required["items"])
    assert required["required_only"] is True
    everything = json.loads(ok("next", "--json", "-n", "1000").stdout)
    optional_open = sum(not i["required"] for i in everything["items"])
    assert len(required["items"]) == len(everything["items"]) - optional_open
    assert required["open_items"] < everything["open_items"]  # the counts are narrowed too
    bachelors = json.loads(ok("next", "--json", "--step", "bachelors").stdout)
    # high-school-math-route is not open: its alternative, the bachelor's, is done.
    assert [i["slug"] for i in bachelors["items"]] == ["ml-courses-in-degree"]
    assert (bachelors["open_items"], bachelors["waiting"], bachelors["step"]) == (1, 0, "bachelors")
    assert ok("next", "--step", "bachelors", "--required").stdout == (
        "Nothing left to take up: every required item of step bachelors is done or skipped.\n"
    )
    wrong = run("next", "--step", "nope")
    assert wrong.exit_code == 2
    assert wrong.stderr == (
        "Error: step 'nope' not found; steps are: bachelors, ml-training, ml-experience, "
        "continuing-education\n"
    )


def test_next_reasons_name_the_prerequisites_met(seeded_db: Path, ok) -> None:
    ok("done", "probability")
    ok("done", "random-variables")
    ok("skip", "programming", "--note", "I write code for a living")
    items = {i["slug"]: i for i in next_items(ok, "-n", "100")}
    assert items["graphical-models"]["reason"] == "prerequisites met: probability"
    assert items["statistical-learning"]["reason"] == (
        "prerequisites met: probability, random-variables"
    )
    # A skipped item does not apply to the learner, so it holds nothing back.
    assert items["software-testing"]["reason"] == "prerequisites met: programming (skipped)"
    assert "deep-learning" not in items  # statistical-learning is not done yet
    text = ok("next").stdout
    assert "  [ ] graphical-models  Graphical models\n      prerequisites met: probability" in text


def test_next_counts_what_waits_and_says_when_nothing_is_ready(seeded_db: Path, ok, rows) -> None:
    document = json.loads(ok("next", "--json", "-n", "1").stdout)
    waiting = rows(seeded_db, "SELECT COUNT(DISTINCT item_id) FROM item_prerequisite")[0][0]
    assert set(document) == {"schema", "learner", "open_items", "waiting", "required_only", "step",
                             "items"}  # fmt: skip
    assert document["schema"] == "mltrack.next/1"
    assert (document["open_items"], document["waiting"]) == (51, waiting)
    assert set(document["items"][0]) == {
        "slug", "title", "kind", "required", "step_title", "status", "started_on",
        "prerequisites", "reason", "provider",
    }  # fmt: skip
    ok("learner", "add", "finished")
    for (slug,) in rows(seeded_db, "SELECT slug FROM item"):
        ok("-L", "finished", "skip", slug)
    assert ok("-L", "finished", "next").stdout == (
        "Nothing left to take up: every item is done or skipped.\n"
    )


def test_require_holds_an_item_back_for_this_learner_only(seeded_db: Path, ok, rows) -> None:
    ok("learner", "add", "other")
    assert ok("require", "python", "--after", "fourier").stdout == (
        "python now comes after fourier-transforms\n"
    )
    assert "python" not in [i["slug"] for i in next_items(ok, "-n", "100")]
    assert "python" in [i["slug"] for i in next_items(ok, "-n", "100", learner="other")]
    ok("done", "fourier-transforms")
    python = next(i for i in next_items(ok, "-n", "100") if i["slug"] == "python")
    assert python["reason"] == "prerequisites met: fourier-transforms"
    assert "[x] fourier-transforms" in ok("show", "python").stdout
    ok("require", "python", "--after", "fourier-transforms", "--remove")
    assert rows(seeded_db, "SELECT COUNT(*) FROM learner_prerequisite") == [(0,)]


def test_a_loop_is_refused_and_named(seeded_db: Path, ok, run, rows) -> None:
    result = run("require", "programming", "--after", "deep-learning")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: programming cannot come after deep-learning: the prerequisites would loop: "
        "programming -> deep-learning -> programming (read -> as 'comes after')\n"
    )
    # A loop through the learner's own ordering and three of the seed's.
    ok("require", "fourier-transforms", "--after", "python")
    result = run("require", "python", "--after", "de-noising")
    assert result.exit_code == 1
    assert (
        "python -> de-noising -> signal-transforms -> fourier-transforms -> python" in result.stderr
    )
    assert rows(seeded_db, "SELECT COUNT(*) FROM learner_prerequisite") == [(1,)]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["require", "python", "--after", "python"], 2, "python cannot come after itself"),
        (["require", "deep-learning", "--after", "programming"], 1,
         "deep-learning already comes after programming"),
        (["require", "deep-learning", "--after", "programming", "--remove"], 1,
         "in the pathway itself"),
        (["require", "python", "--after", "bias", "--remove"], 1,
         "you have not made python come after bias"),
        (["require", "python", "--after", "pyhton"], 2, "did you mean: python"),
        (["target", "set", "2001-01-01"], 2, "the target date 2001-01-01 is in the past"),
        (["target", "set", "next year"], 2, "expected YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_planning_errors(seeded_db: Path, run, args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_target_set_show_clear(seeded_db: Path, ok, rows) -> None:
    assert ok("target").stdout.startswith("No target date set")
    when = (TODAY + timedelta(days=200)).isoformat()
    assert ok("target", "set", when).stdout == f"target date: {when}\n"
    assert rows(seeded_db, "SELECT target_date FROM learner WHERE name = 'me'") == [(when,)]
    pace, by_time = ok("target").stdout.split("\nBy study time")
    shown = unfold(pace)
    assert shown.startswith(f"Target {when} (in 200 days): 23 required items left")
    assert "too little history to forecast" in shown
    assert unfold(by_time) == ": not enough history."  # the forecast by study time, apart
    assert target_block(ok("progress").stdout) == shown
    assert ok("target", "clear").stdout == f"target date {when} removed\n"
    assert rows(seeded_db, "SELECT target_date FROM learner") == [(None,)]
    assert ok("target", "clear").stdout == "no target date set\n"


def finish_two_a_week(ok, weeks: int = 4) -> list[str]:
    """Finish two required items a week for the last ``weeks`` weeks (within the 8-week window)."""
    slugs = ["bsc-software-engineering", "python", "programming", "data-structures",
             "probability", "random-variables", "estimation", "variance"][: 2 * weeks]  # fmt: skip
    for n, slug in enumerate(slugs):
        ok("done", slug, "--on", f"-{7 * (n // 2) + 1}d")
    return slugs


def test_progress_says_whether_the_pace_reaches_the_target(seeded_db: Path, ok) -> None:
    finish_two_a_week(ok)  # 8 required items in the window: 15 of 23 left
    ok("target", "set", (TODAY + timedelta(days=700)).isoformat())
    far = json.loads(ok("progress", "--json").stdout)["target"]
    assert set(far) == {"date", "days_left", "needed_per_week", "on_track", "forecast"}
    assert (far["days_left"], far["on_track"]) == (700, True)
    assert far["needed_per_week"] == 0.15
    assert far["forecast"]["remaining"] == 15
    assert far["forecast"]["pace"]["required_finished"] == 8
    line = target_block(ok("progress").stdout)
    assert line.endswith(": on track.") and "if the pace of the last 8 weeks" in line
    ok("target", "set", (TODAY + timedelta(days=20)).isoformat())
    near = json.loads(ok("progress", "--json").stdout)["target"]
    assert near["on_track"] is False
    assert target_block(ok("progress").stdout).endswith(": behind.")


def test_progress_groupings_and_all_items(seeded_db: Path, ok, rows) -> None:
    assert GROUPINGS == CLI_GROUPINGS
    ok("done", "python")  # required, provider-less topic
    # An optional certification: its item is done by a pass (done on it points to cert pass).
    ok("cert", "pass", "stanford-ml")
    ok("skip", "mooc-edx")  # optional
    document = json.loads(ok("progress", "--json", "--by", "kind", "--by", "provider").stdout)
    assert "steps" not in document and "areas" not in document
    kinds = {k["slug"]: k for k in document["kinds"]}
    assert [k["slug"] for k in document["kinds"]] == [
        "degree",
        "course",
        "topic",
        "certification",
        "project",
        "resource",
    ]  # fmt: skip  (experience: the duties of the job, counted apart in on_the_job)
    assert kinds["certification"]["optional"]["done"] == 1
    # Units before hiring: an alternative group counts once; on-the-job duties apart.
    units = ("SELECT kind, COUNT(DISTINCT CASE WHEN group_id IS NULL THEN id ELSE -group_id END) "
             "FROM item WHERE NOT on_the_job GROUP BY kind")  # fmt: skip
    counts = dict(rows(seeded_db, units))
    assert {slug: k["all"]["total"] for slug, k in kinds.items()} == counts
    providers = {p["slug"]: p for p in document["providers"]}
    assert providers[None]["title"] == "(no provider)"
    assert providers["Stanford University (Coursera)"]["all"]["done"] == 1
    overall = document["overall"]
    assert overall["all"]["done"] == 2 and overall["all"]["skipped"] == 1
    assert overall["all"]["total"] == 41  # 23 required units before hiring, 18 optional
    assert overall["optional"]["skipped"] == 1
    required = ok("progress").stdout.splitlines()
    assert "of required items (1 of 23)" in required[0]
    assert required[1] == "Optional items done: 1 of 17"  # mooc-edx, skipped, does not count
    everything = ok("progress", "--all").stdout.splitlines()
    assert everything[0].startswith("Progress for me: 5.0% of all items (2 of 40)")
    assert everything[1] == "Required items done: 1 of 23"
    by_kind = ok("progress", "--by", "kind").stdout
    assert "Kinds of item\n  degree" in by_kind and "Education steps" not in by_kind


def unfold(text: str) -> str:
    """Terminal text with its folded lines joined: sentences compare word for word."""
    return " ".join(text.split())


def target_block(progress: str) -> str:
    """The target sentence of ``mltrack progress`` (after the two overall lines), unfolded."""
    return unfold(progress.split("\n\n")[0].split("\n", 2)[2])


def test_a_loop_of_the_learners_own_orderings_is_refused(seeded_db: Path, ok, run) -> None:
    """Regression: the second ordering of a two-item loop was accepted, and then every
    unrelated ``require`` was refused because of the loop."""
    ok("require", "variance", "--after", "bias")
    refused = run("require", "bias", "--after", "variance")
    assert refused.exit_code == 1
    assert "loop: bias -> variance -> bias" in refused.stderr
    ok("require", "data-structures", "--after", "python")


def test_a_loop_through_the_shipped_pathway_is_refused(seeded_db: Path, run) -> None:
    refused = run("require", "statistical-learning", "--after", "deep-learning")
    assert refused.exit_code == 1 and "would loop" in refused.stderr


def test_planning_changes_are_journal_entries_that_undo_reverts(seeded_db: Path, ok, rows):
    first, second = (TODAY + timedelta(days=100)).isoformat(), (TODAY + timedelta(days=200))
    ok("target", "set", first)
    assert ok("target", "set", second.isoformat()).stdout == (
        f"target date: {second.isoformat()} (was {first})\n"
    )
    ok("require", "python", "--after", "fourier")
    ok("require", "python", "--after", "fourier", "--remove")
    ok("target", "clear")
    assert rows(seeded_db, "SELECT kind, action, subject FROM journal ORDER BY id") == [
        ("plan", "set", "target"),
        ("plan", "set", "target"),
        ("plan", "set", "after:python:fourier-transforms"),
        ("plan", "clear", "after:python:fourier-transforms"),
        ("plan", "clear", "target"),
    ]
    target = "SELECT target_date FROM learner WHERE name = 'me'"
    ordering = "SELECT COUNT(*) FROM learner_prerequisite"
    assert ok("undo").stdout == f"undo: target date (removed -> set); plan clear of {TODAY} (#5)\n"
    assert rows(seeded_db, target) == [(second.isoformat(),)]
    assert ok("undo").stdout == (
        f"undo: python after fourier-transforms (removed -> set); plan clear of {TODAY} (#4)\n"
    )
    assert rows(seeded_db, ordering) == [(1,)]
    assert "python" not in [i["slug"] for i in next_items(ok, "-n", "100")]
    ok("undo")
    assert rows(seeded_db, ordering) == [(0,)]
    ok("undo")  # the second target: the first one stands again (the replay of what stands)
    assert rows(seeded_db, target) == [(first,)]
    ok("undo")
    assert rows(seeded_db, target) == [(None,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal WHERE action = 'undo'") == [(5,)]
