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
    UNDO = "undo"


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


EXPIRED = "expired"  # a certification goal's derived status: see ``core.rules.goal_status``
# A certification's status before the learner's first step for it (the journal stores it).
NO_GOAL = "none"


def sql_value(member: StrEnum) -> str:
    """``member`` as an SQL string literal, e.g. ``'done'`` (values are plain words)."""
    return f"'{member.value}'"


def sql_in(*members: StrEnum) -> str:
    """The members as an SQL list for ``IN``, e.g. ``('planned', 'enrolled')``."""
    return f"({', '.join(sql_value(member) for member in members)})"
