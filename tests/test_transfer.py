"""Export and import: a learner's whole history through a file and into another database."""

import copy
import json
import sqlite3
import tracemalloc
from pathlib import Path

import pytest
from sqlalchemy import Boolean

from mltrack.formats.export_format import (
    LEARNER,
    SECTION_OF_TABLE,
    SECTIONS,
    SEEDED_ONLY,
    Ref,
    RowRef,
    column_of,
)
from mltrack.models import Base
from mltrack.services import importer
from mltrack.services import journal as journal_store
from mltrack.services.doctor import PROJECTIONS

DATA = Path(__file__).parent / "data"
OWN_TITLE = 'Kaggle\'s "Intro to ML"'
OWN_SLUG = "my.kaggle-s-intro-to-ml"
# Everything a note may hold: quotes, SQL, a newline and a tab, right-to-left text, emoji.
NOTE = 'it\'s "done"; DROP TABLE item; --\nline two\tred עברית \u200fmark \U0001f393'


@pytest.fixture
def history(seeded_db: Path, ok) -> Path:
    """Two learners' histories through the CLI, touching every table of learner data: notes,
    skips, undos, a certification passed (its item done by the same change), study time,
    reading, projects with areas, an own item with its own ordering."""
    ok("learner", "add", "alex")
    ok("start", "deep-learning", "--on", "2025-01-02")
    ok("done", "deep-learning", "--on", "2025-02-03", "--note", NOTE, "--evidence", "https://x.org")
    ok("skip", "mooc-edx", "--note", "not for me")
    ok("undo")
    ok("done", "python", "--on", "2025-01-05")
    ok("reset", "python")
    ok("log", "90m", "python", "--on", "2025-01-03", "--note", NOTE)
    ok("read", "Attention Is All You Need", "--kind", "paper", "--item", "deep-learning")
    ok("project", "add", "Churn model", "--dataset", "Telco churn", "--area", "statistics",
       "--area", "machine-learning")  # fmt: skip
    ok("cert", "goal", "stanford-ml", "--by", "2027-03-01")
    ok("cert", "enroll", "stanford-ml", "--cost", "49", "--currency", "USD")
    ok("cert", "pass", "stanford-ml", "--credential-id", "ABC-123")
    ok("cert", "goal", "ibm", "--by", "2027-01-01")
    ok("undo")  # a certification step undone
    ok("-L", "alex", "done", "probability")
    ok("-L", "alex", "start", "python")
    ok("-L", "alex", "undo")
    ok("-L", "alex", "add", OWN_TITLE, "--area", "machine-learning", "--hours", "12.5",
       "--after", "python")  # fmt: skip
    ok("-L", "alex", "start", OWN_SLUG, "--on", "2025-03-01")
    ok("-L", "alex", "project", "add", "Spam filter", "--dataset", "SMS spam", "--area",
       "machine-learning")  # fmt: skip
    ok("-L", "alex", "project", "done", "spam-filter")
    ok("-L", "alex", "target", "set", "2099-06-30")
    return seeded_db


def export_bytes(ok, path: Path, out: Path) -> bytes:
    ok("--db", str(path), "export", "-o", str(out))
    return out.read_bytes()


def test_export_import_export_is_byte_identical(
    history: Path, tmp_path: Path, ok, _seeded_template: Path
) -> None:
    first = export_bytes(ok, history, tmp_path / "first.json")
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(_seeded_template.read_bytes())

    result = ok("--db", str(fresh), "import", str(tmp_path / "first.json"))

    assert result.stdout == "imported learners: 2, items: 1, journal: 28\n"
    assert export_bytes(ok, fresh, tmp_path / "second.json") == first
    assert first.isascii()


def test_export_names_rows_by_natural_keys_and_links_undos_by_position(
    history: Path, tmp_path: Path, ok
) -> None:
    document = json.loads(export_bytes(ok, history, tmp_path / "out.json"))
    assert [document["format"], document["version"]] == ["mltrack-export", 2]
    assert list(document)[2:] == [section.name for section in SECTIONS]
    assert [(row["name"], row["target_date"]) for row in document["learners"]] == [
        ("alex", "2099-06-30"), ("me", None),
    ]  # fmt: skip
    [own] = document["items"]
    assert (own["slug"], own["learner"], own["step"], own["area"]) == (
        OWN_SLUG, "alex", "ml-training", "machine-learning",
    )  # fmt: skip
    plans = {e["subject"] for e in document["journal"] if e["kind"] == "plan"}
    assert plans == {"target", f"item:{OWN_SLUG}", f"after:{OWN_SLUG}:python"}
    areas = {e["subject"]: e["data"]["areas"] for e in document["journal"] if e["action"] == "add"}
    assert areas == {"spam-filter": ["machine-learning"],
                     "churn-model": ["statistics", "machine-learning"]}  # fmt: skip
    journal = document["journal"]
    by_uid = {entry["uid"]: entry for entry in journal}
    undos = [(entry, by_uid[entry["target"]]) for entry in journal if entry["action"] == "undo"]
    assert [(undo["learner"], undone["subject"], undone["action"]) for undo, undone in undos] == [
        ("me", "mooc-edx", "skip"), ("me", "ibm-ml-data-science", "goal"),
        ("alex", "python", "start"),
    ]  # fmt: skip
    [passed] = [entry for entry in journal if entry["action"] == "pass"]
    [linked] = [entry for entry in journal if entry["group"] == passed["uid"]]
    assert (linked["kind"], linked["action"], linked["subject"]) == (
        "status",
        "done",
        "stanford-ml",
    )
    assert passed["data"] == {"credential_id": "ABC-123"}
    noted = next(entry for entry in journal if entry["action"] == "done" and entry["data"])
    assert noted["data"] == {"note": NOTE, "evidence_url": "https://x.org"}
    assert [entry["recorded_at"] for entry in journal] == sorted(
        entry["recorded_at"] for entry in journal
    )
    fields = {key for section in SECTIONS for row in document[section.name] for key in row}
    foreign = {key.parent.name for table in Base.metadata.tables.values()
               for key in table.foreign_keys}  # fmt: skip
    assert not fields & (foreign | {"id"})  # no database ids: learner_id, item_id...


def test_an_imported_history_behaves_like_the_original(
    history: Path, tmp_path: Path, ok, rows, _seeded_template: Path
) -> None:
    ok("--db", str(history), "export", "-o", str(tmp_path / "out.json"))
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(_seeded_template.read_bytes())
    ok("--db", str(fresh), "import", str(tmp_path / "out.json"))

    for database in (history, fresh):
        assert ok("--db", str(database), "doctor").stdout.count("flagged") == 0
    undone = [ok("--db", str(database), "undo").stdout for database in (history, fresh)]
    assert undone[0] == undone[1]
    assert undone[0].startswith("undo: stanford-ml (done -> in_progress)")
    assert "undo: stanford-ml (passed -> enrolled)" in undone[0]
    for _ in range(2):  # the target date, then the project done with its linked item
        undone = [ok("--db", str(db), "-L", "alex", "undo").stdout for db in (history, fresh)]
        assert undone[0] == undone[1]
    assert "spam-filter" in undone[0]
    for database in (history, fresh):
        assert rows(database, "SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id "
                    "WHERE i.slug = ?", OWN_SLUG) == [("in_progress",)]  # fmt: skip
    assert rows(fresh, "SELECT note FROM progress WHERE note LIKE 'it%'") == [(NOTE,)]
    assert rows(fresh, "SELECT note FROM study_session") == [(NOTE,)]
    shown = ok("--db", str(fresh), "-L", "alex", "show", OWN_SLUG).stdout
    assert f"{OWN_TITLE} [{OWN_SLUG}]" in shown


def test_export_streams_rows_instead_of_holding_the_history(
    seeded_db: Path, tmp_path: Path, ok, history_file
) -> None:
    ok("import", str(history_file(10_000)))
    target = tmp_path / "export.json"

    tracemalloc.start()
    try:
        ok("export", "-o", str(target))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert target.stat().st_size > 2_000_000
    assert peak < target.stat().st_size / 4


def test_export_to_stdout_is_the_same_file(history: Path, tmp_path: Path, ok) -> None:
    assert ok("export").stdout.encode() == export_bytes(ok, history, tmp_path / "out.json")
    assert not list(tmp_path.glob(".*.tmp"))


# Import: checked first, all or nothing, errors naming the record.


@pytest.fixture
def exported(history: Path, tmp_path: Path, ok) -> dict:
    return json.loads(export_bytes(ok, history, tmp_path / "good.json"))


class UidOf(int):
    """As a value in ``BAD_VALUES``: the uid of the journal entry at this position."""


def set_value(document: dict, path: str, value: object) -> dict:
    """A copy of ``document`` with the value at ``journal[0].action``-style ``path`` set
    (``...`` deletes it)."""
    changed = copy.deepcopy(document)
    section, _, rest = path.partition("[")
    index, _, field = rest.partition("].")
    record = changed[section][int(index)]
    if isinstance(value, UidOf):
        value = document["journal"][value]["uid"]
    if value is ...:
        del record[field]
    else:
        record[field] = value
    return changed


# Positions in the history fixture's journal (recording order): 0-1 start and done
# deep-learning, 2-3 skip mooc-edx and its undo, 4-5 done and reset python, 6 study, 7 reading,
# 8-9 project add (+ its linked start), 10-14 cert goal, enroll (+ start), pass (+ done)
# stanford-ml, 15-16 cert goal ibm and its undo; alex: 17 done probability, 18-19 start
# python and its undo, 20 own item, 21 its ordering after python, 22 start it, 23-26 a
# project added and done (+ linked start, done), 27 target date.
BAD_VALUES = [
    # Values a column or the entry's shape refuses.
    ("journal[1].action", "finish", "journal[1].action: 'finish' is not a journal action"),
    ("journal[1].action", "pass",
     "journal[1].action: 'pass' is not an action of status entries; expected one of amend, "
     "done, reset, skip, start, undo"),
    ("journal[0].kind", "progress",
     "journal[0].kind: 'progress' is not one of status, cert, study, reading, project, plan"),
    ("journal[4].on_date", "2025-1-05", "journal[4].on_date: '2025-1-05' is not a YYYY-MM-DD date"),
    ("journal[4].on_date", "2025-02-30",
     "journal[4].on_date: '2025-02-30' is not a YYYY-MM-DD date"),
    ("journal[4].on_date", "20250105", "journal[4].on_date: '20250105' is not a YYYY-MM-DD date"),
    ("journal[0].recorded_at", "2025-01-02T10:00:00",
     "journal[0].recorded_at: '2025-01-02T10:00:00' is not an ISO 8601 timestamp with a UTC"),
    ("journal[7].recorded_at", "2999-01-01T00:00:00+00:00",
     "journal[7].recorded_at: 2999-01-01T00:00:00+00:00 is in the future"),
    ("journal[0].uid", "not-a-uuid", "journal[0].uid: 'not-a-uuid' is not a UUID"),
    ("journal[0].uid", "z" * 36, f"journal[0].uid: {'z' * 36!r} is not a UUID"),
    ("journal[5].uid", UidOf(4), "journal[5].uid: {uid[4]} is the uid of an earlier entry"),
    ("journal[0].item", "pyhton", "journal[0].item: item 'pyhton' not found"),
    ("journal[2].learner", "zoe", "journal[2].learner: no learner 'zoe' in the file's learners"),
    ("journal[0].colour", "blue", "journal[0].colour: unknown field; expected uid, learner,"),
    ("journal[0].action", ..., "journal[0].action: missing"),
    ("journal[0].action", None, "journal[0].action: missing"),
    ("journal[0].subject", "python",
     "journal[0].subject: a status entry is about its item ('deep-learning'), not 'python'"),
    ("journal[0].data", [], "journal[0].data: expected an object, got []"),
    ("journal[6].data", {"minutes": "90"},
     "journal[6].data: minutes: expected a whole number from 1 to 1,440, got '90'"),
    ("journal[6].data", {"minutes": 90, "colour": "blue"},
     "journal[6].data: 'colour' is not a value of study log; expected minutes, note"),
    ("journal[10].data", {}, "journal[10].data: target_date: missing"),
    ("journal[2].data", {"note": "red \x1b[31m"},
     "journal[2].data: note cannot contain control characters other than tab and newline"),
    ("journal[11].data", {"cost_cents": 10**10, "currency": "USD"},
     "journal[11].data: cost_cents: expected a whole number from 0 to 1,000,000,000"),
    ("journal[8].data", {"name": "x"}, "journal[8].data: dataset: missing"),
    ("journal[27].data", {"target_date": "soon"},
     "journal[27].data: target_date: expected a YYYY-MM-DD date up to 2999, got 'soon'"),
    # Targets and groups: an earlier entry of the same learner, about the same subject.
    ("journal[19].target", UidOf(0),
     "journal[19].target: {uid[0]} is not an earlier entry of learner 'alex'"),
    ("journal[3].target", UidOf(4),
     "journal[3].target: {uid[4]} is not an earlier entry of learner 'me'"),
    ("journal[12].group", UidOf(13),
     "journal[12].group: {uid[13]} is not an earlier entry of learner 'me'"),
    ("journal[3].target", UidOf(1),
     "journal[3].target: {uid[1]} is an entry about status deep-learning, not status mooc-edx"),
    ("journal[3].target", None, "journal[3].target: an undo names the entry it acts on"),
    ("journal[5].target", UidOf(4),
     "journal[5].target: only an undo or amend names a target, not reset"),
    # Orderings: an item after itself.
    ("journal[21].subject", f"after:{OWN_SLUG}:{OWN_SLUG}",
     f"journal[21].subject: {OWN_SLUG} cannot come after itself"),
    # Journals whose replay breaks a rule core.journal enforces.
    ("journal[1].action", "start", "journal[1].action: deep-learning is already in progress"),
    ("journal[25].on_date", "2020-01-01", "journal[25].action: there is no project 'spam-filter'"),
    ("journal[13].data", {"credential_id": "ABC-123", "expires_on": "2020-01-01"},
     "journal[13].action: the expiry date 2020-01-01 must come after the pass"),
    # The learners and own items: columns of their tables.
    ("learners[0].target_date", "2027-02-30",
     "learners[0].target_date: '2027-02-30' is not a YYYY-MM-DD date"),
    ("learners[0].target_date", "20270201",
     "learners[0].target_date: '20270201' is not a YYYY-MM-DD date"),
    ("learners[1].name", "bad\x07name",
     "learners[1].name: a learner name cannot contain control or invisible format characters"),
    ("learners[0].created_at", "last tuesday",
     "learners[0].created_at: 'last tuesday' is not an ISO 8601 timestamp with a UTC offset"),
    ("items[0].hours_estimate", "12", "items[0].hours_estimate: expected a number, got '12'"),
    ("items[0].required", 1, "items[0].required: expected true or false, got 1"),
    ("items[0].step", "no-such-step", "items[0].step: step 'no-such-step' not found"),
    ("items[0].colour", "blue", "items[0].colour: unknown field; expected slug, learner,"),
]  # fmt: skip


@pytest.mark.parametrize("path, value, message", BAD_VALUES)
def test_a_bad_value_is_named_by_its_path_and_changes_nothing(
    exported: dict, history: Path, tmp_path: Path, run, dump,
    path: str, value: object, message: str,
) -> None:  # fmt: skip
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(set_value(exported, path, value)))
    before = dump(history)

    # --replace: the learners' old data would be deleted first if checks came late.
    result = run("import", "--replace", str(bad))

    assert result.exit_code == 2, result.output
    expected = message.format(uid=[entry["uid"] for entry in exported["journal"]])
    assert result.stderr.startswith(f"Error: {expected}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert dump(history) == before


def refused(exported: dict, history: Path, tmp_path: Path, run, dump) -> str:
    """Import ``exported`` with --replace: it must be refused in one line, nothing changed;
    the line."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(exported))
    before = dump(history)
    result = run("import", "--replace", str(bad))
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1
    assert dump(history) == before
    return result.stderr


def test_orderings_that_loop_are_refused_at_the_entry_that_closes_the_loop(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    ordering = exported["journal"][21]
    closing = dict(ordering, uid=ordering["uid"][:-4] + "ffff",
                   subject=f"after:python:{OWN_SLUG}", item="python")  # fmt: skip
    exported["journal"].append(closing)
    assert refused(exported, history, tmp_path, run, dump) == (
        f"Error: journal[28].subject: these orderings make a loop: python -> {OWN_SLUG} -> python\n"
    )


# Regression tests of the journal issue: import accepted what the CLI refuses.


def test_import_refuses_an_undo_that_points_at_another_items_entry(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    """The undo of the mooc-edx skip made to name the python done instead: with the old
    tables, the file imported and the next undo of the learner put python back."""
    journal = exported["journal"]
    journal[3]["target"] = journal[4]["uid"]  # a later entry: refused as not earlier
    assert "is not an earlier entry" in refused(exported, history, tmp_path, run, dump)
    journal[3]["target"] = journal[0]["uid"]  # an earlier one, of deep-learning
    assert refused(exported, history, tmp_path, run, dump) == (
        f"Error: journal[3].target: {journal[0]['uid']} is an entry about status "
        "deep-learning, not status mooc-edx\n"
    )
    assert undone_subjects(history) == [("mooc-edx",)]  # the database keeps its own undo


def undone_subjects(path: Path) -> list[tuple]:
    """The subjects of the status undos of ``me`` in the database at ``path``."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute(
            "SELECT subject FROM journal WHERE action = 'undo' AND kind = 'status' "
            "AND learner_id = (SELECT id FROM learner WHERE name = 'me')"
        ).fetchall()
    finally:
        connection.close()


def test_import_refuses_learner_orderings_that_loop(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    """Two orderings each putting one item after the other: the CLI's ``require`` refuses
    the second; so does import, naming it."""
    journal = exported["journal"]
    first = dict(journal[21], uid=journal[21]["uid"][:-4] + "aaaa",
                 subject="after:deep-learning:python", item="deep-learning")  # fmt: skip
    second = dict(first, uid=journal[21]["uid"][:-4] + "bbbb",
                  subject="after:python:deep-learning", item="python")  # fmt: skip
    journal += [first, second]
    assert refused(exported, history, tmp_path, run, dump) == (
        "Error: journal[29].subject: these orderings make a loop: "
        "deep-learning -> python -> deep-learning\n"
    )


def test_import_refuses_a_reading_entry_stamped_2999(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    """``read --on 2999-01-01`` is refused as in the future; a file saying it is too."""
    journal = exported["journal"]
    assert journal[7]["kind"] == "reading"
    journal[7]["on_date"] = "2999-01-01"
    assert refused(exported, history, tmp_path, run, dump).startswith(
        "Error: journal[7].on_date: 2999-01-01 is after the entry was recorded"
    )
    journal[7]["on_date"] = "9999-01-01"
    assert refused(exported, history, tmp_path, run, dump) == (
        "Error: journal[7].on_date: '9999-01-01' is not a YYYY-MM-DD date up to 2999\n"
    )


def test_a_format_1_status_that_contradicts_its_events_is_rebuilt_from_them(
    seeded_db: Path, tmp_path: Path, ok, rows
) -> None:
    """Format 1 held both the events and the status; a file whose progress row said done
    while its events only started the item imported the contradiction. Now the status is
    the journal's projection: rebuilt from the events, it cannot contradict them."""
    document = json.loads((DATA / "export-format-1.json").read_text())
    [row] = [
        p for p in document["progress"] if (p["learner"], p["item"]) == ("me", "deep-learning")
    ]
    assert row["status"] == "in_progress"
    row.update(status="done", finished_on="2026-03-01")
    file = tmp_path / "contradicting.json"
    file.write_text(json.dumps(document))

    ok("import", str(file))

    status = """SELECT p.status, p.finished_on FROM progress p JOIN item i ON i.id = p.item_id
                JOIN learner l ON l.id = p.learner_id
                WHERE l.name = 'me' AND i.slug = 'deep-learning'"""
    assert rows(seeded_db, status) == [("in_progress", None)]
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_a_format_1_file_keeps_and_flags_entries_that_break_todays_rules(
    seeded_db: Path, tmp_path: Path, ok, run, rows
) -> None:
    """An old mltrack let python be started again once done; the file imports, that start
    is kept with a flag, left out of the projections, and doctor lists it."""
    document = json.loads((DATA / "export-format-1.json").read_text())
    done = next(e for e in document["progress_events"]
                if (e["learner"], e["item"], e["action"]) == ("me", "python", "done"))  # fmt: skip
    document["progress_events"].append(dict(
        done, action="start", occurred_at="2026-11-29T23:00:00+00:00", on_date="2026-11-29",
        from_status="done", to_status="in_progress", note="again", prior=None, undoes=None,
        cert_event=None,
    ))  # fmt: skip
    file = tmp_path / "old.json"
    file.write_text(json.dumps(document))

    assert ok("import", str(file)).stdout == "imported learners: 2, items: 2, journal: 40\n"

    flagged = rows(seeded_db, "SELECT action, subject, flag FROM journal WHERE flag IS NOT NULL")
    assert flagged == [("start", "python", "python is done (on 2026-02-01); reset it first to "
                        "take it up again")]  # fmt: skip
    status = """SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id
                JOIN learner l ON l.id = p.learner_id WHERE l.name = 'me' AND i.slug = 'python'"""
    assert rows(seeded_db, status) == [("done",)]
    doctor = run("doctor").stdout
    assert "start of python" in doctor and "reset it first to take it up again" in doctor


@pytest.mark.parametrize(
    "document, message",
    [
        ([], 'not an mltrack export (no "format": "mltrack-export")'),
        ({"format": "mltrack-export", "version": 3},
         "version: 3 is newer than this mltrack reads (2); upgrade mltrack"),
        ({"format": "mltrack-export", "version": "2"}, "version: expected a whole number"),
        ({"format": "mltrack-export", "version": 0}, "version: expected a whole number"),
        ({"format": "mltrack-export", "version": 2, "progress": []},
         "progress: unknown section; expected learners, items, journal"),
        ({"format": "mltrack-export", "version": 1, "goals": []}, "goals: unknown section"),
        ({"format": "mltrack-export", "version": 2, "journal": {}}, "journal: expected a list"),
        ({"format": "mltrack-export", "version": 2, "journal": [3]},
         "journal[0]: expected an object"),
        ({"format": "mltrack-export", "version": 1, "progress": [3]},
         "progress[0]: expected an object"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_an_export_is_refused(
    seeded_db: Path, tmp_path: Path, run, dump, document: object, message: str
) -> None:
    file = tmp_path / "x.json"
    file.write_text(json.dumps(document))
    before = dump(seeded_db)
    result = run("import", str(file))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert dump(seeded_db) == before


def test_not_json_is_refused(seeded_db: Path, tmp_path: Path, run) -> None:
    file = tmp_path / "x.json"
    file.write_text('{"format": "mltrack-export",')
    result = run("import", str(file))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {file} is not valid JSON (Expecting")


@pytest.mark.parametrize(
    "section, index, message",
    [
        ("journal", 4, "journal[28].uid: {uid} is the uid of an earlier entry"),
        ("items", 0, "items[1]: same slug as items[0]"),
        ("learners", 1, "learners[2]: same name as learners[1]"),
    ],
)
def test_a_duplicate_row_is_refused(
    exported: dict, history: Path, tmp_path: Path, run, dump, section: str, index: int,
    message: str,
) -> None:  # fmt: skip
    row = exported[section][index]
    exported[section].append(dict(row))
    expected = message.format(uid=row.get("uid"))
    assert refused(exported, history, tmp_path, run, dump) == f"Error: {expected}\n"


def test_another_learners_own_item_cannot_be_named(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    journal = exported["journal"]
    assert (journal[0]["learner"], journal[22]["learner"]) == ("me", "alex")
    journal[0].update(item=OWN_SLUG, subject=OWN_SLUG)  # alex's own item, in me's journal
    assert refused(exported, history, tmp_path, run, dump) == (
        f"Error: journal[0].item: item {OWN_SLUG!r} belongs to learner 'alex'\n"
    )


def test_an_ordering_cannot_name_another_learners_own_item(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    ordering = exported["journal"][21]
    exported["journal"].append(dict(ordering, uid=ordering["uid"][:-4] + "ffff",
                                    learner="me", subject=f"after:python:{OWN_SLUG}",
                                    item="python"))  # fmt: skip
    assert refused(exported, history, tmp_path, run, dump) == (
        f"Error: journal[28].subject: item {OWN_SLUG!r} belongs to learner 'alex'\n"
    )


# Conflicts with what the database holds.


def test_a_learner_with_data_is_not_overwritten_without_replace(
    exported: dict, history: Path, tmp_path: Path, run, dump
) -> None:
    file = tmp_path / "x.json"
    file.write_text(json.dumps(exported))
    before = dump(history)
    result = run("import", str(file))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: learners[0]: learner 'alex' already has data in the database; "
        "import with --replace to replace it with the file's\n"
    )
    assert dump(history) == before


def test_replace_swaps_only_the_named_learners_data(
    exported: dict, history: Path, tmp_path: Path, ok, rows
) -> None:
    ok("learner", "add", "sam")
    ok("-L", "sam", "done", "python")
    ok("-L", "alex", "done", "bias")  # after the export: replaced by the file's history
    only_alex = {
        "format": "mltrack-export", "version": 2, "learners": exported["learners"][:1],
        "items": exported["items"],
        "journal": [entry for entry in exported["journal"] if entry["learner"] == "alex"],
    }  # fmt: skip
    assert only_alex["learners"][0]["name"] == "alex"
    file = tmp_path / "alex.json"
    file.write_text(json.dumps(only_alex))

    result = ok("import", "--replace", str(file))

    assert result.stdout.endswith("replaced the data of: 'alex'\n")
    progress = """SELECT l.name, i.slug, p.status FROM progress p
                  JOIN learner l ON l.id = p.learner_id JOIN item i ON i.id = p.item_id
                  ORDER BY l.name, i.slug"""
    assert rows(history, progress) == [
        ("alex", OWN_SLUG, "in_progress"), ("alex", "portfolio-real-data", "done"),
        ("alex", "probability", "done"),
        ("me", "deep-learning", "done"), ("me", "portfolio-real-data", "in_progress"),
        ("me", "python", "planned"), ("me", "stanford-ml", "done"), ("sam", "python", "done"),
    ]  # fmt: skip
    assert rows(history, "SELECT COUNT(*) FROM item WHERE learner_id IS NOT NULL") == [(1,)]
    areas = """SELECT p.slug, a.slug FROM project_area pa JOIN project p ON p.id = pa.project_id
               JOIN area a ON a.id = pa.area_id ORDER BY 1, 2"""
    assert rows(history, areas) == [("churn-model", "machine-learning"),
                                    ("churn-model", "statistics"),
                                    ("spam-filter", "machine-learning")]  # fmt: skip
    journal = """SELECT l.name, COUNT(*) FROM journal j JOIN learner l ON l.id = j.learner_id
                 GROUP BY l.name ORDER BY l.name"""
    assert rows(history, journal) == [("alex", 11), ("me", 17), ("sam", 1)]
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_an_own_item_cannot_take_a_slug_the_database_has(
    exported: dict, seeded_db: Path, tmp_path: Path, _seeded_template: Path, run
) -> None:
    exported = {"format": "mltrack-export", "version": 2, "learners": exported["learners"],
                "items": [dict(exported["items"][0], slug="python")]}  # fmt: skip
    file = tmp_path / "x.json"
    file.write_text(json.dumps(exported))
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(_seeded_template.read_bytes())
    result = run("--db", str(fresh), "import", str(file))
    assert result.exit_code == 1
    assert result.stderr == "Error: items[0].slug: item 'python' already exists in the database\n"


def test_a_failure_inside_the_transaction_rolls_everything_back(
    exported: dict, history: Path, tmp_path: Path, run, dump, monkeypatch
) -> None:
    """Past every check, while writing: the deletes and inserts done so far are undone."""

    def fail_midway(store, learner_id):  # once the journal is written, before projections
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(importer, "rebuild", fail_midway)
    file = tmp_path / "x.json"
    file.write_text(json.dumps(exported))
    before = dump(history)
    with pytest.raises(RuntimeError, match="the disk went away"):
        run("import", "--replace", str(file))
    assert dump(history) == before


# The declarative description stays in step with the models.


def test_every_section_writes_every_column_once() -> None:
    for section in SECTIONS:
        table = Base.metadata.tables[section.table]
        columns = set(table.c.keys()) - SEEDED_ONLY.get(section.table, set())
        written = [column_of(field) for field in section.fields]
        assert len(written) == len(set(written)), section.name
        assert set(written) | ({"id"} & columns) == columns, section.name
        booleans = {c.name for c in table.c if isinstance(c.type, Boolean) and c.name in columns}
        assert set(section.flags) == booleans, section.name
        assert set(section.key) <= set(section.field_names()), section.name


def test_every_table_of_learner_data_has_a_section_or_is_a_projection() -> None:
    """A table that points at a learner or at rows of learner data is learner data: export
    must write it and import --replace delete it, or it is a projection of the journal, which
    doctor compares with the replay and rebuild clears and writes again. (Items are partly
    pathway data: a table pointing only at items, such as the seed's prerequisites, need not
    be.)"""
    projections = {projection.name for projection in PROJECTIONS}
    learner_data = ({"learner"} | set(SECTION_OF_TABLE) | projections) - {"item"}
    for name, table in Base.metadata.tables.items():
        targets = {key.column.table.name for key in table.foreign_keys}
        if not targets & learner_data or name in SECTION_OF_TABLE:
            continue
        assert name in projections, f"{name} is neither a section nor a projection"
        cleared = f"DELETE FROM {name} WHERE"
        assert any(sql.startswith(cleared) for sql in journal_store._CLEAR_SQL), name
        assert any(sql.startswith(cleared) for sql in importer._PROJECTIONS_SQL), name


def test_sections_refer_only_to_earlier_sections() -> None:
    """Or, for the journal, to earlier rows of its own (an undo's target, a group), by uid."""
    position = {section.name: index for index, section in enumerate(SECTIONS)}
    for index, section in enumerate(SECTIONS):
        for field in section.fields:
            if isinstance(field, Ref) and field.table == section.table:
                assert (field.key,) == section.key, field
            elif isinstance(field, Ref) and field.table in SECTION_OF_TABLE:
                assert position[SECTION_OF_TABLE[field.table].name] < index, field
            if isinstance(field, RowRef):
                assert position[field.section] <= index, field
        if section.owner is not None:  # the learner, or a row that belongs to one
            owner = section.field(section.owner)
            assert owner == LEARNER or isinstance(owner, RowRef), section.name
            # A key that leaves the owner out is checked against the database by owner column.
            assert section.owner in section.key or owner == LEARNER or not section.key


def test_rows_are_ordered_by_something_unique() -> None:
    for section in SECTIONS:
        assert set(section.key) <= set(section.order) or "id" in section.order, section.name


def test_foreign_keys_of_sections_are_all_translated() -> None:
    for section in SECTIONS:
        table = Base.metadata.tables[section.table]
        references = {column_of(f) for f in section.fields if not isinstance(f, str)}
        foreign = {fk.parent.name for fk in table.foreign_keys}
        assert foreign - SEEDED_ONLY.get(section.table, set()) == references, section.name
