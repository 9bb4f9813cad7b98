"""Import checks the journal batch by batch, and a uid is not looked up for every entry: the
journal's unique uid index refuses a repeated one when its batch is written (issue 12's import
time). These pin that the refusal still names the entry, as when each uid was looked up: a uid
an earlier batch's entry has, one another learner of the database has, and the first problem
of the file when a later entry of the same batch is refused for another reason."""

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_stream_transfer import entries, pathway_slugs, refused, write_export

BATCH = 10  # entries a batch in these tests: 30 entries make three


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    from mltrack.services import importer

    monkeypatch.setattr(importer, "BATCH", BATCH)


@pytest.fixture
def lines(_seeded_template: Path) -> list[str]:
    return entries(30, pathway_slugs(_seeded_template))


def uid_of(line: str) -> str:
    return json.loads(line)["uid"]


def with_uid(line: str, uid: str) -> str:
    """A status entry's line with another uid (a study entry's subject is its uid)."""
    record = json.loads(line)
    assert record["kind"] == "status"
    return json.dumps(record | {"uid": uid})


def journal_count(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT COUNT(*) FROM journal").fetchone()[0]
    finally:
        connection.close()


def test_a_uid_of_an_earlier_batch_is_refused_by_its_place(  # type: ignore[no-untyped-def]
    run, seeded_db, tmp_path, lines, small_batches
):
    lines[25] = with_uid(lines[25], uid_of(lines[3]))
    message = refused(run, write_export(tmp_path / "again.json", lines))
    assert message == f"Error: journal[25].uid: {uid_of(lines[3])} is the uid of an earlier entry"
    assert journal_count(seeded_db) == 0


def test_a_repeated_uid_comes_before_a_later_problem_of_its_batch(  # type: ignore[no-untyped-def]
    run, seeded_db, tmp_path, lines, small_batches
):
    lines[24] = with_uid(lines[24], uid_of(lines[3]))
    lines[28] = lines[28].replace('"learner": "me"', '"learner": "nobody"')
    message = refused(run, write_export(tmp_path / "both.json", lines))
    assert message == f"Error: journal[24].uid: {uid_of(lines[3])} is the uid of an earlier entry"
    [other] = new_uids(1)
    lines[24] = with_uid(lines[24], other)
    message = refused(run, write_export(tmp_path / "later.json", lines))
    assert message.startswith("Error: journal[28].learner: no learner 'nobody'"), message
    assert journal_count(seeded_db) == 0


def test_a_uid_another_learner_has_is_a_conflict(  # type: ignore[no-untyped-def]
    ok, run, seeded_db, tmp_path, lines, small_batches
):
    ok("import", str(write_export(tmp_path / "me.json", lines)))
    taken = uid_of(lines[3])
    # Zoe's status changes (a study entry's subject is its uid), one with a uid me's has.
    zoe = [line.replace('"learner": "me"', '"learner": "zoe"') for line in lines
           if json.loads(line)["kind"] == "status"]  # fmt: skip
    zoe = [with_uid(line, uid) for line, uid in zip(zoe, new_uids(len(zoe)), strict=True)]
    zoe[15] = with_uid(zoe[15], taken)
    export = tmp_path / "zoe.json"
    write_export(export, zoe)
    export.write_text(export.read_text().replace('"name": "me"', '"name": "zoe"'))
    before = journal_count(seeded_db)
    result = run("import", str(export))
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: journal[15].uid: entry {taken} already exists in the database\n"
    )
    assert journal_count(seeded_db) == before


def new_uids(count: int) -> list[str]:
    from mltrack.core.ids import uuid7

    return [uuid7() for _ in range(count)]


def test_on_postgresql_the_refusals_name_the_entry_too(  # type: ignore[no-untyped-def]
    ok, run, pg_url, tmp_path, lines, small_batches
):
    """PostgreSQL reads nothing more in a transaction once a statement failed: the batch the
    uid index refused is rolled back to its savepoint, then looked at."""
    from tests.postgres import query

    again = list(lines)
    again[25] = with_uid(again[25], uid_of(again[3]))
    result = run("--db", pg_url, "import", str(write_export(tmp_path / "again.json", again)))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: journal[25].uid: {uid_of(lines[3])} is the uid of an earlier entry\n"
    )
    assert query(pg_url, "SELECT COUNT(*) FROM journal")[0][0] == 0
    ok("--db", pg_url, "import", str(write_export(tmp_path / "me.json", lines)))
    zoe = [line.replace('"learner": "me"', '"learner": "zoe"') for line in lines
           if json.loads(line)["kind"] == "status"]  # fmt: skip
    zoe = [with_uid(line, uid) for line, uid in zip(zoe, new_uids(len(zoe)), strict=True)]
    zoe[15] = with_uid(zoe[15], uid_of(lines[3]))
    export = write_export(tmp_path / "zoe.json", zoe)
    export.write_text(export.read_text().replace('"name": "me"', '"name": "zoe"'))
    result = run("--db", pg_url, "import", str(export))
    assert result.exit_code == 1, result.output
    assert f"journal[15].uid: entry {uid_of(lines[3])} already exists" in result.stderr
    assert query(pg_url, "SELECT COUNT(*) FROM journal")[0][0] == len(lines)
