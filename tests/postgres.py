"""A throwaway PostgreSQL server for the tests: a cluster in a temporary directory made by
Debian's ``initdb`` and started with ``pg_ctl`` on a Unix socket only, or the server
``MLTRACK_TEST_PG_URL`` names (a superuser's URL, e.g. ``postgresql+psycopg://postgres@/postgres
?host=/run/postgresql``). Each test gets its own database, a copy of one made ready once.
"""

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

URL_ENV = "MLTRACK_TEST_PG_URL"


def _binaries() -> str | None:
    """The folder holding initdb and pg_ctl: Debian's newest, else the PATH's."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _version(path: str) -> int:
    part = path.split("/")[4]
    return int(part) if part.isdigit() else 0


def _as_user() -> list[str]:
    """initdb refuses to run as root: run the server as ``postgres`` (or ``nobody``) then."""
    if os.geteuid() != 0:
        return []
    import pwd

    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    return []


class Server:
    """A running server: ``url(database)`` names one of its databases as the superuser."""

    def __init__(self, base_url: str):
        self.base_url = base_url

    def url(self, database: str) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.base_url).set(database=database).render_as_string(False)

    def admin(self, *statements: str) -> None:
        """Run statements (CREATE/DROP DATABASE, roles) outside a transaction."""
        import psycopg

        from mltrack.store.orm import make_server_engine

        engine = make_server_engine(self.url("postgres"))
        try:
            url = engine.url
            with psycopg.connect(
                host=url.query.get("host") or url.host,
                port=url.query.get("port") or url.port,
                user=url.username,
                password=url.password,
                dbname="postgres",
                autocommit=True,
            ) as connection:
                for statement in statements:
                    connection.execute(statement)  # type: ignore[arg-type]
        finally:
            engine.dispose()


@contextmanager
def server() -> Iterator[Server | str]:
    """A server for the session, or the reason there is none (the test then skips)."""
    given = os.environ.get(URL_ENV)
    if given:
        yield Server(given)
        return
    try:
        import psycopg  # noqa: F401
    except ImportError:
        yield "psycopg is not installed (pip install -e '.[test]')"
        return
    binaries = _binaries()
    if binaries is None:
        yield "PostgreSQL is not installed (apt-get install postgresql)"
        return
    folder = tempfile.mkdtemp(prefix="mltrack-pg-")
    runner = _as_user()
    if runner:
        shutil.chown(folder, user=runner[2])
    data = os.path.join(folder, "data")
    port = 55000 + os.getpid() % 1000

    def run(*args: str) -> None:
        subprocess.run([*runner, *args], check=True, capture_output=True, cwd=folder)

    try:
        run(f"{binaries}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
        run(f"{binaries}/pg_ctl", "-D", data, "-o", options, "-l", f"{folder}/log", "-w",
            "start")  # fmt: skip
    except subprocess.CalledProcessError as error:
        shutil.rmtree(folder, ignore_errors=True)
        yield f"could not start PostgreSQL: {error.stderr.decode(errors='replace')[-300:]}"
        return
    try:
        yield Server(f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}")
    finally:
        subprocess.run([*runner, f"{binaries}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True, cwd=folder)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def query(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Read a database back directly (a file path or a URL), as a test checks what a command
    wrote; dates come back as ISO text, as sqlite3 returns them."""
    from mltrack.services.engines import open_reader

    reader = open_reader(db)
    try:
        rows = reader.rows(sql, **params)
        return [tuple(_as_sqlite(row[key]) for key in row.keys()) for row in rows]  # noqa: SIM118
    finally:
        reader.connection.close()  # type: ignore[attr-defined]


def _as_sqlite(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value
