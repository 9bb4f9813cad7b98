"""Spaced review: the journal takes ``review`` entries (enable, disable and the four FSRS
ratings), and ``review_card`` holds each item's schedule and each opt-in, a projection of
them (empty on upgrade: no review entry exists before this revision).

Revision ID: 0009_review
Revises: 0008_day_summary
Create Date: 2026-11-30 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_review"
down_revision: str | None = "0008_day_summary"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'status', 'cert', 'study', 'reading', 'project', 'plan'"
ACTIONS = (
    "'start', 'done', 'skip', 'reset', 'goal', 'enroll', 'pass', 'fail', 'drop', 'add', "
    "'set', 'clear', 'log', 'undo', 'amend'"
)
REVIEW_KINDS = "'review'"
REVIEW_ACTIONS = "'enable', 'disable', 'again', 'hard', 'good', 'easy'"


def upgrade() -> None:
    _journal_checks(f"{KINDS}, {REVIEW_KINDS}", f"{ACTIONS}, {REVIEW_ACTIONS}")
    op.create_table(
        "review_card",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=True),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("last_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("stability", sa.Double(), nullable=True),
        sa.Column("difficulty", sa.Double(), nullable=True),
        sa.Column("card", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_review_card_area_id_area")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_review_card_item_id_item")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_review_card_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("learner_id", "subject", name=op.f("pk_review_card")),
    )
    with op.batch_alter_table("review_card", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_card_learner_due_on", ["learner_id", "due_on"], unique=False
        )


def downgrade() -> None:
    op.drop_table("review_card")
    op.execute("DELETE FROM journal WHERE kind = 'review'")
    _journal_checks(KINDS, ACTIONS)


def _journal_checks(kinds: str, actions: str) -> None:
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_journal_kind"), type_="check")
        batch_op.drop_constraint(op.f("ck_journal_action"), type_="check")
        batch_op.create_check_constraint(op.f("ck_journal_kind"), f"kind IN ({kinds})")
        batch_op.create_check_constraint(op.f("ck_journal_action"), f"action IN ({actions})")
