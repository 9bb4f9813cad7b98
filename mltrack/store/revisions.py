"""The migration revisions this code knows, so start-up can check a database without Alembic.

A test keeps these in step with ``migrations/versions``.
"""

KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_initial",
    "0002_planning",
    "0003_tracking",
    "0004_journal_indexes",
    "0005_cert_undo",
    "0006_provenance",
    "0007_journal",
    "0008_day_summary",
    "0009_review",
    "0010_notes",
    "0011_pathways",
    "0012_read_totals",
    "0013_item_time",
    "0014_cohort",
)
HEAD_REVISION = KNOWN_REVISIONS[-1]
