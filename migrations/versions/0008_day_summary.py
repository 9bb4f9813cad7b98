"""A per-learner, per-day summary of the journal: ``learner_day`` (items finished, required
ones among them, minutes studied), so that streaks and weekly activity read one row per
active day rather than every entry ever made. Filled from the journal in the upgrade.

Revision ID: 0008_day_summary
Revises: 0007_journal
Create Date: 2026-11-29 23:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_day_summary"
down_revision: str | None = "0007_journal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learner_day",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("finished", sa.Integer(), nullable=False),
        sa.Column("required_finished", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "finished >= 0 AND required_finished >= 0 AND required_finished <= finished "
            "AND minutes >= 0",
            name=op.f("ck_learner_day_counts"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_learner_day_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("learner_id", "on_date", name=op.f("pk_learner_day")),
    )
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """Every learner's days computed from the journal (no new transaction: Alembic's is the
    one)."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild_days

    learners = [row[0] for row in bind.execute(sa.text("SELECT id FROM learner ORDER BY id"))]
    with borrowed_writer(bind) as store:
        for learner_id in learners:
            rebuild_days(store, learner_id)


def downgrade() -> None:
    op.drop_table("learner_day")
