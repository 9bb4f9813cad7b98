"""The text view of ``mltrack gaps`` (its JSON is in ``render.json``). A pure function."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mltrack.render.text import DEFAULT_WIDTH, escape, wrap

if TYPE_CHECKING:
    from mltrack.queries.gaps import Gaps

HEADINGS = {
    "area": "Study areas not begun",
    "step": "Steps not begun",
    "certification": "Certification goals whose prerequisites have not started",
    "stalled": "Items in progress with no study time in 4 weeks",
}


def gaps_text(result: Gaps, width: int = DEFAULT_WIDTH) -> str:
    """The gaps under a heading per kind, each line followed by the command to address it."""
    if not result.gaps:
        return "No gaps: every area and step has work done, started or targeted, no goal waits "\
               "on an unstarted prerequisite, and nothing in progress has stalled."  # fmt: skip
    if not result.begun:
        areas = sum(1 for gap in result.gaps if gap.kind == "area")
        steps = sum(1 for gap in result.gaps if gap.kind == "step")
        lines = wrap(f"Nothing is done or started yet, so every study area ({areas}) and step "
                     f"({steps}) is a gap.", width)  # fmt: skip
        lines.append("    -> mltrack next   (what to take up first, and why)")
        return "\n".join(lines)
    lines: list[str] = []
    for kind, heading in HEADINGS.items():
        found = [gap for gap in result.gaps if gap.kind == kind]
        if not found:
            continue
        lines += [""] if lines else []
        lines.append(f"{heading}: {len(found)}")
        for gap in found:
            lines += wrap(gap.says, width, "  - ", "    ")
            lines.append(f"    -> {escape(gap.command)}")
    return "\n".join(lines)
