"""Shared fixtures: a real SQLite file per test, and the CLI run through CliRunner."""

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.config import Config
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from mltrack.cli import cli
from mltrack.queries.reader import SqliteWriter
from mltrack.services.migrate import alembic_config as mltrack_alembic_config
from mltrack.services.startup import prepare_database
from mltrack.store.db import connect
from mltrack.store.orm import make_engine
from mltrack.store.paths import is_database_url

# Headless Chromium (`browser`, `page`) for every test that looks at a page: tests/browser.py.
pytest_plugins = ("tests.browser",)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may touch the real user data directory or inherit a learner/debug setting."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / "data"))
    for name in ("MLTRACK_DB", "MLTRACK_LEARNER", "MLTRACK_DEBUG", "MLTRACK_COLOR", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # text views fit the terminal: the same width everywhere


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One freshly created, migrated and seeded database, copied for each test that needs one."""
    path = tmp_path_factory.mktemp("template") / "mltrack.db"
    prepare_database(path)
    return path


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's database lives (not created yet); MLTRACK_DB points at it."""
    path = tmp_path / "mltrack.db"
    monkeypatch.setenv("MLTRACK_DB", str(path))
    return path


def copy_database(source_path: Path, target_path: Path) -> None:
    """A consistent copy of the SQLite database at ``source_path`` (SQLite's backup API)."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    with target:
        source.backup(target)
    source.close()
    target.close()


@pytest.fixture
def seeded_db(db_path: Path, _seeded_template: Path) -> Path:
    """A seeded database at ``db_path``: a copy of the session's template."""
    copy_database(_seeded_template, db_path)
    return db_path


@pytest.fixture
def alembic_config() -> Config:
    """pytest-alembic's config: mltrack's own, built in code, on the migrations/ scripts."""
    return mltrack_alembic_config()


@pytest.fixture
def alembic_engine(tmp_path: Path) -> Iterator[Engine]:
    """pytest-alembic's database: an Engine on a fresh SQLite file, foreign keys off as mltrack
    migrates (env.py takes the Engine from ``config.attributes["connection"]``)."""
    engine = make_engine(tmp_path / "alembic.db", foreign_keys=False)
    yield engine
    engine.dispose()


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Invoke ``mltrack ARGS...``; the result keeps stdout and stderr apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def ok(run: Run) -> Run:
    """Like ``run`` but fails the test unless the command exits 0."""

    def invoke(*args: str, input: str | None = None) -> Result:
        result = run(*args, input=input)
        assert result.exit_code == 0, (
            f"mltrack {' '.join(args)} -> {result.exit_code}\n{result.output}"
        )
        return result

    return invoke


@pytest.fixture
def rows() -> Callable[..., list[tuple]]:
    """Read the database back directly, the way a test checks what a command wrote."""

    def read(path: Path | str, sql: str, *params: object) -> list[tuple]:
        if is_database_url(str(path)):  # a PostgreSQL database of ``db_url``
            from tests.postgres import query

            names = {f"p{number}": value for number, value in enumerate(params)}
            parts = sql.split("?")
            named = parts[0] + "".join(f":p{n}{part}" for n, part in enumerate(parts[1:]))
            return query(str(path), named, **names)
        connection = sqlite3.connect(path)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    return read


@pytest.fixture
def dump() -> Callable[[Path], list[str]]:
    """Everything a database holds, as SQL: equal dumps mean the same data and schema."""

    def read(path: Path) -> list[str]:
        connection = sqlite3.connect(path)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()

    return read


@pytest.fixture
def history_file(tmp_path: Path) -> Callable[[int], Path]:
    """Write a valid export file holding N progress events of "me" (done and reset in turn
    on five items), as a long history would; returns its path."""

    def write(events: int) -> Path:
        items = ["python", "probability", "deep-learning", "estimation", "mooc-edx"]
        rows = []
        for number in range(events):
            done = (number // len(items)) % 2 == 0
            before, after = ("planned", "done") if done else ("done", "planned")
            rows.append({
                "learner": "me", "item": items[number % len(items)],
                "occurred_at": f"2026-01-01T00:00:{number % 60:02d}+00:00",
                "on_date": "2026-01-01", "action": "done" if done else "reset",
                "from_status": before, "to_status": after,
                "note": f"event {number}", "prior": None, "undoes": None,
            })  # fmt: skip
        learner = {"name": "me", "created_at": "2026-01-01T00:00:00+00:00", "target_date": None}
        document = {"format": "mltrack-export", "version": 1, "learners": [learner],
                    "progress_events": rows}  # fmt: skip
        path = tmp_path / f"history-{events}.json"
        path.write_text(json.dumps(document))
        return path

    return write


@pytest.fixture
def corrupt_index() -> Callable[[Path], None]:
    """Overwrite the root page of one index with garbage: the file still opens and its tables
    read, but SQLite's integrity check fails."""

    def corrupt(path: Path) -> None:
        connection = sqlite3.connect(path)
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        [root] = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'ix_journal_learner_on_date'"
        ).fetchone()
        connection.close()  # the last connection: a WAL file is checkpointed and removed
        with path.open("r+b") as file:
            file.seek((root - 1) * page_size)
            file.write(b"\x0d" + b"\xff" * (page_size - 1))

    return corrupt


@contextmanager
def writing(path: Path) -> Iterator[SqliteWriter]:
    """The write executor on ``path`` in one BEGIN IMMEDIATE transaction, as a command has it."""
    store = SqliteWriter(connect(path))
    try:
        with store.transaction():
            yield store
    finally:
        store.connection.close()


# Both engines ------------------------------------------------------------------------------
# ``db_url`` runs a test on a SQLite file and on a PostgreSQL database (tests/postgres.py
# starts a throwaway server once per session); MLTRACK_DB names the one in use.

ENGINES = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A PostgreSQL server for the session, or the reason there is none."""
    from tests import postgres

    with postgres.server() as found:
        yield found


@pytest.fixture(scope="session")
def _pg_template(pg_server: object) -> object:
    """A database made ready once (migrated, seeded), copied for each test that needs one."""
    if isinstance(pg_server, str):
        return pg_server
    from mltrack.services.engines import dispose_engines

    pg_server.admin("DROP DATABASE IF EXISTS mltrack_template",  # type: ignore[attr-defined]
                    "CREATE DATABASE mltrack_template")  # fmt: skip
    prepare_database(pg_server.url("mltrack_template"))  # type: ignore[attr-defined]
    dispose_engines()  # a template is copied only while no one is connected to it
    return pg_server


def _database_on(
    request: pytest.FixtureRequest, seeded: bool, as_default: bool = True
) -> Iterator[str]:
    from mltrack.services.engines import dispose_engines

    server = request.getfixturevalue("_pg_template" if seeded else "pg_server")
    if isinstance(server, str):
        pytest.skip(f"PostgreSQL: {server}")
    name = f"t_{uuid.uuid4().hex[:16]}"
    server.admin(f"CREATE DATABASE {name}" + (" TEMPLATE mltrack_template" if seeded else ""))
    url = server.url(name)
    if as_default:
        request.getfixturevalue("monkeypatch").setenv("MLTRACK_DB", url)
    try:
        yield url
    finally:
        dispose_engines()
        server.admin(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """A seeded database on each engine: a SQLite file's path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        request.getfixturevalue("seeded_db")
        yield str(db_path)
        return
    yield from _database_on(request, seeded=True)


@pytest.fixture(params=ENGINES)
def new_db_url(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """An empty database on each engine, for the first run to create."""
    if request.param == "sqlite":
        yield str(db_path)
        return
    yield from _database_on(request, seeded=False)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A seeded PostgreSQL database beside the test's SQLite one (MLTRACK_DB left alone)."""
    yield from _database_on(request, seeded=True, as_default=False)


@pytest.fixture
def new_pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty PostgreSQL database (MLTRACK_DB left alone)."""
    yield from _database_on(request, seeded=False, as_default=False)
