"""The benchmark's deep database (bench/build.py) keeps the product's rules.

Its journal is generated with executemany, not written by the services, so nothing else would
notice if the generator drifted from the schema or from ``core/journal.py``'s rules: these
tests build a small one and read it back through mltrack itself (doctor replays the journal
and compares every projection, progress, undo, the reads, export and import).
"""

import importlib.util
import json
import re
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from mltrack.queries import activity
from mltrack.queries.reader import SUBJECT_TIMELINE_SQL
from mltrack.services import journal

BUILD = Path(__file__).resolve().parent.parent / "bench" / "build.py"
EVENTS = 3_000
TARGETS = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "planned"}
# The generated entries: the services' own (own items, projects, goals and what they start)
# are plan, project or cert entries, or linked ones (a group).
GENERATED = "kind IN ('status', 'study', 'reading') AND group_id IS NULL"


def _bench_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_build", BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def _deep_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("deep") / "deep.db"
    _bench_build().build_deep(path, EVENTS, log=lambda _: None)
    return path


@pytest.fixture
def deep_db(_deep_template: Path, db_path: Path) -> Path:
    """A copy of the small deep database at ``db_path`` (MLTRACK_DB points at it)."""
    shutil.copyfile(_deep_template, db_path)
    return db_path


def _query(path: Path, sql: str, *params: object) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def _standing_statuses(path: Path) -> dict[str, tuple[str, str]]:
    """Per item slug, the newest status change that stands (not undone, not flagged):
    (status it leads to, its date)."""
    rows = _query(
        path,
        """SELECT e.subject, e.action, e.on_date FROM journal e
           WHERE e.kind = 'status' AND e.action <> 'undo' AND e.flag IS NULL
             AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = e.id
                             AND u.action = 'undo')
           ORDER BY e.on_date, e.recorded_at, e.id""",
    )
    return {slug: (TARGETS[action], on) for slug, action, on in rows}


def test_the_generator_writes_what_it_is_asked_for(deep_db: Path) -> None:
    counts = dict(
        _query(deep_db, f"SELECT kind, COUNT(*) FROM journal WHERE {GENERATED} GROUP BY kind")
    )
    assert sum(counts.values()) == EVENTS
    assert counts["status"] > counts["study"] > counts["reading"] > 0
    undos = _query(deep_db, f"SELECT COUNT(*) FROM journal WHERE {GENERATED} AND action = 'undo'")
    assert 0 < undos[0][0] < EVENTS // 10
    assert _query(deep_db, "SELECT COUNT(*) FROM learner") == [(1,)]
    assert _query(deep_db, "SELECT COUNT(*) FROM journal WHERE flag IS NOT NULL") == [(0,)]


def test_the_journal_is_in_order_and_each_undo_reverts_the_newest_change(deep_db: Path) -> None:
    """Ids, dates and times agree; an undo names its target's kind, subject and item, and
    its target is the newest change that stands, as ``mltrack undo`` picks it."""
    rows = _query(
        deep_db,
        f"""SELECT id, kind, action, subject, item_id, on_date, recorded_at, target_id, uid
            FROM journal WHERE {GENERATED} ORDER BY id""",
    )
    standing: list[tuple[int, str, str, int | None]] = []
    previous = ("", "")
    for entry_id, kind, action, subject, item, on, at, target, uid in rows:
        assert (on, at) > previous and at.startswith(on)
        previous = (on, at)
        if action == "undo":
            assert standing.pop() == (target, kind, subject, item)
        else:
            assert target is None and (kind == "status" or subject == uid)
            standing.append((entry_id, kind, subject, item))


def test_doctor_replays_the_journal_and_finds_nothing_wrong(deep_db: Path, ok) -> None:
    result = ok("doctor")
    assert "every projection agrees with the journal" in result.output
    assert "[fail]" not in result.output and "[warn]" not in result.output


def test_progress_json_agrees_with_the_journal(deep_db: Path, ok) -> None:
    shown = json.loads(ok("progress", "--json").stdout)
    last = _standing_statuses(deep_db)
    statuses = [status for status, _ in last.values()]
    overall = shown["overall"]["all"]
    # The figures count units before hiring: an alternative group once (done when a member is,
    # skipped when all are); the on-the-job duties apart.
    units: dict[object, list[str]] = {}
    for slug, group in _query(deep_db, "SELECT slug, group_id FROM item "
                                       "WHERE NOT retired AND NOT on_the_job"):  # fmt: skip
        units.setdefault(group or slug, []).append(last.get(slug, ("planned", None))[0])
    done = sum("done" in members for members in units.values())
    skipped = sum(set(members) == {"skipped"} for members in units.values())
    assert statuses.count("done") >= done
    assert overall["done"] == done
    assert overall["skipped"] == skipped
    assert overall["total"] == len(units)
    expected = {slug: on for slug, (status, on) in last.items() if status == "in_progress"}
    assert expected
    assert {row["slug"]: row["started_on"] for row in shown["in_progress"]} == expected


def test_undo_reverts_the_newest_generated_change(deep_db: Path, ok) -> None:
    """``mltrack undo`` takes the newest change that stands: the services' goals and projects
    (written after the history, one group each), then the generator's newest change, which
    leaves the projections."""
    standing = """action <> 'undo' AND NOT EXISTS
                  (SELECT 1 FROM journal u WHERE u.target_id = journal.id AND u.action = 'undo')"""
    newest, kind, subject = _query(
        deep_db,
        f"SELECT id, kind, subject FROM journal WHERE {GENERATED} AND {standing} "
        "ORDER BY id DESC LIMIT 1",
    )[0]
    groups = _query(
        deep_db,
        f"SELECT COUNT(DISTINCT COALESCE(group_id, id)) FROM journal WHERE id > ? AND {standing}",
        newest,
    )[0][0]
    assert groups  # the goals and projects
    before = _standing_statuses(deep_db)
    for _ in range(groups + 1):
        ok("undo")
    assert _query(deep_db, "SELECT 1 FROM journal WHERE target_id = ? AND action = 'undo'", newest)
    if kind == "status":
        after = _standing_statuses(deep_db)
        assert after != before
        status = _query(
            deep_db,
            "SELECT p.status FROM progress p JOIN item i ON i.id = p.item_id WHERE i.slug = ?",
            subject,
        )
        assert status == ([(after[subject][0],)] if subject in after else [])
    else:
        table = "study_session" if kind == "study" else "reading_entry"
        assert not _query(deep_db, f"SELECT 1 FROM {table} WHERE journal_id = ?", newest)
    assert "every projection agrees with the journal" in ok("doctor").output


def test_the_read_commands_run_on_it(deep_db: Path, ok) -> None:
    busiest = _query(
        deep_db,
        "SELECT subject FROM journal WHERE kind = 'status' "
        "GROUP BY subject ORDER BY COUNT(*) DESC LIMIT 1",
    )[0][0]
    assert busiest in ok("show", busiest).output
    for args in (("stats",), ("history",), ("next",), ("log", "--list"), ("read", "--list"),
                 ("cert", "list"), ("report", "--format", "html")):  # fmt: skip
        assert ok(*args).output


def test_an_export_of_it_imports_into_a_new_database(deep_db: Path, tmp_path: Path, ok) -> None:
    exported = tmp_path / "deep.json"
    ok("export", "-o", str(exported))
    other = tmp_path / "other.db"
    ok("--db", str(other), "import", str(exported))
    count = "SELECT COUNT(*) FROM journal"
    assert _query(other, count) == _query(deep_db, count)
    progress = (
        "SELECT i.slug, p.status, p.started_on FROM progress p JOIN item i ON i.id = p.item_id"
    )
    assert sorted(_query(other, progress)) == sorted(_query(deep_db, progress))
    assert "every projection agrees with the journal" in ok("--db", str(other), "doctor").output


@pytest.mark.parametrize(
    ("sql", "index"),
    [
        (SUBJECT_TIMELINE_SQL, "ix_journal_timeline"),
        (journal._GROUP_SQL, "ix_journal_group_id"),
        (activity.AMENDED_FINISHES_SQL, "ix_journal_learner_action"),
    ],
    ids=["subject timeline", "undo group", "amended finishes"],
)
def test_a_long_journal_is_reached_by_the_index_of_what_is_asked(
    deep_db: Path, sql: str, index: str
) -> None:
    """A subject's entries, an undo's group and the amended finishes come through their own
    index, not through ``(learner_id, id)``: that walks the learner's every entry, which on a
    journal of a million entries made each write take ~0.3 s and rebuilding the projections
    (doctor) take hours."""
    params = dict.fromkeys(re.findall(r"(?<![:\w]):([A-Za-z_]\w*)", sql), 1)
    connection = sqlite3.connect(deep_db)
    try:
        plan = " / ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
    finally:
        connection.close()
    assert index in plan and "ix_journal_learner_id" not in plan, plan
