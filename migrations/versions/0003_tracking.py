"""Tracking: certification goals and their journal, study sessions, projects, reading log.

Also links a progress event to the certification pass that made it, so undo reverts both.

Revision ID: 0003_tracking
Revises: 0002_planning
Create Date: 2026-11-25 22:10:54.421705
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_tracking"
down_revision: str | None = "0002_planning"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("dataset", sa.Text(), nullable=False),
        sa.Column("repo_url", sa.String(length=500), nullable=True),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_project_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(["step_id"], ["step.id"], name=op.f("fk_project_step_id_step")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("learner_id", "slug", name="uq_project_learner_slug"),
    )
    op.create_table(
        "cert_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.String(length=32), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("cost_cents", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("prior", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('goal', 'enroll', 'pass', 'fail', 'drop')",
            name=op.f("ck_cert_event_action"),
        ),
        sa.CheckConstraint(
            "(cost_cents IS NULL AND currency IS NULL)"
            " OR (cost_cents >= 0 AND LENGTH(currency) = 3)",
            name=op.f("ck_cert_event_cost"),
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_cert_event_item_id_item")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_cert_event_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cert_event")),
    )
    with op.batch_alter_table("cert_event", schema=None) as batch_op:
        batch_op.create_index("ix_cert_event_learner_item", ["learner_id", "item_id"], unique=False)

    op.create_table(
        "cert_goal",
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=True),
        sa.Column("enrolled_on", sa.Date(), nullable=True),
        sa.Column("passed_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("credential_id", sa.String(length=200), nullable=True),
        sa.Column("credential_url", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'enrolled', 'passed', 'failed', 'dropped')",
            name=op.f("ck_cert_goal_status"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_cert_goal_attempts")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_cert_goal_item_id_item")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_cert_goal_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("learner_id", "item_id", name=op.f("pk_cert_goal")),
    )
    with op.batch_alter_table("cert_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cert_goal_item_id"), ["item_id"], unique=False)

    op.create_table(
        "project_area",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_project_area_area_id_area")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_project_area_project_id_project")
        ),
        sa.PrimaryKeyConstraint("project_id", "area_id", name=op.f("pk_project_area")),
    )
    with op.batch_alter_table("project_area", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_project_area_area_id"), ["area_id"], unique=False)

    op.create_table(
        "reading_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "kind IN ('blog', 'podcast', 'paper', 'talk', 'course')",
            name=op.f("ck_reading_entry_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_reading_entry_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_reading_entry_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_entry")),
    )
    with op.batch_alter_table("reading_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reading_entry_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_reading_entry_learner_on_date", ["learner_id", "on_date"], unique=False
        )

    op.create_table(
        "study_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "minutes > 0 AND minutes <= 1440", name=op.f("ck_study_session_minutes")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["item.id"], name=op.f("fk_study_session_item_id_item")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_study_session_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_session")),
    )
    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_study_session_learner_item", ["learner_id", "item_id"], unique=False
        )
        batch_op.create_index(
            "ix_study_session_learner_on_date", ["learner_id", "on_date"], unique=False
        )

    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cert_event_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_progress_event_cert_event_id"), ["cert_event_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_progress_event_cert_event_id_cert_event"),
            "cert_event",
            ["cert_event_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_progress_event_cert_event_id_cert_event"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("uq_progress_event_cert_event_id"), type_="unique")
        batch_op.drop_column("cert_event_id")

    with op.batch_alter_table("study_session", schema=None) as batch_op:
        batch_op.drop_index("ix_study_session_learner_on_date")
        batch_op.drop_index("ix_study_session_learner_item")

    op.drop_table("study_session")
    with op.batch_alter_table("reading_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_reading_entry_learner_on_date")
        batch_op.drop_index(batch_op.f("ix_reading_entry_item_id"))

    op.drop_table("reading_entry")
    with op.batch_alter_table("project_area", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_area_area_id"))

    op.drop_table("project_area")
    with op.batch_alter_table("cert_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cert_goal_item_id"))

    op.drop_table("cert_goal")
    with op.batch_alter_table("cert_event", schema=None) as batch_op:
        batch_op.drop_index("ix_cert_event_learner_item")

    op.drop_table("cert_event")
    op.drop_table("project")
