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
    "step": ({"slug", "title", "summary", "source", "quote", "suggested"},
             {"slug", "title", "source"}),
    "area": ({"slug", "title", "summary", "source", "step", "quote"},
             {"slug", "title", "source", "step", "quote"}),
    "group": ({"slug", "title", "required", "source", "quote", "from_article", "suggested"},
              {"slug", "title", "required", "source", "quote"}),
    "item": (
        {
            "slug", "title", "kind", "step", "area", "required", "hours_estimate",
            "provider", "url", "source", "quote", "after", "group", "on_the_job",
            "article_name", "from_article", "suggested",
        },
        {"slug", "title", "kind", "step", "source", "quote"},
    ),
    "career": ({"slug", "label", "value", "source", "quote", "country", "period"},
               {"slug", "label", "value", "source", "quote"}),
    "source": ({"slug", "name", "url"}, {"slug", "name", "url"}),
}  # fmt: skip
# The facts of an item whose provenance the seed must give: each is in ``from_article`` (the
# item's section and quote back it) or in ``suggested`` with a one-line reason.
FACTS = {
    "required": "whether it is required",
    "step": "its step",
    "hours": "its hour estimate",
    "after": "its prerequisites",
    "name": "its corrected name",
}
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
    return load_seed_files(seed_files(directory))


def load_seed_files(paths: list[Path]) -> SeedData:
    """Read and validate seed files (one pathway, by ``seed --check``'s rules)."""
    data = SeedData()
    problems: list[str] = []
    for path in paths:
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
            merged = _with_defaults(defaults, values) if table == "item" else values
            data.entries[table].append(Entry(table, merged, path.name, line))
    return problems


def _with_defaults(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """An item with its file's defaults; ``from_article`` and ``suggested`` merge fact by fact,
    the item's own word on a fact winning over the defaults'."""
    merged = {**defaults, **values}
    own_article = set(values.get("from_article", []))
    own_suggested = values.get("suggested", {})
    if isinstance(own_suggested, dict) and isinstance(defaults.get("suggested", {}), dict):
        suggested = {**defaults.get("suggested", {}), **own_suggested}
        merged["suggested"] = {f: r for f, r in suggested.items() if f not in own_article}
    if isinstance(defaults.get("from_article", []), list):
        article = set(defaults.get("from_article", [])) | own_article
        merged["from_article"] = sorted(article - set(merged.get("suggested", {})))
    return merged


def item_facts(values: dict[str, Any]) -> list[str]:
    """The facts of an item that need a provenance, in ``FACTS`` order."""
    present = {
        "required": "group" not in values,  # a group member's required-ness is the group's
        "step": True,
        "hours": values.get("hours_estimate") is not None,
        "after": bool(values.get("after")),
        "name": "article_name" in values,
    }
    return [fact for fact in FACTS if present[fact]]


def provenance(values: dict[str, Any], facts: list[str]) -> dict[str, dict[str, str]]:
    """Each fact's provenance: the article (section and quote) or mltrack's reason."""
    suggested = values.get("suggested", {})
    return {
        fact: {"basis": "suggested", "reason": suggested[fact]}
        if fact in suggested
        else {"basis": "article", "section": values["source"], "quote": values.get("quote", "")}
        for fact in facts
    }


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
    return (
        _check_references(data)
        or _check_provenance(data)
        or _check_groups(data)
        or _check_cycles(data["item"])
    )


def _check_provenance(data: SeedData) -> list[str]:
    """Every fact of every entry says where it comes from: the article or mltrack."""
    problems = []
    for entry in data["step"]:
        if not entry.values.get("quote") and not entry.values.get("suggested"):
            problems.append(f"{entry.where}: step {entry.slug!r} has no provenance: give the "
                            "article's 'quote' or mltrack's reason in 'suggested'")  # fmt: skip
    for entry in data["group"]:
        problems += _fact_problems(entry, ["required"])
    for entry in data["item"]:
        problems += _fact_problems(entry, item_facts(entry.values))
        if "group" in entry.values and "required" in entry.values:
            group = entry.values["group"]
            problems.append(f"{entry.where}: item {entry.slug!r} is in group {group!r}: "
                            "required-ness belongs to the group")  # fmt: skip
        if "article_name" in entry.values and "name" not in entry.values.get("suggested", {}):
            problems.append(f"{entry.where}: item {entry.slug!r} gives article_name: say why the "
                            "name was corrected in suggested.name")  # fmt: skip
    return problems


def _fact_problems(entry: Entry, facts: list[str]) -> list[str]:
    at = f"{entry.where}: {entry.table} {entry.slug!r}"
    article = entry.values.get("from_article", [])
    suggested = entry.values.get("suggested", {})
    if not isinstance(article, list) or not isinstance(suggested, dict):
        return [f"{at}: from_article must be a list of facts and suggested a table of reasons"]
    problems = [
        f"{at} names unknown fact {fact!r}; expected one of {', '.join(FACTS)}"
        for fact in [*article, *suggested]
        if fact not in FACTS
    ]
    problems += [
        f"{at} gives {fact!r} an empty reason"
        for fact, reason in suggested.items()
        if not isinstance(reason, str) or not reason.strip()
    ]
    for fact in facts:
        if fact not in article and fact not in suggested:
            problems.append(
                f"{at} has no provenance for {FACTS[fact]}: add {fact!r} to from_article "
                f"(the quote backs it) or give mltrack's reason as suggested.{fact}"
            )
    return problems


def _check_groups(data: SeedData) -> list[str]:
    """Members of an alternative group share step, area and kind; each group has two or more."""
    groups = {entry.slug: entry for entry in data["group"]}
    members: dict[str, list[Entry]] = {slug: [] for slug in groups}
    problems = []
    for entry in data["item"]:
        group = entry.values.get("group")
        if group is None:
            continue
        if group not in groups:
            problems.append(f"{entry.where}: item {entry.slug!r} names unknown group {group!r}")
        else:
            members[group].append(entry)
    for slug, entries in members.items():
        shape = {(e.values["step"], e.values.get("area"), e.values["kind"]) for e in entries}
        if len(entries) < 2:
            problems.append(f"{groups[slug].where}: group {slug!r} needs two or more items")
        elif len(shape) > 1:
            problems.append(f"{groups[slug].where}: the items of group {slug!r} must share "
                            "step, area and kind")  # fmt: skip
    return problems


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
