"""The learner data as export sections: portable SQL generated from the export format.

Rows are streamed, one at a time, in a stable order; references are translated to natural keys
(learner name, item slug) and positions in SQL, so nothing proportional to the history is held
in Python.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from mltrack.formats.export_format import SECTIONS, SECTIONS_BY_NAME, Ref, Section, column_of
from mltrack.queries.reader import Reader, Row


@dataclass(frozen=True)
class ExportSection:
    name: str
    rows: Iterator[dict[str, Any]]
    # Or the records already encoded, one JSON object per item (ASCII only).
    lines: Iterator[str] | None = None


def export_sections(reader: Reader) -> Iterator[ExportSection]:
    """Every section of learner data, in file order; run inside ``reader.snapshot()``.

    A section with a JSON column (the journal, which is most of the file) comes as lines
    the database encodes itself (``json_object``), the stored JSON put in as it is: decoding
    each row's data and encoding it again took most of an export's time."""
    dialect = getattr(reader, "dialect", "sqlite")
    for section in SECTIONS:
        if section.json and not section.flags:
            yield ExportSection(section.name, iter(()), _lines(reader, section, dialect))
        else:
            yield ExportSection(section.name, _rows(reader, section))


# The two engines' names for the same JSON functions: the one place the export's SQL differs.
_JSON_SQL = {
    "sqlite": ("json_object({})", "json({})"),
    "postgresql": ("json_build_object({})::text", "({})::json"),
}


def section_lines_sql(section: Section, dialect: str = "sqlite") -> str:
    """SELECT each record of the section as one JSON object (``line``), in export order."""
    json_object, json_value = _JSON_SQL[dialect]
    source, expressions = _source(section, [*section.field_names(), *section.order])
    pairs = ", ".join(
        f"'{name}', {json_value.format(expressions[name])}" if name in section.json
        else f"'{name}', {expressions[name]}"
        for name in section.field_names()
    )  # fmt: skip
    order = _order(section, expressions)
    return (
        f"SELECT {json_object.format(pairs)} AS line "
        f"FROM {source}{_where(section)} ORDER BY {order}"
    )


def _lines(reader: Reader, section: Section, dialect: str) -> Iterator[str]:
    # SQLite's text is the file's compact form already; PostgreSQL's json_build_object puts
    # spaces around its separators and keeps the stored data's own, so its lines take the
    # slower way, decoded and encoded again (same records, same bytes).
    fast = dialect == "sqlite"
    for row in reader.stream(section_lines_sql(section, dialect)):
        line = row["line"]
        # The file is ASCII (every other character escaped), which neither engine does.
        yield (
            line if fast and line.isascii() else json.dumps(json.loads(line), separators=(",", ":"))
        )


def section_sql(section: Section) -> str:
    """SELECT the section's fields, references translated, in export order."""
    source, expressions = _source(section, [*section.field_names(), *section.order])
    columns = ", ".join(f'{expressions[name]} AS "{name}"' for name in section.field_names())
    return (
        f"SELECT {columns} FROM {source}{_where(section)} ORDER BY {_order(section, expressions)}"
    )


def _rows(reader: Reader, section: Section) -> Iterator[dict[str, Any]]:
    for row in reader.stream(section_sql(section)):
        yield _plain(section, row)


def _plain(section: Section, row: Row) -> dict[str, Any]:
    record = dict(row)
    for name in section.flags:
        record[name] = bool(record[name])
    for name in section.json:
        if record[name] is not None:
            record[name] = json.loads(record[name])
    for name, value in record.items():
        # sqlite3 gives dates back as the ISO text they are stored as; another driver may not.
        if isinstance(value, date):
            record[name] = value.isoformat()
    return record


def _source(section: Section, names: list[str]) -> tuple[str, dict[str, str]]:
    """FROM the section's table, joined to what the fields ``names`` refer to; the SQL
    expression of every field and column (a slug for a Ref, a position for a RowRef)."""
    source = f"{section.table} t"
    expressions = {name: f"t.{name}" for name in names}  # plain columns, e.g. "id"
    for index, field in enumerate(section.fields):
        if isinstance(field, str) or field.field not in names:
            continue
        alias = f"r{index}"
        if isinstance(field, Ref):
            source += f" LEFT JOIN {field.table} {alias} ON {alias}.id = t.{field.column}"
            expressions[field.field] = f"{alias}.{field.key}"
        else:
            numbered = _numbered(SECTIONS_BY_NAME[field.section])
            source += f" LEFT JOIN ({numbered}) {alias} ON {alias}.id = t.{field.column}"
            expressions[field.field] = f"{alias}.position"
    return source, expressions


def _numbered(section: Section) -> str:
    """The id and export position (from 0) of each row of ``section``."""
    source, expressions = _source(section, list(section.order))
    order = _order(section, expressions)
    return (
        f"SELECT t.id, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS position "
        f"FROM {source}{_where(section)}"
    )


def _where(section: Section) -> str:
    """Only learner data: rows that belong to a learner (not, e.g., the seeded items)."""
    if section.owner is None or not isinstance(section.field(section.owner), Ref):
        return ""  # the learners, or rows of rows that belong to a learner
    return f" WHERE t.{column_of(section.field(section.owner))} IS NOT NULL"


def _order(section: Section, expressions: dict[str, str]) -> str:
    return ", ".join(expressions[name] for name in section.order)
