"""Row-level security for a cohort on PostgreSQL: each learner's role reads and writes only
its own rows; a mentor reads every row and writes none; the shipped pathway is read by all and
written by the owner only (who is not subject to the policies).

A learner's role is mapped to its learner row by name (``learner.name = current_user``, the
name ``mltrack cohort add-learner`` gives both); a mentor is any member of the ``mentor``
role. Roles and grants are made by ``mltrack cohort init``/``add-learner``/``add-mentor``:
the policies here name no role, so they can exist before any role does.

On SQLite this revision does nothing: a file has one user, and its permissions are the
file's.

Revision ID: 0014_cohort
Revises: 0013_item_time
Create Date: 2026-11-30 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_cohort"
down_revision: str | None = "0013_item_time"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every table of one learner's data (the journal and every projection), by its learner_id.
# Written out, not imported: a migration keeps the schema of its own day.
PER_LEARNER = (
    "journal",
    "progress",
    "cert_goal",
    "study_session",
    "reading_entry",
    "project",
    "learner_prerequisite",
    "learner_day",
    "review_card",
    "item_note",
    "study_week",
    "item_time",
)
OWN = "(SELECT mltrack_learner_id())"  # a sub-select: worked out once per statement
MENTOR = "(SELECT mltrack_is_mentor())"

FUNCTIONS = (
    """CREATE FUNCTION mltrack_learner_id() RETURNS integer LANGUAGE sql STABLE
       AS $$ SELECT id FROM learner WHERE name = current_user $$""",
    """CREATE FUNCTION mltrack_is_mentor() RETURNS boolean LANGUAGE sql STABLE
       AS $$ SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'mentor'
                            AND pg_has_role(current_user, r.oid, 'MEMBER')) $$""",
)


def _policies() -> list[str]:
    statements = []
    for table in PER_LEARNER:
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"CREATE POLICY learner_own ON {table} "
            f"USING (learner_id = {OWN}) WITH CHECK (learner_id = {OWN})",
            f"CREATE POLICY mentor_reads ON {table} FOR SELECT USING ({MENTOR})",
        ]
    return [
        *statements,
        # The learner row itself: its own, found by name (not by mltrack_learner_id(), which
        # reads this table).
        "ALTER TABLE learner ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY learner_own ON learner "
        "USING (name = current_user) WITH CHECK (name = current_user)",
        f"CREATE POLICY mentor_reads ON learner FOR SELECT USING ({MENTOR})",
        # Items: the shipped pathway (no learner) is read by all; a learner's own items are
        # that learner's to read and write.
        "ALTER TABLE item ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY pathway_reads ON item FOR SELECT USING (learner_id IS NULL)",
        f"CREATE POLICY learner_own ON item "
        f"USING (learner_id = {OWN}) WITH CHECK (learner_id = {OWN})",
        f"CREATE POLICY mentor_reads ON item FOR SELECT USING ({MENTOR})",
        # The search index: the pathway's rows (no learner) read by all, a learner's own.
        "ALTER TABLE search_index ENABLE ROW LEVEL SECURITY",
        "CREATE POLICY pathway_reads ON search_index FOR SELECT USING (learner_id IS NULL)",
        f"CREATE POLICY learner_own ON search_index "
        f"USING (learner_id = {OWN}) WITH CHECK (learner_id = {OWN})",
        f"CREATE POLICY mentor_reads ON search_index FOR SELECT USING ({MENTOR})",
        # A project's study areas belong to the project's learner.
        "ALTER TABLE project_area ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY learner_own ON project_area USING (project_id IN "
        f"(SELECT id FROM project WHERE learner_id = {OWN})) WITH CHECK (project_id IN "
        f"(SELECT id FROM project WHERE learner_id = {OWN}))",
        f"CREATE POLICY mentor_reads ON project_area FOR SELECT USING ({MENTOR})",
    ]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (*FUNCTIONS, *_policies()):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in (*PER_LEARNER, "learner", "item", "project_area", "search_index"):
        for policy in ("learner_own", "mentor_reads", "pathway_reads"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION mltrack_is_mentor()")
    op.execute("DROP FUNCTION mltrack_learner_id()")
