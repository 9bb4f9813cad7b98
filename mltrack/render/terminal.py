"""Plain-text views for the terminal. Pure functions: result object in, text out.

``styled`` (stdout is a terminal) adds colour and block characters; without it the text is
plain ASCII and stable, for pipes and scripts.
"""

import unicodedata
from collections.abc import Iterable

import click

from mltrack.dates import format_minutes
from mltrack.money import format_cents
from mltrack.queries.career import CareerFact
from mltrack.queries.certs import CertOverview, CertRow, CertWarning
from mltrack.queries.health import Check
from mltrack.queries.learners import LearnerSummary
from mltrack.queries.pathway import ItemDetail, PathwayItem
from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport
from mltrack.queries.projects import ProjectRow, StepProjects
from mltrack.queries.study import ReadingMonth, StudyLog, StudyTotal

BAR_WIDTH = 20
TITLE_WIDTH = 50
STATUS_MARKS = {"planned": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
STATUS_COLOURS = {"in_progress": "yellow", "done": "green", "skipped": "bright_black"}


def clean(text: str) -> str:
    """Text safe to print: control characters shown as escapes, never sent to the terminal."""
    return "".join(
        char if unicodedata.category(char) != "Cc" else repr(char)[1:-1] for char in text
    )


def progress_text(report: ProgressReport, styled: bool = False) -> str:
    """The progress report: overall line, then a bar per education step and study area."""
    overall = report.overall
    lines = [
        f"Progress for {clean(report.learner)}: {_percent(overall.percent)} of required items "
        f"({overall.required_done} of {overall.required_counted}), "
        f"{_percent(overall.hours_percent)} of estimated hours "
        f"({_hours(overall.hours_done)} of {_hours(overall.hours_total)} h); "
        f"optional items done: {overall.optional_done} of {overall.optional_total}",
        "",
        "Education steps",
        *_group_lines(report.by_step, styled),
        "",
        "Study areas",
        *_group_lines(report.by_area, styled),
    ]
    if report.in_progress:
        lines += ["", "In progress"]
        lines += [
            f"  {item.slug}  {clean(item.title)}"
            + (f" (since {item.started_on})" if item.started_on else "")
            for item in report.in_progress
        ]
    return "\n".join(lines)


def _group_lines(groups: list[GroupCompletion], styled: bool) -> list[str]:
    width = min(TITLE_WIDTH, max((len(g.title) for g in groups), default=0))
    return [
        f"  {_fit(g.title, width):<{width}}  {_bar(g.completion.percent, styled)} "
        f"{_percent(g.completion.percent):>6}  {_counts(g.completion)}"
        for g in groups
    ]


def _counts(completion: Completion) -> str:
    if completion.required_counted:
        text = f"{completion.required_done}/{completion.required_counted}"
    else:
        text = "no required items"
    if completion.optional_total:
        text += f"  (+{completion.optional_done}/{completion.optional_total} optional)"
    return text


def _bar(percent: float | None, styled: bool) -> str:
    filled = round(BAR_WIDTH * (percent or 0) / 100)
    if not styled:
        return "[" + "#" * filled + "." * (BAR_WIDTH - filled) + "]"
    return click.style("█" * filled, fg="green") + click.style("░" * (BAR_WIDTH - filled), dim=True)


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
            f"{_hours(detail.hours_estimate)} h (estimate)" if detail.hours_estimate else None,
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
        lines += ["", f'  "{clean(detail.quote)}"']
    if detail.prerequisites:
        lines += ["", "Prerequisites"]
        lines += [
            f"  {_mark(p.status, styled)} {p.slug}  {clean(p.title)}" for p in detail.prerequisites
        ]
    if detail.history:
        lines += ["", "History"]
        lines += [
            f"  {h.on_date}  {h.action:<6} {h.from_status} -> {h.to_status}"
            + (f"  {clean(h.note)}" if h.note else "")
            for h in detail.history
        ]
    return "\n".join(lines)


def learners_text(learners: Iterable[LearnerSummary], current: str) -> str:
    lines = []
    for learner in learners:
        marker = "*" if learner.name == current else " "
        lines.append(
            f"{marker} {clean(learner.name)}  {learner.items_done} done, "
            f"{learner.items_in_progress} in progress (since {learner.created_at[:10]})"
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
    when = "today" if days == 0 else f"in {_days(days)}" if days > 0 else None
    name = f"{warning.slug} ({clean(warning.title)})"
    if warning.what == "target":
        when = when or f"{_days(-days)} overdue"
        return f"certification target: {name} by {warning.on_date}, {when}"
    if when is None:
        return f"certification expired: {name} on {warning.on_date}, {_days(-days)} ago"
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
        share = 100 * detail.minutes_logged / 60 / detail.hours_estimate
        text += f", {share:.0f}% of the {_hours(detail.hours_estimate)} h estimate"
    return text


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


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
    lines += ["", f"{failed} problem(s) found" if failed else "no problems found"]
    return "\n".join(lines)


def _status_line(detail: ItemDetail) -> str:
    text = detail.status.replace("_", " ")
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


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _hours(value: float | None) -> str:
    return "0" if not value else f"{value:g}"


def _fit(text: str, width: int) -> str:
    text = clean(text)
    return text if len(text) <= width else text[: width - 3] + "..."
