"""Notes and links per item, and the search index.

``item_note`` holds the learner's notes and links (a projection of the journal's ``note`` and
``link`` entries, which the journal's ``kind`` CHECK now allows). ``search_index`` is what
``mltrack search`` reads: item titles and article quotes (written by seeding), notes and link
titles (written by the journal's write path). It is an FTS5 table where SQLite has FTS5, and a
plain table with the same columns (searched with LIKE) where it does not; either way it is
derived data, rebuilt by seeding and ``doctor --repair``, and left out of the schema snapshots
(its shape depends on the SQLite build).

Revision ID: 0010_notes
Revises: 0009_review
Create Date: 2026-11-30 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_notes"
down_revision: str | None = "0009_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_KINDS = "'status', 'cert', 'study', 'reading', 'project', 'plan', 'review'"
NEW_KINDS = f"{OLD_KINDS}, 'note', 'link'"


def upgrade() -> None:
    # A rebuild on SQLite (its CHECKs cannot be altered); ALTER in place elsewhere.
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("journal", schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(op.f("ck_journal_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN ({NEW_KINDS})")
    op.create_table(
        "item_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.CheckConstraint("kind IN ('note', 'link')", name=op.f("ck_item_note_kind")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_item_note_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_note_item_id_item")),
        sa.ForeignKeyConstraint(
            ["journal_id"], ["journal.id"], name=op.f("fk_item_note_journal_id_journal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_note")),
        sa.UniqueConstraint("journal_id", name=op.f("uq_item_note_journal_id")),
    )
    with op.batch_alter_table("item_note", schema=None) as batch_op:
        batch_op.create_index("ix_item_note_learner_item", ["learner_id", "item_id"], unique=False)
    _fill(op.get_bind())


def _fill(bind: sa.Connection) -> None:
    """The search index, with every item's title and quote (no journal has notes yet)."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.search_index import index_items
    from mltrack.store.search import create_search_index

    if bind.dialect.name != "sqlite":  # no FTS5: the plain table, searched with LIKE
        bind.execute(
            sa.text(  # rowid: SQLite's own key, a column of its own here
                "CREATE TABLE search_index (rowid BIGINT PRIMARY KEY, body TEXT NOT NULL, "
                "learner_id INTEGER, item_id INTEGER NOT NULL, source TEXT NOT NULL)"
            )
        )
        with borrowed_writer(bind) as store:
            index_items(store)
        return
    raw = bind.connection.driver_connection
    create_search_index(raw)
    with borrowed_writer(raw) as store:
        index_items(store)


def downgrade() -> None:
    from mltrack.store.search import drop_search_index

    drop_search_index(op.get_bind().connection.driver_connection)
    with op.batch_alter_table("item_note", schema=None) as batch_op:
        batch_op.drop_index("ix_item_note_learner_item")
    op.drop_table("item_note")
    op.execute("DELETE FROM journal WHERE kind IN ('note', 'link')")
    # A rebuild on SQLite (its CHECKs cannot be altered); ALTER in place elsewhere.
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("journal", schema=None, recreate=recreate) as batch_op:
        batch_op.drop_constraint(op.f("ck_journal_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN ({OLD_KINDS})")
