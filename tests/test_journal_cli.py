"""The journal issue's defects, each as a regression test through the CLI.

Found by three months of simulated use: back-dated changes applied out of order, linked
records not moving each other, parts of the record without history or undo.
"""

import json
from datetime import date, timedelta
from pathlib import Path

TODAY = date.today()


def day(ago: int) -> str:
    return (TODAY - timedelta(days=ago)).isoformat()


def statuses(ok) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        item["slug"]: item["status"] for item in json.loads(ok("pathway", "--json").stdout)["items"]
    }


def test_a_back_dated_start_slots_in_before_a_later_done(db_url: str, ok) -> None:
    """Was: ``done --on 10-13`` then ``start --on 10-09`` printed done -> in_progress, progress
    dropped the item while stats still counted it finished."""
    ok("done", "estimation", "--on", day(10))
    line = ok("start", "estimation", "--on", day(14)).stdout
    assert line.startswith("start: estimation (done -> done)")
    assert statuses(ok)["estimation"] == "done"
    detail = json.loads(ok("show", "estimation", "--json").stdout)
    assert (detail["started_on"], detail["finished_on"]) == (day(14), day(10))
    weeks = json.loads(ok("stats", "--json").stdout)["activity"]["weeks"]
    assert sum(week["finished"] for week in weeks) == 1  # stats and progress agree


def test_back_dated_reset_and_skip_are_refused_naming_the_later_change(
    seeded_db: Path, ok, run, dump
) -> None:
    """Was: ``reset``/``skip --on`` dated before the last change were accepted out of order."""
    ok("start", "estimation", "--on", day(14))
    ok("skip", "estimation", "--on", day(6))
    before = dump(seeded_db)
    refused = run("reset", "estimation", "--on", day(20))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: estimation is already planned on {day(20)} (before the later start of "
        f"estimation on {day(14)} (#1))\n"
    )
    refused = run("skip", "estimation", "--on", day(10))
    assert refused.exit_code == 1 and len(refused.stderr.splitlines()) == 1
    assert f"would make the later skip of estimation on {day(6)} (#2) invalid" in refused.stderr
    assert dump(seeded_db) == before


def test_finishing_a_project_finishes_its_pathway_item(db_url: str, ok) -> None:
    """Was: ``project done`` never touched the pathway's portfolio item."""
    added = ok("project", "add", "House prices", "--dataset", "Ames", "--on", day(30)).stdout
    assert added.rstrip().endswith("; started portfolio-real-data")
    assert statuses(ok)["portfolio-real-data"] == "in_progress"
    assert (
        ok("project", "done", "house", "--on", day(2))
        .stdout.rstrip()
        .endswith("; done portfolio-real-data")
    )
    assert statuses(ok)["portfolio-real-data"] == "done"
    undone = ok("undo").stdout.splitlines()
    assert [line.split(" (")[0] for line in undone] == [
        "undo: portfolio-real-data",
        "undo: house-prices",
    ]
    assert statuses(ok)["portfolio-real-data"] == "in_progress"


def test_reading_keeps_up_the_continuing_education_items(db_url: str, ok) -> None:
    """Was: reading entries left "Keep learning" untouched."""
    assert (
        ok("read", "The Batch", "--kind", "blog")
        .stdout.rstrip()
        .endswith("; started follow-ml-blogs")
    )
    assert statuses(ok)["follow-ml-blogs"] == "in_progress"
    assert "started" not in ok("read", "Another post", "--kind", "blog").stdout
    ok("read", "Attention is all you need", "--kind", "paper")
    assert statuses(ok)["read-state-of-the-art"] == "in_progress"


def test_undo_reaches_targets_orderings_own_items_and_projects(db_url: str, ok) -> None:
    """Was: undo did not cover projects, targets, prerequisites or own items."""
    ok("target", "set", (TODAY + timedelta(days=200)).isoformat())
    ok("require", "variance", "--after", "bias")
    ok("add", "Kaggle micro-courses", "--area", "machine-learning", "--hours", "10")
    ok("project", "add", "Churn", "--dataset", "Telco")
    assert ok("undo").stdout.startswith("undo: portfolio-real-data")  # the project's link first
    assert ok("project", "list", "--json").stdout.count('"slug"') == 0
    assert ok("undo").stdout.startswith("undo: my.kaggle-micro-courses (set -> removed)")
    assert "my.kaggle-micro-courses" not in statuses(ok)
    assert ok("undo").stdout.startswith("undo: variance after bias (set -> removed)")
    ok("require", "bias", "--after", "variance")  # the ordering is gone: no loop now
    ok("undo")
    assert ok("undo").stdout.startswith("undo: target date (set -> removed)")
    assert "no target date" in ok("target").stdout.lower()


def test_history_lists_every_kind_with_ids(db_url: str, ok) -> None:
    """Was: history showed no certification step, study session, reading entry or project, and
    a failed exam appeared nowhere."""
    ok("cert", "enroll", "ibm")
    ok("cert", "fail", "ibm")
    ok("log", "45m", "python")
    ok("read", "A talk", "--kind", "talk")
    ok("project", "add", "Churn", "--dataset", "Telco")
    entries = json.loads(ok("history", "--json").stdout)["entries"]
    kinds = {entry["kind"] for entry in entries}
    assert {"cert", "study", "reading", "project", "status"} <= kinds
    assert any(e["kind"] == "cert" and e["action"] == "fail" for e in entries)
    assert all(isinstance(entry["id"], int) for entry in entries)
    only = json.loads(ok("history", "--json", "--kind", "cert").stdout)["entries"]
    assert {entry["kind"] for entry in only} == {"cert"}
    assert "A talk" in ok("read", "--list").stdout


def test_an_undone_amendment_survives_export_and_import(db_url: str, ok, tmp_path) -> None:
    """Found by the stateful test: the import refused an undo whose target is an amendment,
    which ``mltrack undo`` after ``mltrack amend`` writes."""
    ok("done", "python", "--on", day(3))
    ok("amend", "1", "--note", "typo")
    ok("undo")  # reverts the amendment
    exported = tmp_path / "export.json"
    ok("export", "-o", str(exported))
    copy = tmp_path / "copy.db"
    ok("--db", str(copy), "import", str(exported))
    assert ok("--db", str(copy), "export").stdout == exported.read_text()


def test_an_undone_entry_cannot_be_amended(db_url: str, ok, run) -> None:
    ok("done", "python")
    ok("undo")
    refused = run("amend", "1", "--on", day(2))
    assert refused.exit_code == 2
    assert refused.stderr == "Error: #1 was undone: there is nothing of it left to correct\n"


def test_amending_a_study_session_names_what_it_is_about(db_url: str, ok) -> None:
    ok("log", "1h", "deep-learning")
    assert ok("amend", "1", "--on", day(1)).stdout.startswith(
        f"amended entry #1 of deep-learning: date {day(1)}"
    )


def test_amend_cannot_move_a_session_onto_a_full_day(seeded_db: Path, ok, run, dump) -> None:
    ok("log", "20h", "--on", day(2))
    ok("log", "5h", "--on", day(1))
    before = dump(seeded_db)
    refused = run("amend", "2", "--on", day(2))
    assert refused.exit_code == 1 and "a day holds at most 24h" in refused.stderr
    assert dump(seeded_db) == before
    ok("amend", "1", "--on", day(2))  # moving a session within its own day counts it once
