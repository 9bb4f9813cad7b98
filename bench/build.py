"""The benchmark's databases, built through mltrack's own services and cached.

Three databases, each built once and kept under ``bench/.cache`` with a key made of this file's
code, the schema revision, the seed digest and which optional services exist (so a new schema,
a changed builder or a newly merged service rebuilds them):

- ``fresh``: created, migrated and seeded, exactly as a first run leaves it.
- ``heavy``: ten years of one learner's work plus four lighter profiles, every change made by
  the services (``change_status``, ``undo_last``, and the study-log and own-item services when
  they exist). The services stamp rows with the current time, so afterwards one UPDATE moves
  each event's ``occurred_at`` to the date it is about (and an undo onto the date of the change
  it reverted), as if the history had been typed over ten years.
- ``stress``: the heavy database plus 95 copies of its heavy learner, made with one
  ``INSERT ... SELECT`` per table and copy (building a million events through the ORM would
  take hours); about a million events over 100 profiles.

Standard library plus mltrack itself: the benchmark must run wherever mltrack is installed.
"""

import hashlib
import importlib
import inspect
import pkgutil
import random
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"
DAYS = 3650  # ten years
HEAVY_LEARNER = "me"
# (name, progress events, study-log entries, own items): ~20,000 events, ~5,000 study-log
# entries and 200 own items in all, half of the events the heavy learner's.
PROFILES = (
    (HEAVY_LEARNER, 10_000, 2_000, 120),
    ("alex", 2_500, 750, 20),
    ("sam", 2_500, 750, 20),
    ("kim", 2_500, 750, 20),
    ("lee", 2_500, 750, 20),
)
STRESS_COPIES = 95  # 5 profiles + 95 copies of the heavy learner = 100 profiles
STRESS_LEARNER = "copy-050"  # a copy in the middle of the table, not the first rows
BATCH = 250  # changes per write transaction while building
UNDO_SHARE = 0.03
SKIP_SHARE = 0.05


@dataclass
class Service:
    """An optional write service found in mltrack.services (merged by another issue)."""

    name: str
    function: Callable[..., Any] | None = None
    problem: str = ""

    @property
    def label(self) -> str:
        if self.function is None:
            return f"{self.name}: not available"
        return f"{self.name}: {self.function.__module__}.{self.function.__name__}"


@dataclass
class Built:
    """A database ready to measure, and what the benchmark needs to know about it."""

    kind: str
    path: Path
    learner: str
    notes: list[str] = field(default_factory=list)


# Parameter names a service may use for each value the builder has, so the builder can call
# a service whose exact signature it does not know yet.
ALIASES = {
    "learner": ("learner_name", "learner"),
    "minutes": ("minutes", "duration_minutes", "duration", "length", "spent"),
    "item": ("item_text", "item", "item_slug", "slug"),
    "on": ("on", "on_date", "day", "studied_on", "when"),
    "note": ("note", "notes"),
    "title": ("title", "item_title", "name", "text"),
    "kind": ("kind",),
    "area": ("area", "area_slug", "area_text"),
    "hours": ("hours", "hours_estimate", "estimate"),
}
STUDY_LOG_NAMES = re.compile(r"^(log|add|record)_?(study|session|time|study_session|log_entry)")
OWN_ITEM_NAMES = re.compile(r"^(add|create)_(own_)?item$")


def find_service(name: str, pattern: re.Pattern[str]) -> Service:
    """The first public function in mltrack.services.* whose name matches ``pattern``."""
    import mltrack.services

    for module_info in pkgutil.iter_modules(mltrack.services.__path__):
        try:
            module = importlib.import_module(f"mltrack.services.{module_info.name}")
        except Exception as error:  # a half-merged module must not stop the benchmark
            return Service(name, problem=f"mltrack.services.{module_info.name}: {error}")
        for attribute, value in vars(module).items():
            if (
                callable(value)
                and pattern.match(attribute)
                and getattr(value, "__module__", "") == module.__name__
            ):
                return Service(name, value)
    return Service(name)


def call_service(service: Service, session: Any, **values: Any) -> Any:
    """Call ``service`` with ``session`` and whichever of ``values`` its parameters name."""
    assert service.function is not None
    signature = inspect.signature(service.function)
    arguments: dict[str, Any] = {}
    for parameter in list(signature.parameters.values())[1:]:
        key = next((k for k, names in ALIASES.items() if parameter.name in names), None)
        if key is not None and key in values:
            arguments[parameter.name] = _typed(values[key], key, parameter)
        elif parameter.default is inspect.Parameter.empty:
            raise TypeError(
                f"{service.label}: cannot fill parameter {parameter.name!r}; "
                "teach bench/build.py's ALIASES its name"
            )
    return service.function(session, **arguments)


def _typed(value: Any, key: str, parameter: inspect.Parameter) -> Any:
    """A duration in the type the service's annotation asks for (minutes by default)."""
    if key != "minutes":
        return value
    annotation = str(parameter.annotation)
    if "timedelta" in annotation:
        return timedelta(minutes=value)
    if "str" in annotation:
        return f"{value}m"
    return value


def optional_services() -> dict[str, Service]:
    return {
        "study_log": find_service("study log", STUDY_LOG_NAMES),
        "own_items": find_service("own items", OWN_ITEM_NAMES),
    }


def cache_key(services: dict[str, Service]) -> str:
    """Changes when the builder, the schema, the seed or the available services change."""
    from mltrack.schema import HEAD_REVISION
    from mltrack.seed_data import seed_digest

    parts = [Path(__file__).read_text(), HEAD_REVISION, seed_digest()]
    parts += [service.label for service in services.values()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def database(kind: str, log: Callable[[str], None] = print) -> Built:
    """The cached database of ``kind`` (fresh, heavy or stress), built first if needed."""
    services = optional_services()
    key = cache_key(services)
    path = CACHE / f"{kind}-{key}.db"
    learner = STRESS_LEARNER if kind == "stress" else HEAVY_LEARNER
    built = Built(kind, path, learner, [s.label for s in services.values()])
    if path.exists():
        return built
    CACHE.mkdir(exist_ok=True)
    for stale in CACHE.glob(f"{kind}-*.db*"):
        stale.unlink()
    work = path.with_suffix(".building")
    work.unlink(missing_ok=True)
    log(f"building the {kind} database (cached afterwards as {path.name})...")
    if kind == "fresh":
        _build_fresh(work)
    elif kind == "heavy":
        shutil.copyfile(database("fresh", log).path, work)
        _build_heavy(work, services, log)
    elif kind == "stress":
        shutil.copyfile(database("heavy", log).path, work)
        _build_stress(work, log)
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    work.rename(path)
    return built


def _build_fresh(path: Path) -> None:
    from mltrack.db import prepare_database

    prepare_database(path)


def _build_heavy(path: Path, services: dict[str, Service], log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner
    from mltrack.session import write_session

    with write_session(path) as session:
        for name, *_ in PROFILES[1:]:
            add_learner(session, name)
    for number, (name, events, study_entries, own_items) in enumerate(PROFILES):
        rng = random.Random(f"mltrack-bench-{number}")
        _add_own_items(path, name, own_items, services["own_items"], log)
        _add_history(path, name, events, rng)
        _add_study_log(path, name, study_entries, services["study_log"], rng, log)
        made = [f"{events} progress events"]
        made += [f"{study_entries} study-log entries"] if services["study_log"].function else []
        made += [f"{own_items} own items"] if services["own_items"].function else []
        log(f"  {name}: {', '.join(made)}")
    _backdate_events(path)


def _days(count: int) -> Iterator[date]:
    """``count`` dates spread evenly over the last ten years, oldest first."""
    start = date.today() - timedelta(days=DAYS)
    for index in range(count):
        yield start + timedelta(days=index * DAYS // max(count, 1))


def _add_history(path: Path, learner: str, events: int, rng: random.Random) -> None:
    """Start, finish, skip, reset and undo items the way a learner would, year after year."""
    from mltrack.services.progress import change_status, undo_last
    from mltrack.session import write_session

    slugs = _visible_slugs(path, learner)
    status = dict.fromkeys(slugs, "planned")
    days = _days(events)
    made = 0
    while made < events:
        with write_session(path) as session:
            for _ in range(min(BATCH, events - made)):
                on = next(days)
                if made and rng.random() < UNDO_SHARE:
                    change = undo_last(session, learner)
                else:
                    slug = rng.choice(slugs)
                    action = _next_action(status[slug], rng)
                    change = change_status(session, learner, slug, action, on=on)
                status[change.slug] = change.to_status
                made += 1
                session.flush()


def _next_action(current: str, rng: random.Random) -> Any:
    from mltrack.models import EventAction

    if current == "planned":
        return EventAction.SKIP if rng.random() < SKIP_SHARE else EventAction.START
    if current == "in_progress":
        return EventAction.DONE if rng.random() < 0.8 else EventAction.RESET
    return EventAction.RESET if current == "skipped" or rng.random() < 0.5 else EventAction.START


def _add_study_log(
    path: Path,
    learner: str,
    entries: int,
    service: Service,
    rng: random.Random,
    log: Callable[[str], None],
) -> None:
    if service.function is None or not entries:
        return
    from mltrack.session import write_session

    slugs = _visible_slugs(path, learner)
    days = _days(entries)
    for start in range(0, entries, BATCH):
        with write_session(path) as session:
            for _ in range(min(BATCH, entries - start)):
                item = rng.choice(slugs) if rng.random() < 0.8 else None
                minutes = rng.choice((15, 30, 45, 60, 90, 120))
                values = {"learner": learner, "minutes": minutes, "on": next(days)}
                call_service(service, session, **values, **({"item": item} if item else {}))


def _add_own_items(
    path: Path, learner: str, count: int, service: Service, log: Callable[[str], None]
) -> None:
    if service.function is None or not count:
        return
    from mltrack.session import write_session

    areas = [row[0] for row in _query(path, "SELECT slug FROM area WHERE NOT retired")]
    with write_session(path) as session:
        for number in range(count):
            call_service(
                service,
                session,
                learner=learner,
                title=f"{learner} own course {number:03d} on applied machine learning",
                kind="course",
                area=areas[number % len(areas)],
                hours=10 + number % 40,
            )


def _visible_slugs(path: Path, learner: str) -> list[str]:
    sql = """
        SELECT i.slug FROM item i
        WHERE NOT i.retired
          AND (i.learner_id IS NULL OR i.learner_id = (SELECT id FROM learner WHERE name = ?))
        ORDER BY i.id
    """
    return [row[0] for row in _query(path, sql, learner)]


def _query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _backdate_events(path: Path) -> None:
    """Give each event the time of the day it is about (the services stamp the current time);
    an undo takes the date and time of the change it reverted."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "UPDATE progress_event SET occurred_at = on_date || 'T12:00:00+00:00' "
            "WHERE action <> 'undo'"
        )
        connection.execute(
            """UPDATE progress_event AS u
               SET on_date = (SELECT e.on_date FROM progress_event e WHERE e.id = u.undoes_id),
                   occurred_at = (SELECT e.occurred_at FROM progress_event e
                                  WHERE e.id = u.undoes_id)
               WHERE action = 'undo'"""
        )
        connection.execute(
            "UPDATE learner SET created_at = ?", (f"{next(_days(1))}T09:00:00+00:00",)
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def _build_stress(path: Path, log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner
    from mltrack.session import write_session

    copies = [f"copy-{number:03d}" for number in range(1, STRESS_COPIES + 1)]
    with write_session(path) as session:
        for name in copies:
            add_learner(session, name)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("BEGIN IMMEDIATE")
        source = _learner_id(connection, HEAVY_LEARNER)
        tables, others = _learner_tables(connection)
        skipped = _hanging_off(connection, others, {t.name for t in tables}, source)
        strides = {t.name: _max_id(connection, t.name) for t in tables if t.has_id}
        for number, name in enumerate(copies, 1):
            target = _learner_id(connection, name)
            for table in tables:
                sql = table.copy_sql(strides, number)
                connection.execute(sql, {"source": source, "target": target})
        connection.execute("COMMIT")
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the stress copies break {len(broken)} references: {broken[:3]}")
    finally:
        connection.close()
    names = ", ".join(t.name for t in tables)
    log(f"  copied {HEAVY_LEARNER!r} {STRESS_COPIES} times with INSERT ... SELECT ({names})")
    if skipped:
        log(f"  not copied (no learner_id column, but they reference copied rows): {skipped}")


@dataclass
class LearnerTable:
    """A table with a ``learner_id`` column, and how to copy one learner's rows in it."""

    name: str
    columns: list[str]
    has_id: bool
    references: dict[str, str]  # column -> copied table it points at
    unique_text: set[str]

    def copy_sql(self, strides: dict[str, int], number: int) -> str:
        """INSERT ... SELECT copying the source learner's rows to the target learner: ids
        shifted past every existing row, references to copied rows shifted alike, unique
        text (own item slugs) suffixed with the copy's number."""
        values = []
        for column in self.columns:
            if column == "learner_id":
                values.append(":target")
            elif column == "id" and self.has_id:
                values.append(f"id + {strides[self.name] * number}")
            elif column in self.references:
                other = self.references[column]
                values.append(
                    f"CASE WHEN {column} IN (SELECT id FROM {other} WHERE learner_id = :source) "
                    f"THEN {column} + {strides[other] * number} ELSE {column} END"
                )
            elif column in self.unique_text:
                values.append(f"{column} || '-{number:03d}'")
            else:
                values.append(column)
        return (
            f"INSERT INTO {self.name} ({', '.join(self.columns)}) "
            f"SELECT {', '.join(values)} FROM {self.name} WHERE learner_id = :source ORDER BY "
            + ("id" if self.has_id else "rowid")
        )


def _learner_tables(
    connection: sqlite3.Connection,
) -> tuple[list[LearnerTable], dict[str, list[tuple[str, str]]]]:
    """Every table holding per-learner rows, and the references of every other table (which
    the copy cannot follow when they point at a learner's rows)."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns = {n: _columns(connection, n) for n in names}
    owned = {n for n in names if "learner_id" in columns[n] and n != "learner"}
    tables = []
    for name in sorted(owned):
        info = connection.execute(f"PRAGMA table_info({name})").fetchall()
        has_id = any(row[1] == "id" and row[5] == 1 for row in info)
        references = {
            row[3]: row[2]
            for row in connection.execute(f"PRAGMA foreign_key_list({name})")
            if row[2] in owned and row[4] == "id"
        }
        tables.append(
            LearnerTable(name, columns[name], has_id, references, _unique_text(connection, name))
        )
    skipped = {
        n: [(row[3], row[2]) for row in connection.execute(f"PRAGMA foreign_key_list({n})")]
        for n in names
        if n not in owned and n != "learner"
    }
    return tables, skipped


def _hanging_off(
    connection: sqlite3.Connection,
    others: dict[str, list[tuple[str, str]]],
    owned: set[str],
    source: int,
) -> list[str]:
    """Tables without a learner_id whose rows point at the source learner's rows."""
    found = []
    for table, references in others.items():
        for column, target in references:
            sql = (
                f"SELECT 1 FROM {table} WHERE {column} IN "
                f"(SELECT id FROM {target} WHERE learner_id = ?) LIMIT 1"
            )
            if target in owned and connection.execute(sql, (source,)).fetchone():
                found.append(table)
                break
    return found


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]


def _unique_text(connection: sqlite3.Connection, table: str) -> set[str]:
    """Text columns with a unique index of their own (e.g. item.slug)."""
    types = {row[1]: row[2].upper() for row in connection.execute(f"PRAGMA table_info({table})")}
    found = set()
    for index in connection.execute(f"PRAGMA index_list({table})").fetchall():
        if not index[2]:
            continue
        cols = [row[2] for row in connection.execute(f"PRAGMA index_info({index[1]})")]
        if len(cols) == 1 and any(t in types.get(cols[0], "") for t in ("CHAR", "TEXT")):
            found.add(cols[0])
    return found


def _learner_id(connection: sqlite3.Connection, name: str) -> int:
    return connection.execute("SELECT id FROM learner WHERE name = ?", (name,)).fetchone()[0]


def _max_id(connection: sqlite3.Connection, table: str) -> int:
    return connection.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]


def counts(path: Path) -> dict[str, int]:
    """Rows per table with per-learner data, for the benchmark's header."""
    connection = sqlite3.connect(path)
    try:
        tables, _ = _learner_tables(connection)
        found = {"learner": connection.execute("SELECT COUNT(*) FROM learner").fetchone()[0]}
        for table in tables:
            found[table.name] = connection.execute(f"SELECT COUNT(*) FROM {table.name}").fetchone()[
                0
            ]
        return found
    finally:
        connection.close()


if __name__ == "__main__":
    for kind in sys.argv[1:] or ["fresh", "heavy", "stress"]:
        built = database(kind)
        print(kind, built.path, counts(built.path))
