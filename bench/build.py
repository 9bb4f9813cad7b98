"""The benchmark's databases, built through mltrack's own services and cached.

Five databases, each built once and kept under ``bench/.cache`` with a key made of this file's
code, the schema revision, the seed digest and the journal's rules and store (so a new schema,
a changed builder or a change to what an entry means rebuilds them):

- ``fresh``: created, migrated and seeded, exactly as a first run leaves it.
- ``heavy``: ten years of one learner's work plus four lighter profiles (see PROFILES), every
  journal entry written by the daily write services on a ``SqliteWriter``, BATCH changes per
  ``BEGIN IMMEDIATE`` transaction: own items, then starts, finishes, skips, resets and undos
  (``change_status``, ``undo_last``), study and reading logs, projects and certification
  goals. The history is typed with ``--on`` the day it is about (and an undo on the day of the
  change before it), so the journal's dates are ten years'; the services stamp
  ``recorded_at`` with the current time, so afterwards one UPDATE moves it to the day too.
- ``stress``: the heavy database plus 95 copies of its heavy learner, made with one
  ``INSERT ... SELECT`` per table and copy (journal uids, own item slugs and the subjects
  naming them made unique per copy); about 1.5 million journal entries over 100 profiles.
- ``cohort``: COHORT_LEARNERS learners of COHORT_EVENTS generated entries each (see
  ``build_cohort``), for ``bench/run.py --cohort`` to import into PostgreSQL.
- ``deep``: ONE learner with a very long journal, by default a million entries (see
  DEEP_EVENTS; ``--events N``, the environment variable MLTRACK_BENCH_DEEP_EVENTS or
  ``database("deep", events=N)`` choose another count): status changes, study sessions and
  reading entries in the heavy learner's proportions, ~3% undos. What a read shows besides the
  history is the heavy learner's (the same own items, projects and certification goals,
  written by the services); only the history is longer. The entries are generated with
  ``executemany`` in one transaction, following ``core/journal.py``'s rules (each status change
  valid after the previous standing one of its item, dates and times never go back, an undo
  reverts the newest change that stands, as ``mltrack undo`` does), then
  ``services.journal.rebuild`` writes the projections from them, as ``doctor --repair`` would;
  the build fails if the rebuild sets aside (flags) a single entry.

Standard library plus mltrack itself: the benchmark must run wherever mltrack is installed.
"""

import argparse
import hashlib
import json
import os
import random
import shutil
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mltrack.queries.reader import SqliteWriter

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


# ~20,000 status changes, ~5,000 study-log entries and 200 own items in all, half of the
# changes the heavy learner's.
PROFILES = (
    Profile(HEAVY_LEARNER, 10_000, 2_000, 120, 500, 20),
    *(Profile(name, 2_500, 750, 20, 100, 5) for name in ("alex", "sam", "kim", "lee")),
)
STRESS_COPIES = 95  # 5 profiles + 95 copies of the heavy learner = 100 profiles
STRESS_LEARNER = "copy-050"  # a copy in the middle of the table, not the first rows
BATCH = 250  # changes per write transaction while building
UNDO_SHARE = 0.03
SKIP_SHARE = 0.05
DEEP_EVENTS = 1_000_000  # journal entries of the deep database's one learner, by default
DEEP_EVENTS_ENV = "MLTRACK_BENCH_DEEP_EVENTS"
# The cohort database (issue 16): COHORT_LEARNERS learners of COHORT_EVENTS entries each.
COHORT_LEARNERS, COHORT_EVENTS = 50, 2_000
DEEP_UNDO_REACH = 1_000  # newest standing changes kept for undo (a deeper run of undos changes)
# The mltrack sources whose change changes what a built database holds or means.
_KEY_SOURCES = ("core/journal.py", "services/journal.py")


@dataclass
class Built:
    """A database ready to measure, and what the benchmark needs to know about it."""

    kind: str
    path: Path
    learner: str
    notes: list[str] = field(default_factory=list)


def cache_key() -> str:
    """Changes when the builder, the schema, the seed or the journal's rules or store change."""
    import mltrack
    from mltrack.formats.seed_files import seed_digest
    from mltrack.store.revisions import HEAD_REVISION

    package = Path(mltrack.__file__).parent
    sources = [(package / name).read_text() for name in _KEY_SOURCES]
    parts = [Path(__file__).read_text(), HEAD_REVISION, seed_digest(), *sources]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def deep_events(events: int | None = None) -> int:
    """The deep database's number of journal entries: ``events`` if given, else the
    environment variable DEEP_EVENTS_ENV, else DEEP_EVENTS."""
    if events is None:
        events = int(os.environ.get(DEEP_EVENTS_ENV) or DEEP_EVENTS)
    if events < 1:
        raise ValueError(f"the deep database needs at least one event, not {events}")
    return events


def database(kind: str, log: Callable[[str], None] = print, events: int | None = None) -> Built:
    """The cached database of ``kind`` (fresh, heavy, stress, deep or cohort), built first if
    needed; ``events`` is the deep database's number of journal entries (see ``deep_events``)."""
    stem = f"deep-{deep_events(events)}" if kind == "deep" else kind
    path = CACHE / f"{stem}-{cache_key()}.db"
    learner = {"stress": STRESS_LEARNER, "cohort": cohort_name(1)}.get(kind, HEAVY_LEARNER)
    built = Built(kind, path, learner)
    if path.exists():
        return built
    CACHE.mkdir(exist_ok=True)
    for stale in [*CACHE.glob(f"{stem}-*.db*"), *CACHE.glob(f"{stem}-*.building*")]:
        stale.unlink()  # an older key's, or a build that failed (its -wal and -shm too: a
        # stale write-ahead log would be replayed into the new file and corrupt it)
    work = path.with_suffix(".building")
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
    elif kind == "cohort":
        shutil.copyfile(database("fresh", log).path, work)
        build_cohort(work, COHORT_LEARNERS, COHORT_EVENTS, log)
    else:
        raise ValueError(f"unknown database kind {kind!r}")
    work.rename(path)
    log(f"  built in {(datetime.now() - started).total_seconds():.1f} s")
    return built


def _build_fresh(path: Path) -> None:
    from mltrack.services.startup import prepare_database

    prepare_database(path)


@contextmanager
def _writer(path: Path) -> Iterator["SqliteWriter"]:
    """The daily writes' executor on ``path`` (stdlib sqlite3, mltrack's pragmas); each
    ``store.transaction()`` is one ``BEGIN IMMEDIATE``, as one command has it."""
    from mltrack.queries.reader import SqliteWriter
    from mltrack.store.db import connect

    store = SqliteWriter(connect(path))
    try:
        yield store
    finally:
        store.connection.close()


def _build_heavy(path: Path, log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner

    with _writer(path) as store:
        with store.transaction():
            for profile in PROFILES[1:]:
                add_learner(store, profile.name)
        for number, profile in enumerate(PROFILES):
            rng = random.Random(f"mltrack-bench-{number}")
            made = [
                _add_own_items(store, profile),
                _add_history(store, profile, rng),
                _add_study_log(store, profile, rng),
                _add_reading(store, profile, rng),
                _add_projects(store, profile),
                _add_cert_goals(store, profile),
            ]
            log(f"  {profile.name}: " + ", ".join(made))
    _backdate_entries(path)


def _days(count: int) -> Iterator[date]:
    """``count`` dates spread evenly over the last ten years, oldest first (before today)."""
    start = date.today() - timedelta(days=DAYS)
    for index in range(count):
        yield start + timedelta(days=index * DAYS // max(count, 1))


def _batches(count: int) -> Iterator[range]:
    """``count`` changes cut into transactions of BATCH."""
    for start in range(0, count, BATCH):
        yield range(start, min(start + BATCH, count))


def _add_history(store: "SqliteWriter", profile: Profile, rng: random.Random) -> str:
    """Start, finish, skip, reset and undo items the way a learner would, year after year,
    each typed on the day it is about."""
    from mltrack.services.progress import change_status
    from mltrack.services.undo import undo_last

    slugs = _status_slugs(store, profile.name)
    status = dict.fromkeys(slugs, "planned")
    standing = 0  # this history's changes not undone: an undo never reaches further back
    days = _days(profile.events)
    for batch in _batches(profile.events):
        with store.transaction():
            for _ in batch:
                on = next(days)
                if standing and rng.random() < UNDO_SHARE:
                    changes = undo_last(store, profile.name, today=on)
                    standing -= 1
                else:
                    slug = rng.choice(slugs)
                    action = _next_action(status[slug], rng)
                    changes = [change_status(store, profile.name, slug, action, today=on, on=on)]
                    standing += 1
                for change in changes:
                    status[change.slug] = change.to_status
    return f"{profile.events} status changes and undos"


def _next_action(current: str, rng: random.Random) -> str:
    """A change that ``core/journal.py`` accepts after ``current`` (done must be reset before
    it is taken up again)."""
    from mltrack.core.vocabulary import EventAction

    if current == "planned":
        return EventAction.SKIP if rng.random() < SKIP_SHARE else EventAction.START
    if current == "in_progress":
        return EventAction.DONE if rng.random() < 0.8 else EventAction.RESET
    if current == "skipped" and rng.random() < 0.5:
        return EventAction.START
    return EventAction.RESET


def _add_study_log(store: "SqliteWriter", profile: Profile, rng: random.Random) -> str:
    from mltrack.services.study import log_session

    slugs = _visible_slugs(store, profile.name)
    days = _days(profile.study_entries)
    for batch in _batches(profile.study_entries):
        with store.transaction():
            for _ in batch:
                item = rng.choice(slugs) if rng.random() < 0.8 else None
                minutes = rng.choice((15, 30, 45, 60, 90, 120))
                on = next(days)
                log_session(store, profile.name, minutes, today=on, item_text=item, on=on)
    return f"{profile.study_entries} study-log entries"


def _add_reading(store: "SqliteWriter", profile: Profile, rng: random.Random) -> str:
    """Reading entries; the first of each kind starts the item that kind keeps up (the history
    leaves those items alone, see ``_status_slugs``)."""
    from mltrack.core.vocabulary import ReadingKind
    from mltrack.services.study import log_reading

    days = _days(profile.readings)
    for batch in _batches(profile.readings):
        with store.transaction():
            for index in batch:
                kind = rng.choice(list(ReadingKind))
                on = next(days)
                log_reading(store, profile.name, f"{kind} number {index}", kind, today=on, on=on)
    return f"{profile.readings} reading-log entries"


def _add_own_items(store: "SqliteWriter", profile: Profile) -> str:
    """Own items, added the day the history starts (so that it can take them up)."""
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services.items import add_own_item

    areas = _areas(store)
    first_day = next(_days(1))
    with store.transaction():
        for number in range(profile.own_items):
            add_own_item(
                store, profile.name, f"{profile.name} course {number:03d} on applied ML",
                ItemKind.COURSE, today=first_day, area_text=areas[number % len(areas)],
                hours=10 + number % 40,
            )  # fmt: skip
    return f"{profile.own_items} own items"


def _add_projects(store: "SqliteWriter", profile: Profile) -> str:
    """Projects started today (the first starts the seeded portfolio item if planned)."""
    from mltrack.services.projects import add_project

    areas = _areas(store)
    with store.transaction():
        for number in range(profile.projects):
            add_project(
                store, profile.name, f"Project {number:03d}", f"public data set {number}",
                today=date.today(), area_texts=(areas[number % len(areas)],),
            )  # fmt: skip
    return f"{profile.projects} projects"


def _add_cert_goals(store: "SqliteWriter", profile: Profile) -> str:
    """A target date for every certification on the pathway, set today."""
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services.certs import set_goal

    certs = [row["slug"] for row in store.rows(_CERTS_SQL, kind=ItemKind.CERTIFICATION)]
    today = date.today()
    with store.transaction():
        for number, cert in enumerate(certs):
            set_goal(store, profile.name, cert, today + timedelta(days=20 + 60 * number), today)
    return f"{len(certs)} certification goals"


_CERTS_SQL = "SELECT slug FROM item WHERE kind = :kind AND NOT retired ORDER BY id"


def _areas(store: "SqliteWriter") -> list[str]:
    return [row["slug"] for row in store.rows("SELECT slug FROM area WHERE NOT retired")]


_VISIBLE_SQL = """
    SELECT i.id, i.slug, i.kind FROM item i
    WHERE NOT i.retired
      AND (i.learner_id IS NULL OR i.learner_id = (SELECT id FROM learner WHERE name = :name))
    ORDER BY i.id
"""


def _visible_slugs(store: "SqliteWriter", learner: str) -> list[str]:
    return [row["slug"] for row in store.rows(_VISIBLE_SQL, name=learner)]


def _status_slugs(store: "SqliteWriter", learner: str) -> list[str]:
    """The items whose status the history moves: every visible item but certifications (they
    move with their goal) and those a kind of reading keeps up (a reading starts them)."""
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services.study import READING_ITEMS

    kept_up = set(READING_ITEMS.values())
    rows = store.rows(_VISIBLE_SQL, name=learner)
    return [
        row["slug"]
        for row in rows
        if row["kind"] != ItemKind.CERTIFICATION and row["slug"] not in kept_up
    ]


def _backdate_entries(path: Path) -> None:
    """Give each entry typed for a past day a time on that day (the services stamp the current
    time; ids keep the order of recording within the day), and the study and reading rows the
    time of their entry."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            """UPDATE journal
               SET recorded_at = on_date || 'T12:00:00.' || substr('00000' || (id % 1000000), -6)
                                 || '+00:00'
               WHERE on_date < :today""",
            {"today": date.today().isoformat()},
        )
        for table in ("study_session", "reading_entry"):
            connection.execute(
                f"UPDATE {table} SET created_at = "
                "(SELECT j.recorded_at FROM journal j WHERE j.id = journal_id)"
            )
        connection.execute(
            "UPDATE learner SET created_at = ?", (f"{next(_days(1))}T09:00:00.000000+00:00",)
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


# The deep database --------------------------------------------------------------------------


def build_deep(path: Path, events: int, log: Callable[[str], None] = print) -> None:
    """Give the heavy learner of the database at ``path`` (created and seeded first if it does
    not exist) a journal of ``events`` generated entries over the last ten years, then write
    its projections with ``services.journal.rebuild``.

    Own items are added by the services before the history (dated its first day), projects and
    certification goals after it (dated today), as in the heavy database.
    """
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services import journal

    if not path.exists():
        _build_fresh(path)
    heavy = PROFILES[0]
    with _writer(path) as store:
        made = [_add_own_items(store, heavy)]
        learner = store.rows("SELECT id FROM learner WHERE name = :n", n=HEAVY_LEARNER)[0]["id"]
        items = [
            (row["id"], row["slug"])
            for row in store.rows(_VISIBLE_SQL, name=HEAVY_LEARNER)
            if row["kind"] != ItemKind.CERTIFICATION
        ]
        connection = store.connection
        connection.execute("PRAGMA cache_size = -262144")  # 256 MiB while building
        started = datetime.now()
        with store.transaction():
            history = DeepJournal(learner, items, random.Random("mltrack-bench-deep"))
            first = (connection.execute("SELECT MAX(id) FROM journal").fetchone()[0] or 0) + 1
            indexes = _drop_indexes(connection, ("journal",))  # made again once: faster
            connection.executemany(_INSERT_ENTRY_SQL, history.entries(first, events))
            for sql in indexes:
                connection.execute(sql)
        generated = (datetime.now() - started).total_seconds()
        started = datetime.now()
        with store.transaction():
            flagged = journal.rebuild(store, learner)
            if flagged:
                entry, reason = flagged[0]
                raise RuntimeError(
                    f"the generator broke a rule {len(flagged)} times, first {entry}: {reason}"
                )
        rebuilt = (datetime.now() - started).total_seconds()
        made += [_add_projects(store, heavy), _add_cert_goals(store, heavy)]
        with store.transaction():
            store.execute("UPDATE learner SET created_at = :at WHERE id = :learner",
                          at=_timestamp(_history_start() - timedelta(hours=1)),
                          learner=learner)  # fmt: skip
    counted = ", ".join(f"{n} {kind}" for kind, n in history.counted.items())
    log(f"  {HEAVY_LEARNER}: {events} journal entries ({counted}) generated in {generated:.1f} s, "
        f"projections rebuilt in {rebuilt:.1f} s; " + ", ".join(made))  # fmt: skip


def cohort_name(number: int) -> str:
    """The name (and PostgreSQL role) of the cohort database's learner ``number``, from 1."""
    return f"learner{number:02d}"


def build_cohort(
    path: Path, learners: int, events: int, log: Callable[[str], None] = print
) -> None:
    """Give the fresh database at ``path`` ``learners`` learners (``cohort_name``; the fresh
    "me" becomes the first) with ``events`` generated journal entries each, as ``build_deep``
    generates them (the shipped items only), then write their projections with
    ``services.journal.rebuild``. Made to be exported and imported into a PostgreSQL cohort:
    loading 100,000 changes one by one there would take half an hour."""
    from mltrack.core.vocabulary import ItemKind
    from mltrack.services import journal
    from mltrack.services.learners import add_learner

    started = datetime.now()
    with _writer(path) as store:
        connection = store.connection
        connection.execute("PRAGMA cache_size = -262144")  # 256 MiB while building
        with store.transaction():
            store.execute("UPDATE learner SET name = :name WHERE name = :me",
                          name=cohort_name(1), me=HEAVY_LEARNER)  # fmt: skip
            for number in range(2, learners + 1):
                add_learner(store, cohort_name(number))
            indexes = _drop_indexes(connection, ("journal",))  # made again once: faster
            for number in range(1, learners + 1):
                name = cohort_name(number)
                learner = store.rows("SELECT id FROM learner WHERE name = :n", n=name)[0]["id"]
                items = [(row["id"], row["slug"]) for row in store.rows(_VISIBLE_SQL, name=name)
                         if row["kind"] != ItemKind.CERTIFICATION]  # fmt: skip
                history = DeepJournal(learner, items, random.Random(f"mltrack-bench-{name}"))
                first = (connection.execute("SELECT MAX(id) FROM journal").fetchone()[0] or 0) + 1
                connection.executemany(_INSERT_ENTRY_SQL, history.entries(first, events))
            for sql in indexes:
                connection.execute(sql)
            store.execute("UPDATE learner SET created_at = :at",
                          at=_timestamp(_history_start() - timedelta(hours=1)))  # fmt: skip
        with store.transaction():
            for row in store.rows("SELECT id FROM learner ORDER BY id"):
                flagged = journal.rebuild(store, row["id"])
                if flagged:
                    entry, reason = flagged[0]
                    raise RuntimeError(f"the generator broke a rule, first {entry}: {reason}")
    seconds = (datetime.now() - started).total_seconds()
    log(f"  {learners} learners x {events} entries generated and rebuilt in {seconds:.1f} s")


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


_INSERT_ENTRY_SQL = """
    INSERT INTO journal (id, uid, learner_id, kind, action, subject, item_id, on_date,
                         recorded_at, data, target_id, group_id, superseded_by, flag)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)
"""
# An entry as _INSERT_ENTRY_SQL takes it, from ``id`` on.
Row = tuple[int, str, int, str, str, str, int | None, str, str, str, int | None]


def _history_start() -> datetime:
    """The first moment of the generated history: ten years ago, 08:00 UTC."""
    return datetime.combine(date.today() - timedelta(days=DAYS), time(8), UTC)


def _timestamp(moment: datetime) -> str:
    """A moment as the services store it (``mltrack.core.dates.utc_now_iso``)."""
    return moment.isoformat(timespec="microseconds")


def _moments(count: int) -> Iterator[tuple[datetime, str, str]]:
    """``count`` (moment, timestamp, date) triples spread evenly over the ten years up to
    yesterday, oldest first, each after the one before."""
    start = _history_start()
    span = int((timedelta(days=DAYS - 1) - timedelta(hours=9)).total_seconds() * 1_000_000)
    for index in range(count):
        moment = start + timedelta(microseconds=index * span // count)
        stamp = _timestamp(moment)
        yield moment, stamp, stamp[:10]


class DeepJournal:
    """One learner's generated journal, kept valid by the rules of ``core/journal.py``.

    Each item's status moves as ``_next_action`` picks (a change its status accepts); a study
    session or reading entry is a ``log`` entry whose subject is its own uid; an undo reverts
    the newest change that stands (whatever its kind), as ``mltrack undo`` does, and the item
    goes back to the status it had before it. Entries come one moment after another, so ids,
    dates and times agree.
    """

    def __init__(self, learner: int, items: list[tuple[int, str]], rng: random.Random):
        self.learner, self.items, self.rng = learner, items, rng
        self.status = {item: "planned" for item, _ in items}
        # Changes that stand, newest last: (entry id, kind, subject, item, status before).
        self.standing: deque[tuple[int, str, str, int | None, str | None]] = deque(
            maxlen=DEEP_UNDO_REACH
        )
        self.counted = {"status": 0, "study": 0, "reading": 0, "undo": 0}
        self.day = ("", 0)  # the day of the last study session, and the minutes it has left
        heavy = PROFILES[0]
        total = heavy.events + heavy.study_entries + heavy.readings
        self.study_share = heavy.study_entries / total
        self.reading_share = heavy.readings / total
        from mltrack.core.vocabulary import ReadingKind

        self.reading_kinds = [str(kind) for kind in ReadingKind]

    def entries(self, first_id: int, count: int) -> Iterator[Row]:
        """``count`` entries, ids from ``first_id``."""
        from mltrack.core.ids import uuid7

        rng = self.rng
        for number, (moment, stamp, on) in enumerate(_moments(count)):
            entry_id = first_id + number
            uid = uuid7(int(moment.timestamp() * 1000))
            roll = rng.random()
            if self.standing and roll < UNDO_SHARE:
                yield self._undo(entry_id, uid, stamp, on)
            elif roll < UNDO_SHARE + self.study_share and self._day_left(on) >= 15:
                yield self._study(entry_id, uid, stamp, on)
            elif roll < UNDO_SHARE + self.study_share + self.reading_share:
                yield self._reading(entry_id, uid, stamp, on, number)
            else:
                yield self._status(entry_id, uid, stamp, on)

    def _status(self, entry_id: int, uid: str, stamp: str, on: str) -> Row:
        item, slug = self.rng.choice(self.items)
        before = self.status[item]
        action = str(_next_action(before, self.rng))
        self.status[item] = _TARGET[action]
        self.standing.append((entry_id, "status", slug, item, before))
        self.counted["status"] += 1
        return (entry_id, uid, self.learner, "status", action, slug, item, on, stamp, "{}", None)

    def _day_left(self, on: str) -> int:
        """Minutes of study the day ``on`` can still take (a day holds at most 24 hours,
        which import checks)."""
        if self.day[0] != on:
            self.day = (on, 24 * 60)
        return self.day[1]

    def _study(self, entry_id: int, uid: str, stamp: str, on: str) -> Row:
        rng = self.rng
        item = rng.choice(self.items)[0] if rng.random() < 0.8 else None
        minutes = min(rng.choice((15, 30, 45, 60, 90, 120)), self._day_left(on))
        self.day = (on, self.day[1] - minutes)
        data = json.dumps({"minutes": minutes})
        self.standing.append((entry_id, "study", uid, item, None))
        self.counted["study"] += 1
        return (entry_id, uid, self.learner, "study", "log", uid, item, on, stamp, data, None)

    def _reading(self, entry_id: int, uid: str, stamp: str, on: str, number: int) -> Row:
        kind = self.rng.choice(self.reading_kinds)
        data = json.dumps({"kind": kind, "title": f"{kind} number {number}"}, sort_keys=True)
        self.standing.append((entry_id, "reading", uid, None, None))
        self.counted["reading"] += 1
        return (entry_id, uid, self.learner, "reading", "log", uid, None, on, stamp, data, None)

    def _undo(self, entry_id: int, uid: str, stamp: str, on: str) -> Row:
        """Revert the newest change that stands; an undo carries its target's kind, subject
        and item."""
        target, kind, subject, item, before = self.standing.pop()
        if kind == "status":
            assert item is not None and before is not None
            self.status[item] = before
        self.counted["undo"] += 1
        return (entry_id, uid, self.learner, kind, "undo", subject, item, on, stamp, "{}", target)


# The status each action leads to (core/journal.py's _STATUS_AFTER, as text).
_TARGET = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "planned"}


def _build_stress(path: Path, log: Callable[[str], None]) -> None:
    from mltrack.services.learners import add_learner

    copies = [f"copy-{number:03d}" for number in range(1, STRESS_COPIES + 1)]
    with _writer(path) as store, store.transaction():
        for name in copies:
            add_learner(store, name)
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.create_function(_COPY_UID, 2, _copy_uid, deterministic=True)
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
        if self.name == "journal" and column in ("uid", "subject"):
            return _journal_value(column, number)
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


def _journal_value(column: str, number: int) -> str:
    """A copied entry's uid (``_copy_uid``) and
    subject (a log entry's is its uid; an own item's status, plan or cert subject names the
    copied item's slug)."""
    from mltrack.core.vocabulary import JournalKind, sql_in

    uid = f"{_COPY_UID}({{0}}, {number})"
    if column == "uid":
        return uid.format("uid")
    own = "(SELECT slug FROM item WHERE id = journal.item_id AND learner_id = :source)"
    return (
        f"CASE WHEN kind IN {sql_in(JournalKind.STUDY, JournalKind.READING)} "
        f"THEN {uid.format('subject')} "
        f"WHEN {own} IS NOT NULL THEN replace(subject, {own}, {own} || '-{number:03d}') "
        "ELSE subject END"
    )


_COPY_UID = "bench_copy_uid"


def _copy_uid(uid: str, number: int) -> str:
    """Copy ``number``'s uid for the entry ``uid``: a UUID still, its last three hex digits
    moved on by ``number`` (never the uid itself, nor another entry's or copy's: the first 33
    characters tell every entry apart)."""
    return f"{uid[:33]}{(int(uid[33:], 16) + number) % 4096:03x}"


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


KINDS = ("fresh", "heavy", "stress", "deep", "cohort")


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
