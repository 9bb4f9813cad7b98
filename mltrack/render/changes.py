"""What a write command did, in one line (or a few): the write side's renderer.

Pure functions from the result types of ``mltrack.core.changes`` to text, like the read
side's renderers; the CLI only prints what they return.
"""

from datetime import date

from mltrack.core.changes import (
    Annotated,
    CertChange,
    Change,
    ImportSummary,
    LoggedReading,
    LoggedSession,
    Ordering,
    ProjectChange,
    Removal,
    Repair,
)
from mltrack.core.dates import format_minutes
from mltrack.core.vocabulary import NO_GOAL, CertAction
from mltrack.render.text import escape


def goal_status_text(status: str) -> str:
    """A certification goal's status as the cert commands say it ("no goal" before any)."""
    return "no goal" if status == NO_GOAL else status


def change_text(change: Change) -> str:
    """One line saying what changed, e.g. ``done: deep-learning (in_progress -> done)``."""
    before, after = goal_status_text(change.from_status), goal_status_text(change.to_status)
    line = f"{change.action}: {change.slug} ({before} -> {after})"
    return f"{line}; {change.also}" if change.also else line


def amend_text(change: Change, on: date | None, note: str | None) -> str:
    """e.g. ``amended entry #42 of python: date 2026-10-13 (done -> done)``."""
    corrections = [f"date {on.isoformat()}"] if on is not None else []
    corrections += [f"note {note!r}"] if note is not None else []
    before, after = goal_status_text(change.from_status), goal_status_text(change.to_status)
    return f"amended {change.also} of {change.slug}: {', '.join(corrections)} ({before} -> {after})"


def cert_change_text(change: CertChange) -> str:
    """One line, e.g. ``pass: stanford-ml (enrolled -> passed), attempt 1; item done``."""
    line = f"{change.action}: {change.slug} ({goal_status_text(change.from_status)} -> "
    line += f"{change.to_status})"
    if change.action in (CertAction.PASS, CertAction.FAIL):
        line += f", attempt {change.attempts}"
    if change.item_change is not None:
        item = change.item_change
        line += f"; item {item.slug}: {item.from_status} -> {item.to_status}"
    elif change.action == CertAction.PASS:
        line += "; its item was already done"
    return line


def item_added_text(slug: str) -> str:
    return f"added {slug}"


def removal_text(removal: Removal) -> str:
    """What ``remove`` did: deleted the item, or retired it and kept its history."""
    if removal.deleted:
        line = f"removed {removal.slug}"
    else:
        line = f"retired {removal.slug} (hidden from the pathway)"
        if removal.kept:
            kept = ", ".join(
                f"{count} {kind} entr{'ies' if count != 1 else 'y'}"
                for kind, count in removal.kept.items()
            )
            line += f"; kept its history: {kept}"
    if removal.orderings:
        line += f"; dropped {removal.orderings} --after ordering(s) naming it"
    return line


def logged_session_text(logged: LoggedSession) -> str:
    """e.g. ``logged 1h30 on 2026-11-02 for python (3h so far of the 40 h estimate)``."""
    line = f"logged {format_minutes(logged.minutes)} on {logged.on_date.isoformat()}"
    if logged.slug is not None and logged.item_minutes is not None:
        line += f" for {logged.slug} ({format_minutes(logged.item_minutes)} so far"
        line += f" of the {logged.hours_estimate:g} h estimate)" if logged.hours_estimate else ")"
    return line


def logged_reading_text(logged: LoggedReading) -> str:
    about = f" about {logged.slug}" if logged.slug else ""
    line = f"logged {logged.kind} {logged.title!r}{about} on {logged.on_date.isoformat()}"
    return f"{line}; started {logged.started}" if logged.started else line


def orderings_text(orderings: list[Ordering], removed: bool) -> str:
    verb = "no longer comes after" if removed else "now comes after"
    return "\n".join(f"{ordering.item} {verb} {ordering.after}" for ordering in orderings)


def target_set_text(when: date, previous: date | None) -> str:
    replaced = f" (was {previous.isoformat()})" if previous else ""
    return f"target date: {when.isoformat()}{replaced}"


def target_cleared_text(previous: date | None) -> str:
    return f"target date {previous.isoformat()} removed" if previous else "no target date set"


def project_added_text(added: ProjectChange) -> str:
    areas = f" ({', '.join(added.areas)})" if added.areas else ""
    line = f"added project {added.slug}{areas}; it counts toward {added.step_title}"
    return f"{line}; started {', '.join(added.items)}" if added.items else line


def project_done_text(finished: ProjectChange) -> str:
    line = f"done: project {finished.slug} on {finished.on_date.isoformat()}"
    return f"{line}; done {', '.join(finished.items)}" if finished.items else line


def learner_added_text(name: str) -> str:
    from shlex import quote  # here: the daily writes' lines need no shell quoting

    return f"added learner {name}; use it with: mltrack --learner {quote(name)} progress"


def import_text(summary: ImportSummary) -> str:
    counts = ", ".join(
        f"{name.replace('_', ' ')}: {count}" for name, count in summary.counts if count
    )
    lines = [f"imported {counts or 'nothing'}"]
    if summary.replaced:
        lines.append(f"replaced the data of: {', '.join(map(repr, summary.replaced))}")
    return "\n".join(lines)


def restore_text(source: object, target: object, kept: object | None) -> str:
    lines = [f"restored {source} into {target}"]
    if kept is not None:
        lines.append(f"the replaced database is kept as {kept}")
    return "\n".join(lines)


def repair_text(repair: Repair) -> str:
    """What ``doctor --repair`` did: the backup, each row rewritten, each entry set aside."""
    lines = [f"backed up to {repair.backup}"]
    lines += [f"repaired {line}" for line in repair.changes]
    lines += [f"set aside (flagged) {line}" for line in repair.flagged]
    if not repair.changes and not repair.flagged:
        lines.append("nothing to repair: every table agrees with the journal")
    return "\n".join(lines)


def annotated_text(change: Annotated) -> str:
    """``note: #42 on deep-learning (2026-11-29)``, or its removal."""
    if change.removed:
        return (f"removed {change.kind} #{change.entry_id} of {escape(change.slug)} "
                "(mltrack undo brings it back)")  # fmt: skip
    return f"{change.kind}: #{change.entry_id} on {escape(change.slug)} ({change.on_date})"


def week_goal_text(before: int | None, after: int | None) -> str:
    """``weekly goal: 6h (was none)``, ``weekly goal 6h removed``, or that nothing changed."""
    if before == after:
        return "no weekly goal set" if after is None else (
            f"weekly goal: already {format_minutes(after)} a week")  # fmt: skip
    if after is None:
        return f"weekly goal {format_minutes(before or 0)} a week removed"
    was = "none" if before is None else format_minutes(before)
    return f"weekly goal: {format_minutes(after)} a week (was {was})"
