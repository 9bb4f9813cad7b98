"""The vocabulary every layer shares: each set of words defined once, here, and nowhere else.

Standard library only, so that the CLI (for its choices), the read side's SQL, the write side,
the models' CHECK constraints and the renderers all take their words from one place without
paying for SQLAlchemy. SQL takes a value through ``sql_value``/``sql_in`` (or as a bound
parameter), never as a bare literal, so renaming a value cannot leave a query behind.

A set of words is a ``Vocabulary``: what a ``StrEnum`` gave this code (members that are the
str of their value, singletons, ``ItemStatus("done") is ItemStatus.DONE``, iteration in
definition order, ``.name``, ``.value``), made without the ``enum`` machinery, whose class
creation cost every command about a millisecond for these seventeen sets.
"""

from typing import Any


class _Words(type):
    """The metaclass of a vocabulary: each UPPER_CASE str in the class body becomes a member,
    an instance of the class equal to that str."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> "_Words":
        cls = super().__new__(mcs, name, bases, namespace)
        members: dict[str, Any] = {}
        for key, value in namespace.items():
            if key.isupper() and type(value) is str:
                member = str.__new__(cls, value)
                member.name = key
                setattr(cls, key, member)
                members[value] = member
        cls.members_by_value = members
        return cls

    def __call__(cls, value: object) -> Any:
        """The member whose value is ``value``; ValueError for any other."""
        try:
            return cls.members_by_value[value]
        except (KeyError, TypeError):
            raise ValueError(f"{value!r} is not a valid {cls.__name__}") from None

    def __iter__(cls) -> Any:
        return iter(cls.members_by_value.values())

    def __len__(cls) -> int:
        return len(cls.members_by_value)

    def __contains__(cls, value: object) -> bool:
        return isinstance(value, str) and value in cls.members_by_value


class Vocabulary(str, metaclass=_Words):
    """A closed set of words: ``class ItemStatus(Vocabulary): DONE = "done"``."""

    name: str  # the member's attribute name, e.g. "DONE"
    members_by_value: dict[str, Any]  # every member by its value, in definition order

    @property
    def value(self) -> str:
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}.{self.name}: {str.__repr__(self)}>"

    def __reduce__(self) -> tuple[Any, tuple[str]]:  # a copy or an unpickled one is the member
        return type(self), (str.__str__(self),)


class ItemKind(Vocabulary):
    DEGREE = "degree"
    COURSE = "course"
    TOPIC = "topic"
    CERTIFICATION = "certification"
    PROJECT = "project"
    RESOURCE = "resource"
    EXPERIENCE = "experience"


class ItemStatus(Vocabulary):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class EventAction(Vocabulary):
    START = "start"
    DONE = "done"
    SKIP = "skip"
    RESET = "reset"


class CertStatus(Vocabulary):
    """Where a learner's certification goal stands; "expired" is derived, never stored."""

    PLANNED = "planned"
    ENROLLED = "enrolled"
    PASSED = "passed"
    FAILED = "failed"
    DROPPED = "dropped"


class CertAction(Vocabulary):
    GOAL = "goal"
    ENROLL = "enroll"
    PASS = "pass"
    FAIL = "fail"
    DROP = "drop"


class ReadingKind(Vocabulary):
    BLOG = "blog"
    PODCAST = "podcast"
    PAPER = "paper"
    TALK = "talk"
    COURSE = "course"


class JournalKind(Vocabulary):
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


class MetaAction(Vocabulary):
    """Actions on entries rather than on the record; they carry their target's kind."""

    UNDO = "undo"
    AMEND = "amend"


class ProjectAction(Vocabulary):
    ADD = "add"
    DONE = "done"


class PlanAction(Vocabulary):
    """Subjects that exist or not: set/clear a target, require/unrequire an ordering, add or
    remove an own item, log a study session or reading entry (removed only by undo)."""

    SET = "set"
    CLEAR = "clear"
    LOG = "log"


class ReviewAction(Vocabulary):
    """Opting an item or a study area in to (or out of) spaced review."""

    ENABLE = "enable"
    DISABLE = "disable"


class ReviewRating(Vocabulary):
    """How a review went (FSRS's four grades): each is the action of a review entry."""

    AGAIN = "again"
    HARD = "hard"
    GOOD = "good"
    EASY = "easy"


# The kinds of item that can be revised once finished (spaced review).
REVISABLE_KINDS: tuple[ItemKind, ...] = (ItemKind.TOPIC, ItemKind.COURSE)


class PathwayChange(Vocabulary):
    """What installing a new version of a pathway did to one of its items (``whatsnew``)."""

    ADDED = "added"
    RETITLED = "retitled"
    RETIRED = "retired"


# Every action a journal entry can record, whatever its kind (the journal's CHECK).
JOURNAL_ACTIONS: tuple[type[Vocabulary], ...] = (
    EventAction, CertAction, ProjectAction, PlanAction, MetaAction, ReviewAction, ReviewRating,
)  # fmt: skip


class NoteKind(Vocabulary):
    """The rows of ``item_note``: the journal kinds that annotate an item."""

    NOTE = "note"
    LINK = "link"


class SearchSource(Vocabulary):
    """What a ``mltrack search`` hit matched: an item's title, its article quote, a note of
    the learner's, or the title (or address) of a link of theirs."""

    TITLE = "title"
    QUOTE = "quote"
    NOTE = "note"
    LINK = "link"


EXPIRED = "expired"  # a certification goal's derived status: see ``core.rules.goal_status``
# A certification's status before the learner's first step for it (the journal stores it).
NO_GOAL = "none"


def sql_value(member: Vocabulary) -> str:
    """``member`` as an SQL string literal, e.g. ``'done'`` (values are plain words)."""
    return f"'{member.value}'"


def sql_in(*members: Vocabulary) -> str:
    """The members as an SQL list for ``IN``, e.g. ``('planned', 'enrolled')``."""
    return f"({', '.join(sql_value(member) for member in members)})"
