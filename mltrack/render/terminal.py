"""Plain-text views for the terminal. Pure functions: result object in, text out.

``styled`` (stdout is a terminal) adds colour and block characters; without it the text is
plain ASCII and stable, for pipes and scripts.
"""

import unicodedata
from collections.abc import Iterable

import click

from mltrack.queries.career import CareerFact
from mltrack.queries.health import Check
from mltrack.queries.learners import LearnerSummary
from mltrack.queries.pathway import ItemDetail, PathwayItem
from mltrack.queries.progress import Completion, GroupCompletion, ProgressReport

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
