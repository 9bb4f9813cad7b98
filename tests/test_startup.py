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
try:
    cli.main(sys.argv[1:], prog_name="mltrack")
except SystemExit:
    pass
heavy = [m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic")]
renderers = [m for m in sys.modules if m.startswith("mltrack.render.")]
sys.stderr.write("\\nMODULES " + json.dumps({"heavy": heavy, "renderers": sorted(renderers)}))
"""


def modules_after(args: list[str], db: Path, **env: str) -> dict[str, list[str]]:
    environment = {**os.environ, "MLTRACK_DB": str(db), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=environment, capture_output=True, text=True
    )
    marker = done.stderr.rindex("MODULES ")
    return json.loads(done.stderr[marker + len("MODULES ") :])


TERMINAL = ["mltrack.render.terminal", "mltrack.render.wording"]
MARKDOWN = ["mltrack.render.layout", "mltrack.render.markdown", "mltrack.render.wording"]
HTML = ["mltrack.render.html", "mltrack.render.layout", "mltrack.render.wording"]


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
    assert loaded == {"heavy": [], "renderers": []}


def test_writes_use_the_orm_but_not_alembic_when_current(seeded_db: Path) -> None:
    loaded = modules_after(["done", "python"], seeded_db)
    assert "sqlalchemy.orm" in loaded["heavy"]
    assert not [m for m in loaded["heavy"] if m.startswith("alembic")]
