"""Free text cannot abuse any output: every free-text option, fuzzed through the CLI, read
back from every format. Terminal text holds no raw control or bidi character, CSV no cell a
spreadsheet runs as a formula, HTML nothing executable from the data, and JSON the raw value.
Shell completion cannot be given an extra line by a slug or title."""

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.render.text import BIDI, escape, is_unsafe

CONTROLS = "\x00\x07\x08\t\n\r\x1b\x7f\x85\x9b\u2028\u2029" + "".join(sorted(BIDI))
# Any text without lone surrogates (a command line cannot carry them), with the characters
# that control a terminal mixed in, and the starts that make a spreadsheet formula.
free_text = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)), st.sampled_from(list(CONTROLS + "=+-@"))
    ),
    min_size=1,
    max_size=24,
).filter(lambda text: text.strip() and not text.startswith("-"))
SETTINGS = settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def assert_terminal_safe(text: str) -> None:
    bad = [char for char in text if char != "\n" and is_unsafe(char)]
    assert bad == [], text


def fresh(seeded_db: Path, template: sqlite3.Connection) -> None:
    """Put the pristine seeded database back for the next example."""
    target = sqlite3.connect(seeded_db)
    with target:
        template.backup(target)
    target.close()


@pytest.fixture
def pristine(seeded_db: Path):
    copy = sqlite3.connect(":memory:")
    source = sqlite3.connect(seeded_db)
    source.backup(copy)
    source.close()
    yield copy
    copy.close()


@SETTINGS
@given(title=free_text, note=free_text, name=free_text, learner=free_text, credential=free_text)
def test_every_free_text_option_is_safe_in_every_output(
    seeded_db: Path, pristine, run, ok, title: str, note: str, name: str, learner: str,
    credential: str,
) -> None:  # fmt: skip
    fresh(seeded_db, pristine)
    added = run("add", "--area", "statistics", "--kind", "certification", "--provider", note,
                "--", title)  # fmt: skip
    if added.exit_code != 0:  # a title that makes no slug is refused, in one line
        assert added.exit_code == 2 and "Traceback" not in added.output
        return
    slug = added.stdout.split()[-1]
    ok("skip", slug, "--note", note)  # a certification's item is done by its pass, below
    ok("log", "30m", slug, "--note", note)
    ok("read", "--kind", "paper", "--item", slug, "--", title)
    project = run("project", "add", "--dataset", note, "--area", "statistics", "--", name)
    if project.exit_code != 0:
        assert project.exit_code == 2 and "Traceback" not in project.output
    passed = run("cert", "pass", slug, "--credential-id", credential)
    if passed.exit_code != 0:  # control characters are refused in one line (limits)
        assert passed.exit_code == 2 and "Traceback" not in passed.output
        ok("cert", "pass", slug)
    stored_learner = learner.strip()
    if run("learner", "add", "--", learner).exit_code != 0:
        stored_learner = "me"

    for args in (["pathway"], ["show", slug], ["history"], ["next", "-n", "60"],
                 ["cert", "list"], ["log", "--list"], ["project", "list"],
                 ["learner", "list"], ["progress", "--by", "provider"],
                 ["report", "--format", "md"]):  # fmt: skip
        assert_terminal_safe(ok(*args).stdout)
    learner_report = ["--learner", stored_learner, "report"]
    assert_terminal_safe(ok(*learner_report, "--format", "md").stdout)

    # JSON keeps the raw value.
    detail = json.loads(ok("show", slug, "--json").stdout)
    assert (detail["title"], detail["provider"], detail["note"]) == (title.strip(), note, note)
    certs = {c["slug"]: c for c in json.loads(ok("cert", "list", "--json").stdout)["certs"]}
    stored = certs[slug]["credential_id"]
    assert stored in ((credential.strip(), credential) if passed.exit_code == 0 else (None,))
    report = json.loads(ok(*learner_report, "--format", "json").stdout)
    assert report["progress"]["learner"] == stored_learner

    # CSV: parsed back, no cell starts a formula; the raw value is the cell less its quote.
    table = list(csv.reader(io.StringIO(ok(*learner_report, "--format", "csv").stdout, newline="")))
    for row in table:
        assert not [cell for cell in row if cell.startswith(FORMULA_STARTS)], row
    assert table[1][2] in (stored_learner, "'" + stored_learner)

    # HTML: nothing executable came from the data.
    html = ok(*learner_report, "--format", "html").stdout
    assert "<script" not in html.lower()
    assert not any(f" on{word}=" in html.lower() for word in ("load", "error", "click", "mouse"))


@pytest.mark.parametrize(
    "cell, shown",
    [("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"),
     ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"),
     ("a=b", "a=b")],
)  # fmt: skip
def test_csv_quotes_formula_cells_and_json_keeps_them(
    seeded_db: Path, ok, cell: str, shown: str
) -> None:
    ok("learner", "add", "--", cell) if cell.strip() == cell else None
    learner = cell if cell.strip() == cell else "me"
    table = list(
        csv.reader(io.StringIO(ok("-L", learner, "report", "--format", "csv").stdout, newline=""))
    )
    assert table[1][:3] == ["overall", "", shown if learner == cell else "me"]
    report = json.loads(ok("-L", learner, "report", "--format", "json").stdout)
    assert report["progress"]["learner"] == learner


def test_escape_shows_controls_and_bidi_as_visible_escapes() -> None:
    assert escape("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert escape("\u202eevil\u202c") == "\\u202eevil\\u202c"
    assert escape("one\ntwo\tthree\r") == "one\\ntwo\\tthree\\r"
    assert escape("csi\x9b del\x7f nul\x00") == "csi\\x9b del\\x7f nul\\x00"
    assert escape("line\u2028para\u2029") == "line\\u2028para\\u2029"
    assert escape("keep\nthis", keep="\n") == "keep\nthis"
    assert escape("🎓👩‍💻 émoji 中文") == "🎓👩‍💻 émoji 中文"  # joiners and wide text stay


def complete(db: Path, words: str, shell: str = "bash") -> str:
    # bash and zsh give the index of the word being completed; fish gives the word itself.
    current = words.split()[-1] if shell == "fish" else str(len(words.split()) - 1)
    env = {**os.environ, "MLTRACK_DB": str(db), "_MLTRACK_COMPLETE": f"{shell}_complete",
           "COMP_WORDS": words, "COMP_CWORD": current}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "mltrack"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_slug_with_a_newline_or_escape_cannot_add_a_completion_line(
    seeded_db: Path, shell: str
) -> None:
    connection = sqlite3.connect(seeded_db)
    with connection:  # as an import from a hand-edited file could leave them
        connection.execute(
            "UPDATE item SET slug = 'pyth\non\nplain,fake\x1b[2J', title = 'T\nplain,x\x1b]0;' "
            "WHERE slug = 'python'"
        )
    connection.close()
    out = complete(seeded_db, "mltrack done pyth", shell)
    assert "\x1b" not in out
    lines = out.splitlines()
    per_item = {"bash": 1, "zsh": 3, "fish": 1}[shell]
    assert len(lines) == per_item, out  # one completion, however many newlines it holds
    assert "pyth\\non\\nplain,fake\\x1b[2J" in out
