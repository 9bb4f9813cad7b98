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


def pathway_in_use() -> str:
    """SQL for the id of the pathway the learner (``:learner_id``) follows: the one chosen
    with ``pathway use`` while it is installed, else the shipped one. Uncorrelated, so SQLite
    works it out once per statement."""
    return (
        "(SELECT COALESCE((SELECT up.id FROM learner ul JOIN pathway up ON up.id = ul.pathway_id"
        " WHERE ul.id = :learner_id AND NOT up.retired),"
        " (SELECT sp.id FROM pathway sp WHERE sp.shipped)))"
    )


def visible_items(alias: str = "i") -> str:
    """SQL condition for the items a learner sees: current seeded ones in a step of the
    pathway they follow, and their own in a step of it, a step still part of the pathway.
    Every read and write that finds items uses it.

    Statements using it take a ``:learner_id`` parameter.
    """
    # Two OR-ed terms, each bounded by learner_id: SQLite reads them through the item's
    # learner_id index (MULTI-INDEX OR) rather than scanning every item.
    return (
        f"NOT {alias}.retired AND (({alias}.learner_id IS NULL AND EXISTS ("
        f"SELECT 1 FROM pathway_item rm JOIN step rs ON rs.id = rm.step_id"
        f" WHERE rm.pathway_id = {pathway_in_use()} AND rm.item_id = {alias}.id"
        f" AND NOT rs.retired)) OR ({alias}.learner_id = :learner_id AND EXISTS ("
        f"SELECT 1 FROM step rs WHERE rs.id = {alias}.step_id AND NOT rs.retired"
        f" AND rs.pathway_id = {pathway_in_use()})))"
    )


def item_step(alias: str = "i") -> str:
    """SQL for the id of the step an item sits in, in the pathway the learner follows (an item
    shared between pathways sits in a step of each); statements take ``:learner_id``."""
    return (
        f"COALESCE((SELECT sm.step_id FROM pathway_item sm WHERE sm.item_id = {alias}.id"
        f" AND sm.pathway_id = {pathway_in_use()}), {alias}.step_id)"
    )


def past_or_today(on: date | None, today: date) -> date:
    """The day something happened: ``on`` (never in the future) or today."""
    if on is not None and on > today:  # a date typed wrong: a usage error, like a bad format
        raise InputError(f"{on.isoformat()} is in the future")
    return on or today
