"""Start-up stays light: which modules each command imports, checked in a fresh interpreter.

Exact and cheap to test, unlike time: one stray module-level import (even for a type
annotation) would pull SQLAlchemy into every command and undo the read side's design.
"""

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, timedelta
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
# serve's web stack: no other command may load it (nor, so, pay for its import).
heavy += [m for m in sys.modules if m.split(".")[0] in ("starlette", "uvicorn", "grandalf",
          "anyio", "h11") or m.startswith("mltrack.web")]
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
# The cohort views: one module, Markdown cells and CSV cells escaped as the reports escape them.
COHORT = ["mltrack.render.cohort", "mltrack.render.csv", "mltrack.render.layout",
          "mltrack.render.markdown", "mltrack.render.provenance", "mltrack.render.text",
          "mltrack.render.wording"]  # fmt: skip
HTML = ["mltrack.render.heatmap", "mltrack.render.html", "mltrack.render.layout",
        "mltrack.render.markup", "mltrack.render.provenance", "mltrack.render.wording"]  # fmt: skip


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
        (["serve", "--help"], []),
        (["push", "--help"], []),
        (["pull", "--help"], []),
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
        (["review"], ["mltrack.render.review", "mltrack.render.text"]),
        (["review", "--json"], ["mltrack.render.review", "mltrack.render.text"]),
        (["heatmap"], ["mltrack.render.heatmap", "mltrack.render.markup"]),
        (["heatmap", "--json"], ["mltrack.render.json"]),
        (["gaps"], ["mltrack.render.gaps", "mltrack.render.text"]),
        (["gaps", "--json"], ["mltrack.render.json"]),
        (["note"], TERMINAL),
        (["note", "python", "--json"], ["mltrack.render.json"]),
        (["link", "python"], TERMINAL),
        (["search", "deep", "learning"], TERMINAL),
        (["search", "deep", "--json"], ["mltrack.render.json"]),
        (["report", "--with-notes"], MARKDOWN),
        (["cohort", "report"], COHORT),
        (["cohort", "report", "--format", "csv"], COHORT),
        (["cohort", "ready", "deep"], COHORT),
        (["pathway", "list"], ["mltrack.render.pathways", "mltrack.render.text"]),
        (["pathway", "list", "--json"], ["mltrack.render.pathways"]),
        (["whatsnew"], ["mltrack.render.pathways", "mltrack.render.text"]),
        (["whatsnew", "--json"], ["mltrack.render.pathways"]),
        (["pathway", "install", "--help"], []),
        (["week"], TERMINAL),
        (["week", "--json"], ["mltrack.render.json"]),
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
OWN_PATHWAY = Path(__file__).parent / "data" / "pathways" / "mlops.toml"
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
        ([], ["week", "--goal", "6h"]),
        ([["week", "--goal", "6h"]], ["week", "--goal", "none"]),
        ([], ["require", "python", "--after", "fourier"]),
        ([], ["add", "Thing", "--area", "statistics", "--after", "python"]),
        ([["add", "Thing", "--area", "statistics"]], ["remove", "my.thing"]),
        ([], PROJECT),
        ([PROJECT], ["project", "done", "p"]),
        ([], ["learner", "add", "alex"]),
        ([], ["note", "python", "a note"]),
        ([], ["link", "python", "https://docs.python.org", "--title", "docs"]),
        ([["note", "python", "a note"]], ["note", "--remove", "1"]),
        ([["link", "python", "https://docs.python.org"]], ["undo"]),
        ([["pathway", "install", str(OWN_PATHWAY)]], ["pathway", "use", "mlops"]),
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


# Run as an installed wheel runs: without site (so no editable install's import hook, which
# imports pathlib, urllib.parse and ipaddress in every interpreter and would hide them), with
# the mltrack under test and the installed dependencies on PYTHONPATH (no .pth file runs).
WHEEL_LIKE_PROBE = """
import json, os, sys, types
import mltrack
seed = types.ModuleType("mltrack.seed")  # a wheel's mltrack/seed/; the editable hook maps it
seed.__file__, seed.__path__ = os.environ["SEED_INIT"], [os.path.dirname(os.environ["SEED_INIT"])]
sys.modules["mltrack.seed"] = mltrack.seed = seed
before = set(sys.modules)
from mltrack.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="mltrack")
except SystemExit as stop:
    assert stop.code in (0, None), stop.code
sys.stderr.write("\\nMODULES " + json.dumps(sorted(set(sys.modules) - before)))
"""
# pathlib and what it imports (urllib.parse, ipaddress; ~3 ms), dataclasses (the read side's
# results are NamedTuples), shutil (bz2, lzma), decimal (figures round in integers) and locale
# (Click's gettext lookups, which mltrack's help and version options avoid): none of them on
# the path of a daily command.
NOT_ON_THE_HOT_PATH = {
    "pathlib", "urllib.parse", "ipaddress", "dataclasses", "shutil", "decimal", "locale",
}  # fmt: skip


def wheel_like_modules(args: list[str], db: Path, **env: str) -> set[str]:
    """The modules ``mltrack ARGS`` imported beyond those the interpreter started with, in an
    interpreter without site (see WHEEL_LIKE_PROBE); ``env`` adds to its environment."""
    import sysconfig

    import click
    import mltrack.seed

    import mltrack

    source = Path(mltrack.__file__).resolve().parent.parent
    installed = Path(click.__file__).resolve().parent.parent
    paths = {"purelib", "platlib"}
    site = [sysconfig.get_paths()[name] for name in sorted(paths)]
    environment = {**os.environ, "MLTRACK_DB": str(db), "COLUMNS": "100",
                   "SEED_INIT": str(mltrack.seed.__file__),
                   "PYTHONPATH": os.pathsep.join([str(source), str(installed), *site]),
                   **env}  # fmt: skip
    if environment["MLTRACK_DB"] == "":  # the default database, as a learner has it
        del environment["MLTRACK_DB"]
    done = subprocess.run(
        [sys.executable, "-S", "-c", WHEEL_LIKE_PROBE, *args],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert "MODULES " in done.stderr, done.stderr
    return set(json.loads(done.stderr.rsplit("MODULES ", 1)[1]))


@pytest.mark.parametrize(
    "args",
    [
        ["progress"],
        ["progress", "--json"],
        ["progress", "--by", "kind", "--all"],
        ["show", "python"],
        ["show", "python", "--json"],
        ["next"],
        ["next", "--json"],
        ["pathway"],
        ["pathway", "--json"],
        ["cert", "list"],
        ["cert", "list", "--json"],
        ["history"],
        ["history", "--json"],
        ["stats"],
        ["stats", "--json"],
        ["review"],
        ["heatmap"],
        ["gaps"],
        ["log", "--list"],
        ["cert", "due"],
        ["report"],
        ["report", "--format", "html"],
        ["week"],
        ["week", "--json"],
    ],
)
def test_reads_import_no_pathlib_dataclasses_or_shutil(seeded_db: Path, args: list[str]) -> None:
    """Read commands open the database by a str path (``os.path``), return NamedTuples and
    size the terminal without shutil: those modules stay out."""
    loaded = wheel_like_modules(args, seeded_db)
    assert "mltrack.cli" in loaded  # the probe measured a real run
    assert loaded & NOT_ON_THE_HOT_PATH == set()


@pytest.mark.parametrize("args", [["progress"], ["done", "python"]], ids=" ".join)
def test_the_default_database_is_found_without_platformdirs(
    seeded_db: Path, tmp_path: Path, args: list[str]
) -> None:
    """A learner's daily command finds the database in the user data directory by the XDG
    rule (``store.paths.default_db_file``), not through platformdirs, whose import brings
    pathlib, tempfile, shutil and the compression modules (~5 ms)."""
    data_home = tmp_path / "xdg"
    (data_home / "mltrack").mkdir(parents=True)
    (data_home / "mltrack" / "mltrack.db").write_bytes(seeded_db.read_bytes())
    loaded = wheel_like_modules(args, seeded_db, MLTRACK_DB="", XDG_DATA_HOME=str(data_home))
    assert "mltrack.cli" in loaded
    assert loaded & {"platformdirs", "pathlib", "tempfile", "shutil", "bz2"} == set()
    # The command ran on the database of the data directory, not on MLTRACK_DB's.
    with closing(sqlite3.connect(data_home / "mltrack" / "mltrack.db")) as used:
        changed = used.execute("SELECT COUNT(*) FROM progress").fetchone()[0]
    assert changed == (1 if args[0] == "done" else 0)


@pytest.mark.parametrize(
    "args",
    [["progress"], ["next"], ["stats"], ["log", "--list"], ["cert", "due"], ["gaps"], ["heatmap"]],
    ids=" ".join,
)
def test_text_views_of_summaries_import_no_json(seeded_db: Path, args: list[str]) -> None:
    """Views that read projections and summaries only, not the journal's JSON data, leave the
    json module out (the write path's reading of amendments imports it where it is used)."""
    loaded = wheel_like_modules(args, seeded_db)
    assert "mltrack.cli" in loaded
    assert "json" not in loaded


@pytest.mark.parametrize(
    "args",
    [
        ["start", "python"],
        ["done", "python", "--note", "n"],
        ["log", "1h", "python"],
        ["cert", "goal", "stanford-ml", "--by", "2999-01-01"],
    ],
)
def test_daily_writes_import_no_pathlib(seeded_db: Path, args: list[str]) -> None:
    """The daily writes open the database as the reads do: no pathlib, urllib.parse or
    ipaddress; their change types are NamedTuples (no dataclasses); their one-line reports
    need no shell quoting (shlex)."""
    loaded = wheel_like_modules(args, seeded_db)
    assert "mltrack.cli" in loaded
    assert loaded & (NOT_ON_THE_HOT_PATH | {"shlex"}) == set()


def test_progress_runs_the_certification_and_project_queries_only_when_there_are_some(
    seeded_db: Path, ok
) -> None:
    """A learner with no certification goal and no project: progress imports neither module
    (one EXISTS query decides). With a goal near its date and a project, both sections show."""
    loaded = wheel_like_modules(["progress"], seeded_db)
    assert {"mltrack.queries.certs", "mltrack.queries.projects"} & loaded == set()
    assert "mltrack.queries.progress" in loaded

    soon = (date.today() + timedelta(days=5)).isoformat()
    ok("cert", "goal", "stanford-ml", "--by", soon)
    ok("project", "add", "Churn model", "--dataset", "telco")
    loaded = wheel_like_modules(["progress"], seeded_db)
    assert {"mltrack.queries.certs", "mltrack.queries.projects"} <= loaded
    document = json.loads(ok("progress", "--json").output)
    assert [(w["slug"], w["what"], w["on_date"]) for w in document["cert_warnings"]] == [
        ("stanford-ml", "target", soon)
    ]
    assert sum(step["total"] for step in document["projects"]) == 1


def test_every_command_builds_its_help_option_without_gettext() -> None:
    """Each command and group is one of mltrack's Click classes (``cli.context.Command``,
    ``Group``), whose help option skips Click's message-catalogue lookup (``locale``)."""
    import click

    from mltrack.cli import COMMANDS, cli
    from mltrack.cli.context import PlainHelp

    context = click.Context(cli)
    found = [cli]
    for name in COMMANDS:
        command = cli.get_command(context, name)
        found.append(command)
        found.extend(getattr(command, "commands", {}).values())
    assert len(found) > len(COMMANDS)  # the groups' commands are in
    assert [c.name for c in found if not isinstance(c, PlainHelp)] == []
    help_option = cli.get_help_option(context)
    assert help_option is cli.get_help_option(context)  # one object: Click orders by identity
    assert help_option.opts == ["-h", "--help"]
