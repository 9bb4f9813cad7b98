"""Plain-text views for the terminal. Pure functions: result object in, text out.

``styled`` (the CLI's ``--color`` decision: by default, stdout is a terminal) adds colour and
block characters; without it the text is plain ASCII and stable, for pipes and scripts.
``width`` (the CLI reads the terminal's once) bounds every line: titles are truncated and prose
wrapped to it, while slugs, dates and figures always stay whole (see ``render.text``). Text
from the database reaches the terminal only through ``render.text``'s escaping.
"""

from __future__ import annotations  # the query types below are for annotations only

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import click

from mltrack.core.dates import format_minutes, local_date
from mltrack.core.figures import cells, percent
from mltrack.core.money import format_cents
from mltrack.core.vocabulary import NO_GOAL, JournalKind, NoteKind, SearchSource
from mltrack.render.provenance import FACT_LABELS, NOT_ESTIMATED, OWN, SUGGESTED, basis_text
from mltrack.render.text import (
    DEFAULT_WIDTH,
    display_width,
    escape,
    fill,
    fit_widths,
    pad,
    spill,
    titled,
    truncate,
)
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
    from mltrack.queries.career import CareerFact, CareerSource
    from mltrack.queries.certs import CertOverview, CertRow, CertWarning
    from mltrack.queries.health import Check
    from mltrack.queries.history import History, HistoryEntry
    from mltrack.queries.learners import LearnerSummary
    from mltrack.queries.notes import ItemNote, SearchResult
    from mltrack.queries.pathway import ItemDetail, PathwayItem
    from mltrack.queries.planning import NextItem, NextItems
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
MIN_BAR_WIDTH = 5
CHART_WIDTH = 30
MIN_TITLE = 12  # the narrowest a title column gets
ROOMY_TITLE = 24  # a title column narrower than this takes room from the bars first
STATUS_MARKS = {"planned": "[ ]", "in_progress": "[~]", "done": "[x]", "skipped": "[-]"}
STATUS_COLOURS = {"in_progress": "yellow", "done": "green", "skipped": "bright_black"}


def wrap(sentence: str, width: int = DEFAULT_WIDTH) -> str:
    """A long sentence folded to ``width`` columns, its continuation lines indented."""
    return fill(sentence, width, "", "  ")


clean = escape  # the one escaping rule (render.text.escape), by its older name here


def progress_text(
    report: ProgressReport,
    styled: bool = False,
    include_optional: bool = False,
    width: int = DEFAULT_WIDTH,
) -> str:
    """The progress report: overall line, target line, then a bar per group of each grouping.

    Figures count required items, or every item with ``include_optional``.
    """
    lines = [_overall_line(report, include_optional, width)]
    if report.target is not None:
        lines.append(wrap(target_sentence(report.target), width))
    if job := _on_the_job(report):
        lines += ["", wrap(job, width)]
    for name, groups in report.groupings.items():
        lines += ["", GROUPING_TITLES[name], *_group_lines(groups, styled, include_optional, width)]
    if report.projects:
        lines += ["", projects_per_step_text(report.projects, width)]
    if report.in_progress:
        lines += ["", "In progress"]
        for item in report.in_progress:
            since = f" (since {item.started_on})" if item.started_on else ""
            lines += titled(f"  {escape(item.slug)}  ", item.title, since, width, "      ")
    if report.cert_warnings:
        lines += ["", cert_warnings_text(report.cert_warnings, width)]
    return "\n".join(lines)


def _overall_line(report: ProgressReport, include_optional: bool, width: int) -> str:
    overall = report.overall
    tally = overall.scope(include_optional)
    if include_optional:
        scope = "all items"
        other = f"Required items done: {overall.required_done} of {overall.required_counted}"
    else:
        scope = "required items"
        other = f"Optional items done: {overall.optional_done} of {overall.optional_counted}"
    items = (
        f"Progress for {report.learner}: {percent_text(tally.percent)} of {scope} "
        f"({tally.done} of {tally.counted}),"
    )
    hours = (
        f"{percent_text(tally.hours_percent)} of estimated hours "
        f"({hours_text(tally.hours_done)} of {hours_text(tally.hours_total)} h"
        f"{_unestimated(tally.unestimated)})"
    )
    if display_width(escape(f"{items} {hours}")) <= width:
        return f"{escape(items)} {hours}\n{other}"
    return f"{wrap(items, width)}\n{fill(hours, width, '  ')}\n{other}"


def _unestimated(count: int) -> str:
    """Counted items without an hour estimate: outside the hours figures, not 0 h."""
    return f"; {items_text(count)} {NOT_ESTIMATED}" if count else ""


def _on_the_job(report: ProgressReport) -> str:
    """The duties of the job itself, counted apart from the pre-hire figures."""
    job = report.on_the_job
    if not job.required_total + job.optional_total:
        return ""
    done = job.required_done + job.optional_done
    return (
        f"On the job (after hiring, not counted above): {done} of "
        f"{job.required_counted + job.optional_total - job.optional_skipped} done"
    )


def _group_lines(
    groups: list[GroupCompletion],
    styled: bool,
    include_optional: bool = False,
    width: int = DEFAULT_WIDTH,
) -> list[str]:
    """A line per group: its title (truncated to what the figures leave), bar, figures."""
    counts = [_counts(g.completion, include_optional) for g in groups]
    titles = max((display_width(escape(g.title)) for g in groups), default=0)
    # "  " title "  " [bar] " " percent(6) "  " counts: the title, then the bar give way.
    fixed = 2 + 2 + 2 + 1 + 6 + 2 + max(map(len, counts), default=0)
    room = width - fixed
    # Titles give way down to ROOMY_TITLE, then the bars down to MIN_BAR_WIDTH, then titles.
    title_width, bar_width = min(titles, max(room - BAR_WIDTH, 0)), BAR_WIDTH
    if title_width < min(titles, ROOMY_TITLE):
        bar_width = max(MIN_BAR_WIDTH, room - min(titles, ROOMY_TITLE))
        title_width = min(titles, max(MIN_TITLE, room - bar_width))
    lines = []
    for group, count in zip(groups, counts, strict=True):
        tally = group.completion.scope(include_optional)
        lines.append(
            f"  {pad(truncate(group.title, title_width), title_width)}  "
            f"{_bar(tally.percent, styled, bar_width)} {percent_text(tally.percent):>6}  {count}"
        )
    return lines


def _counts(completion: Completion, include_optional: bool) -> str:
    tally = completion.scope(include_optional)
    text = f"{tally.done}/{tally.counted}" if tally.counted else "none"  # percent shows "-"
    if completion.optional_counted and not include_optional:
        text += f"  (+{completion.optional_done}/{completion.optional_counted} optional)"
    return text


def _bar(percent: float | None, styled: bool, width: int = BAR_WIDTH) -> str:
    filled = cells(percent or 0, 100, width)
    return _blocks(filled, width, styled)


def _blocks(filled: int, width: int, styled: bool) -> str:
    """A bar of ``filled`` cells out of ``width``: ``[##..]`` plain, coloured blocks styled."""
    if not styled:
        return "[" + "#" * filled + "." * (width - filled) + "]"
    return click.style("█" * filled, fg="green") + click.style("░" * (width - filled), dim=True)


def pathway_text(
    items: Iterable[PathwayItem], styled: bool = False, width: int = DEFAULT_WIDTH
) -> str:
    """The roadmap as a tree: step, then study area, then each item with its status mark, and
    what the article does not say marked as mltrack's (a step), alternatives, duties, yours."""
    items = list(items)
    members: dict[str, list[str]] = {}
    for item in items:
        if item.group:
            members.setdefault(item.group, []).append(item.slug)
    lines: list[str] = []
    step = area = None
    for item in items:
        if item.step_slug != step:
            step, area = item.step_slug, None
            lines += [""] if lines else []
            mltracks = item.step_provenance.get("basis") == "suggested"
            suffix = f" [{item.step_slug}]" + (f" ({SUGGESTED})" if mltracks else "")
            heading = titled("", item.step_title, suffix, width, "  ")
            lines += [_heading(line, styled) for line in heading]
        if item.area_slug != area and item.area_slug is not None:
            area = item.area_slug
            lines += titled("  ", item.area_title or "", f" [{item.area_slug}]", width, "    ")
        indent = "    " if item.area_slug else "  "
        prefix = f"{indent}{_mark(item.status, styled)} {escape(item.slug)}  "
        suffix = _title_suffix(item) + _pathway_notes(item, members)
        lines += titled(prefix, item.title, suffix, width, indent + "    ")
    return "\n".join(lines) or "No items match."


def _pathway_notes(item: PathwayItem, members: dict[str, list[str]]) -> str:
    """What a pathway line adds after the title: its alternatives, or that it is a duty of the
    job (a learner's own items are told by their ``my.`` slug; `show` says "added by you")."""
    others = [slug for slug in members.get(item.group or "", []) if slug != item.slug]
    notes = [
        f"or {', '.join(others)}" if others else None,
        "on the job" if item.on_the_job else None,
    ]
    shown = [note for note in notes if note]
    return f" ({'; '.join(shown)})" if shown else ""


def _title_suffix(item: PathwayItem | NextItem) -> str:
    """What follows an item's title: its provider when it is a certification (their titles
    alone can be near-identical), and whether it is optional."""
    provider = f" ({item.provider})" if item.kind == "certification" and item.provider else ""
    return provider + ("" if item.required else " (optional)")


def item_text(detail: ItemDetail, styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """One item in full: what, where the article says it, status, prerequisites, history."""
    facts = [
        ("kind", detail.kind + ("" if detail.required else ", optional")),
        ("group", _group_line(detail)),
        ("step", detail.step_title),
        ("area", detail.area_title),
        ("provider", detail.provider),
        ("estimate", _estimate(detail)),
        ("logged", _logged(detail)),
        ("url", detail.url),
        ("source", OWN if detail.own else f'article, "{detail.source}"'),
        ("article", f'writes "{detail.article_name}"' if detail.article_name else None),
        ("on job", "a duty of the job: counted apart, after hiring" if detail.on_the_job else None),
        ("status", _status_line(detail)),
        ("note", detail.note),
        ("evidence", detail.evidence_url),
    ]
    heading = titled("", detail.title, f" [{detail.slug}]", width, "  ")
    lines = [_heading(line, styled) for line in heading]
    if detail.retired:
        lines.append("  (retired: no longer part of the pathway)")
    for label, value in facts:
        if value:
            lines += wrap_lines(str(value), width, f"  {label + ':':<10}", " " * 12)
    if detail.quote:
        lines += ["", fill(f'"{detail.quote}"', width, "  ", "   ")]
    for heading, kept in (("Notes", detail.notes), ("Links", detail.links)):
        if kept:
            lines += ["", heading, *annotation_lines(kept, width)]
    if detail.prerequisites:
        after = detail.provenance.get("after") or {}
        mltracks = after.get("basis") == "suggested"
        lines += ["", "Prerequisites" + (f" ({SUGGESTED})" if mltracks else "")]
        for p in detail.prerequisites:
            prefix = f"  {_mark(p.status, styled)} {escape(p.slug)}  "
            lines += titled(prefix, p.title, "", width, "      ")
    if detail.provenance:
        lines += ["", "Where each fact comes from"]
        for fact, label in FACT_LABELS.items():
            if fact in detail.provenance:
                text = basis_text(detail.provenance[fact])
                lines += wrap_lines(text, width, f"  {label + ':':<15}", " " * 17)
    if detail.history:
        lines += ["", "History"]
        if detail.history_left_out:
            older = detail.history_left_out
            lines.append(f"  ({older} older {'entry' if older == 1 else 'entries'} left out; "
                         "--all shows them)")  # fmt: skip
        lines += [f"  {line}" for line in entry_lines(detail.history, styled, width - 2)]
    return "\n".join(lines)


def _estimate(detail: ItemDetail) -> str:
    """The hour estimate and whose it is; "not estimated" rather than 0 h."""
    if detail.hours_estimate is None:
        return NOT_ESTIMATED
    hours = detail.provenance.get("hours") or {}
    whose = "your estimate" if detail.own else "mltrack's estimate"
    if hours.get("basis") == "article":
        whose = "the article's figure"
    return f"{hours_text(detail.hours_estimate)} h ({whose})"


def _group_line(detail: ItemDetail) -> str | None:
    if detail.group is None:
        return None
    others = ", ".join(detail.alternatives) or "no other item"
    return f"{detail.group}: done when this or {others} is done"


def wrap_lines(text: str, width: int, indent: str, subsequent: str) -> list[str]:
    """Prose folded under a label: the value after ``indent``, continued after ``subsequent``."""
    return fill(text, width, indent, subsequent).split("\n")


def learners_text(
    learners: Iterable[LearnerSummary], current: str, width: int = DEFAULT_WIDTH
) -> str:
    """One line a learner profile (``*`` marks the one in use): name, items done, since when."""
    lines = []
    for learner in learners:
        marker = "*" if learner.name == current else " "
        figures = (
            f"  {learner.items_done} done, {learner.items_in_progress} in progress "
            f"(since {local_date(learner.created_at).isoformat()})"
        )
        lines += titled(f"{marker} ", learner.name, figures, width, "    ")
    return "\n".join(lines)


def career_text(
    facts: Iterable[CareerFact], sources: Iterable[CareerSource] = (), width: int = DEFAULT_WIDTH
) -> str:
    """Each salary or outlook figure with the source the article names for it, the country
    and period it describes; then the sources the article lists, with their links."""
    lines = []
    for fact in facts:
        lines += [wrap(f"{fact.label}: {fact.value}", width), fill(fact.source, width, "  source: ",
                                                                  "    ")]  # fmt: skip
        for label, value in (("country", fact.country), ("period", fact.period)):
            if value:
                lines.append(fill(value, width, f"  {label}: ", "    "))
    sources = list(sources)
    if sources:
        lines += ["", "Sources the article lists"]
        for source in sources:
            # A link longer than the line folds like any text; `career --json` has it whole.
            lines += [fill(source.name, width, "  ", "    "), fill(source.url, width, "    ")]
    return "\n".join(lines)


def certs_text(overview: CertOverview, styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """Each certification with the learner's goal status, then a line with its provider and
    dates (so that the title has the room), then what it all cost."""
    slugs = max((display_width(escape(cert.slug)) for cert in overview.certs), default=0)
    lines = [_heading("Certifications", styled)]
    for cert in overview.certs:
        own = " [yours]" if cert.own else ""
        prefix = f"  {cert.status or 'no goal':<8}  {pad(escape(cert.slug), slugs)}  "
        indent = " " * 12  # under the slug: the provider and dates get most of the line
        lines += titled(prefix, cert.title, own, width, indent)
        provider = [f"by {cert.provider}"] if cert.provider else []
        if details := "; ".join([*provider, *filter(None, [_cert_details(cert)])]):
            lines += wrap_lines(details, width, indent, indent)
    spent = ", ".join(format_cents(cost.cents, cost.currency) for cost in overview.costs)
    lines += ["", wrap(f"Spent: {spent or 'nothing recorded'}", width)]
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
        parts.append(f"credential {cert.credential_id}")
    if cert.credential_url:
        parts.append(cert.credential_url)
    return ", ".join(parts)


def cert_warnings_text(warnings: Iterable[CertWarning], width: int = DEFAULT_WIDTH) -> str:
    """One line (folded to ``width``) per certification target or expiry date near or past."""
    return "\n".join(wrap(cert_warning_line(warning), width) for warning in warnings)


def cert_warning_line(warning: CertWarning) -> str:
    """E.g. ``certification target: stanford-ml (Machine Learning, Stanford) by 2026-12-01, in
    5 days``; unescaped (``cert_warnings_text`` escapes it)."""
    days = warning.days_left
    when = "today" if days == 0 else f"in {items_text(days, 'day')}" if days > 0 else None
    provider = f", {warning.provider}" if warning.provider else ""
    name = f"{warning.slug} ({warning.title}{provider})"
    if warning.what == "target":
        when = when or f"{items_text(-days, 'day')} overdue"
        return f"certification target: {name} by {warning.on_date}, {when}"
    if when is None:
        return f"certification expired: {name} on {warning.on_date}, {items_text(-days, 'day')} ago"
    return f"certification expires: {name} on {warning.on_date}, {when}"


def study_log_text(log: StudyLog, width: int = DEFAULT_WIDTH) -> str:
    """The study sessions since a date, then the hours per week and per study area."""
    if not log.sessions:
        return wrap(f"No study sessions since {log.since}; log one with: mltrack log 90m ITEM",
                    width)  # fmt: skip
    lines = [f"Study sessions since {log.since}"]
    if log.left_out:
        older = f"{log.left_out} older session{'s' if log.left_out != 1 else ''}"
        lines.append(f"  ({older} left out; -n 0 lists them all)")
    for entry in log.sessions:
        head = f"  {entry.on_date}  {format_minutes(entry.minutes):>6}  "
        head += escape(entry.slug or "(no item)")
        lines += spill(head, entry.note or "", width, "      ")
    lines += ["", study_totals_text("Hours per week", log.by_week, width)]
    lines += ["", study_totals_text("Hours per study area", log.by_area, width)]
    return "\n".join(lines)


def study_totals_text(heading: str, totals: list[StudyTotal], width: int = DEFAULT_WIDTH) -> str:
    """A heading, then one line per week or study area: time and number of sessions."""
    counts = [f"({total.sessions} session{'s' if total.sessions != 1 else ''})"
              for total in totals]  # fmt: skip
    labels = max((display_width(escape(total.label)) for total in totals), default=0)
    # "  " label "  " time(6) "  " count
    [label_width] = fit_widths(
        [labels], width - 12 - max(map(len, counts), default=0), [True], minimum=MIN_TITLE
    )
    lines = [heading] + [
        f"  {pad(truncate(total.label, label_width), label_width)}  "
        f"{format_minutes(total.minutes):>6}  {count}"
        for total, count in zip(totals, counts, strict=True)
    ]
    return "\n".join(lines if totals else [heading, "  none"])


def reading_months_text(months: list[ReadingMonth], width: int = DEFAULT_WIDTH) -> str:
    """Continuing education per month: the total, then the count of each kind."""
    lines = ["Continuing education per month"]
    for month in months:
        kinds = ", ".join(f"{count} {kind}" for kind, count in month.by_kind.items())
        lines += spill(f"  {month.month}  {month.total:>3}", kinds, width, "             ")
    return "\n".join(lines if months else [*lines, "  none"])


def projects_text(
    projects: list[ProjectRow], per_step: list[StepProjects], width: int = DEFAULT_WIDTH
) -> str:
    """The learner's portfolio projects ([x] done), then how many count toward each step."""
    if not projects:
        return 'No projects yet; start one with: mltrack project add NAME --dataset "..."'
    lines = []
    for project in projects:
        mark = STATUS_MARKS["done" if project.done_on else "in_progress"]
        when = f"done {project.done_on}" if project.done_on else f"since {project.added_on}"
        prefix = f"{mark} {escape(project.slug)}  "
        lines += titled(prefix, project.name, f"  ({when})", width, "      ")
        facts = [f"data: {project.dataset}"]
        facts += [f"repo: {project.repo_url}"] if project.repo_url else []
        facts += [f"areas: {', '.join(project.areas)}"] if project.areas else []
        lines += wrap_lines("; ".join(facts), width, "      ", "      ")
    return "\n".join([*lines, "", projects_per_step_text(per_step, width)])


def projects_per_step_text(per_step: list[StepProjects], width: int = DEFAULT_WIDTH) -> str:
    """E.g. ``Portfolio projects done toward Gain experience: 1 of 2``, one line a step."""
    return "\n".join(
        wrap(f"Portfolio projects done toward {step.title}: {step.done} of {step.total}", width)
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


def checks_text(checks: Iterable[Check], styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """A checklist: one line per check, then how many failed."""
    checks = list(checks)
    colours = {"ok": "green", "warn": "yellow", "fail": "red"}
    lines = []
    for check in checks:
        verdict = _styled(f"[{check.status}]".ljust(6), colours[check.status], styled)
        lines += wrap_lines(f"{check.name}: {check.detail}", width, verdict + " ", " " * 7)
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


def target_text(outlook: TargetOutlook | None, width: int = DEFAULT_WIDTH) -> str:
    """``mltrack target``: the target date and whether the recent pace reaches it."""
    if outlook is None:
        return "No target date set; set one with: mltrack target set YYYY-MM-DD"
    return wrap(target_sentence(outlook), width)


def next_text(result: NextItems, styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """The items to take up next, each with the reason it was picked."""
    ready = result.open_items - result.waiting
    if not result.items:
        if result.open_items == 0:
            what = ("required item" if result.required_only else "item") + (
                f" of step {result.step}" if result.step else ""
            )
            return wrap(f"Nothing left to take up: every {what} is done or skipped.", width)
        return wrap(
            f"Nothing is ready: {items_text(result.waiting, 'open item')} wait for prerequisites.",
            width,
        )
    shown = f"{len(result.items)} of {items_text(ready, 'ready item')}"
    lines = [
        wrap(
            f"Next for {result.learner}: {shown}; {result.waiting} more wait for prerequisites",
            width,
        )
    ]
    for item in result.items:
        prefix = f"  {_mark(item.status, styled)} {escape(item.slug)}  "
        lines += titled(prefix, item.title, _title_suffix(item), width, "      ")
        lines += wrap_lines(item.reason, width, "      ", "        ")
    return "\n".join(lines)


def history_text(result: History, styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """The journal, newest first: date, entry id, kind and action, what it is about, the
    subject's state before -> after, the change's own values, and what became of it."""
    if not result.entries:
        return "No entries" + _range_text(result) + "."
    lines = entry_lines(result.entries, styled, width)
    if result.more:
        lines.append("(older entries left out; -n 0 shows them all)")
    return "\n".join(lines)


def entry_lines(
    entries: list[HistoryEntry], styled: bool = False, width: int = DEFAULT_WIDTH
) -> list[str]:
    """One line per journal entry, in columns (history, and an item's history in show); what
    does not fit the width wraps under the entry, indented."""
    subject = max(display_width(escape(entry_subject(entry))) for entry in entries)
    number = max(len(str(entry.id)) for entry in entries) + 1
    # The subject is padded into a column only when that leaves room for the rest.
    subject = subject if 10 + 2 + number + 2 + 14 + 2 + subject + 30 <= width else 0
    lines = []
    for entry in entries:
        what = _heading(f"{entry.kind:<7} {entry.action:<6}", styled)
        head = f"{entry.on_date}  {'#' + str(entry.id):<{number}}  {what}  "
        head += pad(escape(entry_subject(entry)), subject)
        if entry.before is not None and entry.after is not None:
            head += f"  {_state_text(entry, entry.before)} -> {_state_text(entry, entry.after)}"
        tail = "  ".join(extra for extra in (entry_detail(entry), entry_marks(entry)) if extra)
        lines += [line.rstrip() for line in spill(head.rstrip(), tail, width, "    ")]
    return lines


def _state_text(entry: HistoryEntry, state: str) -> str:
    """A subject's state in a history line; a certification before any goal says "no goal",
    as the cert commands do."""
    return "no goal" if entry.kind == JournalKind.CERT and state == NO_GOAL else status_text(state)


def _range_text(result: History) -> str:
    text = f" since {result.since.isoformat()}" if result.since else ""
    return text + (f" until {result.until.isoformat()}" if result.until else "")


def stats_text(report: StatsReport, styled: bool = False, width: int = DEFAULT_WIDTH) -> str:
    """Each stats section in turn, separated by a blank line; empty ones are left out."""
    views = [SECTION_TEXTS[section.kind](section, styled, width) for section in report.sections]
    return "\n\n".join(view for view in views if view)


def _activity_text(section: ActivitySection, styled: bool, width: int) -> str:
    weeks = section.weeks
    peak = max((week.finished for week in weeks), default=0)
    lines = [
        wrap(f"Items finished per week, last {len(weeks)} weeks "
             f"({weeks[0].label} to {weeks[-1].label}, the last one still running)", width)
    ]  # fmt: skip
    # "  " week(8) "  " start(10) "  " [bar] " " figure
    chart = min(CHART_WIDTH, max(MIN_BAR_WIDTH, width - 27 - len(str(peak))))
    for week in weeks:
        filled = cells(week.finished, peak, chart)
        bar = _blocks(filled, chart, styled)
        lines.append(f"  {week.label}  {week.start.isoformat()}  {bar} {week.finished}")
    lines.append(wrap(streaks_sentence(section.streaks), width))
    return "\n".join(lines)


def _forecast_text(section: ForecastSection, styled: bool, width: int) -> str:
    return wrap("Forecast: " + forecast_sentence(section.forecast), width)


def _study_text(section: StudySection, styled: bool, width: int) -> str:
    if not section.by_week:
        return ""  # nothing logged in these weeks: no section
    return "\n\n".join(
        [
            study_totals_text("Study time per week", section.by_week, width),
            study_totals_text("Study time per study area", section.by_area, width),
        ]
    )


def _reading_text(section: ReadingSection, styled: bool, width: int) -> str:
    return reading_months_text(section.months, width) if section.months else ""


# Stats section kind -> its terminal view; a new kind of section adds its entry here.
SECTION_TEXTS: dict[str, Callable[[Any, bool, int], str]] = {
    "activity": _activity_text,
    "forecast": _forecast_text,
    "study": _study_text,
    "reading": _reading_text,
}


# Notes, links and search ------------------------------------------------------------------


def annotation_lines(notes: Iterable[ItemNote], width: int = DEFAULT_WIDTH) -> list[str]:
    """One entry per note or link: ``#id  date`` then the text (a note wraps under it; a
    link's title, then its address whole on a line of its own when it does not fit)."""
    notes = list(notes)
    if not notes:
        return []
    number = max(len(str(note.id)) for note in notes) + 1
    lines = []
    for note in notes:
        head = f"  {'#' + str(note.id):<{number}}  {note.on_date}"
        if note.kind == NoteKind.NOTE:
            lines += spill(head, note.text or "", width, "    ")
            continue
        url = escape(note.url or "")  # checked: no control characters, but escaped all the same
        if note.text:
            lines += spill(head, note.text, width, "    ")
            whole = f"{lines[-1]}  {url}"
            if display_width(whole) <= width:
                lines[-1] = whole
            else:
                lines += wrap_lines(note.url or "", width, "    ", "    ")
        else:
            lines += spill(head, note.url or "", width, "    ")
    return lines


def notes_text(notes: list[ItemNote], kind: str, width: int = DEFAULT_WIDTH) -> str:
    """The learner's notes (or links), item by item, each with the id ``--remove`` and
    ``amend`` take."""
    plural = f"{kind}s"
    if not notes:
        return f"No {plural} yet; add one with: mltrack {kind} ITEM " + (
            "TEXT" if kind == NoteKind.NOTE else "URL [--title T]"
        )
    lines: list[str] = []
    for slug in dict.fromkeys(note.slug for note in notes):
        of_item = [note for note in notes if note.slug == slug]
        if lines:
            lines.append("")
        lines += titled(f"{escape(slug)}  ", of_item[0].title, "", width, "  ")
        lines += annotation_lines(of_item, width)
    return "\n".join(lines)


def search_text(result: SearchResult, width: int = DEFAULT_WIDTH) -> str:
    """Each hit: the item's slug and title, what matched, and the words around the match."""
    if not result.words:
        return f"No words to search for in {escape(result.text)!s}; give letters or digits."
    if not result.hits:
        return f"No matches for {escape(' '.join(result.words))}."
    lines = []
    if not result.every_word:
        lines += wrap_lines(
            f"No item holds every word of {' '.join(result.words)}; these hold some of them.",
            width, "", "",
        )  # fmt: skip
    slug = max(display_width(escape(hit.slug)) for hit in result.hits)
    slug = slug if slug + 2 + 5 + 2 + 20 <= width else 0
    for hit in result.hits:
        head = f"{pad(escape(hit.slug), slug)}  {hit.matched:<5}  "
        lines += titled(head, hit.title, "", width, "    ")
        if hit.matched != SearchSource.TITLE:
            lines += wrap_lines(hit.snippet, width, "    ", "    ")
    return "\n".join(lines)
