"""Streaming import and export (issue 12): memory bounded by a batch, not by the file; the
journal survives a round trip; a file not as export writes it is refused in one line.

The files here are written as ``mltrack export`` lays them out: one record per line."""

import json
import sqlite3
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.core.ids import uuid7
from mltrack.core.vocabulary import ItemKind

START = date(2001, 1, 1)
PER_DAY = 40  # entries a day: 40 study sessions of 15 minutes fit in one
# The status actions one item goes through, again and again: each valid after the one before.
CYCLE = ("start", "done", "reset")


def pathway_slugs(template: Path) -> list[str]:
    connection = sqlite3.connect(template)
    try:
        return [row[0] for row in connection.execute(
            "SELECT slug FROM item WHERE learner_id IS NULL AND kind != ? ORDER BY slug",
            (ItemKind.CERTIFICATION,),
        )]  # fmt: skip
    finally:
        connection.close()


def entries(events: int, slugs: list[str]) -> list[str]:
    """``events`` journal records of "me", as lines: status changes cycling through the
    pathway's items and 15-minute study sessions, about forty a day from 2001 on."""
    lines, turns = [], dict.fromkeys(slugs, 0)
    for number in range(events):
        day = START + timedelta(days=number // PER_DAY)
        stamp = f"{day.isoformat()}T08:{(number % PER_DAY):02d}:00.000000+00:00"
        uid = uuid7()
        record = {"uid": uid, "learner": "me", "on_date": day.isoformat(), "recorded_at": stamp,
                  "target": None, "group": None, "superseded_by": None, "flag": None}  # fmt: skip
        if number % 3 == 2:
            record |= {"kind": "study", "action": "log", "subject": uid, "item": None,
                       "data": {"minutes": 15}}  # fmt: skip
        else:
            slug = slugs[number % len(slugs)]
            action = CYCLE[turns[slug] % len(CYCLE)]
            turns[slug] += 1
            record |= {"kind": "status", "action": action, "subject": slug, "item": slug,
                       "data": {}}  # fmt: skip
        lines.append(json.dumps(record))
    return lines


def write_export(path: Path, lines: list[str]) -> Path:
    learner = {"name": "me", "created_at": "2000-12-31T00:00:00.000000+00:00",
               "target_date": None}  # fmt: skip
    with path.open("w") as file:
        file.write('{\n  "format": "mltrack-export",\n  "version": 2,\n  "learners": [\n')
        file.write(f'    {json.dumps(learner)}\n  ],\n  "items": [],\n  "journal": [\n')
        file.write(",\n".join(f"    {line}" for line in lines))
        file.write("\n  ]\n}\n")
    return path


def journal_of(export: Path) -> list[str]:
    """The journal lines of an export file, as written."""
    lines = export.read_text().splitlines()
    if '  "journal": []' in lines:
        return []
    start = lines.index('  "journal": [')
    return [line.strip().rstrip(",") for line in lines[start + 1 : lines.index("  ]", start)]]


def peak_rss_of_import(export: Path, database: Path) -> int:
    """Peak RSS (KiB) of ``mltrack import`` in a child process of its own."""
    code = (
        "import resource, subprocess, sys; "
        "done = subprocess.run([sys.executable, '-m', 'mltrack', '--db', sys.argv[2], 'import', "
        "sys.argv[1]], capture_output=True, text=True); "
        "assert done.returncode == 0, done.stderr; "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(export), str(database)],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


@pytest.mark.memory
def test_import_memory_does_not_grow_with_the_file(tmp_path: Path, _seeded_template: Path):
    """The issue's bound: importing 200,000 events peaks within 10 MiB of importing 20,000
    (each in a child process of its own, on a copy of a fresh database)."""
    slugs = pathway_slugs(_seeded_template)
    peaks = {}
    for events in (20_000, 200_000):
        export = write_export(tmp_path / f"e{events}.json", entries(events, slugs))
        database = tmp_path / f"db{events}.db"
        database.write_bytes(_seeded_template.read_bytes())
        peaks[events] = peak_rss_of_import(export, database)
        connection = sqlite3.connect(database)
        assert connection.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == events
        connection.close()
    assert peaks[200_000] - peaks[20_000] <= 10 * 1024, peaks
    assert peaks[200_000] <= 150 * 1024, peaks


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(events=st.integers(min_value=0, max_value=1_500), with_undo=st.booleans())
def test_round_trip_gives_the_same_journal(
    tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path, events: int, with_undo: bool
):
    """export -> import into a fresh database -> export gives the same journal, line for
    line (uids, targets, data), whatever its length (batches of 1,000 included)."""
    work = tmp_path_factory.mktemp("round")
    lines = entries(events, pathway_slugs(_seeded_template))
    if with_undo and lines:
        last = json.loads(lines[-1])
        undo = {**last, "uid": uuid7(), "action": "undo", "target": last["uid"], "data": {},
                "recorded_at": last["recorded_at"].replace(":00.000000", ":59.000000")}  # fmt: skip
        lines.append(json.dumps(undo))
    first_db, second_db = work / "first.db", work / "second.db"
    for database in (first_db, second_db):
        database.write_bytes(_seeded_template.read_bytes())
    source = write_export(work / "source.json", lines)
    mltrack = [sys.executable, "-m", "mltrack"]
    subprocess.run([*mltrack, "--db", str(first_db), "import", str(source)], check=True,
                   capture_output=True)  # fmt: skip
    once, twice = work / "once.json", work / "twice.json"
    subprocess.run([*mltrack, "--db", str(first_db), "export", "-o", str(once)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*mltrack, "--db", str(second_db), "import", str(once)], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*mltrack, "--db", str(second_db), "export", "-o", str(twice)], check=True,
                   capture_output=True)  # fmt: skip
    assert once.read_text() == twice.read_text()
    exported = [json.loads(line) for line in journal_of(once)]
    assert [entry["uid"] for entry in exported] == [json.loads(line)["uid"] for line in lines]
    assert [entry["data"] for entry in exported] == [json.loads(line)["data"] for line in lines]


def refused(run, path: Path) -> str:  # type: ignore[no-untyped-def]
    result = run("import", str(path))
    assert result.exit_code in (1, 2), result.output
    assert result.exit_code == 2 or "already" in result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message, message
    return message


@pytest.fixture
def valid_lines(_seeded_template: Path) -> list[str]:
    return entries(30, pathway_slugs(_seeded_template))


def test_truncated_file_is_refused_and_nothing_changes(run, seeded_db, tmp_path, valid_lines):  # type: ignore[no-untyped-def]
    export = write_export(tmp_path / "whole.json", valid_lines)
    text = export.read_text()
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) - 40])
    before = seeded_db.read_bytes()
    message = refused(run, cut)
    assert "not valid JSON" in message
    assert run("history", "--json").exit_code == 0
    connection = sqlite3.connect(seeded_db)
    assert connection.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == 0
    connection.close()
    assert len(before) > 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda line: line.replace('"minutes": 15', '"minutes": "15"'), "journal[2].data"),
        (lambda line: line.replace('"learner": "me"', '"learner": 7'), "journal[2].learner"),
        (lambda line: line.replace('"flag": null', '"flag": null, "flag": null'), "more than once"),
        (lambda line: line.replace('"flag": null', '"flag": null\x00'), "not valid JSON"),
        (lambda line: line.replace('"flag": null', '"flag": ' + "[" * 70 + "]" * 70),
         "nested more than"),
        (lambda line: line.replace('"flag": null', '"flag": "' + "x" * 20_000 + '"'),
         "at most 10,000"),
    ],
)  # fmt: skip
def test_malformed_record_is_refused_with_its_place(  # type: ignore[no-untyped-def]
    run, seeded_db, tmp_path, valid_lines, change, expected
):
    lines = list(valid_lines)
    lines[2] = change(lines[2])
    message = refused(run, write_export(tmp_path / "bad.json", lines))
    assert expected in message, message


def test_huge_line_in_a_large_file_is_refused_by_line(
    run, seeded_db, tmp_path, monkeypatch, valid_lines
):  # type: ignore[no-untyped-def]
    """A file too large to read whole that is not one record per line (a line past
    MAX_LINE) is refused naming the line; nothing is read whole."""
    from mltrack.services import importer

    monkeypatch.setattr(importer, "WHOLE_FILE_LIMIT", 1024)
    lines = list(valid_lines)
    lines[5] = lines[5].replace('"flag": null', '"flag": "' + "y" * (importer.MAX_LINE) + '"')
    message = refused(run, write_export(tmp_path / "huge.json", lines))
    assert "line 14" in message and "longer than" in message, message


def test_truncated_large_file_is_refused_by_line(
    run, seeded_db, tmp_path, monkeypatch, valid_lines
):  # type: ignore[no-untyped-def]
    from mltrack.services import importer

    monkeypatch.setattr(importer, "WHOLE_FILE_LIMIT", 1024)
    export = write_export(tmp_path / "whole.json", valid_lines)
    text = export.read_text()
    export.write_text(text[: text.index(valid_lines[20])])
    message = refused(run, export)
    assert "ends inside journal" in message, message
    connection = sqlite3.connect(seeded_db)
    assert connection.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == 0
    connection.close()


def test_export_lines_are_ascii_with_non_ascii_data(ok, seeded_db, tmp_path):  # type: ignore[no-untyped-def]
    """SQLite builds the journal's lines; text beyond ASCII is still escaped."""
    ok("log", "30m", "--note", "Übung ✓ 学习")
    out = tmp_path / "out.json"
    ok("export", "-o", str(out))
    raw = out.read_bytes()
    assert raw.isascii()
    [entry] = [json.loads(line) for line in journal_of(out) if '"study"' in line]
    assert entry["data"]["note"] == "Übung ✓ 学习"
