"""Figures in words, shared by every view (terminal, Markdown, HTML) so they say it one way.

Pure functions: result objects in, plain text out (no markup, no colour).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mltrack.core.dates import format_minutes
from mltrack.core.money import format_cents
from mltrack.core.vocabulary import JournalKind, MetaAction

if TYPE_CHECKING:  # names for annotations only: ``progress`` should not pay for importing them
    from mltrack.core.pace import Forecast, Pace, Streak, Streaks, TargetOutlook
    from mltrack.queries.history import HistoryEntry

GROUPING_TITLES = {
    "step": "Education steps",
    "area": "Study areas",
    "kind": "Kinds of item",
    "provider": "Providers",
}
FORECAST_ASSUMPTIONS = (
    "that pace holds, every required item takes about as long as any other, "
    "and skipped items stay skipped"
)
STREAK_RULE = (
    "A week with nothing finished breaks a streak; this week, still running, does not "
    "until it is over."
)


def percent_text(value: float | None) -> str:
    """``12.5%``, or ``-`` when there is nothing to count."""
    return "-" if value is None else f"{value:.1f}%"


def hours_text(value: float | None) -> str:
    return "0" if not value else f"{value:g}"


def per_week_text(value: float) -> str:
    """A rate as computed (already rounded to three significant figures): ``0.357 a week``."""
    return f"{value:g} a week"


def status_text(status: str) -> str:
    """``in_progress`` -> ``in progress``."""
    return status.replace("_", " ")


def items_text(count: int, what: str = "item") -> str:
    """``1 item``, ``3 items``."""
    return f"{count} {what}{'' if count == 1 else 's'}"


def pace_phrase(pace: Pace) -> str:
    """The pace and where it comes from, e.g. the last 8 weeks' required items finished."""
    return (
        f"the pace of the last {pace.weeks} weeks "
        f"({items_text(pace.required_finished, 'required item')} finished "
        f"from {pace.since.isoformat()} to {pace.until.isoformat()}, "
        f"{per_week_text(pace.per_week)})"
    )


def too_little_history(pace: Pace) -> str:
    return (
        f"too little history to forecast: required items were finished in "
        f"{pace.active_weeks} of the last {pace.weeks} weeks, and {pace.active_weeks_needed} "
        "are needed"
    )


def forecast_sentence(forecast: Forecast) -> str:
    """When the required pathway would be complete, with the assumptions behind the date."""
    if forecast.state == "complete":
        return "The required pathway is complete."
    left = items_text(forecast.remaining, "required item") + " left"
    if forecast.finish_on is None:
        return f"{left}; {too_little_history(forecast.pace)}."
    return (
        f"{left}: at {pace_phrase(forecast.pace)}, the required pathway would be complete "
        f"by {forecast.finish_on.isoformat()}. This assumes {FORECAST_ASSUMPTIONS}."
    )


def target_sentence(outlook: TargetOutlook) -> str:
    """Whether the recent pace reaches the target date, saying what the verdict assumes."""
    target, forecast = outlook.target.isoformat(), outlook.forecast
    if forecast.remaining <= 0:
        return f"Target {target}: the required pathway is complete."
    left = items_text(forecast.remaining, "required item") + " left"
    if outlook.needed_per_week is None:
        when = "is today" if outlook.days_left == 0 else "has passed"
        return f"Target {target} {when}, with {left}."
    head = (
        f"Target {target} (in {outlook.days_left} days): {left}, "
        f"{per_week_text(outlook.needed_per_week)} needed"
    )
    if outlook.on_track is None or forecast.finish_on is None:
        return f"{head}; {too_little_history(forecast.pace)}."
    verdict = "on track" if outlook.on_track else "behind"
    return (
        f"{head}; if {pace_phrase(forecast.pace)} holds, they would be done by "
        f"{forecast.finish_on.isoformat()}: {verdict}."
    )


def streak_phrase(streak: Streak | None) -> str:
    """``3 weeks (2026-W10 to 2026-W12)``, or ``none``."""
    if streak is None:
        return "none"
    first, last = streak.first_label, streak.last_label
    return (
        f"{items_text(streak.weeks, 'week')} ({first if first == last else f'{first} to {last}'})"
    )


def streaks_sentence(streaks: Streaks) -> str:
    return (
        f"Streaks of weeks with an item finished: current {streak_phrase(streaks.current)}, "
        f"longest {streak_phrase(streaks.longest)}. {STREAK_RULE}"
    )


# Kinds whose entries are their own subject (a uid): named by the item they are about.
_OWN_SUBJECTS = frozenset(
    (JournalKind.STUDY, JournalKind.READING, JournalKind.NOTE, JournalKind.LINK)
)


def entry_subject(entry: HistoryEntry) -> str:
    """What a journal entry is about, in a word or a few: an item's or project's slug, the
    target date, an ordering, an own item; "-" for time or reading logged about nothing."""
    subject = entry.subject
    if entry.kind == "plan":
        if subject == "target":
            return "target date"
        if subject == "whatsnew":
            return "pathway changes seen"
        if subject == "pathway":
            slug = entry.data.get("slug")
            return f"pathway {slug}" if slug else "pathway"
        if subject.startswith("after:"):
            _, item, requires = subject.split(":", 2)
            return f"{item} after {requires}"
        if subject.startswith("item:"):
            return f"own item {subject.split(':', 1)[1]}"
    if entry.kind in _OWN_SUBJECTS:
        return entry.slug or "-"
    return subject


def entry_detail(entry: HistoryEntry) -> str:
    """The change's own values in words: a note, a duration, a title, a cost, a correction."""
    data = entry.data
    parts: list[str] = []
    if entry.action == "undo":
        parts.append(f"undoes #{entry.target}")
    elif entry.action == "amend":
        corrected = [f"date {data['on']}"] if data.get("on") else []
        corrected += [f"note {data['note']!r}"] if "note" in data else []
        parts.append(f"corrects #{entry.target}: {', '.join(corrected)}")
    elif entry.kind == "study" and "minutes" in data:
        parts.append(format_minutes(int(data["minutes"])))
    elif entry.kind == "reading" and "title" in data:
        parts.append(f"{data.get('kind', '')} {data['title']!r}".strip())
    elif entry.kind == "link" and "url" in data:
        parts.append(f"{data['title']!r} {data['url']}" if data.get("title") else data["url"])
    elif entry.kind == "project" and "name" in data:
        parts.append(repr(data["name"]))
    elif entry.kind == "cert" and data.get("target_date"):
        parts.append(f"target {data['target_date']}")
    if data.get("cost_cents") is not None and data.get("currency"):
        parts.append(format_cents(int(data["cost_cents"]), str(data["currency"])))
    if data.get("note") and entry.action not in (MetaAction.AMEND, MetaAction.UNDO):
        parts.append(repr(data["note"]) if entry.kind != "status" else str(data["note"]))
    return "  ".join(parts)


def entry_marks(entry: HistoryEntry) -> str:
    """Undone, amended, flagged: what later entries (or doctor) say about this one."""
    marks = []
    if entry.undone_by is not None:
        marks.append(f"undone by #{entry.undone_by}")
    if entry.corrected is not None:
        by = ", ".join(f"#{number}" for number in entry.corrected.by)
        was = f"; was {entry.corrected.on_date}" if entry.corrected.on_date else ""
        marks.append(f"amended by {by}{was}")
    if entry.flag is not None:
        marks.append(f"flagged: {entry.flag}")
    return f"({'; '.join(marks)})" if marks else ""
