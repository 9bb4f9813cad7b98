"""The item totals (``item_time``): minutes and sessions per learner and item, a projection of
the study sessions kept by the write path, so that ``show ITEM`` reads one row however many
sessions the item holds.

Here: the totals after random sequences of log, undo and amend (Hypothesis) against the sums
of the sessions and against a rebuild; ``show``'s figures through the CLI; a stale total found
and repaired by ``doctor``.
"""

import json
import sqlite3
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.core.errors import MltrackError
from mltrack.queries.reader import SqliteWriter
from mltrack.services.journal import rebuild
from mltrack.services.study import log_session
from mltrack.services.undo import amend, undo_last
from mltrack.store.db import connect

TOTALS_SQL = """SELECT l.name, i.slug, t.minutes, t.sessions FROM item_time t
                JOIN learner l ON l.id = t.learner_id JOIN item i ON i.id = t.item_id
                ORDER BY 1, 2"""
# What the totals must say: the same sums straight from the sessions.
SESSION_TOTALS_SQL = """SELECT l.name, i.slug, SUM(s.minutes), COUNT(*) FROM study_session s
                        JOIN learner l ON l.id = s.learner_id JOIN item i ON i.id = s.item_id
                        GROUP BY l.name, i.slug ORDER BY 1, 2"""
ITEMS = ("python", "programming", None)
TODAY = date.today()

step = st.one_of(
    st.tuples(st.just("log"), st.integers(1, 300), st.sampled_from(ITEMS), st.integers(0, 30)),
    st.tuples(st.just("undo")),
    st.tuples(st.just("amend"), st.integers(0, 40), st.integers(0, 30)),
)


def _copy(source: Path, target: Path) -> Path:
    target.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(step, max_size=25))
def test_totals_are_the_sums_of_the_sessions_after_any_log_undo_amend(
    _seeded_template: Path, tmp_path: Path, steps: list[tuple]
) -> None:
    path = _copy(_seeded_template, tmp_path / "item-time.db")
    store = SqliteWriter(connect(path))
    totals: list[tuple] = []
    try:
        for action, *values in steps:
            try:
                with store.transaction():
                    if action == "log":
                        minutes, item, days_ago = values
                        log_session(store, "me", minutes, TODAY, item,
                                    TODAY - timedelta(days=days_ago))  # fmt: skip
                    elif action == "undo":
                        undo_last(store, "me", TODAY)
                    else:
                        ids = [r["id"] for r in store.rows(
                            "SELECT id FROM journal WHERE kind = 'study' ORDER BY id")]  # fmt: skip
                        if ids:
                            pick, days_ago = values
                            amend(store, "me", ids[pick % len(ids)], TODAY,
                                  on=TODAY - timedelta(days=days_ago))  # fmt: skip
            except MltrackError:
                pass  # refused (undone entry, nothing to undo, a full day): nothing changed
            totals = _tuples(store, TOTALS_SQL)
            assert totals == _tuples(store, SESSION_TOTALS_SQL)
        learner = store.rows("SELECT id FROM learner WHERE name = 'me'")[0]["id"]
        with store.transaction():
            rebuild(store, learner)
        assert _tuples(store, TOTALS_SQL) == totals
    finally:
        store.connection.close()


def _tuples(store: SqliteWriter, sql: str) -> list[tuple]:
    return [tuple(row) for row in store.connection.execute(sql)]


def test_show_gives_the_items_time_as_logged_undone_and_amended(seeded_db: Path, ok) -> None:
    def logged() -> tuple[int, int]:
        detail = json.loads(ok("show", "python", "--json").stdout)
        return detail["minutes_logged"], detail["sessions_logged"]

    assert logged() == (0, 0)
    ok("log", "90m", "python", "--on", "-3d")
    ok("log", "30m", "python")
    ok("log", "20m", "programming")
    assert logged() == (120, 2)
    ok("undo")  # the programming session: python's total stays
    assert logged() == (120, 2)
    ok("undo")
    assert logged() == (90, 1)
    [(first,)] = sqlite3.connect(seeded_db).execute(
        "SELECT MIN(id) FROM journal WHERE kind = 'study'").fetchall()  # fmt: skip
    ok("amend", str(first), "--on", "-1d")  # a date corrected: the total is the same
    assert logged() == (90, 1)


def test_a_stale_item_total_is_reported_and_repaired(seeded_db: Path, run, ok, rows) -> None:
    ok("log", "1h", "python", "--on", "-2d")
    before = rows(seeded_db, TOTALS_SQL)
    assert before == [("me", "python", 60, 1)]
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("UPDATE item_time SET minutes = 7")
    connection.close()
    result = run("doctor")
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "[fail] projection: item_time (me, python)" in text
    assert "minutes 7 (the journal says 60)" in text
    ok("doctor", "--repair")
    assert rows(seeded_db, TOTALS_SQL) == before
    assert "every projection agrees with the journal" in ok("doctor").stdout
