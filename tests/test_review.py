"""Spaced review (issue 14, item 4): FSRS schedules, opt-in, the journal's review entries."""

import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import fsrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.core.vocabulary import ReviewRating
from mltrack.queries.reader import SqliteWriter
from mltrack.services import journal
from mltrack.services.review import rate, set_review
from mltrack.store.db import connect

TODAY = date.today()
FINISHED = TODAY - timedelta(days=200)


def _card(path: Path, subject: str) -> tuple | None:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT enabled, reviews, last_on, due_on, stability, difficulty, card "
            "FROM review_card WHERE subject = ?", (subject,),
        ).fetchone()  # fmt: skip


def _fsrs_direct(history: list[tuple[date, str]]) -> fsrs.Card:
    """The schedule as the fsrs package computes it, reviews at noon UTC, no fuzz, no
    same-day learning steps: what mltrack promises to match."""
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card = fsrs.Card(card_id=1)
    for day, grade in history:
        moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        card, _ = scheduler.review_card(card, fsrs.Rating[grade.capitalize()], moment)
    return card


def test_schedule_is_pinned_to_the_fsrs_package(seeded_db: Path, ok) -> None:
    ok("done", "python", "--on", FINISHED.isoformat())
    ok("review", "--enable", "python")
    grades = ((1, "good"), (4, "good"), (15, "hard"), (40, "again"), (42, "good"), (60, "easy"))
    history = [(FINISHED + timedelta(days=d), g) for d, g in grades]
    for day, grade in history:
        out = ok("review", "python", grade, "--on", day.isoformat()).output
    expected = _fsrs_direct(history)
    assert f"next review {expected.due.date().isoformat()}" in out
    enabled, reviews, last_on, due_on, stability, difficulty, card = _card(seeded_db, "python")
    assert (enabled, reviews, last_on) == (1, 6, history[-1][0].isoformat())
    assert due_on == expected.due.date().isoformat()
    assert abs(stability - expected.stability) < 1e-9
    assert abs(difficulty - expected.difficulty) < 1e-9
    assert json.loads(card)["stability"] == expected.stability
    # Figures fsrs 6.3 gives for this history (a change of the package's defaults shows here).
    assert (date.fromisoformat(due_on) - history[-1][0]).days == 28
    assert round(stability, 3) == 28.317 and round(difficulty, 3) == 7.645


def test_review_flow_through_the_cli(seeded_db: Path, ok, run) -> None:
    refused = run("review", "python", "good")
    assert refused.exit_code == 1 and "not done yet" in refused.stderr
    assert run("review", "--enable", "stanford-ml").exit_code == 2  # a certification
    assert run("review", "python").exit_code == 2  # no rating
    ok("done", "python", "--on", FINISHED.isoformat())
    assert "not on review" in run("review", "python", "good").stderr
    assert "Nothing is on review yet" in ok("review").output
    ok("review", "--enable", "programming-languages")  # the area python belongs to
    listing = ok("review").output
    assert "python" in listing and "first review" in listing
    early = run("review", "python", "good", "--on", (FINISHED - timedelta(days=1)).isoformat())
    assert early.exit_code == 1 and "cannot come before" in early.stderr
    ok("review", "python", "good", "--on", (TODAY - timedelta(days=1)).isoformat())
    document = json.loads(ok("review", "--json").output)
    assert document["due"] == [] and [i["slug"] for i in document["later"]] == ["python"]
    assert document["areas"] == ["programming-languages"]
    ok("review", "--disable", "python")  # the item's own setting wins over its area's
    assert json.loads(ok("review", "--json").output)["later"] == []
    history = ok("history", "--kind", "review", "--json").output
    assert [e["action"] for e in json.loads(history)["entries"]] == ["disable", "enable", "good"]
    ok("undo")  # the disable
    assert [i["slug"] for i in json.loads(ok("review", "--json").output)["later"]] == ["python"]
    ok("undo")  # the review
    assert _card(seeded_db, "python") is None
    assert [i["slug"] for i in json.loads(ok("review", "--json").output)["due"]] == ["python"]
    assert "already on" in run("review", "--enable", "programming-languages").stderr


def test_reviews_survive_export_import_and_repair(seeded_db: Path, ok, tmp_path: Path) -> None:
    ok("done", "python", "--on", FINISHED.isoformat())
    ok("review", "--enable", "programming-languages")
    ok("review", "python", "hard", "--on", (FINISHED + timedelta(days=3)).isoformat())
    ok("review", "python", "good", "--on", (FINISHED + timedelta(days=9)).isoformat())
    before = _card(seeded_db, "python")
    area = _card(seeded_db, "area:programming-languages")
    exported = tmp_path / "out.json"
    exported.write_text(ok("export").output)
    with sqlite3.connect(seeded_db) as db:
        db.execute("DELETE FROM review_card")
    ok("doctor", "--repair")
    assert _card(seeded_db, "python") == before
    fresh = tmp_path / "fresh.db"
    ok("--db", str(fresh), "import", str(exported))
    assert _card(fresh, "python") == before and _card(fresh, "area:programming-languages") == area


def test_listing_review_imports_no_fsrs(seeded_db: Path) -> None:
    probe = "import sys\nfrom mltrack.cli import main\ntry:\n    main()\nexcept SystemExit:\n" \
            "    pass\nprint('FSRS', 'fsrs' in sys.modules, file=sys.stderr)"  # fmt: skip
    for args in (["review"], ["done", "python"], ["progress"]):
        environment = {"MLTRACK_DB": str(seeded_db), "PATH": ""}
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, env=environment
        )
        assert "FSRS False" in done.stderr, (args, done.stderr)


_HISTORIES = st.lists(
    st.tuples(st.integers(0, 150), st.sampled_from(list(ReviewRating))), min_size=1, max_size=8
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=_HISTORIES, order=st.randoms(use_true_random=False))
def test_replay_gives_the_card_of_recording_one_by_one(
    seeded_db: Path, tmp_path_factory, history, order
) -> None:
    """Reviews recorded in any order (back-dated ones slot in), the card rebuilt by replay,
    and fsrs fed the reviews in date order: one and the same card."""
    path = tmp_path_factory.mktemp("replay") / "db.sqlite"
    shutil.copy(seeded_db, path)
    start = TODAY - timedelta(days=160)
    dated = [(start + timedelta(days=offset), rating) for offset, rating in history]
    shuffled = list(dated)
    order.shuffle(shuffled)
    store = SqliteWriter(connect(str(path)))
    with store.transaction():
        from mltrack.core.vocabulary import EventAction
        from mltrack.services.progress import change_status

        change_status(store, "me", "python", EventAction.DONE, TODAY, start)
        set_review(store, "me", "python", True, TODAY)
        for day, rating in shuffled:
            rate(store, "me", "python", rating, TODAY, day)
    recorded = _card(path, "python")
    with store.transaction():
        journal.rebuild(store, 1)
    store.connection.close()
    assert _card(path, "python") == recorded
    # Same-day reviews keep the order they were recorded in; fsrs sees them in that order.
    by_day = sorted(range(len(shuffled)), key=lambda n: shuffled[n][0])
    expected = _fsrs_direct([(shuffled[n][0], shuffled[n][1].value) for n in by_day])
    assert recorded[3] == expected.due.date().isoformat()
    assert abs(recorded[4] - expected.stability) < 1e-9
