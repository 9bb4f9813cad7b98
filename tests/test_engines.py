"""One code base, two engines: what only a comparison of SQLite and PostgreSQL can show."""

import json
import re
import threading
from pathlib import Path

import pytest

from mltrack.store.paths import is_database_url, resolve_db_file
from tests.postgres import query


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("postgresql+psycopg://me@db.example.org/cohort", True),
        ("postgresql://localhost/x", True),
        ("/home/me/mltrack.db", False),
        ("weird://name.db", True),
        ("my file://x.db", False),  # a space: a path, not a scheme
        ("relative/mltrack.db", False),
    ],
)
def test_a_url_names_a_server_and_a_path_a_file(value: str, url: bool) -> None:
    assert is_database_url(value) is url
    assert (resolve_db_file(value) == value) is url or not url


def test_the_schema_is_the_same_on_both_engines(seeded_db: Path, pg_url: str) -> None:
    """The same migrations make the same tables with the same columns on both engines."""
    on_server = query(pg_url, """
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' ORDER BY table_name, column_name""")  # fmt: skip
    in_file = query(str(seeded_db), """
        SELECT m.name AS t, c.name AS c FROM sqlite_master m, pragma_table_info(m.name) c
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite%'
        ORDER BY m.name, c.name""")  # fmt: skip
    assert {"journal", "progress", "learner_day", "item", "alembic_version"} <= {
        table for table, _ in on_server
    }
    # The search index: FTS5 (and its shadow tables) in a file, a plain table on a server.
    derived = ("search_index",)
    assert [r for r in on_server if not r[0].startswith(derived)] == [
        r for r in in_file if not r[0].startswith(derived)
    ]
    # The partial indexes (0012_read_totals) are partial on both engines.
    partial = ("ix_journal_item_amendments", "ix_learner_day_finished")
    server_where = query(pg_url, """
        SELECT indexname, indexdef LIKE '% WHERE %' FROM pg_indexes
        WHERE indexname IN ('ix_journal_item_amendments', 'ix_learner_day_finished')
        ORDER BY indexname""")  # fmt: skip
    file_where = query(str(seeded_db), """
        SELECT name, sql LIKE '% WHERE %' FROM sqlite_master
        WHERE name IN ('ix_journal_item_amendments', 'ix_learner_day_finished')
        ORDER BY name""")  # fmt: skip
    assert server_where == file_where == [(name, True) for name in partial]


def test_an_export_moves_between_engines_unchanged(
    seeded_db: Path, pg_url: str, ok, tmp_path: Path, _seeded_template: Path
) -> None:
    """Written on SQLite, imported into PostgreSQL and exported again: the same bytes; and
    back from PostgreSQL into a new file the same way. Every view then reads the same."""
    ok("done", "python", "--on", "2026-01-05", "--note", "Ng's course")
    ok("log", "90m", "deep-learning", "--on", "2026-01-06")
    ok("log", "30m", "--on", "2026-01-06", "--note", "Übung ✓ 学习")  # escaped in the file
    ok("start", "deep-learning", "--on", "2026-01-06")
    ok("read", "Attention", "--kind", "paper", "--item", "deep", "--on", "2026-01-07")
    ok("project", "add", "Churn", "--dataset", "Telco", "--area", "statistics")
    ok("cert", "goal", "stanford-ml", "--by", "2027-03-01")
    ok("skip", "mooc-edx")
    ok("undo")
    ok("learner", "add", "alex")
    ok("-L", "alex", "done", "probability", "--on", "2026-01-08")
    first = tmp_path / "first.json"
    ok("export", "-o", str(first))
    assert ok("--db", pg_url, "import", str(first)).stdout.startswith("imported learners: 2")
    second = tmp_path / "second.json"
    ok("--db", pg_url, "export", "-o", str(second))
    assert second.read_bytes() == first.read_bytes()
    for view in (["history"], ["stats", "--json"], ["progress", "--json"], ["log", "--list"]):
        assert ok("--db", pg_url, *view).stdout == ok(*view).stdout, view
    back = tmp_path / "back.db"
    back.write_bytes(_seeded_template.read_bytes())
    ok("--db", str(back), "import", str(second))
    assert ok("--db", str(back), "export").stdout == first.read_text()


def test_concurrent_writers_on_one_learner_lose_nothing(db_url: str, ok) -> None:
    """Writers at once on one learner: each change is journaled, the projection agrees."""
    from mltrack.core.vocabulary import EventAction, JournalKind
    from mltrack.services.engines import open_writer
    from mltrack.services.journal import Change, record

    items = [row[0] for row in query(db_url, "SELECT id FROM item ORDER BY id LIMIT 8")]
    errors: list[BaseException] = []

    def write(item_id: int) -> None:
        try:
            for _ in range(5):
                with open_writer(db_url) as store:
                    slug = store.rows("SELECT slug FROM item WHERE id = :i", i=item_id)[0]["slug"]
                    for action in (EventAction.START, EventAction.RESET):
                        change = Change(JournalKind.STATUS, action, slug, _today(), item_id)
                        record(store, 1, change)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert query(db_url, "SELECT COUNT(*) FROM journal") == [(len(items) * 10,)]
    assert query(db_url, "SELECT DISTINCT status FROM progress") == [("planned",)]


def _today():  # type: ignore[no-untyped-def]
    from datetime import date

    return date.today()


def test_the_catalogue_names_the_same_learner_tables_as_sqlite_master(
    seeded_db: Path, pg_url: str
) -> None:
    from mltrack.queries.health import learner_item_tables_sql

    on_server = query(pg_url, learner_item_tables_sql("postgresql"))
    in_file = query(str(seeded_db), learner_item_tables_sql("sqlite"))
    assert on_server == in_file
    assert ("journal",) in on_server and ("progress",) in on_server


def test_the_migrations_go_down_and_up_again_on_postgresql(new_pg_url: str) -> None:
    """Every revision's downgrade and upgrade on a server: from head to base and back on a new
    database, then 0014's policies off and on again over learner data."""
    from alembic import command
    from sqlalchemy import text

    from mltrack.services.engines import server_engine
    from mltrack.services.migrate import alembic_config

    url = new_pg_url
    engine = server_engine(url)
    for target in ("head", "base", "head"):
        with engine.begin() as connection:
            step = command.upgrade if target == "head" else command.downgrade
            step(alembic_config(connection), target)
    with engine.begin() as connection:
        tables = connection.execute(text("SELECT COUNT(*) FROM journal")).scalar()
    assert tables == 0
    rls = "SELECT COUNT(*) FROM pg_class WHERE relrowsecurity"
    secured = query(url, rls)
    assert secured[0][0] >= 11  # the journal, every projection, learner, item, project_area
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "-1")
    assert query(url, rls) == [(0,)]
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert query(url, rls) == secured


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--db", "mysql://x/y", "progress"], 2, "mysql: mltrack runs on a SQLite file"),
        (["--db", "postgresql+psycopg://x@/db?host=/nowhere&port=1", "progress"], 1,
         "database error: connection"),
        (["--db", "postgresql+psycopg://x@/db?host=/nowhere&port=1", "backup"], 2,
         "this command works on a SQLite file"),
    ],
)  # fmt: skip
def test_a_server_that_cannot_be_used_is_one_clear_line(run, args, code, message) -> None:
    result = run(*args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"Error: {message}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output


def test_every_view_reads_the_same_on_both_engines(seeded_db: Path, pg_url: str, ok) -> None:
    """The same changes on a file and on a server: every view prints the same bytes."""
    changes = [
        ["done", "python", "--on", "2026-01-05"],
        ["start", "deep-learning", "--on", "2026-01-06"],
        ["log", "90m", "deep-learning", "--on", "2026-01-06"],
        ["skip", "mooc-edx", "--on", "2026-01-07"],
        ["cert", "goal", "stanford-ml", "--by", "2027-03-01"],
        ["review", "--enable", "python"],
        ["require", "deep-learning", "--after", "probability"],
        ["target", "set", "2028-01-01"],
    ]
    views = [
        ["progress", "--json"], ["next", "--json"], ["history", "--json"], ["stats", "--json"],
        ["report", "--format", "json"], ["pathway", "--json"], ["show", "deep", "--json"],
        ["cert", "list", "--json"], ["log", "--list", "--json"], ["review", "--json"],
        ["gaps", "--json"], ["heatmap", "--json"], ["cohort", "report", "--json"],
        ["cohort", "ready", "deep", "--json"], ["learner", "list", "--json"],
    ]  # fmt: skip
    for change in changes:
        ok("--db", str(seeded_db), *change)
        ok("--db", pg_url, *change)
    for view in views:
        on_server = _stable(json.loads(ok("--db", pg_url, *view).stdout))
        assert on_server == _stable(json.loads(ok("--db", str(seeded_db), *view).stdout)), view


_MOMENTS = {"uid", "recorded_at", "created_at"}  # made anew by each database
_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _stable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in _MOMENTS}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, str):  # a study session's subject is its uid
        return re.sub(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uid>", value
        )
    return value


def test_search_on_a_server_is_its_own_full_text_search(pg_url: str, ok) -> None:
    """``search`` on PostgreSQL ranks with ts_rank over the same index rows as FTS5 in a file,
    and the learner's words stay words there too."""
    ok("--db", pg_url, "note", "python", "backprop by hand, then backprop in numpy")
    ok("--db", pg_url, "note", "deep-learning", "one mention of backprop")
    found = json.loads(ok("--db", pg_url, "search", "backprop", "--json").stdout)
    assert found["engine"] == "postgres"
    assert [(hit["item"], hit["matched"]) for hit in found["hits"]] == [
        ("python", "note"),
        ("deep-learning", "note"),
    ]
    titles = json.loads(ok("--db", pg_url, "search", "deep learning", "--json").stdout)
    assert titles["every_word"] and titles["hits"][0]["item"] == "deep-learning"
    for hostile in ["backprop & !numpy", "'); DROP TABLE journal; --", "a:* | b", "<->"]:
        result = ok("--db", pg_url, "search", hostile, "--json")
        assert json.loads(result.stdout)["engine"] == "postgres"
    assert query(pg_url, "SELECT count(*) FROM journal")[0][0] >= 2
