"""JSON views: stable keys, documented in the README ("JSON output"), pinned by tests.

Each ``*_document`` builds plain data; the ``*_json`` functions dump it. ``schema`` names the
shape and its version: keys may be added within a version, never renamed or removed.
"""

from __future__ import annotations  # the query types below are for annotations only

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from mltrack.formats.export_format import FORMAT, VERSION

if TYPE_CHECKING:  # names for annotations only: each command imports just what it shows
    from mltrack.core.pace import Forecast, Pace, Streak, TargetOutlook
    from mltrack.queries.certs import CertOverview
    from mltrack.queries.export import ExportSection
    from mltrack.queries.history import History
    from mltrack.queries.pathway import ItemDetail, PathwayItem
    from mltrack.queries.planning import NextItems
    from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport, Tally
    from mltrack.queries.report import ReportData
    from mltrack.queries.stats import (
        ActivitySection,
        ForecastSection,
        ReadingSection,
        StatsReport,
        StudySection,
    )

PROGRESS_SCHEMA = "mltrack.progress/1"
NEXT_SCHEMA = "mltrack.next/1"
HISTORY_SCHEMA = "mltrack.history/1"
STATS_SCHEMA = "mltrack.stats/1"
REPORT_SCHEMA = "mltrack.report/1"
# The key each grouping of the progress report is listed under.
GROUPING_KEYS = {"step": "steps", "area": "areas", "kind": "kinds", "provider": "providers"}


def progress_json(report: ProgressReport) -> str:
    """The progress report as JSON."""
    return _dump(progress_document(report))


def progress_document(report: ProgressReport) -> dict[str, Any]:
    return {
        "schema": PROGRESS_SCHEMA,
        "learner": report.learner,
        "overall": completion_dict(report.overall),
        **{
            GROUPING_KEYS[name]: [_group(group) for group in groups]
            for name, groups in report.groupings.items()
        },
        "in_progress": [asdict(item) for item in report.in_progress],
        "target": None if report.target is None else target_dict(report.target),
        "projects": [asdict(step) for step in report.projects],
        "cert_warnings": [asdict(warning) for warning in report.cert_warnings],
    }


def completion_dict(completion: Completion) -> dict[str, Any]:
    every = completion.scope(include_optional=True)
    return {
        "required": {
            "done": completion.required_done,
            "total": completion.required_total,
            "skipped": completion.required_skipped,
            "percent": completion.percent,
        },
        "optional": {
            "done": completion.optional_done,
            "total": completion.optional_total,
            "skipped": completion.optional_skipped,
        },
        "hours": {
            "done": completion.hours_done,
            "total": completion.hours_total,
            "percent": completion.hours_percent,
        },
        "all": {**_tally(every), "hours": _hours(every)},
    }


def target_dict(outlook: TargetOutlook) -> dict[str, Any]:
    return {
        "date": outlook.target.isoformat(),
        "days_left": outlook.days_left,
        "needed_per_week": outlook.needed_per_week,
        "on_track": outlook.on_track,
        "forecast": forecast_dict(outlook.forecast),
    }


def forecast_dict(forecast: Forecast) -> dict[str, Any]:
    finish = forecast.finish_on
    return {
        "state": forecast.state,
        "remaining": forecast.remaining,
        "finish_on": None if finish is None else finish.isoformat(),
        "pace": _pace(forecast.pace),
    }


def next_json(result: NextItems) -> str:
    return _dump(next_document(result))


def next_document(result: NextItems) -> dict[str, Any]:
    return {
        "schema": NEXT_SCHEMA,
        "learner": result.learner,
        "open_items": result.open_items,
        "waiting": result.waiting,
        "items": [asdict(item) for item in result.items],
    }


def history_json(result: History) -> str:
    return _dump(
        {
            "schema": HISTORY_SCHEMA,
            "learner": result.learner,
            "since": None if result.since is None else result.since.isoformat(),
            "until": None if result.until is None else result.until.isoformat(),
            "more": result.more,
            "events": [asdict(event) for event in result.events],
        }
    )


def stats_json(report: StatsReport) -> str:
    return _dump(stats_document(report))


def stats_document(report: StatsReport) -> dict[str, Any]:
    """Stats as JSON: one key per section, named by the section's ``kind``."""
    sections = {section.kind: SECTION_DICTS[section.kind](section) for section in report.sections}
    return {
        "schema": STATS_SCHEMA,
        "learner": report.learner,
        "today": report.today.isoformat(),
        "weeks": report.weeks,
        **sections,
    }


def report_json(data: ReportData) -> str:
    return _dump(
        {
            "schema": REPORT_SCHEMA,
            "generated_on": data.generated_on.isoformat(),
            "progress": progress_document(data.progress),
            "stats": stats_document(data.stats),
            "next": next_document(data.next),
        }
    )


def pathway_json(items: list[PathwayItem]) -> str:
    return _dump([asdict(item) for item in items])


def item_json(detail: ItemDetail) -> str:
    return _dump(asdict(detail))


def _activity(section: ActivitySection) -> dict[str, Any]:
    return {
        "weeks": [
            {"week": week.label, "start": week.start.isoformat(), "finished": week.finished,
             "required_finished": week.required_finished}
            for week in section.weeks
        ],
        "streaks": {
            "current": _streak(section.streaks.current),
            "longest": _streak(section.streaks.longest),
        },
    }  # fmt: skip


def _forecast_section(section: ForecastSection) -> dict[str, Any]:
    return forecast_dict(section.forecast)


def _study_section(section: StudySection) -> dict[str, Any]:
    return {
        "by_week": [asdict(total) for total in section.by_week],
        "by_area": [asdict(total) for total in section.by_area],
    }


def _reading_section(section: ReadingSection) -> dict[str, Any]:
    return {"months": [asdict(month) for month in section.months]}


# Stats section kind -> its JSON view; a new kind of section adds its entry here.
SECTION_DICTS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "activity": _activity,
    "forecast": _forecast_section,
    "study": _study_section,
    "reading": _reading_section,
}


def _streak(streak: Streak | None) -> dict[str, Any] | None:
    if streak is None:
        return None
    return {
        "weeks": streak.weeks,
        "first_week": streak.first_label,
        "last_week": streak.last_label,
    }


def _pace(pace: Pace) -> dict[str, Any]:
    return {
        "weeks": pace.weeks,
        "since": pace.since.isoformat(),
        "until": pace.until.isoformat(),
        "required_finished": pace.required_finished,
        "active_weeks": pace.active_weeks,
        "per_week": pace.per_week,
        "enough_history": pace.enough_history,
    }


def _tally(tally: Tally) -> dict[str, Any]:
    return {"done": tally.done, "total": tally.total, "skipped": tally.skipped,
            "percent": tally.percent}  # fmt: skip


def _hours(tally: Tally) -> dict[str, Any]:
    return {"done": tally.hours_done, "total": tally.hours_total, "percent": tally.hours_percent}


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
