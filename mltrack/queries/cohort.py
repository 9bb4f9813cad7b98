"""Mentor views of a cohort: every learner the connection may see, side by side.

Built from the per-learner queries (``progress_report``, ``find_item``, the planning layer's
prerequisite edges). On PostgreSQL the server's row-level security decides who "every
learner" is: a mentor sees the cohort, a learner only themselves.
"""

from datetime import date
from typing import NamedTuple

from mltrack.core.rules import visible_items
from mltrack.core.vocabulary import ItemStatus, sql_in
from mltrack.queries.certs import CertWarning
from mltrack.queries.lookup import find_item
from mltrack.queries.planning import PREREQUISITE_EDGES
from mltrack.queries.progress import WARNING_DAYS, Completion, progress_report
from mltrack.queries.reader import Reader, first, status_of

NO_LEARNER = 0  # no learner has this id: the shipped pathway alone


class CohortLearner(NamedTuple):
    name: str
    overall: Completion
    steps: list[tuple[str, Completion]]  # (step slug, completion), in pathway order
    last_activity: str | None  # the date of the newest change the learner recorded
    certs_due: list[CertWarning]  # goal targets and expiries within WARNING_DAYS, or past


class CohortReport(NamedTuple):
    steps: list[tuple[str, str]]  # (slug, title), in pathway order
    learners: list[CohortLearner]
    within_days: int


LEARNERS_SQL = "SELECT id, name FROM learner ORDER BY name"
LAST_ACTIVITY_SQL = "SELECT MAX(on_date) AS last FROM journal WHERE learner_id = :learner_id"


def cohort_report(reader: Reader, today: date | None = None) -> CohortReport:
    """Each learner's completion overall and per step, last activity and certification dates
    due, in name order."""
    today = today or date.today()
    learners = []
    steps: list[tuple[str, str]] = []
    for row in reader.rows(LEARNERS_SQL):
        report = progress_report(reader, row["name"], row["id"], by=("step",), today=today)
        groups = report.groupings["step"]
        steps = steps or [(group.slug or "", group.title) for group in groups]
        last = first(reader, LAST_ACTIVITY_SQL, learner_id=row["id"])
        learners.append(
            CohortLearner(
                row["name"], report.overall,
                [(group.slug or "", group.completion) for group in groups],
                None if last is None or last["last"] is None else str(last["last"]),
                list(report.cert_warnings),
            )
        )  # fmt: skip
    return CohortReport(steps, learners, WARNING_DAYS)


class Readiness(NamedTuple):
    name: str
    status: str  # the learner's status of the item
    unmet: list[str]  # prerequisites neither done nor skipped, by slug

    @property
    def ready(self) -> bool:
        return not self.unmet


class CohortReadiness(NamedTuple):
    slug: str
    title: str
    learners: list[Readiness]


_STATUS_SQL = f"""
    SELECT {status_of()} AS status FROM item i
    LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
    WHERE i.id = :item_id
"""
_UNMET_SQL = f"""
    SELECT r.slug FROM ({PREREQUISITE_EDGES}) e
    JOIN item r ON r.id = e.requires_id
    LEFT JOIN progress rp ON rp.item_id = r.id AND rp.learner_id = :learner_id
    WHERE e.item_id = :item_id AND {visible_items("r")}
      AND {status_of("rp")} NOT IN {sql_in(ItemStatus.DONE, ItemStatus.SKIPPED)}
    ORDER BY r.slug
"""


def cohort_ready(reader: Reader, text: str) -> CohortReadiness:
    """For the pathway item ``text`` names: each learner's status of it and the prerequisites
    they still have to finish (none: ready)."""
    item = find_item(reader, NO_LEARNER, text)
    learners = []
    for row in reader.rows(LEARNERS_SQL):
        ids = {"learner_id": row["id"], "item_id": item.id}
        status = first(reader, _STATUS_SQL, **ids)
        unmet = [found["slug"] for found in reader.rows(_UNMET_SQL, **ids)]
        learners.append(Readiness(row["name"], status["status"] if status else "planned", unmet))
    return CohortReadiness(item.slug, item.title, learners)
