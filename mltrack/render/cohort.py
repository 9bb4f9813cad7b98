"""The cohort views, one function per format: learners x steps (Markdown, JSON, CSV), and who
is ready for an item (text, JSON)."""

from __future__ import annotations  # the query types below are for annotations only

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from mltrack.render.csv import cell
from mltrack.render.markdown import _cell
from mltrack.render.text import escape
from mltrack.render.wording import percent_text

if TYPE_CHECKING:
    from mltrack.queries.cohort import CohortLearner, CohortReadiness, CohortReport
    from mltrack.queries.progress import Completion


def _done(completion: Completion) -> str:
    """``3/5`` required items done of those that count."""
    return f"{completion.required_done}/{completion.required_counted}"


def _due(learner: CohortLearner) -> list[str]:
    return [f"{w.slug} {w.what} {w.on_date}" for w in learner.certs_due]


def cohort_markdown(report: CohortReport) -> str:
    """One row per learner: overall, each step (required done/counted), last activity and
    certification dates due."""
    steps = [slug for slug, _ in report.steps]
    header = ["learner", "overall", *steps, "last activity", "certifications due"]
    lines = [
        "# Cohort report",
        "",
        f"{len(report.learners)} learners. Each step counts required items done of those "
        "that count;",
        f"certification dates are those within {report.within_days} days or past.",
        "",
        "| " + " | ".join(_cell(text) for text in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for learner in report.learners:
        cells = [
            learner.name,
            f"{percent_text(learner.overall.percent)} ({_done(learner.overall)})",
            *[_done(completion) for _, completion in learner.steps],
            learner.last_activity or "-",
            "; ".join(_due(learner)) or "-",
        ]
        lines.append("| " + " | ".join(_cell(text) for text in cells) + " |")
    lines += ["", "Steps:", *[f"- {_cell(slug)}: {_cell(title)}" for slug, title in report.steps]]
    return "\n".join(lines) + "\n"


def _figures(completion: Completion) -> dict[str, Any]:
    return {"done": completion.required_done, "counted": completion.required_counted,
            "percent": completion.percent}  # fmt: skip


def cohort_document(report: CohortReport) -> dict[str, Any]:
    return {
        "schema": "mltrack.cohort/1",
        "steps": [{"slug": slug, "title": title} for slug, title in report.steps],
        "within_days": report.within_days,
        "learners": [
            {
                "name": learner.name,
                "overall": _figures(learner.overall),
                "steps": {slug: _figures(completion) for slug, completion in learner.steps},
                "last_activity": learner.last_activity,
                "certifications_due": [
                    {"slug": w.slug, "what": w.what, "on": w.on_date, "days_left": w.days_left}
                    for w in learner.certs_due
                ],
            }
            for learner in report.learners
        ],
    }


def cohort_json(report: CohortReport) -> str:
    return json.dumps(cohort_document(report), indent=2, ensure_ascii=True) + "\n"


def cohort_csv(report: CohortReport) -> str:
    """One row per learner and step (and one ``overall`` row per learner), for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", "step", "required_done", "required_counted", "required_percent",
                     "last_activity", "certifications_due"])  # fmt: skip
    for learner in report.learners:
        due = "; ".join(_due(learner))
        rows = [("overall", learner.overall), *learner.steps]
        for step, completion in rows:
            writer.writerow([
                cell(learner.name), cell(step), completion.required_done,
                completion.required_counted,
                "" if completion.percent is None else completion.percent,
                learner.last_activity or "", cell(due),
            ])  # fmt: skip
    return buffer.getvalue()


def ready_text(readiness: CohortReadiness) -> str:
    """Who has the item's prerequisites done (or skipped), and what the others still need."""
    ready = [r for r in readiness.learners if r.ready]
    lines = [f"{readiness.title} [{readiness.slug}]: {len(ready)} of "
             f"{len(readiness.learners)} learners ready"]  # fmt: skip
    for learner in readiness.learners:
        mark = "ready" if learner.ready else "waits for " + ", ".join(learner.unmet)
        lines.append(f"  {learner.name}  {learner.status.replace('_', ' ')}; {mark}")
    return "\n".join(escape(line) for line in lines) + "\n"


def ready_json(readiness: CohortReadiness) -> str:
    document = {
        "schema": "mltrack.cohort-ready/1",
        "item": {"slug": readiness.slug, "title": readiness.title},
        "learners": [
            {"name": r.name, "status": r.status, "ready": r.ready, "unmet": r.unmet}
            for r in readiness.learners
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"
