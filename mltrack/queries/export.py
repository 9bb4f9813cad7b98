"""The learner data as export sections: portable SQL generated from ``mltrack.learner_data``.

Rows are streamed, one at a time, in a stable order; references are translated to natural keys
(learner name, item slug) and positions in SQL, so nothing proportional to the history is held
in Python.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mltrack.learner_data import SECTIONS, SECTIONS_BY_NAME, Ref, RowRef, Section
from mltrack.queries.reader import Reader, Row


@dataclass(frozen=True)
class ExportSection:
    name: str
    rows: Iterator[dict[str, Any]]


def export_sections(reader: Reader) -> Iterator[ExportSection]:
    """Every section of learner data, in file order; run inside ``reader.snapshot()``."""
    for section in SECTIONS:
        yield ExportSection(section.name, _rows(reader, section))


def section_sql(section: Section) -> str:
    """SELECT the section's fields, references translated, in export order."""
    source, expressions = _source(section)
    columns = []
    for index, field in enumerate(section.fields):
        if isinstance(field, RowRef):
            alias = f"n{index}"
            source += (
                f" LEFT JOIN ({_numbered(SECTIONS_BY_NAME[field.section])}) {alias}"
                f" ON {alias}.id = t.{field.column}"
            )
            columns.append(f'{alias}.position AS "{field.field}"')
        else:
            name = field if isinstance(field, str) else field.field
            columns.append(f'{expressions.get(name, f"t.{name}")} AS "{name}"')
    return (
        f"SELECT {', '.join(columns)} FROM {source}{_where(section)} "
        f"ORDER BY {_order(section, expressions)}"
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
    return {key: _json_value(value) for key, value in record.items()}


def _json_value(value: Any) -> Any:
    # sqlite3 gives dates back as the ISO text they are stored as; another driver may not.
    return (
        value
        if value is None or isinstance(value, str | int | float | bool | dict)
        else (str(value))
    )


def _source(section: Section) -> tuple[str, dict[str, str]]:
    """FROM the section's table joined to each table it names by key; the key expressions."""
    source, expressions = f"{section.table} t", {}
    for index, field in enumerate(section.fields):
        if isinstance(field, Ref):
            alias = f"r{index}"
            source += f" LEFT JOIN {field.table} {alias} ON {alias}.id = t.{field.column}"
            expressions[field.field] = f"{alias}.{field.key}"
    return source, expressions


def _numbered(section: Section) -> str:
    """The id and export position (from 0) of each row of ``section``."""
    source, expressions = _source(section)
    order = _order(section, expressions)
    return (
        f"SELECT t.id, ROW_NUMBER() OVER (ORDER BY {order}) - 1 AS position "
        f"FROM {source}{_where(section)}"
    )


def _where(section: Section) -> str:
    """Only learner data: rows that belong to a learner (not, e.g., the seeded items)."""
    if section.owner is None:
        return ""
    owner = section.field(section.owner)
    return f" WHERE t.{owner.column} IS NOT NULL" if isinstance(owner, Ref) else ""


def _order(section: Section, expressions: dict[str, str]) -> str:
    return ", ".join(expressions.get(name, f"t.{name}") for name in section.order)
