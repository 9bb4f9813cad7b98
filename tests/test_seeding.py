"""Seeding a real database: idempotent, keeps progress, retires instead of deleting."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from mltrack.core.vocabulary import EventAction
from mltrack.formats import seed_files
from mltrack.formats import seed_format as seed_data
from mltrack.services.migrate import reseed_database
from mltrack.services.progress import change_status
from mltrack.services.startup import prepare_database
from tests.conftest import writing

TABLES = (
    "pathway",
    "step",
    "area",
    "item",
    "item_prerequisite",
    "career_fact",
    "learner",
    "progress",
    "journal",
)


def snapshot(rows, path: Path) -> dict[str, list[tuple]]:
    return {table: rows(path, f"SELECT * FROM {table} ORDER BY 1, 2") for table in TABLES}


@pytest.fixture
def edited_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped seed that mltrack reads instead of the real one."""
    directory = tmp_path / "seed"
    shutil.copytree(seed_files.seed_dir(), directory, ignore=shutil.ignore_patterns("*.py", "*.md"))
    monkeypatch.setattr(seed_files, "seed_dir", lambda: directory)
    return directory


def test_creation_seeds_every_item_and_one_default_learner(seeded_db: Path, rows) -> None:
    shipped = len(seed_data.load_seed()["item"])
    assert rows(seeded_db, "SELECT COUNT(*) FROM item WHERE NOT retired") == [(shipped,)]
    assert rows(seeded_db, "SELECT name FROM learner") == [("me",)]


def test_reseeding_unchanged_seed_changes_nothing(seeded_db: Path, rows) -> None:
    before = snapshot(rows, seeded_db)
    summary = reseed_database(seeded_db)
    assert (summary.added, summary.retired) == (0, 0)
    assert snapshot(rows, seeded_db) == before


def test_changed_seed_updates_titles_adds_and_retires_but_keeps_progress(
    seeded_db: Path, edited_seed: Path, rows
) -> None:
    with writing(seeded_db) as store:
        change_status(store, "me", "de-noising", EventAction.DONE, date.today())
    areas = edited_seed / "20-study-areas.toml"
    text = areas.read_text(encoding="utf-8")
    text = text.replace('title = "Probability"', 'title = "Probability theory"')
    text = text.replace(
        'slug = "de-noising"', 'slug = "apache-spark"'
    )  # de-noising leaves the seed
    areas.write_text(text, encoding="utf-8")

    prepare_database(seeded_db)  # notices the new seed digest and reseeds on its own

    assert rows(seeded_db, "SELECT title FROM item WHERE slug = 'probability'") == [
        ("Probability theory",)
    ]
    assert rows(seeded_db, "SELECT retired FROM item WHERE slug = 'de-noising'") == [(1,)]
    assert rows(seeded_db, "SELECT retired FROM item WHERE slug = 'apache-spark'") == [(0,)]
    kept = rows(
        seeded_db,
        "SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id "
        "WHERE i.slug = 'de-noising'",
    )
    assert kept == [("done",)]
    assert rows(
        seeded_db,
        "SELECT j.kind, j.action, j.subject, i.slug FROM journal j JOIN item i ON i.id = j.item_id",
    ) == [
        ("status", "done", "de-noising", "de-noising")
    ]  # the history still names the retired item


def test_an_item_back_in_the_seed_is_no_longer_retired(
    seeded_db: Path, edited_seed: Path, rows
) -> None:
    areas = edited_seed / "20-study-areas.toml"
    original = areas.read_text(encoding="utf-8")
    areas.write_text(original.replace('slug = "de-noising"', 'slug = "spark"'), encoding="utf-8")
    reseed_database(seeded_db)
    areas.write_text(original, encoding="utf-8")
    reseed_database(seeded_db)
    assert rows(seeded_db, "SELECT slug, retired FROM item WHERE slug IN ('de-noising', 'spark') "
                           "ORDER BY slug") == [("de-noising", 0), ("spark", 1)]  # fmt: skip
