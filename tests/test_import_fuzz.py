"""Import fuzzing: a valid export, mutated (types, sizes, nesting, numbers, encodings,
references, duplicate keys), is either imported or refused in one line with exit 1 or 2,
never a traceback; after a refusal the database is byte for byte as it was."""

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mltrack.cli import cli

Path_ = tuple[str | int, ...]


@pytest.fixture(scope="module")
def valid_export(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> dict:
    """An export touching most sections: notes, an undo, a paid certification step, study
    time, reading, a project with an area, an own item."""
    folder = tmp_path_factory.mktemp("fuzz-source")
    db = folder / "source.db"
    copy_database(_seeded_template, db)
    runner = CliRunner()
    for args in (
        ["learner", "add", "alex"],
        ["done", "python", "--on", "2025-01-05", "--note", "line one\nline two"],
        ["skip", "mooc-edx"],
        ["undo"],
        ["log", "90m", "python", "--on", "2025-01-03", "--note", "chapter 6"],
        ["read", "Attention", "--kind", "paper", "--item", "deep-learning", "--url", "https://x"],
        ["project", "add", "Churn", "--dataset", "Telco", "--area", "statistics"],
        [
            "cert",
            "enroll",
            "stanford-ml",
            "--on",
            "2025-03-01",
            "--cost",
            "49",
            "--currency",
            "USD",
        ],
        ["-L", "alex", "add", "Own thing", "--area", "statistics", "--hours", "12.5"],
        ["-L", "alex", "start", "python"],
    ):
        result = runner.invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--db", str(db), "export"], catch_exceptions=False)
    return json.loads(result.stdout)


def copy_database(source: Path, target: Path) -> None:
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    with copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def paths(value: Any, at: Path_ = ()) -> Iterator[Path_]:
    """Every place in a JSON document: objects' values and lists' elements."""
    yield at
    if isinstance(value, dict):
        for key, element in value.items():
            yield from paths(element, (*at, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from paths(element, (*at, index))


def replaced(document: Any, at: Path_, value: Any) -> Any:
    if not at:
        return value
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[at[0]] = replaced(document[at[0]], at[1:], value)  # type: ignore[index]
    return copy


# Values a field should never hold, or only just: types, sizes, numbers, text, references.
NASTY = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 1440, 1441, 10**9, 10**9 + 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1.7e308, -0.0, 5e-324, 10_000.0, 10_000.5]),
    st.text(max_size=30),
    st.sampled_from(
        [
            "",
            " ",
            "me",
            "Me",
            "ALEX",
            "python",
            "pyhton",
            "my.own-thing",
            "no-such",
            "2025-01-05",
            "2025-02-30",
            "9999-12-31",
            "0001-01-01T00:00:00+00:00",
            "2025-01-06T10:00:00+14:00",
            "\ud800",
            "a\udcffb",
            "\u202eevil",
            "\x1b[2J",
            "line\nbreak",
            "x" * 10_001,
            "USD",
            "usd",
            "done",
            "planned",
        ]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["status", "note", "x"]), st.none(), max_size=2),
)


@st.composite
def mutated(draw: st.DrawFn, document: dict) -> bytes:
    """The export with one to three changes, as the bytes of a file."""
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        at = draw(st.sampled_from(sorted(paths(document), key=repr)))
        action = draw(st.sampled_from(["value", "value", "value", "drop", "copy"]))
        if action == "value":
            document = replaced(document, at, draw(NASTY))
        elif action == "drop" and at and isinstance(parent := _get(document, at[:-1]), dict):
            document = replaced(document, at[:-1], {k: v for k, v in parent.items()
                                                    if k != at[-1]})  # fmt: skip
        elif action == "copy" and at and isinstance(parent := _get(document, at[:-1]), list):
            document = replaced(document, at[:-1], [*parent, parent[at[-1]]])  # a duplicate row
    text = json.dumps(document, allow_nan=True)  # NaN and Infinity included, as a file may
    return draw(raw_change(text))


def _get(document: Any, at: Path_) -> Any:
    for key in at:
        document = document[key]
    return document


@st.composite
def raw_change(draw: st.DrawFn, text: str) -> bytes:
    """Changes only the file's text can carry: duplicate keys, deep nesting, long numbers,
    other encodings, stray bytes, a cut."""
    kind = draw(st.sampled_from(["none", "none", "duplicate", "nest", "digits", "encoding",
                                 "byte", "cut"]))  # fmt: skip
    spots = [index for index, char in enumerate(text) if char == ":"]
    spot = draw(st.sampled_from(spots)) + 1 if spots else len(text) // 2
    if kind == "duplicate" and "{" in text:
        brace = draw(st.sampled_from([i for i, c in enumerate(text) if c == "{"]))
        end = text.index(",", brace) if "," in text[brace:] else len(text) - 1
        pair = text[brace + 1 : end]
        if ":" in pair:
            text = text[: brace + 1] + pair + ", " + text[brace + 1 :]
    elif kind == "nest":
        depth = draw(st.sampled_from([63, 64, 65, 1000, 50_000]))
        text = text[:spot] + " " + "[" * depth + "]" * depth + "," + text[spot:]
    elif kind == "digits":
        text = text[:spot] + " " + "9" * draw(st.sampled_from([19, 20, 21, 5000])) + "," + (
            text[spot:]
        )  # fmt: skip
    data = text.encode("utf-8")
    if kind == "encoding":
        data = text.replace("me", "m\u00e9", 1).encode(draw(st.sampled_from(["latin-1", "utf-16"])))
    elif kind == "byte":
        position = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:position] + bytes([draw(st.integers(128, 255))]) + data[position:]
    elif kind == "cut":
        data = data[: draw(st.integers(min_value=0, max_value=len(data)))]
    return data


@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 40)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_mutated_export_is_imported_or_refused_in_one_line(
    valid_export: dict, _seeded_template: Path, tmp_path: Path, data: st.DataObject
) -> None:
    content = data.draw(mutated(valid_export))
    case = Path(tempfile.mkdtemp(dir=tmp_path))  # a new database for each example
    db, file = case / "mltrack.db", case / "export.json"
    copy_database(_seeded_template, db)
    file.write_bytes(content)
    before = db.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(file)],
                                catch_exceptions=False)  # fmt: skip
    event(f"exit {result.exit_code}")  # --hypothesis-show-statistics: how many of each
    if result.exit_code == 0:
        assert result.stdout.startswith("imported "), result.output
        return
    assert result.exit_code in (1, 2), result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert db.read_bytes() == before
