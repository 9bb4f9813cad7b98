"""Certification undo: the steps ``mltrack undo`` reverted, beside the append-only journal.

Revision ID: 0005_cert_undo
Revises: 0004_journal_indexes
Create Date: 2026-11-25 23:22:39.985804
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_cert_undo"
down_revision: str | None = "0004_journal_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cert_undo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("cert_event_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["cert_event_id"], ["cert_event.id"], name=op.f("fk_cert_undo_cert_event_id_cert_event")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_cert_undo_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cert_undo")),
        sa.UniqueConstraint("cert_event_id", name=op.f("uq_cert_undo_cert_event_id")),
    )
    with op.batch_alter_table("cert_undo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cert_undo_learner_id"), ["learner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cert_undo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cert_undo_learner_id"))

    op.drop_table("cert_undo")
