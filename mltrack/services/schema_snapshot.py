"""Generate the schema snapshots (``mltrack/store/schemas/``) from the migrations.

    python -m mltrack.services.schema_snapshot --write   # after adding or changing a migration
    python -m mltrack.services.schema_snapshot           # exit 1 if a snapshot is out of date

Each revision's schema is what running the migrations up to it on an empty file gives; the
"base" one is an ``alembic_version`` table with no row. Never run at start-up: mltrack only
reads the committed files (see ``mltrack.store.schema``).
"""

import sqlite3
import sys
import tempfile
from pathlib import Path

from alembic import command

from mltrack.services.migrate import alembic_config
from mltrack.store.orm import make_engine
from mltrack.store.revisions import KNOWN_REVISIONS
from mltrack.store.schema import BASE, schema_text, snapshot_path


def generated_snapshots() -> dict[str, str]:
    """Revision ("" for base) -> its schema text, from the migrations."""
    found = {}
    with tempfile.TemporaryDirectory(prefix="mltrack-schema-") as directory:
        path = Path(directory) / "snapshot.db"
        engine = make_engine(path, foreign_keys=False)
        try:
            with engine.begin() as connection:
                command.stamp(alembic_config(connection), "base")
            found[""] = _read(path)
            for revision in KNOWN_REVISIONS:
                with engine.begin() as connection:
                    command.upgrade(alembic_config(connection), revision)
                found[revision] = _read(path)
        finally:
            engine.dispose()
    return found


def _read(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return schema_text(connection)
    finally:
        connection.close()


def stale_snapshots(found: dict[str, str]) -> list[str]:
    """The snapshot files that differ from ``found`` (missing ones included)."""
    stale = []
    for revision, text in found.items():
        path = snapshot_path(revision)
        if not path.exists() or path.read_text(encoding="utf-8") != text + "\n":
            stale.append(path.name)
    return stale


def main(argv: list[str]) -> int:
    found = generated_snapshots()
    if "--write" in argv:
        for revision, text in found.items():
            path = snapshot_path(revision)
            path.parent.mkdir(exist_ok=True)
            path.write_text(text + "\n", encoding="utf-8")
        known = {snapshot_path(revision).name for revision in found}
        for path in snapshot_path(BASE).parent.glob("*.schema"):
            if path.name not in known:
                path.unlink()
        print(f"wrote {len(found)} schema snapshots to {snapshot_path(BASE).parent}")
        return 0
    stale = stale_snapshots(found)
    for name in stale:
        print(f"out of date: {name}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
