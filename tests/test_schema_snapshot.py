"""The schema snapshots mltrack ships (``mltrack/store/schemas/``) match the migrations."""

from mltrack.services.schema_snapshot import generated_snapshots, stale_snapshots
from mltrack.store.revisions import KNOWN_REVISIONS
from mltrack.store.schema import REGENERATE, SNAPSHOT_DIR, snapshot_path


def test_every_snapshot_is_what_the_migrations_make() -> None:
    found = generated_snapshots()
    assert set(found) == {"", *KNOWN_REVISIONS}
    stale = stale_snapshots(found)
    assert not stale, f"schema snapshots out of date: {', '.join(stale)}; run: {REGENERATE}"
    shipped = {path.name for path in SNAPSHOT_DIR.glob("*.schema")}
    expected = {snapshot_path(revision).name for revision in found}
    assert shipped == expected, f"snapshots of no known revision; run: {REGENERATE}"
