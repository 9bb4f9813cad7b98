"""Portfolio projects and a learner's own pathway items, through the CLI."""

import json
import shutil
from pathlib import Path

import pytest

from mltrack.formats.seed_format import SeedError, load_seed, seed_dir
from mltrack.queries.lookup import learner_id
from mltrack.queries.projects import projects_per_step
from mltrack.queries.reader import SqliteReader
from mltrack.services.items import OWN_SLUG_PREFIX
from mltrack.store.db import connect


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


def test_projects_are_added_linked_to_areas_and_done(seeded_db: Path, ok, rows) -> None:
    areas = ["--area", "statistics", "--area", "machine"]
    repo = ["--repo", "https://example.org/churn"]
    added = ok("project", "add", "Churn model", "--dataset", "Telco churn (Kaggle)", *areas, *repo)
    assert added.stdout == (
        "added project churn-model (statistics, machine-learning); "
        "it counts toward Get experience in machine learning engineering\n"
    )
    ok("project", "add", "House prices", "--dataset", "Ames housing")
    assert ok("project", "done", "churn", "--on", "yesterday").stdout.startswith(
        "done: project churn-model on "
    )
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


def test_removing_an_unused_own_item_deletes_it(seeded_db: Path, ok, rows) -> None:
    ok("add", "Kaggle micro-course", "--area", "statistics", "--after", "probability")
    assert ok("remove", "kaggle").stdout == (
        "removed my.kaggle-micro-course; dropped 1 --after ordering(s) naming it\n"
    )
    assert rows(seeded_db, "SELECT COUNT(*) FROM item WHERE learner_id IS NOT NULL") == [(0,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM learner_prerequisite") == [(0,)]


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
        "1 progress event, 1 study session, 1 reading log record\n"
    )
    assert rows(seeded_db, "SELECT retired FROM item WHERE learner_id IS NOT NULL") == [(1,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM study_session") == [(1,)]
    assert "kaggle" not in ok("pathway").stdout
    assert "1h  my.kaggle-micro-course" in ok("log", "--list").stdout  # the hours stay
    assert run("remove", "kaggle").exit_code == 2  # gone from what the learner sees


def test_own_certifications_have_goals_and_keep_them_when_removed(seeded_db: Path, ok) -> None:
    ok("add", "AWS ML Specialty", "--kind", "certification", "--step", "ml-training")
    ok("cert", "enroll", "aws")
    assert "certification event" in ok("remove", "aws").stdout


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
