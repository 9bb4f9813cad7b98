"""Pathways of one's own in words and JSON: the installed pathways, what an install, a
removal or a change of pathway did, and what pathway updates changed (``whatsnew``)."""

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # names only: renderers never import the read side
    from mltrack.queries.pathways import NewsRow, PathwayRow

PATHWAYS_SCHEMA = "mltrack.pathways/1"
WHATSNEW_SCHEMA = "mltrack.whatsnew/1"
_CHANGE_MARKS = {"added": "+", "retitled": "~", "retired": "-"}


def pathways_text(pathways: "Sequence[PathwayRow]", width: int) -> str:
    """One line a pathway: ``*`` marks the one followed; items done of items in it."""
    slug_width = max((len(p.slug) for p in pathways), default=0)
    lines = []
    for p in pathways:
        mark = "*" if p.in_use else " "
        counts = f"{p.done}/{p.items} done"
        shipped = " (shipped)" if p.shipped else ""
        head = f"{mark} {p.slug:<{slug_width}}  {counts:>12}  "
        title = _fit(p.title + shipped, max(width - len(head), 10))
        lines.append(head + title)
    lines.append("* the pathway you follow (mltrack pathway use SLUG)")
    return "\n".join(lines)


def pathways_json(pathways: "Sequence[PathwayRow]", learner: str) -> str:
    return _dump({"schema": PATHWAYS_SCHEMA, "learner": learner,
                  "pathways": [p._asdict() for p in pathways]})  # fmt: skip


def installed_text(
    slug: str, title: str, updated: bool, items: int, changes: tuple[int, int, int]
) -> str:
    """What ``pathway install`` did; ``changes``: items added, retitled and retired."""
    if not updated:
        return (f"installed pathway {slug} ({title}), {items} items\n"
                f"follow it: mltrack pathway use {slug}")  # fmt: skip
    added, retitled, retired = changes
    return (f"updated pathway {slug} ({title}), {items} items\n{added} added, {retitled} "
            f"retitled, {retired} retired; see what changed: mltrack whatsnew")  # fmt: skip


def removed_text(slug: str, items: int, kept: int) -> str:
    return (f"removed pathway {slug}: {items} items left it\n"
            f"{kept} with your history kept (retired, never deleted)")  # fmt: skip


def used_text(slug: str, before: str | None) -> str:
    was = f" (was {before})" if before else ""
    return f"following pathway {slug}{was}; undo: mltrack undo"


def news_text(news: "Sequence[NewsRow]", width: int) -> str:
    """Each pathway's changes since last looked: + added, ~ retitled (old title), - retired."""
    if not news:
        return "Nothing new in your pathways since you last looked."
    lines: list[str] = []
    pathway = None
    for row in news:
        if row.pathway != pathway:
            pathway = row.pathway
            lines.append(f"{pathway}:")
        change = _CHANGE_MARKS[row.change]
        title = f"{row.title} (was: {row.old_title})" if row.old_title else row.title
        head = f"  {change} {row.change:<8} {row.slug}  "
        lines.append(head + _fit(title, max(width - len(head), 10)))
    return "\n".join(lines)


def news_json(news: "Sequence[NewsRow]", learner: str) -> str:
    return _dump({"schema": WHATSNEW_SCHEMA, "learner": learner,
                  "changes": [row._asdict() for row in news]})  # fmt: skip


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _dump(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
