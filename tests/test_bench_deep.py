"""The benchmark's deep database (bench/build.py) keeps the product's rules.

Its history is generated with executemany, not written by the services, so nothing else would
notice if the generator drifted from the schema or from what the services write: these tests
build a small one and read it back through mltrack itself.
"""

import importlib.util
import json
import shutil
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from mltrack.services.progress import SNAPSHOT_FIELDS

BUILD = Path(__file__).resolve().parent.parent / "bench" / "build.py"
EVENTS = 2_000


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


def _learner_id(path: Path) -> int:
    return _query(path, "SELECT id FROM learner WHERE name = 'me'")[0][0]


def _effective_events(path: Path) -> dict[int, tuple[str, str, str]]:
    """Per item, the newest change not undone: (slug, to_status, on_date)."""
    rows = _query(
        path,
        """SELECT e.item_id, i.slug, e.to_status, e.on_date FROM progress_event e
           JOIN item i ON i.id = e.item_id
           WHERE e.learner_id = ? AND e.action <> 'undo'
             AND NOT EXISTS (SELECT 1 FROM progress_event u WHERE u.undoes_id = e.id)
           ORDER BY e.id""",
        _learner_id(path),
    )
    return {item: (slug, status, on) for item, slug, status, on in rows}


def test_the_generator_writes_what_it_is_asked_for(deep_db: Path) -> None:
    counts = {
        table: _query(deep_db, f"SELECT COUNT(*) FROM {table}")[0][0]
        for table in ("progress_event", "study_session", "reading_entry", "learner")
    }
    assert counts == {
        "progress_event": EVENTS,
        "study_session": EVENTS // 5,
        "reading_entry": EVENTS // 20,
        "learner": 1,
    }
    undos = _query(deep_db, "SELECT COUNT(*) FROM progress_event WHERE action = 'undo'")[0][0]
    assert 0 < undos < EVENTS // 10


def test_doctor_finds_nothing_wrong(deep_db: Path, ok) -> None:
    result = ok("doctor")
    assert "no problems found" in result.output
    assert "[fail]" not in result.output and "[warn]" not in result.output


def test_progress_json_agrees_with_the_last_events(deep_db: Path, ok) -> None:
    shown = json.loads(ok("progress", "--json").stdout)
    last = _effective_events(deep_db)
    statuses = [status for _, status, _ in last.values()]
    overall = shown["overall"]["all"]
    # The figures count units before hiring: an alternative group once (done when a member is,
    # skipped when all are); the on-the-job duties apart.
    units: dict[object, list[str]] = {}
    slugs = {slug: status for slug, status, _ in last.values()}
    for slug, group in _query(deep_db, "SELECT slug, group_id FROM item "
                                       "WHERE NOT retired AND NOT on_the_job"):  # fmt: skip
        units.setdefault(group or slug, []).append(slugs.get(slug, "planned"))
    done = sum("done" in members for members in units.values())
    skipped = sum(set(members) == {"skipped"} for members in units.values())
    assert statuses.count("done") >= done
    assert overall["done"] == done
    assert overall["skipped"] == skipped
    assert overall["total"] == len(units)
    expected = {slug: on for slug, status, on in last.values() if status == "in_progress"}
    assert expected
    assert {row["slug"]: row["started_on"] for row in shown["in_progress"]} == expected


def test_each_progress_row_is_what_its_last_event_left(deep_db: Path) -> None:
    sql = "SELECT item_id, status FROM progress WHERE learner_id = ?"
    rows = dict(_query(deep_db, sql, _learner_id(deep_db)))
    last = _effective_events(deep_db)
    assert {item: status for item, (_, status, _) in last.items()} == rows


def test_the_journal_replays_as_the_services_wrote_it(deep_db: Path) -> None:
    """Each event starts where the item's previous one left it, ``prior`` is the row before
    it as services/progress.py snapshots it, an undo reverts the newest open change, and
    dates and times never go back."""
    events = _query(
        deep_db,
        """SELECT id, item_id, action, from_status, to_status, on_date, occurred_at, prior,
                  undoes_id FROM progress_event ORDER BY id""",
    )
    targets = {"start": "in_progress", "done": "done", "skip": "skipped", "reset": "planned"}
    rows: dict[int, dict[str, str | None]] = {}  # item -> its progress row as snapshotted
    open_changes: list[tuple[int, int, str | None]] = []  # (event id, item, prior)
    previous = ("", "")
    for event_id, item, action, before, after, on, at, prior, undoes in events:
        assert (on, at) >= previous and at.startswith(on)
        previous = (on, at)
        row = rows.get(item)
        assert before == (row["status"] if row else "planned")
        assert prior == (json.dumps(row) if row else None)
        assert prior is None or tuple(json.loads(prior)) == SNAPSHOT_FIELDS
        if action == "undo":
            undone, undone_item, undone_prior = open_changes.pop()
            assert (undoes, item) == (undone, undone_item)
            restored = json.loads(undone_prior) if undone_prior else None
            assert after == (restored["status"] if restored else "planned")
            if restored is None:
                rows.pop(item)
            else:
                rows[item] = restored
            continue
        assert undoes is None and targets[action] == after
        open_changes.append((event_id, item, prior))
        started = row["started_on"] if row else None
        rows[item] = {
            "status": after,
            "started_on": None if after == "planned" else on if after == "in_progress"
            else started or on if after == "done" else started,
            "finished_on": on if after == "done" else None,
            "note": None,
            "evidence_url": None,
        }  # fmt: skip
    stored = _query(
        deep_db, "SELECT item_id, status, started_on, finished_on FROM progress ORDER BY item_id"
    )
    assert stored == [
        (item, row["status"], row["started_on"], row["finished_on"])
        for item, row in sorted(rows.items())
    ]


def test_the_read_commands_run_on_it(deep_db: Path, ok) -> None:
    busiest = _query(
        deep_db,
        "SELECT i.slug FROM progress_event e JOIN item i ON i.id = e.item_id "
        "GROUP BY i.slug ORDER BY COUNT(*) DESC LIMIT 1",
    )[0][0]
    assert busiest in ok("show", busiest).output
    for args in (("stats",), ("history",), ("next",), ("log", "--list"), ("cert", "list"),
                 ("report", "--format", "html")):  # fmt: skip
        assert ok(*args).output


def test_undo_reverts_its_newest_change(deep_db: Path, ok) -> None:
    """``mltrack undo`` takes the newest entry of the journals, generated or not: each undo
    here reverts the certification goals the services set while building (they are dated
    today), then the newest generated change, whose item goes back to where it started."""
    goals = _query(deep_db, "SELECT COUNT(*) FROM cert_event")[0][0]
    event_id, slug, before, at = _query(
        deep_db,
        """SELECT e.id, i.slug, e.from_status, e.occurred_at FROM progress_event e
           JOIN item i ON i.id = e.item_id
           WHERE e.action <> 'undo'
             AND NOT EXISTS (SELECT 1 FROM progress_event u WHERE u.undoes_id = e.id)
           ORDER BY e.id DESC LIMIT 1""",
    )[0]
    # Study sessions and reading entries logged after that change go first (how many depends on
    # the random draw: the generator's last event may itself be an undo).
    newer = _query(
        deep_db,
        "SELECT COUNT(*) FROM (SELECT created_at FROM study_session "
        "UNION ALL SELECT created_at FROM reading_entry) WHERE created_at > ?",
        at,
    )[0][0]
    assert goals
    for _ in range(goals + newer + 1):
        ok("undo")
    assert _query(deep_db, "SELECT COUNT(*) FROM cert_undo")[0][0] == goals
    assert _query(deep_db, "SELECT 1 FROM progress_event WHERE undoes_id = ?", event_id)
    status = _query(
        deep_db,
        """SELECT COALESCE(p.status, 'planned') FROM item i
           LEFT JOIN progress p ON p.item_id = i.id WHERE i.slug = ?""",
        slug,
    )
    assert status == [(before,)]
    assert "no problems found" in ok("doctor").output


def test_an_export_of_it_imports_into_a_new_database(deep_db: Path, tmp_path: Path, ok) -> None:
    exported = tmp_path / "deep.json"
    ok("export", "-o", str(exported))
    other = tmp_path / "other.db"
    ok("--db", str(other), "import", str(exported))
    assert _query(other, "SELECT COUNT(*) FROM progress_event")[0][0] == EVENTS
