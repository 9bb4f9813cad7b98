"""Learner profiles: several people (or plans) can share one database."""

import unicodedata

from mltrack.core.dates import utc_now_iso
from mltrack.core.errors import InputError, MltrackError
from mltrack.core.limits import check_text, name_key
from mltrack.queries.reader import SqliteWriter

MAX_NAME_LENGTH = 100


def add_learner(store: SqliteWriter, name: str) -> str:
    """Create a learner profile called ``name`` and return the name as stored.

    Names are unique without regard to case: with "me" in the database, "Me" is refused."""
    name = name.strip()
    check_learner_name(name)
    existing = [row["name"] for row in store.rows("SELECT name FROM learner")]
    same = [other for other in existing if name_key(other) == name_key(name)]
    if name in same:
        raise MltrackError(f"learner {name!r} already exists")
    if same:
        raise MltrackError(
            f"learner {name!r} differs only in case from {same[0]!r}, which already exists; "
            "learner names are compared without regard to case"
        )
    store.execute("INSERT INTO learner (name, created_at) VALUES (:name, :now)",
                  name=name, now=utc_now_iso())  # fmt: skip
    return name


def check_learner_name(name: str) -> None:
    """Raise InputError unless ``name`` can name a learner: printable, 1 to 100 characters.

    The text rule of every field (``check_text``), and, as a name must be told apart from
    others on sight, no invisible format characters either."""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InputError(f"a learner name needs 1 to {MAX_NAME_LENGTH} characters")
    if name != name.strip():
        raise InputError("a learner name cannot start or end with white space")
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise InputError("a learner name cannot contain control or invisible format characters")
    check_text(name, "a learner name", max_length=MAX_NAME_LENGTH)
