"""Portfolio projects and a learner's own pathway items, through the CLI."""

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.formats.seed_files import seed_dir
from mltrack.formats.seed_format import SeedError, load_seed
from mltrack.queries.lookup import learner_id
from mltrack.queries.projects import projects_per_step
from mltrack.queries.reader import SqliteReader
from mltrack.services.items import OWN_SLUG_PREFIX
from mltrack.store.db import connect

TODAY = date.today()


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


def test_projects_are_added_linked_to_areas_and_done(seeded_db: Path, ok, rows) -> None:
    areas = ["--area", "statistics", "--area", "machine"]
    repo = ["--repo", "https://example.org/churn"]
    week_ago, yesterday = (TODAY - timedelta(days=7)).isoformat(), (TODAY - timedelta(days=1))
    added = ok("project", "add", "Churn model", "--dataset", "Telco churn (Kaggle)", *areas, *repo,
               "--on", week_ago)  # fmt: skip
    assert added.stdout == (
        "added project churn-model (statistics, machine-learning); "
        "it counts toward Get experience in machine learning engineering; "
        "started portfolio-real-data\n"  # the seeded portfolio item, a linked change
    )
    assert ok("project", "add", "House prices", "--dataset", "Ames housing").stdout.endswith(
        "machine learning engineering\n"  # portfolio-real-data is under way already
    )
    assert ok("project", "done", "churn", "--on", "yesterday").stdout == (
        f"done: project churn-model on {yesterday.isoformat()}; done portfolio-real-data\n"
    )
    assert rows(
        seeded_db,
        "SELECT p.status, p.started_on, p.finished_on FROM progress p JOIN item i "
        "ON i.id = p.item_id WHERE i.slug = 'portfolio-real-data'",
    ) == [("done", week_ago, yesterday.isoformat())]
    # One group per command: the project entry and the item change it made.
    assert rows(
        seeded_db,
        "SELECT kind, action, subject, group_id FROM journal ORDER BY id",
    ) == [
        ("project", "add", "churn-model", None),
        ("status", "start", "portfolio-real-data", 1),
        ("project", "add", "house-prices", None),
        ("project", "done", "churn-model", None),
        ("status", "done", "portfolio-real-data", 4),
    ]
    text = ok("project", "list").stdout
    assert "[~] house-prices  House prices  (since " in text
    assert "[x] churn-model  Churn model  (done " in text
    assert "data: Telco churn (Kaggle); repo: https://example.org/churn; areas: " in text
    assert text.rstrip().endswith(
        "Portfolio projects done toward Get experience in machine learning engineering: 1 of 2"
    )
    assert rows(seeded_db, "SELECT COUNT(*) FROM project_area") == [(2,)]


def test_done_projects_are_counted_per_step_for_each_learner(seeded_db: Path, ok) -> None:
    ok("learner", "add", "decoy")
    for name in ("a", "b"):
        ok("-L", "decoy", "project", "add", name, "--dataset", "d")
        ok("-L", "decoy", "project", "done", name)
    ok("project", "add", "Mine", "--dataset", "d")
    ok("project", "done", "mine")
    reader = SqliteReader(connect(seeded_db))
    counts = projects_per_step(reader, learner_id(reader, "me"))
    assert [(c.slug, c.done, c.total) for c in counts] == [("ml-experience", 1, 1)]


@pytest.mark.parametrize(
    "setup, args, code, message",
    [
        ([], ["project", "add", "X", "--dataset", "  "], 2, "name the real data"),
        ([], ["project", "add", "!!!", "--dataset", "d"], 2, "needs a letter or digit"),
        ([], ["project", "add", "X", "--dataset", "d", "--area", "statistcs"], 2,
         "area 'statistcs' not found; did you mean: statistics"),
        ([["project", "add", "X", "--dataset", "d"]], ["project", "add", "x", "--dataset", "e"],
         1, "you already have a project 'x'"),
        ([], ["project", "done", "nothing"], 2, "project 'nothing' not found"),
        ([["project", "add", "X", "--dataset", "d"], ["project", "done", "x"]],
         ["project", "done", "x"], 1, "project x is already done"),
        ([["project", "add", "X", "--dataset", "d"]],
         ["project", "done", "x", "--on", "2999-01-01"], 2, "is in the future"),
    ],
)  # fmt: skip
def test_project_errors(
    seeded_db: Path, ok, run, setup: list[list[str]], args: list[str], code: int, message: str
) -> None:
    for step in setup:
        ok(*step)
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr


def test_project_list_when_empty(seeded_db: Path, ok) -> None:
    assert ok("project", "list").stdout.startswith("No projects yet")


def test_own_items_join_the_pathway_for_their_owner_only(seeded_db: Path, ok, rows) -> None:
    result = ok("add", "fast.ai Practical Deep Learning", "--area", "machine-learning",
                "--hours", "40", "--after", "deep-learning", "--provider", "fast.ai")  # fmt: skip
    assert result.stdout == "added my.fast-ai-practical-deep-learning\n"
    stored = rows(
        seeded_db,
        "SELECT i.kind, s.slug, a.slug, i.hours_estimate, i.provider, l.name FROM item i "
        "JOIN step s ON s.id = i.step_id JOIN area a ON a.id = i.area_id "
        "JOIN learner l ON l.id = i.learner_id",
    )
    assert stored == [("course", "ml-training", "machine-learning", 40.0, "fast.ai", "me")]
    assert (
        "[ ] my.fast-ai-practical-deep-learning"
        in ok("pathway", "--area", "machine-learning").stdout
    )
    shown = ok("show", "fast.ai").stdout
    assert "[ ] deep-learning  Deep learning" in shown  # its own prerequisite
    ok("done", "my.fast")
    ok("learner", "add", "alex")
    assert "my.fast" not in ok("-L", "alex", "pathway").stdout
    assert ok("add", "fast.ai practical deep learning", "--step", "ml-training").stdout == (
        "added my.fast-ai-practical-deep-learning-2\n"
    )


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["add", "Thing"], 2, "say where the item goes with --step STEP (or --area AREA)"),
        (["add", "???", "--step", "ml-training"], 2, "needs a letter or digit"),
        (["add", "T", "--step", "nowhere"], 2, "step 'nowhere' not found"),
        (["add", "T", "--area", "statistics", "--hours", "-1"], 2, "is not an hours estimate"),
        (["add", "T", "--area", "statistics", "--hours", "inf"], 2, "is not an hours estimate"),
        (["add", "T", "--area", "statistics", "--hours", "nan"], 2, "is not an hours estimate"),
        (["add", "T", "--area", "statistics", "--hours", "1e308"], 2, "is not an hours estimate"),
        (["add", "T", "--area", "statistics", "--kind", "hobby"], 2, "'hobby' is not one of"),
        (["add", "T", "--area", "statistics", "--after", "pyhton"], 2, "did you mean: python"),
        (["remove", "python"], 1,
         "python is part of the shipped pathway and cannot be removed; "
         "if it does not apply to you: mltrack skip python"),
    ],
)  # fmt: skip
def test_own_item_errors_change_nothing(
    seeded_db: Path, run, rows, args: list[str], code: int, message: str
) -> None:
    before = rows(seeded_db, "SELECT COUNT(*), SUM(retired) FROM item")
    result = run(*args)
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert rows(seeded_db, "SELECT COUNT(*), SUM(retired) FROM item") == before


def test_removing_an_unused_own_item_retires_it(seeded_db: Path, ok, run, rows) -> None:
    # Removal used to delete an item without history; the journal keeps naming every item it
    # added (its plan entries), so removal always retires it, hidden from everything the
    # learner sees.
    ok("add", "Kaggle micro-course", "--area", "statistics", "--after", "probability")
    assert ok("remove", "kaggle").stdout == (
        "retired my.kaggle-micro-course (hidden from the pathway); "
        "dropped 1 --after ordering(s) naming it\n"
    )
    assert rows(seeded_db, "SELECT slug, retired FROM item WHERE learner_id IS NOT NULL") == [
        ("my.kaggle-micro-course", 1)
    ]
    assert rows(seeded_db, "SELECT COUNT(*) FROM learner_prerequisite") == [(0,)]
    assert "kaggle" not in ok("pathway").stdout
    assert "kaggle" not in ok("progress", "--all").stdout
    assert run("start", "my.kaggle-micro-course").exit_code == 2
    assert run("remove", "kaggle").exit_code == 2
    assert rows(seeded_db, "SELECT action, subject, group_id FROM journal ORDER BY id") == [
        ("set", "item:my.kaggle-micro-course", None),
        ("set", "after:my.kaggle-micro-course:probability", None),
        ("clear", "item:my.kaggle-micro-course", None),
        ("clear", "after:my.kaggle-micro-course:probability", 3),
    ]
    # Undo brings the item back with its ordering (one group).
    assert len(ok("undo").stdout.splitlines()) == 2
    assert rows(seeded_db, "SELECT retired FROM item WHERE learner_id IS NOT NULL") == [(0,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM learner_prerequisite") == [(1,)]
    assert "my.kaggle-micro-course" in ok("pathway").stdout


def test_removing_an_own_item_with_history_retires_it_and_keeps_everything(
    seeded_db: Path, ok, run, rows
) -> None:
    ok("add", "Kaggle micro-course", "--area", "statistics", "--hours", "5")
    ok("start", "kaggle")
    ok("log", "1h", "kaggle")
    ok("read", "Kaggle blog", "--kind", "blog", "--item", "kaggle")
    result = ok("remove", "kaggle")
    assert result.stdout == (
        "retired my.kaggle-micro-course (hidden from the pathway); kept its history: "
        "1 reading entry, 1 status entry, 1 study entry\n"
    )
    assert rows(seeded_db, "SELECT retired FROM item WHERE learner_id IS NOT NULL") == [(1,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM study_session") == [(1,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM reading_entry") == [(1,)]
    assert rows(seeded_db, "SELECT status FROM progress") == [("in_progress",)]
    assert rows(
        seeded_db, "SELECT kind, COUNT(*) FROM journal WHERE flag IS NULL GROUP BY kind"
    ) == [("plan", 2), ("reading", 1), ("status", 1), ("study", 1)]
    assert "kaggle" not in ok("pathway").stdout
    assert "1h  my.kaggle-micro-course" in ok("log", "--list").stdout  # the hours stay
    assert run("remove", "kaggle").exit_code == 2  # gone from what the learner sees


def test_own_certifications_have_goals_and_keep_them_when_removed(
    seeded_db: Path, ok, rows
) -> None:
    ok("add", "AWS ML Specialty", "--kind", "certification", "--step", "ml-training")
    ok("cert", "enroll", "aws")
    assert ok("remove", "aws").stdout == (
        "retired my.aws-ml-specialty (hidden from the pathway); "
        "kept its history: 1 cert entry, 1 status entry\n"  # enrolling started its item
    )
    assert rows(seeded_db, "SELECT status FROM cert_goal") == [("enrolled",)]


def test_own_slugs_can_never_clash_with_a_seeded_slug(tmp_path: Path) -> None:
    """Seed slugs are lower-case words joined by "-"; own slugs start with "my."."""
    folder = tmp_path / "seed"
    shutil.copytree(seed_dir(), folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (folder / "30-certifications.toml").open("a") as file:
        file.write(f'\n[[item]]\nslug = "{OWN_SLUG_PREFIX}aws-ml-specialty"\n'
                   'title = "AWS"\nsource = "Certifications Matter"\n')  # fmt: skip
    with pytest.raises(SeedError, match="must be lower-case words joined by -"):
        load_seed(folder)


def test_reseeding_leaves_own_items_alone(seeded_db: Path, ok, rows) -> None:
    ok("add", "Kaggle micro-course", "--area", "statistics")
    ok("done", "kaggle")
    assert ok("seed").stdout == "seeded: 51 pathway items, 0 new, 0 retired\n"
    assert rows(seeded_db, "SELECT slug, retired FROM item WHERE learner_id IS NOT NULL") == [
        ("my.kaggle-micro-course", 0)
    ]


def test_an_optional_own_item_stays_out_of_the_required_figures(seeded_db: Path, ok) -> None:
    required = json.loads(ok("progress", "--json").stdout)["overall"]["required"]["total"]
    ok("add", "AWS ML Specialty", "--kind", "certification", "--step", "ml-training", "--optional")
    after = json.loads(ok("progress", "--json").stdout)["overall"]
    assert after["required"]["total"] == required
    assert after["optional"]["total"] == 19


def test_a_project_moves_the_items_it_names_and_undo_reverts_them_together(
    seeded_db: Path, ok, run, rows
) -> None:
    ok("done", "python", "--on", "2026-01-02")
    added = ok("project", "add", "P", "--dataset", "d", "--item", "python", "--item",
               "stanford-ml", "--item", "statistical-analysis", "--on", "2026-01-05")  # fmt: skip
    # python is done already and a certification moves with its goal: only one item starts.
    assert added.stdout.endswith("; started statistical-analysis\n")
    refused = run("project", "done", "p", "--on", "2026-01-04")
    assert refused.exit_code == 1
    assert refused.stderr == (  # a project is never done before the day it was added
        "Error: there is no project 'p' yet on 2026-01-04 "
        "(before the later add of p on 2026-01-05 (#2))\n"
    )
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(3,)]  # nothing stored
    assert ok("project", "done", "p", "--on", "2026-01-05").stdout == (
        "done: project p on 2026-01-05; done statistical-analysis\n"
    )
    status = "SELECT i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id ORDER BY 1"
    assert rows(seeded_db, status) == [("python", "done"), ("statistical-analysis", "done")]
    assert ok("undo").stdout == (
        "undo: statistical-analysis (done -> in_progress); status done of 2026-01-05 (#5)\n"
        "undo: p (done -> under way); project done of 2026-01-05 (#4)\n"
    )
    assert rows(seeded_db, "SELECT done_on FROM project") == [(None,)]
    ok("undo")
    assert rows(seeded_db, status) == [("python", "done")]
    assert rows(seeded_db, "SELECT COUNT(*) FROM project") == [(0,)]


def test_a_project_linked_to_a_removed_own_item_can_still_be_done(
    seeded_db: Path, ok, rows
) -> None:
    ok("add", "Own thing", "--step", "ml-training")
    ok("add", "Own thing", "--step", "ml-training")  # my.own-thing-2: its slug starts alike
    ok("project", "add", "P", "--dataset", "d", "--item", "my.own-thing", "--on", "2026-01-05")
    ok("remove", "my.own-thing")
    # Fixed: the linked slug was looked up as typed text, so the retired item was either
    # "not found" (the project could never be done) or read as a prefix of my.own-thing-2.
    assert ok("project", "done", "p").stdout == f"done: project p on {TODAY.isoformat()}\n"
    status = "SELECT i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id"
    assert rows(seeded_db, status) == [("my.own-thing", "in_progress")]


def test_a_back_dated_project_is_kept_when_its_item_was_done_that_day(
    seeded_db: Path, ok, rows
) -> None:
    # Fixed: the linked start (and done) were decided on today's status and refused where the
    # project lands, so the project could not be recorded at all.
    ok("done", "portfolio-real-data", "--on", "2026-01-10")
    ok("reset", "portfolio-real-data", "--on", "2026-02-01")
    assert ok("project", "add", "P", "--dataset", "d", "--on", "2026-01-15").stdout == (
        "added project p; it counts toward Get experience in machine learning engineering\n"
    )
    assert ok("project", "done", "p", "--on", "2026-01-20").stdout == (
        "done: project p on 2026-01-20\n"
    )
    assert rows(seeded_db, "SELECT added_on, done_on FROM project") == [
        ("2026-01-15", "2026-01-20")
    ]
    status = "SELECT status FROM progress"
    assert rows(seeded_db, status) == [("planned",)]
