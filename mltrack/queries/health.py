"""``mltrack doctor``: what is wrong with a database file, found without changing it.

The file is opened read-only and never through ``prepare_database``: a damaged or outdated
database is reported as it is, not migrated, reseeded or repaired.
"""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from mltrack.core.dates import format_minutes
from mltrack.core.errors import MltrackError
from mltrack.core.limits import COLUMN_RANGES, MAX_DAY_MINUTES, name_key
from mltrack.queries.reader import Reader, SqliteReader
from mltrack.store.db import connect_read_only, foreign_key_problems, integrity_problems
from mltrack.store.files import FileState, check_writable, inspect_file
from mltrack.store.revisions import HEAD_REVISION
from mltrack.store.schema import REGENERATE, differences, expected_text, schema_text

OK, WARN, FAIL = "ok", "warn", "fail"
SHOWN = 5  # examples listed per finding


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok, warn (worth knowing, not wrong) or fail
    detail: str


def check_database(path: Path) -> list[Check]:
    """Every check that applies, in order; stops early when the file cannot be read."""
    try:
        check_writable(path)
        info = inspect_file(path, verify_schema=False)
    except MltrackError as error:
        return [Check("database file", FAIL, str(error))]
    if info.state is FileState.NEW:
        return [Check("database file", FAIL, f"no mltrack database at {path} (missing or empty)")]
    checks = [Check("database file", OK, str(path))]
    connection = connect_read_only(path)
    try:
        checks += _sqlite_checks(connection)
        checks.append(_revision_check(info.revision))
        schema = _schema_check(connection, info.revision or "")
        checks.append(schema)
        if info.state is FileState.CURRENT and schema.status == OK:
            reader = SqliteReader(connection)
            checks += _seed_checks(reader, info.seed_digest)
            checks += [_learner_names(reader), _study_days(reader), _ranges(reader)]
    except sqlite3.DatabaseError as error:
        checks.append(Check("reading", FAIL, f"stopped: {error}"))
    finally:
        connection.close()
    return checks


def _sqlite_checks(connection: sqlite3.Connection) -> list[Check]:
    integrity = integrity_problems(connection)
    broken = foreign_key_problems(connection)
    return [
        Check("integrity", FAIL, _listed(integrity)) if integrity else Check("integrity", OK, "ok"),
        Check("foreign keys", FAIL, f"{len(broken)} broken: {_listed(broken)}")
        if broken
        else Check("foreign keys", OK, "every reference resolves"),
    ]


def _revision_check(revision: str | None) -> Check:
    if revision == HEAD_REVISION:
        return Check("schema revision", OK, f"{revision} (what this mltrack expects)")
    return Check(
        "schema revision",
        FAIL,
        f"{revision or 'none'}, this mltrack expects {HEAD_REVISION}: "
        "any other command upgrades it, keeping a backup",
    )


def _schema_check(connection: sqlite3.Connection, revision: str) -> Check:
    """Every way the file's tables, columns, constraints, indexes, triggers and views differ
    from what revision ``revision`` has (``mltrack.store.schema``), all of them named."""
    expected = expected_text(revision)
    if expected is None:
        return Check(
            "schema", FAIL, f"no schema is shipped for revision {revision!r}: {REGENERATE}"
        )
    found = differences(schema_text(connection), expected)
    if found:
        return Check(
            "schema", FAIL,
            f"{len(found)} difference(s) from revision {revision or 'base'}, so mltrack will "
            f"not use it: {'; '.join(found)}",
        )  # fmt: skip
    return Check("schema", OK, f"exactly what revision {revision or 'base'} has")


# The shipped pathway's items (pathways a learner installed have their own).
SEEDED_ITEMS_SQL = """
    SELECT i.slug, i.retired FROM item i
    JOIN pathway_item m ON m.item_id = i.id JOIN pathway p ON p.id = m.pathway_id AND p.shipped
    WHERE i.learner_id IS NULL
"""

RETIRED_PREREQUISITES_SQL = """
    SELECT i.slug FROM item_prerequisite p
    JOIN item i ON i.id = p.item_id JOIN item r ON r.id = p.requires_id
    WHERE r.retired AND NOT i.retired ORDER BY i.slug
"""


def _seed_checks(reader: Reader, stored_digest: str | None) -> list[Check]:
    from mltrack.formats.seed_files import seed_digest
    from mltrack.formats.seed_format import load_seed

    try:
        seed = load_seed()
    except MltrackError as error:
        return [Check("seed files", FAIL, str(error))]
    wanted = {entry.slug for entry in seed["item"]}
    rows = reader.rows(SEEDED_ITEMS_SQL)
    present = {row["slug"] for row in rows if not row["retired"]}
    missing, extra = sorted(wanted - present), sorted(present - wanted)
    differences = (
        "; ".join(
            f"{len(slugs)} to {verb}: {_listed(slugs)}"
            for verb, slugs in (("add", missing), ("retire", extra))
            if slugs
        )
        or "same items"
    )
    if stored_digest != seed_digest():
        seed_check = Check(
            "seed", WARN,
            f"the database holds another version of the pathway ({differences}); the next "
            "command reloads it, or run: mltrack seed",
        )  # fmt: skip
    elif missing or extra:
        seed_check = Check("seed", FAIL, f"items differ from the seed it claims: {differences}")
    else:
        seed_check = Check("seed", OK, f"all {len(wanted)} pathway items present")
    return [seed_check, _retired_prerequisites(reader), _retired_in_use(reader)]


def _retired_prerequisites(reader: Reader) -> Check:
    needing = [row["slug"] for row in reader.rows(RETIRED_PREREQUISITES_SQL)]
    if needing:
        return Check(
            "prerequisites", FAIL, f"current items require retired ones: {_listed(needing)}"
        )
    return Check("prerequisites", OK, "no current item requires a retired one")


# Learner data naming items: every table with both columns (the journal, its projections,
# the learner's orderings), found in the file's own schema; not the search index, whose rows
# only repeat what the item and the notes hold.
LEARNER_ITEM_TABLES_SQL = """
    SELECT m.name FROM sqlite_master m
    WHERE m.type = 'table'
      AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'item_id')
      AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'learner_id')
      AND m.name NOT LIKE 'search\\_index%' ESCAPE '\\'
    ORDER BY m.name
"""


def retired_in_use_sql(tables: list[str]) -> str:
    """Retired items and how many rows of learner data in ``tables`` still name them."""
    parts = [f"SELECT t.item_id FROM {table} t WHERE t.item_id IS NOT NULL" for table in tables]
    return f"""
        SELECT i.slug, COUNT(*) AS uses
        FROM ({" UNION ALL ".join(parts)}) u JOIN item i ON i.id = u.item_id
        WHERE i.retired
        GROUP BY i.slug ORDER BY i.slug
    """


# The same question of a server's catalogue (see the dialect policy in services.engines).
LEARNER_ITEM_TABLES_CATALOGUE_SQL = """
    SELECT c.table_name AS name FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.column_name IN ('item_id', 'learner_id')
      AND c.table_name NOT LIKE 'search\\_index%' ESCAPE '\\'
    GROUP BY c.table_name HAVING COUNT(*) = 2
    ORDER BY c.table_name
"""


def learner_item_tables_sql(dialect: str) -> str:
    """The query naming every table with both ``item_id`` and ``learner_id`` columns."""
    return LEARNER_ITEM_TABLES_SQL if dialect == "sqlite" else LEARNER_ITEM_TABLES_CATALOGUE_SQL


def _retired_in_use(reader: Reader) -> Check:
    sql = learner_item_tables_sql(getattr(reader, "dialect", "sqlite"))
    tables = [row["name"] for row in reader.rows(sql)]
    rows = reader.rows(retired_in_use_sql(tables)) if tables else []
    if not rows:
        return Check("retired items", OK, "no learner data names a retired item")
    uses = [f"{row['slug']} ({row['uses']})" for row in rows]
    return Check(
        "retired items", WARN,
        f"{len(uses)} left the pathway but learner data still names them, kept as history: "
        f"{_listed(uses)}",
    )  # fmt: skip


# Rules input follows since mltrack.core.limits: data stored before them is kept as it is,
# and reported here (warn) so that the learner can put it right.


def _learner_names(reader: Reader) -> Check:
    groups: dict[str, list[str]] = {}
    for row in reader.rows("SELECT name FROM learner ORDER BY name"):
        groups.setdefault(name_key(row["name"]), []).append(row["name"])
    clashes = [" and ".join(repr(n) for n in names) for names in groups.values() if len(names) > 1]
    if clashes:
        return Check(
            "learner names", WARN,
            f"{len(clashes)} differing only in case, kept as they are; --learner must spell "
            f"them exactly: {_listed(clashes)}",
        )  # fmt: skip
    return Check("learner names", OK, "no two differ only in case")


STUDY_DAYS_SQL = """
    SELECT l.name, s.on_date, SUM(s.minutes) AS minutes
    FROM study_session s JOIN learner l ON l.id = s.learner_id
    GROUP BY s.learner_id, s.on_date HAVING SUM(s.minutes) > :most
    ORDER BY l.name, s.on_date
"""


def _study_days(reader: Reader) -> Check:
    days = [f"{row['name']} {row['on_date']} ({format_minutes(row['minutes'])})"
            for row in reader.rows(STUDY_DAYS_SQL, most=MAX_DAY_MINUTES)]  # fmt: skip
    if days:
        return Check(
            "study time", WARN,
            f"{len(days)} days with more than {format_minutes(MAX_DAY_MINUTES)} logged, kept "
            f"as they are: {_listed(days)}",
        )  # fmt: skip
    return Check("study time", OK, f"no day has more than {format_minutes(MAX_DAY_MINUTES)}")


def _ranges(reader: Reader) -> Check:
    outside = []
    for (table, column), (low, high) in COLUMN_RANGES.items():
        sql = f"SELECT COUNT(*) AS n FROM {table} WHERE {column} < :low OR {column} > :high"
        [row] = reader.rows(sql, low=low, high=high)
        if row["n"]:
            outside.append(f"{table}.{column} ({row['n']} outside {low:,} to {high:,})")
    if outside:
        return Check("value ranges", WARN, f"stored values out of range: {_listed(outside)}")
    return Check("value ranges", OK, "every number within its range")


def _listed(values: list[str]) -> str:
    shown = ", ".join(values[:SHOWN])
    return shown + (f" and {len(values) - SHOWN} more" if len(values) > SHOWN else "")
