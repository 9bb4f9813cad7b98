"""The input limits (``mltrack.core.limits``) through the CLI: unbounded or malformed input is
refused in one line (exit 1 or 2) and changes nothing, and every kind of input follows one
rule wherever it comes from (typed, or in an import file)."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result

from mltrack.core.ids import uuid7
from mltrack.core.limits import MAX_JSON_DEPTH
from mltrack.core.vocabulary import JournalKind, PlanAction
from mltrack.formats.seed_files import seed_files
from mltrack.queries.lookup import learner_id
from mltrack.services import journal
from tests.conftest import writing


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


ME = {"name": "me", "created_at": "2026-01-01T00:00:00+00:00", "target_date": None}


def one_line_refusal(result: Result, code: int, *parts: str) -> None:
    """One line "Error: ..." (or Click's usage block for a bad option value), no output."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    if result.stderr.startswith("Usage: "):
        assert result.stderr.splitlines()[-1].startswith("Error: Invalid value"), result.stderr
    else:
        assert result.stderr.startswith("Error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


def write(tmp_path: Path, text: str | bytes, name: str = "data.json") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def export(**sections: list) -> str:
    return json.dumps({"format": "mltrack-export", "version": 1, "learners": [ME], **sections})


def session(minutes: int = 60, on: str = "2026-01-05", note: str | None = None) -> dict:
    return {"learner": "me", "item": None, "on_date": on, "week_start": "2026-01-05",
            "minutes": minutes, "note": note,
            "created_at": "2026-01-05T10:00:00+00:00"}  # fmt: skip


def refused_import(run, dump, db: Path, file: Path, code: int, *parts: str) -> None:
    before = dump(db)
    one_line_refusal(run("import", str(file)), code, *parts)
    assert dump(db) == before


# 6. Unbounded or malformed input: one line, never a traceback or a hang.


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_deeply_nested_json_is_refused(seeded_db: Path, tmp_path: Path, run, dump, depth) -> None:
    nested = "[" * depth + "]" * depth
    file = write(tmp_path, f'{{"format": "mltrack-export", "version": 1, "x": {nested}}}')
    refused_import(run, dump, seeded_db, file, 2, f"nested more than {MAX_JSON_DEPTH} levels")


def test_nesting_within_the_limit_reaches_the_checker(seeded_db: Path, tmp_path: Path, run) -> None:
    nested = "[" * (MAX_JSON_DEPTH - 3) + "]" * (MAX_JSON_DEPTH - 3)
    entry = {"uid": "01a2f000-0000-7000-8000-000000000001", "learner": "me", "kind": "status",
             "action": "done", "subject": "python", "item": "python", "on_date": "2026-01-05",
             "recorded_at": "2026-01-05T10:00:00+00:00", "data": {"note": "NESTED"},
             "target": None, "group": None, "superseded_by": None, "flag": None}  # fmt: skip
    document = {"format": "mltrack-export", "version": 2, "learners": [ME], "journal": [entry]}
    text = json.dumps(document).replace('"NESTED"', nested)
    one_line_refusal(run("import", str(write(tmp_path, text))), 2, "journal[0].data")


@pytest.mark.parametrize(
    "value, message",
    [
        ("9" * 5000, "cert_events[0].cost_cents: a whole number of 5,000 digits"),
        (str(2**64), "cert_events[0].cost_cents: 18446744073709551616 is beyond 64 bits"),
        (
            str(2**62),
            "journal[0].data: cost_cents: expected a whole number from 0 to 1,000,000,000",
        ),
        ("1e400", "cert_events[0].cost_cents: '1e400' is too large a number"),
        ("NaN", "cert_events[0].cost_cents: NaN is not a JSON number"),
        ("-Infinity", "cert_events[0].cost_cents: -Infinity is not a JSON number"),
    ],
)
def test_numbers_beyond_their_range_are_refused_by_path(
    seeded_db: Path, tmp_path: Path, run, ok, dump, value: str, message: str
) -> None:
    event = {"learner": "me", "item": "stanford-ml", "occurred_at": "2026-01-01T00:00:00+00:00",
             "on_date": "2026-01-01", "action": "enroll", "cost_cents": 0, "currency": "USD",
             "prior": None}  # fmt: skip
    text = export(cert_events=[event]).replace('"cost_cents": 0', f'"cost_cents": {value}')
    refused_import(run, dump, seeded_db, write(tmp_path, text), 2, message)
    ok("cert", "list")  # and nothing stored that overflows a sum later


def test_the_largest_cost_sums_without_overflow(seeded_db: Path, ok) -> None:
    for cert in ("stanford-ml", "ibm"):
        ok("cert", "enroll", cert, "--cost", "10000000", "--currency", "USD")
    costs = json.loads(ok("cert", "list", "--json").stdout)
    assert "2000000000" in json.dumps(costs)


@pytest.mark.parametrize("escape", ["\\ud800", "x\\udcff", "\\udfff\\ud800"])
def test_lone_surrogates_in_an_import_file_are_refused_by_path(
    seeded_db: Path, tmp_path: Path, run, dump, escape: str
) -> None:
    text = export(study_sessions=[session(note="NOTE")]).replace("NOTE", escape)
    refused_import(run, dump, seeded_db, write(tmp_path, text), 2,
                   "study_sessions[0].note: a lone surrogate")  # fmt: skip


def test_an_import_file_that_is_not_utf8_is_refused(
    seeded_db: Path, tmp_path: Path, run, dump
) -> None:
    data = export(study_sessions=[session(note="NOTE")]).replace("NOTE", "caf\u00e9")
    data = data.encode("latin-1")
    refused_import(run, dump, seeded_db, write(tmp_path, data), 2, "is not UTF-8 text (byte 0xe9")


def test_text_over_the_limit_is_refused_by_path(seeded_db: Path, tmp_path: Path, run, dump):
    text = export(study_sessions=[session(note="x" * 10_001)])
    refused_import(run, dump, seeded_db, write(tmp_path, text), 2,
                   "study_sessions[0].note: text of 10,001 characters; at most 10,000")  # fmt: skip


def mltrack(db: Path, *args: bytes | str, env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MLTRACK_DB": str(db), **(env or {})}
    return subprocess.run([sys.executable, "-m", "mltrack", *args], env=environment,
                          capture_output=True)  # fmt: skip


def test_argument_bytes_that_are_not_utf8_are_refused(seeded_db: Path, rows) -> None:
    done = mltrack(seeded_db, "learner", "add", b"caf\xe9")
    assert done.returncode == 2
    assert done.stderr == b"Error: argument 3 is not valid UTF-8 (byte 0xe9 at character 4)\n"
    assert done.stdout == b""
    done = mltrack(seeded_db, "done", "python", "--note", b"ok \xff\xfe")
    assert (done.returncode, done.stderr.count(b"\n")) == (2, 1)
    assert b"argument 4 is not valid UTF-8 (byte 0xff" in done.stderr
    assert rows(seeded_db, "SELECT name FROM learner") == [("me",)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM progress") == [(0,)]


def test_an_environment_value_that_is_not_utf8_is_refused(seeded_db: Path) -> None:
    done = mltrack(seeded_db, "progress", env={"MLTRACK_LEARNER": b"\xc3(".decode(
        "utf-8", "surrogateescape")})  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == b"Error: MLTRACK_LEARNER is not valid UTF-8 (byte 0xc3 at character 1)\n"


def test_a_lone_surrogate_passed_in_process_is_refused(seeded_db: Path, run, rows) -> None:
    one_line_refusal(run("read", "a\ud800b", "--kind", "blog"), 2, "argument 2 is not valid UTF-8",
                     "U+D800")  # fmt: skip
    assert rows(seeded_db, "SELECT COUNT(*) FROM reading_entry") == [(0,)]


@pytest.mark.parametrize(
    "content, message",
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        (b'[pathway]\nslug = "p\xff"\n', "not UTF-8 text (byte 0xff at offset 19)"),
        ("x = " + "9" * 5000 + "\n", "a.toml: "),
        ("item = 5\n", "a.toml:1: item must be a table"),
    ],
)
def test_seed_check_refuses_malformed_toml_in_one_line(
    tmp_path: Path, run, content: str | bytes, message: str
) -> None:
    write(tmp_path, content, "a.toml")
    result = run("seed", "--check", str(tmp_path))
    one_line_refusal(result, 1, "invalid seed data: ", message)


@pytest.mark.parametrize("hours, shown", [("inf", "inf"), ("nan", "nan"), ("1e308", "1e+308"),
                                          ("true", "True")])  # fmt: skip
def test_seed_hours_estimates_are_finite_and_bounded(
    tmp_path: Path, run, hours: str, shown: str
) -> None:
    changed = False
    for source in seed_files():
        text = source.read_text(encoding="utf-8")
        if not changed and "hours_estimate = 60" in text:  # one item of the shipped seed
            text = text.replace("hours_estimate = 60", f"hours_estimate = {hours}", 1)
            changed = True
        write(tmp_path, text, source.name)
    result = run("seed", "--check", str(tmp_path))
    one_line_refusal(
        result, 1, f"has hours_estimate {shown};", "expected a number from 0 to 10,000"
    )


# 8. One rule per input kind.


@pytest.mark.parametrize(
    "args",
    [
        ["log", "\uff11h"],  # fullwidth 1
        ["log", "1h", "--on", "-\u0663d"],  # Arabic-Indic 3
        ["log", "30m", "--on", "\u0968\u0966\u0968\u0966-01-01"],  # Devanagari digits
        ["cert", "due", "--within", "\u0663\u0660d"],
        ["cert", "enroll", "ibm", "--cost", "\u0664\u0669", "--currency", "USD"],
        ["stats", "--weeks", "\uff18"],
        ["history", "-n", "\u0665"],
        ["add", "T", "--area", "statistics", "--hours", "\uff11\uff12"],
    ],
)
def test_digits_are_ascii_in_every_number_typed(seeded_db: Path, run, rows, args) -> None:
    assert run(*args).exit_code == 2
    assert rows(seeded_db, "SELECT COUNT(*) FROM study_session") == [(0,)]


def test_a_day_holds_at_most_24_hours_of_study(seeded_db: Path, run, ok, rows) -> None:
    ok("log", "24h", "--on", "2026-01-05")
    result = run("log", "24h", "--on", "2026-01-05")
    one_line_refusal(result, 1, "2026-01-05 already has 24h of study logged (1 session); "
                     "a day holds at most 24h, so nothing more fits")  # fmt: skip
    ok("log", "12h", "--on", "2026-01-06")
    ok("log", "11h30", "python", "--on", "2026-01-06")
    one_line_refusal(
        run("log", "31m", "--on", "2026-01-06"),
        1,
        "already has 23h30 of study logged (2 sessions)",
        "at most 30m more fits",
    )
    ok("log", "30m", "--on", "2026-01-06")
    assert rows(seeded_db, "SELECT SUM(minutes) FROM study_session") == [(48 * 60,)]


def test_an_import_over_24_hours_a_day_is_refused(seeded_db: Path, tmp_path: Path, run, dump):
    text = export(study_sessions=[session(1000), session(441)])
    refused_import(run, dump, seeded_db, write(tmp_path, text), 2,
                   "journal[1].data: minutes: learner 'me' would have 24h01 of study on "
                   "2026-01-05; a day holds at most 24h")  # fmt: skip


RLO = "safe\u202etxt.exe"
FREE_TEXT = [
    ["read", RLO, "--kind", "blog"],
    ["read", "Title", "--kind", "blog", "--url", RLO],
    ["add", RLO, "--area", "statistics"],
    ["add", "Mine", "--area", "statistics", "--provider", RLO],
    ["project", "add", RLO, "--dataset", "d"],
    ["project", "add", "P", "--dataset", RLO],
    ["project", "add", "P", "--dataset", "d", "--repo", RLO],
    ["done", "python", "--note", RLO],
    ["done", "python", "--evidence", RLO],
    ["log", "1h", "--note", RLO],
    ["cert", "pass", "ibm", "--credential-id", RLO],
    ["cert", "pass", "ibm", "--url", RLO],
    ["learner", "add", RLO],
]


@pytest.mark.parametrize("args", FREE_TEXT, ids=lambda args: " ".join(args[:3]))
def test_every_free_text_field_refuses_bidi_overrides(seeded_db: Path, run, dump, args) -> None:
    before = dump(seeded_db)
    result = run(*args)
    one_line_refusal(result, 2, "cannot contain")
    assert "U+202E" in result.stderr or "invisible format characters" in result.stderr
    assert dump(seeded_db) == before


@pytest.mark.parametrize("args", FREE_TEXT[:-1], ids=lambda args: " ".join(args[:3]))
def test_every_free_text_field_refuses_text_over_the_limit(seeded_db: Path, run, args) -> None:
    result = run(*[part.replace(RLO, "y" * 10_001) for part in args])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output


def test_a_note_keeps_newlines_and_tabs_a_title_does_not(seeded_db: Path, run, ok, rows) -> None:
    ok("done", "python", "--note", "line one\n\tline two")
    assert rows(seeded_db, "SELECT note FROM progress") == [("line one\n\tline two",)]
    one_line_refusal(run("read", "two\nlines", "--kind", "blog"), 2, "a title cannot contain",
                     "U+000A")  # fmt: skip


def test_learner_names_are_unique_without_regard_to_case(seeded_db: Path, run, ok, rows) -> None:
    one_line_refusal(
        run("learner", "add", "Me"),
        1,
        "learner 'Me' differs only in case from 'me', which already exists",
    )
    one_line_refusal(run("learner", "add", "\uff2d\uff25"), 1, "differs only in case")  # fullwidth
    ok("learner", "add", "Alex")
    one_line_refusal(run("learner", "add", "ALEX"), 1, "differs only in case from 'Alex'")
    assert rows(seeded_db, "SELECT name FROM learner ORDER BY name") == [("Alex",), ("me",)]
    ok("--learner", "alex", "done", "python")  # looked up without regard to case
    assert rows(seeded_db, "SELECT l.name FROM progress p JOIN learner l ON l.id = p.learner_id"
                ) == [("Alex",)]  # fmt: skip
    assert json.loads(ok("-L", "ALEX", "progress", "--json").stdout)["overall"]["required"][
        "done"] == 1  # fmt: skip


def test_names_differing_only_in_case_kept_from_before_need_the_exact_spelling(
    seeded_db: Path, run, ok
) -> None:
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("INSERT INTO learner (name, created_at) VALUES ('Me', '2026')")
    connection.close()
    one_line_refusal(run("-L", "ME", "progress"), 2, "learner 'ME' is ambiguous; matches: Me, me")
    ok("-L", "Me", "progress")
    checks = ok("doctor").stdout
    assert "[warn] learner names: 1 differing only in case, kept as they are" in checks
    assert "'Me' and 'me'" in checks


def test_an_import_refuses_names_differing_only_in_case(
    seeded_db: Path, tmp_path: Path, run, dump
) -> None:
    learner = {**ME, "name": "ME"}
    refused_import(
        run,
        dump,
        seeded_db,
        write(tmp_path, export().replace('"me"', '"ME"')),
        1,
        "learners[0].name: 'ME' differs only in case from learner 'me' of the database",
    )
    text = json.dumps(
        {
            "format": "mltrack-export",
            "version": 1,
            "learners": [{**ME, "name": "zoe"}, {**learner, "name": "Zoe"}],
        }
    )
    refused_import(
        run,
        dump,
        seeded_db,
        write(tmp_path, text, "two.json"),
        2,
        "learners[1].name: 'Zoe' differs only in case from the learner of learners[0]",
    )


@pytest.mark.parametrize(
    "text, path",
    [
        ('{"format": "mltrack-export", "version": 1, "version": 2}', "version"),
        (export(study_sessions=[session()]).replace('"minutes": 60', '"minutes": 60, "minutes": 9'),
         "study_sessions[0].minutes"),
        (export().replace('"target_date": null', '"target_date": null, "target_date": null'),
         "learners[0].target_date"),
    ],
)  # fmt: skip
def test_duplicate_keys_are_refused_by_path(
    seeded_db: Path, tmp_path: Path, run, dump, text: str, path: str
) -> None:
    refused_import(run, dump, seeded_db, write(tmp_path, text), 2,
                   f"{path}: the key is given more than once")  # fmt: skip


def test_an_hours_estimate_is_finite_and_bounded(
    seeded_db: Path, tmp_path: Path, run, ok, dump
) -> None:
    for hours in ("1e308", "inf", "nan", "10000.5", "1_000"):
        one_line_refusal(run("add", "Mine", "--area", "statistics", "--hours", hours), 2,
                         "is not an hours estimate")  # fmt: skip
    item = {"slug": "my.big", "learner": "me", "title": "Big", "kind": "course",
            "step": "ml-training", "area": None, "position": 1, "required": True,
            "hours_estimate": 1.7e308, "provider": None, "url": None,
            "source": "added by the learner", "quote": "", "retired": False}  # fmt: skip
    refused_import(
        run,
        dump,
        seeded_db,
        write(tmp_path, export(items=[item])),
        2,
        "items[0].hours_estimate: the number must be from 0 to 10,000, not 1.7e+308",
    )
    ok("add", "Mine", "--area", "statistics", "--hours", "10000")


def test_json_output_never_holds_infinity(seeded_db: Path, run, ok) -> None:
    """A value stored before the limits (kept as it is): --json refuses in one line rather
    than print ``Infinity``, and doctor names the column."""
    ok("add", "Mine", "--area", "statistics", "--hours", "10")
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("UPDATE item SET hours_estimate = 1.7e308 WHERE slug LIKE 'my.%'")
        connection.execute("UPDATE item SET hours_estimate = 1.7e308 WHERE slug = 'programming'")
    connection.close()
    result = run("progress", "--json")
    one_line_refusal(result, 1, "holds a number JSON cannot represent")
    assert "Infinity" not in result.output
    checks = ok("doctor").stdout
    assert "[warn] value ranges: stored values out of range: item.hours_estimate (2 outside" in (
        checks
    )


def test_doctor_reports_days_with_more_than_24_hours(seeded_db: Path, ok) -> None:
    ok("log", "20h", "--on", "2026-01-05")
    # An older mltrack let a day take more: its entry is journaled as it was then.
    uid = uuid7()
    late = journal.Change(JournalKind.STUDY, PlanAction.LOG, uid, date(2026, 1, 5),
                          data={"minutes": 600}, uid=uid)  # fmt: skip
    with writing(seeded_db) as store:
        journal.record(store, learner_id(store, "me"), late)
    checks = ok("doctor").stdout
    assert "[warn] study time: 1 days with more than 24h logged, kept as they are: me " \
           "2026-01-05 (30h)" in checks  # fmt: skip
