"""Every text view fits the terminal's width (COLUMNS) and never loses a slug or a figure.

One database with real data (long titles, own items and projects with long names, notes,
study time, readings, certification goals, a second learner) is shown through every text view
at 60, 80 and 120 columns: no line is wider than the width, and every slug and every number
shown at 120 columns is still there at 60 (only titles truncate and prose wraps).
"""

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from mltrack.cli import cli
from mltrack.render.text import display_width

WIDTHS = (60, 80, 120)
LONG_ITEM = "A very long own item about practical deep learning for coders and their projects"
LONG_CERT = "Professional Machine Learning Engineer Certification Programme"
LONG_PROJECT = "Predicting customer churn for a telecommunications company from call records"
LONG_LEARNER = "Alexandra from the evening study group"
TODAY = date.today()


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


SETUP = [
    ["add", LONG_ITEM, "--area", "machine-learning", "--hours", "40", "--after", "deep-learning"],
    ["add", LONG_CERT, "--kind", "certification", "--step", "ml-training", "--provider",
     "Google Cloud Skills Boost and partners", "--optional"],
    ["done", "python", "--on", days(-30), "--note",
     "finished the whole book, the exercises and a small command line project on the side"],
    ["done", "probability", "--on", days(-16)],
    ["done", "random-variables", "--on", days(-9)],
    ["start", "deep-learning", "--on", days(-3), "--note", "fast.ai part 1, lessons one to four"],
    ["skip", "mooc-edx", "--note", "took the Coursera one"],
    ["require", "statistical-learning", "--after", "estimation"],
    ["target", "set", days(200)],
    ["log", "1h30", "deep-learning", "--note", "chapter six exercises on convolutional networks"],
    ["log", "45m", "--on", "yesterday"],
    ["read", "Attention is all you need, and what it meant for sequence models", "--kind",
     "paper", "--item", "deep-learning"],
    ["project", "add", LONG_PROJECT, "--dataset", "Telco customer churn (Kaggle), 7043 rows",
     "--repo", "https://github.com/example/telecommunications-churn-prediction", "--area",
     "statistics"],
    ["project", "add", "House prices", "--dataset", "Ames housing", "--area", "statistics",
     "--on", days(-9)],
    ["project", "done", "house prices", "--on", days(-2)],
    ["cert", "goal", "stanford", "--by", days(20)],
    ["cert", "enroll", "stanford", "--on", days(-5), "--cost", "49", "--currency", "USD"],
    ["cert", "pass", "ibm", "--on", days(-300), "--expires", days(10), "--credential-id",
     "IBM-ML-2025-000123", "--cost", "39", "--currency", "USD"],
    ["learner", "add", LONG_LEARNER],
]  # fmt: skip

VIEWS = {
    "progress": ["progress"],
    "progress-all": ["progress", "--all"],
    "progress-by-kind-provider": ["progress", "--by", "kind", "--by", "provider", "--all"],
    "progress-by-area": ["progress", "--by", "area"],
    "pathway": ["pathway"],
    "show-own": ["show", "my.a-very-long-own-item-about-practical-deep-learni"],
    "show": ["show", "deep-learning"],
    "show-cert": ["show", "ibm-ml-data-science"],
    "next": ["next", "-n", "10"],
    "history": ["history", "-n", "0"],
    "stats": ["stats"],
    "target": ["target"],
    "career": ["career"],
    "cert-list": ["cert", "list"],
    "cert-due": ["cert", "due", "--within", "400d"],
    "learner-list": ["learner", "list"],
    "project-list": ["project", "list"],
    "log-list": ["log", "--list"],
    "doctor": ["doctor"],
    "report-md": ["report", "--format", "md"],
}

NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")


@pytest.fixture(scope="module")
def database() -> Iterator[Path]:
    """The database every view is shown from, in a short path (doctor prints it)."""
    with tempfile.TemporaryDirectory(prefix="mlw") as folder:
        path = Path(folder) / "m.db"
        runner = CliRunner()
        for args in SETUP:
            result = runner.invoke(cli, args, env={"MLTRACK_DB": str(path)})
            assert result.exit_code == 0, (args, result.output)
        yield path


@pytest.fixture(scope="module")
def slugs(database: Path) -> set[str]:
    connection = sqlite3.connect(database)
    try:
        found = set()
        for table in ("item", "step", "area", "project"):
            found |= {row[0] for row in connection.execute(f"SELECT slug FROM {table}")}
        return found
    finally:
        connection.close()


def shown(database: Path, args: list[str], columns: int) -> str:
    env = {"MLTRACK_DB": str(database), "COLUMNS": str(columns)}
    result = CliRunner().invoke(cli, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def words(text: str) -> set[str]:
    return {word.strip(".:'\"") for word in re.split(r"[\s,;()\[\]]+", text)}


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_text_view_fits_the_width_and_keeps_slugs_and_figures(
    database: Path, slugs: set[str], view: str
) -> None:
    outputs = {columns: shown(database, VIEWS[view], columns) for columns in WIDTHS}
    for columns, text in outputs.items():
        too_wide = [line for line in text.splitlines() if display_width(line) > columns]
        assert too_wide == [], f"{view} at {columns} columns"
    wide, narrow = outputs[120], outputs[60]
    # Slugs and figures are whole words at any width: a slug found whole at 120 columns is
    # found whole at 60, and so is every number (dates, counts, percentages, hours).
    wide_words, narrow_words = words(wide), words(narrow)
    assert {s for s in slugs if s in wide_words} <= narrow_words, view
    assert set(NUMBER.findall(wide)) <= set(NUMBER.findall(narrow)), view


def test_the_long_lines_do_exist_at_120_columns(database: Path) -> None:
    """The data is long enough to need fitting: at 120 columns some lines pass 80."""
    for args in (VIEWS["pathway"], VIEWS["cert-list"], VIEWS["history"]):
        assert max(map(display_width, shown(database, args, 120).splitlines())) > 80, args


def test_a_title_is_truncated_with_an_ellipsis_and_prose_wraps(database: Path) -> None:
    narrow = shown(database, VIEWS["pathway"], 60)
    assert "    [ ] my.a-very-long-own-item-about-practical-deep-learni\n" in narrow
    assert LONG_ITEM not in narrow and "A very long own item" in narrow
    assert "..." in narrow
    wide = shown(database, VIEWS["pathway"], 120)
    assert "A very long own item about practical deep learning for" in wide
    target = shown(database, ["target"], 60)
    assert len(target.splitlines()) > 1 and target.splitlines()[1].startswith("  ")


def test_without_a_terminal_or_columns_the_width_is_80(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under pytest stdout is no terminal: with COLUMNS unset, views fit 80 columns."""
    monkeypatch.delenv("COLUMNS")
    result = CliRunner().invoke(cli, ["pathway"], env={"MLTRACK_DB": str(database)})
    widest = max(map(display_width, result.stdout.splitlines()))
    assert 70 < widest <= 80  # it used the room it had, and no more


def test_certifications_are_named_with_their_provider(database: Path) -> None:
    """Near-identical titles are told apart by the provider in pathway and next."""
    pathway = shown(database, ["pathway", "--kind", "certification"], 120)
    assert "Machine Learning Certification (Stanford University (Coursera))" in pathway
    assert "Machine Learning - Data Science Certification (IBM)" in pathway
    assert "(Google Cloud Skills Boost and partners)" in pathway
    upcoming = shown(database, ["next", "-n", "40"], 120)
    assert "(Harvard University (edX))" in upcoming
