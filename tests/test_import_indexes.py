"""A large import builds the journal's indexes once, after the rows (issue 12's import time):
the database ends with the same indexes, the same projections as an import that kept them up
to date row by row, and a refused file leaves the schema as it was."""

import sqlite3
from pathlib import Path

import pytest

from tests.test_stream_transfer import entries, pathway_slugs, write_export


def journal_indexes(path: Path) -> list[tuple[str, str]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' "
            "ORDER BY name"
        ).fetchall()
    finally:
        connection.close()


@pytest.fixture
def deferring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large: the indexes are dropped and built again."""
    from mltrack.services import importer

    monkeypatch.setattr(importer, "DEFER_INDEXES_FROM", 1)
    monkeypatch.setattr(importer, "JOURNAL_LINE_BYTES", 1)


def test_deferred_indexes_are_back_and_the_replay_is_the_same(  # type: ignore[no-untyped-def]
    ok, seeded_db, _seeded_template, tmp_path, monkeypatch
):
    export = write_export(tmp_path / "e.json", entries(300, pathway_slugs(_seeded_template)))
    before = journal_indexes(seeded_db)
    other = tmp_path / "kept.db"
    other.write_bytes(seeded_db.read_bytes())
    ok("--db", str(other), "import", str(export))  # small: indexes kept up row by row

    from mltrack.services import importer

    monkeypatch.setattr(importer, "DEFER_INDEXES_FROM", 1)
    monkeypatch.setattr(importer, "JOURNAL_LINE_BYTES", 1)
    ok("import", str(export))
    assert journal_indexes(seeded_db) == before
    assert len(before) > 5  # the secondary indexes, not only the uid's
    for view in (("progress", "--json"), ("stats", "--json"), ("history", "--json")):
        assert ok(*view).output == ok("--db", str(other), *view).output, view
    connection = sqlite3.connect(seeded_db)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_refused_large_file_leaves_indexes_and_journal(  # type: ignore[no-untyped-def]
    run, seeded_db, _seeded_template, tmp_path, deferring
):
    lines = entries(300, pathway_slugs(_seeded_template))
    lines[-1] = lines[-1].replace('"learner": "me"', '"learner": "nobody"')
    before = journal_indexes(seeded_db)
    result = run("import", str(write_export(tmp_path / "bad.json", lines)))
    assert result.exit_code == 2, result.output
    assert "journal[299].learner" in result.stderr
    assert journal_indexes(seeded_db) == before
    connection = sqlite3.connect(seeded_db)
    assert connection.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == 0
    connection.close()
