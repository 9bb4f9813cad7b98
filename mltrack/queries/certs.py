"""Certification goals as a learner sees them: status (expired derived), dates, costs, warnings."""

from datetime import date, timedelta
from typing import NamedTuple

from mltrack.core.rules import goal_status, item_step, visible_items
from mltrack.core.vocabulary import (
    CertAction,
    CertStatus,
    ItemKind,
    JournalKind,
    MetaAction,
    sql_in,
    sql_value,
)
from mltrack.queries.reader import Reader, Row

NO_LIMIT = "9999-12-31"
_DATE_COLUMNS = ("target_date", "enrolled_on", "passed_on", "expires_on")


class CertRow(NamedTuple):
    slug: str
    title: str
    provider: str | None
    own: bool  # an item the learner added, not a seeded one
    status: str | None  # planned, enrolled, passed, expired, failed, dropped; None: no goal
    target_date: str | None
    enrolled_on: str | None
    passed_on: str | None
    expires_on: str | None
    attempts: int
    credential_id: str | None
    credential_url: str | None


class CostTotal(NamedTuple):
    currency: str
    cents: int


class CertOverview(NamedTuple):
    certs: list[CertRow]
    costs: list[CostTotal]  # per currency, undone passes left out


class CertWarning(NamedTuple):
    """A goal's target date or a pass's expiry date that is near or past."""

    slug: str
    title: str
    what: str  # "target" or "expiry"
    on_date: str
    days_left: int  # negative once the date is past
    provider: str | None = None  # who offers it: certifications are told apart by it


CERTS_SQL = f"""
    SELECT i.slug, i.title, i.provider,
           CASE WHEN i.learner_id IS NULL THEN 0 ELSE 1 END AS own,
           g.status,
           g.target_date, g.enrolled_on, g.passed_on, g.expires_on,
           COALESCE(g.attempts, 0) AS attempts, g.credential_id, g.credential_url
    FROM item i
    JOIN step s ON s.id = {item_step()}
    LEFT JOIN cert_goal g ON g.item_id = i.id AND g.learner_id = :learner_id
    WHERE i.kind = {sql_value(ItemKind.CERTIFICATION)} AND {visible_items()}
    ORDER BY s.position, i.position
"""

# The certification steps that can carry a cost and stand: a step undone through
# ``mltrack undo`` (an undo entry targets it) or flagged costs nothing. The cost is in the
# entry's JSON data, which portable SQL cannot read: it is summed per currency in Python
# (a learner's certification steps are a few dozen at most).
COSTS_SQL = f"""
    SELECT e.data
    FROM journal e
    WHERE e.learner_id = :learner_id AND e.kind = {sql_value(JournalKind.CERT)}
      AND e.action IN {sql_in(CertAction.ENROLL, CertAction.PASS, CertAction.FAIL)}
      AND e.flag IS NULL
      AND NOT EXISTS (SELECT 1 FROM journal u WHERE u.target_id = e.id
                      AND u.action = {sql_value(MetaAction.UNDO)})
"""

_OPEN = sql_in(CertStatus.PLANNED, CertStatus.ENROLLED, CertStatus.FAILED)
DATES_SQL = f"""
    SELECT i.slug, i.title, 'target' AS what, g.target_date AS on_date, i.provider
    FROM cert_goal g JOIN item i ON i.id = g.item_id
    WHERE g.learner_id = :learner_id AND g.status IN {_OPEN}
      AND g.target_date <= :horizon AND {visible_items()}
    UNION ALL
    SELECT i.slug, i.title, 'expiry' AS what, g.expires_on AS on_date, i.provider
    FROM cert_goal g JOIN item i ON i.id = g.item_id
    WHERE g.learner_id = :learner_id AND g.status = {sql_value(CertStatus.PASSED)}
      AND g.expires_on <= :horizon AND {visible_items()}
    ORDER BY on_date, slug
"""


def cert_overview(reader: Reader, learner_id: int, today: date | None = None) -> CertOverview:
    """Every certification the learner sees with their goal, and what the goals cost."""
    today = today or date.today()
    rows = reader.rows(CERTS_SQL, learner_id=learner_id)
    certs = [_cert_row(row, today) for row in rows]
    return CertOverview(certs, cert_costs(reader, learner_id))


def cert_costs(reader: Reader, learner_id: int) -> list[CostTotal]:
    """What the learner's certification steps that stand cost, per currency."""
    import json  # here: progress imports this module for its warnings, which need no JSON

    totals: dict[str, int] = {}
    for row in reader.rows(COSTS_SQL, learner_id=learner_id):
        data = json.loads(row["data"] or "{}")
        if data.get("cost_cents") is not None and data.get("currency"):
            totals[data["currency"]] = totals.get(data["currency"], 0) + data["cost_cents"]
    return [CostTotal(currency, cents) for currency, cents in sorted(totals.items())]


def cert_warnings(
    reader: Reader, learner_id: int, within_days: int = 30, today: date | None = None
) -> list[CertWarning]:
    """Targets of open goals and expiry dates of passes within ``within_days`` or past."""
    today = today or date.today()
    horizon = (today + timedelta(days=within_days)).isoformat()
    return _warnings(reader, learner_id, horizon, today)


def cert_calendar(reader: Reader, learner_id: int, today: date | None = None) -> list[CertWarning]:
    """Every target date of an open goal and every expiry date of a pass (for iCalendar)."""
    return _warnings(reader, learner_id, NO_LIMIT, today or date.today())


def _warnings(reader: Reader, learner_id: int, horizon: str, today: date) -> list[CertWarning]:
    rows = reader.rows(DATES_SQL, learner_id=learner_id, horizon=horizon)
    return [
        CertWarning(
            row["slug"], row["title"], row["what"], str(row["on_date"]),
            (date.fromisoformat(str(row["on_date"])) - today).days, row["provider"],
        )
        for row in rows
    ]  # fmt: skip


def _cert_row(row: Row, today: date) -> CertRow:
    dates = _dates(row)
    expires_on = date.fromisoformat(dates["expires_on"]) if dates["expires_on"] else None
    status = goal_status(row["status"], expires_on, today)
    return CertRow(**{**row, "own": bool(row["own"]), "status": status, **dates})


def _dates(row: Row) -> dict[str, str | None]:
    """The goal's dates as ISO text, whatever type the driver returns them as."""
    return {name: None if row[name] is None else str(row[name]) for name in _DATE_COLUMNS}
