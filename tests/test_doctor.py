"""``mltrack doctor`` on sound and damaged databases: it reports, and never changes the file."""

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.core.dates import week_start
from mltrack.store.revisions import HEAD_REVISION


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


FOUNDATION_DB = Path(__file__).parent / "data" / "revision-0001.sqlite"


def execute(path: Path, *statements: str) -> None:
    """Change the file behind mltrack's back, as damage or another tool would."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def doctor(run, path: Path) -> tuple[int, list[str]]:
    """Run doctor and return its exit code and output lines; the file must not change."""
    before = path.read_bytes() if path.exists() else None
    listing = files_beside(path)
    result = run("doctor")
    assert (path.read_bytes() if path.exists() else None) == before
    assert files_beside(path) == listing  # no backup, no new database
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing written through the log
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


def files_beside(path: Path) -> list[str]:
    """The files in the database's folder, but for the -wal and -shm files SQLite itself
    creates for any reader of a WAL database (a read-only one cannot remove them)."""
    return sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(("-wal", "-shm")))


def test_a_sound_database_passes_every_check(seeded_db: Path, run, ok) -> None:
    ok("done", "python")
    code, lines = doctor(run, seeded_db)
    assert code == 0
    assert lines == [
        f"[ok]   database file: {seeded_db}",
        "[ok]   integrity: ok",
        "[ok]   foreign keys: every reference resolves",
        f"[ok]   schema revision: {HEAD_REVISION} (what this mltrack expects)",
        f"[ok]   schema: exactly what revision {HEAD_REVISION} has",
        "[ok]   seed: all 51 pathway items present",
        "[ok]   prerequisites: no current item requires a retired one",
        "[ok]   retired items: no learner data names a retired item",
        "[ok]   learner names: no two differ only in case",
        "[ok]   study time: no day has more than 24h",
        "[ok]   value ranges: every number within its range",
        "[ok]   journal: every projection agrees with the journal",
        "[ok]   orderings: no loop in any learner's orderings",
        "",
        "no problems found",
    ]


def test_a_damaged_page_fails_the_integrity_check(seeded_db: Path, run, corrupt_index) -> None:
    corrupt_index(seeded_db)
    code, lines = doctor(run, seeded_db)
    assert code == 1
    assert lines[1].startswith("[fail] integrity: ")
    assert lines[-1] == "1 problem found"


def test_a_broken_reference_fails_the_foreign_key_check(seeded_db: Path, run) -> None:
    execute(seeded_db, "INSERT INTO progress VALUES (99, 1, 'done', NULL, NULL, NULL, NULL, 'x')")
    code, lines = doctor(run, seeded_db)
    assert code == 1
    assert lines[2] == "[fail] foreign keys: 1 broken: progress row 1 -> missing learner"


def test_an_older_revision_is_reported_not_upgraded(db_path: Path, run) -> None:
    db_path.write_bytes(FOUNDATION_DB.read_bytes())
    code, lines = doctor(run, db_path)
    assert code == 1
    assert lines[3] == (
        f"[fail] schema revision: 0001_initial, this mltrack expects {HEAD_REVISION}: "
        "any other command upgrades it, keeping a backup"
    )


def test_another_seed_is_a_warning_and_is_not_reloaded(seeded_db: Path, run, rows) -> None:
    execute(
        seeded_db,
        "UPDATE meta SET value = 'older' WHERE key = 'seed_digest'",
        "UPDATE item SET retired = 1 WHERE slug = 'mooc-edx'",
    )
    code, lines = doctor(run, seeded_db)
    assert code == 0
    assert lines[5] == (
        "[warn] seed: the database holds another version of the pathway (1 to add: mooc-edx); "
        "the next command reloads it, or run: mltrack seed"
    )
    assert rows(seeded_db, "SELECT value FROM meta WHERE key = 'seed_digest'") == [("older",)]


def test_items_missing_from_the_seed_it_claims_fail(seeded_db: Path, run) -> None:
    execute(seeded_db, "DELETE FROM item_prerequisite", "DELETE FROM item WHERE slug = 'bias'")
    code, lines = doctor(run, seeded_db)
    assert code == 1
    assert lines[5] == "[fail] seed: items differ from the seed it claims: 1 to add: bias"


def test_retired_items_with_history_are_a_warning(seeded_db: Path, run, ok) -> None:
    ok("done", "mooc-edx")
    ok("done", "python")
    execute(seeded_db, "UPDATE item SET retired = 1 WHERE slug IN ('mooc-edx', 'python')")
    code, lines = doctor(run, seeded_db)
    assert lines[7] == (
        "[warn] retired items: 2 left the pathway but learner data still names them, "
        "kept as history: mooc-edx (2), python (2)"
    )
    assert "[fail] prerequisites: current items require retired ones: " in lines[6]
    assert code == 1


@pytest.mark.parametrize(
    "content, detail",
    [
        (None, "no mltrack database at {path} (missing or empty)"),
        (b"notes\n", "{path} is not an SQLite database, so not an mltrack database"),
    ],
)
def test_a_file_that_cannot_be_checked_is_one_failed_line(
    db_path: Path, run, content: bytes | None, detail: str
) -> None:
    if content is not None:
        db_path.write_bytes(content)
    code, lines = doctor(run, db_path)
    assert code == 1
    assert lines == [
        f"[fail] database file: {detail.format(path=db_path)}",
        "",
        "1 problem found",
    ]


def test_a_projection_that_disagrees_with_the_journal_is_reported_and_repaired(
    seeded_db: Path, run, ok, rows
) -> None:
    ok("start", "python", "--on", "-3d")
    ok("log", "1h", "python")
    ok("target", "set", "2031-01-01")
    execute(
        seeded_db,
        "UPDATE progress SET status = 'done'",
        "DELETE FROM study_session",
        "UPDATE learner SET target_date = '2030-01-01'",
        "INSERT INTO progress (learner_id, item_id, status, updated_at) "
        "SELECT 1, id, 'skipped', 'x' FROM item WHERE slug = 'mooc-edx'",
    )
    code, lines = doctor(run, seeded_db)
    assert code == 1
    [session] = rows(seeded_db, "SELECT id FROM journal WHERE kind = 'study'")
    assert [line for line in lines if line.startswith("[fail]")] == [
        "[fail] projection: progress (me, mooc-edx): stored, but the journal has no such row",
        "[fail] projection: progress (me, python): status done (the journal says in_progress)",
        f"[fail] projection: study_session (me, {session[0]}): missing; the journal says "
        f"item python, on_date {date.today().isoformat()}, week_start "
        f"{week_start(date.today()).isoformat()}, minutes 60, note none",
        "[fail] projection: target date (me): target_date 2030-01-01 (the journal says 2031-01-01)",
    ]
    assert lines[-1] == "4 problems found"

    repaired = ok("doctor", "--repair").stdout.splitlines()
    backup = Path(repaired[0].removeprefix("backed up to "))
    assert backup.parent == seeded_db.parent and backup.exists()
    assert [line.split(":")[0] for line in repaired[1:]] == [
        "repaired progress (me, mooc-edx)", "repaired progress (me, python)",
        f"repaired study_session (me, {session[0]})", "repaired target date (me)",
    ]  # fmt: skip
    # The backup holds the database as it was before the repair.
    assert sorted(rows(backup, "SELECT status FROM progress")) == [("done",), ("skipped",)]
    assert rows(seeded_db, "SELECT i.slug, p.status FROM progress p JOIN item i "
                           "ON i.id = p.item_id") == [("python", "in_progress")]  # fmt: skip
    assert rows(seeded_db, "SELECT target_date FROM learner") == [("2031-01-01",)]
    assert rows(seeded_db, "SELECT minutes, journal_id FROM study_session") == [(60, session[0])]
    code, lines = doctor(run, seeded_db)
    assert code == 0 and "[ok]   journal: every projection agrees with the journal" in lines
    assert ok("doctor", "--repair").stdout.splitlines()[1:] == [
        "nothing to repair: every table agrees with the journal"
    ]


def test_a_flagged_entry_is_reported_with_its_reason(seeded_db: Path, run, ok) -> None:
    ok("done", "python", "--on", "-2d")
    execute(seeded_db, "UPDATE journal SET flag = 'done before its start (imported)'")
    code, lines = doctor(run, seeded_db)
    day = (date.today() - timedelta(days=2)).isoformat()
    assert (
        f"[warn] flagged entry: me: #1 status done of python on {day}: "
        "done before its start (imported)"
    ) in lines
    # Left out of the record: the progress row it made disagrees with the journal.
    assert "[fail] projection: progress (me, python): stored, but the journal has no such row" in (
        lines
    )
    assert code == 1


def test_an_entry_that_breaks_a_rule_unflagged_is_reported_and_set_aside(
    seeded_db: Path, run, ok, rows
) -> None:
    ok("start", "python", "--on", "-5d")
    ok("done", "python", "--on", "-2d")
    execute(seeded_db, "UPDATE journal SET action = 'done' WHERE id = 1")  # done, then done
    code, lines = doctor(run, seeded_db)
    assert code == 1
    [broken] = [line for line in lines if line.startswith("[fail] journal:")]
    assert broken.startswith("[fail] journal: me: entry #2 status done of python on ")
    assert broken.endswith("; mltrack doctor --repair sets it aside (flags it)")
    repaired = ok("doctor", "--repair").stdout
    assert "set aside (flagged) me: entry #2 status done of python" in repaired
    assert rows(seeded_db, "SELECT id FROM journal WHERE flag IS NOT NULL") == [(2,)]
    assert rows(seeded_db, "SELECT status, finished_on FROM progress") == [
        ("done", (date.today() - timedelta(days=5)).isoformat())
    ]


def test_a_loop_in_the_orderings_fails(seeded_db: Path, run, ok) -> None:
    ok("require", "python", "--after", "probability")
    execute(
        seeded_db,
        "INSERT INTO learner_prerequisite (learner_id, item_id, requires_id) "
        "SELECT 1, p.id, q.id FROM item p, item q "
        "WHERE p.slug = 'probability' AND q.slug = 'python'",
    )
    code, lines = doctor(run, seeded_db)
    assert code == 1
    assert any(line.startswith("[fail] orderings: me: a loop: ") for line in lines)
