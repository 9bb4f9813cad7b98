"""The four standard migration tests, on real SQLite files, plus the developer's alembic.ini."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from mltrack.migrate import alembic_config
from mltrack.models import Base
from mltrack.schema import HEAD_REVISION, KNOWN_REVISIONS
from mltrack.session import make_engine

ROOT = Path(__file__).resolve().parents[1]


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
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
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
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
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
    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
    for args in (["upgrade", "head"], ["check"], ["current"]):
        done = subprocess.run(alembic + args, env=env, capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    assert HEAD_REVISION in done.stdout
