"""``mltrack import``: an export file's learner data into the database, in one transaction.

Nothing stays written unless the whole file passes (one transaction), and the first bad value
is reported by its path into the JSON (``journal[3].action: ...``). A file laid out as
``export`` writes it (one record per line) is streamed (``import_file``): memory is bounded by
a batch of ``BATCH`` entries, whatever the file's length; any other file is read whole.

Loading (``load_export``, or each line when streamed) refuses what no export holds, whatever
the field: bytes that are not UTF-8, nesting deeper than ``MAX_JSON_DEPTH``, duplicate keys,
numbers beyond 64 bits or not finite, NaN and Infinity, lone
surrogates and text longer than ``MAX_TEXT`` (``mltrack.core.limits``). Then each value is
checked against its model column (type, null, enum, unique, the range and text rules of
``mltrack.core.limits``); a reference must name a row of the file or, for the shared pathway
(seeded items, steps, areas), a row of the database. Learner names are unique without regard
to case, and a day holds at most 24 hours of study, as when typed.

Conflicts are decided per learner. A learner of the file who is not in the database is added;
one who is there with no data yet (the "me" of a fresh database) is taken over, profile
included. One who already has data is a conflict, reported before anything changes, unless
``replace`` is set: then that learner's data is deleted and the file's written in its place.
Learners the file does not name are never touched. An own item whose slug another item of the
database already has is a conflict too.
"""

import json
import math
import re
import sqlite3
import typing
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, partial
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, insert, inspect, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mltrack.core.changes import ImportSummary
from mltrack.core.dates import format_minutes
from mltrack.core.errors import InputError, MltrackError, NotFoundError
from mltrack.core.graphs import find_cycle
from mltrack.core.limits import (
    INT64_MAX,
    INT64_MIN,
    LAST_YEAR,
    MAX_DAY_MINUTES,
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    MAX_TEXT,
    MULTILINE_COLUMNS,
    check_range,
    check_text,
    column_range,
    lone_surrogate,
    name_key,
)
from mltrack.core.matching import closest_slugs
from mltrack.core.money import parse_currency
from mltrack.core.vocabulary import JOURNAL_ACTIONS, JournalKind, MetaAction, Vocabulary
from mltrack.formats import journal_shape, legacy
from mltrack.formats.export_format import (
    FORMAT,
    OLDEST_VERSION,
    SECTION_OF_TABLE,
    SECTIONS,
    SECTIONS_BY_NAME,
    VERSION,
    Field,
    Ref,
    RowRef,
    Section,
    column_of,
    name_of,
)
from mltrack.models import Base
from mltrack.queries.reader import SqliteWriter, borrowed_writer
from mltrack.services.journal import rebuild
from mltrack.services.learners import check_learner_name
from mltrack.store.files import regular_file
from mltrack.store.journal_rows import BATCH, batches, write_journal

# Rules a column's type does not say, by (table, column): each raises InputError.
VALUE_CHECKS: dict[tuple[str, str], Callable[[Any], None]] = {
    ("learner", "name"): check_learner_name,
    ("study_session", "week_start"): lambda value: check_monday(value),
    ("cert_event", "currency"): lambda value: check_currency(value),
}
# JSON columns holding a row as it was, which undo puts back: (table, column) -> the row's
# table and the fields the snapshot holds (none since format 2).
SNAPSHOTS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}
JOURNAL = SECTIONS_BY_NAME["journal"]
_JOURNAL_FIELDS = tuple(JOURNAL.field_names())
_JOURNAL_FIELD_SET = frozenset(_JOURNAL_FIELDS)
# What every journal record holds (not null), and the fields that are text (or null).
_REQUIRED = ("uid", "learner", "kind", "action", "subject", "on_date", "recorded_at", "data")
_TEXT_FIELDS = ("uid", "subject", "learner", "kind", "action", "recorded_at")
_TEXT_OR_NULL_FIELDS = ("item", "target", "group", "superseded_by", "flag")
_TEXT_VALUES, _TEXT_OR_NULL_VALUES = itemgetter(*_TEXT_FIELDS), itemgetter(*_TEXT_OR_NULL_FIELDS)
_TEXT_TYPES, _TEXT_OR_NULL_TYPES = frozenset((str,)), frozenset((str, type(None)))
_KINDS = JournalKind.members_by_value
# The sections written row for row; the journal is checked and written in batches.
TABLE_SECTIONS = tuple(section for section in SECTIONS if section is not JOURNAL)
_ACTIONS = frozenset(member for enum in JOURNAL_ACTIONS for member in enum)
# Everything a learner's journal projects into, cleared before the journal is replaced.
_PROJECTIONS_SQL = (
    "DELETE FROM study_session WHERE learner_id = :learner_id",
    "DELETE FROM reading_entry WHERE learner_id = :learner_id",
    "DELETE FROM progress WHERE learner_id = :learner_id",
    "DELETE FROM cert_goal WHERE learner_id = :learner_id",
    "DELETE FROM project_area WHERE project_id IN "
    "(SELECT id FROM project WHERE learner_id = :learner_id)",
    "DELETE FROM project WHERE learner_id = :learner_id",
    "DELETE FROM learner_prerequisite WHERE learner_id = :learner_id",
    "DELETE FROM learner_day WHERE learner_id = :learner_id",
    "DELETE FROM review_card WHERE learner_id = :learner_id",
    "DELETE FROM item_note WHERE learner_id = :learner_id",
    "DELETE FROM search_index WHERE learner_id = :learner_id",
    "DELETE FROM study_week WHERE learner_id = :learner_id",
    "DELETE FROM item_time WHERE learner_id = :learner_id",
)
_ORDERINGS_SQL = """
    SELECT i.slug AS item, r.slug AS requires FROM item_prerequisite p
    JOIN item i ON i.id = p.item_id JOIN item r ON r.id = p.requires_id
    UNION ALL
    SELECT i.slug, r.slug FROM learner_prerequisite p
    JOIN item i ON i.id = p.item_id JOIN item r ON r.id = p.requires_id
    WHERE p.learner_id = :learner_id
"""
_FULL_DAYS_SQL = """
    SELECT on_date FROM study_session WHERE learner_id = :learner_id
    GROUP BY on_date HAVING SUM(minutes) > :most ORDER BY on_date LIMIT 1
"""
_DAY_SESSIONS_SQL = """
    SELECT journal_id, on_date, minutes FROM study_session
    WHERE learner_id = :learner_id AND on_date = :on ORDER BY journal_id
"""
Record = dict[str, Any]  # a row as in the file: field name -> checked value
_MISSING = object()


class InvalidExportFile(InputError):
    """Not a valid export file; the message starts with the path of the first bad value."""


class ImportConflict(MltrackError):
    """The file's data clashes with the database's (a learner with data, an item's slug)."""


@dataclass(frozen=True)
class _Rule:
    """What a model column accepts."""

    kind: type  # str, int, float, bool, date or a Vocabulary
    nullable: bool
    optional: bool  # may be left out of a record: null, or the column's default
    unique: bool


@dataclass(frozen=True)
class _Column:
    """A field of a section and its column."""

    field: Field
    name: str  # in the file
    column: str  # in the table
    rule: _Rule
    json: bool
    check: Callable[[Any], None] | None


def load_export(path: Path) -> Any:
    """The export file parsed as strict JSON within the limits (see the module's docstring);
    ``import_data`` checks the rest.

    Only a regular file: a FIFO would block and a device (``/dev/zero``) never end."""
    if not regular_file(path, "an export file"):
        raise InvalidExportFile(f"{path} does not exist")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        byte = data[error.start]
        raise InvalidExportFile(
            f"{path} is not UTF-8 text (byte 0x{byte:02x} at offset {error.start})"
        ) from None
    return parse_export(text, str(path))


def parse_export(text: str, name: str = "the file") -> Any:
    """``text`` parsed as JSON and checked by ``check_json``; InvalidExportFile otherwise."""
    try:
        document = _loads(text)
    except json.JSONDecodeError as error:
        raise InvalidExportFile(f"{name} is not valid JSON ({error})") from None
    except RecursionError:  # far past MAX_JSON_DEPTH, which check_json reports with its path
        raise InvalidExportFile(
            f"{name} is nested more than {MAX_JSON_DEPTH} levels deep"
        ) from None
    check_json(document)
    return document


def _loads(text: str) -> Any:
    """Strict JSON: see ``check_json`` for what the hooks let it report."""
    return json.loads(
        text, object_pairs_hook=_JsonObject.of, parse_int=_json_int,
        parse_float=_json_float, parse_constant=_JsonRefused.constant,
    )  # fmt: skip


class _JsonObject(dict[str, Any]):
    """A JSON object as parsed, remembering a key it held twice (``json`` keeps the last)."""

    duplicate: str | None = None

    @classmethod
    def of(cls, pairs: list[tuple[str, Any]]) -> "_JsonObject":
        found = cls(pairs)
        if len(found) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    found.duplicate = key
                    break
                seen.add(key)
        return found


class _JsonRefused:
    """A number parsed but refused, reported with its path by ``check_json``."""

    def __init__(self, reason: str):
        self.reason = reason

    @classmethod
    def constant(cls, text: str) -> "_JsonRefused":
        return cls(f"{text} is not a JSON number")


def _json_int(text: str) -> int | _JsonRefused:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:  # int() of thousands of digits is slow, then refused
        return _JsonRefused(f"a whole number of {digits:,} digits; at most 64 bits")
    return int(text)


def _json_float(text: str) -> float | _JsonRefused:
    value = float(text)
    if not math.isfinite(value):
        return _JsonRefused(f"{_shown(text)} is too large a number")
    return value


def check_json(value: Any, at: str = "", depth: int = 1) -> None:
    """Raise InvalidExportFile, naming the path, for what no export file holds whatever the
    field: nesting deeper than ``MAX_JSON_DEPTH``, a key given twice, a number refused while
    parsing or beyond 64 bits, a lone surrogate or text longer than ``MAX_TEXT``."""
    if isinstance(value, str):
        _check_json_text(value, at or "the document")
    elif isinstance(value, _JsonRefused):
        raise InvalidExportFile(f"{at or 'the document'}: {value.reason}")
    elif type(value) is int and not INT64_MIN <= value <= INT64_MAX:
        raise InvalidExportFile(f"{at or 'the document'}: {_shown(value)} is beyond 64 bits")
    elif isinstance(value, dict | list):
        if depth > MAX_JSON_DEPTH:
            raise InvalidExportFile(
                f"{at or 'the document'}: nested more than {MAX_JSON_DEPTH} levels deep"
            )
        if isinstance(value, list):
            for index, element in enumerate(value):
                check_json(element, f"{at}[{index}]", depth + 1)
            return
        if isinstance(value, _JsonObject) and value.duplicate is not None:
            raise InvalidExportFile(
                f"{_key_path(at, value.duplicate)}: the key is given more than once"
            )
        for key, element in value.items():
            path = _key_path(at, key)
            _check_json_text(key, path)
            check_json(element, path, depth + 1)


def _key_path(at: str, key: str) -> str:
    shown = key if key.isidentifier() and key.isascii() else json.dumps(key)
    return f"{at}.{shown}" if at else shown


def _check_json_text(text: str, at: str) -> None:
    if len(text) > MAX_TEXT:
        raise InvalidExportFile(f"{at}: text of {len(text):,} characters; at most {MAX_TEXT:,}")
    index = lone_surrogate(text)
    if index is not None:
        raise InvalidExportFile(
            f"{at}: a lone surrogate (U+{ord(text[index]):04X} at character {index + 1}); "
            "text must be valid Unicode"
        )


def import_data(session: Session, document: Any, replace: bool = False) -> ImportSummary:
    """Check the whole document, then write it; on any problem nothing is written.

    A file of format 1 is converted first (``formats.legacy``, as migration 0007 converts a
    database): its entries that break today's rules are kept with a flag. A file of format 2
    must hold journals that mltrack could have written: each subject's entries replay."""
    version, raw = _sections(document)
    connection = session.connection().connection.driver_connection
    if version == 1:
        try:
            journal = legacy.journal_records(raw, legacy.portfolio_item(connection))
        except legacy.BadLegacyValue as error:
            raise InvalidExportFile(str(error)) from None
        raw = {"learners": raw.get("learners", []), "items": raw.get("items", []),
               "journal": journal}  # fmt: skip
    return _import(session, raw, replace, strict=version > 1)


def _import(
    session: Session,
    raw: dict[str, Iterable[Any]],
    replace: bool,
    strict: bool,
    expected: int = 0,
) -> ImportSummary:
    """Check the table sections (small: read whole), then check and write the journal batch
    by batch as ``raw["journal"]`` yields its records (an iterator for a streamed file)."""
    importer = _Importer(session, replace, expected)
    for section in TABLE_SECTIONS:
        importer.check_section(section, list(raw.get(section.name, [])))
    written = importer.write(importer.check_journal(raw.get(JOURNAL.name, [])), strict=strict)
    counts = [(name, len(records)) for name, records in importer.records.items()]
    return ImportSummary(counts=(*counts, (JOURNAL.name, written)),
                         replaced=tuple(importer.replaced))  # fmt: skip


def import_file(session: Session, path: Path, replace: bool = False) -> ImportSummary:
    """Import the export file at ``path``: streamed, one record per line, when it is laid out
    as ``mltrack export`` writes it (memory bounded by a batch, not by the file); otherwise
    (format 1, a file written by hand or another tool) read whole by ``load_export``, up to
    ``WHOLE_FILE_LIMIT`` bytes. All or nothing either way: the caller's transaction is rolled
    back on any refusal, even one found at the file's last line."""
    if not regular_file(path, "an export file"):
        raise InvalidExportFile(f"{path} does not exist")
    bind = session.connection()
    # SAVEPOINT is the same SQL on both engines; on SQLite it goes to the driver's connection,
    # as the journal's batches do.
    if bind.dialect.name == "sqlite":
        connection: Any = bind.connection.driver_connection
        # The journal's indexes take most of the writing: a page cache of IMPORT_CACHE_KIB
        # keeps their hot pages (the default 2 MiB does not), and its cap keeps memory flat.
        connection.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    else:
        connection = _DriverSql(bind)
    connection.execute("SAVEPOINT import_stream")
    try:
        with path.open("rb") as file:
            expected = path.stat().st_size // JOURNAL_LINE_BYTES
            summary = _import_lines(session, _ExportLines(file, str(path)), replace, expected)
    except _NotLineLayout as layout:
        # Nothing streamed so far stays; the whole file is read the ordinary way instead.
        connection.execute("ROLLBACK TO SAVEPOINT import_stream")
        connection.execute("RELEASE SAVEPOINT import_stream")
        size = path.stat().st_size
        if size > WHOLE_FILE_LIMIT and not (layout.legacy or _legacy_start(path)):
            raise InvalidExportFile(
                f"{path}, line {layout.line}: {layout}; a file not laid out one record per "
                f"line, as mltrack export writes it, is read whole, up to "
                f"{WHOLE_FILE_LIMIT >> 20} MiB (this one has {size / 2**20:,.0f} MiB)"
            ) from None
        return import_data(session, load_export(path), replace)
    connection.execute("RELEASE SAVEPOINT import_stream")
    return summary


class _DriverSql:
    """``execute(sql)`` on a SQLAlchemy connection, as on a sqlite3 one (PostgreSQL)."""

    def __init__(self, bind: Any):
        self.bind = bind

    def execute(self, sql: str) -> None:
        self.bind.exec_driver_sql(sql)


# How a format-1 file begins (it has no line layout of its own: it is read whole, as always).
_LEGACY_START = re.compile(
    rb'\s*\{\s*"format"\s*:\s*"mltrack-export"\s*,\s*"version"\s*:\s*1\s*[,}]'
)


def _legacy_start(path: Path) -> bool:
    with path.open("rb") as file:
        return _LEGACY_START.match(file.read(4096)) is not None


def _import_lines(
    session: Session, lines: "_ExportLines", replace: bool, expected: int = 0
) -> ImportSummary:
    header = lines.header()
    version, _ = _sections(header)
    if version != VERSION:
        # Format 1 files (small, from before the journal) are converted whole, as always.
        raise _NotLineLayout(lines.number, f"format version {version} is read whole", legacy=True)
    raw: dict[str, Iterable[Any]] = {}
    for section in SECTIONS:
        rows = lines.section(section.name)
        raw[section.name] = rows if section is JOURNAL else list(rows)
    summary = _import(session, raw, replace, strict=True, expected=expected)
    lines.end()
    return summary


IMPORT_CACHE_KIB = 8192
# Fewer bytes than a journal line of an export takes (about 300): the file's size over this is
# more entries than the file can hold, an estimate for ``_Importer._defer_indexes``.
JOURNAL_LINE_BYTES = 200
# Entries from which building the journal's indexes once, after the rows, beats keeping them
# up to date row by row (when the journal holds fewer rows than the file brings).
DEFER_INDEXES_FROM = 20_000
SORT_CACHE_KIB = 2048
MAX_LINE = 1 << 20  # bytes in one line of an export file: its longest record is far shorter
# Bytes of a format-2 file read whole (not laid out one record per line): parsed whole, a file
# takes several times its size in memory, and this keeps that within the import's bound.
WHOLE_FILE_LIMIT = 8 << 20


class _NotLineLayout(Exception):
    """The file is not laid out one record per line as ``export_chunks`` writes it."""

    def __init__(self, line: int, reason: str, legacy: bool = False):
        super().__init__(reason)
        self.line, self.legacy = line, legacy


class _ExportLines:
    """An export file read line by line, each line at most ``MAX_LINE`` bytes: the header
    lines (``"format": ...,``), then each section's opening line (``"learners": [``), one
    record per line (``{...},``) and its closing line (``]``), then ``}``. Each record is
    parsed and checked as ``parse_export`` checks a whole file (depth, duplicate keys,
    numbers, text), and its refusals name the record as in a whole file (``journal[3]``)."""

    def __init__(self, file: typing.BinaryIO, name: str):
        self.file, self.name, self.number = file, name, 0
        # Bytes read so far, counted rather than asked (``tell`` per line costs as much as
        # reading the line): a message names the offset of a byte that is not UTF-8.
        self.offset = file.tell()
        self.comma = True  # whether the line before allows another value to follow

    def _next(self) -> str | None:
        """The next line that is not blank, stripped; None at the end of the file."""
        while True:
            raw = self.file.readline(MAX_LINE + 1)
            if not raw:
                return None
            offset = self.offset
            self.offset += len(raw)
            self.number += 1
            if len(raw) > MAX_LINE:
                raise _NotLineLayout(self.number, f"a line longer than {MAX_LINE:,} bytes")
            try:
                line = raw.decode("utf-8").strip(" \t\r\n")
            except UnicodeDecodeError as error:
                raise InvalidExportFile(
                    f"{self.name} is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset "
                    f"{offset + error.start})"
                ) from None
            if line:
                return line

    def _expect_value(self, line: str) -> str:
        """``line`` without its trailing comma; a value must follow a comma (or an opening)."""
        if not self.comma:
            raise _NotLineLayout(self.number, "expected a comma at the end of the line before")
        self.comma = line.endswith(",")
        return line[:-1] if self.comma else line

    def header(self) -> dict[str, Any]:
        """``format`` and ``version``, from the lines after the opening ``{``."""
        if self._next() != "{":
            raise _NotLineLayout(self.number, 'expected "{" alone on the first line')
        found: dict[str, Any] = {}
        for key in ("format", "version"):
            line = self._next()
            if line is None or not line.startswith(f'"{key}"'):
                raise _NotLineLayout(self.number, f'expected "{key}": ...')
            found.update(self._parse("{" + self._expect_value(line) + "}", ""))
        return found

    def section(self, name: str) -> Iterator[Any]:
        """Read the opening line of section ``name``; then iterate over its records (the
        caller reads them all before the next section)."""
        line = self._next()
        opening = f'"{name}": ['
        if line is None or not line.startswith(opening):
            raise _NotLineLayout(self.number, f"expected {opening}")
        rest = self._expect_value(line)[len(opening) :].strip()
        if rest not in ("", "]"):
            raise _NotLineLayout(self.number, f"expected the records of {name} on the lines after")
        return self._records(name, closed=rest == "]")

    def _records(self, name: str, closed: bool) -> Iterator[Any]:
        after = self.comma
        self.comma = True
        index = 0
        while not closed:
            line = self._next()
            if line is None:
                raise _NotLineLayout(self.number, f"the file ends inside {name} (truncated?)")
            if line in ("]", "],"):
                if self.comma and index:
                    raise _NotLineLayout(self.number, "a comma after the last record")
                self.comma = line == "],"
                break
            if not line.startswith("{"):
                raise _NotLineLayout(self.number, f"expected one record of {name} per line")
            yield self._parse(self._expect_value(line), f"{name}[{index}]", depth=3)
            index += 1
        else:
            self.comma = after

    def end(self) -> None:
        """The closing ``}`` and nothing after it."""
        line = self._next()
        if line != "}" or self.comma:
            raise _NotLineLayout(self.number, 'expected "}" closing the export after its sections')
        if self._next() is not None:
            raise _NotLineLayout(self.number, 'something after the closing "}"')

    def _parse(self, text: str, at: str, depth: int = 1) -> Any:
        try:
            if _plain(text, depth):
                try:
                    return _loads_plain(text)
                except _Refused:
                    pass  # parsed again below, to name the value refused
            value = _loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise _NotLineLayout(self.number, f"not one JSON record ({error})") from None
        check_json(value, at, depth)
        return value


# A JSON escape of a UTF-16 surrogate: the only way a line that decoded as UTF-8 holds one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _plain(text: str, depth: int) -> bool:
    """Whether ``text`` (a line that decoded as UTF-8) cannot break the text and depth rules of
    ``check_json``: no text longer than the line, no surrogate escape, fewer brackets than
    the depth allowed. Most records are: they skip the walk through every value."""
    return (
        len(text) <= MAX_TEXT
        and text.count("{") + text.count("[") + depth <= MAX_JSON_DEPTH
        # A plain substring test first: most lines hold no escape at all.
        and ("\\u" not in text or _SURROGATE_ESCAPE.search(text) is None)
    )


class _Refused(Exception):
    """A value ``check_json`` would refuse, met while parsing a plain line."""


def _plain_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):
        raise _Refused
    return found


def _plain_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _Refused
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise _Refused
    return value


def _plain_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused
    return value


def _refuse_constant(text: str) -> None:
    raise _Refused


def _loads_plain(text: str) -> Any:
    """``text`` (stripped, as a line is) parsed as ``_loads`` and ``check_json`` would accept
    it; _Refused when they would not, or when it is not exactly one JSON value (the caller
    parses it again with them, for the value refused or the message).

    The decoder's scanner is called directly: ``decode`` around it matches whitespace with
    a regular expression at both ends, which costs a third of the parsing of a line."""
    try:
        value, end = _PLAIN_SCAN(text, 0)
    except StopIteration:  # no JSON value where one is due: the full parse says where
        raise _Refused from None
    if end != len(text):
        raise _Refused
    return value


# One decoder for every line: ``json.loads`` with hooks builds a new one per call.
_PLAIN_SCAN = json.JSONDecoder(
    object_pairs_hook=_plain_object, parse_int=_plain_int, parse_float=_plain_float,
    parse_constant=_refuse_constant,
).scan_once  # fmt: skip


def _sections(document: Any) -> tuple[int, dict[str, list[Any]]]:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidExportFile(f'not an mltrack export (no "format": "{FORMAT}")')
    version = document.get("version")
    if type(version) is not int or version < OLDEST_VERSION:
        raise InvalidExportFile(f"version: expected a whole number, got {version!r}")
    if version > VERSION:
        raise InvalidExportFile(
            f"version: {version} is newer than this mltrack reads ({VERSION}); upgrade mltrack"
        )
    known = legacy.FORMAT1_SECTIONS if version == 1 else tuple(SECTIONS_BY_NAME)
    sections = {key: value for key, value in document.items() if key not in ("format", "version")}
    for key, value in sections.items():
        if key not in known:
            raise InvalidExportFile(f"{key}: unknown section; expected {', '.join(known)}")
        if not isinstance(value, list):
            raise InvalidExportFile(f"{key}: expected a list of records")
    return version, sections


_LOOKUP = 500  # uids looked up by one query (SQLite takes 32,766 parameters, PostgreSQL 65,535)


def _named_entries(batch: list[Any]) -> set[str]:
    """The uids the records of ``batch`` name as their target or group (few: undo and amend
    entries, linked changes)."""
    return {uid for raw in batch if isinstance(raw, dict)
            for uid in (raw.get("target"), raw.get("group")) if isinstance(uid, str)}  # fmt: skip


class _Importer:
    def __init__(self, session: Session, replace: bool, expected: int = 0):
        self.session = session
        self.replace = replace
        self.expected = expected  # about how many journal entries the file holds, at most
        self.replaced: list[str] = []
        self.taken_over: dict[str, int] = {}  # learners of the file already in the database
        self.records: dict[str, list[Record]] = {}  # section -> checked records
        self.owners: dict[str, dict[Any, Any]] = {}  # table -> key in the file -> its learner
        self.shared: dict[str, dict[Any, int]] = {}  # table -> key -> id of pathway rows
        self.ids: dict[str, list[int]] = {}  # section -> ids in file order, once written
        self.key_ids: dict[str, dict[Any, int]] = {}  # table -> key -> id, once written
        self.day_minutes: dict[tuple[str, date], int] = {}  # (learner, day) -> study minutes
        self.name_keys: dict[str, str] = {}  # name_key -> the path of the learner it names
        self.first = 0  # the id of the first journal entry written, once known (``write``)
        self.now = datetime.now(UTC)  # no entry of the file was recorded after this

    # Checking: nothing is written until every record has passed.

    def check_section(self, section: Section, raw_rows: list[Any]) -> None:
        records: list[Record] = []
        self.records[section.name] = records
        seen: dict[tuple[Any, ...], int] = {}
        names = section.field_names()
        for index, raw in enumerate(raw_rows):
            at = f"{section.name}[{index}]"
            record = self._check_record(section, names, index, raw, at)
            self._check_unique(section, record, at, index, seen)
            self._check_database(section, record, at)
            if section.table == "study_session":
                self._check_day(record, at)
            records.append(record)
        if len(section.key) == 1:
            [key] = section.key
            self.owners[section.table] = {r[key]: self._learner_of(section, r) for r in records}

    def _learner_of(self, section: Section, record: Record) -> Any:
        """The name of the learner a checked record belongs to."""
        if section.owner is None:
            return record[section.key[0]]
        owner = section.field(section.owner)
        if isinstance(owner, RowRef):  # a row of a row that belongs to a learner
            parent = SECTIONS_BY_NAME[owner.section]
            return self._learner_of(parent, self.records[owner.section][record[owner.field]])
        return record[owner.field]

    def _check_record(
        self, section: Section, names: list[str], index: int, raw: Any, at: str
    ) -> Record:
        if not isinstance(raw, dict):
            raise InvalidExportFile(f"{at}: expected an object")
        for key in raw:
            if key not in names:
                raise InvalidExportFile(
                    f"{_key_path(at, key)}: unknown field; expected {', '.join(names)}"
                )
        record: Record = {}
        for column in _columns(section.name):
            value = raw.get(column.name, _MISSING)
            if value is _MISSING:
                if not column.rule.optional:
                    raise InvalidExportFile(f"{at}.{column.name}: missing")
                if column.rule.nullable:
                    record[column.name] = None
                continue  # else the column's default applies
            try:
                record[column.name] = self._value(section, column, value, index, record)
            except (InputError, ValueError) as error:
                raise InvalidExportFile(f"{at}.{column.name}: {error}") from None
        if section.owner is not None and record.get(section.owner) is None:
            # A column that may be NULL in the table (the seeded items have no learner), but
            # every row of a file is learner data.
            raise InvalidExportFile(f"{at}.{section.owner}: must name the row's owner, not null")
        return record

    def _value(
        self, section: Section, column: _Column, value: Any, index: int, record: Record
    ) -> Any:
        if value is None:
            if not column.rule.nullable:
                raise ValueError("must not be null")
            return None
        if isinstance(column.field, Ref):
            return self._reference(section, column.field, value, record)
        if isinstance(column.field, RowRef):
            return self._position(section, column.field, value, index, record)
        converted = value if column.json else _convert(column.rule.kind, value)
        if column.check is not None:  # first: its message is the more precise
            column.check(converted)
        if not column.json:
            _check_limits(section.table, column.column, column.rule.kind, converted)
        return json.dumps(value) if column.json else converted

    def _reference(self, section: Section, field: Ref, value: Any, record: Record) -> str:
        if not isinstance(value, str):
            raise ValueError(f"expected the {field.key} of a {field.table}, got {_shown(value)}")
        in_file = self.owners.get(field.table, {})
        if value in in_file:
            owner = in_file[value]
            if field.field != section.owner and owner != self._learner_of(section, record):
                raise ValueError(f"{field.table} {value!r} belongs to learner {owner!r}")
            return value
        shared = self._shared(field.table)
        if value not in shared:
            choices = [(key, key) for key in [*in_file, *shared]]
            raise ValueError(str(NotFoundError(field.table, value, closest_slugs(value, choices))))
        return value

    def _position(
        self, section: Section, field: RowRef, value: Any, index: int, record: Record
    ) -> int:
        target = self.records[field.section]
        end = index if field.section == section.name else len(target)
        if type(value) is not int or not 0 <= value < end:
            raise ValueError(
                f"{_shown(value)} is not the position of an earlier {field.section} row"
            )
        if field.field != section.owner:
            target_learner = self._learner_of(SECTIONS_BY_NAME[field.section], target[value])
            if target_learner != self._learner_of(section, record):
                raise ValueError(f"{field.section}[{value}] belongs to another learner")
        return value

    def _check_unique(
        self,
        section: Section,
        record: Record,
        at: str,
        index: int,
        seen: dict[tuple[Any, ...], int],
    ) -> None:
        """No two rows share the section's key, or a value of a unique column."""
        groups = [section.key] if section.key else []
        groups += [(column.name,) for column in _columns(section.name) if column.rule.unique]
        for names in dict.fromkeys(groups):
            values = (names, *(record.get(name) for name in names))
            if None in values:
                continue
            if values in seen:
                raise InvalidExportFile(
                    f"{at}: same {', '.join(names)} as {section.name}[{seen[values]}]"
                )
            seen[values] = index

    def _check_database(self, section: Section, record: Record, at: str) -> None:
        """A learner with data is a conflict unless replacing; so is a key another row has."""
        if section.owner is None:
            self._check_learner(section, record, at)
        elif section.key and section.owner not in section.key:
            key = {name: record[name] for name in section.key}
            if self._taken_elsewhere(section, key):
                shown = ", ".join(repr(value) for value in key.values())
                raise ImportConflict(
                    f"{at}.{section.key[0]}: {section.table} {shown} already exists in the database"
                )

    def _check_day(self, record: Record, at: str) -> None:
        """A day holds at most 24 hours of study, as ``mltrack log`` allows."""
        day = (record["learner"], record["on_date"])
        total = self.day_minutes.get(day, 0) + record["minutes"]
        if total > MAX_DAY_MINUTES:
            raise InvalidExportFile(
                f"{at}.minutes: learner {day[0]!r} would have {format_minutes(total)} of study "
                f"on {day[1].isoformat()}; a day holds at most {format_minutes(MAX_DAY_MINUTES)}"
            )
        self.day_minutes[day] = total

    def _check_learner(self, section: Section, record: Record, at: str) -> None:
        model = _model(section.table)
        [key] = section.key
        name = record[key]
        if name_key(name) in self.name_keys:
            raise InvalidExportFile(
                f"{at}.{key}: {name!r} differs only in case from the learner of "
                f"{self.name_keys[name_key(name)]}; learner names are compared without regard "
                "to case"
            )
        self.name_keys[name_key(name)] = at
        others = [other for other in self.session.scalars(select(getattr(model, key)))
                  if other != name and name_key(other) == name_key(name)]  # fmt: skip
        if others:
            raise ImportConflict(
                f"{at}.{key}: {name!r} differs only in case from learner {others[0]!r} of the "
                "database; learner names are compared without regard to case"
            )
        found = self.session.scalar(select(model.id).where(getattr(model, key) == record[key]))
        if found is None:
            return
        if self._has_data(found):
            if not self.replace:
                raise ImportConflict(
                    f"{at}: learner {record[key]!r} already has data in the database; "
                    "import with --replace to replace it with the file's"
                )
            self.replaced.append(record[key])
        self.taken_over[record[key]] = found

    def _has_data(self, learner_id: int) -> bool:
        return any(
            self.session.scalar(select(exists().where(_owned_by(section, [learner_id]))))
            for section in _owned_sections()
        )

    def _taken_elsewhere(self, section: Section, key: Record) -> bool:
        """Whether a row with this key exists that the import will not have deleted."""
        model, owner = _model(section.table), _owner_column(section)
        query = select(exists().where(
            *(getattr(model, name) == value for name, value in key.items()),
            or_(owner.is_(None), owner.not_in(list(self.taken_over.values()))),
        ))  # fmt: skip
        return bool(self.session.scalar(query))

    def _shared(self, table: str) -> dict[Any, int]:
        """Key -> id of the rows of ``table`` a file may name without holding them: the rows
        that are not learner data (seeded items, steps, areas)."""
        if table not in self.shared:
            section = SECTION_OF_TABLE.get(table)
            model = _model(table)
            key = next(f.key for s in SECTIONS for f in s.fields
                       if isinstance(f, Ref) and f.table == table)  # fmt: skip
            query = select(getattr(model, key), model.id)
            if section is not None and not _owned_by_ref(section):
                query = query.where(False)  # all learner data: a reference needs the row
            elif section is not None:
                query = query.where(_owner_column(section).is_(None))
            self.shared[table] = dict(self.session.execute(query).all())
        return self.shared[table]

    # Writing, once everything has passed.

    def check_journal(self, raw_rows: Iterable[Any]) -> Iterator[list[Record]]:
        """The journal's records, checked one by one, in batches of ``BATCH``: values,
        learners, items, and targets and groups naming an earlier entry of the same learner.
        Whether the entries replay is checked once they are written (``write``), which takes
        each batch before the next is checked.

        Nothing grows with the file here: the earlier entries a batch names are looked up
        among the entries already written (the journal's unique uid index is the map from
        the file's uids to ids), the batch's own in ``earlier``. A uid that an entry of an
        earlier batch (or of the database) already has is not looked up for every entry: the
        uid index refuses it when the batch is written (``_write_batch``), and only then is
        it looked for, to name the entry."""
        learners = {record["name"] for record in self.records[_LEARNERS.name]}
        for number, batch in enumerate(batches(raw_rows, BATCH)):
            start = number * BATCH
            # uid -> what a later undo or amend must match, for the targets and groups named.
            earlier = self._written_entries(_named_entries(batch))
            checked = []
            for offset, raw in enumerate(batch):
                try:
                    at = f"{JOURNAL.name}[{start + offset}]"
                    checked.append(self._check_entry(raw, at, learners, earlier))
                except MltrackError:
                    # An entry before the refused one that repeats an earlier uid is the
                    # first problem of the file: it is reported instead.
                    self._refuse_repeated_uids(batch[:offset], start)
                    raise
            yield checked

    def _written_entries(
        self, uids: Iterable[str], before: int | None = None
    ) -> dict[str, dict[str, str]]:
        """The entries this import has written (of the file's entries before index
        ``before``, if given) that have one of these uids: uid -> learner, kind, subject and
        action."""
        last = "" if before is None else f"AND j.id < {self.first + before:d}"
        found: dict[str, dict[str, str]] = {}
        # Always _LOOKUP marks, the list padded with nulls (which match nothing): one SQL text,
        # prepared once, where a text per length of list would fill the driver's statement
        # cache (and memory with it) as the file goes on.
        marks = ", ".join(f":u{index}" for index in range(_LOOKUP))
        with borrowed_writer(self.session.connection()) as store:
            for chunk in batches(uids, _LOOKUP):
                chunk += [None] * (_LOOKUP - len(chunk))
                params = {f"u{index}": uid for index, uid in enumerate(chunk)}
                rows = store.rows(
                    "SELECT j.uid, l.name AS learner, j.kind, j.subject, j.action FROM journal j "
                    f"JOIN learner l ON l.id = j.learner_id "
                    f"WHERE j.id >= :first {last} AND j.uid IN ({marks})",
                    first=self.first, **params,
                )  # fmt: skip
                for row in rows:
                    found[row["uid"]] = {
                        name: row[name] for name in ("learner", "kind", "subject", "action")
                    }
        return found

    def _refuse_repeated_uids(self, records: list[Any], start: int) -> None:
        """Refuse the first of ``records`` (the file's from ``start``) whose uid an entry of
        an earlier batch has, as ``_check_entry`` refuses one the same batch has."""
        uids = [raw.get("uid") if isinstance(raw, dict) else None for raw in records]
        found = self._written_entries({uid for uid in uids if isinstance(uid, str)}, start)
        for offset, uid in enumerate(uids):
            if uid in found:
                raise InvalidExportFile(
                    f"{JOURNAL.name}[{start + offset}].uid: {uid} is the uid of an earlier entry"
                )

    def _check_entry(
        self, raw: Any, at: str, learners: set[str], earlier: dict[str, dict[str, str]]
    ) -> Record:
        if not isinstance(raw, dict):
            raise InvalidExportFile(f"{at}: expected an object")
        names = _JOURNAL_FIELDS
        if not raw.keys() <= _JOURNAL_FIELD_SET:
            for key in raw:
                if key not in names:
                    raise InvalidExportFile(
                        f"{at}.{key}: unknown field; expected {', '.join(names)}"
                    )
        if None in map(raw.get, _REQUIRED):
            name = next(name for name in _REQUIRED if raw.get(name) is None)
            raise InvalidExportFile(f"{at}.{name}: missing")
        # A record with every field (as export writes them) is its own record: no copy.
        record = raw if len(raw) == len(names) else {name: raw.get(name) for name in names}

        def bad(name: str, why: str) -> InvalidExportFile:
            return InvalidExportFile(f"{at}.{name}: {why}")

        # The types of all these fields at once (most records pass); field by field, to say
        # which, only when one is not plain text (or null).
        if not {*map(type, _TEXT_VALUES(record))} <= _TEXT_TYPES:
            for name in _TEXT_FIELDS:
                if not isinstance(record[name], str):
                    raise bad(name, f"expected text, got {_shown(record[name])}")
        if not {*map(type, _TEXT_OR_NULL_VALUES(record))} <= _TEXT_OR_NULL_TYPES:
            for name in _TEXT_OR_NULL_FIELDS:
                value = record[name]
                if value is not None and not isinstance(value, str):
                    raise bad(name, f"expected text or null, got {_shown(value)}")
        uid, learner, kind = record["uid"], record["learner"], record["kind"]
        if uid in earlier:
            raise bad("uid", f"{uid} is the uid of an earlier entry")
        if learner not in learners:
            raise bad("learner", f"no learner {learner!r} in the file's learners")
        if kind not in _KINDS:
            raise bad("kind", f"{_shown(kind)} is not one of {', '.join(JournalKind)}")
        if record["action"] not in _ACTIONS:
            raise bad("action", f"{_shown(record['action'])} is not a journal action")
        if record["item"] is not None:
            self._check_named("item", record["item"], learner, bad)
        if journal_shape.parse_date(record["on_date"]) is None:
            raise bad("on_date", f"{_shown(record['on_date'])} is not a YYYY-MM-DD date up to "
                      f"{LAST_YEAR}")  # fmt: skip
        try:
            _check_timestamp(record["recorded_at"])
        except InputError as error:
            raise bad("recorded_at", str(error)) from None
        if not isinstance(record["data"], dict):
            raise bad("data", f"expected an object, got {_shown(record['data'])}")
        target = record["target"]
        for name in ("target", "group"):
            named = record[name]
            if named is not None and earlier.get(named, {}).get("learner") != learner:
                raise bad(name, f"{named} is not an earlier entry of learner {learner!r}")
        try:
            journal_shape.check_uid(uid)
            journal_shape.check_entry(record, earlier.get(target or ""), self.now)
        except journal_shape.BadEntry as error:
            raise bad(error.field, str(error)) from None
        self._check_names_in_data(record, bad)
        earlier[uid] = {"learner": learner, "kind": kind, "subject": record["subject"],
                        "action": record["action"]}  # fmt: skip
        return record

    def _check_named(
        self, field: str, slug: str, learner: str, bad: Callable[[str, str], Exception]
    ) -> None:
        """An item the entry names: a pathway item, or an own item of the same learner."""
        owner = self.owners.get("item", {}).get(slug, _MISSING)
        if owner is _MISSING and slug not in self._shared("item"):
            raise bad(field, str(NotFoundError("item", slug, [])))
        if owner is not _MISSING and owner != learner:
            raise bad(field, f"item {slug!r} belongs to learner {owner!r}")

    def _check_names_in_data(self, record: Record, bad: Callable[[str, str], Exception]) -> None:
        """The items, steps and areas an entry's subject or data names exist (and the items
        are the learner's to name)."""
        data, subject, learner = record["data"], record["subject"], record["learner"]
        if record["action"] in MetaAction.members_by_value:
            return
        if not data and not subject.startswith(("after:", "area:")):
            return  # names nothing (most status changes): spares building the list below
        if subject.startswith("after:"):
            self._check_named("subject", subject.split(":")[2], learner, bad)
        for slug in data.get("items", []) if record["kind"] == JournalKind.PROJECT else []:
            self._check_named("data", slug, learner, bad)
        named = [("step", data.get("step")), *(("area", a) for a in data.get("areas", []))]
        if record["kind"] == JournalKind.PLAN:
            named.append(("area", data.get("area")))
        if record["kind"] == JournalKind.REVIEW and subject.startswith("area:"):
            named.append(("area", subject.removeprefix("area:")))
        for table, slug in named:
            if slug is not None and slug not in self._shared(table):
                raise bad("data", str(NotFoundError(table, slug, [])))

    def _check_uids_free(self, records: list[Record], start: int) -> None:
        """A uid another learner's journal (or one not replaced) holds is a conflict."""
        uids = [record["uid"] for record in records]
        kept = list(self.taken_over.values())
        journal = _model("journal")
        found = self.session.execute(
            select(journal.uid).where(
                journal.uid.in_(uids), journal.learner_id.not_in(kept), journal.id < self.first
            )
        ).scalars().first()  # fmt: skip
        if found is not None:
            index = start + uids.index(found)
            raise ImportConflict(
                f"{JOURNAL.name}[{index}].uid: entry {found} already exists in the database"
            )

    def write(self, journal: Iterable[list[Record]], strict: bool) -> int:
        """Write the checked sections and the journal's batches as they come, then rebuild
        the projections; with ``strict``, an entry that does not replay refuses the file."""
        learner_ids = list(self.taken_over.values())
        with borrowed_writer(self.session.connection()) as store:
            return self._write(store, learner_ids, journal, strict)

    def _write(
        self, store: Any, learner_ids: list[int], journal: Iterable[list[Record]], strict: bool
    ) -> int:
        for learner_id in learner_ids:
            for sql in _PROJECTIONS_SQL:
                store.execute(sql, learner_id=learner_id)
        if learner_ids:
            for section in reversed(_owned_sections()):
                owned = _owned_by(section, learner_ids)
                self.session.execute(delete(_model(section.table)).where(owned))
        for section in TABLE_SECTIONS:
            self._write_section(section, self.records[section.name])
        self.session.flush()
        first = store.rows("SELECT COALESCE(MAX(id), 0) + 1 AS first FROM journal")[0]["first"]
        self.first = first
        deferred = self._defer_indexes(store, first)
        # Each batch is written before the next is checked: its entries are the next's map.
        written = 0
        for batch in journal:
            self._write_batch(store, batch, written)
            written += len(batch)
        if deferred:
            # Each index is sorted in memory up to the page cache's size, then in temporary
            # files: a smaller cache while sorting keeps the import's peak where it was.
            store.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
            for sql in deferred:  # the replay reads through them
                store.execute(sql)
        if store.dialect == "sqlite":
            # The replay reads the journal subject by subject, all over the table: a large
            # cache hardly helps it, and a small one keeps its peak where the writing's was.
            store.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
        self._rebuild(store, first, strict)
        return written

    def _write_batch(self, store: Any, records: list[Record], start: int) -> None:
        """Write a checked batch (the file's entries from ``start``). When the uid index
        refuses one, say which entry and why: a uid an earlier entry of the file has, or one
        the database has (a conflict)."""
        # PostgreSQL reads nothing more in a transaction once a statement failed: a savepoint
        # there. Not on SQLite, where one a batch makes each page the batch changes be copied
        # first (the rows the batch wrote before the refused one are left out instead).
        savepoint = store.dialect != "sqlite"
        if savepoint:
            store.execute("SAVEPOINT import_batch")
        try:
            write_journal(store, self._with_ids(records), with_ids=True)
        except (sqlite3.IntegrityError, IntegrityError):
            if savepoint:
                store.execute("ROLLBACK TO SAVEPOINT import_batch")
            self._refuse_repeated_uids(records, start)
            self._check_uids_free(records, start)
            raise
        if savepoint:
            store.execute("RELEASE SAVEPOINT import_batch")

    def _with_ids(self, records: list[Record]) -> list[Record]:
        """The checked entries with their learner's and item's ids (both written or shared
        rows by now: the checks found them)."""
        learners = self.key_ids[_LEARNERS.table]
        own, shared = self.key_ids.get("item", {}), self._shared("item")
        for record in records:
            record["learner_id"] = learners[record["learner"]]
            item = record["item"]
            record["item_id"] = None if item is None else own.get(item) or shared[item]
        return records

    def _defer_indexes(self, store: Any, first: int) -> list[str]:
        """On SQLite, drop the journal's secondary indexes while a large file's rows go in,
        when the journal holds fewer rows than the file brings (building an index once,
        sorted, costs less than updating it for every row); return the SQL that creates them
        again.

        Inside the import's transaction: a refusal rolls the drop back with the rows. The
        uid index stays (it is a constraint, and the import looks entries up through it)."""
        if self.session.get_bind().dialect.name != "sqlite":
            return []
        if self.expected < max(DEFER_INDEXES_FROM, first):
            return []
        indexes = store.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'journal' "
            "AND sql IS NOT NULL ORDER BY name"
        )
        for index in indexes:
            store.execute(f'DROP INDEX "{index["name"]}"')
        return [index["sql"] for index in indexes]

    def _rebuild(self, store: Any, first: int, strict: bool) -> None:
        for learner_id in self.ids.get(_LEARNERS.name, []):
            flagged = rebuild(store, learner_id)
            if strict and flagged:
                entry, reason = min(flagged, key=lambda pair: pair[0].id)
                raise InvalidExportFile(f"{JOURNAL.name}[{entry.id - first}].action: {reason}")
            self._refuse_loops(store, learner_id, first)
            self._refuse_full_days(store, learner_id, first)

    def _refuse_full_days(self, store: SqliteWriter, learner_id: int, first: int) -> None:
        """A day holds at most 24 hours of study, as ``mltrack log`` allows: the file's
        session that takes a day past that is refused by its place in the file."""
        days = store.rows(_FULL_DAYS_SQL, learner_id=learner_id, most=MAX_DAY_MINUTES)
        if not days:
            return
        total = 0
        sessions = store.rows(_DAY_SESSIONS_SQL, learner_id=learner_id, on=days[0]["on_date"])
        for session in sessions:
            total += session["minutes"]
            if total > MAX_DAY_MINUTES and session["journal_id"] >= first:
                name = store.rows("SELECT name FROM learner WHERE id = :id", id=learner_id)
                raise InvalidExportFile(
                    f"{JOURNAL.name}[{session['journal_id'] - first}].data: minutes: learner "
                    f"{name[0]['name']!r} would have {format_minutes(total)} of study on "
                    f"{session['on_date']}; a day holds at most {format_minutes(MAX_DAY_MINUTES)}"
                )

    def _refuse_loops(self, store: SqliteWriter, learner_id: int, first: int) -> None:
        after: dict[str, list[str]] = {}
        for row in store.rows(_ORDERINGS_SQL, learner_id=learner_id):
            after.setdefault(row["item"], []).append(row["requires"])
        cycle = find_cycle(after)
        if cycle is None:
            return
        subjects = [f"after:{a}:{b}" for a, b in pairwise(cycle)]
        found = store.rows(
            f"SELECT MAX(id) AS id FROM journal WHERE learner_id = :l AND id >= :first "
            f"AND subject IN ({', '.join(f':s{i}' for i in range(len(subjects)))})",
            l=learner_id, first=first, **{f"s{i}": s for i, s in enumerate(subjects)},
        )  # fmt: skip
        index = (found[0]["id"] or first) - first
        raise InvalidExportFile(
            f"{JOURNAL.name}[{index}].subject: these orderings make a loop: {' -> '.join(cycle)}"
        )

    def _write_section(self, section: Section, records: list[Record]) -> None:
        model = _model(section.table)
        rows = [self._row(section, record) for record in records]
        if section.owner is None:
            self._write_learners(section, model, records, rows)
        else:
            self._insert(section, model, list(enumerate(rows)))
        if records and "id" in model.__table__.c:
            self.ids[section.name] = ids = self._written_ids(section, model, records)
            if len(section.key) == 1:
                keys = (record[section.key[0]] for record in records)
                self.key_ids[section.table] = dict(zip(keys, ids, strict=True))
            self._link_within(section, model, records, ids)

    def _write_learners(
        self, section: Section, model: type[Base], records: list[Record], rows: list[Record]
    ) -> None:
        """Update the learners taken over, insert the others."""
        [key] = section.key
        pairs = list(zip(records, rows, strict=True))
        updates = [{"id": self.taken_over[r[key]], **row} for r, row in pairs
                   if r[key] in self.taken_over]  # fmt: skip
        if updates:
            self.session.execute(update(model), updates)
        self._insert(section, model, [(index, row) for index, (r, row) in enumerate(pairs)
                                      if r[key] not in self.taken_over])  # fmt: skip

    def _written_ids(self, section: Section, model: type[Base], records: list[Record]) -> list[int]:
        """The ids of the rows just written, in file order."""
        if section.owner is None:
            [key] = section.key
            column = getattr(model, key)
            found = dict(self.session.execute(
                select(column, model.id).where(column.in_([r[key] for r in records]))
            ).all())  # fmt: skip
            return [found[record[key]] for record in records]
        # The file's learners had no rows here (or have none left), and ids grow with each
        # insert: their rows, by id, are the file's rows in order.
        learners = self.ids[_LEARNERS.name]
        query = select(model.id).where(_owned_by(section, learners)).order_by(model.id)
        return list(self.session.scalars(query))

    def _row(self, section: Section, record: Record) -> Record:
        """A record as table columns, references turned into ids."""
        row = {}
        for column in _columns(section.name):
            if column.name not in record:
                continue  # the column's default applies
            value = record[column.name]
            field = column.field
            if isinstance(field, Ref) and value is not None:
                written = self.key_ids.get(field.table, {})
                value = written[value] if value in written else self._shared(field.table)[value]
            elif isinstance(field, RowRef) and value is not None:
                # A row of the same section is linked once its own id exists.
                value = None if field.section == section.name else self.ids[field.section][value]
            row[column.column] = value
        return row

    def _insert(self, section: Section, model: type[Base], rows: list[tuple[int, Record]]) -> None:
        """Insert rows (with their positions in the file) in one statement.

        The savepoint is SQL of our own, not ``begin_nested()``: when the disk fills up,
        SQLite rolls the whole transaction back, and a savepoint SQLAlchemy believes in would
        then hide "database or disk is full" behind "no such savepoint".
        """
        if not rows:
            return
        self.session.execute(text("SAVEPOINT import_rows"))
        try:
            self.session.execute(insert(model), [row for _, row in rows])
        except IntegrityError:
            self.session.execute(text("ROLLBACK TO SAVEPOINT import_rows"))
            self._raise_first_bad_row(section, model, rows)
            raise
        self.session.execute(text("RELEASE SAVEPOINT import_rows"))

    def _raise_first_bad_row(
        self, section: Section, model: type[Base], rows: list[tuple[int, Record]]
    ) -> None:
        """Insert one by one to name the row the database refuses (a CHECK, a reference);
        the import stops there, and its transaction is rolled back."""
        for index, row in rows:
            try:
                self.session.execute(insert(model), [row])
            except IntegrityError as error:
                reason = str(error.orig).splitlines()[0]
                raise InvalidExportFile(f"{section.name}[{index}]: {reason}") from None

    def _link_within(
        self, section: Section, model: type[Base], records: list[Record], ids: list[int]
    ) -> None:
        """Fill in references to rows of the same section (an undo and the event it undid)."""
        for field in section.fields:
            if isinstance(field, RowRef) and field.section == section.name:
                links = [
                    {"id": ids[index], field.column: ids[record[field.field]]}
                    for index, record in enumerate(records)
                    if record[field.field] is not None
                ]
                if links:
                    self.session.execute(update(model), links)


def _convert(kind: type, value: Any) -> Any:
    """``value`` from JSON as the column's Python type; ValueError saying what was expected."""
    if issubclass(kind, Vocabulary):
        if not isinstance(value, str) or value not in kind.members_by_value:
            raise ValueError(f"{_shown(value)} is not one of {', '.join(kind)}")
        return value
    if kind is date:
        parsed = journal_shape.parse_date(value)
        if parsed is None:
            raise ValueError(f"{_shown(value)} is not a YYYY-MM-DD date")
        return parsed
    if type(value) is kind or (kind is float and type(value) is int):
        if kind is float and not math.isfinite(value):
            raise ValueError(f"{_shown(value)} is not a finite number")
        return float(value) if kind is float else value
    expected = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
    raise ValueError(f"expected {expected.get(kind, kind.__name__)}, got {_shown(value)}")


def _check_limits(table: str, column: str, kind: type, value: Any) -> None:
    """The text rules and the number ranges of ``mltrack.core.limits``, as typed input has."""
    if isinstance(value, str):
        check_text(value, "text", multiline=column in MULTILINE_COLUMNS)
    elif kind in (int, float) and not isinstance(value, bool):
        low, high = column_range(table, column)
        check_range(value, low, high, "the number")


def check_currency(value: Any) -> None:
    """An ISO 4217 code as ``--currency`` stores it: three capital letters."""
    if not isinstance(value, str) or parse_currency(value) != value:
        raise InputError(f"{_shown(value)} is not a currency code such as USD")


def _shown(value: Any) -> str:
    """A value for a message, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@cache
def _columns(section_name: str) -> tuple[_Column, ...]:
    """The section's fields with their columns' rules; the owner first, as references are
    checked against it."""
    section = SECTIONS_BY_NAME[section_name]
    rules = _rules(section.table)
    columns = [
        _Column(
            field=field, name=name_of(field), column=column_of(field),
            rule=rules[column_of(field)], json=name_of(field) in section.json,
            check=_check_for(section.table, column_of(field)),
        )
        for field in section.fields
    ]  # fmt: skip
    owner = section.owner or section.key[0]
    return tuple(sorted(columns, key=lambda column: column.name != owner))


@cache
def _rules(table: str) -> dict[str, _Rule]:
    """What each column of ``table`` accepts, read from its model."""
    model = _model(table)
    rules = {}
    for column in inspect(model).columns:
        annotation = typing.get_args(model.__annotations__.get(column.key))
        kind = annotation[0] if annotation else None
        if not (isinstance(kind, type) and issubclass(kind, Vocabulary)):
            kind = column.type.python_type
        rules[column.key] = _Rule(
            kind=kind,
            nullable=bool(column.nullable),
            optional=bool(column.nullable) or column.default is not None,
            unique=bool(column.unique),
        )
    return rules


def _check_for(table: str, column: str) -> Callable[[Any], None] | None:
    if (table, column) in SNAPSHOTS:
        return partial(_check_snapshot, *SNAPSHOTS[table, column])
    if column.endswith("_at"):  # every *_at column holds a UTC timestamp
        return _check_timestamp
    return VALUE_CHECKS.get((table, column))


def _check_timestamp(value: Any) -> None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is not None and not (value.isascii() and 1970 <= moment.year <= LAST_YEAR):
        moment = None  # not one mltrack wrote, and near year 1 it cannot be made local time
    if moment is None or moment.utcoffset() is None:
        raise InputError(f"{value!r} is not an ISO 8601 timestamp with a UTC offset")


def check_monday(value: Any) -> None:
    """A week is stored as its Monday."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    if day.weekday() != 0:
        raise InputError(f"{day.isoformat()} is not a Monday (the first day of an ISO week)")


def _check_snapshot(table: str, fields: tuple[str, ...], snapshot: Any) -> None:
    """A row as an event keeps it: the fields of ``table`` with values its columns accept
    (dates as ISO text), so that undoing the event can put it back."""
    if not isinstance(snapshot, dict) or set(snapshot) != set(fields):
        raise InputError(f"expected null or an object with keys {', '.join(fields)}")
    rules = _rules(table)
    for name in fields:
        rule, value = rules[name], snapshot[name]
        if value is None and not rule.nullable:
            raise InputError(f"{name} must not be null")
        if value is not None:
            try:
                _check_limits(table, name, rule.kind, _convert(rule.kind, value))
            except (InputError, ValueError) as error:
                raise InputError(f"{name}: {error}") from None


@cache
def _model(table: str) -> type[Base]:
    return next(m.class_ for m in Base.registry.mappers if m.local_table.name == table)


_LEARNERS = next(section for section in SECTIONS if section.owner is None)


def _owned_sections() -> list[Section]:
    return [section for section in SECTIONS if section.owner is not None]


def _owned_by_ref(section: Section) -> bool:
    """Whether the section names its learner itself (rather than through a parent row)."""
    return section.owner is not None and isinstance(section.field(section.owner), Ref)


def _owner_column(section: Section) -> Any:
    assert _owned_by_ref(section)
    return getattr(_model(section.table), column_of(section.field(section.owner)))  # type: ignore[arg-type]


def _owned_by(section: Section, learner_ids: list[int]) -> Any:
    """SQL condition: the section's rows that belong to these learners."""
    if _owned_by_ref(section):
        return _owner_column(section).in_(learner_ids)
    assert section.owner is not None
    owner = section.field(section.owner)
    assert isinstance(owner, RowRef)
    parent = SECTIONS_BY_NAME[owner.section]
    parent_model = _model(parent.table)
    rows = select(parent_model.id).where(_owned_by(parent, learner_ids))
    return getattr(_model(section.table), owner.column).in_(rows)
