"""The journals of format 1 (revisions 0001-0005): progress events, certification events and
their undos, and the tables that had no journal, turned into entries of the one journal."""

from typing import Any


def journal_from_legacy_tables(connection: Any) -> None:
    """Convert the old journals of a database into ``journal`` entries (migration 0007)."""
    for table in ("progress_event", "cert_event", "study_session", "reading_entry", "project"):
        if connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar():
            raise NotImplementedError("converting existing learner data comes next")
