"""Reads flat in the length of history.

- ``ix_journal_learner_item`` (learner, item, date): ``show ITEM`` reads the item's newest
  entries instead of sorting all of them, and ``ix_journal_item_amendments`` finds the
  item's amendments among its few rather than among the learner's.
- ``ix_learner_day_finished``: the days with a finish (streaks, pace) from the index alone.
- ``study_week``: minutes and sessions per learner, ISO week and study area, a projection of
  the study sessions (filled here from them), so that the hours per week and per area read a
  few rows a week.

Revision ID: 0012_read_totals
Revises: 0011_pathways
Create Date: 2026-11-30 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mltrack.core.vocabulary import MetaAction, sql_value

revision: str = "0012_read_totals"
down_revision: str | None = "0011_pathways"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_journal_learner_item", "journal", ["learner_id", "item_id", "on_date"], unique=False
    )
    op.create_index(
        "ix_journal_item_amendments", "journal", ["learner_id", "item_id"], unique=False,
        sqlite_where=sa.text(f"action = {sql_value(MetaAction.AMEND)}"),
        postgresql_where=sa.text(f"action = {sql_value(MetaAction.AMEND)}"),
    )  # fmt: skip
    op.create_index(
        "ix_learner_day_finished", "learner_day",
        ["learner_id", "on_date", "finished", "required_finished"], unique=False,
        sqlite_where=sa.text("finished > 0"),
        postgresql_where=sa.text("finished > 0"),
    )  # fmt: skip
    op.create_table(
        "study_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.CheckConstraint("minutes >= 0 AND sessions > 0", name=op.f("ck_study_week_counts")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_study_week_area_id_area")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_study_week_learner_id_learner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_week")),
    )
    op.create_index(
        "ix_study_week_learner_week", "study_week",
        ["learner_id", "week_start", "area_id", "minutes", "sessions"],
    )  # fmt: skip
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """Every learner's weeks summed from the study sessions (in Alembic's transaction)."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild_weeks

    with borrowed_writer(bind) as store:
        for learner_id in [row["id"] for row in store.rows("SELECT id FROM learner ORDER BY id")]:
            rebuild_weeks(store, learner_id)


def downgrade() -> None:
    op.drop_index("ix_study_week_learner_week", table_name="study_week")
    op.drop_table("study_week")
    op.drop_index("ix_learner_day_finished", table_name="learner_day")
    op.drop_index("ix_journal_item_amendments", table_name="journal")
    op.drop_index("ix_journal_learner_item", table_name="journal")
