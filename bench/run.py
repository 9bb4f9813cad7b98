"""mltrack's benchmark: whole processes timed against the floors of any Python CLI.

    python bench/run.py                 # everything, several minutes on two cores
    python bench/run.py --quick         # fewer runs, no stress database
    python bench/run.py --only progress --only "done*" --only=--help
    python bench/run.py --events 100000 # a smaller deep database (journal entries)
    python bench/run.py --write-readme  # put the table in README.md's Performance section
    python bench/run.py --ci            # the gross-regression pass CI runs, about a minute
    python bench/run.py --serve         # mltrack serve's pages on the heavy database
    python bench/run.py --cohort        # a 50-learner cohort on a throwaway PostgreSQL

Each command runs through the ``mltrack`` script installed beside this interpreter, after a
warm-up, in pairs with its floor (``python -c "import sqlite3, click"`` for reads and the
daily writes, which run on stdlib sqlite3 too, see WRITE_FLOOR; ``python -c "import
sqlalchemy.orm, click"`` for the first run, which migrates), the order alternating from pair
to pair so that the machine's drift cancels: a command's ratio is the median of its per-pair
ratios. Every read runs on the fresh, heavy and deep databases (and
stress unless --quick); on deep and stress it is also compared with the same read on heavy.
Wall time and each child's peak RSS come from ``os.wait4``. A command that is not built yet
(its ``--help`` says "No such command") is listed as such instead of failing the run.
The exit status is 1 when a measured command misses its target, 0 otherwise.

Every daily write (start, done, skip, reset, undo, amend, log, read and the certification
steps) runs in groups that leave the database as they found it (see ``_writes``), on a scratch
copy of the heavy database, and in --ci of its small deep one.

``--ci`` is a short pass with gross limits (CI_READ_LIMIT, CI_WRITE_LIMIT) on a small deep
database built in a temporary folder: a command over its limit is measured again with twice the
pairs and fails the pass only if it is over again, so that a noisy machine does not.
Standard library plus mltrack itself; the databases are built by ``bench/build.py``.
"""

import argparse
import compileall
import fnmatch
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import build

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN_MARK, END_MARK = "<!-- bench:begin -->", "<!-- bench:end -->"
PYTHON = sys.executable
FLOORS = {
    "pass": [PYTHON, "-c", "pass"],
    "read": [PYTHON, "-c", "import sqlite3, click"],
    "orm": [PYTHON, "-c", "import sqlalchemy.orm, click"],
}
# The floor the daily writes are held to: they run on stdlib sqlite3 and never import the ORM.
WRITE_FLOOR = "read"
# The first run creates and migrates the file (Alembic, SQLAlchemy): held to the ORM's floor.
FIRST_RUN_FLOOR = "orm"
READ_LIMIT, RSS_LIMIT, WRITE_LIMIT, FIRST_RUN_LIMIT = 1.3, 1.3, 1.5, 3.0
STATS_LIMIT = 1.4  # streaks and the forecast: more work than a list
REPORT_LIMIT = 1.6  # every figure of progress, stats and next, and the layout modules
STRESS_LIMIT = 2.0  # a read on the stress database, to the same read on the heavy one
STRESS_RSS_LIMIT = 1.1  # "peak memory flat": within 10% of the heavy database's
DEEP_LIMIT = 1.2  # a read on the deep database, to the same read on the heavy one
# --ci: gross regressions only (both to the read floor), such as a read that imports the ORM
# (5x and more): reads at the 2x (on a wheel install at load 1.7 they measure
# 1.25-1.50x), daily writes 2.5x (1.40-1.52x).
CI_READ_LIMIT, CI_WRITE_LIMIT = 2.0, 2.5
# --ci: report composes progress, stats and next with the layout modules and measures
# 2.2-2.3x (its target is REPORT_LIMIT); a gross regression still takes it past this.
CI_REPORT_LIMIT = 3.0
CI_EVENTS = 5_000  # --ci: journal entries of its small deep database
CI_RUNS = 5  # --ci: pairs per command (twice as many to confirm a miss)
COMPLETION_ENV = {
    "_MLTRACK_COMPLETE": "bash_complete",
    "COMP_WORDS": "mltrack done sta",
    "COMP_CWORD": "2",
}
TASKS = 500  # Taskwarrior peer: `task next` over this many pending tasks


@dataclass(frozen=True)
class Case:
    """One row of the table: a command, the database it runs on, the floor it is held to.

    ``argv`` follows ``mltrack`` (or is a whole command line for a peer) and may name
    ``{item}`` (an item with a long history) or ``{open_item}`` (one not done yet).
    ``limit`` is the target ratio to the floor; None shows the ratio without a target.
    ``group`` keeps commands that must run in turn together (``done`` then ``undo``).
    """

    name: str
    argv: tuple[str, ...]
    # fresh | heavy | stress | deep | scratch (a copy of heavy for writes) | new (first run)
    # | ci (--ci's small deep database) | ci-scratch (a copy of it for writes)
    db: str
    floor: str  # a key of FLOORS
    limit: float | None
    env: tuple[tuple[str, str], ...] = ()
    command: tuple[str, ...] | None = None  # the words whose --help tells if it is built
    group: str = ""
    peer: bool = False
    rss_limit: float | None = None

    @property
    def words(self) -> tuple[str, ...]:
        if self.command is not None:
            return self.command
        return tuple(word for word in self.argv if not word.startswith(("-", "{")))[:1]


# Versus heavy: a read on these databases is also held to the same read on the heavy one,
# (time ratio, peak RSS ratio); None shows the ratio without a target.
VERSUS_HEAVY = {"stress": (STRESS_LIMIT, STRESS_RSS_LIMIT), "deep": (DEEP_LIMIT, None)}


def _reads(db: str, ci: bool = False) -> list[Case]:
    """Every read command on ``db``, with its targets (``ci``: the gross ones of --ci).
    On the stress database a read is held to its own time on the heavy one only."""

    def read(name: str, argv: tuple[str, ...], target: float, **more: Any) -> Case:
        if ci:
            gross = CI_REPORT_LIMIT if target == REPORT_LIMIT else CI_READ_LIMIT
            return Case(name, argv, db, "read", gross, **more)
        if db == "stress":
            return Case(name, argv, db, "read", None, **more)
        return Case(name, argv, db, "read", target, rss_limit=RSS_LIMIT, **more)

    return [
        read("completion", (), READ_LIMIT, env=tuple(COMPLETION_ENV.items()), command=("done",)),
        read("progress", ("progress",), READ_LIMIT),
        read("progress --json", ("progress", "--json"), READ_LIMIT),
        read("next", ("next",), READ_LIMIT),
        read("pathway", ("pathway",), READ_LIMIT),
        read("show ITEM", ("show", "{item}"), READ_LIMIT),
        read("history", ("history",), READ_LIMIT),
        read("stats", ("stats",), STATS_LIMIT),
        read("log --list", ("log", "--list"), READ_LIMIT),
        read("week", ("week",), READ_LIMIT),
        read("report", ("report",), REPORT_LIMIT),
        read("report --format html", ("report", "--format", "html"), REPORT_LIMIT),
        read("cert list", ("cert", "list"), READ_LIMIT, command=("cert", "list")),
        read("cert due", ("cert", "due"), READ_LIMIT, command=("cert", "due")),
        read("review", ("review",), READ_LIMIT),
        read("heatmap", ("heatmap",), READ_LIMIT),
        read("gaps", ("gaps",), READ_LIMIT),
        read("search WORDS", ("search", "machine", "learning"), READ_LIMIT),
        read("note (list)", ("note",), READ_LIMIT),
    ]


def cases(with_stress: bool) -> list[Case]:
    """Every measurement, declared: edit this list to add a command."""
    found = [
        Case("--help", ("--help",), "fresh", "read", READ_LIMIT, command=(), rss_limit=RSS_LIMIT)
    ]
    found += _reads("fresh") + _reads("heavy") + _reads("deep")
    found += _reads("stress") if with_stress else []
    found += _writes("scratch", WRITE_LIMIT)
    found += [
        Case("export", ("export",), "heavy", "read", None),
        Case("first run", ("progress",), "new", FIRST_RUN_FLOOR, FIRST_RUN_LIMIT, command=()),
    ]
    return found + _peers()


def _writes(db: str, limit: float) -> list[Case]:
    """Every daily write on ``db``, held to ``limit`` times WRITE_FLOOR.

    They run in groups that leave the database as they found it, so that every round can run
    them again: an item is started, done, reset, skipped and the skip undone; a certification
    goal is enrolled in, passed (its item done with it), the pass undone (one group), failed,
    dropped and set again; an entry's note is amended; a session and a reading are logged.
    """
    write = {"db": db, "floor": WRITE_FLOOR, "limit": limit}
    item = {"group": f"item@{db}", **write}
    cert = {"group": f"cert@{db}", **write}
    return [
        Case("start ITEM", ("start", "{planned_item}"), **item),
        Case("done ITEM", ("done", "{planned_item}"), **item),
        Case("reset ITEM", ("reset", "{planned_item}"), **item),
        Case("skip ITEM", ("skip", "{planned_item}"), **item),
        Case("undo", ("undo",), **item),
        Case("amend ID --note", ("amend", "{entry}", "--note", "typed again"), **write),
        Case("log 30m ITEM", ("log", "30m", "{item}"), **write),
        Case("read TITLE", ("read", "A paper", "--kind", "paper"), **write),
        Case("note ITEM TEXT", ("note", "{item}", "worth a second read"), **write),
        Case("link ITEM URL", ("link", "{item}", "https://example.org/a"), **write),
        Case("cert enroll", ("cert", "enroll", "{cert}"), command=("cert", "enroll"), **cert),
        Case("cert pass", ("cert", "pass", "{cert}"), command=("cert", "pass"), **cert),
        Case("undo (the pass)", ("undo",), **cert),
        Case("cert fail", ("cert", "fail", "{cert}"), command=("cert", "fail"), **cert),
        Case("cert drop", ("cert", "drop", "{cert}"), command=("cert", "drop"), **cert),
        Case("cert goal", ("cert", "goal", "{cert}", "--by", "{goal_date}"), **cert),
    ]


def ci_cases() -> list[Case]:
    """--ci: every read, and every daily write (``_writes``), on a small deep database, with
    gross limits."""
    found = [Case("--help", ("--help",), "ci", "read", CI_READ_LIMIT, command=())]
    found += _reads("ci", ci=True)
    found += _writes("ci-scratch", CI_WRITE_LIMIT)
    return found


def _peers() -> list[Case]:
    """Other tools doing equivalent work, when installed: for context, no target."""
    found = []
    if shutil.which("sqlite3"):
        argv = ("sqlite3", "{db}", ".read {progress_script}")
        found.append(Case("sqlite3 shell: progress's SQL", argv, "heavy", "read", None,
                          command=(), peer=True))  # fmt: skip
    if shutil.which("task"):
        argv = ("task", "rc.verbose=nothing", "rc.color=off", "next")
        found.append(Case(f"taskwarrior: task next ({TASKS} tasks)", argv, "taskwarrior", "read",
                          None, command=(), peer=True))  # fmt: skip
    return found


@dataclass
class Sample:
    wall: float  # seconds
    rss: float  # MiB


@dataclass
class Row:
    """What was measured for one case, and how it compares with its floor and target."""

    case: Case
    state: str = "measured"  # measured | not built | failed
    detail: str = ""
    runs: list[tuple[Sample, Sample]] = field(default_factory=list)  # (command, floor)
    # (time ratio, RSS ratio) to the same read on heavy, on the databases of VERSUS_HEAVY
    versus_heavy: tuple[float, float] | None = None

    @property
    def median(self) -> float:
        return statistics.median(command.wall for command, _ in self.runs)

    @property
    def rss(self) -> float:
        return statistics.median(command.rss for command, _ in self.runs)

    @property
    def ratio(self) -> float:
        return statistics.median(command.wall / floor.wall for command, floor in self.runs)

    @property
    def rss_ratio(self) -> float:
        return self.rss / statistics.median(floor.rss for _, floor in self.runs)

    def misses(self) -> list[str]:
        """The targets this row misses (empty when it meets them all)."""
        case, missed = self.case, []
        if case.limit is not None and self.ratio > case.limit:
            missed.append(f"time {self.ratio:.2f}x {case.floor} (>{case.limit}x)")
        if case.rss_limit is not None and self.rss_ratio > case.rss_limit:
            missed.append(f"RSS {self.rss_ratio:.2f}x {case.floor} (>{case.rss_limit}x)")
        if self.versus_heavy is not None:
            time_ratio, rss_ratio = self.versus_heavy
            time_limit, rss_limit = VERSUS_HEAVY[case.db]
            if time_ratio > time_limit:
                missed.append(f"time {time_ratio:.2f}x heavy (>{time_limit}x)")
            if rss_limit is not None and rss_ratio > rss_limit:
                missed.append(f"RSS {rss_ratio:.2f}x heavy (>{rss_limit}x)")
        return missed

    @property
    def has_target(self) -> bool:
        return (
            self.case.limit is not None
            or self.case.rss_limit is not None
            or self.versus_heavy is not None
        )


# Linux records the parent's peak RSS in a child that it forks (or vforks) and execs, so a child
# of this process would report at least this process's size. Children are therefore started by
# a small launcher (python -S -I, smaller than any command measured) that times them itself.
LAUNCHER = """
import json, os, sys, time
null = os.open(os.devnull, os.O_RDWR)
quiet = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
for line in sys.stdin:
    argv, env, cwd = json.loads(line)
    os.chdir(cwd)
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=quiet)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps([wall, usage.ru_maxrss, os.waitstatus_to_exitcode(status), cpu]), flush=True)
"""
# ru_maxrss is in KiB on Linux and in bytes on macOS.
RSS_UNIT = 1024 * 1024 if sys.platform == "darwin" else 1024


class Launcher:
    """Starts children from a process small enough not to inflate their peak RSS."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-S", "-I", "-c", LAUNCHER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
        )  # fmt: skip

    def run(self, argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
        """Run one process to its end: its wall time and peak RSS (from ``os.wait4``)."""
        return self.run_cpu(argv, env, cwd)[0]

    def run_cpu(self, argv: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[Sample, float]:
        """``run``, and the process's CPU time (user and system, seconds)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([list(argv), env, str(cwd)]) + "\n")
        wall, rss, code, cpu = json.loads(self.process.stdout.readline())
        if code:
            raise ChildFailed(code, "")
        return Sample(wall, rss / RSS_UNIT), cpu

    def own_rss(self) -> float:
        """The launcher's own peak RSS: a lower bound of every figure it reports."""
        status = Path(f"/proc/{self.process.pid}/status")
        if not status.exists():
            return 0.0
        line = next(t for t in status.read_text().splitlines() if t.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def check(argv: Sequence[str], env: dict[str, str], cwd: Path) -> None:
    """Run a command once, raising ChildFailed with its last line of error output."""
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise ChildFailed(done.returncode, lines[-1] if lines else "")


class ChildFailed(Exception):
    def __init__(self, code: int, message: str):
        self.code, self.message = code, message
        super().__init__(f"exit {code}: {message}" if message else f"exit {code}")


class Bench:
    """Runs the cases: prepares databases, checks what is built, times the pairs."""

    def __init__(self, runs: int, log: Callable[[str], None], events: int | None = None):
        """``events``: the deep database's journal entries (see ``build.deep_events``)."""
        self.runs, self.log, self.events = runs, log, events
        self.script = mltrack_script()
        self.work = Path(tempfile.mkdtemp(prefix="mltrack-bench-"))
        self.databases: dict[str, build.Built] = {}
        self.values: dict[str, dict[str, str]] = {}
        self.built_commands: dict[tuple[str, ...], bool] = {}
        self.new_count = 0
        self.launcher = Launcher()
        self.floor_env = base_environment()

    def close(self) -> None:
        self.launcher.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def database(self, db: str) -> tuple[Path | None, dict[str, str]]:
        """The database file a case runs on, and the values its argv may name."""
        if db == "new":
            self.new_count += 1
            return self.work / f"first-{self.new_count}.db", {}
        if db == "taskwarrior":
            return None, {}
        if db not in self.databases:
            source = SCRATCH_OF.get(db, db)
            if source == "ci":  # built afresh in the work folder: CI keeps no cache
                path = self.work / "ci.db"
                if not path.exists():
                    self.log(f"building a deep database of {CI_EVENTS} entries for --ci...")
                    build.build_deep(path, CI_EVENTS, self.log)
                built = build.Built("ci", path, build.HEAVY_LEARNER)
            else:
                built = build.database(source, self.log, events=self.events)
            if db in SCRATCH_OF:  # writes change the file: work on a copy, keep the cache clean
                copy = self.work / f"{db}.db"
                shutil.copyfile(built.path, copy)
                built = build.Built(db, copy, built.learner, built.notes)
            self.databases[db] = built
            self.values[db] = argv_values(built, self.work)
        built = self.databases[db]
        return built.path, self.values[db]

    def environment(self, case: Case, path: Path | None) -> dict[str, str]:
        env = base_environment()
        env.update(case.env)
        if case.db == "taskwarrior":
            env.update(taskwarrior_env(self.log))
        elif path is not None:
            env["XDG_DATA_HOME"] = str(self.data_home(case.db, path))
        if case.db in self.databases:
            env["MLTRACK_LEARNER"] = self.databases[case.db].learner
        return env

    def data_home(self, db: str, path: Path) -> Path:
        """A user data folder (``XDG_DATA_HOME``) in which ``path`` is the default database:
        mltrack finds it as a learner's command does, without ``--db`` or ``MLTRACK_DB``. The
        first run gets an empty folder of its own, where mltrack creates the file."""
        if db == "new":
            return path.with_suffix("")
        home = self.work / f"data-{db}"
        default = home / "mltrack" / "mltrack.db"
        if not default.is_symlink():
            default.parent.mkdir(parents=True)
            default.symlink_to(path)
        return home

    def argv(self, case: Case) -> tuple[list[str], dict[str, str]]:
        path, values = self.database(case.db)
        values = {**values, "db": str(path)}
        words = [word.format(**values) for word in case.argv]
        argv = words if case.peer else [str(self.script), *words]
        return argv, self.environment(case, path)

    def is_built(self, case: Case) -> bool:
        """False when ``mltrack WORDS --help`` says "No such command"."""
        words = case.words
        if case.peer or not words:
            return True
        if words not in self.built_commands:
            done = subprocess.run(
                [str(self.script), *words, "--help"], capture_output=True, text=True,
                env={**base_environment(), "MLTRACK_DB": str(self.work / "unused.db")},
            )  # fmt: skip
            missing = done.returncode == 2 and "No such command" in done.stderr
            self.built_commands[words] = not missing
        return self.built_commands[words]

    def measure(self, group: list[Case]) -> list[Row]:
        """Warm up, then time ``runs`` rounds of (floor, command) pairs for each case in turn."""
        rows = [Row(case) for case in group]
        for row in rows:
            if not self.is_built(row.case):
                row.state = "not built"
        live = [row for row in rows if row.state == "measured"]
        floors = {row.case.floor for row in live}
        timing = ""
        try:
            for name in floors:
                self.launcher.run(FLOORS[name], self.floor_env, self.work)
            for row in live:  # the warm-up, which also checks that each command succeeds
                argv, env = self.argv(row.case)
                check(argv, env, self.work)
            for number in range(self.runs):
                for index, row in enumerate(live):
                    timing = f"timing {row.case.name}, round {number + 1}"
                    argv, env = self.argv(row.case)
                    floor = FLOORS[row.case.floor]
                    if (number + index) % 2:
                        command = self.launcher.run(argv, env, self.work)
                        floor_sample = self.launcher.run(floor, self.floor_env, self.work)
                    else:
                        floor_sample = self.launcher.run(floor, self.floor_env, self.work)
                        command = self.launcher.run(argv, env, self.work)
                    row.runs.append((command, floor_sample))
                    self._forget_new(row.case)
        except ChildFailed as error:
            # A failure while timed has no message (the launcher discards output): say when.
            detail = str(error) if error.message or not timing else f"{error} ({timing})"
            for row in live:
                row.state, row.detail, row.runs = "failed", detail, []
        return rows

    def _forget_new(self, case: Case) -> None:
        if case.db == "new":
            for leftover in self.work.glob("first-*"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()

    def floors(self) -> dict[str, Row]:
        """The floors themselves, timed in rotation; each row's ratio is to ``pass``."""
        names = list(FLOORS)
        rows = {n: Row(Case(f"floor: python -c {FLOORS[n][2]!r}", (), "", "pass", None))
                for n in names}  # fmt: skip
        for name in names:
            self.launcher.run(FLOORS[name], self.floor_env, self.work)
        for number in range(self.runs):
            order = names[number % len(names) :] + names[: number % len(names)]
            samples = {
                name: self.launcher.run(FLOORS[name], self.floor_env, self.work) for name in order
            }
            for name in names:
                rows[name].runs.append((samples[name], samples["pass"]))
        return rows


SCRATCH_OF = {"scratch": "heavy", "ci-scratch": "ci"}  # writes' copies, and of what


def base_environment() -> dict[str, str]:
    """This environment without mltrack's settings, and with bytecode caching on: an
    installed package runs from compiled bytecode, so a child must not recompile mltrack's
    sources on every run (PYTHONDONTWRITEBYTECODE would make it)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MLTRACK_", "_MLTRACK")) and key != "PYTHONDONTWRITEBYTECODE"
    }


def compile_mltrack() -> None:
    """Compile mltrack's modules and migrations as ``pip install`` does."""
    import mltrack.migrations  # binds mltrack too

    for package in (mltrack, mltrack.migrations):
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def mltrack_script() -> Path:
    """The ``mltrack`` console script of this interpreter's environment (not a shim)."""
    folder = Path(sys.executable).parent
    for name in ("mltrack", "mltrack.exe"):
        if (folder / name).exists():
            return folder / name
    sys.exit(f"no mltrack script beside {sys.executable}: pip install -e . in this environment")


def argv_values(built: build.Built, work: Path) -> dict[str, str]:
    """What a case's argv may name: an item with the longest history, an item not done yet
    (for ``done``), one that can be started (planned or skipped; no certification, which
    moves with its goal), a certification whose goal can be enrolled in, the newest status
    change that stands (for ``amend``), a target date, and a script of the statements
    ``progress`` runs (for the sqlite3 shell)."""
    from mltrack.core.vocabulary import CertStatus, EventAction, ItemKind, ItemStatus, JournalKind

    connection = sqlite3.connect(built.path)
    connection.row_factory = sqlite3.Row
    values = {
        "status": JournalKind.STATUS, "cert": ItemKind.CERTIFICATION, "undo": "undo",
        "planned": ItemStatus.PLANNED, "skipped": ItemStatus.SKIPPED, "done": ItemStatus.DONE,
        "goal_planned": CertStatus.PLANNED, "dropped": CertStatus.DROPPED,
        "failed": CertStatus.FAILED, **{f"a_{action}": action for action in EventAction},
    }  # fmt: skip

    def first(sql: str) -> Any:
        return connection.execute(sql, values).fetchone()[0]

    try:
        values["learner"] = first(f"SELECT id FROM learner WHERE name = {_literal(built.learner)}")
        found = {
            "item": first(_BUSIEST_SQL),
            "open_item": first(_OPEN_ITEM_SQL),
            "planned_item": first(_PLANNED_ITEM_SQL),
            "cert": first(_CERT_SQL),
            "entry": str(first(_ENTRY_SQL)),
        }
    finally:
        connection.close()
    script = work / f"progress-{built.kind}.sql"
    script.write_text(progress_script(built, values["learner"]))
    return {
        **found,
        "goal_date": (date.today() + timedelta(days=365)).isoformat(),
        "progress_script": str(script),
    }


_BUSIEST_SQL = """
    SELECT i.slug FROM item i
    LEFT JOIN journal j ON j.item_id = i.id AND j.learner_id = :learner AND j.kind = :status
    WHERE i.learner_id IS NULL AND NOT i.retired
    GROUP BY i.id, i.slug ORDER BY COUNT(j.id) DESC, i.slug LIMIT 1
"""
_OPEN_ITEM_SQL = """
    SELECT i.slug FROM item i
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner
    WHERE i.learner_id IS NULL AND NOT i.retired AND i.kind <> :cert
      AND COALESCE(p.status, :planned) <> :done
    ORDER BY i.slug LIMIT 1
"""
_PLANNED_ITEM_SQL = """
    SELECT i.slug FROM item i
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner
    WHERE i.learner_id IS NULL AND NOT i.retired AND i.kind <> :cert
      AND COALESCE(p.status, :planned) IN (:planned, :skipped)
    ORDER BY COALESCE(p.status, :planned) <> :planned, i.slug LIMIT 1
"""
_CERT_SQL = """
    SELECT i.slug FROM item i
    LEFT JOIN cert_goal g ON g.item_id = i.id AND g.learner_id = :learner
    WHERE i.kind = :cert AND NOT i.retired
      AND COALESCE(g.status, :goal_planned) IN (:goal_planned, :dropped, :failed)
    ORDER BY COALESCE(g.status, :goal_planned) <> :goal_planned, i.slug LIMIT 1
"""
_ENTRY_SQL = """
    SELECT MAX(j.id) FROM journal j
    WHERE j.learner_id = :learner AND j.kind = :status AND j.flag IS NULL
      AND j.action IN (:a_start, :a_done, :a_skip, :a_reset)
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = j.id AND u.action = :undo)
"""


def progress_script(built: build.Built, learner_id: int) -> str:
    """What ``mltrack progress`` runs, as a script for the sqlite3 shell: the same statements
    with the same parameters, recorded by running the report on the database."""
    from mltrack.queries.progress import progress_report
    from mltrack.queries.reader import Row, SqliteReader

    statements: list[tuple[str, dict[str, object]]] = []

    class Recorder(SqliteReader):
        def rows(self, sql: str, **params: object) -> Sequence[Row]:
            statements.append((sql, params))
            return super().rows(sql, **params)

    connection = sqlite3.connect(built.path)
    try:
        progress_report(Recorder(connection), built.learner, learner_id)
    finally:
        connection.close()
    lines = []
    for sql, params in statements:
        lines += [f".parameter set :{name} {_literal(value)}" for name, value in params.items()]
        lines.append(" ".join(sql.split()) + ";")
    return "\n".join(lines) + "\n"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def taskwarrior_env(log: Callable[[str], None]) -> dict[str, str]:
    """A Taskwarrior data folder with TASKS pending tasks, made once under the cache."""
    folder = build.CACHE / f"taskwarrior-{TASKS}"
    env = {"TASKRC": str(folder / "taskrc"), "TASKDATA": str(folder / "data")}
    if not (folder / "ready").exists():
        log(f"building a Taskwarrior database of {TASKS} tasks...")
        shutil.rmtree(folder, ignore_errors=True)
        (folder / "data").mkdir(parents=True)
        (folder / "taskrc").write_text(f"data.location={folder / 'data'}\nconfirmation=off\n")
        lines = [
            f'{{"description":"task {n}","status":"pending","project":"p{n % 10}",'
            f'"entry":"20200101T000000Z","uuid":"{_uuid(n)}"}}'
            for n in range(TASKS)
        ]
        (folder / "tasks.json").write_text("[" + ",".join(lines) + "]")
        subprocess.run(
            ["task", "rc.verbose=nothing", "import", str(folder / "tasks.json")],
            env={**base_environment(), **env}, check=True, capture_output=True,
        )  # fmt: skip
        (folder / "ready").touch()
    return env


def _uuid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def compare_with_heavy(rows: list[Row]) -> None:
    """Set each stress and deep row's time and RSS relative to the same command on the heavy
    database; times are taken through their floor ratios, measured in the same run, so drift
    cancels."""
    heavy = {row.case.name: row for row in rows if row.case.db == "heavy" and row.runs}
    for row in rows:
        other = heavy.get(row.case.name)
        if row.case.db in VERSUS_HEAVY and row.runs and other is not None:
            row.versus_heavy = (row.ratio / other.ratio, row.rss / other.rss)


# Rendering -----------------------------------------------------------------------------------

HEADER = ("command", "db", "median", "min-max", "peak RSS", "ratio", "target", "result")


def table_rows(floors: dict[str, Row], rows: list[Row], lowest: float) -> list[tuple[str, ...]]:
    """The table's cells; an RSS at the launcher's own size is shown as an upper bound."""
    found = []
    for name, row in floors.items():
        found.append((row.case.name, "-", _ms(row.median), _range(row), _mb(row.rss, lowest),
                      "" if name == "pass" else f"{row.ratio:.2f}x pass", "", ""))  # fmt: skip
    for row in rows:
        case = row.case
        db = {**SCRATCH_OF, "new": "(new)", "taskwarrior": "-"}.get(case.db, case.db)
        if row.state != "measured":
            found.append((case.name, db, row.state, row.detail, "", "", "", ""))
            continue
        ratio = f"{row.ratio:.2f}x {case.floor}"
        targets = [f"<={case.limit}x"] if case.limit is not None else []
        if row.versus_heavy is not None:
            ratio += f"; {row.versus_heavy[0]:.2f}x heavy"
            targets.append(f"<={VERSUS_HEAVY[case.db][0]}x heavy")
        target = "; ".join(targets)
        misses = row.misses()
        result = ("MISS: " + ", ".join(misses)) if misses else ("PASS" if row.has_target else "")
        found.append((case.name, db, _ms(row.median), _range(row), _mb(row.rss, lowest), ratio,
                      target, result))  # fmt: skip
    return found


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _range(row: Row) -> str:
    walls = [command.wall * 1000 for command, _ in row.runs]
    return f"{min(walls):.0f}-{max(walls):.0f} ms"


def _mb(mib: float, lowest: float) -> str:
    return f"{'<=' if mib <= lowest * 1.02 else ''}{mib:.1f} MiB"


def text_table(lines: list[tuple[str, ...]]) -> str:
    widths = [max(len(line[i]) for line in [HEADER, *lines]) for i in range(len(HEADER))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
           for line in [HEADER, *lines]]  # fmt: skip
    out.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in out)


def markdown_table(lines: list[tuple[str, ...]]) -> str:
    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |" for line in lines]
    return "\n".join(out)


def machine() -> str:
    """CPU, cores, OS, Python and SQLite versions, and the load when the run started."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = (
        ", ".join(f"{value:.2f}" for value in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; "
        f"load average at start {load}"
    )


def write_readme(report: str) -> None:
    """Replace what lies between the Performance section's markers with ``report``."""
    text = README.read_text()
    if BEGIN_MARK not in text or END_MARK not in text:
        sys.exit(f"{README} has no {BEGIN_MARK} ... {END_MARK} markers to write between")
    before, rest = text.split(BEGIN_MARK, 1)
    _, after = rest.split(END_MARK, 1)
    README.write_text(f"{before}{BEGIN_MARK}\n{report}\n{END_MARK}{after}")


# Main ----------------------------------------------------------------------------------------


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    runs = f"pairs per command (default 9; --quick 3; --ci {CI_RUNS})"
    parser.add_argument("--runs", type=int, default=None, help=runs)
    parser.add_argument("--quick", action="store_true", help="3 runs, no stress database")
    parser.add_argument("--only", action="append", metavar="NAME",
                        help="only commands whose name matches (glob; repeatable)")  # fmt: skip
    parser.add_argument("--events", type=int, default=None, metavar="N",
                        help="journal entries of the deep database (default "
                        f"{build.DEEP_EVENTS:,}, or ${build.DEEP_EVENTS_ENV})")  # fmt: skip
    parser.add_argument("--write-readme", action="store_true",
                        help="write the table into README.md's Performance section")  # fmt: skip
    parser.add_argument("--ci", action="store_true",
                        help=f"the gross-regression pass: reads <= {CI_READ_LIMIT}x the read "
                        f"floor (report {CI_REPORT_LIMIT}x), writes <= {CI_WRITE_LIMIT}x the "
                        "write floor, on a small database; exit status 1 on a miss measured "
                        "twice")  # fmt: skip
    parser.add_argument("--serve", action="store_true",
                        help="only the pages of mltrack serve on the heavy database "
                        f"(map <= {SERVE_MAP_LIMIT_MS} ms)")  # fmt: skip
    parser.add_argument("--cohort", action="store_true",
                        help="only the cohort on PostgreSQL: 50 learners x 2,000 entries "
                        f"imported, cohort report (<= {COHORT_REPORT_LIMIT_S:.0f} s), "
                        f"{COHORT_WRITERS} concurrent writers x {COHORT_CHANGES} changes "
                        "(zero errors, every change journaled)")  # fmt: skip
    arguments = parser.parse_args(argv)
    if arguments.ci and (arguments.quick or arguments.write_readme or arguments.events):
        parser.error("--ci takes no --quick, --events or --write-readme")
    if arguments.runs is not None and arguments.runs < 1:
        parser.error("--runs needs at least 1")
    if arguments.events is not None and arguments.events < 1:
        parser.error("--events needs at least 1")
    return arguments


def selected(all_cases: list[Case], patterns: list[str] | None) -> list[Case]:
    if not patterns:
        return all_cases
    return [c for c in all_cases if any(fnmatch.fnmatch(c.name, p) for p in patterns)]


def grouped(chosen: list[Case]) -> list[list[Case]]:
    groups: dict[str, list[Case]] = {}
    for case in chosen:
        groups.setdefault(case.group or f"{case.name}@{case.db}", []).append(case)
    return list(groups.values())


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_groups(bench: Bench, groups: list[list[Case]]) -> list[Row]:
    """Each group measured in turn, with a line of progress on stderr per command."""
    rows: list[Row] = []
    for group in groups:
        measured = bench.measure(group)
        rows += measured
        for row in measured:
            shown = f"{row.median * 1000:.0f} ms" if row.runs else f"{row.state} {row.detail}"
            log(f"  {row.case.name} ({row.case.db}): {shown}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.ci:
        return run_ci(arguments)
    if arguments.serve:
        return serve_pages(arguments.runs or SERVE_REQUESTS)
    if arguments.cohort:
        return cohort_section(arguments.runs or COHORT_RUNS)
    runs = arguments.runs or (3 if arguments.quick else 9)
    chosen = selected(cases(with_stress=not arguments.quick), arguments.only)
    started, described = time.perf_counter(), machine()
    compile_mltrack()
    bench = Bench(runs, log, arguments.events)
    try:
        for db in dict.fromkeys(case.db for case in chosen):  # build before timing anything
            if db in ("fresh", "heavy", "stress", "deep"):
                bench.database(db)
        log(f"timing {len(chosen)} commands, {runs} pairs each, with {bench.script}")
        floors = bench.floors()
        rows = measure_groups(bench, grouped(chosen))
        compare_with_heavy(rows)
        transfer, transfer_missed = "", []
        if "deep" in bench.databases:
            log("timing export and import of the deep database...")
            transfer, transfer_missed = transfer_table(bench)
        notes = database_notes(bench)
        lowest = bench.launcher.own_rss()
        notes += f"\n- launcher peak RSS (a lower bound of every RSS figure): {lowest:.1f} MiB"
    finally:
        bench.close()
    lines = table_rows(floors, rows, lowest)
    elapsed = time.perf_counter() - started
    print(f"\nMachine: {described}")
    print(notes)
    print(text_table(lines))
    deep = deep_table(rows)
    if deep:
        print(f"\nThe deep database against the heavy one (target <= {DEEP_LIMIT}x):\n{deep}")
    if transfer:
        print(f"\nExport and import of the deep database ({TRANSFER_RUNS} runs, medians):")
        print(transfer)
        for miss in transfer_missed:
            print(f"MISS {miss}")
    print(f"\n{runs} pairs per command; the run took {elapsed:.0f} s.")
    print_misses(rows)
    if arguments.write_readme:
        write_readme(readme_report(described, notes, runs, lines))
        print(f"wrote the table into {README}")
    missed = [row for row in rows if row.runs and row.misses()]
    return 1 if missed or transfer_missed else 0


# Streaming import and export of the deep database (issue 12's targets, for a million events
# exported and 300,000 imported): seconds per million events and peak memory.
EXPORT_SECONDS_PER_MILLION = 10.0
IMPORT_SECONDS_PER_300K = 10.0
IMPORT_RSS_LIMIT_MIB = 150.0
TRANSFER_RUNS = 3


def transfer_table(bench: Bench) -> tuple[str, list[str]]:
    """Export the deep database, then import that file into a copy of the fresh one, each
    ``TRANSFER_RUNS`` times (medians): events per second and peak RSS; and the misses."""
    built = bench.databases.get("deep") or build.database("deep", bench.log, events=bench.events)
    events = sqlite3.connect(built.path).execute("SELECT COUNT(*) FROM journal").fetchone()[0]
    fresh = build.database("fresh", bench.log).path
    export = bench.work / "deep-export.json"
    env = base_environment()
    exports, imports = [], []
    for number in range(TRANSFER_RUNS):
        argv = [str(bench.script), "--db", str(built.path), "export", "-o", str(export)]
        exports.append(bench.launcher.run(argv, env, bench.work))
        target = bench.work / f"import-{number}.db"
        shutil.copyfile(fresh, target)
        argv = [str(bench.script), "--db", str(target), "import", str(export)]
        imports.append(bench.launcher.run(argv, env, bench.work))
        target.unlink()
    lines = [("command", "events", "median", "events/s", "peak RSS", "target", "result")]
    missed = []
    for name, samples, target_s, per in (
        ("export", exports, EXPORT_SECONDS_PER_MILLION, 1_000_000),
        ("import", imports, IMPORT_SECONDS_PER_300K, 300_000),
    ):
        wall = statistics.median(sample.wall for sample in samples)
        rss = max(sample.rss for sample in samples)
        rate = events / wall
        over = [f"{per / rate:.1f} s per {per:,} events (>{target_s:.0f} s)"] if (
            per / rate > target_s) else []  # fmt: skip
        if name == "import" and rss > IMPORT_RSS_LIMIT_MIB:
            over.append(f"peak RSS {rss:.0f} MiB (>{IMPORT_RSS_LIMIT_MIB:.0f} MiB)")
        missed += [f"{name} (deep): {miss}" for miss in over]
        lines.append((name, f"{events:,}", f"{wall:.2f} s", f"{rate:,.0f}", f"{rss:.1f} MiB",
                      f"<= {target_s:.0f} s per {per:,}", "; ".join(over) or "ok"))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
           for line in lines]  # fmt: skip
    out.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(out), missed


# --- mltrack serve: page loads on the heavy database ------------------------------------------
SERVE_MAP_LIMIT_MS = 150  # the map page, server time (the target)
SERVE_REQUESTS = 20  # timed requests per page, after one warm-up
SERVE_PAGES = {"map": "/", "map, item open": "/?item=python", "progress": "/progress",
               "stats": "/stats", "report": "/report"}  # fmt: skip


def serve_pages(requests: int) -> int:
    """Time each page of ``mltrack serve`` on a scratch copy of the heavy database: the
    server's own time (``map_page`` and the other handlers' work, in process, as a request
    runs it) and the whole request over loopback HTTP to a running ``mltrack serve``. The
    map is held to SERVE_MAP_LIMIT_MS of server time; exit status 1 when it misses."""
    import http.client
    import re

    from mltrack.web.app import Settings, map_page

    heavy = build.database("heavy", log)
    work = Path(tempfile.mkdtemp(prefix="mltrack-bench-serve-"))
    try:
        db = work / "heavy.db"
        shutil.copyfile(heavy.path, db)
        settings = Settings(str(db), heavy.learner, "bench-token", {"127.0.0.1"})
        in_process = {}
        for name, selected_item in (("map", None), ("map, item open", "python")):
            started = time.perf_counter()
            map_page(settings, selected_item, None)  # the first: grandalf lays the map out
            first = (time.perf_counter() - started) * 1000
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                map_page(settings, selected_item, None)
                times.append((time.perf_counter() - started) * 1000)
            in_process[name] = (first, statistics.median(times), max(times))
        environment = {**base_environment(), "MLTRACK_DB": str(db),
                       "MLTRACK_LEARNER": heavy.learner, "PYTHONUNBUFFERED": "1"}  # fmt: skip
        server = subprocess.Popen([str(mltrack_script()), "serve", "--port", "0"],
                                  env=environment, stdout=subprocess.PIPE, text=True)  # fmt: skip
        try:
            line = server.stdout.readline() if server.stdout else ""
            port = int(re.search(r"127\.0\.0\.1:(\d+)/", line).group(1))  # type: ignore[union-attr]
            over_http = {}
            for name, path in SERVE_PAGES.items():
                times = []
                for number in range(requests + 1):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    started = time.perf_counter()
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    elapsed = (time.perf_counter() - started) * 1000
                    connection.close()
                    assert response.status == 200, (path, response.status)
                    if number:  # the first warms the server up
                        times.append(elapsed)
                over_http[name] = (statistics.median(times), max(times))
        finally:
            server.terminate()
            server.wait(10)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nmltrack serve on the heavy database ({requests} requests per page, ms):")
    print(f"{'page':<16}{'server first':>13}{'server median':>15}{'server max':>12}"
          f"{'HTTP median':>13}{'HTTP max':>10}")  # fmt: skip
    for name in SERVE_PAGES:
        first, median, worst = in_process.get(name, (None, None, None))
        cells = [f"{v:.1f}" if v is not None else "-" for v in (first, median, worst)]
        print(f"{name:<16}{cells[0]:>13}{cells[1]:>15}{cells[2]:>12}"
              f"{over_http[name][0]:>13.1f}{over_http[name][1]:>10.1f}")  # fmt: skip
    missed = [name for name, (_, median, _) in in_process.items() if median > SERVE_MAP_LIMIT_MS]
    for name in missed:
        print(f"MISS: {name}: median server time over {SERVE_MAP_LIMIT_MS} ms")
    return 1 if missed else 0


def run_ci(arguments: argparse.Namespace) -> int:
    """The gross-regression pass: every case of ``ci_cases``; a group with a miss is measured
    again with twice the pairs, and only a miss found both times fails the pass."""
    runs = arguments.runs or CI_RUNS
    chosen = selected(ci_cases(), arguments.only)
    started, described = time.perf_counter(), machine()
    compile_mltrack()
    bench = Bench(runs, log)
    try:
        bench.database("ci")
        log(f"--ci: timing {len(chosen)} commands, {runs} pairs each, with {bench.script}")
        floors = bench.floors()
        rows = measure_groups(bench, grouped(chosen))
        again = [
            [row.case for row in rows if row.case.group == group[0].group and group[0].group]
            or group
            for group in grouped([row.case for row in rows if row.runs and row.misses()])
        ]
        if again:
            bench.runs = 2 * runs
            log(f"measuring {sum(map(len, again))} commands again, {bench.runs} pairs each")
            confirmed = {(row.case.name, row.case.db): row for row in measure_groups(bench, again)}
            rows = [confirmed.get((row.case.name, row.case.db), row) for row in rows]
        lowest = bench.launcher.own_rss()
    finally:
        bench.close()
    print(f"\nMachine: {described}")
    print(f"- a deep database of {CI_EVENTS} journal entries, built for this pass")
    print(text_table(table_rows(floors, rows, lowest)))
    print(f"\nthe --ci pass took {time.perf_counter() - started:.0f} s")
    failed = [row for row in rows if row.state == "failed"]
    for row in failed:
        print(f"FAILED: {row.case.name} ({row.case.db}): {row.detail}")
    missed = print_misses(rows)
    return 1 if missed or failed else 0


def print_misses(rows: list[Row]) -> list[Row]:
    """List the rows that miss a target, after the table; return them."""
    missed = [row for row in rows if row.runs and row.misses()]
    if missed:
        print(f"\n{len(missed)} missed targets:")
        for row in missed:
            db = SCRATCH_OF.get(row.case.db, row.case.db)
            print(f"  MISS {row.case.name} ({db}): {', '.join(row.misses())}")
    else:
        print("\nevery measured command meets its targets")
    return missed


def deep_table(rows: list[Row]) -> str:
    """Each read on the deep database beside the same read on the heavy one."""
    heavy = {row.case.name: row for row in rows if row.case.db == "heavy" and row.runs}
    lines = []
    for row in rows:
        other = heavy.get(row.case.name)
        if row.case.db != "deep" or row.versus_heavy is None or other is None:
            continue
        time_ratio, rss_ratio = row.versus_heavy
        result = "PASS" if time_ratio <= DEEP_LIMIT else "MISS"
        lines.append((row.case.name, _ms(other.median), _ms(row.median), f"{time_ratio:.2f}x",
                      f"{rss_ratio:.2f}x", result))  # fmt: skip
    if not lines:
        return ""
    header = ("command", "heavy", "deep", "deep/heavy time", "deep/heavy RSS", "result")
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
           for line in [header, *lines]]  # fmt: skip
    out.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(out)


def database_notes(bench: Bench) -> str:
    lines = []
    for kind in ("fresh", "heavy", "stress", "deep"):
        built = bench.databases.get(kind)
        if built is not None:
            counted = ", ".join(f"{n} {t}" for t, n in build.counts(built.path).items() if n)
            lines.append(f"- {kind} database ({built.learner!r} measured): {counted}")
    some = next(iter(bench.databases.values()), None)
    if some is not None:
        lines += [f"- {note}" for note in some.notes]
    if "stress" in bench.databases:
        lines.append(f"- stress: the heavy database plus {build.STRESS_COPIES} copies of its heavy "
                     "learner made with INSERT ... SELECT, not through the services")  # fmt: skip
    if "deep" in bench.databases:
        lines.append(
            "- deep: one learner with the heavy learner's own items, projects and goals, "
            "and a history generated with executemany, not by the services"
        )
    return "\n".join(lines)


def readme_report(described: str, notes: str, runs: int, lines: list[tuple[str, ...]]) -> str:
    return (
        f"Measured with `python bench/run.py` ({runs} pairs per command) on: {described}.\n\n"
        f"{notes}\n\n{markdown_table(lines)}\n"
    )


# --- a cohort on PostgreSQL (issue 16) --------------------------------------------------------
# The mentor's view of 50 learners reads 100,000 entries' projections: a report a mentor opens
# by hand, so 2 s for the whole process (start-up, connection, every query, rendering) is the
# most it should take; it needs about 1.2 s of CPU (client and server), so it holds with room
# on a machine that is not saturated.
COHORT_REPORT_LIMIT_S = 2.0
COHORT_REPORT_RSS_MIB = 150.0  # the whole process, SQLAlchemy and psycopg loaded
COHORT_RUNS = 5  # report runs per format, after a warm-up
# The bulk loads and the writers are held to CPU seconds (the client's and the server's), not
# wall time: on a shared machine their wall time is mostly waiting for a core. Importing the
# cohort's export (100,000 entries) streams it in batches, each a round trip: at most 60 CPU
# seconds (the SQLite import's target is 10 s per 300,000; a server's protocol costs more).
COHORT_IMPORT_CPU_S = 60.0
COHORT_WRITERS, COHORT_CHANGES = 8, 500
# A daily write is a whole command on the server: at most 30 ms of CPU per change (client and
# server), which lets 8 writers x 500 changes finish within a minute on two idle cores.
COHORT_CHANGE_CPU_MS = 30.0
MENTOR = "mentor01"
# One writer process: ``changes`` changes through the CLI's own commands (Click, in process,
# so that the process start-up is not what is measured), cycling start, done, reset and a
# one-minute study log over its items (each ends planned again); prints its errors as JSON.
WRITER = """
import json, sys
from click.testing import CliRunner
from mltrack.cli import cli
url, learner, items, changes = json.loads(sys.argv[1])
runner, errors = CliRunner(), []
steps = [["start"], ["done"], ["reset"], ["log", "1m"]]
for number in range(changes):
    item = items[(number // len(steps)) % len(items)]
    args = ["--db", url, "-L", learner, *steps[number % len(steps)], item]
    result = runner.invoke(cli, args)
    if result.exit_code:
        errors.append(f"{' '.join(args[3:])}: exit {result.exit_code}: {result.output.strip()}")
print(json.dumps(errors))
"""


def cohort_section(runs: int) -> int:
    """``--cohort``: a PostgreSQL cluster in a temporary folder (tests/postgres.py starts it),
    the cohort database of ``bench/build.py`` exported and imported into it, the cohort report
    timed as whole processes (run as a mentor, under row-level security), then concurrent
    writers checked for errors and lost changes. Exit status 1 on a miss."""
    sys.path.insert(0, str(README.parent))  # the checkout's tests package
    from tests import postgres

    with postgres.server() as server:
        if isinstance(server, str):
            print(f"--cohort skipped: {server}")
            return 0
        return _cohort_on(server, runs)


def _cohort_on(server: Any, runs: int) -> int:
    from sqlalchemy.engine import make_url

    built = build.database("cohort", log)
    work = Path(tempfile.mkdtemp(prefix="mltrack-bench-cohort-"))
    env, script, misses = base_environment(), str(mltrack_script()), []
    launcher = Launcher()
    try:
        server.admin("CREATE DATABASE cohort")
        url = server.url("cohort")

        def as_role(role: str) -> str:
            return make_url(url).set(username=role).render_as_string(False)

        def timed(argv: list[str], db: str = url) -> tuple[Sample, float, float]:
            """One whole process: its wall time and peak RSS, its CPU and the server's."""
            server_before = _server_cpu(server)
            sample, cpu = launcher.run_cpu([script, "--db", db, *argv], env, work)
            return sample, cpu, _server_cpu(server) - server_before

        export = work / "cohort.json"
        log("exporting the cohort database and importing it into PostgreSQL...")
        check([script, "--db", str(built.path), "export", "-o", str(export)], env, work)
        check([script, "--db", url, "cohort", "init"], env, work)  # creates, migrates, seeds
        imported = timed(["import", str(export)])
        names = [build.cohort_name(n) for n in range(1, build.COHORT_LEARNERS + 1)]
        started = time.perf_counter()
        for name in names:
            check([script, "--db", url, "cohort", "add-learner", name], env, work)
        check([script, "--db", url, "cohort", "add-mentor", MENTOR], env, work)
        roles = time.perf_counter() - started
        entries = _count(url, "SELECT COUNT(*) FROM journal")
        reports = {}
        for label, argv in (
            ("report (markdown)", ["cohort", "report"]),
            ("report --format json", ["cohort", "report", "--format", "json"]),
        ):
            log(f"timing cohort {label}...")
            timed(argv, as_role(MENTOR))  # warm-up
            reports[label] = [timed(argv, as_role(MENTOR)) for _ in range(runs)]
        log(f"{COHORT_WRITERS} writers x {COHORT_CHANGES} changes, each on its own learner...")
        own = _writers(server, url, as_role, names[:COHORT_WRITERS], env)
        log(f"{COHORT_WRITERS} writers x {COHORT_CHANGES} changes on one shared learner...")
        shared = _writers(server, url, as_role, [names[-1]] * COHORT_WRITERS, env)
    finally:
        launcher.close()
        shutil.rmtree(work, ignore_errors=True)
    sample, cpu, server_cpu = imported
    print(f"\nA cohort on PostgreSQL: {len(names)} learners x {build.COHORT_EVENTS:,} entries "
          f"({entries:,} in the journal)")  # fmt: skip
    print(f"import of the export: {sample.wall:.1f} s, CPU {cpu:.1f} s + server {server_cpu:.1f} s"
          f" (target <= {COHORT_IMPORT_CPU_S:.0f} CPU s), peak RSS {sample.rss:.0f} MiB; "
          f"{len(names)} learner roles and a mentor added in {roles:.1f} s")  # fmt: skip
    if cpu + server_cpu > COHORT_IMPORT_CPU_S:
        misses.append(f"import of the cohort: {cpu + server_cpu:.1f} CPU s "
                      f"(>{COHORT_IMPORT_CPU_S:.0f} s)")  # fmt: skip
    print(f"\ncohort report as the mentor, {runs} runs after a warm-up (whole processes):")
    print(f"{'format':<22}{'median':>9}{'min':>8}{'max':>8}{'CPU':>8}{'server CPU':>12}"
          f"{'peak RSS':>10}")  # fmt: skip
    for label, measured in reports.items():
        walls = [s.wall for s, _, _ in measured]
        median = statistics.median(walls)
        rss = max(s.rss for s, _, _ in measured)
        cpu = statistics.median(c for _, c, _ in measured)
        server_cpu = statistics.median(c for _, _, c in measured)
        print(f"{label:<22}{median:>8.2f}s{min(walls):>7.2f}s{max(walls):>7.2f}s{cpu:>7.2f}s"
              f"{server_cpu:>11.2f}s{rss:>7.0f} MiB")  # fmt: skip
        if median > COHORT_REPORT_LIMIT_S:
            misses.append(f"cohort {label}: median {median:.2f} s (>{COHORT_REPORT_LIMIT_S} s)")
        if rss > COHORT_REPORT_RSS_MIB:
            misses.append(f"cohort {label}: peak RSS {rss:.0f} MiB (>{COHORT_REPORT_RSS_MIB} MiB)")
    print(f"\n{COHORT_WRITERS} concurrent writer processes x {COHORT_CHANGES} changes (start, "
          "done, reset, log 1m through the CLI, each as its learner's role):")  # fmt: skip
    for label, found in (("own learners", own), ("one shared learner", shared)):
        per_change = (found["cpu"] + found["server_cpu"]) * 1000 / found["expected"]
        print(f"{label}: {found['wall']:.1f} s wall ({found['rate']:.0f} changes/s), "
              f"CPU {found['cpu']:.1f} s + server {found['server_cpu']:.1f} s = "
              f"{per_change:.1f} ms per change (target <= {COHORT_CHANGE_CPU_MS:.0f}); "
              f"errors {len(found['errors'])}; journal +{found['journaled']:,} of "
              f"{found['expected']:,} expected")  # fmt: skip
        for error in found["errors"][:5]:
            print(f"  {error}")
        if found["errors"]:
            misses.append(f"writers on {label}: {len(found['errors'])} errors")
        if found["journaled"] != found["expected"] or not found["consistent"]:
            agree = found["consistent"]
            misses.append(f"writers on {label}: journal +{found['journaled']} of "
                          f"{found['expected']}, projections agree: {agree}")  # fmt: skip
        if per_change > COHORT_CHANGE_CPU_MS:
            misses.append(f"writers on {label}: {per_change:.1f} ms of CPU per change "
                          f"(>{COHORT_CHANGE_CPU_MS:.0f} ms)")  # fmt: skip
    for miss in misses:
        print(f"MISS: {miss}")
    return 1 if misses else 0


def _writers(server: Any, url: str, as_role: Callable[[str], str], learners: list[str],
             env: dict[str, str]) -> dict[str, Any]:  # fmt: skip
    """COHORT_WRITERS writer processes at once (``WRITER``), writer ``n`` as ``learners[n]``'s
    role on items of its own that are planned; then the errors, the journal's new entries
    against the changes made, and whether each item ended planned again."""
    plan = _planned_items(url, learners)
    before = _count(url, "SELECT COUNT(*) FROM journal")
    server_before, started = _server_cpu(server), time.perf_counter()
    children, used = {}, []
    for number, learner in enumerate(learners):
        items = [plan[learner].pop(0)]
        used += [(learner, item) for item in items]
        argv = [PYTHON, "-c", WRITER,
                json.dumps([as_role(learner), learner, items, COHORT_CHANGES])]  # fmt: skip
        child = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, text=True)
        children[child.pid] = (child, number, items, learner)
    errors, cpu = [], 0.0
    while children:
        pid, status, usage = os.wait4(-1, 0)
        if pid not in children:
            continue
        child, number, items, learner = children.pop(pid)
        cpu += usage.ru_utime + usage.ru_stime
        out = child.stdout.read() if child.stdout else ""
        child.returncode = os.waitstatus_to_exitcode(status)
        try:
            errors += [f"writer {number}: {error}" for error in json.loads(out)]
        except ValueError:
            errors.append(f"writer {number}: exit {child.returncode}: {out[-200:]}")
    wall = time.perf_counter() - started
    server_cpu = _server_cpu(server) - server_before
    journaled = _count(url, "SELECT COUNT(*) FROM journal") - before
    expected = COHORT_WRITERS * COHORT_CHANGES
    return {"wall": wall, "cpu": cpu, "server_cpu": server_cpu,
            "rate": expected / wall, "errors": errors, "journaled": journaled,
            "expected": expected, "consistent": _all_planned(url, used)}  # fmt: skip


def _planned_items(url: str, learners: list[str]) -> dict[str, list[str]]:
    """Each learner's planned items that a status change moves (no certification), by id."""
    from mltrack.core.vocabulary import ItemKind, ItemStatus
    from tests.postgres import query

    rows = query(url, """
        SELECT l.name, i.slug FROM progress p JOIN item i ON i.id = p.item_id
        JOIN learner l ON l.id = p.learner_id
        WHERE p.status = :planned AND i.kind <> :cert ORDER BY l.name, i.id""",
        planned=str(ItemStatus.PLANNED), cert=str(ItemKind.CERTIFICATION))  # fmt: skip
    found: dict[str, list[str]] = {learner: [] for learner in learners}
    for name, slug in rows:
        if name in found:
            found[name].append(slug)
    return found


def _all_planned(url: str, used: list[tuple[str, str]]) -> bool:
    """Whether every (learner, item) the writers cycled ended planned, as the journal says."""
    from mltrack.services.engines import open_reader

    reader = open_reader(url)
    try:
        return all(
            reader.rows("SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id "
                        "JOIN learner l ON l.id = p.learner_id "
                        "WHERE l.name = :l AND i.slug = :i", l=learner, i=item)[0]["status"]
            == "planned"
            for learner, item in used
        )  # fmt: skip
    finally:
        reader.connection.close()  # type: ignore[attr-defined]


def _count(url: str, sql: str) -> int:
    from tests.postgres import query

    return int(query(url, sql)[0][0])


def _server_cpu(server: Any) -> float:
    """CPU seconds the PostgreSQL cluster has used so far: the postmaster's and its exited
    children's (each connection's backend), and the running children's; 0 for a server not
    started here."""
    from urllib.parse import parse_qs, urlsplit

    folder = parse_qs(urlsplit(server.base_url).query).get("host", [""])[0]
    pid_file = Path(folder) / "data" / "postmaster.pid"
    if not folder or not pid_file.exists():
        return 0.0
    postmaster = int(pid_file.read_text().split()[0])
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == postmaster:  # utime, stime, cutime, cstime
            total += sum(int(value) for value in fields[11:15])
        elif parent == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


if __name__ == "__main__":
    sys.exit(main())
