"""Rules both the read and the write side apply, kept once (standard library only)."""

from datetime import date

from mltrack.core.errors import InputError
from mltrack.core.vocabulary import EXPIRED, CertStatus


def goal_status(stored: str | None, expires_on: date | None, today: date) -> str | None:
    """The status a learner sees for a certification goal: a pass whose expiry date is behind
    us reads "expired" (derived, never stored); None where there is no goal."""
    if stored == CertStatus.PASSED and expires_on is not None and expires_on < today:
        return EXPIRED
    return stored


def visible_items(alias: str = "i") -> str:
    """SQL condition for the items a learner sees: current seeded ones and their own, in a
    step that is still part of the pathway. Every read and write that finds items uses it.

    Statements using it take a ``:learner_id`` parameter.
    """
    return (
        f"NOT {alias}.retired AND ({alias}.learner_id IS NULL OR {alias}.learner_id = :learner_id)"
        f" AND NOT EXISTS (SELECT 1 FROM step rs WHERE rs.id = {alias}.step_id AND rs.retired)"
    )


def past_or_today(on: date | None, today: date) -> date:
    """The day something happened: ``on`` (never in the future) or today."""
    if on is not None and on > today:  # a date typed wrong: a usage error, like a bad format
        raise InputError(f"{on.isoformat()} is in the future")
    return on or today
