"""Hostile text and dates through the CLI: stored exactly or refused by the one text rule
(``mltrack.core.limits.check_text``), printed back safely, never a traceback. Hand-picked
cases first, then Hypothesis for the ones nobody thought of."""

import json
import re
import sqlite3
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.core.dates import parse_date
from mltrack.core.limits import name_key
from mltrack.render.terminal import clean


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read whole lines; fitting them to a width is tested in test_width.py."""
    monkeypatch.setenv("COLUMNS", "100000")


HOSTILE = {
    "quotes": 'it\'s "quoted" `backticked`',
    "sql": "'; DROP TABLE progress; -- Robert'); DELETE FROM item WHERE ('1'='1",
    "newlines": "line one\nline two\r\nline three\rover",
    "control": "bell\x07 escape\x1b[2J nul\x00 del\x7f csi\x9b tab\t",
    "bidi": "\u202eevil override\u202c, \u200fmark\u200e, \u2066isolate\u2069 عربي עברית",
    "long": "x" * 9_999 + "!",
    "emoji": "🎓🤖👩‍💻🏳️‍🌈 émoji 中文 ﷽",
    "spaces": "  leading and trailing  ",
    "empty": "",
    "format-strings": "%s %(x)s {0} {x!r} ${HOME} $(id)",
}
# Refused in every text field (a note allows only tab and newline among control characters):
# the character the refusal names.
REFUSED_TEXT = {"newlines": "U+000D", "control": "U+0007", "bidi": "U+202E"}


def progress_row(rows, path: Path) -> tuple:
    [row] = rows(
        path,
        "SELECT p.note, p.evidence_url FROM progress p JOIN item i ON i.id = p.item_id "
        "WHERE i.slug = 'python'",
    )
    return row


def no_raw_control_characters(text: str) -> bool:
    return all(char == "\n" or unicodedata.category(char) != "Cc" for char in text)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_notes_are_stored_exactly_or_refused_and_printed_back_escaped(
    seeded_db: Path, run, ok, rows, name: str
) -> None:
    text = HOSTILE[name]
    if name in REFUSED_TEXT:
        result = run("done", "python", "--note", text, "--evidence", text)
        assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output
        assert "a note cannot contain" in result.stderr and REFUSED_TEXT[name] in result.stderr
        assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(0,)]
        assert rows(seeded_db, "SELECT COUNT(*) FROM progress") == [(0,)]
        return
    ok("done", "python", "--note", text, "--evidence", text)

    assert progress_row(rows, seeded_db) == (text, text)
    [(data,)] = rows(seeded_db, "SELECT data FROM journal WHERE kind = 'status'")
    assert json.loads(data) == {"note": text, "evidence_url": text}  # the entry, exactly
    detail = json.loads(ok("show", "python", "--json").stdout)
    [entry] = detail["history"]  # mltrack.item/2: history entries are journal entries
    assert (detail["note"], detail["evidence_url"], entry["data"]["note"]) == (text,) * 3
    shown = ok("show", "python").stdout
    assert no_raw_control_characters(shown)
    if text.strip():  # prose is folded at spaces: runs of spaces show as one
        folded = " ".join(clean(text).split())
        assert f"note:     {folded}\n" in shown
        assert f"status  done    python  planned -> done  {folded}\n" in shown


TITLED = [
    (["read", "{text}", "--kind", "blog"], "SELECT title FROM reading_entry", ["log", "--list"]),
    (["add", "{text}", "--area", "statistics"],
     "SELECT title FROM item WHERE learner_id IS NOT NULL", ["pathway", "--area", "statistics"]),
    (["project", "add", "{text}", "--dataset", "{text}"], "SELECT name FROM project",
     ["project", "list"]),
    (["log", "30m", "python", "--note", "{text}"], "SELECT note FROM study_session",
     ["log", "--list"]),
]  # fmt: skip


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_titles_are_stored_trimmed_or_refused_and_listed_escaped(
    seeded_db: Path, run, ok, rows, text: str
) -> None:
    for command, stored, listing in TITLED:
        result = run(*[part.replace("{text}", text) for part in command])
        if result.exit_code != 0:
            assert (result.exit_code, result.stderr.count("\n")) == (2, 1), result.output
            assert rows(seeded_db, stored) == []
            continue
        # Titles and names lose surrounding white space; a note is kept as typed.
        assert rows(seeded_db, stored) == [(text if command[0] == "log" else text.strip(),)]
        assert no_raw_control_characters(ok(*listing).stdout)


ACCEPTED_NAMES = ["O'Brien \"Bob\"", "'; DROP TABLE learner; --", "🎓 learner", "عربي עברית",
                  "n" * 100, "%s {0}"]  # fmt: skip
REFUSED_NAMES = {
    "x" * 101: "a learner name needs 1 to 100 characters",
    "   ": "a learner name needs 1 to 100 characters",
    "two\nlines": "cannot contain control or invisible format characters",
    "esc\x1b[31m": "cannot contain control or invisible format characters",
    "rtl\u202emark": "cannot contain control or invisible format characters",
}


@pytest.mark.parametrize("name", ACCEPTED_NAMES)
def test_learner_names_are_stored_exactly(seeded_db: Path, ok, rows, name: str) -> None:
    ok("learner", "add", name)
    assert (name,) in rows(seeded_db, "SELECT name FROM learner")
    assert json.loads(ok("--learner", name, "progress", "--json").stdout)["learner"] == name
    assert f"  {clean(name)}  0 done" in ok("learner", "list").stdout


@pytest.mark.parametrize("name, message", list(REFUSED_NAMES.items()))
def test_unprintable_learner_names_are_refused(
    seeded_db: Path, run, rows, name: str, message: str
) -> None:
    result = run("learner", "add", name)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert rows(seeded_db, "SELECT name FROM learner") == [("me",)]


# Property-based: whatever the text or date, a command either does exactly what was asked or
# refuses with exit 2 and a message.

any_text = st.one_of(st.text(max_size=200), st.sampled_from(list(HOSTILE.values())))
any_date = st.one_of(
    st.dates().map(date.isoformat),
    st.integers(min_value=0, max_value=120_000).map(lambda days: f"-{days}d"),
    st.sampled_from(["today", "yesterday", " Today ", "2026-02-30", "2026-1-1", "0000-00-00"]),
    st.text(max_size=12),
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_refused(result: Result) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(("Error: ", "Usage: ")), result.stderr
    assert "Traceback" not in result.output


@SETTINGS
@given(note=any_text, evidence=any_text, on=any_date)
def test_done_stores_any_text_and_date_verbatim_or_refuses(
    seeded_db: Path, run, ok, rows, note: str, evidence: str, on: str
) -> None:
    result = run("done", "python", "--note", note, "--evidence", evidence, "--on", on)
    if result.exit_code != 0:
        assert_refused(result)
        return
    assert progress_row(rows, seeded_db) == (note, evidence)
    [(finished,)] = rows(seeded_db, "SELECT finished_on FROM progress WHERE status = 'done'")
    assert finished == parse_date(on).isoformat()
    # Undo, not reset: a reset dated today would stand in the timeline, and the next
    # example's back-dated done would land before it, on a done item (refused, rightly).
    ok("undo")
    assert rows(seeded_db, "SELECT COUNT(*) FROM progress") == [(0,)]


@SETTINGS
@given(text=any_text)
def test_any_item_name_finds_one_item_or_is_refused(seeded_db: Path, run, ok, text: str) -> None:
    result = run("start", "--", text)  # "--": text such as "--help" is still the item
    if result.exit_code != 0:
        assert_refused(result)
        return
    [slug] = re.fullmatch(r"start: (\S+) \(planned -> in_progress\)\n", result.stdout).groups()
    assert json.loads(ok("show", slug, "--json").stdout)["status"] == "in_progress"
    ok("reset", slug)


@SETTINGS
@given(name=any_text)
def test_any_learner_name_is_stored_verbatim_or_refused(
    seeded_db: Path, run, ok, rows, name: str
) -> None:
    existing = {row[0] for row in rows(seeded_db, "SELECT name FROM learner")}
    result = run("learner", "add", "--", name)
    if name.strip() in existing:
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: learner {name.strip()!r} already exists\n",
        )
        return
    if name_key(name.strip()) in {name_key(other) for other in existing}:
        assert result.exit_code == 1 and "differs only in case" in result.stderr
        return
    if result.exit_code != 0:
        assert_refused(result)
        return
    assert (name.strip(),) in rows(seeded_db, "SELECT name FROM learner")
    shown = json.loads(ok("--learner", name.strip(), "progress", "--json").stdout)
    assert shown["learner"] == name.strip()


@SETTINGS
@given(
    duration=st.one_of(st.sampled_from(["90m", "1h30", "2h", "-5m", "abc", "25h", "0m"]),
                       st.text(max_size=8)),
    note=any_text, on=any_date, title=any_text,
)  # fmt: skip
def test_study_and_reading_logs_store_text_verbatim_or_refuse(
    seeded_db: Path, run, rows, duration: str, note: str, on: str, title: str
) -> None:
    logged = run("log", "--on", on, "--note", note, "--", duration, "python")
    if logged.exit_code != 0:
        assert_refused(logged)
    else:
        [(stored, day)] = rows(seeded_db, "SELECT note, on_date FROM study_session")
        assert (stored, day) == (note, parse_date(on).isoformat())
    read = run("read", "--kind", "blog", "--on", on, "--", title)
    if read.exit_code != 0:
        assert_refused(read)
    else:
        assert rows(seeded_db, "SELECT title FROM reading_entry") == [(title.strip(),)]
    for table in ("study_session", "reading_entry"):  # the next example starts empty
        execute_sql(seeded_db, f"DELETE FROM {table}")


def execute_sql(path: Path, sql: str) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(sql)
    connection.close()
