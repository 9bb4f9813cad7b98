"""The four standard migration tests, on real SQLite files, plus the developer's alembic.ini.

pytest-alembic's four built-in tests run here too, on the ``alembic_engine`` and
``alembic_config`` fixtures of conftest.py: an Engine, as its documented setup passes one.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from pytest_alembic.tests import (  # noqa: F401 (collected by pytest)
    test_model_definitions_match_ddl,
    test_single_head_revision,
    test_up_down_consistency,
    test_upgrade,
)
from sqlalchemy import Connection, inspect

from mltrack.models import Base
from mltrack.services.migrate import alembic_config, check_foreign_keys
from mltrack.store.orm import make_engine
from mltrack.store.revisions import HEAD_REVISION, KNOWN_REVISIONS
from mltrack.store.search import not_search_index

ROOT = Path(__file__).resolve().parents[1]
COMPARE = {"include_name": not_search_index}  # the search index is derived data, no model's


def compared(connection: Connection) -> MigrationContext:
    return MigrationContext.configure(connection, opts=COMPARE)


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def upgrade(path: Path, revision: str = "head") -> None:
    engine = make_engine(path)
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
    engine.dispose()


def downgrade(path: Path, revision: str) -> None:
    engine = make_engine(path)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revision)
    engine.dispose()


def test_single_head_and_known_revisions_match_the_scripts() -> None:
    directory = script()
    assert directory.get_heads() == [HEAD_REVISION]
    in_order = [rev.revision for rev in directory.walk_revisions("base", "heads")][::-1]
    assert tuple(in_order) == KNOWN_REVISIONS


def test_upgrade_from_empty_matches_the_models(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    upgrade(path)
    engine = make_engine(path)
    with engine.connect() as connection:
        diff = compare_metadata(compared(connection), Base.metadata)
        tables = set(inspect(connection).get_table_names())
    engine.dispose()
    assert diff == []
    assert set(Base.metadata.tables) <= tables


@pytest.mark.parametrize("revision", KNOWN_REVISIONS)
def test_downgrade_then_upgrade_again(tmp_path: Path, revision: str) -> None:
    path = tmp_path / "cycle.db"
    upgrade(path)
    previous = script().get_revision(revision).down_revision or "base"
    downgrade(path, previous)
    upgrade(path)
    engine = make_engine(path)
    with engine.connect() as connection:
        assert compare_metadata(compared(connection), Base.metadata) == []
    engine.dispose()


def test_downgrade_to_base_leaves_only_the_version_table(tmp_path: Path) -> None:
    path = tmp_path / "base.db"
    upgrade(path)
    downgrade(path, "base")
    engine = make_engine(path)
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_alembic_ini_works_from_a_checkout(tmp_path: Path) -> None:
    env = {**os.environ, "MLTRACK_DB": str(tmp_path / "dev.db")}
    alembic = [sys.executable, "-W", "default::DeprecationWarning", "-m", "alembic",
               "-c", str(ROOT / "alembic.ini")]  # fmt: skip
    for args in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(alembic + args, env=env, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "path_separator" not in done.stderr  # alembic 1.16+ warns when the ini lacks it
    assert HEAD_REVISION in done.stdout


def migrate_as_mltrack_does(path: Path, direction: str, revision: str) -> None:
    """Up or down with foreign keys off, then every reference checked, as mltrack does."""
    engine = make_engine(path, foreign_keys=False)
    with engine.begin() as connection:
        getattr(command, direction)(alembic_config(connection), revision)
        check_foreign_keys(connection.connection.driver_connection)  # type: ignore[arg-type]
    engine.dispose()


TRACKING_TABLES = ("cert_goal", "study_session", "project", "project_area", "reading_entry",
                   "journal")  # fmt: skip
# Tables that 0003 does not add, with the columns they have at 0002.
OLDER_COLUMNS = {
    "progress": "learner_id, item_id, status, finished_on",
    "item": "id, slug, learner_id, retired",
}


def test_tracking_downgrades_and_upgrades_with_data_in_its_tables(seeded_db: Path, ok, rows):
    ok("cert", "enroll", "stanford", "--cost", "49", "--currency", "USD")
    ok("cert", "pass", "stanford")  # a progress event linked to a certification event
    ok("log", "1h", "python")
    ok("read", "A paper", "--kind", "paper")
    ok("project", "add", "Churn", "--dataset", "Telco churn", "--area", "statistics")
    ok("add", "Kaggle course", "--area", "statistics")
    ok("done", "kaggle")
    assert all(rows(seeded_db, f"SELECT COUNT(*) FROM {table}")[0][0] for table in TRACKING_TABLES)

    def older_rows() -> dict[str, list[tuple]]:
        return {
            table: rows(seeded_db, f"SELECT {columns} FROM {table} ORDER BY 1, 2")
            for table, columns in OLDER_COLUMNS.items()
        }

    before = older_rows()
    migrate_as_mltrack_does(seeded_db, "downgrade", "0002_planning")
    assert older_rows() == before
    names = {name for (name,) in rows(seeded_db, "SELECT name FROM sqlite_master")}
    assert not names & set(TRACKING_TABLES)

    migrate_as_mltrack_does(seeded_db, "upgrade", "head")
    assert older_rows() == before
    engine = make_engine(seeded_db)
    with engine.connect() as connection:
        assert compare_metadata(compared(connection), Base.metadata) == []
    engine.dispose()
    ok("cert", "pass", "ibm")  # and the features work again
    linked = "SELECT COUNT(*) FROM journal WHERE kind = 'status' AND group_id IS NOT NULL"
    assert rows(seeded_db, linked) == [(1,)]  # 0002 had no links; the new pass makes one


def test_pathways_upgrade_from_0008_keeps_ids_progress_and_journal(seeded_db: Path, ok, rows):
    """0011 turns the one shipped pathway into pathway rows and memberships: every item id,
    progress row and journal entry stays, and the views read the same."""
    ok("done", "python")
    ok("start", "statistical-analysis")
    ok("add", "Kaggle course", "--area", "statistics")
    ok("target", "set", "2999-01-01")
    kept = {
        "item": "SELECT id, slug, step_id, retired FROM item ORDER BY id",
        "progress": "SELECT * FROM progress ORDER BY 1, 2",
        "journal": "SELECT * FROM journal ORDER BY id",
    }
    progress = ok("progress", "--json").output
    before = {name: rows(seeded_db, sql) for name, sql in kept.items()}
    migrate_as_mltrack_does(seeded_db, "downgrade", "0008_day_summary")
    names = {name for (name,) in rows(seeded_db, "SELECT name FROM sqlite_master")}
    assert "pathway_item" not in names
    migrate_as_mltrack_does(seeded_db, "upgrade", "head")
    assert {name: rows(seeded_db, sql) for name, sql in kept.items()} == before
    assert rows(seeded_db, "SELECT slug, shipped FROM pathway") == [("ml-engineer", 1)]
    members = "SELECT COUNT(*) FROM pathway_item"
    seeded = "SELECT COUNT(*) FROM item WHERE learner_id IS NULL AND NOT retired"
    assert rows(seeded_db, members) == rows(seeded_db, seeded)
    assert ok("progress", "--json").output == progress
    assert "kaggle" in ok("pathway").output  # an own item stays in the shipped pathway
