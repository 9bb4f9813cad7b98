"""Views of the activity heatmap (``mltrack heatmap``, the HTML report): text, JSON, SVG.

Pure functions. The text view draws two grids of 7 rows (Monday to Sunday) by 53 columns
(weeks, oldest on the left), 58 columns wide with their labels: Unicode shades for a UTF-8
terminal, plain ASCII characters otherwise, each with a legend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mltrack.core.dates import format_minutes
from mltrack.render.markup import escape

if TYPE_CHECKING:
    from mltrack.queries.heatmap import Day, Heatmap

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Upper bounds of each shade but the last: minutes studied, items finished.
MINUTE_LEVELS = (0, 29, 59, 119)  # none, under 30 min, under 1 h, under 2 h, 2 h or more
FINISHED_LEVELS = (0, 1, 2)  # none, 1, 2, 3 or more
UNICODE_SHADES = "·░▒▓█"
ASCII_SHADES = ".-+*#"
FUTURE = " "
MINUTE_LEGEND = ("none", "<30m", "<1h", "<2h", "2h+")
FINISHED_LEGEND = ("none", "1", "2", "3+")


def level(value: int, bounds: tuple[int, ...]) -> int:
    """The shade of ``value``: 0 for nothing, then one step per bound passed."""
    return next((n for n, bound in enumerate(bounds) if value <= bound), len(bounds))


def heatmap_text(result: Heatmap, unicode: bool = False) -> str:
    """Two grids (minutes studied, items finished), month labels above, a legend below each."""
    shades = UNICODE_SHADES if unicode else ASCII_SHADES
    first, last = result.days[0].on, result.days[-1].on
    lines = [
        f"Activity, {first.isoformat()} to {last.isoformat()} (53 weeks, Monday to Sunday)",
        f"{format_minutes(result.total_minutes)} studied, {result.total_finished} items "
        f"finished, {result.active_days} active days",
    ]
    for title, value, bounds, legend in (
        ("Study minutes", lambda d: d.minutes, MINUTE_LEVELS, MINUTE_LEGEND),
        ("Items finished", lambda d: d.finished, FINISHED_LEVELS, FINISHED_LEGEND),
    ):
        lines += ["", title, "    " + _months(result)]
        for row, name in enumerate(DAY_NAMES):
            cells = "".join(
                FUTURE if week[row].future else shades[level(value(week[row]), bounds)]
                for week in result.weeks
            )
            lines.append(f"{name} {cells}")
        keys = "  ".join(f"{shades[n]} {label}" for n, label in enumerate(legend))
        lines.append(f"    {keys}")
    return "\n".join(line.rstrip() for line in lines)


def _months(result: Heatmap) -> str:
    """Three-letter month names over the week a month begins in, where they fit."""
    row = [" "] * len(result.weeks)
    free = 0
    for n, week in enumerate(result.weeks):
        starts = next((d.on for d in week if d.on.day == 1), None) if n else week[0].on
        if starts is not None and n >= free and n + 3 <= len(row):
            row[n : n + 3] = starts.strftime("%b")
            free = n + 4
    return "".join(row)


# The SVG of the HTML report -----------------------------------------------------------------

CELL, GAP = 12, 3  # a day's square, and the space between squares
LEFT, TOP = 32, 18  # room for the day names and the month names
MINUTE_FILLS = ("#ebedf0", "#c6e48b", "#7bc96f", "#239a3b", "#196127")
FINISHED_STROKE = "#1f2933"


def heatmap_svg(result: Heatmap) -> str:
    """One square per day (53 weeks of 7 days): its shade says the minutes studied, a dark
    ring that an item was finished; each square carries its date, minutes and items finished
    (``data-*`` attributes, and a ``<title>`` shown on hover)."""
    step = CELL + GAP
    width, height = LEFT + len(result.weeks) * step, TOP + 7 * step
    parts = [
        f'<text class="axis" x="0" y="{TOP + row * step + CELL - 2}">{name}</text>'
        for row, name in enumerate(DAY_NAMES)
        if row % 2 == 0
    ]
    months = _months(result)
    for n in range(len(result.weeks)):
        if months[n] != " " and (n == 0 or months[n - 1] == " "):
            parts.append(
                f'<text class="axis" x="{LEFT + n * step}" y="{TOP - 6}">{months[n : n + 3]}</text>'
            )
    for column, week in enumerate(result.weeks):
        for row, day in enumerate(week):
            if day.future:
                continue
            parts.append(_cell(day, LEFT + column * step, TOP + row * step))
    return (
        '<figure><figcaption class="caption">Activity over 53 weeks: minutes studied per day '
        "(darker is more; a ringed square had an item finished)</figcaption>"
        f'<svg id="heatmap" class="heatmap" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="Activity heatmap">{"".join(parts)}</svg>'
        f'<p class="caption">{_legend()}</p></figure>'
    )


def _cell(day: Day, x: int, y: int) -> str:
    fill = MINUTE_FILLS[level(day.minutes, MINUTE_LEVELS)]
    ring = f' stroke="{FINISHED_STROKE}" stroke-width="1.5"' if day.finished else ""
    items = f"{day.finished} item{'s' if day.finished != 1 else ''} finished"
    title = f"{day.on.isoformat()}: {day.minutes} min studied, {items}"
    return (
        f'<rect class="day" x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2" '
        f'fill="{fill}"{ring} data-date="{day.on.isoformat()}" data-minutes="{day.minutes}" '
        f'data-finished="{day.finished}"><title>{escape(title)}</title></rect>'
    )


def _legend() -> str:
    swatches = "".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{fill};'
        f'margin:0 3px 0 10px"></span>{escape(label)}'
        for fill, label in zip(MINUTE_FILLS, MINUTE_LEGEND, strict=True)
    )
    return f"Minutes per day: {swatches}"
