"""Initial schema: the pathway (steps, areas, items, prerequisites), learners and progress.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-25 21:55:53.378064
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_initial"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "area",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area")),
        sa.UniqueConstraint("slug", name=op.f("uq_area_slug")),
    )
    op.create_table(
        "career_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_fact")),
        sa.UniqueConstraint("slug", name=op.f("uq_career_fact_slug")),
    )
    op.create_table(
        "learner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learner")),
        sa.UniqueConstraint("name", name=op.f("uq_learner_name")),
    )
    op.create_table(
        "meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_meta")),
    )
    op.create_table(
        "pathway",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathway")),
        sa.UniqueConstraint("slug", name=op.f("uq_pathway_slug")),
    )
    op.create_table(
        "step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pathway_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pathway_id"], ["pathway.id"], name=op.f("fk_step_pathway_id_pathway")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step")),
        sa.UniqueConstraint("slug", name=op.f("uq_step_slug")),
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("hours_estimate", sa.Double(), nullable=True),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('degree', 'course', 'topic', 'certification', 'project', 'resource', "
            "'experience')",
            name=op.f("ck_item_kind"),
        ),
        sa.CheckConstraint(
            "hours_estimate IS NULL OR hours_estimate >= 0", name=op.f("ck_item_hours_estimate")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_item_area_id_area")),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], name=op.f("fk_item_step_id_step")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("slug", name=op.f("uq_item_slug")),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_area_id"), ["area_id"], unique=False)
        batch_op.create_index("ix_item_step_position", ["step_id", "position"], unique=False)

    op.create_table(
        "item_prerequisite",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("requires_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("item_id <> requires_id", name=op.f("ck_item_prerequisite_not_self")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_item_prerequisite_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["requires_id"], ["item.id"], name=op.f("fk_item_prerequisite_requires_id_item")
        ),
        sa.PrimaryKeyConstraint("item_id", "requires_id", name=op.f("pk_item_prerequisite")),
    )
    with op.batch_alter_table("item_prerequisite", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_prerequisite_requires_id"), ["requires_id"], unique=False
        )

    op.create_table(
        "progress",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("finished_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'skipped')",
            name=op.f("ck_progress_status"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_progress_item_id_item")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_progress_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("learner_id", "item_id", name=op.f("pk_progress")),
    )
    with op.batch_alter_table("progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_item_id"), ["item_id"], unique=False)

    op.create_table(
        "progress_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("prior", sa.Text(), nullable=True),
        sa.Column("undoes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "action IN ('start', 'done', 'skip', 'reset', 'undo')",
            name=op.f("ck_progress_event_action"),
        ),
        sa.CheckConstraint(
            "from_status IN ('planned', 'in_progress', 'done', 'skipped')",
            name=op.f("ck_progress_event_from_status"),
        ),
        sa.CheckConstraint(
            "to_status IN ('planned', 'in_progress', 'done', 'skipped')",
            name=op.f("ck_progress_event_to_status"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_progress_event_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_progress_event_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(
            ["undoes_id"],
            ["progress_event.id"],
            name=op.f("fk_progress_event_undoes_id_progress_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_event")),
        sa.UniqueConstraint("undoes_id", name=op.f("uq_progress_event_undoes_id")),
    )
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_event_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_progress_event_learner_occurred", ["learner_id", "occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_event_learner_occurred")
        batch_op.drop_index(batch_op.f("ix_progress_event_item_id"))

    op.drop_table("progress_event")
    with op.batch_alter_table("progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progress_item_id"))

    op.drop_table("progress")
    with op.batch_alter_table("item_prerequisite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_prerequisite_requires_id"))

    op.drop_table("item_prerequisite")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("ix_item_step_position")
        batch_op.drop_index(batch_op.f("ix_item_area_id"))

    op.drop_table("item")
    op.drop_table("step")
    op.drop_table("pathway")
    op.drop_table("meta")
    op.drop_table("learner")
    op.drop_table("career_fact")
    op.drop_table("area")
