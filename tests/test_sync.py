"""push / pull: one learner's journal between a laptop (SQLite) and a server (PostgreSQL, or a
second SQLite file), idempotent, order-independent, conflicts kept as superseded entries."""

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.postgres import query


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, seeded_db: Path, tmp_path: Path) -> Iterator[str]:
    """The other side: a PostgreSQL database, or a second seeded SQLite file."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_url")
        return
    other = tmp_path / "server.db"
    shutil.copyfile(seeded_db, other)
    yield str(other)


def journal_of(db: str) -> list[tuple]:
    """Every entry's uid and superseded mark: what both sides must agree on."""
    return [tuple(row) for row in query(db, "SELECT uid, superseded_by FROM journal ORDER BY uid")]


def counts(result) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    found = json.loads(result.stdout)
    return found["sent"], found["received"], found["superseded"]


@pytest.mark.parametrize("push_first", [True, False])
def test_interleaved_edits_end_the_same_on_both_sides(
    server: str, seeded_db: Path, ok, push_first: bool
) -> None:
    laptop = str(seeded_db)

    def sync() -> None:
        steps = (["push", server], ["pull", server])
        for step in steps if push_first else steps[::-1]:
            ok("--db", laptop, *step)

    ok("--db", laptop, "done", "python", "--on", "2026-01-05", "--note", "laptop")
    ok("--db", server, "start", "deep-learning", "--on", "2026-01-06")
    sync()
    ok("--db", laptop, "log", "90m", "deep-learning", "--on", "2026-01-07")
    ok("--db", server, "done", "probability", "--on", "2026-01-07")
    ok("--db", laptop, "skip", "mooc-edx", "--on", "2026-01-08")
    ok("--db", server, "log", "30m", "--on", "2026-01-08")
    ok("--db", laptop, "undo")  # the skip, undone before it ever left the laptop
    ok("--db", server, "done", "deep-learning", "--on", "2026-01-09")
    sync()
    made = journal_of(laptop)
    assert made == journal_of(server)
    assert len(made) == 8 and all(mark is None for _, mark in made)  # nothing lost
    views = (["progress", "--json"], ["history"], ["stats", "--json"], ["log", "--list"])
    for view in views:  # the same, but for each database's own #ids and order within a day
        mine, theirs = (sorted(re.sub(r"#\d+", "#", ok("--db", db, *view).stdout).splitlines())
                        for db in (laptop, server))  # fmt: skip
        assert mine == theirs, view
    progress = json.loads(ok("--db", laptop, "progress", "--json").stdout)
    assert progress["overall"]["required"]["done"] == 3  # python, probability, deep-learning
    # Idempotent: a second round sends and receives nothing, and changes nothing.
    assert counts(ok("--db", laptop, "push", server, "--json")) == (0, 0, 0)
    assert counts(ok("--db", laptop, "pull", server, "--json")) == (0, 0, 0)
    assert journal_of(laptop) == journal_of(server) == made


def test_a_conflict_keeps_the_loser_as_superseded(server: str, seeded_db: Path, ok) -> None:
    """Both sides finished python, on different days: the later date wins, the earlier is
    kept, marked superseded, shown in history; both sides agree whichever syncs first."""
    laptop = str(seeded_db)
    ok("--db", laptop, "done", "python", "--on", "2026-01-05")
    ok("--db", server, "done", "python", "--on", "2026-01-12")
    pushed = ok("--db", laptop, "push", server)
    assert pushed.stdout.strip() == (f"pushed me to {server}: sent 1, received 0, superseded 1")
    assert counts(ok("--db", laptop, "pull", server, "--json")) == (0, 1, 1)
    winner = query(server, "SELECT uid FROM journal WHERE on_date = '2026-01-12'")[0][0]
    assert query(laptop, "SELECT on_date, superseded_by FROM journal ORDER BY on_date") == [
        ("2026-01-05", winner),
        ("2026-01-12", None),
    ]
    assert journal_of(laptop) == journal_of(server)
    for db in (laptop, server):
        history = ok("--db", db, "history").stdout
        assert "2026-01-05" in history and "superseded by" in history
        progress = ok("--db", db, "progress", "--json").stdout
        assert progress == ok("--db", laptop, "progress", "--json").stdout
    # The later done stands on both: python finished on the 12th.
    assert query(laptop, "SELECT finished_on FROM progress p JOIN item i ON i.id = p.item_id "
                         "WHERE i.slug = 'python'") == [("2026-01-12",)]  # fmt: skip


def test_dry_run_changes_nothing(server: str, seeded_db: Path, ok) -> None:
    laptop = str(seeded_db)
    ok("--db", laptop, "done", "python", "--on", "2026-01-05")
    before = journal_of(server)
    result = ok("--db", laptop, "push", server, "--dry-run")
    assert result.stdout.startswith("dry run: would have pushed me to")
    assert "sent 1," in result.stdout
    assert journal_of(server) == before
    assert counts(ok("--db", laptop, "push", server, "--json")) == (1, 0, 0)


def test_a_target_without_the_learner_is_refused(server: str, seeded_db: Path, ok, run) -> None:
    laptop = str(seeded_db)
    ok("--db", laptop, "learner", "add", "alex")
    ok("--db", laptop, "-L", "alex", "done", "python")
    before = journal_of(server)
    result = run("--db", laptop, "-L", "alex", "push", server)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "mltrack cohort add-learner alex" in result.stderr
    assert journal_of(server) == before


def test_a_missing_file_or_the_same_database_is_a_usage_error(seeded_db: Path, run, tmp_path):  # type: ignore[no-untyped-def]
    for target in (str(tmp_path / "nowhere.db"), str(seeded_db)):
        result = run("--db", str(seeded_db), "push", target)
        assert result.exit_code == 2 and result.stderr.count("\n") == 1, result.output


# Random interleavings on two SQLite files --------------------------------------------------

_ITEMS = ("python", "probability", "deep-learning")
_EDIT = st.tuples(
    st.sampled_from(["laptop", "server"]),
    st.sampled_from(["start", "done", "reset", "skip", "undo", "push", "pull"]),
    st.sampled_from(_ITEMS),
    st.integers(1, 9),
)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(edits=st.lists(_EDIT, min_size=1, max_size=7), push_first=st.booleans())
def test_any_interleaving_converges(
    edits: list[tuple[str, str, str, int]], push_first: bool, run, _seeded_template: Path
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        dbs = {side: str(Path(folder) / f"{side}.db") for side in ("laptop", "server")}
        for path in dbs.values():
            shutil.copyfile(_seeded_template, path)
        for side, action, item, day in edits:
            if action in ("push", "pull"):
                assert run("--db", dbs["laptop"], action, dbs["server"]).exit_code == 0
            elif action == "undo":
                run("--db", dbs[side], "undo")  # may have nothing to undo
            else:
                run("--db", dbs[side], action, item, "--on", f"2026-02-0{day}")  # may refuse
        made = {uid for db in dbs.values() for uid, _ in journal_of(db)}
        steps = ("push", "pull") if push_first else ("pull", "push")
        for step in steps:
            assert run("--db", dbs["laptop"], step, dbs["server"]).exit_code == 0
        laptop, server = journal_of(dbs["laptop"]), journal_of(dbs["server"])
        assert laptop == server
        assert {uid for uid, _ in laptop} == made  # nothing lost
        views = [run("--db", db, "progress", "--json").stdout for db in dbs.values()]
        assert views[0] == views[1]
        for step in ("push", "pull"):
            again = json.loads(run("--db", dbs["laptop"], step, dbs["server"], "--json").stdout)
            assert (again["sent"], again["received"], again["superseded"]) == (0, 0, 0)


def test_an_interrupted_push_leaves_nothing_and_a_second_run_completes_it(
    seeded_db: Path, tmp_path: Path, ok, run
) -> None:
    """The receiving side takes a sync in one transaction: stopped half-way (here by the
    server refusing the second entry), nothing arrived; run again, everything does."""
    import sqlite3

    laptop, server = str(seeded_db), str(tmp_path / "server.db")
    shutil.copyfile(seeded_db, server)
    ok("--db", laptop, "start", "python", "--on", "2026-01-05")
    ok("--db", laptop, "done", "python", "--on", "2026-01-06")
    second = query(laptop, "SELECT uid FROM journal ORDER BY id")[1][0]
    with sqlite3.connect(server) as connection:
        connection.execute(
            f"CREATE TRIGGER stop BEFORE INSERT ON journal WHEN NEW.uid = '{second}' "
            "BEGIN SELECT RAISE(ABORT, 'connection lost'); END"
        )
    stopped = run("--db", laptop, "push", server)
    assert stopped.exit_code == 1 and "connection lost" in stopped.stderr
    assert journal_of(server) == []
    with sqlite3.connect(server) as connection:
        connection.execute("DROP TRIGGER stop")
    assert counts(ok("--db", laptop, "push", server, "--json")) == (2, 0, 0)
    assert journal_of(server) == journal_of(laptop)
