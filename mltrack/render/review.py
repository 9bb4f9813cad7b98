"""Views of spaced review (``mltrack review``): text and JSON. Pure functions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mltrack.render.text import DEFAULT_WIDTH, escape, fill, spill

if TYPE_CHECKING:
    from mltrack.core.changes import ReviewChange
    from mltrack.queries.review import ReviewItem, ReviewList

REVIEW_SCHEMA = "mltrack.review/1"
_RATE = "mltrack review {slug} again|hard|good|easy"


def review_text(result: ReviewList, width: int = DEFAULT_WIDTH) -> str:
    """Due items first (each with the command that records its review), then the rest."""
    today = result.today
    lines: list[str] = []
    if not result.due and not result.later:
        lines.append("Nothing is on review yet. Finished topics and courses can be:")
        lines.append("  mltrack review --enable ITEM   or   mltrack review --enable AREA")
        return "\n".join(lines)
    if result.due:
        lines.append(f"Due for review today ({today.isoformat()}): {len(result.due)}")
        for item in result.due:
            if item.due_on is None:
                when = f"first review (finished {item.finished_on.isoformat()})"
            else:
                late = item.overdue_days(today)
                when = f"due {item.due_on.isoformat()}" + (f", {late} d overdue" if late else "")
                when += f", reviewed {item.reviews}x"
            lines += spill(f"  {escape(item.slug)}", when, width, "      ")
        first = result.due[0].slug
        lines.append(f"Record one: {_RATE.format(slug=escape(first))}")
    else:
        lines.append(f"Nothing due for review today ({today.isoformat()}).")
    if result.later:
        soon = result.later[0]
        assert soon.due_on is not None
        lines.append(fill(
            f"{len(result.later)} more on review; the next is {escape(soon.slug)} on "
            f"{soon.due_on.isoformat()}.", width, subsequent="  "))  # fmt: skip
    if result.areas:
        areas = ", ".join(escape(a) for a in result.areas)
        lines.append(fill(f"Study areas on review: {areas}", width, subsequent="  "))
    return "\n".join(lines)


def review_json(result: ReviewList) -> str:
    def item(entry: ReviewItem) -> dict[str, Any]:
        return {
            "slug": entry.slug, "title": entry.title, "kind": entry.kind, "area": entry.area,
            "finished_on": entry.finished_on.isoformat(),
            "due_on": entry.due_on.isoformat() if entry.due_on else None,
            "last_on": entry.last_on.isoformat() if entry.last_on else None,
            "reviews": entry.reviews, "stability_days": entry.stability,
        }  # fmt: skip

    return json.dumps(
        {
            "schema": REVIEW_SCHEMA,
            "learner": result.learner,
            "today": result.today.isoformat(),
            "due": [item(e) for e in result.due],
            "later": [item(e) for e in result.later],
            "areas": result.areas,
        },
        indent=2,
        ensure_ascii=False,
    )


def review_change_text(change: ReviewChange) -> str:
    """One line, e.g. ``good: python (review 3); next review 2026-12-24 (stability 24.1 d)``."""
    if change.due_on is None:
        state = "on" if change.action == "enable" else "off"
        return f"review {state}: {escape(change.subject)} (#{change.entry_id})"
    stability = f"stability {change.stability:.1f} d" if change.stability is not None else ""
    return (
        f"{change.action}: {escape(change.subject)} (review {change.reviews}, "
        f"{change.on_date.isoformat()}); next review {change.due_on.isoformat()} ({stability})"
    )
