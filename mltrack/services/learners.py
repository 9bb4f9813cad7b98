"""Learner profiles: several people (or plans) can share one database."""

import unicodedata

from mltrack.core.dates import utc_now_iso
from mltrack.core.errors import InputError, MltrackError
from mltrack.queries.reader import SqliteWriter

MAX_NAME_LENGTH = 100


def add_learner(store: SqliteWriter, name: str) -> str:
    """Create a learner profile called ``name`` and return the name as stored."""
    name = name.strip()
    check_learner_name(name)
    if store.rows("SELECT id FROM learner WHERE name = :name", name=name):
        raise MltrackError(f"learner {name!r} already exists")
    store.execute("INSERT INTO learner (name, created_at) VALUES (:name, :now)",
                  name=name, now=utc_now_iso())  # fmt: skip
    return name


def check_learner_name(name: str) -> None:
    """Raise InputError unless ``name`` can name a learner: printable, 1 to 100 characters."""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InputError(f"a learner name needs 1 to {MAX_NAME_LENGTH} characters")
    if name != name.strip():
        raise InputError("a learner name cannot start or end with white space")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InputError("a learner name cannot contain control or invisible format characters")
