"""The vocabulary every layer shares: each enum defined once, here, and nowhere else.

Standard library only, so that the CLI (for its choices), the read side's SQL, the write side,
the models' CHECK constraints and the renderers all take their words from one place without
paying for SQLAlchemy. SQL takes a value through ``sql_value``/``sql_in`` (or as a bound
parameter), never as a bare literal, so renaming a value cannot leave a query behind.
"""

from enum import StrEnum


class ItemKind(StrEnum):
    DEGREE = "degree"
    COURSE = "course"
    TOPIC = "topic"
    CERTIFICATION = "certification"
    PROJECT = "project"
    RESOURCE = "resource"
    EXPERIENCE = "experience"


class ItemStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class EventAction(StrEnum):
    START = "start"
    DONE = "done"
    SKIP = "skip"
    RESET = "reset"


class CertStatus(StrEnum):
    """Where a learner's certification goal stands; "expired" is derived, never stored."""

    PLANNED = "planned"
    ENROLLED = "enrolled"
    PASSED = "passed"
    FAILED = "failed"
    DROPPED = "dropped"


class CertAction(StrEnum):
    GOAL = "goal"
    ENROLL = "enroll"
    PASS = "pass"
    FAIL = "fail"
    DROP = "drop"


class ReadingKind(StrEnum):
    BLOG = "blog"
    PODCAST = "podcast"
    PAPER = "paper"
    TALK = "talk"
    COURSE = "course"


class JournalKind(StrEnum):
    """What part of the record an entry changes (``history --kind`` filters on it)."""

    STATUS = "status"  # an item's status: start, done, skip, reset
    CERT = "cert"  # a certification goal: goal, enroll, pass, fail, drop
    STUDY = "study"  # a study session logged
    READING = "reading"  # a reading entry logged
    PROJECT = "project"  # a portfolio project: add, done
    PLAN = "plan"  # the target date, the learner's own orderings and items
    REVIEW = "review"  # spaced review of finished work: enable, disable, a rating
    NOTE = "note"  # a private note on an item: log (add), clear (remove)
    LINK = "link"  # a private link on an item: log (add), clear (remove)


class MetaAction(StrEnum):
    """Actions on entries rather than on the record; they carry their target's kind."""

    UNDO = "undo"
    AMEND = "amend"


class ProjectAction(StrEnum):
    ADD = "add"
    DONE = "done"


class PlanAction(StrEnum):
    """Subjects that exist or not: set/clear a target, require/unrequire an ordering, add or
    remove an own item, log a study session or reading entry (removed only by undo)."""

    SET = "set"
    CLEAR = "clear"
    LOG = "log"


class ReviewAction(StrEnum):
    """Opting an item or a study area in to (or out of) spaced review."""

    ENABLE = "enable"
    DISABLE = "disable"


class ReviewRating(StrEnum):
    """How a review went (FSRS's four grades): each is the action of a review entry."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


# The kinds of item that can be revised once finished (spaced review).
REVISABLE_KINDS: tuple[ItemKind, ...] = (ItemKind.TOPIC, ItemKind.COURSE)


class PathwayChange(StrEnum):
    """What installing a new version of a pathway did to one of its items (``whatsnew``)."""

    ADDED = "added"
    RETITLED = "retitled"
    RETIRED = "retired"


# Every action a journal entry can record, whatever its kind (the journal's CHECK).
JOURNAL_ACTIONS: tuple[type[StrEnum], ...] = (
    EventAction, CertAction, ProjectAction, PlanAction, MetaAction, ReviewAction, ReviewRating,
)  # fmt: skip


class NoteKind(StrEnum):
    """The rows of ``item_note``: the journal kinds that annotate an item."""

    NOTE = "note"
    LINK = "link"


class SearchSource(StrEnum):
    """What a ``mltrack search`` hit matched: an item's title, its article quote, a note of
    the learner's, or the title (or address) of a link of theirs."""

    TITLE = "title"
    QUOTE = "quote"
    NOTE = "note"
    LINK = "link"


EXPIRED = "expired"  # a certification goal's derived status: see ``core.rules.goal_status``
# A certification's status before the learner's first step for it (the journal stores it).
NO_GOAL = "none"


def sql_value(member: StrEnum) -> str:
    """``member`` as an SQL string literal, e.g. ``'done'`` (values are plain words)."""
    return f"'{member.value}'"


def sql_in(*members: StrEnum) -> str:
    """The members as an SQL list for ``IN``, e.g. ``('planned', 'enrolled')``."""
    return f"({', '.join(sql_value(member) for member in members)})"
