"""The day summary (``learner_day``): a projection of the journal kept by the write path, so
that ``stats`` and ``report`` read one row per active day instead of every ``done`` ever made.

The write path rewrites the days a change touches; ``doctor`` compares the table with a replay
(the Hypothesis machine of ``test_journal_state`` does after every random step), ``--repair``,
import and migration 0008 write it from the journal. Here: the rows after each kind of change,
a stale summary found and repaired, the migration's fill, a seed that changes what is
required, and that ``stats`` reads about as much on a deep history as on a shallow one.
"""

import importlib.util
import sqlite3
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mltrack.queries import activity
from mltrack.queries.reader import Row, SqliteReader, SqliteWriter
from mltrack.queries.stats import stats_report
from mltrack.services import journal
from tests.test_migrations import migrate_as_mltrack_does

BUILD = Path(__file__).resolve().parent.parent / "bench" / "build.py"
SUMMARY_SQL = """SELECT d.on_date, d.finished, d.required_finished, d.minutes
                 FROM learner_day d JOIN learner l ON l.id = d.learner_id
                 WHERE l.name = ? ORDER BY d.on_date"""


def ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def test_each_change_rewrites_the_days_it_touches(seeded_db: Path, ok, rows) -> None:
    def summary() -> list[tuple]:
        return rows(seeded_db, SUMMARY_SQL, "me")

    ok("done", "python", "--on", "-5d")  # required
    ok("done", "mooc-edx", "--on", "-5d")  # optional
    assert summary() == [(ago(5), 2, 1, 0)]
    ok("log", "90m", "python", "--on", "-3d")
    ok("log", "30m", "--on", "-3d")
    assert summary() == [(ago(5), 2, 1, 0), (ago(3), 0, 0, 120)]
    ok("undo")  # the 30 minutes
    assert summary() == [(ago(5), 2, 1, 0), (ago(3), 0, 0, 90)]
    [(done,)] = rows(seeded_db, "SELECT id FROM journal WHERE action = 'done' AND subject = ?",
                     "python")  # fmt: skip
    ok("amend", str(done), "--on", "-9d")  # the finish moves: both days change
    assert summary() == [(ago(9), 1, 1, 0), (ago(5), 1, 0, 0), (ago(3), 0, 0, 90)]
    ok("undo")  # the amendment: back to its first date
    assert summary() == [(ago(5), 2, 1, 0), (ago(3), 0, 0, 90)]
    ok("amend", str(done), "--on", "-9d")
    assert summary() == [(ago(9), 1, 1, 0), (ago(5), 1, 0, 0), (ago(3), 0, 0, 90)]
    ok("reset", "mooc-edx", "--on", "-2d")  # a finish that stands counts on its day, as ever
    ok("done", "mooc-edx", "--on", "-1d")  # and finishing again counts again
    assert summary() == [(ago(9), 1, 1, 0), (ago(5), 1, 0, 0), (ago(3), 0, 0, 90),
                         (ago(1), 1, 0, 0)]  # fmt: skip
    ok("undo")
    [(log,)] = rows(seeded_db, "SELECT MIN(id) FROM journal WHERE kind = 'study'")  # the 90m
    ok("amend", str(log), "--on", "-4d")
    assert summary() == [(ago(9), 1, 1, 0), (ago(5), 1, 0, 0), (ago(4), 0, 0, 90)]
    # Another learner's days are their own.
    ok("learner", "add", "alex")
    ok("--learner", "alex", "done", "python", "--on", "-5d")
    assert rows(seeded_db, SUMMARY_SQL, "alex") == [(ago(5), 1, 1, 0)]
    assert summary() == [(ago(9), 1, 1, 0), (ago(5), 1, 0, 0), (ago(4), 0, 0, 90)]
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_a_stale_summary_is_reported_and_repaired(seeded_db: Path, run, ok, rows) -> None:
    ok("done", "python", "--on", "-2d")
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("UPDATE learner_day SET finished = 7, required_finished = 7")
        connection.execute(
            "INSERT INTO learner_day (learner_id, on_date, finished, required_finished, minutes) "
            "VALUES (1, '2020-01-01', 1, 0, 0)"
        )
    connection.close()
    result = run("doctor")
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())  # lines folded to the terminal's width, unfolded
    assert "[fail] projection: learner_day (me, 2020-01-01): stored, but the journal has no such" \
           " row" in text  # fmt: skip
    assert (f"[fail] projection: learner_day (me, {ago(2)}): finished 7 (the journal says 1), "
            "required_finished 7 (the journal says 1)") in text  # fmt: skip
    assert text.endswith("2 problems found")
    ok("doctor", "--repair")
    assert rows(seeded_db, SUMMARY_SQL, "me") == [(ago(2), 1, 1, 0)]
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_migration_0008_fills_the_summary_from_the_journal(seeded_db: Path, ok, rows) -> None:
    ok("done", "python", "--on", "-20d")
    ok("done", "mooc-edx", "--on", "-20d")
    ok("log", "1h", "--on", "-3d")
    ok("done", "estimation")
    ok("undo")
    before = rows(seeded_db, SUMMARY_SQL, "me")
    assert before == [(ago(20), 2, 1, 0), (ago(3), 0, 0, 60)]
    stats = ok("stats", "--json").stdout
    migrate_as_mltrack_does(seeded_db, "downgrade", "0007_journal")
    assert rows(seeded_db, "SELECT name FROM sqlite_master WHERE name = 'learner_day'") == []
    migrate_as_mltrack_does(seeded_db, "upgrade", "head")
    assert rows(seeded_db, SUMMARY_SQL, "me") == before
    assert ok("stats", "--json").stdout == stats


def test_a_seed_that_changes_what_is_required_recounts_the_days(seeded_db: Path, ok, rows) -> None:
    ok("done", "python", "--on", "-2d")
    ok("done", "bias", "--on", "-2d")
    connection = sqlite3.connect(seeded_db)
    with connection:  # as an older seed had it: python optional, and counted so
        connection.execute("UPDATE item SET required = 0 WHERE slug = 'python'")
        connection.execute("UPDATE learner_day SET required_finished = 1")
    connection.close()
    ok("seed")  # the shipped seed says python is required again
    assert rows(seeded_db, SUMMARY_SQL, "me") == [(ago(2), 2, 2, 0)]
    assert "every projection agrees with the journal" in ok("doctor").stdout


# Reads proportional to what they show ------------------------------------------------------


def _bench_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _steps(connection: sqlite3.Connection, read, *args: Any) -> int:  # type: ignore[no-untyped-def]
    """SQLite virtual-machine steps ``read(*args)`` takes: the rows it visits, near enough."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    connection.set_progress_handler(tick, 1)
    try:
        read(*args)
    finally:
        connection.set_progress_handler(None, 1)
    return steps


@pytest.fixture(scope="module")
def deep_reads(tmp_path_factory: pytest.TempPathFactory) -> dict[int, dict[str, int]]:
    """For a learner of 2,000 and one of 20,000 journal entries over ten years: the steps of
    stats, of the old read of every finish (the journal), and the active days."""
    build = _bench_build()
    found: dict[int, dict[str, int]] = {}
    for events in (2_000, 20_000):
        path = tmp_path_factory.mktemp("deep") / f"deep{events}.db"
        build.build_deep(path, events, log=lambda _: None)
        connection = sqlite3.connect(path)
        try:
            learner = build.HEAVY_LEARNER
            [(learner_id,)] = connection.execute("SELECT id FROM learner WHERE name = ?",
                                                 (learner,))  # fmt: skip
            reader = SqliteReader(connection)
            stats = _steps(connection, stats_report, reader, learner, learner_id)
            every = _steps(connection, activity.finished_per_day, reader, learner_id)
            [(days,)] = connection.execute(
                "SELECT COUNT(*) FROM learner_day WHERE learner_id = ? AND finished > 0",
                (learner_id,),
            )
            found[events] = {"stats": stats, "journal": every, "days": days}
        finally:
            connection.close()
    return found


def test_stats_reads_the_summary_not_every_finish(deep_reads) -> None:  # type: ignore[no-untyped-def]
    """Ten times the entries: the journal's finishes cost about ten times as much to read,
    stats far less. What it still reads more of is active days (at most one row per day,
    about 3,650 in ten years, however many entries): the longest streak needs the whole
    history of days."""
    shallow, deep = deep_reads[2_000], deep_reads[20_000]
    assert deep["journal"] > 5 * shallow["journal"]  # what stats read before the summary
    assert deep["stats"] < 2 * shallow["stats"]
    assert deep["stats"] < deep["journal"] / 2
    # The growth is in days, not entries: a handful of steps per extra active day.
    assert deep["stats"] - shallow["stats"] < 15 * (deep["days"] - shallow["days"])


class RecordingWriter(SqliteWriter):
    """A writer that keeps every statement it runs, with its parameters."""

    def __init__(self, connection: sqlite3.Connection):
        super().__init__(connection)
        self.statements: list[tuple[str, dict[str, Any]]] = []

    def rows(self, sql: str, **params: Any) -> Sequence[Row]:
        self.statements.append((sql, params))
        return super().rows(sql, **params)

    def execute(self, sql: str, **params: Any) -> sqlite3.Cursor:
        self.statements.append((sql, params))
        return super().execute(sql, **params)


def _plan(connection: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[str]:
    return [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_the_summary_is_read_and_rewritten_through_indexes(seeded_db: Path, ok) -> None:
    """Stats' reads seek the learner's days (and a range of them); a change's rewrite of a
    day seeks that day of the journal, of the study sessions and of the summary."""
    ok("done", "python", "--on", "-3d")
    ok("log", "1h", "--on", "-3d")
    connection = sqlite3.connect(seeded_db)
    try:
        for sql in (activity.ACTIVE_DAYS_SQL, activity.ACTIVE_DAYS_SINCE_SQL):
            [line] = _plan(connection, sql, {"learner_id": 1, "since": ago(56)})
            # The index of the days with a finish holds every column read: no table lookups.
            assert line.startswith("SEARCH learner_day USING COVERING INDEX "
                                   "ix_learner_day_finished (learner_id=?"), line  # fmt: skip
        assert "on_date>?" in _plan(connection, activity.ACTIVE_DAYS_SINCE_SQL,
                                    {"learner_id": 1, "since": ago(56)})[0]  # fmt: skip
        store = RecordingWriter(connection)
        journal.refresh_days(store, 1, [date.today() - timedelta(days=3)])
        plans = [line for sql, params in store.statements
                 for line in _plan(connection, sql, params)]  # fmt: skip
    finally:
        connection.close()
    assert not [line for line in plans if line.startswith("SCAN")], plans
    searched = " ".join(plans)
    for index in ("ix_journal_learner_action (learner_id=? AND kind=? AND action=? AND on_date>? "
                  "AND on_date<?)", "ix_study_session_learner_on_date (learner_id=? AND on_date=?)",
                  "learner_day USING INDEX"):  # fmt: skip
        assert index in searched, (index, plans)
