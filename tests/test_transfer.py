"""Export and import: a learner's whole history through a file and into another database."""

import copy
import json
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
    ok("cert", "enroll", "stanford-ml", "--on", "2025-03-01", "--cost", "49", "--currency", "USD")
    ok("cert", "pass", "stanford-ml", "--on", "2025-04-01", "--credential-id", "ABC-123")
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
    ok("-L", "alex", "project", "done", "spam-filter", "--on", "2025-05-01")
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

    assert result.stdout == (
        "imported learners: 2, items: 1, learner prerequisites: 1, progress: 5, cert goals: 1, "
        "cert events: 4, cert undos: 1, progress events: 11, study sessions: 1, projects: 2, "
        "project areas: 3, reading: 1\n"
    )
    assert export_bytes(ok, fresh, tmp_path / "second.json") == first
    assert first.isascii()


def test_export_names_rows_by_natural_keys_and_links_undos_by_position(
    history: Path, tmp_path: Path, ok
) -> None:
    document = json.loads(export_bytes(ok, history, tmp_path / "out.json"))
    assert [document["format"], document["version"]] == ["mltrack-export", 1]
    assert list(document)[2:] == [section.name for section in SECTIONS]
    assert [(row["name"], row["target_date"]) for row in document["learners"]] == [
        ("alex", "2099-06-30"), ("me", None),
    ]  # fmt: skip
    [own] = document["items"]
    assert (own["slug"], own["learner"], own["step"], own["area"]) == (
        OWN_SLUG, "alex", "ml-training", "machine-learning",
    )  # fmt: skip
    assert document["learner_prerequisites"] == [
        {"learner": "alex", "item": OWN_SLUG, "requires": "python"}
    ]
    areas = {project["slug"]: [] for project in document["projects"]}
    for row in document["project_areas"]:
        areas[document["projects"][row["project"]]["slug"]].append(row["area"])
    assert areas == {"spam-filter": ["machine-learning"],
                     "churn-model": ["machine-learning", "statistics"]}  # fmt: skip
    events = document["progress_events"]
    undos = [(event, events[event["undoes"]]) for event in events if event["undoes"] is not None]
    assert [(undo["learner"], undone["item"], undone["action"]) for undo, undone in undos] == [
        ("alex", "python", "start"), ("me", "mooc-edx", "skip"),
    ]  # fmt: skip
    for undo, undone in undos:
        assert (undo["from_status"], undo["to_status"]) == (
            undone["to_status"],
            undone["from_status"],
        )
    [passed] = [event for event in events if event["cert_event"] is not None]
    cause = document["cert_events"][passed["cert_event"]]
    assert (cause["action"], cause["item"], passed["item"]) == (
        "pass",
        "stanford-ml",
        "stanford-ml",
    )
    noted = next(event for event in events if event["action"] == "done" and event["note"])
    assert noted["note"] == NOTE
    assert noted["prior"] == {"status": "in_progress", "started_on": "2025-01-02",
                              "finished_on": None, "note": None, "evidence_url": None}  # fmt: skip
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
        assert ok("--db", str(database), "undo").stdout == (
            "undo: stanford-ml (done -> planned); certification goal back to enrolled\n"
        )
        assert ok("--db", str(database), "-L", "alex", "undo").stdout == (
            f"undo: {OWN_SLUG} (in_progress -> planned)\n"
        )
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


def set_value(document: dict, path: str, value: object) -> dict:
    """A copy of ``document`` with the value at ``progress[0].status``-style ``path`` set
    (``...`` deletes it)."""
    changed = copy.deepcopy(document)
    section, _, rest = path.partition("[")
    index, _, field = rest.partition("].")
    record = changed[section][int(index)]
    if value is ...:
        del record[field]
    else:
        record[field] = value
    return changed


BAD_VALUES = [
    ("progress[1].status", "finished",
     "progress[1].status: 'finished' is not one of planned, in_progress, done, skipped"),
    ("progress[0].item", "pyhton",
     "progress[0].item: item 'pyhton' not found; did you mean: python"),
    ("progress_events[3].item", "no-such-item",
     "progress_events[3].item: item 'no-such-item' not found"),
    ("progress[2].learner", "zoe", "progress[2].learner: learner 'zoe' not found"),
    ("learners[0].target_date", "2027-02-30",
     "learners[0].target_date: '2027-02-30' is not a YYYY-MM-DD date"),
    ("learners[0].target_date", "20270201",
     "learners[0].target_date: '20270201' is not a YYYY-MM-DD date"),
    ("learners[1].name", "bad\x07name",
     "learners[1].name: a learner name cannot contain control or invisible format characters"),
    ("progress[0].colour", "blue", "progress[0].colour: unknown field; expected learner, item,"),
    ("progress[0].status", ..., "progress[0].status: missing"),
    ("progress[0].status", None, "progress[0].status: must not be null"),
    ("items[0].hours_estimate", "12", "items[0].hours_estimate: expected a number, got '12'"),
    ("items[0].required", 1, "items[0].required: expected true or false, got 1"),
    ("progress_events[2].undoes", 7,
     "progress_events[2].undoes: 7 is not the position of an earlier progress_events row"),
    ("progress_events[9].undoes", 0,
     "progress_events[9].undoes: progress_events[0] belongs to another learner"),
    ("progress_events[4].prior", {"status": "gone"},
     "progress_events[4].prior: expected null or an object with keys status, started_on,"),
    ("progress_events[4].prior", {"status": "x", "started_on": None, "finished_on": None,
                                  "note": None, "evidence_url": None},
     "progress_events[4].prior: status: 'x' is not one of planned"),
    # Let in, the null status would make the next ``undo`` crash restoring it.
    ("progress_events[4].prior", {"status": None, "started_on": None, "finished_on": None,
                                  "note": None, "evidence_url": None},
     "progress_events[4].prior: status must not be null"),
    ("learner_prerequisites[0].item", "python",
     "learner_prerequisites[0]: CHECK constraint failed: ck_learner_prerequisite_not_self"),
    ("learners[0].created_at", "last tuesday",
     "learners[0].created_at: 'last tuesday' is not an ISO 8601 timestamp with a UTC offset"),
    ("progress_events[0].occurred_at", "2025-01-02T10:00:00",
     "progress_events[0].occurred_at: '2025-01-02T10:00:00' is not an ISO 8601 timestamp"),
    ("study_sessions[0].week_start", "1999-01-01",
     "study_sessions[0].week_start: 1999-01-01 is not a Monday"),
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
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert dump(history) == before


@pytest.mark.parametrize(
    "document, message",
    [
        ([], 'not an mltrack export (no "format": "mltrack-export")'),
        ({"format": "mltrack-export", "version": 2}, "version: 2 is newer than this mltrack"),
        ({"format": "mltrack-export", "version": "1"}, "version: expected a whole number"),
        ({"format": "mltrack-export", "version": 1, "goals": []}, "goals: unknown section"),
        ({"format": "mltrack-export", "version": 1, "progress": {}}, "progress: expected a list"),
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


def test_a_duplicate_row_is_refused(exported: dict, tmp_path: Path, run) -> None:
    exported["progress"].append(dict(exported["progress"][0], status="done"))
    file = tmp_path / "dup.json"
    file.write_text(json.dumps(exported))
    result = run("import", "--replace", str(file))
    assert result.exit_code == 2
    assert result.stderr == "Error: progress[5]: same learner, item as progress[0]\n"


def test_another_learners_own_item_cannot_be_named(exported: dict, tmp_path: Path, run) -> None:
    exported["progress"][0]["learner"] = "me"  # alex's own item, in me's progress
    file = tmp_path / "x.json"
    file.write_text(json.dumps(exported))
    result = run("import", "--replace", str(file))
    assert result.stderr == (
        f"Error: progress[0].item: item {OWN_SLUG!r} belongs to learner 'alex'\n"
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
    only_alex = {name: [row for row in rows if row.get("learner", "alex") == "alex"]
                 for name, rows in exported.items() if isinstance(rows, list)}  # fmt: skip
    only_alex.update(format="mltrack-export", version=1, learners=exported["learners"][:1])
    # alex's rows come first in every section, so positions ("undoes", "project") stay right.
    only_alex["project_areas"] = [row for row in exported["project_areas"] if row["project"] == 0]
    file = tmp_path / "alex.json"
    file.write_text(json.dumps(only_alex))

    result = ok("import", "--replace", str(file))

    assert result.stdout.endswith("replaced the data of: 'alex'\n")
    progress = """SELECT l.name, i.slug, p.status FROM progress p
                  JOIN learner l ON l.id = p.learner_id JOIN item i ON i.id = p.item_id
                  ORDER BY l.name, i.slug"""
    assert rows(history, progress) == [
        ("alex", OWN_SLUG, "in_progress"), ("alex", "probability", "done"),
        ("me", "deep-learning", "done"), ("me", "python", "planned"),
        ("me", "stanford-ml", "done"), ("sam", "python", "done"),
    ]  # fmt: skip
    assert rows(history, "SELECT COUNT(*) FROM item WHERE learner_id IS NOT NULL") == [(1,)]
    areas = """SELECT p.slug, a.slug FROM project_area pa JOIN project p ON p.id = pa.project_id
               JOIN area a ON a.id = pa.area_id ORDER BY 1, 2"""
    assert rows(history, areas) == [("churn-model", "machine-learning"),
                                    ("churn-model", "statistics"),
                                    ("spam-filter", "machine-learning")]  # fmt: skip


def test_an_own_item_cannot_take_a_slug_the_database_has(
    exported: dict, seeded_db: Path, tmp_path: Path, _seeded_template: Path, run
) -> None:
    exported = {"format": "mltrack-export", "version": 1, "learners": exported["learners"],
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
    from mltrack.services import importer

    def fail_midway(self, section, model, records, ids) -> None:
        if section.name == "progress_events":
            raise RuntimeError("the disk went away")

    monkeypatch.setattr(importer._Importer, "_link_within", fail_midway)
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


def test_every_table_of_learner_data_has_a_section() -> None:
    """A table that points at a learner or at rows of learner data is learner data: export
    must write it, and import --replace must delete it. (Items are partly pathway data: a
    table pointing only at items, such as the seed's prerequisites, need not be.)"""
    learner_data = ({"learner"} | set(SECTION_OF_TABLE)) - {"item"}
    for name, table in Base.metadata.tables.items():
        targets = {key.column.table.name for key in table.foreign_keys}
        assert not targets & learner_data or name in SECTION_OF_TABLE, f"{name} has no section"


def test_sections_refer_only_to_earlier_sections() -> None:
    position = {section.name: index for index, section in enumerate(SECTIONS)}
    for index, section in enumerate(SECTIONS):
        for field in section.fields:
            if isinstance(field, Ref) and field.table in SECTION_OF_TABLE:
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
