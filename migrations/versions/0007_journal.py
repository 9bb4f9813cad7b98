"""One journal of every change: the per-kind journals become entries of ``journal``.

``progress_event``, ``cert_event`` and ``cert_undo`` are converted (and dropped), study
sessions, reading entries, projects, target dates, the learner's own orderings and items get
the entry that made them; nothing is lost. Entries of the old journals that break today's
rules (an out-of-order timeline, a loop) are kept with a ``flag`` that ``doctor`` reports.
The downgrade converts back.

Revision ID: 0007_journal
Revises: 0006_provenance
Create Date: 2026-11-29 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_journal"
down_revision: str | None = "0006_provenance"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'status', 'cert', 'study', 'reading', 'project', 'plan'"
ACTIONS = (
    "'start', 'done', 'skip', 'reset', 'goal', 'enroll', 'pass', 'fail', 'drop', 'add', "
    "'set', 'clear', 'log', 'undo', 'amend'"
)


def upgrade() -> None:
    op.create_table(
        "journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by", sa.String(length=36), nullable=True),
        sa.Column("flag", sa.Text(), nullable=True),
        sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f("ck_journal_kind")),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name=op.f("ck_journal_action")),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learner.id"], name=op.f("fk_journal_learner_id_learner")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_journal_item_id_item")),
        sa.ForeignKeyConstraint(
            ["target_id"], ["journal.id"], name=op.f("fk_journal_target_id_journal")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["journal.id"], name=op.f("fk_journal_group_id_journal")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal")),
        sa.UniqueConstraint("uid", name=op.f("uq_journal_uid")),
    )
    with op.batch_alter_table("journal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_journal_timeline",
            ["learner_id", "kind", "subject", "on_date", "recorded_at"],
            unique=False,
        )
        batch_op.create_index("ix_journal_learner_id", ["learner_id", "id"], unique=False)
        batch_op.create_index("ix_journal_learner_on_date", ["learner_id", "on_date"], unique=False)
        batch_op.create_index(
            "ix_journal_learner_action", ["learner_id", "kind", "action", "on_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_journal_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_target_id"), ["target_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_journal_group_id"), ["group_id"], unique=False)
    for table in ("study_session", "reading_entry"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("journal_id", sa.Integer(), nullable=True))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_journal_id"), ["journal_id"])
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_journal_id_journal"), "journal", ["journal_id"], ["id"]
            )

    from mltrack.formats.legacy import journal_from_legacy_tables

    bind = op.get_bind()
    # Old journals exist only in SQLite files: a PostgreSQL database is created by this code,
    # its old tables empty (read on the driver's own connection, SQLite's).
    learners = journal_from_legacy_tables(bind) if bind.dialect.name == "sqlite" else []
    _rebuild(bind, learners)

    with op.batch_alter_table("cert_undo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cert_undo_learner_id"))
    op.drop_table("cert_undo")
    op.drop_table("progress_event")
    op.drop_table("cert_event")


def _rebuild(bind: sa.Connection, learners: list[int]) -> None:
    """Every projection written again from the journal; entries that break today's rules are
    flagged (no new transaction: Alembic's is the one)."""
    from mltrack.queries.reader import borrowed_writer
    from mltrack.services.journal import rebuild

    if not learners:  # a new database (every PostgreSQL one): nothing to rebuild
        return
    raw = bind.connection.driver_connection
    stamps = {table: raw.execute(f"SELECT updated_at, learner_id, item_id FROM {table}").fetchall()
              for table in ("progress", "cert_goal")}  # fmt: skip
    with borrowed_writer(bind) as store:
        for learner_id in learners:
            rebuild(store, learner_id, summary=False)  # learner_day: 0008
    for table, rows in stamps.items():  # the rows were rewritten, not changed: keep their time
        raw.executemany(
            f"UPDATE {table} SET updated_at = ? WHERE learner_id = ? AND item_id = ?", rows
        )


def downgrade() -> None:
    _create_legacy_tables()
    from mltrack.formats.legacy import legacy_tables_from_journal

    bind = op.get_bind()
    raw = bind.connection.driver_connection if bind.dialect.name == "sqlite" else _Named(bind)
    tables = legacy_tables_from_journal(raw)
    for table, records in (("cert_event", tables.cert_events), ("cert_undo", tables.cert_undos),
                           ("progress_event", tables.progress_events)):  # fmt: skip
        if records:
            names = list(records[0])
            raw.executemany(
                f"INSERT INTO {table} ({', '.join(names)}) "
                f"VALUES ({', '.join(':' + name for name in names)})",
                records,
            )
    for table in ("study_session", "reading_entry"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_journal_id_journal"), type_="foreignkey"
            )
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_journal_id"), type_="unique")
            batch_op.drop_column("journal_id")
    with op.batch_alter_table("journal", schema=None) as batch_op:
        for name in ("ix_journal_group_id", "ix_journal_target_id", "ix_journal_item_id"):
            batch_op.drop_index(batch_op.f(name))
        for name in ("ix_journal_learner_action", "ix_journal_learner_on_date",
                     "ix_journal_learner_id", "ix_journal_timeline"):  # fmt: skip
            batch_op.drop_index(name)
    op.drop_table("journal")


def _create_legacy_tables() -> None:
    """``cert_event``, ``cert_undo`` and ``progress_event`` as revision 0005 had them."""
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
    statuses = "'planned', 'in_progress', 'done', 'skipped'"
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
        sa.Column("cert_event_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "action IN ('start', 'done', 'skip', 'reset', 'undo')",
            name=op.f("ck_progress_event_action"),
        ),
        sa.CheckConstraint(
            f"from_status IN ({statuses})", name=op.f("ck_progress_event_from_status")
        ),
        sa.CheckConstraint(f"to_status IN ({statuses})", name=op.f("ck_progress_event_to_status")),
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
        sa.ForeignKeyConstraint(
            ["cert_event_id"],
            ["cert_event.id"],
            name=op.f("fk_progress_event_cert_event_id_cert_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progress_event")),
        sa.UniqueConstraint("undoes_id", name=op.f("uq_progress_event_undoes_id")),
        sa.UniqueConstraint("cert_event_id", name=op.f("uq_progress_event_cert_event_id")),
    )
    with op.batch_alter_table("progress_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_progress_event_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_progress_event_learner_on_date", ["learner_id", "on_date"], unique=False
        )
        batch_op.create_index(
            "ix_progress_event_learner_action",
            ["learner_id", "action", "on_date", "item_id"],
            unique=False,
        )
        batch_op.create_index("ix_progress_event_learner_id", ["learner_id", "id"], unique=False)
        batch_op.create_index(
            "ix_progress_event_learner_item", ["learner_id", "item_id", "occurred_at"], unique=False
        )


class _Named:
    """sqlite3's ``execute``/``executemany`` with ``:name`` parameters on another engine's
    SQLAlchemy connection (the downgrade's conversion is written for sqlite3)."""

    def __init__(self, bind: sa.Connection):
        self.bind = bind

    def execute(self, sql: str, params: object = None):  # type: ignore[no-untyped-def]
        return self.bind.execute(sa.text(sql), params or {}).cursor  # the DB-API cursor

    def executemany(self, sql: str, rows: list) -> None:  # type: ignore[type-arg]
        self.bind.execute(sa.text(sql), rows)
