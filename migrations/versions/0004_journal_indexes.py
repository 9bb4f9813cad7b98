"""Journal indexes: one per way the progress journal is read (show, undo, stats).

Revision ID: 0004_journal_indexes
Revises: 0003_tracking
Create Date: 2026-11-25 23:02:18.347614
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004_journal_indexes"
down_revision: str | None = "0003_tracking"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_event_learner_occurred"))
        batch_op.create_index(
            "ix_progress_event_learner_action",
            ["learner_id", "action", "on_date", "item_id"],
            unique=False,
        )
        batch_op.create_index("ix_progress_event_learner_id", ["learner_id", "id"], unique=False)
        batch_op.create_index(
            "ix_progress_event_learner_item", ["learner_id", "item_id", "occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_event_learner_item")
        batch_op.drop_index("ix_progress_event_learner_id")
        batch_op.drop_index("ix_progress_event_learner_action")
        batch_op.create_index(
            batch_op.f("ix_progress_event_learner_occurred"),
            ["learner_id", "occurred_at"],
            unique=False,
        )
