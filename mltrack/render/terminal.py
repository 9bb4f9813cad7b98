"""Plain-text views for the terminal. Pure functions: result object in, text out.

``styled`` (the CLI's ``--color`` decision: by default, stdout is a terminal) adds colour and
block characters; without it the text is plain ASCII and stable, for pipes and scripts.
"""

from __future__ import annotations  # the query types below are for annotations only

import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

from mltrack.core.dates import format_minutes, local_date
from mltrack.core.figures import cells, percent
from mltrack.core.money import format_cents
from mltrack.render.wording import (
    GROUPING_TITLES,
    entry_detail,
    entry_marks,
    entry_subject,
    forecast_sentence,
    hours_text,
    items_text,
    percent_text,
    status_text,
    streaks_sentence,
    target_sentence,
)

if TYPE_CHECKING:  # names for annotations only: each command imports just what it shows
    from mltrack.core.pace import TargetOutlook
    from mltrack.queries.career import CareerFact
    from mltrack.queries.certs import CertOverview, CertRow, CertWarning
    from mltrack.queries.health import Check
    from mltrack.queries.history import History, HistoryEntry
    from mltrack.queries.learners import LearnerSummary
    from mltrack.queries.pathway import ItemDetail, PathwayItem
    from mltrack.queries.planning import NextItems
    from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport
    from mltrack.queries.projects import ProjectRow, StepProjects
    from mltrack.queries.stats import (
        ActivitySection,
        ForecastSection,
        ReadingSection,
        StatsReport,
        StudySection,
    )
    from mltrack.queries.study import ReadingMonth, StudyLog, StudyTotal

BAR_WIDTH = 15
CHART_WIDTH = 30
TITLE_WIDTH = 48  # with the bar and figures, a group line stays within 100 columns
LINE_WIDTH = 100  # sentences (target, streaks, forecast) fold here
STATUS_MARKS = {"planned": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
STATUS_COLOURS = {"in_progress": "yellow", "done": "green", "skipped": "bright_black"}


def wrap(sentence: str) -> str:
    """A long sentence folded to ``LINE_WIDTH`` columns, its continuation lines indented."""
    return textwrap.fill(sentence, LINE_WIDTH, subsequent_indent="  ", break_on_hyphens=False)


def clean(text: str) -> str:
    """Text safe to print: control characters shown as escapes, never sent to the terminal."""
    return "".join(
        char if unicodedata.category(char) != "Cc" else repr(char)[1:-1] for char in text
    )


def progress_text(
    report: ProgressReport, styled: bool = False, include_optional: bool = False
) -> str:
    """The progress report: overall line, target line, then a bar per group of each grouping.

    Figures count required items, or every item with ``include_optional``.
    """
    lines = [_overall_line(report, include_optional)]
    if report.target is not None:
        lines.append(wrap(target_sentence(report.target)))
    for name, groups in report.groupings.items():
        lines += ["", GROUPING_TITLES[name], *_group_lines(groups, styled, include_optional)]
    if report.projects:
        lines += ["", projects_per_step_text(report.projects)]
    if report.in_progress:
        lines += ["", "In progress"]
        lines += [
            f"  {item.slug}  {clean(item.title)}"
            + (f" (since {item.started_on})" if item.started_on else "")
            for item in report.in_progress
        ]
    if report.cert_warnings:
        lines += ["", cert_warnings_text(report.cert_warnings)]
    return "\n".join(lines)


def _overall_line(report: ProgressReport, include_optional: bool) -> str:
    overall = report.overall
    tally = overall.scope(include_optional)
    if include_optional:
        scope = "all items"
        other = f"Required items done: {overall.required_done} of {overall.required_counted}"
    else:
        scope = "required items"
        other = f"Optional items done: {overall.optional_done} of {overall.optional_counted}"
    return (
        f"Progress for {clean(report.learner)}: {percent_text(tally.percent)} of {scope} "
        f"({tally.done} of {tally.counted}), "
        f"{percent_text(tally.hours_percent)} of estimated hours "
        f"({hours_text(tally.hours_done)} of {hours_text(tally.hours_total)} h)\n{other}"
    )


def _group_lines(
    groups: list[GroupCompletion], styled: bool, include_optional: bool = False
) -> list[str]:
    width = min(TITLE_WIDTH, max((len(g.title) for g in groups), default=0))
    lines = []
    for group in groups:
        tally = group.completion.scope(include_optional)
        lines.append(
            f"  {_fit(group.title, width):<{width}}  {_bar(tally.percent, styled)} "
            f"{percent_text(tally.percent):>6}  {_counts(group.completion, include_optional)}"
        )
    return lines


def _counts(completion: Completion, include_optional: bool) -> str:
    tally = completion.scope(include_optional)
    what = "items" if include_optional else "required items"
    text = f"{tally.done}/{tally.counted}" if tally.counted else f"no {what}"
    if completion.optional_counted and not include_optional:
        text += f"  (+{completion.optional_done}/{completion.optional_counted} optional)"
    return text


def _bar(percent: float | None, styled: bool) -> str:
    filled = cells(percent or 0, 100, BAR_WIDTH)
    return _blocks(filled, BAR_WIDTH, styled)


def _blocks(filled: int, width: int, styled: bool) -> str:
    """A bar of ``filled`` cells out of ``width``: ``[##..]`` plain, coloured blocks styled."""
    if not styled:
        return "[" + "#" * filled + "." * (width - filled) + "]"
    return click.style("█" * filled, fg="green") + click.style("░" * (width - filled), dim=True)


def pathway_text(items: Iterable[PathwayItem], styled: bool = False) -> str:
    """The roadmap as a tree: step, then study area, then each item with its status mark."""
    lines: list[str] = []
    step = area = None
    for item in items:
        if item.step_slug != step:
            step, area = item.step_slug, None
            lines += [""] if lines else []
            lines.append(_heading(f"{clean(item.step_title)} [{item.step_slug}]", styled))
        if item.area_slug != area and item.area_slug is not None:
            area = item.area_slug
            lines.append(f"  {clean(item.area_title or '')} [{item.area_slug}]")
        indent = "    " if item.area_slug else "  "
        optional = "" if item.required else " (optional)"
        lines.append(
            f"{indent}{_mark(item.status, styled)} {item.slug}  {clean(item.title)}{optional}"
        )
    return "\n".join(lines) or "No items match."


def item_text(detail: ItemDetail, styled: bool = False) -> str:
    """One item in full: what, where the article says it, status, prerequisites, history."""
    facts = [
        ("kind", detail.kind + ("" if detail.required else ", optional")),
        ("step", detail.step_title),
        ("area", detail.area_title),
        ("provider", detail.provider),
        (
            "estimate",
            f"{hours_text(detail.hours_estimate)} h (estimate)" if detail.hours_estimate else None,
        ),
        ("logged", _logged(detail)),
        ("url", detail.url),
        ("source", f'article, "{detail.source}"'),
        ("status", _status_line(detail)),
        ("note", detail.note),
        ("evidence", detail.evidence_url),
    ]
    lines = [_heading(f"{clean(detail.title)} [{detail.slug}]", styled)]
    if detail.retired:
        lines.append("  (retired: no longer part of the pathway)")
    lines += [f"  {label + ':':<10}{clean(str(value))}" for label, value in facts if value]
    if detail.quote:
        quote = f'"{clean(detail.quote)}"'
        lines += [
            "",
            textwrap.fill(quote, LINE_WIDTH, initial_indent="  ", subsequent_indent="   "),
        ]
    if detail.prerequisites:
        lines += ["", "Prerequisites"]
        lines += [
            f"  {_mark(p.status, styled)} {p.slug}  {clean(p.title)}" for p in detail.prerequisites
        ]
    if detail.history:
        lines += ["", "History"]
        if detail.history_left_out:
            older = detail.history_left_out
            lines.append(f"  ({older} older {'entry' if older == 1 else 'entries'} left out; "
                         "--all shows them)")  # fmt: skip
        lines += [f"  {line}" for line in entry_lines(detail.history, styled)]
    return "\n".join(lines)


def learners_text(learners: Iterable[LearnerSummary], current: str) -> str:
    lines = []
    for learner in learners:
        marker = "*" if learner.name == current else " "
        lines.append(
            f"{marker} {clean(learner.name)}  {learner.items_done} done, "
            f"{learner.items_in_progress} in progress "
            f"(since {local_date(learner.created_at).isoformat()})"
        )
    return "\n".join(lines)


def career_text(facts: Iterable[CareerFact]) -> str:
    lines = []
    for fact in facts:
        lines += [f"{fact.label}: {fact.value}", f"  source: {fact.source}"]
    return "\n".join(lines)


def certs_text(overview: CertOverview, styled: bool = False) -> str:
    """Each certification with the learner's goal status and dates, then what it all cost."""
    width = max((len(cert.slug) for cert in overview.certs), default=0)
    lines = [_heading("Certifications", styled)]
    for cert in overview.certs:
        provider = f" ({clean(cert.provider)})" if cert.provider else ""
        own = " [yours]" if cert.own else ""
        lines.append(
            f"  {cert.status or 'no goal':<8}  {cert.slug:<{width}}  "
            f"{clean(cert.title)}{provider}{own}"
        )
        if details := _cert_details(cert):
            lines.append(f"  {'':<8}  {'':<{width}}  {details}")
    spent = ", ".join(format_cents(cost.cents, cost.currency) for cost in overview.costs)
    lines += ["", f"Spent: {spent or 'nothing recorded'}"]
    return "\n".join(lines)


def _cert_details(cert: CertRow) -> str:
    dates = [
        ("target", cert.target_date), ("enrolled", cert.enrolled_on),
        ("passed", cert.passed_on), ("expires", cert.expires_on),
    ]  # fmt: skip
    parts = [f"{label} {value}" for label, value in dates if value]
    if cert.attempts:
        parts.append(f"{cert.attempts} attempt{'s' if cert.attempts > 1 else ''}")
    if cert.credential_id:
        parts.append(f"credential {clean(cert.credential_id)}")
    if cert.credential_url:
        parts.append(clean(cert.credential_url))
    return ", ".join(parts)


def cert_warnings_text(warnings: Iterable[CertWarning]) -> str:
    """One line per certification target or expiry date that is near or past."""
    return "\n".join(cert_warning_line(warning) for warning in warnings)


def cert_warning_line(warning: CertWarning) -> str:
    """E.g. ``certification target: stanford-ml (Machine Learning) by 2026-12-01, in 5 days``."""
    days = warning.days_left
    when = "today" if days == 0 else f"in {items_text(days, 'day')}" if days > 0 else None
    name = f"{warning.slug} ({clean(warning.title)})"
    if warning.what == "target":
        when = when or f"{items_text(-days, 'day')} overdue"
        return f"certification target: {name} by {warning.on_date}, {when}"
    if when is None:
        return f"certification expired: {name} on {warning.on_date}, {items_text(-days, 'day')} ago"
    return f"certification expires: {name} on {warning.on_date}, {when}"


def study_log_text(log: StudyLog) -> str:
    """The study sessions since a date, then the hours per week and per study area."""
    if not log.sessions:
        return f"No study sessions since {log.since}; log one with: mltrack log 90m ITEM"
    lines = [f"Study sessions since {log.since}"]
    lines += [
        f"  {entry.on_date}  {format_minutes(entry.minutes):>6}  {entry.slug or '(no item)'}"
        + (f"  {clean(entry.note)}" if entry.note else "")
        for entry in log.sessions
    ]
    lines += ["", study_totals_text("Hours per week", log.by_week)]
    lines += ["", study_totals_text("Hours per study area", log.by_area)]
    return "\n".join(lines)


def study_totals_text(heading: str, totals: list[StudyTotal]) -> str:
    """A heading, then one line per week or study area: time and number of sessions."""
    width = min(TITLE_WIDTH, max((len(total.label) for total in totals), default=0))
    lines = [heading] + [
        f"  {_fit(total.label, width):<{width}}  {format_minutes(total.minutes):>6}  "
        f"({total.sessions} session{'s' if total.sessions != 1 else ''})"
        for total in totals
    ]
    return "\n".join(lines if totals else [heading, "  none"])


def reading_months_text(months: list[ReadingMonth]) -> str:
    """Continuing education per month: the total, then the count of each kind."""
    lines = ["Continuing education per month"]
    lines += [
        f"  {month.month}  {month.total:>3}  "
        + ", ".join(f"{count} {kind}" for kind, count in month.by_kind.items())
        for month in months
    ]
    return "\n".join(lines if months else [*lines, "  none"])


def projects_text(projects: list[ProjectRow], per_step: list[StepProjects]) -> str:
    """The learner's portfolio projects ([x] done), then how many count toward each step."""
    if not projects:
        return 'No projects yet; start one with: mltrack project add NAME --dataset "..."'
    lines = []
    for project in projects:
        mark = STATUS_MARKS["done" if project.done_on else "in_progress"]
        when = f"done {project.done_on}" if project.done_on else f"since {project.added_on}"
        lines.append(f"{mark} {project.slug}  {clean(project.name)}  ({when})")
        facts = [f"data: {clean(project.dataset)}"]
        facts += [f"repo: {clean(project.repo_url)}"] if project.repo_url else []
        facts += [f"areas: {', '.join(project.areas)}"] if project.areas else []
        lines.append("      " + "; ".join(facts))
    return "\n".join([*lines, "", projects_per_step_text(per_step)])


def projects_per_step_text(per_step: list[StepProjects]) -> str:
    """E.g. ``Portfolio projects done toward Gain experience: 1 of 2``, one line a step."""
    return "\n".join(
        f"Portfolio projects done toward {clean(step.title)}: {step.done} of {step.total}"
        for step in per_step
    )


def _logged(detail: ItemDetail) -> str | None:
    if not detail.sessions_logged:
        return None
    text = f"{format_minutes(detail.minutes_logged)} in {detail.sessions_logged} session" + (
        "s" if detail.sessions_logged != 1 else ""
    )
    if detail.hours_estimate:
        share = percent(detail.minutes_logged, detail.hours_estimate * 60)
        text += f", {percent_text(share)} of the {hours_text(detail.hours_estimate)} h estimate"
    return text


def checks_text(checks: Iterable[Check], styled: bool = False) -> str:
    """A checklist: one line per check, then how many failed."""
    checks = list(checks)
    colours = {"ok": "green", "warn": "yellow", "fail": "red"}
    lines = [
        _styled(f"[{check.status}]".ljust(6), colours[check.status], styled)
        + f" {check.name}: {clean(check.detail)}"
        for check in checks
    ]
    failed = sum(check.status == "fail" for check in checks)
    lines += ["", f"{items_text(failed, 'problem')} found" if failed else "no problems found"]
    return "\n".join(lines)


def _status_line(detail: ItemDetail) -> str:
    text = status_text(detail.status)
    if detail.started_on:
        text += f", started {detail.started_on}"
    if detail.finished_on:
        text += f", finished {detail.finished_on}"
    return text


def _styled(text: str, colour: str, styled: bool) -> str:
    return click.style(text, fg=colour) if styled else text


def _heading(text: str, styled: bool) -> str:
    return click.style(text, bold=True) if styled else text


def _mark(status: str, styled: bool) -> str:
    mark = STATUS_MARKS[status]
    colour = STATUS_COLOURS.get(status)
    return click.style(mark, fg=colour) if styled and colour else mark


def _fit(text: str, width: int) -> str:
    text = clean(text)
    return text if len(text) <= width else text[: width - 3] + "..."


def target_text(outlook: TargetOutlook | None) -> str:
    """``mltrack target``: the target date and whether the recent pace reaches it."""
    if outlook is None:
        return "No target date set; set one with: mltrack target set YYYY-MM-DD"
    return wrap(target_sentence(outlook))


def next_text(result: NextItems, styled: bool = False) -> str:
    """The items to take up next, each with the reason it was picked."""
    ready = result.open_items - result.waiting
    if not result.items:
        if result.open_items == 0:
            what = ("required item" if result.required_only else "item") + (
                f" of step {result.step}" if result.step else ""
            )
            return f"Nothing left to take up: every {what} is done or skipped."
        return (
            f"Nothing is ready: {items_text(result.waiting, 'open item')} wait for prerequisites."
        )
    shown = f"{len(result.items)} of {items_text(ready, 'ready item')}"
    lines = [
        f"Next for {clean(result.learner)}: {shown}; {result.waiting} more wait for prerequisites"
    ]
    for item in result.items:
        optional = "" if item.required else " (optional)"
        lines.append(f"  {_mark(item.status, styled)} {item.slug}  {clean(item.title)}{optional}")
        lines.append(f"      {item.reason}")
    return "\n".join(lines)


def history_text(result: History, styled: bool = False) -> str:
    """The journal, newest first: date, entry id, kind and action, what it is about, the
    subject's state before -> after, the change's own values, and what became of it."""
    if not result.entries:
        return "No entries" + _range_text(result) + "."
    lines = entry_lines(result.entries, styled)
    if result.more:
        lines.append("(older entries left out; -n 0 shows them all)")
    return "\n".join(lines)


def entry_lines(entries: list[HistoryEntry], styled: bool = False) -> list[str]:
    """One line per journal entry, in columns (history, and an item's history in show)."""
    width = max(len(clean(entry_subject(entry))) for entry in entries)
    number = max(len(str(entry.id)) for entry in entries) + 1
    lines = []
    for entry in entries:
        what = _heading(f"{entry.kind:<7} {entry.action:<6}", styled)
        line = f"{entry.on_date}  {'#' + str(entry.id):<{number}}  {what}  "
        line += f"{clean(entry_subject(entry)):<{width}}"
        if entry.before is not None and entry.after is not None:
            line += f"  {status_text(entry.before)} -> {status_text(entry.after)}"
        for extra in (entry_detail(entry), entry_marks(entry)):
            line += f"  {clean(extra)}" if extra else ""
        lines.append(line.rstrip())
    return lines


def _range_text(result: History) -> str:
    text = f" since {result.since.isoformat()}" if result.since else ""
    return text + (f" until {result.until.isoformat()}" if result.until else "")


def stats_text(report: StatsReport, styled: bool = False) -> str:
    """Each stats section in turn, separated by a blank line; empty ones are left out."""
    views = [SECTION_TEXTS[section.kind](section, styled) for section in report.sections]
    return "\n\n".join(view for view in views if view)


def _activity_text(section: ActivitySection, styled: bool) -> str:
    weeks = section.weeks
    peak = max((week.finished for week in weeks), default=0)
    lines = [
        f"Items finished per week, last {len(weeks)} weeks "
        f"({weeks[0].label} to {weeks[-1].label}, the last one still running)"
    ]
    for week in weeks:
        filled = cells(week.finished, peak, CHART_WIDTH)
        bar = _blocks(filled, CHART_WIDTH, styled)
        lines.append(f"  {week.label}  {week.start.isoformat()}  {bar} {week.finished}")
    lines.append(wrap(streaks_sentence(section.streaks)))
    return "\n".join(lines)


def _forecast_text(section: ForecastSection, styled: bool) -> str:
    return wrap("Forecast: " + forecast_sentence(section.forecast))


def _study_text(section: StudySection, styled: bool) -> str:
    if not section.by_week:
        return ""  # nothing logged in these weeks: no section
    return "\n\n".join(
        [
            study_totals_text("Study time per week", section.by_week),
            study_totals_text("Study time per study area", section.by_area),
        ]
    )


def _reading_text(section: ReadingSection, styled: bool) -> str:
    return reading_months_text(section.months) if section.months else ""


# Stats section kind -> its terminal view; a new kind of section adds its entry here.
SECTION_TEXTS: dict[str, Callable[[Any, bool], str]] = {
    "activity": _activity_text,
    "forecast": _forecast_text,
    "study": _study_text,
    "reading": _reading_text,
}
