"""The schema of record: SQLAlchemy 2 typed models. Every change here ships as a migration."""

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mltrack.core.limits import MAX_SESSION_MINUTES
from mltrack.core.vocabulary import (
    JOURNAL_ACTIONS,
    CertStatus,
    ItemKind,
    ItemStatus,
    JournalKind,
    MetaAction,
    NoteKind,
    PathwayChange,
    ReadingKind,
    Vocabulary,
    sql_in,
    sql_value,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, *enums: type[Vocabulary]) -> str:
    """A CHECK expression keeping ``column`` to the values of ``enums``."""
    values = dict.fromkeys(member for enum in enums for member in enum)
    return f"{column} IN {sql_in(*values)}"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Meta(Base):
    """Key/value facts about the database itself (e.g. the digest of the seed it holds)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Pathway(Base):
    """A roadmap: the shipped one (``shipped``) or one a learner installed from a seed file."""

    __tablename__ = "pathway"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(200))
    shipped: Mapped[bool] = mapped_column(default=False, server_default="0")
    retired: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Fingerprint of the file it was last installed from (the shipped seed's: the meta row's).
    digest: Mapped[str | None] = mapped_column(String(80))
    installed_at: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[str | None] = mapped_column(String(32))


class PathwayItem(Base):
    """Membership: ``item`` sits in ``step`` of ``pathway``. An item shared by pathways (one
    slug) is one item in several of these; a learner's own items are in the pathway of their
    own step and have none."""

    __tablename__ = "pathway_item"
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True, index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id"))
    position: Mapped[int]


class PathwayChangeLog(Base):
    """What an install or update of a pathway did to its items, for ``whatsnew``."""

    __tablename__ = "pathway_change"
    __table_args__ = (
        CheckConstraint(one_of("change", PathwayChange), name="change"),
        Index("ix_pathway_change_pathway_id", "pathway_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    change: Mapped[PathwayChange] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    old_title: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[str] = mapped_column(String(32))


class Step(Base):
    """An ordered education step of the pathway (bachelor's, ML training, ML experience)."""

    __tablename__ = "step"
    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id"))
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(default=False)
    # Where the step comes from: JSON {"basis": "article", "quote"} or {"basis": "suggested", ...}.
    provenance: Mapped[str | None] = mapped_column(Text)


class Area(Base):
    """A study area the article lists under "Courses needed"."""

    __tablename__ = "area"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200))
    retired: Mapped[bool] = mapped_column(default=False)


class Item(Base):
    """One piece of work on the pathway: a degree, course, topic, certification, project..."""

    __tablename__ = "item"
    __table_args__ = (
        CheckConstraint(one_of("kind", ItemKind), name="kind"),
        CheckConstraint("hours_estimate IS NULL OR hours_estimate >= 0", name="hours_estimate"),
        Index("ix_item_step_position", "step_id", "position"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[ItemKind] = mapped_column(String(16))
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    position: Mapped[int]
    required: Mapped[bool] = mapped_column(default=True)
    hours_estimate: Mapped[float | None]
    provider: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)
    # NULL for the seeded pathway; a learner's own item otherwise (seeding never touches it).
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learner.id"), index=True)
    # An alternative route: completing any member of the group satisfies it (seeded items only).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("item_group.id"), index=True)
    # Work of the job itself (the article's "Day in the Life"): kept out of the pre-hire figures.
    on_the_job: Mapped[bool] = mapped_column(default=False, server_default="0")
    # The article's own spelling when mltrack corrected a name (searchable, shown by `show`).
    article_name: Mapped[str | None] = mapped_column(String(300))
    # Where each seeded fact comes from: JSON {fact: {"basis": "article"|"suggested", ...}}.
    provenance: Mapped[str | None] = mapped_column(Text)


class ItemGroup(Base):
    """Alternatives the article offers (Python or R; a bachelor's or high school and maths).

    Required-ness belongs to the group: it counts as one unit, done when any member is done.
    """

    __tablename__ = "item_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    required: Mapped[bool] = mapped_column(default=True)
    source: Mapped[str] = mapped_column(String(200))
    quote: Mapped[str] = mapped_column(Text, default="")
    retired: Mapped[bool] = mapped_column(default=False)


class ItemPrerequisite(Base):
    """``item`` should come after ``requires``, as the seed says."""

    __tablename__ = "item_prerequisite"
    __table_args__ = (CheckConstraint("item_id <> requires_id", name="not_self"),)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    requires_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True, index=True)


class LearnerPrerequisite(Base):
    """A learner's own ordering: for them, ``item`` comes after ``requires``."""

    __tablename__ = "learner_prerequisite"
    __table_args__ = (CheckConstraint("item_id <> requires_id", name="not_self"),)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    requires_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True, index=True)


class Learner(Base):
    __tablename__ = "learner"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    # The local date by which the learner means to finish the required pathway.
    target_date: Mapped[date | None] = mapped_column(Date)
    # The pathway the learner follows (``pathway use``); NULL: the shipped one.
    pathway_id: Mapped[int | None] = mapped_column(ForeignKey("pathway.id"))


class Progress(Base):
    """Where one learner stands on one item; no row means planned."""

    __tablename__ = "progress"
    __table_args__ = (CheckConstraint(one_of("status", ItemStatus), name="status"),)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True, index=True)
    status: Mapped[ItemStatus] = mapped_column(String(16))
    started_on: Mapped[date | None] = mapped_column(Date)
    finished_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_url: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[str] = mapped_column(String(32))


class CertGoal(Base):
    """A learner's goal for one certification item; its history is in ``cert_event``."""

    __tablename__ = "cert_goal"
    __table_args__ = (
        CheckConstraint(one_of("status", CertStatus), name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
    )
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True, index=True)
    status: Mapped[CertStatus] = mapped_column(String(16))
    target_date: Mapped[date | None] = mapped_column(Date)
    enrolled_on: Mapped[date | None] = mapped_column(Date)
    passed_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    credential_id: Mapped[str | None] = mapped_column(String(200))
    credential_url: Mapped[str | None] = mapped_column(String(500))
    # Exam attempts: every pass and fail counts one.
    attempts: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[str] = mapped_column(String(32))


class StudySession(Base):
    """Time a learner spent studying, optionally on one item.

    ``week_start`` (the Monday of ``on_date``'s week) is written with the row so that hours
    per week group in portable SQL, without date functions.
    """

    __tablename__ = "study_session"
    __table_args__ = (
        CheckConstraint(f"minutes > 0 AND minutes <= {MAX_SESSION_MINUTES}", name="minutes"),
        Index("ix_study_session_learner_on_date", "learner_id", "on_date"),
        Index("ix_study_session_learner_item", "learner_id", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    on_date: Mapped[date] = mapped_column(Date)
    week_start: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))
    journal_id: Mapped[int | None] = mapped_column(ForeignKey("journal.id"), unique=True)


class Project(Base):
    """A hands-on portfolio project on real data; done ones count toward ``step``."""

    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("learner_id", "slug", name="uq_project_learner_slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id"))
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    dataset: Mapped[str] = mapped_column(Text)
    repo_url: Mapped[str | None] = mapped_column(String(500))
    added_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class ProjectArea(Base):
    """A study area a project exercises."""

    __tablename__ = "project_area"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), primary_key=True, index=True)


class ReadingEntry(Base):
    """Continuing education: a blog post, podcast, paper, talk or course taken in."""

    __tablename__ = "reading_entry"
    __table_args__ = (
        CheckConstraint(one_of("kind", ReadingKind), name="kind"),
        Index("ix_reading_entry_learner_on_date", "learner_id", "on_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ReadingKind] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(String(500))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[str] = mapped_column(String(32))
    # The journal entry that logged it (``services.journal`` writes this projection).
    journal_id: Mapped[int | None] = mapped_column(ForeignKey("journal.id"), unique=True)


class Journal(Base):
    """Every change a learner makes, one row each: the record's single source of truth.

    The tables that answer questions fast (progress, cert_goal, study_session, reading_entry,
    project, the target date, the learner's orderings and own items) are projections of it,
    written in the same transaction by ``services.journal`` and rebuilt by replaying it
    (``doctor --repair``). The rules are ``core.journal.apply``. ``flag`` says why an entry
    that came from an older version or file breaks a rule of today: it is kept, never dropped,
    left out of the replay, and listed by ``doctor``.
    """

    __tablename__ = "journal"
    __table_args__ = (
        CheckConstraint(one_of("kind", JournalKind), name="kind"),
        CheckConstraint(one_of("action", *JOURNAL_ACTIONS), name="action"),
        # An item's or a goal's timeline (every write), the newest change (undo), a date
        # range (history), and the changes of one action per day (stats, pace, report).
        Index("ix_journal_timeline", "learner_id", "kind", "subject", "on_date", "recorded_at"),
        Index("ix_journal_learner_id", "learner_id", "id"),
        Index("ix_journal_learner_on_date", "learner_id", "on_date"),
        Index("ix_journal_learner_action", "learner_id", "kind", "action", "on_date"),
        # One item's entries newest first (show ITEM): its newest few, not all of them sorted.
        Index("ix_journal_learner_item", "learner_id", "item_id", "on_date"),
        # ...and the amendments among them (few), without walking the item's every entry.
        Index(
            "ix_journal_item_amendments",
            "learner_id",
            "item_id",
            sqlite_where=text(f"action = {sql_value(MetaAction.AMEND)}"),
            postgresql_where=text(f"action = {sql_value(MetaAction.AMEND)}"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    kind: Mapped[JournalKind] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[str] = mapped_column(String(32))
    data: Mapped[str] = mapped_column(Text, default="{}")
    target_id: Mapped[int | None] = mapped_column(ForeignKey("journal.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("journal.id"), index=True)
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    flag: Mapped[str | None] = mapped_column(Text)


class ItemNote(Base):
    """A learner's private note or link on an item: a projection of the journal's ``note``
    and ``link`` entries (one row per standing one; ``journal_id`` = the entry that added it,
    ``on_date`` and ``text`` as amended). ``text`` is the note, or the link's title."""

    __tablename__ = "item_note"
    __table_args__ = (
        CheckConstraint(one_of("kind", NoteKind), name="kind"),
        Index("ix_item_note_learner_item", "learner_id", "item_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    journal_id: Mapped[int] = mapped_column(ForeignKey("journal.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[str] = mapped_column(String(32))


class LearnerDay(Base):
    """One learner's day as the journal leaves it: items finished (the required ones among
    them) and minutes studied. A projection of the journal, rewritten for the days a change
    touches and rebuilt by ``doctor --repair``, so that streaks and weekly activity read one
    row per active day instead of every entry ever made. A day with nothing is no row.
    """

    __tablename__ = "learner_day"
    __table_args__ = (
        CheckConstraint(
            "finished >= 0 AND required_finished >= 0 AND required_finished <= finished "
            "AND minutes >= 0",
            name="counts",
        ),
        # The days with an item finished (streaks, pace), read from the index alone.
        Index(
            "ix_learner_day_finished",
            "learner_id",
            "on_date",
            "finished",
            "required_finished",
            sqlite_where=text("finished > 0"),
            postgresql_where=text("finished > 0"),
        ),
    )
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, primary_key=True)
    finished: Mapped[int] = mapped_column(default=0)
    required_finished: Mapped[int] = mapped_column(default=0)
    minutes: Mapped[int] = mapped_column(default=0)


class StudyWeek(Base):
    """One learner's study in one ISO week on one study area (none: sessions on no item, or on
    an item without an area): minutes and sessions. A projection of the study sessions,
    rewritten for the weeks a change touches and rebuilt with the day summary, so that the
    hours per week and per area of ``stats`` and ``log --list`` read a few rows a week however
    many sessions the weeks hold.
    """

    __tablename__ = "study_week"
    __table_args__ = (
        CheckConstraint("minutes >= 0 AND sessions > 0", name="counts"),
        # A learner's weeks from a Monday on, read from the index alone.
        Index(
            "ix_study_week_learner_week",
            "learner_id",
            "week_start",
            "area_id",
            "minutes",
            "sessions",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"))
    week_start: Mapped[date] = mapped_column(Date)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    minutes: Mapped[int]
    sessions: Mapped[int]


class ItemTime(Base):
    """One learner's study on one item: minutes and sessions in all. A projection of the study
    sessions, rewritten for the item a study change is about and rebuilt with the other
    summaries, so that ``show ITEM`` reads one row however many sessions the item holds."""

    __tablename__ = "item_time"
    __table_args__ = (CheckConstraint("minutes >= 0 AND sessions > 0", name="counts"),)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    minutes: Mapped[int]
    sessions: Mapped[int]


class CareerFact(Base):
    """A salary or outlook figure, with the source the article names for it."""

    __tablename__ = "career_fact"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(200))
    value: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    retired: Mapped[bool] = mapped_column(default=False)
    quote: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Where and when the figure holds, as the article or its source's link says (NULL: not said).
    country: Mapped[str | None] = mapped_column(String(100))
    period: Mapped[str | None] = mapped_column(String(100))


class CareerSource(Base):
    """A source the article lists at its end, with its link."""

    __tablename__ = "career_source"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(500))
    retired: Mapped[bool] = mapped_column(default=False)


class ReviewCard(Base):
    """Spaced review of a finished item (subject: its slug) or a study area's opt-in
    (``area:<slug>``, no card): a projection of the learner's review entries, written with
    each of them and rebuilt by replay. ``enabled`` NULL leaves an item to its area; the card
    columns hold the FSRS schedule that the ratings so far lead to (``services.review``)."""

    __tablename__ = "review_card"
    __table_args__ = (Index("ix_review_card_learner_due_on", "learner_id", "due_on"),)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learner.id"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300), primary_key=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    enabled: Mapped[bool | None]
    reviews: Mapped[int] = mapped_column(default=0)
    last_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    stability: Mapped[float | None]
    difficulty: Mapped[float | None]
    # fsrs.Card.to_dict() as JSON: the whole card, so that a later version can read it back.
    card: Mapped[str | None] = mapped_column(Text)
