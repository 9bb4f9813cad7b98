"""The pathway as shipped in ``seed/*.toml``: locate, load, validate and fingerprint it.

Standard library only (``tomllib``); writing the data into a database is the job of
``mltrack.services.seeding``. Every error names the file and line it comes from.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mltrack.core.errors import MltrackError
from mltrack.core.graphs import find_cycle
from mltrack.core.limits import MAX_HOURS
from mltrack.core.vocabulary import ItemKind
from mltrack.formats.seed_files import seed_files

ITEM_KINDS = tuple(kind.value for kind in ItemKind)

# Allowed keys per table, and which of them must be present.
SCHEMA: dict[str, tuple[set[str], set[str]]] = {
    "pathway": ({"slug", "title", "source"}, {"slug", "title", "source"}),
    "step": ({"slug", "title", "summary", "source"}, {"slug", "title", "source"}),
    "area": ({"slug", "title", "summary", "source", "step"}, {"slug", "title", "source", "step"}),
    "item": (
        {
            "slug", "title", "kind", "step", "area", "required", "hours_estimate",
            "provider", "url", "source", "quote", "after",
        },
        {"slug", "title", "kind", "step", "source"},
    ),
    "career": ({"slug", "label", "value", "source"}, {"slug", "label", "value", "source"}),
}  # fmt: skip
TABLES = tuple(SCHEMA)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class SeedError(MltrackError):
    """The seed files are not valid; the message lists every problem with file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        if len(problems) == 1:  # one line, as every other error
            super().__init__(f"invalid seed data: {problems[0]}")
        else:
            super().__init__("invalid seed data:\n  " + "\n  ".join(problems))


@dataclass
class Entry:
    """One table of a seed file (a step, an item...), with where it was written."""

    table: str
    values: dict[str, Any]
    file: str
    line: int

    @property
    def slug(self) -> str:
        return self.values["slug"]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class SeedData:
    entries: dict[str, list[Entry]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def __getitem__(self, table: str) -> list[Entry]:
        return self.entries[table]


def load_seed(directory: Path | None = None) -> SeedData:
    """Read and validate every seed file; raise SeedError listing all problems found."""
    data = SeedData()
    problems: list[str] = []
    for path in seed_files(directory):
        problems += _load_file(path, data)
    if not problems:
        problems += validate(data)
    if problems:
        raise SeedError(problems)
    return data


def _load_file(path: Path, data: SeedData) -> list[str]:
    import tomllib  # only when (re)seeding: every command imports this module for the digest

    content = path.read_bytes()
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        return [f"{path.name}: not UTF-8 text (byte 0x{content[error.start]:02x} at offset "
                f"{error.start})"]  # fmt: skip
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return [f"{path.name}: {error}"]
    except RecursionError:
        return [f"{path.name}: arrays or tables nested too deeply"]
    except ValueError as error:  # e.g. an integer of more digits than Python converts
        return [f"{path.name}: {error}"]
    headers = _table_lines(text)
    defaults = document.pop("defaults", {})
    if not isinstance(defaults, dict):
        return [f"{path.name}: defaults must be a table"]
    problems = [f"{path.name}:1: unknown table [{name}]" for name in document if name not in SCHEMA]
    for table in TABLES:
        raw = document.get(table, [])
        for index, values in enumerate(raw if isinstance(raw, list) else [raw]):
            line = headers.get(table, [])[index] if index < len(headers.get(table, [])) else 1
            if not isinstance(values, dict):
                problems.append(f"{path.name}:{line}: {table} must be a table, not {values!r:.40}")
                continue
            merged = {**defaults, **values} if table == "item" else values
            data.entries[table].append(Entry(table, merged, path.name, line))
    return problems


def _table_lines(text: str) -> dict[str, list[int]]:
    """Line numbers of each ``[table]`` / ``[[table]]`` header, in order, by table name."""
    lines: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if match := re.match(r"\s*\[\[?\s*([\w-]+)\s*\]\]?", line):
            lines.setdefault(match.group(1), []).append(number)
    return lines


def validate(data: SeedData) -> list[str]:
    """Every problem in the loaded seed: keys, slugs, references and prerequisite cycles."""
    problems: list[str] = []
    for table in TABLES:
        problems += _check_keys(data[table]) + _check_slugs(data[table])
    if len(data["pathway"]) != 1:
        problems.append(f"expected exactly one [pathway] table, found {len(data['pathway'])}")
    if problems:  # references and cycles are checked on well-formed entries only
        return problems
    return _check_references(data) or _check_cycles(data["item"])


def _check_keys(entries: list[Entry]) -> list[str]:
    problems = []
    for entry in entries:
        allowed, required = SCHEMA[entry.table]
        name = entry.values.get("slug", "?")
        for key in sorted(set(entry.values) - allowed):
            problems.append(f"{entry.where}: unknown key {key!r} in {entry.table} {name!r}")
        for key in sorted(required - set(entry.values)):
            problems.append(f"{entry.where}: missing key {key!r} in {entry.table} {name!r}")
    return problems


def _check_slugs(entries: list[Entry]) -> list[str]:
    problems, seen = [], {}
    for entry in entries:
        slug = entry.values.get("slug")
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            problems.append(f"{entry.where}: slug {slug!r} must be lower-case words joined by -")
        elif slug in seen:
            problems.append(f"{entry.where}: duplicate {entry.table} slug {slug!r} "
                            f"(first at {seen[slug]})")  # fmt: skip
        else:
            seen[slug] = entry.where
    return problems


def _check_references(data: SeedData) -> list[str]:
    steps = {entry.slug for entry in data["step"]}
    areas = {entry.slug: entry.values["step"] for entry in data["area"]}
    items = {entry.slug for entry in data["item"]}
    problems = [
        f"{entry.where}: area {entry.slug!r} names unknown step {entry.values['step']!r}"
        for entry in data["area"]
        if entry.values["step"] not in steps
    ]
    for entry in data["item"]:
        problems += _check_item(entry, steps, areas, items)
    return problems


def _check_item(entry: Entry, steps: set[str], areas: dict[str, str], items: set[str]) -> list[str]:
    values, at = entry.values, f"{entry.where}: item {entry.slug!r}"
    problems = []
    if values["kind"] not in ITEM_KINDS:
        problems.append(
            f"{at} has kind {values['kind']!r}; expected one of {', '.join(ITEM_KINDS)}"
        )
    if values["step"] not in steps:
        problems.append(f"{at} names unknown step {values['step']!r}")
    area = values.get("area")
    if area is not None and area not in areas:
        problems.append(f"{at} names unknown area {area!r}")
    elif area is not None and areas[area] != values["step"]:
        problems.append(f"{at} is in step {values['step']!r} but its area is in {areas[area]!r}")
    hours = values.get("hours_estimate")
    if hours is not None and (
        isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 <= hours <= MAX_HOURS
    ):
        problems.append(f"{at} has hours_estimate {hours!r}; expected a number from 0 to "
                        f"{MAX_HOURS:,}")  # fmt: skip
    problems += [
        f"{at} comes after unknown item {other!r}"
        for other in values.get("after", [])
        if other not in items
    ]
    return problems


def _check_cycles(items: list[Entry]) -> list[str]:
    after = {entry.slug: list(entry.values.get("after", [])) for entry in items}
    where = {entry.slug: entry.where for entry in items}
    cycle = find_cycle(after)
    if cycle is None:
        return []
    return [f"{where[cycle[0]]}: prerequisites form a cycle: {' -> '.join(cycle)}"]
