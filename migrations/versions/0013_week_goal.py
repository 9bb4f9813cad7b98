"""The time logged on an item read from an index alone: ``ix_study_session_learner_item``
becomes ``ix_study_session_learner_item_minutes`` (learner_id, item_id, minutes), so that the
forecast by study time and ``mltrack week`` sum the minutes of the open items without a
table lookup per session. The weekly goal itself (the ``week_goal`` subject of the journal's
``plan`` kind) needs no table: its timeline is one index range of the journal.

Revision ID: 0013_week_goal
Revises: 0012_read_totals
Create Date: 2026-11-30 00:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_week_goal"
down_revision: str | None = "0012_read_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("study_session") as batch:
        batch.drop_index("ix_study_session_learner_item")
        batch.create_index(
            "ix_study_session_learner_item_minutes", ["learner_id", "item_id", "minutes"]
        )


def downgrade() -> None:
    with op.batch_alter_table("study_session") as batch:
        batch.drop_index("ix_study_session_learner_item_minutes")
        batch.create_index("ix_study_session_learner_item", ["learner_id", "item_id"])
