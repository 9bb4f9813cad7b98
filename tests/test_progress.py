"""The progress write side (services) and read side (queries) against a real database."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from mltrack.core.errors import MltrackError, NotFoundError
from mltrack.core.vocabulary import EventAction, ItemStatus
from mltrack.queries.lookup import learner_id
from mltrack.queries.pathway import item_detail, pathway_items
from mltrack.queries.progress import progress_report
from mltrack.queries.reader import SqlAlchemyReader, SqliteReader
from mltrack.services.learners import add_learner
from mltrack.services.progress import change_status
from mltrack.services.undo import undo_last
from mltrack.store.db import connect
from mltrack.store.orm import make_engine
from tests.conftest import writing

TODAY = date.today()


def mark(path: Path, item: str, action: EventAction, learner: str = "me", **kwargs):
    with writing(path) as store:
        return change_status(store, learner, item, action, TODAY, **kwargs)


def undo(path: Path, learner: str = "me"):
    with writing(path) as store:
        return undo_last(store, learner, TODAY)


def report(path: Path, learner: str = "me"):
    reader = SqliteReader(connect(path))
    return progress_report(reader, learner, learner_id(reader, learner))


@pytest.fixture
def with_decoy(seeded_db: Path) -> Path:
    """A second learner whose progress must never leak into "me"'s figures."""
    with writing(seeded_db) as store:
        add_learner(store, "decoy")
    for item in ("python", "programming", "probability", "mooc-edx"):
        mark(seeded_db, item, EventAction.DONE, learner="decoy")
    return seeded_db


def test_fresh_report_is_zero_with_every_step_and_area(seeded_db: Path) -> None:
    result = report(seeded_db)
    assert result.overall.required_done == 0
    assert result.overall.percent == 0.0
    assert [g.slug for g in result.by_step] == [
        "bachelors", "ml-training", "ml-experience", "continuing-education",
    ]  # fmt: skip
    assert len(result.by_area) == 7


def test_done_moves_the_figures_by_the_items_weight(with_decoy: Path, rows) -> None:
    required, hours = rows(
        with_decoy,
        # Before hiring; the two alternative groups count once each (their estimates: none
        # for the entry routes; Python's 60 h when done, R's smaller 40 h while neither is).
        "SELECT SUM(CASE WHEN required THEN 1 ELSE 0 END) - 2, "
        "SUM(CASE WHEN required AND group_id IS NULL THEN COALESCE(hours_estimate, 0) ELSE 0 END)"
        " + 60 FROM item WHERE NOT on_the_job",
    )[0]
    mark(with_decoy, "python", EventAction.DONE)
    mark(with_decoy, "mooc-edx", EventAction.DONE)  # optional: counted apart
    result = report(with_decoy)
    assert result.overall.required_done == 1
    assert result.overall.required_total == required
    assert result.overall.percent == round(100 / required, 1)
    assert result.overall.hours_done == 60
    assert result.overall.hours_total == hours
    assert result.overall.optional_done == 1
    languages = next(a for a in result.by_area if a.slug == "programming-languages")
    # Python or R: one required unit, done with Python; no optional language any more.
    assert (languages.completion.required_done, languages.completion.optional_done) == (1, 0)


def test_skipped_items_leave_the_denominator(seeded_db: Path) -> None:
    before = report(seeded_db).overall
    mark(seeded_db, "computer-architecture", EventAction.SKIP)  # 40 estimated hours
    after = report(seeded_db).overall
    assert after.required_counted == before.required_counted - 1
    assert after.required_total == before.required_total
    assert after.hours_total == before.hours_total - 40
    area = next(a for a in report(seeded_db).by_area if a.slug == "systems-architecture")
    assert area.completion.percent is None  # nothing required left in it


def test_in_progress_items_are_listed(with_decoy: Path) -> None:
    mark(with_decoy, "deep-learning", EventAction.START, on=TODAY - timedelta(days=3))
    [active] = report(with_decoy).in_progress
    assert (active.slug, active.started_on) == ("deep-learning", str(TODAY - timedelta(days=3)))


def test_illegal_moves_are_refused(seeded_db: Path) -> None:
    mark(seeded_db, "python", EventAction.START, on=TODAY - timedelta(days=2))
    with pytest.raises(MltrackError, match="already in progress"):
        mark(seeded_db, "python", EventAction.START)
    with pytest.raises(MltrackError, match=r"would make the later start of python .* invalid"):
        mark(seeded_db, "python", EventAction.DONE, on=TODAY - timedelta(days=5))
    with pytest.raises(MltrackError, match="in the future"):
        mark(seeded_db, "python", EventAction.DONE, on=TODAY + timedelta(days=1))
    with pytest.raises(MltrackError, match="already planned"):
        mark(seeded_db, "bias", EventAction.RESET)


def test_unknown_and_ambiguous_items_name_the_closest_matches(seeded_db: Path) -> None:
    with pytest.raises(NotFoundError) as unknown:
        mark(seeded_db, "pyhton", EventAction.DONE)
    assert "python" in unknown.value.suggestions
    with pytest.raises(NotFoundError, match="is ambiguous") as ambiguous:
        mark(seeded_db, "mooc", EventAction.DONE)
    assert ambiguous.value.suggestions == ["mooc-coursera", "mooc-edx", "mooc-udacity"]


def test_items_resolve_by_prefix_and_title_words(seeded_db: Path) -> None:
    assert mark(seeded_db, "udacity-ml", EventAction.DONE).slug == "udacity-ml-engineer-nanodegree"
    assert mark(seeded_db, "fourier", EventAction.DONE).slug == "fourier-transforms"
    with pytest.raises(MltrackError, match="jhu-data-science is a certification"):
        mark(seeded_db, "Johns Hopkins", EventAction.DONE)
    with pytest.raises(MltrackError, match="stanford-ml is a certification: record it with"):
        mark(seeded_db, "stanford", EventAction.DONE)  # the goal records it: cert pass


def test_every_change_is_journaled_and_undo_walks_back(seeded_db: Path, rows) -> None:
    mark(seeded_db, "python", EventAction.START, on=TODAY - timedelta(days=4), note="first go")
    mark(
        seeded_db,
        "python",
        EventAction.DONE,
        on=TODAY - timedelta(days=1),
        evidence_url="https://x.test/1",
    )
    mark(seeded_db, "bias", EventAction.SKIP)
    [undone] = undo(seeded_db)
    assert undone.slug == "bias"
    [undone] = undo(seeded_db)
    assert (undone.from_status, undone.to_status) == (ItemStatus.DONE, ItemStatus.IN_PROGRESS)
    state = rows(
        seeded_db,
        "SELECT p.status, p.started_on, p.finished_on, p.note, p.evidence_url FROM progress p "
        "JOIN item i ON i.id = p.item_id WHERE i.slug = 'python'",
    )
    assert state == [("in_progress", str(TODAY - timedelta(days=4)), None, "first go", None)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM progress WHERE item_id = "
                           "(SELECT id FROM item WHERE slug = 'bias')") == [(0,)]  # fmt: skip
    journal = rows(seeded_db, "SELECT action, target_id FROM journal ORDER BY id")
    assert journal == [("start", None), ("done", None), ("skip", None), ("undo", 3), ("undo", 2)]
    undo(seeded_db)
    with pytest.raises(MltrackError, match="nothing to undo"):
        undo(seeded_db)


def test_undo_puts_back_the_state_the_timeline_had(seeded_db: Path, rows) -> None:
    """The projection after an undo is the replay of what stands: no row once nothing does."""
    mark(seeded_db, "python", EventAction.START, on=TODAY - timedelta(days=2))
    mark(seeded_db, "python", EventAction.DONE, on=TODAY, note="finished")
    [first] = undo(seeded_db)
    assert (first.from_status, first.to_status) == ("done", "in_progress")
    [second] = undo(seeded_db)
    assert (second.from_status, second.to_status) == ("in_progress", "planned")
    assert rows(seeded_db, "SELECT COUNT(*) FROM progress") == [(0,)]
    stored = rows(seeded_db, "SELECT data FROM journal WHERE action = 'done'")
    assert json.loads(stored[0][0]) == {"note": "finished"}  # the journal keeps what was said


def test_failed_command_changes_nothing(seeded_db: Path, rows) -> None:
    with pytest.raises(RuntimeError), writing(seeded_db) as store:
        change_status(store, "me", "python", EventAction.DONE, TODAY)
        raise RuntimeError("interrupted mid-command")
    assert rows(seeded_db, "SELECT COUNT(*) FROM progress") == [(0,)]
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == [(0,)]


def test_pathway_filters_and_item_detail(with_decoy: Path) -> None:
    mark(with_decoy, "bias", EventAction.START)
    reader = SqliteReader(connect(with_decoy))
    me = learner_id(reader, "me")
    statistics = pathway_items(reader, me, area="statistics")
    assert [i.slug for i in statistics] == [
        "random-variables",
        "probability",
        "estimation",
        "variance",
        "bias",
    ]
    assert [i.slug for i in pathway_items(reader, me, status="in_progress")] == ["bias"]
    assert {i.kind for i in pathway_items(reader, me, kind="certification")} == {"certification"}
    detail = item_detail(reader, me, "deep-learning")
    assert detail is not None
    assert {p.slug for p in detail.prerequisites} == {"programming", "statistical-learning"}
    assert {p.status for p in detail.prerequisites} == {"planned"}  # the decoy's "done" stays hers
    assert item_detail(reader, me, "bias").history[0].action == "start"


def test_the_same_sql_runs_through_sqlalchemy_text(with_decoy: Path) -> None:
    mark(with_decoy, "python", EventAction.DONE)
    engine = make_engine(with_decoy)
    with engine.connect() as connection:
        through_sqlalchemy = progress_report(SqlAlchemyReader(connection), "me", 1)
    engine.dispose()
    assert through_sqlalchemy == report(with_decoy)


def test_unknown_learner_names_the_known_ones(with_decoy: Path) -> None:
    with pytest.raises(NotFoundError, match="did you mean: decoy"):
        report(with_decoy, "decoi")
