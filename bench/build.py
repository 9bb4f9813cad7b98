"""The benchmark's databases, built through mltrack's own services and cached.

Three databases, each built once and kept under ``bench/.cache`` with a key made of this file's
code, the schema revision, the seed digest and which optional services exist (so a new schema,
a changed builder or a newly merged service rebuilds them):

- ``fresh``: created, migrated and seeded, exactly as a first run leaves it.
- ``heavy``: ten years of one learner's work plus four lighter profiles (see PROFILES), every
  row written by the services: ``change_status`` and ``undo_last``, and those of
  OPTIONAL_SERVICES that exist (study and reading logs, own items, projects, certification
  goals). The services stamp events with the current time, so afterwards one UPDATE moves each
  event's ``occurred_at`` to the date it is about (and an undo onto the date of the change it
  reverted), as if the history had been typed over ten years.
- ``stress``: the heavy database plus 95 copies of its heavy learner, made with one
  ``INSERT ... SELECT`` per table and copy (building a million events through the ORM would
  take hours); about a million events over 100 profiles.
- ``deep``: ONE learner with a very long history, by default a million progress events (see
  DEEP_EVENTS; ``--events N``, the environment variable MLTRACK_BENCH_DEEP_EVENTS or
  ``database("deep", events=N)`` choose another count), plus study sessions and reading
  entries in the heavy learner's proportions. What a read shows is the heavy learner's (the
  same own items, projects and certification goals, written by the services); only the
  history is longer. The history is generated row by row with ``executemany`` in one
  transaction, following the rules the services keep: each event leaves its item where the
  next event of that item starts, an undo reverts the newest change not yet undone, ``prior``
  holds the progress row as ``services/progress.py`` snapshots it, dates never go back, and
  the ``progress`` rows are what the last events left.

Standard library plus mltrack itself: the benchmark must run wherever mltrack is installed.
"""

import argparse
import hashlib
import importlib
import json
import os
import random
import shutil
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parent / ".cache"
DAYS = 3650  # ten years
HEAVY_LEARNER = "me"


@dataclass(frozen=True)
class Profile:
    """How much history one learner gets in the heavy database."""

    name: str
    events: int
    study_entries: int
    own_items: int
    readings: int
    projects: int


# ~20,000 progress events, ~5,000 study-log entries and 200 own items in all, half of the
# events the heavy learner's.
PROFILES = (
    Profile(HEAVY_LEARNER, 10_000, 2_000, 120, 500, 20),
    *(Profile(name, 2_500, 750, 20, 100, 5) for name in ("alex", "sam", "kim", "lee")),
)
STRESS_COPIES = 95  # 5 profiles + 95 copies of the heavy learner = 100 profiles
STRESS_LEARNER = "copy-050"  # a copy in the middle of the table, not the first rows
BATCH = 250  # changes per write transaction while building
UNDO_SHARE = 0.03
SKIP_SHARE = 0.05
DEEP_EVENTS = 1_000_000  # progress events of the deep database's one learner, by default
DEEP_EVENTS_ENV = "MLTRACK_BENCH_DEEP_EVENTS"
DEEP_UNDO_REACH = 1_000  # newest open changes kept for undo (a deeper run of undos changes)


@dataclass
class Built:
    """A database ready to measure, and what the benchmark needs to know about it."""

    kind: str
    path: Path
    learner: str
    notes: list[str] = field(default_factory=list)


# Write services merged by other issues: the builder uses each one that exists (a missing one
# leaves its rows out, and which exist is part of the cache key).
OPTIONAL_SERVICES = {
    "study log": ("mltrack.services.study", "log_session"),
    "reading log": ("mltrack.services.study", "log_reading"),
    "own items": ("mltrack.services.items", "add_own_item"),
    "projects": ("mltrack.services.projects", "add_project"),
    "certification goals": ("mltrack.services.certs", "set_goal"),
}


def service(name: str) -> Callable[..., Any] | None:
    """The optional service called ``name`` in OPTIONAL_SERVICES, or None if not built."""
    module_name, attribute = OPTIONAL_SERVICES[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attribute, None)


def available() -> list[str]:
    return [name for name in OPTIONAL_SERVICES if service(name) is not None]


def cache_key() -> str:
    """Changes when the builder, the schema, the seed or the available services change."""
    from mltrack.formats.seed_files import seed_digest
    from mltrack.store.revisions import HEAD_REVISION

    parts = [Path(__file__).read_text(), HEAD_REVISION, seed_digest(), *available()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def deep_events(events: int | None = None) -> int:
    """The deep database's number of progress events: ``events`` if given, else the
    environment variable DEEP_EVENTS_ENV, else DEEP_EVENTS."""
    if events is None:
        events = int(os.environ.get(DEEP_EVENTS_ENV) or DEEP_EVENTS)
    if events < 1:
        raise ValueError(f"the deep database needs at least one event, not {events}")
    return events


def database(kind: str, log: Callable[[str], None] = print, events: int | None = None) -> Built:
    """The cached database of ``kind`` (fresh, heavy, stress or deep), built first if needed;
    ``events`` is the deep database's number of progress events (see ``deep_events``)."""
    stem = f"deep-{deep_events(events)}" if kind == "deep" else kind
    path = CACHE / f"{stem}-{cache_key()}.db"
    learner = STRESS_LEARNER if kind == "stress" else HEAVY_LEARNER
    missing = [name for name in OPTIONAL_SERVICES if name not in available()]
    built = Built(
        kind, path, learner, [f"services not built yet: {', '.join(missing)}"] if missing else []
    )
    if path.exists():
        return built
    CACHE.mkdir(exist_ok=True)
    for stale in CACHE.glob(f"{stem}-*.db*"):
        stale.unlink()
    work = path.with_suffix(".building")
    work.unlink(missing_ok=True)
    log(f"building the {kind} database (cached afterwards as {path.name})...")
    started = datetime.now()
    if kind == "fresh":
        _build_fresh(work)
    elif kind == "heavy":
        shutil.copyfile(database("fresh", log).path, work)
        _build_heavy(work, log)
    elif kind == "stress":
        shutil.copyfile(database("heavy", log).path, work)
        _build_stress(work, log)
    elif kind == "deep":
        shutil.copyfile(database("fresh", log).path, work)
        build_deep(work, deep_events(events), log)
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    work.rename(path)
    log(f"  built in {(datetime.now() - started).total_seconds():.1f} s")
    return built


def _build_fresh(path: Path) -> None:
    from mltrack.services.startup import prepare_database

    prepare_database(path)


def _build_heavy(path: Path, log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner
    from mltrack.store.orm import write_session

    with write_session(path) as session:
        for profile in PROFILES[1:]:
            add_learner(session, profile.name)
    for number, profile in enumerate(PROFILES):
        rng = random.Random(f"mltrack-bench-{number}")
        made = [
            _add_own_items(path, profile),
            _add_history(path, profile, rng),
            _add_study_log(path, profile, rng),
            _add_reading(path, profile, rng),
            _add_projects(path, profile),
            _add_cert_goals(path, profile),
        ]
        log(f"  {profile.name}: " + ", ".join(m for m in made if m))
    _backdate_events(path)


def _days(count: int) -> Iterator[date]:
    """``count`` dates spread evenly over the last ten years, oldest first."""
    start = date.today() - timedelta(days=DAYS)
    for index in range(count):
        yield start + timedelta(days=index * DAYS // max(count, 1))


def _batches(count: int) -> Iterator[range]:
    """``count`` changes cut into transactions of BATCH."""
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _add_history(path: Path, profile: "Profile", rng: random.Random) -> str:
    """Start, finish, skip, reset and undo items the way a learner would, year after year."""
    from mltrack.services.progress import change_status
    from mltrack.services.undo import undo_last
    from mltrack.store.orm import write_session

    slugs = _visible_slugs(path, profile.name)
    status = dict.fromkeys(slugs, "planned")
    days = _days(profile.events)
    for batch in _batches(profile.events):
        with write_session(path) as session:
            for index in batch:
                on = next(days)
                if index and rng.random() < UNDO_SHARE:
                    change = undo_last(session, profile.name)
                else:
                    slug = rng.choice(slugs)
                    action = _next_action(status[slug], rng)
                    change = change_status(session, profile.name, slug, action, on=on)
                status[change.slug] = change.to_status
                session.flush()
    return f"{profile.events} progress events"


def _next_action(current: str, rng: random.Random) -> Any:
    from mltrack.core.vocabulary import EventAction

    if current == "planned":
        return EventAction.SKIP if rng.random() < SKIP_SHARE else EventAction.START
    if current == "in_progress":
        return EventAction.DONE if rng.random() < 0.8 else EventAction.RESET
    return EventAction.RESET if current == "skipped" or rng.random() < 0.5 else EventAction.START


def _add_study_log(path: Path, profile: "Profile", rng: random.Random) -> str:
    log_session = service("study log")
    if log_session is None:
        return ""
    from mltrack.store.orm import write_session

    slugs = _visible_slugs(path, profile.name)
    days = _days(profile.study_entries)
    for batch in _batches(profile.study_entries):
        with write_session(path) as session:
            for _ in batch:
                item = rng.choice(slugs) if rng.random() < 0.8 else None
                minutes = rng.choice((15, 30, 45, 60, 90, 120))
                log_session(session, profile.name, minutes, item_text=item, on=next(days))
    return f"{profile.study_entries} study-log entries"


def _add_reading(path: Path, profile: "Profile", rng: random.Random) -> str:
    log_reading = service("reading log")
    if log_reading is None:
        return ""
    from mltrack.core.vocabulary import ReadingKind
    from mltrack.store.orm import write_session

    days = _days(profile.readings)
    for batch in _batches(profile.readings):
        with write_session(path) as session:
            for index in batch:
                kind = rng.choice(list(ReadingKind))
                log_reading(session, profile.name, f"{kind} number {index}", kind, on=next(days))
    return f"{profile.readings} reading-log entries"


def _add_own_items(path: Path, profile: "Profile") -> str:
    from mltrack.core.vocabulary import ItemKind

    areas = _areas(path)

    def add(add_own_item: Callable[..., Any], session: Any, number: int) -> None:
        add_own_item(
            session, profile.name, f"{profile.name} course {number:03d} on applied ML",
            ItemKind.COURSE, area_text=areas[number % len(areas)], hours=10 + number % 40,
        )  # fmt: skip

    made = _in_one_transaction(path, "own items", profile.own_items, add)
    return f"{profile.own_items} own items" if made else ""


def _add_projects(path: Path, profile: "Profile") -> str:
    areas = _areas(path)

    def add(add_project: Callable[..., Any], session: Any, number: int) -> None:
        add_project(
            session, profile.name, f"Project {number:03d}", f"public data set {number}",
            area_texts=(areas[number % len(areas)],),
        )  # fmt: skip

    made = _in_one_transaction(path, "projects", profile.projects, add)
    return f"{profile.projects} projects" if made else ""


def _add_cert_goals(path: Path, profile: "Profile") -> str:
    """A target date for every certification on the pathway."""
    certs = [row[0] for row in _query(path, "SELECT slug FROM item WHERE kind = 'certification'")]

    def add(set_goal: Callable[..., Any], session: Any, number: int) -> None:
        set_goal(
            session, profile.name, certs[number], date.today() + timedelta(days=20 + 60 * number)
        )

    made = _in_one_transaction(path, "certification goals", len(certs), add)
    return f"{len(certs)} certification goals" if made else ""


def _in_one_transaction(
    path: Path, name: str, count: int, call: Callable[[Callable[..., Any], Any, int], None]
) -> bool:
    """``call(service, session, number)`` for number in range(count), in one transaction;
    False when the optional service ``name`` is not built."""
    function = service(name)
    if function is None:
        return False
    from mltrack.store.orm import write_session

    with write_session(path) as session:
        for number in range(count):
            call(function, session, number)
    return True


def _areas(path: Path) -> list[str]:
    return [row[0] for row in _query(path, "SELECT slug FROM area WHERE NOT retired")]


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


def build_deep(path: Path, events: int, log: Callable[[str], None] = print) -> None:
    """Give the heavy learner of the database at ``path`` (created and seeded first if it does
    not exist) a history of ``events`` progress events, with study sessions and reading
    entries in the heavy learner's proportions, over the last ten years.

    What reads show besides the history (own items, projects, certification goals) is written
    by the services, as in the heavy database; the history itself by ``executemany``.
    """
    if not path.exists():
        _build_fresh(path)
    heavy = PROFILES[0]
    profile = Profile(
        HEAVY_LEARNER, events, events * heavy.study_entries // heavy.events, heavy.own_items,
        events * heavy.readings // heavy.events, heavy.projects,
    )  # fmt: skip
    made = [_add_own_items(path, profile), _add_projects(path, profile),
            _add_cert_goals(path, profile)]  # fmt: skip
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA cache_size = -262144")  # 256 MiB while building
        connection.execute("BEGIN IMMEDIATE")
        learner = _learner_id(connection, HEAVY_LEARNER)
        items = [row[0] for row in connection.execute(_VISIBLE_IDS_SQL, (learner,))]
        history = DeepHistory(learner, items, random.Random("mltrack-bench-deep"))
        first = _max_id(connection, "progress_event") + 1
        indexes = _drop_indexes(connection, _HISTORY_TABLES)  # made again once, sorted: faster
        connection.executemany(_INSERT_EVENT_SQL, history.events(first, events))
        connection.execute("DELETE FROM progress WHERE learner_id = :learner", {"learner": learner})
        connection.executemany(_INSERT_PROGRESS_SQL, history.progress_rows())
        if service("study log") is not None:
            connection.executemany(_INSERT_SESSION_SQL, history.sessions(profile.study_entries))
            made.append(f"{profile.study_entries} study sessions")
        if service("reading log") is not None:
            connection.executemany(_INSERT_READING_SQL, history.readings(profile.readings))
            made.append(f"{profile.readings} reading entries")
        for sql in indexes:
            connection.execute(sql)
        connection.execute(
            "UPDATE learner SET created_at = :at WHERE id = :learner",
            {"at": _timestamp(_history_start() - timedelta(hours=1)), "learner": learner},
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
    log(f"  {HEAVY_LEARNER}: {events} progress events, " + ", ".join(m for m in made if m))


_HISTORY_TABLES = ("progress_event", "study_session", "reading_entry")


def _drop_indexes(connection: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the named indexes of ``tables`` and return the statements that create them again
    (the same text, so the schema ends as it began)."""
    marks = ", ".join("?" for _ in tables)
    found = connection.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        tables,
    ).fetchall()
    for name, _ in found:
        connection.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]


_VISIBLE_IDS_SQL = """
    SELECT id FROM item WHERE NOT retired AND (learner_id IS NULL OR learner_id = ?) ORDER BY id
"""
_INSERT_EVENT_SQL = """
    INSERT INTO progress_event (id, learner_id, item_id, occurred_at, on_date, action,
                                from_status, to_status, note, prior, undoes_id, cert_event_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, NULL)
"""
_INSERT_PROGRESS_SQL = """
    INSERT INTO progress (learner_id, item_id, status, started_on, finished_on, note,
                          evidence_url, updated_at)
    VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)
"""
_INSERT_SESSION_SQL = """
    INSERT INTO study_session (learner_id, item_id, on_date, week_start, minutes, note,
                               created_at)
    VALUES (?, ?, ?, ?, ?, NULL, ?)
"""
_INSERT_READING_SQL = """
    INSERT INTO reading_entry (learner_id, title, kind, url, item_id, on_date, created_at)
    VALUES (?, ?, ?, NULL, NULL, ?, ?)
"""
# The status each action leads to (services/progress.py's TARGET, as text).
_TARGET = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "planned"}


def _history_start() -> datetime:
    """The first moment of the generated history: ten years ago, 08:00 UTC."""
    return datetime.combine(date.today() - timedelta(days=DAYS), time(8), UTC)


def _timestamp(moment: datetime) -> str:
    """A moment as the services store it (``mltrack.core.dates.utc_now_iso``)."""
    return moment.isoformat(timespec="microseconds")


def _moments(count: int, phase: int) -> Iterator[tuple[str, str]]:
    """``count`` (timestamp, date) pairs spread evenly over the ten years up to yesterday,
    oldest first; ``phase`` (0-3) shifts them so that the three journals do not collide."""
    start = _history_start()
    span = int((timedelta(days=DAYS - 1) - timedelta(hours=9)).total_seconds() * 1_000_000)
    for index in range(count):
        stamp = _timestamp(
            start + timedelta(microseconds=(4 * index + phase) * span // (4 * count))
        )
        yield stamp, stamp[:10]


class DeepHistory:
    """One learner's generated journals, kept consistent the way the services keep them."""

    def __init__(self, learner: int, items: list[int], rng: random.Random):
        self.learner, self.items, self.rng = learner, items, rng
        self.status = dict.fromkeys(items, "planned")
        # The progress row of each item as (status, started_on, finished_on, updated_at);
        # None when there is none (an item never changed, or its first change undone).
        self.rows: dict[int, tuple[str, str | None, str | None, str] | None] = dict.fromkeys(items)
        # Changes not yet undone, newest last: (event id, item, from, to, prior).
        self.open: deque[tuple[int, int, str, str, str | None]] = deque(maxlen=DEEP_UNDO_REACH)

    def events(self, first_id: int, count: int) -> Iterator[tuple[object, ...]]:
        """``count`` progress events, ids from ``first_id``: changes and ~3% undos."""
        rng = self.rng
        for number, (stamp, on) in enumerate(_moments(count, 1)):
            event_id = first_id + number
            if number and self.open and rng.random() < UNDO_SHARE:
                yield self._undo(event_id, stamp, on)
                continue
            item = rng.choice(self.items)
            current = self.status[item]
            action = str(_next_action(current, rng))
            target = _TARGET[action]
            prior = self._snapshot(item)
            self.rows[item] = self._applied(self.rows[item], target, on, stamp)
            self.status[item] = target
            self.open.append((event_id, item, current, target, prior))
            yield (event_id, self.learner, item, stamp, on, action, current, target, prior, None)

    def _undo(self, event_id: int, stamp: str, on: str) -> tuple[object, ...]:
        """Revert the newest open change: its item's row goes back to ``prior``."""
        undone, item, before, after, prior = self.open.pop()
        snapshot = self._snapshot(item)
        if prior is None:
            self.rows[item] = None
        else:
            values = json.loads(prior)
            self.rows[item] = (values["status"], values["started_on"], values["finished_on"],
                               stamp)  # fmt: skip
        self.status[item] = before
        return (event_id, self.learner, item, stamp, on, "undo", after, before, snapshot, undone)

    def _snapshot(self, item: int) -> str | None:
        """The item's progress row as ``services.progress._snapshot`` stores it in ``prior``."""
        row = self.rows[item]
        if row is None:
            return None
        status, started, finished, _ = row
        fields = {"status": status, "started_on": started, "finished_on": finished,
                  "note": None, "evidence_url": None}  # fmt: skip
        return json.dumps(fields)

    @staticmethod
    def _applied(
        row: tuple[str, str | None, str | None, str] | None, target: str, on: str, stamp: str
    ) -> tuple[str, str | None, str | None, str]:
        """The row after a change to ``target`` on ``on`` (``services.progress._apply``)."""
        started = row[1] if row else None
        if target == "planned":
            return (target, None, None, stamp)
        if target == "in_progress":
            return (target, on, None, stamp)
        if target == "done":
            return (target, started or on, on, stamp)
        return (target, started, None, stamp)

    def progress_rows(self) -> Iterator[tuple[object, ...]]:
        """The progress rows the events leave, one per item that has one."""
        for item, row in self.rows.items():
            if row is not None:
                yield (self.learner, item, *row)

    def sessions(self, count: int) -> Iterator[tuple[object, ...]]:
        """Study sessions, four in five of them on an item."""
        rng, mondays = self.rng, _Mondays()
        for stamp, on in _moments(count, 2):
            item = rng.choice(self.items) if rng.random() < 0.8 else None
            minutes = rng.choice((15, 30, 45, 60, 90, 120))
            yield (self.learner, item, on, mondays[on], minutes, stamp)

    def readings(self, count: int) -> Iterator[tuple[object, ...]]:
        from mltrack.core.vocabulary import ReadingKind

        kinds = [str(kind) for kind in ReadingKind]
        for number, (stamp, on) in enumerate(_moments(count, 3)):
            kind = self.rng.choice(kinds)
            yield (self.learner, f"{kind} number {number}", kind, on, stamp)


class _Mondays(dict[str, str]):
    """ISO date text -> the Monday of its week (``mltrack.core.dates.week_start``), memoised."""

    def __missing__(self, on: str) -> str:
        from mltrack.core.dates import week_start

        monday = week_start(date.fromisoformat(on)).isoformat()
        self[on] = monday
        return monday


def _build_stress(path: Path, log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner
    from mltrack.store.orm import write_session

    copies = [f"copy-{number:03d}" for number in range(1, STRESS_COPIES + 1)]
    with write_session(path) as session:
        for name in copies:
            add_learner(session, name)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")  # checked once at the end instead
        connection.execute("BEGIN IMMEDIATE")
        source = _learner_id(connection, HEAVY_LEARNER)
        tables = copied_tables(connection)
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


@dataclass
class CopiedTable:
    """A table holding per-learner rows, and how to copy one learner's rows in it.

    Its rows belong to a learner by its own ``learner_id`` column or, for a table without one
    (e.g. project_area), through ``owner``: a reference to a table that has one.
    """

    name: str
    columns: list[str]
    has_id: bool
    references: dict[str, str]  # column -> copied table it points at
    unique_text: set[str]
    owner: str | None = None

    def copy_sql(self, strides: dict[str, int], number: int) -> str:
        """INSERT ... SELECT copying the source learner's rows to the target learner: ids
        shifted past every existing row, references to copied rows shifted alike, unique
        text (own item slugs) suffixed with the copy's number."""
        values = [self._value(column, strides, number) for column in self.columns]
        if self.owner is None:
            mine = "learner_id = :source"
        else:
            mine = f"{self.owner} IN ({_rows_of_source(self.references[self.owner])})"
        return (
            f"INSERT INTO {self.name} ({', '.join(self.columns)}) "
            f"SELECT {', '.join(values)} FROM {self.name} WHERE {mine} ORDER BY rowid"
        )

    def _value(self, column: str, strides: dict[str, int], number: int) -> str:
        if column == "learner_id":
            return ":target"
        if column == "id" and self.has_id:
            return f"id + {strides[self.name] * number}"
        if column in self.references:
            other = self.references[column]
            shifted = f"{column} + {strides[other] * number}"
            return (
                f"CASE WHEN {column} IN ({_rows_of_source(other)}) THEN {shifted} ELSE {column} END"
            )
        if column in self.unique_text:
            return f"{column} || '-{number:03d}'"
        return column


def _rows_of_source(table: str) -> str:
    return f"SELECT id FROM {table} WHERE learner_id = :source"


def copied_tables(connection: sqlite3.Connection) -> list[CopiedTable]:
    """Every table holding per-learner rows: those with a learner_id column, then those that
    reference one of them by id."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    columns = {name: _columns(connection, name) for name in names}
    owned = {name for name in names if "learner_id" in columns[name] and name != "learner"}
    with_id = {name for name in owned if _has_integer_id(connection, name)}
    tables = []
    for name in sorted(set(names) - {"learner"}):
        references = {
            row[3]: row[2]
            for row in connection.execute(f"PRAGMA foreign_key_list({name})")
            if row[2] in with_id and row[4] == "id"
        }
        owner = None
        if name not in owned:
            owner = next((column for column, other in references.items() if other in owned), None)
            if owner is None:
                continue
        tables.append(CopiedTable(name, columns[name], name in with_id, references,
                                  _unique_text(connection, name), owner))  # fmt: skip
    return tables


def _has_integer_id(connection: sqlite3.Connection, table: str) -> bool:
    info = connection.execute(f"PRAGMA table_info({table})").fetchall()
    return any(row[1] == "id" and row[5] == 1 for row in info)


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
        names = ["learner", *(table.name for table in copied_tables(connection))]
        return {n: connection.execute(f"SELECT COUNT(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        connection.close()


KINDS = ("fresh", "heavy", "stress", "deep")


def main(argv: Iterable[str] | None = None) -> None:
    """``python bench/build.py [KIND ...] [--events N]``: build (or find) the databases."""
    parser = argparse.ArgumentParser(description="Build the benchmark's cached databases.")
    kinds = ", ".join(KINDS)
    parser.add_argument("kinds", nargs="*", metavar="KIND",
                        help=f"one of {kinds} (default: fresh, heavy and stress)")  # fmt: skip
    parser.add_argument("--events", type=int, default=None, metavar="N",
                        help=f"progress events of the deep database (default {DEEP_EVENTS:,}, "
                        f"or ${DEEP_EVENTS_ENV})")  # fmt: skip
    arguments = parser.parse_args(None if argv is None else list(argv))
    unknown = [kind for kind in arguments.kinds if kind not in KINDS]
    if unknown:
        parser.error(f"unknown database kind {unknown[0]!r} (choose from {', '.join(KINDS)})")
    for kind in arguments.kinds or ["fresh", "heavy", "stress"]:
        built = database(kind, events=arguments.events)
        print(kind, built.path, counts(built.path))


if __name__ == "__main__":
    main()
