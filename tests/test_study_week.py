"""The week summary (``study_week``): minutes and sessions per learner, ISO week and study
area, a projection of the study sessions kept by the write path, so that the hours per week
and per area of ``stats`` and ``log --list`` read a few rows a week.

Here: the rows after each kind of study change, the totals the reads give against sums of the
sessions themselves, a stale summary found and repaired by ``doctor``, a seed that moves an
item to another area, migration 0012's fill, and ``log --list``'s newest sessions (``-n``).
"""

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

from mltrack.core.dates import last_weeks_start, week_start
from mltrack.store.paths import is_database_url
from tests.test_migrations import migrate_as_mltrack_does

WEEKS_SQL = """SELECT w.week_start, a.slug, w.minutes, w.sessions
               FROM study_week w JOIN learner l ON l.id = w.learner_id
               LEFT JOIN area a ON a.id = w.area_id
               WHERE l.name = ? ORDER BY w.week_start, a.position IS NULL, a.position"""
# What the summary must say: the same sums straight from the sessions.
SESSION_WEEKS_SQL = """SELECT s.week_start, a.slug, SUM(s.minutes), COUNT(*)
                       FROM study_session s JOIN learner l ON l.id = s.learner_id
                       LEFT JOIN item i ON i.id = s.item_id LEFT JOIN area a ON a.id = i.area_id
                       WHERE l.name = ? GROUP BY s.week_start, a.id
                       ORDER BY s.week_start, a.position IS NULL, a.position"""


def monday(weeks_ago: int) -> str:
    return (week_start(date.today()) - timedelta(weeks=weeks_ago)).isoformat()


def area_of(rows, db: Path, slug: str) -> str | None:  # type: ignore[no-untyped-def]
    [(area,)] = rows(db, "SELECT a.slug FROM item i LEFT JOIN area a ON a.id = i.area_id "
                         "WHERE i.slug = ?", slug)  # fmt: skip
    return area


def test_each_study_change_rewrites_the_weeks_it_touches(db_url: str, ok, rows) -> None:
    def weeks(name: str = "me") -> list[tuple]:
        found = rows(db_url, WEEKS_SQL, name)
        assert found == rows(db_url, SESSION_WEEKS_SQL, name)
        return found

    python = area_of(rows, db_url, "python")
    assert python is not None
    ok("log", "90m", "python", "--on", "-14d")
    ok("log", "30m", "python", "--on", "-14d")
    ok("log", "20m", "--on", "-14d")  # on no item: no area
    two_weeks_ago = week_start(date.today() - timedelta(days=14)).isoformat()
    assert weeks() == [(two_weeks_ago, python, 120, 2), (two_weeks_ago, None, 20, 1)]
    ok("undo")  # the 20 minutes
    assert weeks() == [(two_weeks_ago, python, 120, 2)]
    [(first,)] = rows(db_url, "SELECT MIN(id) FROM journal WHERE kind = 'study'")
    ok("amend", str(first), "--on", "-1d")  # the 90 minutes move to another week
    yesterday = week_start(date.today() - timedelta(days=1)).isoformat()
    assert sorted(weeks()) == sorted([(two_weeks_ago, python, 30, 1), (yesterday, python, 90, 1)])
    ok("undo")  # the amendment: back to its first week
    assert weeks() == [(two_weeks_ago, python, 120, 2)]
    ok("learner", "add", "alex")
    ok("--learner", "alex", "log", "1h", "python")
    assert weeks("alex") == [(monday(0), python, 60, 1)]
    assert weeks() == [(two_weeks_ago, python, 120, 2)]
    if not is_database_url(db_url):  # doctor checks a SQLite file (the server has its own)
        assert "every projection agrees with the journal" in ok("doctor").stdout


def test_stats_and_log_list_give_the_sums_of_the_sessions(db_url: str, ok, rows) -> None:
    """The summary's totals are the sessions' own: per week and per area (pathway order, no
    area last), over whole weeks; from a day inside a week, the sessions themselves."""
    for args in (("2h", "python", "--on", "-3d"), ("45m", "statistical-learning", "--on", "-10d"),
                 ("30m", "python", "--on", "-10d"), ("15m", "--on", "-20d"),
                 ("1h", "python", "--on", "-400d")):  # fmt: skip
        ok("log", *args)
    since = last_weeks_start(date.today(), 8).isoformat()
    by_week = """SELECT week_start, SUM(minutes), COUNT(*) FROM study_session
                  WHERE on_date >= ? GROUP BY week_start ORDER BY week_start"""
    by_area = """SELECT a.slug, SUM(s.minutes), COUNT(*)
                  FROM study_session s LEFT JOIN item i ON i.id = s.item_id
                  LEFT JOIN area a ON a.id = i.area_id WHERE s.on_date >= ?
                  GROUP BY a.id ORDER BY a.position IS NULL, a.position"""
    expected_weeks, expected_areas = (
        rows(db_url, by_week, since),
        rows(db_url, by_area, since),
    )
    assert len(expected_areas) == 3  # two areas and none
    stats = json.loads(ok("stats", "--json").stdout)
    study = stats["study"]
    listed = json.loads(ok("log", "--list", "--json").stdout)
    for document in (study, listed):
        assert [(w["key"], w["minutes"], w["sessions"]) for w in document["by_week"]] == \
            expected_weeks  # fmt: skip
        assert [(a["key"], a["minutes"], a["sessions"]) for a in document["by_area"]] == \
            expected_areas  # fmt: skip
    assert listed["by_area"][-1]["label"] == "(no study area)"
    # From a Tuesday: not whole weeks, so the sessions are summed from that day on.
    tuesday = (date.fromisoformat(since) + timedelta(days=8)).isoformat()
    partial = json.loads(ok("log", "--list", "--since", tuesday, "--json").stdout)
    assert (
        sum(w["sessions"] for w in partial["by_week"])
        == rows(db_url, "SELECT COUNT(*) FROM study_session WHERE on_date >= ?", tuesday)[0][0]
    )


def test_a_stale_week_summary_is_reported_and_repaired(seeded_db: Path, run, ok, rows) -> None:
    ok("log", "1h", "python", "--on", "-2d")
    before = rows(seeded_db, WEEKS_SQL, "me")
    connection = sqlite3.connect(seeded_db)
    with connection:
        connection.execute("UPDATE study_week SET minutes = 7")
    connection.close()
    result = run("doctor")
    assert result.exit_code == 1
    text = " ".join(result.stdout.split())
    assert "[fail] projection: study_week (me, " in text
    assert "minutes 7 (the journal says 60)" in text
    ok("doctor", "--repair")
    assert rows(seeded_db, WEEKS_SQL, "me") == before
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_a_seed_that_moves_an_item_to_another_area_resums_the_weeks(
    seeded_db: Path, ok, rows
) -> None:
    ok("log", "1h", "python", "--on", "-2d")
    before = rows(seeded_db, WEEKS_SQL, "me")
    connection = sqlite3.connect(seeded_db)
    with connection:  # as an older seed had it: python in another area, and summed so
        connection.execute("UPDATE item SET area_id = (SELECT MIN(id) FROM area) "
                           "WHERE slug = 'python'")  # fmt: skip
        connection.execute("UPDATE study_week SET area_id = (SELECT MIN(id) FROM area)")
    connection.close()
    assert rows(seeded_db, WEEKS_SQL, "me") != before
    ok("seed")  # the shipped seed puts python back
    assert rows(seeded_db, WEEKS_SQL, "me") == before
    assert "every projection agrees with the journal" in ok("doctor").stdout


def test_migration_0012_fills_the_week_summary(seeded_db: Path, ok, rows) -> None:
    ok("log", "1h", "python", "--on", "-20d")
    ok("log", "30m", "--on", "-3d")
    before = rows(seeded_db, WEEKS_SQL, "me")
    assert len(before) == 2
    stats = ok("stats", "--json").stdout
    migrate_as_mltrack_does(seeded_db, "downgrade", "0008_day_summary")
    assert rows(seeded_db, "SELECT name FROM sqlite_master WHERE name = 'study_week'") == []
    migrate_as_mltrack_does(seeded_db, "upgrade", "head")
    assert rows(seeded_db, WEEKS_SQL, "me") == before
    assert ok("stats", "--json").stdout == stats


def test_log_list_shows_the_newest_sessions_and_counts_the_rest(db_url: str, ok, run) -> None:
    for day in range(1, 6):
        ok("log", f"{day}0m", "--on", f"-{day}d", "--note", f"day {day}")
    two = ok("log", "--list", "-n", "2").stdout.splitlines()
    assert two[1] == "  (3 older sessions left out; -n 0 lists them all)"
    assert [line.split()[-2:] for line in two[2:4]] == [["day", "2"], ["day", "1"]]
    assert "(5 sessions)" in " ".join(two)  # the totals count every session
    everything = ok("log", "--list", "-n", "0").stdout
    assert "left out" not in everything
    assert all(f"day {day}" in everything for day in range(1, 6))
    document = json.loads(ok("log", "--list", "-n", "1", "--json").stdout)
    assert [s["note"] for s in document["sessions"]] == ["day 1"]
    assert document["sessions_left_out"] == 4
    refused = run("log", "1h", "-n", "3")
    assert refused.exit_code == 2
    assert "-n goes with --list" in refused.stderr
