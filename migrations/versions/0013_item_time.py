"""Time per item from a maintained total.

- ``item_time``: minutes and sessions per learner and item, a projection of the study
  sessions (filled here from them), so that ``show ITEM`` reads one row instead of summing
  the item's every session.

Revision ID: 0013_item_time
Revises: 0012_read_totals
Create Date: 2026-11-30 01:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_item_time"
down_revision: str | None = "0012_read_totals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_time",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes >= 0 AND sessions > 0", name=op.f("ck_item_time_counts")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_time_item_id_item")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_item_time_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("learner_id", "item_id", name=op.f("pk_item_time")),
    )
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """Every learner's item totals summed from the study sessions (in Alembic's transaction)."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild_item_times

    with borrowed_writer(bind) as store:
        for learner_id in [row["id"] for row in store.rows("SELECT id FROM learner ORDER BY id")]:
            rebuild_item_times(store, learner_id)


def downgrade() -> None:
    op.drop_table("item_time")
