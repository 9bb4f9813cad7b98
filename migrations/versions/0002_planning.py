"""Planning: a learner's target date and own prerequisites; own items; events by date.

Revision ID: 0002_planning
Revises: 0001_initial
Create Date: 2026-11-25 22:02:53.650733
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_planning"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learner_prerequisite",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("requires_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("item_id <> requires_id", name=op.f("ck_learner_prerequisite_not_self")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_learner_prerequisite_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_learner_prerequisite_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(
            ["requires_id"], ["item.id"], name=op.f("fk_learner_prerequisite_requires_id_item")
        ),
        sa.PrimaryKeyConstraint(
            "learner_id", "item_id", "requires_id", name=op.f("pk_learner_prerequisite")
        ),
    )
    with op.batch_alter_table("learner_prerequisite", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learner_prerequisite_requires_id"), ["requires_id"], unique=False
        )

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("learner_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_item_learner_id"), ["learner_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_item_learner_id_learner"), "learner", ["learner_id"], ["id"]
        )

    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_date", sa.Date(), nullable=True))

    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_progress_event_learner_on_date", ["learner_id", "on_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_event_learner_on_date")

    with op.batch_alter_table("learner", schema=None) as batch_op:
        batch_op.drop_column("target_date")

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_item_learner_id_learner"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_item_learner_id"))
        batch_op.drop_column("learner_id")

    with op.batch_alter_table("learner_prerequisite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_prerequisite_requires_id"))

    op.drop_table("learner_prerequisite")
