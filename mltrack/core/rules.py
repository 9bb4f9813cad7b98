"""Rules both the read and the write side apply, kept once (standard library only)."""

from datetime import date

from mltrack.core.vocabulary import EXPIRED, CertStatus


def goal_status(stored: str | None, expires_on: date | None, today: date) -> str | None:
    """The status a learner sees for a certification goal: a pass whose expiry date is behind
    us reads "expired" (derived, never stored); None where there is no goal."""
    if stored == CertStatus.PASSED and expires_on is not None and expires_on < today:
        return EXPIRED
    return stored
