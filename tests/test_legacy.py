"""Old data into the journal: migration 0007 on a database an old mltrack made, and export
files of format 1 imported; format-2 files refused when their journals do not replay."""

import json
import shutil
from pathlib import Path

from alembic import command

from mltrack.services.migrate import alembic_config, check_foreign_keys
from mltrack.store.orm import make_engine

DATA = Path(__file__).parent / "data"
PROGRESS = "SELECT learner_id, item_id, status, started_on, finished_on, note, evidence_url " \
    "FROM progress ORDER BY 1, 2"  # fmt: skip


def migrate(path: Path, direction: str, revision: str) -> None:
    engine = make_engine(path, foreign_keys=False)
    with engine.begin() as connection:
        getattr(command, direction)(alembic_config(connection), revision)
        check_foreign_keys(connection.connection.driver_connection)  # type: ignore[arg-type]
    engine.dispose()


def test_revision_0001_upgrades_with_every_event_kept(tmp_path: Path, rows) -> None:
    path = tmp_path / "old.db"
    shutil.copy(DATA / "revision-0001.sqlite", path)
    events = rows(path, "SELECT action, on_date, note FROM progress_event ORDER BY id")
    progress = rows(path, PROGRESS)

    migrate(path, "upgrade", "head")

    entries = rows(path, "SELECT action, on_date, data, flag FROM journal ORDER BY id")
    assert [(a, d, json.loads(data).get("note")) for a, d, data, _ in entries] == events
    assert all(flag is None for *_, flag in entries)
    assert rows(path, PROGRESS) == progress
    undo = rows(path, "SELECT target_id FROM journal WHERE action = 'undo'")
    assert undo == [(6,)]


def test_a_database_at_0005_goes_up_and_down_unchanged(tmp_path: Path, rows) -> None:
    path = tmp_path / "f1.db"
    shutil.copy(DATA / "revision-0001.sqlite", path)
    migrate(path, "upgrade", "0005_cert_undo")
    tables = ("progress_event", "cert_event", "cert_undo", "progress", "cert_goal",
              "study_session", "reading_entry")  # fmt: skip
    before = {table: rows(path, f"SELECT * FROM {table} ORDER BY 1, 2") for table in tables}
    migrate(path, "upgrade", "head")
    migrate(path, "downgrade", "0005_cert_undo")
    after = {table: rows(path, f"SELECT * FROM {table} ORDER BY 1, 2") for table in tables}
    strip = {"progress": 7, "cert_goal": 10}  # updated_at is rewritten by the rebuild
    for table in tables:
        cut = strip.get(table)
        assert [r[:cut] for r in after[table]] == [r[:cut] for r in before[table]], table


def test_a_format_1_file_imports_as_journal_entries(seeded_db: Path, tmp_path: Path, ok, rows):
    result = ok("import", str(DATA / "export-format-1.json"))
    assert result.stdout == "imported learners: 2, items: 2, journal: 39\n"
    document = json.loads((DATA / "export-format-1.json").read_text())
    events = len(document["progress_events"]) + len(document["cert_events"])
    events += len(document["cert_undos"]) + len(document["study_sessions"])
    events += len(document["reading"])
    counted = rows(seeded_db, "SELECT COUNT(*) FROM journal WHERE kind NOT IN "
                   "('plan', 'project')")  # fmt: skip
    assert counted == [(events,)]
    assert rows(seeded_db, "SELECT action, subject FROM journal WHERE flag IS NOT NULL") == []
    goals = {(g["learner"], g["item"], g["status"], g["target_date"], g["expires_on"],
              g["credential_id"], g["attempts"]) for g in document["cert_goals"]}  # fmt: skip
    assert set(rows(seeded_db, "SELECT l.name, i.slug, g.status, g.target_date, g.expires_on, "
                    "g.credential_id, g.attempts FROM cert_goal g JOIN learner l ON "
                    "l.id = g.learner_id JOIN item i ON i.id = g.item_id")) == goals  # fmt: skip
    expected = {(p["learner"], p["item"], p["status"], p["note"], p["evidence_url"])
                for p in document["progress"]}  # fmt: skip
    found = rows(seeded_db, "SELECT l.name, i.slug, p.status, p.note, p.evidence_url FROM "
                 "progress p JOIN learner l ON l.id = p.learner_id "
                 "JOIN item i ON i.id = p.item_id")  # fmt: skip
    assert set(found) == expected
    first = tmp_path / "a.json"
    ok("export", "-o", str(first))
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "import", str(first))
    ok("--db", str(fresh), "export", "-o", str(tmp_path / "b.json"))
    assert (tmp_path / "b.json").read_bytes() == first.read_bytes()


def test_a_format_2_journal_that_does_not_replay_is_refused(
    seeded_db: Path, tmp_path: Path, ok, run, dump
) -> None:
    ok("import", str(DATA / "export-format-1.json"))
    document = json.loads(ok("export").stdout)
    wanted = ("me", "python", "done")
    [index] = [i for i, e in enumerate(document["journal"])
               if (e["learner"], e["subject"], e["action"]) == wanted]  # fmt: skip
    document["journal"][index]["action"] = "start"  # started twice: no mltrack wrote that
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "progress")
    before = dump(fresh)
    result = run("--db", str(fresh), "import", str(bad))
    assert result.exit_code == 2
    assert f"journal[{index}].action: python is already in progress" in result.output
    assert dump(fresh) == before


def test_orderings_that_loop_are_refused(seeded_db: Path, tmp_path: Path, ok, run) -> None:
    ok("require", "deep-learning", "--after", "python")
    document = json.loads(ok("export").stdout)
    [entry] = [e for e in document["journal"] if e["subject"].startswith("after:")]
    loop = {**entry, "uid": entry["uid"][:-4] + "ffff", "subject": "after:python:deep-learning",
            "item": "python"}  # fmt: skip
    document["journal"].append(loop)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = run("--db", str(tmp_path / "fresh.db"), "import", str(bad))
    assert result.exit_code == 2
    assert "subject: these orderings make a loop" in result.output
