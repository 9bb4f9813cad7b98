"""Start-up stays light: which modules each command imports, checked in a fresh interpreter.

Exact and cheap to test, unlike time: one stray module-level import (even for a type
annotation) would pull SQLAlchemy into every command and undo the read side's design.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
from mltrack.cli import cli
code = 0
try:
    cli.main(sys.argv[1:], prog_name="mltrack")
except SystemExit as stop:
    code = stop.code
heavy = [m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic")]
renderers = [m for m in sys.modules if m.startswith("mltrack.render.")]
sys.stderr.write(
    "\\nMODULES " + json.dumps({"heavy": heavy, "renderers": sorted(renderers), "code": code})
)
"""


def modules_after(args: list[str], db: Path, **env: str) -> dict[str, list[str]]:
    """The heavy modules and the renderers that ``mltrack ARGS`` imported (and, under
    ``code``, how the command exited: 0 or None when it went through)."""
    environment = {**os.environ, "MLTRACK_DB": str(db), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=environment, capture_output=True, text=True
    )
    marker = done.stderr.rindex("MODULES ")
    return json.loads(done.stderr[marker + len("MODULES ") :])


# render.text is the one escaping and width-fitting module every text view goes through;
# render.provenance words where each seeded fact comes from.
TERMINAL = ["mltrack.render.provenance", "mltrack.render.terminal", "mltrack.render.text",
            "mltrack.render.wording"]  # fmt: skip
MARKDOWN = ["mltrack.render.layout", "mltrack.render.markdown", "mltrack.render.provenance",
            "mltrack.render.text", "mltrack.render.wording"]  # fmt: skip
HTML = ["mltrack.render.html", "mltrack.render.layout", "mltrack.render.provenance",
        "mltrack.render.wording"]  # fmt: skip


@pytest.mark.parametrize(
    "args, renderers",
    [
        (["--help"], []),
        (["progress"], TERMINAL),
        (["progress", "--json"], ["mltrack.render.json"]),
        (["progress", "--by", "kind", "--all"], TERMINAL),
        (["pathway"], TERMINAL),
        (["show", "python"], TERMINAL),
        (["learner", "list"], TERMINAL),
        (["career"], TERMINAL),
        (["next"], TERMINAL),
        (["next", "--json"], ["mltrack.render.json"]),
        (["history", "--since", "-30d"], TERMINAL),
        (["history", "--json"], ["mltrack.render.json"]),
        (["stats"], TERMINAL),
        (["stats", "--json"], ["mltrack.render.json"]),
        (["target"], TERMINAL),
        (["report"], MARKDOWN),
        (["report", "--format", "html"], HTML),
        (["report", "--format", "json"], ["mltrack.render.json"]),
        (["report", "--format", "csv"], ["mltrack.render.csv"]),
        (["done", "--help"], []),
        (["require", "--help"], []),
        (["target", "set", "--help"], []),
        (["cert", "list"], TERMINAL),
        (["cert", "list", "--json"], ["mltrack.render.json"]),
        (["cert", "due"], TERMINAL),
        (["cert", "ics"], ["mltrack.render.ics"]),
        (["log", "--list"], TERMINAL),
        (["project", "list"], TERMINAL),
        (["export"], ["mltrack.render.json"]),
        (["doctor"], TERMINAL),
        (["backup"], []),
        (["career", "--json"], ["mltrack.render.json"]),
        (["learner", "list", "--json"], ["mltrack.render.json"]),
        (["project", "list", "--json"], ["mltrack.render.json"]),
        (["log", "--list", "--json"], ["mltrack.render.json"]),
        (["target", "--json"], ["mltrack.render.json"]),
        (["doctor", "--json"], ["mltrack.render.json"]),
        (["cert", "due", "--json"], ["mltrack.render.json"]),
        (["pathway", "--json"], ["mltrack.render.json"]),
        (["show", "python", "--json"], ["mltrack.render.json"]),
        (["next", "--required", "--step", "ml-training"], TERMINAL),
    ],
)
def test_read_commands_never_import_sqlalchemy_or_alembic(
    seeded_db: Path, args: list[str], renderers: list[str]
) -> None:
    loaded = modules_after(args, seeded_db)
    assert loaded["heavy"] == []
    assert loaded["renderers"] == renderers


def test_completion_imports_nothing_heavy(seeded_db: Path) -> None:
    loaded = modules_after(
        [],
        seeded_db,
        _MLTRACK_COMPLETE="bash_complete",
        COMP_WORDS="mltrack done py",
        COMP_CWORD="2",
    )
    assert (loaded["heavy"], loaded["renderers"]) == ([], ["mltrack.render.text"])  # escape only


PROJECT = ["project", "add", "P", "--dataset", "d"]
ENROLL = ["cert", "enroll", "stanford-ml"]


@pytest.mark.parametrize(
    "setup, args",
    [
        ([], ["start", "python"]),
        ([], ["done", "python", "--note", "n", "--on", "yesterday"]),
        ([], ["skip", "mooc-edx"]),
        ([["done", "python"]], ["reset", "python"]),
        ([["done", "python"]], ["undo"]),
        ([["cert", "pass", "stanford-ml"]], ["undo"]),  # a group: the pass and its item
        ([], ["log", "1h", "python"]),
        ([], ["read", "Some post", "--kind", "blog"]),
        ([], ["cert", "goal", "stanford-ml", "--by", "2999-01-01"]),
        ([], ENROLL),
        ([], ["cert", "pass", "stanford-ml", "--cost", "49", "--currency", "USD"]),
        ([ENROLL], ["cert", "fail", "stanford-ml"]),
        ([ENROLL], ["cert", "drop", "stanford-ml"]),
        ([], ["target", "set", "2999-01-01"]),
        ([["target", "set", "2999-01-01"]], ["target", "clear"]),
        ([], ["require", "python", "--after", "fourier"]),
        ([], ["add", "Thing", "--area", "statistics", "--after", "python"]),
        ([["add", "Thing", "--area", "statistics"]], ["remove", "my.thing"]),
        ([], PROJECT),
        ([PROJECT], ["project", "done", "p"]),
        ([], ["learner", "add", "alex"]),
    ],
)
def test_daily_writes_never_import_sqlalchemy_or_alembic(
    seeded_db: Path, ok, rows, setup: list[list[str]], args: list[str]
) -> None:
    """Daily writes run on stdlib sqlite3 through the journal, as reads do (they used the
    ORM before the journal). Each command must go through, and write: a refusal could leave
    early, before the modules a real write needs."""
    for command in setup:
        ok(*command)
    before = rows(seeded_db, "SELECT COUNT(*) FROM journal") + rows(
        seeded_db, "SELECT COUNT(*) FROM learner"
    )
    loaded = modules_after(args, seeded_db)
    assert loaded["heavy"] == []
    assert loaded["code"] in (0, None), loaded
    after = rows(seeded_db, "SELECT COUNT(*) FROM journal") + rows(
        seeded_db, "SELECT COUNT(*) FROM learner"
    )
    assert after != before  # it wrote


def loaded_after_import(module: str) -> list[str]:
    """The mltrack and SQLAlchemy modules a fresh interpreter holds after importing ``module``."""
    probe = (
        f"import sys, {module}\n"
        "print(' '.join(m for m in sys.modules if m.split('.')[0] in ('mltrack', 'sqlalchemy')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()


@pytest.mark.parametrize("renderer", ["mltrack.render.terminal", "mltrack.render.json"])
def test_renderers_import_no_query_module(renderer: str) -> None:
    """Renderers name the query dataclasses in annotations only: importing a query module at
    run time would make every report pay for every other report's dataclasses."""
    loaded = loaded_after_import(renderer)
    assert renderer in loaded
    assert [m for m in loaded if m.startswith(("mltrack.queries", "sqlalchemy"))] == []


def test_help_loads_no_database_query_or_seed_module() -> None:
    """``mltrack --help`` reads each short help from the lazy map: no command module loads."""
    probe = (
        "import sys\nfrom mltrack.cli import cli\n"
        "try:\n    cli.main(['--help'], prog_name='mltrack')\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(m for m in sys.modules if m.startswith('mltrack')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    loaded = set(done.stderr.split())
    assert "mltrack.cli" in loaded
    assert loaded <= {"mltrack", "mltrack.cli", "mltrack.cli.context", "mltrack.core",
                      "mltrack.core.errors", "mltrack.store", "mltrack.store.paths"}  # fmt: skip


@pytest.mark.parametrize("args", [["progress"], ["done", "python"]])
def test_garbage_collection_skips_start_up_and_runs_for_the_work(
    seeded_db: Path, args: list[str]
) -> None:
    """main() turns the collector off while commands import, and on again, with the imported
    objects frozen out of it, once the command opens the database."""
    probe = (
        "import gc, sys\nfrom mltrack.cli import main\n"
        f"sys.argv = ['mltrack', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(f'\\nGC {gc.isenabled()} {gc.get_freeze_count()}')"
    )
    environment = {**os.environ, "MLTRACK_DB": str(seeded_db)}
    done = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True,
                          text=True)  # fmt: skip
    enabled, frozen = done.stderr.rsplit("GC ", 1)[1].split()
    assert enabled == "True"
    assert int(frozen) > 10_000  # the objects of Click, sqlite3 (and SQLAlchemy) imports
