"""Pathways of one's own: the shipped pathway is marked ``shipped``, items join pathways
through ``pathway_item`` (filled here from each seeded item's step, so every id, progress row
and journal entry stays as it was), the log of what updates changed (``pathway_change``; what a
learner has seen of it is a journal entry) and the pathway a learner follows.

Revision ID: 0011_pathways
Revises: 0010_notes
Create Date: 2026-11-30 00:20:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011_pathways"
down_revision: str | None = "0010_notes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pathway") as batch_op:
        batch_op.add_column(sa.Column("shipped", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("retired", sa.Boolean(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("digest", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("installed_at", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.String(length=32), nullable=True))
    with op.batch_alter_table("learner") as batch_op:
        batch_op.add_column(sa.Column("pathway_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_learner_pathway_id_pathway"), "pathway", ["pathway_id"], ["id"]
        )
    op.create_table(
        "pathway_item",
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_pathway_item_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["pathway.id"], name=op.f("fk_pathway_item_pathway_id_pathway")
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["step.id"], name=op.f("fk_pathway_item_step_id_step")
        ),
        sa.PrimaryKeyConstraint("pathway_id", "item_id", name=op.f("pk_pathway_item")),
    )
    with op.batch_alter_table("pathway_item") as batch_op:
        batch_op.create_index(batch_op.f("ix_pathway_item_item_id"), ["item_id"], unique=False)
    op.create_table(
        "pathway_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("old_title", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "change IN ('added', 'retitled', 'retired')", name=op.f("ck_pathway_change_change")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_pathway_change_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["pathway.id"], name=op.f("fk_pathway_change_pathway_id_pathway")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway_change")),
    )
    with op.batch_alter_table("pathway_change") as batch_op:
        batch_op.create_index("ix_pathway_change_pathway_id", ["pathway_id", "id"], unique=False)
    # Until now a database held one pathway, the shipped one; every seeded item sat in one
    # step of it. Own items (learner_id set) stay in the pathway of their own step.
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    op.execute(sa.text("UPDATE pathway SET shipped = TRUE, installed_at = :now, updated_at = :now")
               .bindparams(now=now))  # fmt: skip
    op.execute(
        """INSERT INTO pathway_item (pathway_id, item_id, step_id, position)
           SELECT s.pathway_id, i.id, i.step_id, i.position
           FROM item i JOIN step s ON s.id = i.step_id
           WHERE i.learner_id IS NULL AND NOT i.retired"""
    )


def downgrade() -> None:
    # Items installed from other pathways stay as items of their home step.
    with op.batch_alter_table("pathway_change") as batch_op:
        batch_op.drop_index("ix_pathway_change_pathway_id")
    op.drop_table("pathway_change")
    with op.batch_alter_table("pathway_item") as batch_op:
        batch_op.drop_index(batch_op.f("ix_pathway_item_item_id"))
    op.drop_table("pathway_item")
    with op.batch_alter_table("learner") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_learner_pathway_id_pathway"), type_="foreignkey")
        batch_op.drop_column("pathway_id")
    with op.batch_alter_table("pathway") as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("installed_at")
        batch_op.drop_column("digest")
        batch_op.drop_column("retired")
        batch_op.drop_column("shipped")
