"""A learner's own data, described once: what ``export`` writes, ``import`` restores and
``doctor`` checks.

Each table of learner data is one ``Section``: its rows in the export file, the fields written
for each row, and how rows refer to other rows. References never carry database ids: a row
names a learner by name and an item, step or area by slug (``Ref``), or names a row that has no
natural key by its position in the file (``RowRef``), so an export imports into any database.

Format 2 holds the learners, their own items and the journal: every other table of learner
data is a projection of the journal (rebuilt on import), so it is not exported. Journal entries
name their target and group by uid.

Adding a table of learner data is one entry in ``SECTIONS``, placed after every section it
refers to (import writes sections in this order and deletes them in the reverse one). The
entries below show each kind: "study_sessions" (rows without a natural key, kept in order and
named by position), "projects" (a natural key within the learner), "project_areas" (rows that
belong to a learner through a parent row: ``owner="project"``), and "progress_events" (rows
naming other rows by position, of their own section or an earlier one). A new column of an
exported table is one more field of its entry.

Columns copied as they are need no more than their name: types, nulls, enums and unique
columns are checked on import from the model. A JSON text column goes in ``json``, a boolean in
``flags``; a rule no column type says goes in ``mltrack.services.importer.VALUE_CHECKS``.
``tests/test_transfer.py`` checks every entry against the models (each column written once,
booleans flagged, foreign keys translated) and that every table pointing at a learner, or at
rows of learner data, has a section.

Standard library only: the export runs on the read side, which never imports SQLAlchemy.
"""

from dataclasses import dataclass

FORMAT = "mltrack-export"
VERSION = 2  # raised only when a file of this version could not be read the new way
# Format 1 (revisions 0001-0005) held the old journals and the tables now derived from the
# journal; ``import`` converts it (``formats.legacy``).
OLDEST_VERSION = 1


@dataclass(frozen=True)
class Ref:
    """A foreign key written as the natural key of the row it points at (an item's slug)."""

    field: str  # the name in the file
    column: str  # the id column in the table
    table: str  # the table pointed at
    key: str  # that table's natural key column


@dataclass(frozen=True)
class RowRef:
    """A foreign key written as the position (from 0) of the row it points at in a section of
    the file: for rows without a natural key, such as the event an undo reverted."""

    field: str
    column: str
    section: str


Field = str | Ref | RowRef


@dataclass(frozen=True)
class Section:
    """One table of learner data as it appears in the export file."""

    name: str  # the key in the file
    table: str
    # In the order written. A plain string is a column copied as it is.
    fields: tuple[Field, ...]
    # Fields (or plain columns such as "id") that sort the rows; together they identify a row,
    # so that export order is stable.
    order: tuple[str, ...]
    # Fields no two rows of the file may share; () when rows are simply appended.
    key: tuple[str, ...] = ()
    # The Ref field naming the learner a row belongs to (rows with none are not learner data,
    # e.g. the seeded items); None for the learners themselves.
    owner: str | None = "learner"
    flags: tuple[str, ...] = ()  # boolean columns, written as true/false
    json: tuple[str, ...] = ()  # text columns holding JSON, written as JSON values

    def field_names(self) -> list[str]:
        return [name_of(field) for field in self.fields]

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if name_of(field) == name)


def name_of(field: Field) -> str:
    return field if isinstance(field, str) else field.field


def column_of(field: Field) -> str:
    return field if isinstance(field, str) else field.column


LEARNER = Ref("learner", "learner_id", "learner", "name")
ITEM = Ref("item", "item_id", "item", "slug")
AREA = Ref("area", "area_id", "area", "slug")
STEP = Ref("step", "step_id", "step", "slug")

# Columns that only seeded rows fill (provenance of the pathway's facts): the export covers
# learner data, so a learner's own items leave them at their defaults.
SEEDED_ONLY: dict[str, set[str]] = {
    "item": {"group_id", "on_the_job", "article_name", "provenance"},
    # Not seeded, but not written either: the pathway a learner follows is a projection of
    # its journal entry (plan ``pathway``), set again when the journal is replayed on import.
    "learner": {"pathway_id"},
}

SECTIONS: tuple[Section, ...] = (
    Section(
        "learners", "learner",
        fields=("name", "created_at", "target_date"),
        order=("name",), key=("name",), owner=None,
    ),
    Section(
        "items", "item",
        fields=(
            "slug", LEARNER, "title", "kind", STEP, AREA, "position", "required",
            "hours_estimate", "provider", "url", "source", "quote", "retired",
        ),
        order=("slug",), key=("slug",), flags=("required", "retired"),
    ),
    Section(
        "journal", "journal",
        fields=(
            "uid", LEARNER, "kind", "action", "subject", ITEM, "on_date", "recorded_at", "data",
            Ref("target", "target_id", "journal", "uid"),
            Ref("group", "group_id", "journal", "uid"), "superseded_by", "flag",
        ),
        order=("id",), key=("uid",), json=("data",),
    ),
)  # fmt: skip

SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}
SECTION_OF_TABLE = {section.table: section for section in SECTIONS}
