"""JSON views: stable keys, documented in the README ("JSON output"), pinned by tests.

Each ``*_document`` builds plain data; the ``*_json`` functions dump it. ``schema`` names the
shape and its version: keys may be added within a version, never renamed or removed.
"""

from __future__ import annotations  # the query types below are for annotations only

import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from mltrack.core.errors import MltrackError

if TYPE_CHECKING:  # names for annotations only: each command imports just what it shows
    from datetime import date
    from pathlib import Path

    from mltrack.core.effort import EffortForecast
    from mltrack.core.pace import Forecast, Pace, Streak, TargetOutlook
    from mltrack.queries.career import CareerFact, CareerSource
    from mltrack.queries.certs import CertOverview, CertWarning
    from mltrack.queries.effort import EffortOutlook
    from mltrack.queries.export import ExportSection
    from mltrack.queries.gaps import Gaps
    from mltrack.queries.health import Check
    from mltrack.queries.heatmap import Heatmap
    from mltrack.queries.history import History, HistoryEntry
    from mltrack.queries.learners import LearnerSummary
    from mltrack.queries.notes import ItemNote, SearchResult
    from mltrack.queries.pathway import ItemDetail, PathwayItem
    from mltrack.queries.planning import NextItems
    from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport, Tally
    from mltrack.queries.projects import ProjectRow, StepProjects
    from mltrack.queries.report import ReportData
    from mltrack.queries.stats import (
        ActivitySection,
        EffortSection,
        ForecastSection,
        ReadingSection,
        StatsReport,
        StudySection,
    )
    from mltrack.queries.study import StudyLog
    from mltrack.queries.week import WeekReport


def asdict(value: Any) -> Any:
    """``dataclasses.asdict`` for the query results, NamedTuples (``_asdict``) and dataclasses
    alike, nested in lists, tuples and dicts: plain data, without importing ``dataclasses``
    for the NamedTuples the read side returns (a NamedTuple inside becomes a dict too)."""
    if hasattr(value, "_asdict"):
        return {name: asdict(field) for name, field in value._asdict().items()}
    if hasattr(value, "__dataclass_fields__"):  # so dataclasses is imported already
        from dataclasses import fields

        return {field.name: asdict(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, list | tuple):
        return type(value)(asdict(member) for member in value)
    if isinstance(value, dict):
        return {asdict(key): asdict(member) for key, member in value.items()}
    return value


PROGRESS_SCHEMA = "mltrack.progress/1"
NEXT_SCHEMA = "mltrack.next/1"
HISTORY_SCHEMA = "mltrack.history/2"
STATS_SCHEMA = "mltrack.stats/1"
REPORT_SCHEMA = "mltrack.report/1"
PATHWAY_SCHEMA = "mltrack.pathway/1"
ITEM_SCHEMA = "mltrack.item/2"  # 2: history entries are journal entries
CERTS_SCHEMA = "mltrack.certs/1"
CERT_DUE_SCHEMA = "mltrack.cert-due/1"
CAREER_SCHEMA = "mltrack.career/1"
NOTES_SCHEMA = "mltrack.notes/1"
SEARCH_SCHEMA = "mltrack.search/1"
LEARNERS_SCHEMA = "mltrack.learners/1"
PROJECTS_SCHEMA = "mltrack.projects/1"
STUDY_SCHEMA = "mltrack.study/1"
WEEK_SCHEMA = "mltrack.week/1"
TARGET_SCHEMA = "mltrack.target/1"
DOCTOR_SCHEMA = "mltrack.doctor/1"
GAPS_SCHEMA = "mltrack.gaps/1"
HEATMAP_SCHEMA = "mltrack.heatmap/1"
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
        "on_the_job": completion_dict(report.on_the_job),
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
            "not_estimated": completion.hours_unestimated,
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
        "required_only": result.required_only,
        "step": result.step,
        "items": [asdict(item) for item in result.items],
    }


def history_json(result: History) -> str:
    return _dump(
        {
            "schema": HISTORY_SCHEMA,
            "learner": result.learner,
            "since": None if result.since is None else result.since.isoformat(),
            "until": None if result.until is None else result.until.isoformat(),
            "kinds": list(result.kinds),
            "more": result.more,
            "entries": [entry_dict(entry) for entry in result.entries],
        }
    )


def entry_dict(entry: HistoryEntry) -> dict[str, Any]:
    """One journal entry with every field (``mltrack.history/2``)."""
    corrected = entry.corrected
    return {
        "id": entry.id, "uid": entry.uid, "kind": entry.kind, "action": entry.action,
        "subject": entry.subject, "item": entry.slug, "title": entry.title,
        "on_date": entry.on_date, "recorded_at": entry.recorded_at, "data": entry.data,
        "from": entry.before, "to": entry.after, "undone": entry.undone,
        "undone_by": entry.undone_by, "target": entry.target, "group": entry.group,
        "amended": None if corrected is None else {
            "by": list(corrected.by), "on_date_was": corrected.on_date,
            "note_corrected": corrected.note_corrected, "note_was": corrected.note,
        },
        "flag": entry.flag,
    }  # fmt: skip


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
    document = {
        "schema": REPORT_SCHEMA,
        "generated_on": data.generated_on.isoformat(),
        "progress": progress_document(data.progress),
        "stats": stats_document(data.stats),
        "next": next_document(data.next),
    }
    if data.notes is not None:  # private: only with --with-notes
        document["notes"] = [{"item": note.slug, **note_dict(note)} for note in data.notes]
    return _dump(document)


def pathway_json(items: list[PathwayItem]) -> str:
    """The roadmap's items in pathway order, each with its step, area and status."""
    return _dump({"schema": PATHWAY_SCHEMA, "items": [asdict(item) for item in items]})


def item_json(detail: ItemDetail) -> str:
    """One item in full: its facts, status, prerequisites, history and logged time."""
    document = {"schema": ITEM_SCHEMA, **asdict(detail)}
    document["history"] = [entry_dict(entry) for entry in detail.history]
    document["notes"] = [note_dict(note) for note in detail.notes]
    document["links"] = [note_dict(note) for note in detail.links]
    return _dump(document)


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


def effort_dict(effort: EffortForecast, item_finish: date | None = None) -> dict[str, Any]:
    """One effort forecast: its state, the work left, each rate's date, the range, and how
    the item-count forecast's date compares."""
    from mltrack.core.effort import FLOOR_SHARE, compare

    work, low, high = effort.work, effort.low, effort.high
    dates = {rate.weeks: day for rate, day in effort.finishes}
    return {
        "state": effort.state,
        "items_left": work.items_left,
        "minutes_left": work.minutes_left,
        "not_estimated": work.not_estimated,
        "floor_share": FLOOR_SHARE,
        "rates": [
            {"weeks": rate.weeks, "since": rate.since.isoformat(), "until": rate.until.isoformat(),
             "minutes_per_week": list(rate.per_week), "median_minutes": rate.median,
             "enough_history": rate.enough_history,
             "finish_on": None if dates.get(rate.weeks) is None
             else dates[rate.weeks].isoformat()}  # type: ignore[union-attr]
            for rate in effort.rates
        ],
        "low": None if low is None else low.isoformat(),
        "high": None if high is None else high.isoformat(),
        "item_count_finish_on": None if item_finish is None else item_finish.isoformat(),
        "item_count_compared": compare(item_finish, effort),
    }  # fmt: skip


def effort_outlook_dict(outlook: EffortOutlook, item_finish: date | None) -> dict[str, Any]:
    """The required pathway's effort forecast with each step's and certification goal's."""
    return {
        "pathway": effort_dict(outlook.pathway, item_finish),
        "steps": [
            {"slug": step.slug, "title": step.title, **effort_dict(step.forecast)}
            for step in outlook.steps
        ],
        "certs": [
            {"slug": cert.slug, "title": cert.title, "provider": cert.provider,
             "target_date": None if cert.target_date is None else cert.target_date.isoformat(),
             **effort_dict(cert.forecast)}
            for cert in outlook.certs
        ],
    }  # fmt: skip


def _effort_section(section: EffortSection) -> dict[str, Any]:
    return effort_outlook_dict(section.outlook, section.item_finish)


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
    "effort": _effort_section,
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
    # Imported here: the export format's dataclasses would cost every --json read.
    from mltrack.formats.export_format import FORMAT, VERSION

    yield f'{{\n  "format": {json.dumps(FORMAT)},\n  "version": {VERSION}'
    for section in sections:
        yield f",\n  {json.dumps(section.name)}: ["
        empty = True
        if section.lines is not None:
            for line in section.lines:
                yield ("\n    " if empty else ",\n    ") + line
                empty = False
        for index, record in enumerate(section.rows):
            yield ("\n    " if empty else ",\n    ") + _strict(
                json.dumps, record, f"{section.name}[{index}]"
            )
            empty = False
        yield "]" if empty else "\n  ]"
    yield "\n}\n"


def _group(group: GroupCompletion) -> dict[str, Any]:
    return {"slug": group.slug, "title": group.title, **completion_dict(group.completion)}


def gaps_json(result: Gaps) -> str:
    """The gaps as JSON."""
    return _dump(
        {
            "schema": GAPS_SCHEMA,
            "learner": result.learner,
            "today": result.today.isoformat(),
            "begun": result.begun,
            "gaps": [
                {"kind": g.kind, "subject": g.subject, "says": g.says, "command": g.command}
                for g in result.gaps
            ],
        }
    )


def heatmap_json(result: Heatmap) -> str:
    """A year of days as JSON (the days still to come left out)."""
    return _dump(
        {
            "schema": HEATMAP_SCHEMA,
            "learner": result.learner,
            "today": result.today.isoformat(),
            "first": result.first.isoformat(),
            "days": [
                {"date": d.on.isoformat(), "minutes": d.minutes, "finished": d.finished}
                for d in result.days
                if not d.future
            ],
        }
    )


def _dump(document: object) -> str:
    return _strict(json.dumps, document, "the output", indent=2, ensure_ascii=False)


def _strict(dumps: Callable[..., str], value: object, where: str, **options: Any) -> str:
    """JSON as the standard defines it: a number it cannot hold (infinite, not a number) is
    an error naming where it is, never ``Infinity`` or ``NaN`` in the output."""
    try:
        return dumps(value, allow_nan=False, **options)
    except ValueError:
        raise MltrackError(
            f"{where} holds a number JSON cannot represent (infinite or not a number); "
            "mltrack doctor lists the stored values out of range"
        ) from None


def cert_overview_json(overview: CertOverview) -> str:
    """Certifications with the learner's goals, and the costs per currency in cents."""
    return _dump({"schema": CERTS_SCHEMA, **asdict(overview)})


def cert_due_json(warnings: Iterable[CertWarning], learner: str, within_days: int) -> str:
    """Certification target and expiry dates within ``within_days`` days or past."""
    return _dump(
        {
            "schema": CERT_DUE_SCHEMA,
            "learner": learner,
            "within_days": within_days,
            "warnings": [asdict(warning) for warning in warnings],
        }
    )


def career_json(facts: Iterable[CareerFact], sources: Iterable[CareerSource] = ()) -> str:
    """The article's salary and outlook figures, each with its source, quote, country and
    period as the article says them; then the sources the article lists, with their links."""
    return _dump(
        {
            "schema": CAREER_SCHEMA,
            "facts": [asdict(fact) for fact in facts],
            "sources": [asdict(source) for source in sources],
        }
    )


def learners_json(learners: Iterable[LearnerSummary], current: str) -> str:
    """Every learner profile; ``current`` is the one this command ran as."""
    return _dump(
        {
            "schema": LEARNERS_SCHEMA,
            "current": current,
            "learners": [
                {**asdict(learner), "current": learner.name == current} for learner in learners
            ],
        }
    )


def projects_json(projects: list[ProjectRow], per_step: list[StepProjects], learner: str) -> str:
    """The learner's portfolio projects, and how many are done toward each education step."""
    return _dump(
        {
            "schema": PROJECTS_SCHEMA,
            "learner": learner,
            "projects": [asdict(project) for project in projects],
            "per_step": [asdict(step) for step in per_step],
        }
    )


def study_log_json(log: StudyLog, learner: str) -> str:
    """Study sessions since a date, with the minutes per week and per study area."""
    return _dump(
        {
            "schema": STUDY_SCHEMA,
            "learner": learner,
            "since": log.since,
            "sessions": [asdict(session) for session in log.sessions],
            "sessions_left_out": log.left_out,
            "by_week": [asdict(total) for total in log.by_week],
            "by_area": [asdict(total) for total in log.by_area],
        }
    )


def target_json(
    outlook: TargetOutlook | None, learner: str, effort: EffortOutlook | None = None
) -> str:
    """The target date and whether the recent pace reaches it; ``target`` null without one.
    ``effort`` is the forecast by study time beside it (null without a target), a key of its
    own so that ``target`` stays the object ``progress --json`` shows."""
    if outlook is None:
        return _dump({"schema": TARGET_SCHEMA, "learner": learner, "target": None, "effort": None})
    by_time = None if effort is None else effort_dict(effort.pathway, outlook.forecast.finish_on)
    return _dump(
        {"schema": TARGET_SCHEMA, "learner": learner, "target": target_dict(outlook),
         "effort": by_time}
    )  # fmt: skip


def checks_json(checks: Iterable[Check], path: Path) -> str:
    """The doctor's checklist; ``problems`` counts the failed checks (warnings are not)."""
    checks = list(checks)
    return _dump(
        {
            "schema": DOCTOR_SCHEMA,
            "database": str(path),
            "checks": [asdict(check) for check in checks],
            "problems": sum(check.status == "fail" for check in checks),
        }
    )


def note_dict(note: ItemNote) -> dict[str, Any]:
    """A note or link without its item (it sits under one): its id, date, text, URL."""
    found = {"id": note.id, "kind": note.kind, "on_date": note.on_date}
    if note.kind == "note":
        return {**found, "text": note.text}
    return {**found, "title": note.text, "url": note.url}


def notes_json(notes: list[ItemNote], kind: str, learner: str) -> str:
    """The learner's notes (or links), each with its item."""
    return _dump({
        "schema": NOTES_SCHEMA, "learner": learner, "kind": kind,
        kind + "s": [{"item": note.slug, **note_dict(note)} for note in notes],
    })  # fmt: skip


def search_json(result: SearchResult) -> str:
    """The hits of a search, best first, with what each matched and the words around it."""
    return _dump({
        "schema": SEARCH_SCHEMA, "query": result.text, "words": list(result.words),
        "engine": result.engine, "every_word": result.every_word,
        "hits": [{"item": hit.slug, "title": hit.title, "matched": hit.matched,
                  "snippet": hit.snippet, "rank": rank}
                 for rank, hit in enumerate(result.hits, start=1)],
    })  # fmt: skip


def week_json(report: WeekReport) -> str:
    """This week against the weekly goal; minutes are raw, dates ISO."""
    streak = report.streak
    return _dump(
        {
            "schema": WEEK_SCHEMA,
            "learner": report.learner,
            "today": report.today.isoformat(),
            "week": {"start": report.start.isoformat(), "end": report.end.isoformat()},
            "days_left": report.days_left,
            "goal_minutes": report.goal_minutes,
            "goal_set_on": None if report.goal_since is None else report.goal_since.isoformat(),
            "logged_minutes": report.logged_minutes,
            "minutes_to_goal": report.minutes_to_goal,
            "met": report.met,
            "finished": report.finished,
            "required_finished": report.required_finished,
            "streak": {
                "weeks": streak.weeks,
                "first": None if streak.first is None else streak.first.isoformat(),
                "last": None if streak.last is None else streak.last.isoformat(),
            },
            "next": [
                {"slug": entry.item.slug, "title": entry.item.title, "status": entry.item.status,
                 "reason": entry.item.reason, "minutes_left": entry.minutes_left}
                for entry in report.next
            ],
        }
    )  # fmt: skip
