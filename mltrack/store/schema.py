"""The exact schema each known revision has, and how a database file is compared with it.

mltrack ships one snapshot per revision in ``mltrack/store/schemas/<revision>.schema`` (``base``
for an ``alembic_version`` table with no row): the normalised rows of ``sqlite_master``, one
object per line (``type<TAB>name<TAB>table<TAB>sql``), so tables, columns, constraints, indexes,
triggers and views all take part. The snapshots are generated from the migrations, never at
start-up; after adding a migration regenerate them with::

    python -m mltrack.services.schema_snapshot --write

(``tests/test_schema_snapshot.py`` fails until they match the migrations.)

Opening a database compares its normalised text with the snapshot's (one query and a string
comparison); restore, doctor and a refused open compare object by object and name each
difference. Standard library only: every command opens the database through here.
"""

import os
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # every command reads a snapshot: pathlib (urllib, ipaddress) costs ~3 ms
    from pathlib import Path

SNAPSHOT_FOLDER = os.path.join(os.path.dirname(os.path.realpath(__file__)), "schemas")
BASE = "base"  # the snapshot name of revision "" (an empty alembic_version table)
REGENERATE = "python -m mltrack.services.schema_snapshot --write"

# SQLite makes these itself (ANALYZE, PRAGMA optimize): statistics, not schema. The search
# index (and FTS5's shadow tables) is derived data whose shape depends on the SQLite build:
# an FTS5 table, or a plain one where FTS5 is missing (see ``store.search``).
SCHEMA_SQL = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_stat%' "
    "ESCAPE '\\' AND tbl_name NOT LIKE 'search\\_index%' ESCAPE '\\'"
)
_FIELD, _ROW = "\x00", "\x01"  # not white space to str.split
_ESCAPES = str.maketrans({"\t": "\\t", "\n": "\\n", "\r": "\\r", "\\": "\\\\"})


class SchemaObject:
    """One row of ``sqlite_master``, normalised (a plain class: no dataclass to import on
    every open)."""

    def __init__(self, kind: str, name: str, table: str, sql: str) -> None:
        self.type = kind  # table, index, trigger or view
        self.name = name
        self.table = table
        self.sql = sql  # normalised; "" for SQLite's automatic indexes

    @property
    def label(self) -> str:
        where = f" on {self.table}" if self.type != "table" and self.table != self.name else ""
        return f"{self.type} {self.name}{where}"


def normalise_sql(sql: str | None) -> str:
    """SQL as stored, with the differences that mean nothing taken out: runs of white space
    become one space, none next to brackets and commas, identifier quotes go, and a table's
    named constraints are sorted (a table rebuilt by a migration lists them in no fixed order;
    its columns, which come first, keep theirs). String methods only: every open runs this."""
    if not sql:
        return ""
    text = " ".join(sql.replace('"', "").replace("`", "").split())
    for mark in "(),":
        text = text.replace(" " + mark, mark).replace(mark + " ", mark)
    if text.startswith("CREATE TABLE") and text.endswith(")"):
        columns, *constraints = text[:-1].split(",CONSTRAINT ")
        text = ",CONSTRAINT ".join([columns, *sorted(constraints)]) + ")"
    return text


def schema_text(connection: sqlite3.Connection) -> str:
    """The schema of the open database, one normalised object per line, sorted."""
    return _text(connection.execute(SCHEMA_SQL).fetchall())


def _text(rows: list[tuple[str, str, str, str | None]]) -> str:
    # Every open runs this, so the rows are normalised as one string (each pass of
    # ``normalise_sql`` once, not once per row), then cut into lines again.
    blob = _ROW.join(_FIELD.join((kind, name, table, sql or "")) for kind, name, table, sql in rows)
    if blob.count(_ROW) != len(rows) - 1 or blob.count(_FIELD) != 3 * len(rows):
        # A name holding a separator: the slow way, one row at a time, names escaped.
        lines = [
            "\t".join((kind, name.translate(_ESCAPES), table.translate(_ESCAPES),
                       normalise_sql(sql)))
            for kind, name, table, sql in rows
        ]  # fmt: skip
        return "\n".join(sorted(lines))
    blob = " ".join(blob.replace('"', "").replace("`", "").split())
    for mark in f"(),{_FIELD}{_ROW}":
        blob = blob.replace(" " + mark, mark).replace(mark + " ", mark)
    lines = []
    for row in blob.split(_ROW):
        kind, name, table, sql = row.split(_FIELD)
        if kind == "table" and sql.endswith(")") and sql.startswith("CREATE TABLE"):
            columns, *constraints = sql[:-1].split(",CONSTRAINT ")
            sql = ",CONSTRAINT ".join([columns, *sorted(constraints)]) + ")"
        lines.append(f"{kind}\t{name}\t{table}\t{sql}")
    return "\n".join(sorted(lines))


def __getattr__(name: str) -> "Path":
    """``SNAPSHOT_DIR``, the snapshots' folder as a ``Path``, made when first asked for."""
    if name == "SNAPSHOT_DIR":
        from pathlib import Path

        return Path(SNAPSHOT_FOLDER)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def snapshot_path(revision: str) -> "Path":
    from pathlib import Path

    return Path(snapshot_file(revision))


def snapshot_file(revision: str) -> str:
    return os.path.join(SNAPSHOT_FOLDER, f"{revision or BASE}.schema")


def expected_text(revision: str) -> str | None:
    """The schema revision ``revision`` has ("" for base), or None if none is shipped."""
    try:
        with open(snapshot_file(revision), encoding="utf-8") as file:
            return file.read().strip("\n")
    except FileNotFoundError:
        return None


def parse(text: str) -> dict[tuple[str, str], SchemaObject]:
    objects = {}
    for line in text.splitlines():
        if line:
            kind, name, table, sql = line.split("\t", 3)
            objects[kind, name] = SchemaObject(kind, name, table, sql)
    return objects


def differences(actual: str, expected: str) -> list[str]:
    """Every way the schema ``actual`` differs from ``expected``, most telling first: objects
    missing, objects extra (a trigger, a view), then objects whose definition differs, with
    the clauses (columns, constraints) that differ."""
    have, want = parse(actual), parse(expected)
    found = [f"missing {want[key].label}" for key in _ordered(want.keys() - have.keys())]
    found += [f"extra {have[key].label}" for key in _ordered(have.keys() - want.keys())]
    for key in sorted(have.keys() & want.keys()):
        got, wanted = have[key], want[key]
        if got.table != wanted.table:
            found.append(f"{got.label} belongs to {got.table}, not {wanted.table}")
        elif got.sql != wanted.sql:
            found.append(f"{got.label} differs: {_clause_difference(got.sql, wanted.sql)}")
    return found


_RANK = {"table": 0, "view": 1, "trigger": 2, "index": 3}


def _ordered(keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """Tables first, then views and triggers, indexes last (a missing table's indexes are
    missing because it is)."""
    return sorted(keys, key=lambda key: (_RANK.get(key[0], 4), key[1]))


def _clause_difference(got: str, wanted: str) -> str:
    have, want = _clauses(got), _clauses(wanted)
    missing = [clause for clause in want if clause not in have]
    extra = [clause for clause in have if clause not in want]
    parts = [f"missing {clause}" for clause in missing] + [f"extra {clause}" for clause in extra]
    return "; ".join(parts) if parts else f"{got!r} instead of {wanted!r}"


def _clauses(sql: str) -> list[str]:
    """The top-level comma-separated parts of the outermost brackets (a table's columns and
    constraints), or the statement itself when it has none."""
    start = sql.find("(")
    if start < 0:
        return [sql]
    parts, depth, quote, current = [], 0, "", []
    for char in sql[start + 1 :]:
        if quote:
            quote = "" if char == quote else quote
        elif char == "'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


class SchemaMismatch(Exception):
    """The database's schema is not the one its revision has; ``problems`` lists each way."""

    def __init__(self, revision: str, problems: list[str]):
        self.revision = revision
        self.problems = problems
        super().__init__(problems[0] if problems else "schema differs")


def check_schema(connection: sqlite3.Connection, revision: str) -> None:
    """Raise SchemaMismatch unless the open database has exactly revision ``revision``'s
    schema; the quick comparison first, the object-by-object one only when it differs."""
    actual = schema_text(connection)
    expected = expected_text(revision)
    if expected is None:
        raise SchemaMismatch(revision, [f"no schema snapshot is shipped for {revision!r}"])
    if actual != expected:
        raise SchemaMismatch(revision, differences(actual, expected) or ["schema differs"])
