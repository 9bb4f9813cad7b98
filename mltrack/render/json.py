"""JSON views: stable keys, documented in the README, pinned by tests."""

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import Any

from mltrack.learner_data import FORMAT, VERSION
from mltrack.queries.certs import CertOverview
from mltrack.queries.export import ExportSection
from mltrack.queries.pathway import ItemDetail, PathwayItem
from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport

PROGRESS_SCHEMA = "mltrack.progress/1"


def progress_json(report: ProgressReport) -> str:
    """The progress report as JSON (``schema`` names the shape's version)."""
    document = {
        "schema": PROGRESS_SCHEMA,
        "learner": report.learner,
        "overall": completion_dict(report.overall),
        "steps": [_group(group) for group in report.by_step],
        "areas": [_group(group) for group in report.by_area],
        "in_progress": [asdict(item) for item in report.in_progress],
    }
    return _dump(document)


def completion_dict(completion: Completion) -> dict[str, Any]:
    return {
        "required": {
            "done": completion.required_done,
            "total": completion.required_total,
            "skipped": completion.required_skipped,
            "percent": completion.percent,
        },
        "optional": {"done": completion.optional_done, "total": completion.optional_total},
        "hours": {
            "done": completion.hours_done,
            "total": completion.hours_total,
            "percent": completion.hours_percent,
        },
    }


def pathway_json(items: list[PathwayItem]) -> str:
    return _dump([asdict(item) for item in items])


def item_json(detail: ItemDetail) -> str:
    return _dump(asdict(detail))


def export_chunks(sections: Iterable[ExportSection]) -> Iterator[str]:
    """The export file, piece by piece as the rows arrive: one record per line, ASCII only
    (every other character escaped, so control characters survive any terminal or editor)."""
    yield f'{{\n  "format": {json.dumps(FORMAT)},\n  "version": {VERSION}'
    for section in sections:
        yield f",\n  {json.dumps(section.name)}: ["
        empty = True
        for record in section.rows:
            yield ("\n    " if empty else ",\n    ") + json.dumps(record)
            empty = False
        yield "]" if empty else "\n  ]"
    yield "\n}\n"


def _group(group: GroupCompletion) -> dict[str, Any]:
    return {"slug": group.slug, "title": group.title, **completion_dict(group.completion)}


def _dump(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def cert_overview_json(overview: CertOverview) -> str:
    """Certifications with the learner's goals, and the costs per currency in cents."""
    return _dump(asdict(overview))
