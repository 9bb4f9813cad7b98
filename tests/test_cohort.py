"""A cohort on PostgreSQL: row-level security proved at the server, as each role connects."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import query


def _as(url: str, role: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=role).render_as_string(False)


@contextmanager
def connected(url: str, role: str) -> Iterator[Any]:
    """A plain psycopg connection as ``role``, autocommitting: each statement stands alone."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.query["host"], port=parsed.query["port"], user=role,
        dbname=parsed.database, autocommit=True,
    ) as connection:  # fmt: skip
        yield connection


@pytest.fixture
def cohort(pg_url: str, ok) -> dict[str, Any]:
    """Two learners with data and a mentor; role names unique, as roles are the server's."""
    tag = uuid.uuid4().hex[:8]
    names = {"a": f"ann_{tag}", "b": f"ben_{tag}", "mentor": f"sam_{tag}"}
    ok("--db", pg_url, "cohort", "init")
    ok("--db", pg_url, "cohort", "add-learner", names["a"])
    ok("--db", pg_url, "cohort", "add-learner", names["b"])
    ok("--db", pg_url, "cohort", "add-mentor", names["mentor"])
    ok("--db", _as(pg_url, names["a"]), "-L", names["a"], "done", "python")
    ok("--db", _as(pg_url, names["b"]), "-L", names["b"], "start", "deep-learning")
    ok("--db", _as(pg_url, names["b"]), "-L", names["b"], "log", "1h", "deep-learning")
    ids = dict(query(pg_url, "SELECT name, id FROM learner"))
    return {"url": pg_url, **names, "a_id": ids[names["a"]], "b_id": ids[names["b"]]}


def test_a_learner_reads_and_writes_only_its_own_rows(cohort: dict[str, Any]) -> None:
    import psycopg

    url, a_id, b_id = cohort["url"], cohort["a_id"], cohort["b_id"]
    owner_before = query(url, "SELECT COUNT(*) FROM journal WHERE learner_id = :b", b=b_id)
    assert owner_before == [(2,)]
    with connected(url, cohort["a"]) as a:
        for table in (
            "journal",
            "progress",
            "learner_day",
            "study_session",
            "study_week",
            "review_card",
            "item_note",
        ):
            seen = a.execute(f"SELECT DISTINCT learner_id FROM {table}").fetchall()
            assert seen in ([(a_id,)], []), table
        assert a.execute("SELECT name FROM learner").fetchall() == [(cohort["a"],)]
        assert a.execute("SELECT COUNT(*) FROM item WHERE learner_id IS NULL").fetchone()[0] > 0
        # Writing B's rows: an insert is refused, updates and deletes find nothing.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            a.execute(
                "INSERT INTO journal (uid, learner_id, kind, action, subject, on_date, "
                "recorded_at, data) VALUES (%s, %s, 'status', 'done', 'x', '2026-01-01', "
                "'2026-01-01T00:00:00+00:00', '{}')",
                (str(uuid.uuid4()), b_id),
            )
        for sql in (
            f"UPDATE progress SET note = 'mine now' WHERE learner_id = {b_id}",
            f"DELETE FROM journal WHERE learner_id = {b_id}",
            f"UPDATE learner SET target_date = '2030-01-01' WHERE id = {b_id}",
            f"UPDATE learner SET pathway_id = NULL WHERE id = {b_id}",
            f"DELETE FROM study_week WHERE learner_id = {b_id}",
            "UPDATE item SET title = 'hacked' WHERE learner_id IS NULL",  # the shipped pathway
        ):
            assert a.execute(sql).rowcount == 0, sql
        # Moving its own row over to B is refused too.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            a.execute(f"UPDATE progress SET learner_id = {b_id} WHERE learner_id = {a_id}")
    assert query(url, "SELECT COUNT(*) FROM journal WHERE learner_id = :b", b=b_id) == [(2,)]
    assert query(url, "SELECT note FROM progress WHERE learner_id = :b", b=b_id) == [(None,)]
    assert query(url, "SELECT COUNT(*) FROM item WHERE title = 'hacked'") == [(0,)]
    assert query(url, "SELECT minutes FROM study_week WHERE learner_id = :b", b=b_id) == [(60,)]


def test_a_mentor_reads_every_learner_and_writes_nothing(cohort: dict[str, Any]) -> None:
    import psycopg

    url = cohort["url"]
    with connected(url, cohort["mentor"]) as mentor:
        learners = {row[0] for row in mentor.execute("SELECT learner_id FROM journal")}
        assert {cohort["a_id"], cohort["b_id"]} <= learners
        for sql in (
            f"UPDATE progress SET note = 'x' WHERE learner_id = {cohort['a_id']}",
            f"DELETE FROM journal WHERE learner_id = {cohort['b_id']}",
            "UPDATE item SET title = 'x'",
            f"SELECT id FROM learner WHERE id = {cohort['a_id']} FOR UPDATE",  # a write's lock
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                mentor.execute(sql)


def test_through_the_cli_a_learner_cannot_act_for_another(cohort: dict[str, Any], run) -> None:
    url, a, b = cohort["url"], cohort["a"], cohort["b"]
    before = query(url, "SELECT COUNT(*) FROM journal")
    result = run("--db", _as(url, a), "-L", b, "done", "probability")
    assert result.exit_code == 2 and f"learner {b!r} not found" in result.stderr
    result = run("--db", _as(url, cohort["mentor"]), "-L", a, "done", "probability")
    assert result.exit_code == 1 and "Error: permission denied: your database role" in result.stderr
    assert "Traceback" not in result.output
    assert query(url, "SELECT COUNT(*) FROM journal") == before
    own = run("--db", _as(url, a), "-L", a, "undo")
    assert own.exit_code == 0, own.output


def test_every_table_with_learner_data_is_under_row_level_security(pg_url: str) -> None:
    unsecured = query(pg_url, """
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity
          AND EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_name = c.relname
                      AND k.column_name IN ('learner_id', 'project_id'))
        ORDER BY c.relname""")  # fmt: skip
    assert unsecured == []


def test_a_cohort_needs_postgresql(seeded_db: Path, run) -> None:
    result = run("cohort", "init")
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("a cohort lives on PostgreSQL: pass --db "
                                          "postgresql+psycopg://OWNER@HOST/DATABASE")  # fmt: skip


def test_cohort_report_and_ready_on_both_engines(db_url: str, ok) -> None:
    """The mentor views read the per-learner queries; on a file they show its learners."""
    import json
    from datetime import date, timedelta

    ok("learner", "add", "alex")
    ok("done", "programming", "--on", "2026-01-05")
    ok("skip", "statistical-learning", "--on", "2026-01-06")
    ok("-L", "alex", "done", "python", "--on", "2026-01-07")
    soon = (date.today() + timedelta(days=10)).isoformat()
    ok("-L", "alex", "cert", "goal", "stanford-ml", "--by", soon)
    document = json.loads(ok("cohort", "report", "--json").stdout)
    assert document["schema"] == "mltrack.cohort/1"
    assert [s["slug"] for s in document["steps"]][:2] == ["bachelors", "ml-training"]
    alex, me = document["learners"]
    assert (alex["name"], me["name"]) == ("alex", "me")
    assert me["steps"]["ml-training"]["done"] == 1
    assert alex["overall"]["done"] == 1
    assert alex["last_activity"] == date.today().isoformat()  # the goal, recorded today
    assert me["last_activity"] == "2026-01-06"
    assert alex["certifications_due"] == [
        {"slug": "stanford-ml", "what": "target", "on": soon, "days_left": 10}
    ]
    markdown = ok("cohort", "report").stdout
    assert "| alex | 4.3% (1/23) | 0/1 | 1/17 |" in markdown
    csv_text = ok("cohort", "report", "--format", "csv").stdout
    assert "me,ml-training,1,16,6.3,2026-01-06," in csv_text.splitlines()  # a skip leaves
    ready = ok("cohort", "ready", "deep").stdout.splitlines()
    assert ready == [
        "Deep learning [deep-learning]: 1 of 2 learners ready",
        "  alex  planned; waits for programming, statistical-learning",
        "  me  planned; ready",
    ]
    found = json.loads(ok("cohort", "ready", "deep-learning", "--json").stdout)
    assert [(r["name"], r["ready"]) for r in found["learners"]] == [("alex", False), ("me", True)]


def test_under_row_level_security_a_learner_reports_only_itself(cohort: dict[str, Any], ok) -> None:
    import json

    url = cohort["url"]
    own = json.loads(ok("--db", _as(url, cohort["a"]), "cohort", "report", "--json").stdout)
    assert [learner["name"] for learner in own["learners"]] == [cohort["a"]]
    everyone = json.loads(
        ok("--db", _as(url, cohort["mentor"]), "cohort", "report", "--json").stdout
    )
    names = [learner["name"] for learner in everyone["learners"]]
    assert {cohort["a"], cohort["b"]} <= set(names)
    ready = ok("--db", _as(url, cohort["mentor"]), "cohort", "ready", "deep").stdout
    assert f"  {cohort['a']}  planned; waits for programming, statistical-learning" in ready


def _bench_writer() -> str:
    """The writer process of ``bench/run.py --cohort`` (its WRITER script)."""
    import importlib.util
    import sys

    bench = Path(__file__).resolve().parent.parent / "bench"
    sys.path.insert(0, str(bench))  # run.py imports its neighbour build.py
    try:
        spec = importlib.util.spec_from_file_location("bench_run", bench / "run.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(bench))
    return module.WRITER


def test_concurrent_writer_processes_as_learners_journal_every_change(
    pg_url: str, ok, tmp_path: Path
) -> None:
    """The benchmark's writers, small: 3 processes x 20 changes at once, two on their own
    learner and one sharing the first's, each as its learner's role under row-level security;
    no error, every change journaled, each item back to planned as its journal says."""
    import json
    import subprocess
    import sys

    tag = uuid.uuid4().hex[:8]
    a, b = f"wa_{tag}", f"wb_{tag}"
    ok("--db", pg_url, "cohort", "init")
    for name in (a, b):
        ok("--db", pg_url, "cohort", "add-learner", name)
    slugs = [row[0] for row in query(pg_url, "SELECT slug FROM item WHERE learner_id IS NULL "
                                     "AND kind = 'topic' ORDER BY id LIMIT 3")]  # fmt: skip
    plan = [(a, slugs[0]), (b, slugs[1]), (a, slugs[2])]
    changes, writer = 20, _bench_writer()
    children = [
        subprocess.Popen(
            [sys.executable, "-c", writer, json.dumps([_as(pg_url, who), who, [slug], changes])],
            stdout=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
        )
        for who, slug in plan
    ]
    outputs = [child.communicate(timeout=300)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0, 0]
    assert [json.loads(out) for out in outputs] == [[], [], []]
    counts = dict(query(pg_url, """
        SELECT l.name, COUNT(*) FROM journal j JOIN learner l ON l.id = j.learner_id
        WHERE l.name IN (:a, :b) GROUP BY l.name""", a=a, b=b))  # fmt: skip
    assert counts == {a: 2 * changes, b: changes}
    statuses = query(pg_url, """
        SELECT l.name, i.slug, p.status FROM progress p JOIN item i ON i.id = p.item_id
        JOIN learner l ON l.id = p.learner_id WHERE l.name IN (:a, :b)
        ORDER BY l.name, i.slug""", a=a, b=b)  # fmt: skip
    assert statuses == sorted((who, slug, "planned") for who, slug in plan)
    minutes = query(pg_url, "SELECT COUNT(*) FROM journal j JOIN learner l ON "
                    "l.id = j.learner_id WHERE l.name = :a AND j.kind = 'study'", a=a)  # fmt: skip
    assert minutes == [(2 * changes // 4,)]
