"""Provenance of seeded facts: alternative groups, on-the-job items, corrected names, sources.

Revision ID: 0006_provenance
Revises: 0005_cert_undo
Create Date: 2026-11-29 22:03:06.789647
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_provenance"
down_revision: str | None = "0005_cert_undo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "career_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_source")),
        sa.UniqueConstraint("slug", name=op.f("uq_career_source_slug")),
    )
    op.create_table(
        "item_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_group")),
        sa.UniqueConstraint("slug", name=op.f("uq_item_group_slug")),
    )
    with op.batch_alter_table("career_fact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quote", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("country", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("period", sa.String(length=100), nullable=True))

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("on_the_job", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("article_name", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("provenance", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_item_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_item_group_id_item_group"), "item_group", ["group_id"], ["id"]
        )

    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provenance", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.drop_column("provenance")

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_item_group_id_item_group"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_item_group_id"))
        batch_op.drop_column("provenance")
        batch_op.drop_column("article_name")
        batch_op.drop_column("on_the_job")
        batch_op.drop_column("group_id")

    with op.batch_alter_table("career_fact", schema=None) as batch_op:
        batch_op.drop_column("period")
        batch_op.drop_column("country")
        batch_op.drop_column("quote")

    op.drop_table("item_group")
    op.drop_table("career_source")
