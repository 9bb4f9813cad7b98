"""The pages of ``mltrack serve``: the pathway map as server-side SVG, an item's panel, and
the page around them. Pure functions, result -> HTML text, as every renderer here.

Nothing on these pages loads from anywhere but the server itself: one style sheet and one
small script (STYLE, SCRIPT) that the server hands out, and a Content-Security-Policy that
forbids everything else. Every box is a link with the role of a button and a spoken name
that says its status, so the map works by keyboard and screen reader; status shows as a
colour and a symbol, never as a colour alone.
"""

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

from mltrack.core.dates import format_minutes
from mltrack.core.figures import rounded
from mltrack.render.graph_layout import (
    BOX_HEIGHT,
    BOX_WIDTH,
    MARGIN,
    Layout,
    Node,
    layered_layout,
)
from mltrack.render.provenance import FACT_LABELS, basis_text
from mltrack.render.terminal import entry_lines

if TYPE_CHECKING:
    from mltrack.queries.notes import ItemNote
    from mltrack.queries.pathmap import MapItem, PathMap
    from mltrack.queries.pathway import ItemDetail

# Status: a symbol and a word beside the colour (never colour alone).
SYMBOLS = {"planned": "○", "in_progress": "◐", "done": "✓", "skipped": "⊘"}
WORDS = {"planned": "planned", "in_progress": "in progress", "done": "done", "skipped": "skipped"}
ACTIONS = (("start", "Start"), ("done", "Done"), ("skip", "Skip"), ("reset", "Reset"))
AREA_COLOURS = ("#3b6ea8", "#8a4fa3", "#c0622b", "#2d8a87", "#a83b5b", "#6b7a2e", "#4d5bb0",
                "#946b2d")  # fmt: skip
TITLE_CHARACTERS = 27  # what fits a box's title line at 13 px

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2933;
       font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header { display: flex; flex-wrap: wrap; gap: 8px 24px; align-items: center;
         padding: 10px 20px; background: #fff; border-bottom: 1px solid #dde2e8; }
header h1 { font-size: 20px; margin: 0; }
header nav a { margin-right: 12px; }
header form { margin-left: auto; }
#summary { margin: 0; font-weight: 600; }
.layout { display: flex; align-items: flex-start; }
.map { flex: 1; overflow: auto; max-height: calc(100vh - 60px); }
.map svg { display: block; }
aside { width: 380px; flex: none; background: #fff; border-left: 1px solid #dde2e8;
        padding: 12px 18px 24px; max-height: calc(100vh - 60px); overflow: auto; }
aside h2 { font-size: 19px; margin: 4px 0 6px; }
aside h3 { font-size: 15px; margin: 16px 0 4px; }
aside dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 6px 0; }
aside dt { color: #52606d; }
aside dd { margin: 0; }
aside blockquote { margin: 8px 0; padding-left: 10px; border-left: 3px solid #cbd2d9;
                   color: #3e4c59; }
aside pre { font-size: 12px; white-space: pre-wrap; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
button { font: inherit; padding: 4px 12px; border: 1px solid #9aa5b1; border-radius: 4px;
         background: #fff; cursor: pointer; }
button:hover { background: #eef1f4; }
:focus-visible { outline: 3px solid #f0a202; outline-offset: 2px; }
.message { margin: 8px 0; padding: 6px 10px; background: #e8f4ec; border-left: 4px solid #2f7d4f; }
.message.refused { background: #fcebea; border-left-color: #b42318; }
label { display: block; margin: 4px 0; }
input[type=text] { font: inherit; width: 100%; box-sizing: border-box; padding: 3px 6px; }
svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
           fill: #1f2933; }
svg .title { font-size: 13px; font-weight: 600; }
svg .band-title { font-size: 13px; font-weight: 600; fill: #3e4c59; }
svg .meta { fill: #3e4c59; }
svg .box rect.body { fill: #fff; stroke: #9aa5b1; stroke-width: 1.2; }
svg .box.in_progress rect.body { fill: #fff6db; stroke: #c98a00; }
svg .box.done rect.body { fill: #e3f4e8; stroke: #2f7d4f; }
svg .box.skipped rect.body { fill: #eef0f2; stroke: #9aa5b1; stroke-dasharray: 5 3; }
svg .box.skipped text { fill: #616e7c; }
svg .box .symbol { font-size: 15px; font-weight: 700; }
svg .box.done .symbol { fill: #2f7d4f; }
svg .box.in_progress .symbol { fill: #a66f00; }
svg .box:focus { outline: none; }
svg .box:focus rect.body, svg .box:hover rect.body { stroke: #f0a202; stroke-width: 3; }
svg .box.selected rect.body { stroke: #1f2933; stroke-width: 3; }
svg .arrow { fill: none; stroke: #9aa5b1; stroke-width: 1.3; }
svg .arrow.met { stroke: #2f7d4f; }
svg .band { fill: #eef1f4; }
main.text { padding: 0 20px; }
.legend { padding: 4px 20px; font-size: 13px; color: #3e4c59; }
.legend span { margin-right: 16px; }
"""

# Space activates a button; the boxes are links with that role, which browsers open on Enter
# only. After a change the page comes back with the panel: focus goes to its heading.
SCRIPT = """
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key === " " && target.getAttribute && target.getAttribute("role") === "button"
      && target.tagName.toLowerCase() === "a") {
    event.preventDefault();
    target.dispatchEvent(new MouseEvent("click", {bubbles: true, cancelable: true}));
  }
});
window.addEventListener("DOMContentLoaded", function () {
  var heading = document.getElementById("panel-title");
  if (heading && document.body.dataset.focus === "panel") { heading.focus(); }
  var selected = document.querySelector("svg .box.selected");
  var map = document.querySelector(".map");
  if (selected && map) {  // scroll the map, not the page, to the selected box
    var box = selected.getBoundingClientRect(), frame = map.getBoundingClientRect();
    map.scrollTop += box.top - frame.top - frame.height / 3;
    map.scrollLeft += box.left - frame.left - frame.width / 3;
  }
});
"""


def map_layout(pathmap: "PathMap") -> Layout:
    """The layered layout of ``pathmap``'s items and prerequisite edges."""
    steps: dict[str, int] = {}
    nodes = []
    for entry in pathmap.items:
        step = steps.setdefault(entry.item.step_slug, len(steps))
        nodes.append(Node(entry.item.slug, step))
    return layered_layout(nodes, pathmap.edges)


def map_svg(pathmap: "PathMap", layout: Layout, selected: str | None = None) -> str:
    """The pathway as one SVG: step bands, prerequisite arrows, then a box per item."""
    steps = list(dict.fromkeys(entry.item.step_title for entry in pathmap.items))
    areas = list(dict.fromkeys(e.item.area_slug for e in pathmap.items if e.item.area_slug))
    status = {entry.item.slug: entry.item.status for entry in pathmap.items}
    width, height = rounded(layout.width), rounded(layout.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}" role="group" aria-label="Pathway map">',
        '<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#7b8794"/></marker></defs>',
    ]
    for band in layout.bands:
        title = steps[band.step] if band.step < len(steps) else ""
        left, right = band.left - 10, band.right + 10
        parts.append(
            f'<rect class="band" x="{left:g}" y="{MARGIN / 2:g}" width="{right - left:g}" '
            f'height="{height - MARGIN:g}" rx="8"/>'
            f'<text class="band-title" x="{left + 8:g}" y="{MARGIN / 2 + 20:g}">'
            f"<title>{escape(title)}</title>{escape(_cut(title, int((right - left) / 7.2)))}"
            "</text>"
        )
    for (before, _after), points in layout.arrows.items():
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        met = " met" if status.get(before) in ("done", "skipped") else ""
        parts.append(f'<polyline class="arrow{met}" points="{path}" marker-end="url(#head)"/>')
    for entry in pathmap.items:
        x, y = layout.boxes[entry.item.slug]
        colour = AREA_COLOURS[areas.index(entry.item.area_slug) % len(AREA_COLOURS)] if (
            entry.item.area_slug) else "#cbd2d9"  # fmt: skip
        parts.append(_box(entry, x, y, colour, entry.item.slug == selected))
    parts.append("</svg>")
    return "\n".join(parts)


def _box(entry: "MapItem", x: float, y: float, colour: str, selected: bool) -> str:
    item = entry.item
    label = box_label(entry)
    classes = f"box {item.status}" + (" selected" if selected else "")
    cert = _cert_line(entry)
    lines = [
        f'<a class="{classes}" href="/?item={quote(item.slug)}" role="button" '
        f'aria-label="{escape(label)}" data-slug="{escape(item.slug)}"'
        + (' aria-current="true"' if selected else "")
        + ">",
        f"<title>{escape(label)}</title>",
        f'<rect class="body" x="{x:g}" y="{y:g}" width="{BOX_WIDTH}" '
        f'height="{BOX_HEIGHT}" rx="6"/>',
        f'<rect x="{x:g}" y="{y:g}" width="5" height="{BOX_HEIGHT}" rx="2" fill="{colour}"/>',
        f'<text class="symbol" x="{x + 12:g}" y="{y + 19:g}" aria-hidden="true">'
        f"{SYMBOLS[item.status]}</text>",
        f'<text class="title" x="{x + 30:g}" y="{y + 18:g}">'
        f"{escape(_cut(item.title, TITLE_CHARACTERS))}</text>",
        f'<text class="meta" x="{x + 12:g}" y="{y + 35:g}">{escape(_meta_line(entry))}</text>',
    ]
    if cert:
        lines.append(f'<text class="meta" x="{x + 12:g}" y="{y + 50:g}">{escape(cert)}</text>')
    lines.append("</a>")
    return "".join(lines)


def box_label(entry: "MapItem") -> str:
    """What a screen reader says for a box: title, status, time, goal."""
    item = entry.item
    parts = [item.title, WORDS[item.status], _hours_text(entry)]
    if not item.required:
        parts.insert(2, "optional")
    cert = _cert_line(entry)
    if cert:
        parts.append(cert)
    return ", ".join(part for part in parts if part)


def _meta_line(entry: "MapItem") -> str:
    word = WORDS[entry.item.status] + ("" if entry.item.required else " · opt.")
    hours = _hours_short(entry)
    return f"{word} · {hours}" if hours else word


def _hours_short(entry: "MapItem") -> str:
    estimate = entry.item.hours_estimate
    logged = format_minutes(entry.minutes_logged) if entry.minutes_logged else "0h"
    if estimate is None:
        return f"{logged} logged" if entry.minutes_logged else ""
    return f"{logged} / {rounded(estimate, 1):g}h"


def _hours_text(entry: "MapItem") -> str:
    estimate = entry.item.hours_estimate
    logged = format_minutes(entry.minutes_logged) if entry.minutes_logged else "no time"
    if estimate is None:
        return f"{logged} logged" if entry.minutes_logged else ""
    return f"{logged} logged of {rounded(estimate, 1):g} hours estimated"


def _cert_line(entry: "MapItem") -> str | None:
    if entry.item.kind != "certification":
        return None
    if entry.cert_status is None:
        return "goal: none"
    by = f" by {entry.cert_target}" if entry.cert_target else ""
    return f"goal: {entry.cert_status}{by}"


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: max(length - 1, 1)].rstrip() + "…"


def completion_line(pathmap: "PathMap") -> str:
    """The overall figure, as ``mltrack progress`` counts it (required items, skipped left out)."""
    completion = pathmap.completion
    percent = completion.percent
    shown = "n/a" if percent is None else f"{rounded(percent):g}%"
    return (
        f"{completion.required_done} of {completion.required_total - completion.required_skipped}"
        f" required items done ({shown})"
    )


def page(
    title: str,
    body: str,
    token: str,
    summary: str = "",
    focus_panel: bool = False,
) -> str:
    """A whole page of the server: navigation, the undo button, then ``body``."""
    focus = ' data-focus="panel"' if focus_panel else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · mltrack</title>
<link rel="stylesheet" href="/static/serve.css">
<script src="/static/serve.js" defer></script>
</head>
<body{focus}>
<header>
<h1>mltrack</h1>
<nav aria-label="Pages"><a href="/">Map</a> <a href="/progress">Progress</a>
<a href="/stats">Stats</a> <a href="/report">Report</a></nav>
<p id="summary">{escape(summary)}</p>
<form method="post" action="/undo">{_token(token)}
<button type="submit">Undo last change</button></form>
</header>
{body}
</body>
</html>
"""


def map_body(pathmap: "PathMap", layout: Layout, selected: str | None, panel: str) -> str:
    """The map page's body: legend (statuses, then each study area's colour), map and the
    side panel."""
    legend = "".join(f"<span>{SYMBOLS[status]} {WORDS[status]}</span>" for status in SYMBOLS)
    areas = dict.fromkeys((e.item.area_slug, e.item.area_title) for e in pathmap.items
                          if e.item.area_slug)  # fmt: skip
    for number, (_, title) in enumerate(areas):
        colour = AREA_COLOURS[number % len(AREA_COLOURS)]
        legend += (
            f'<span><svg width="10" height="10" aria-hidden="true"><rect width="10" '
            f'height="10" fill="{colour}"/></svg> {escape(title or "")}</span>'
        )
    return (
        f'<p class="legend" aria-label="Legend">{legend}'
        "<span>→ comes before</span><span>box text: status · hours logged / estimate</span></p>"
        '<div class="layout"><div class="map" role="region" aria-label="Pathway map">'
        f"{map_svg(pathmap, layout, selected)}</div>"
        f'<aside id="panel" aria-label="Selected item">{panel}</aside></div>'
    )


def empty_panel() -> str:
    return (
        '<h2 id="panel-title" tabindex="-1">Pick an item</h2>'
        "<p>Click a box, or move to it with Tab and press Enter, to see what it is and to mark "
        "it started, done or skipped.</p>"
    )


def item_panel(
    detail: "ItemDetail",
    entry: "MapItem | None",
    token: str,
    message: str | None = None,
    refused: bool = False,
    notes: Sequence["ItemNote"] = (),
) -> str:
    """The side panel of one item: what it is, where its facts come from, its prerequisites,
    the buttons that change it, its notes and its history."""
    slug = quote(detail.slug)
    status = detail.status
    out = [f'<h2 id="panel-title" tabindex="-1">{escape(detail.title)}</h2>']
    if message:
        role = "alert" if refused else "status"
        kind = " refused" if refused else ""
        out.append(f'<p class="message{kind}" role="{role}">{escape(message)}</p>')
    facts = [
        ("Status", f"{SYMBOLS[status]} {WORDS[status]}"),
        ("Kind", detail.kind + ("" if detail.required else ", optional")),
        ("Step", detail.step_title),
        ("Area", detail.area_title),
        ("Provider", detail.provider),
        ("Time", _time_text(detail)),
        ("Goal", _cert_line(entry) if entry else None),
        ("Started", detail.started_on),
        ("Finished", detail.finished_on),
    ]
    out.append('<dl id="facts">' + "".join(
        f"<dt>{label}</dt><dd>{escape(str(value))}</dd>" for label, value in facts if value
    ) + "</dl>")  # fmt: skip
    out.append(
        f'<form method="post" action="/item/{slug}/status">{_token(token)}'
        '<label>Note to keep with the change (optional) <input type="text" name="note" '
        'autocomplete="off"></label>'
        '<div class="actions" role="group" aria-label="Change status">'
    )
    for action, text in ACTIONS:
        out.append(
            f'<button type="submit" name="action" value="{action}" '
            f'aria-label="{text}: {escape(detail.title)}">{text}</button>'
        )
    out.append("</div></form>")
    out.append(
        f'<form method="post" action="/item/{slug}/log">{_token(token)}'
        '<label>Log study time (e.g. 45m, 1h30) <input type="text" name="duration" '
        'required autocomplete="off"></label>'
        '<button type="submit">Log time</button></form>'
    )
    if detail.quote:
        out.append(f"<h3>From the article</h3><blockquote>{escape(detail.quote)}</blockquote>")
    if detail.url:
        out.append(
            f'<p><a href="{escape(detail.url)}" rel="noreferrer noopener">'
            f"{escape(detail.url)}</a></p>"
        )
    out.append(notes_section(detail, notes, token))
    if detail.prerequisites:
        out.append("<h3>Prerequisites</h3><ul>")
        for p in detail.prerequisites:
            out.append(
                f'<li>{SYMBOLS.get(p.status, "")} <a href="/?item={quote(p.slug)}">'
                f"{escape(p.title)}</a> ({WORDS.get(p.status, p.status)})</li>"
            )
        out.append("</ul>")
    if detail.provenance:
        out.append("<h3>Where each fact comes from</h3><dl>")
        for fact, label in FACT_LABELS.items():
            if fact in detail.provenance:
                out.append(
                    f"<dt>{label}</dt><dd>{escape(basis_text(detail.provenance[fact]))}</dd>"
                )
        out.append("</dl>")
    if detail.history:
        lines = entry_lines(detail.history, False, 60)
        out.append("<h3>History</h3><pre>" + escape("\n".join(lines)) + "</pre>")
    return "\n".join(out)


def notes_section(detail: "ItemDetail", notes: Sequence["ItemNote"] = (), token: str = "") -> str:
    """Notes and links: the note and evidence kept with the status, the learner's notes and
    links (``mltrack note``), then a form to add a note."""
    rows = []
    if detail.note:
        rows.append(f"<li>{escape(detail.note)}</li>")
    if detail.evidence_url:
        rows.append(
            f'<li><a href="{escape(detail.evidence_url)}" rel="noreferrer noopener">'
            f"{escape(detail.evidence_url)}</a></li>"
        )
    for note in notes:
        if note.url:
            title = escape(note.text or note.url)
            rows.append(f'<li>{note.on_date}: <a href="{escape(note.url)}" '
                        f'rel="noreferrer noopener">{title}</a></li>')  # fmt: skip
        else:
            rows.append(f"<li>{note.on_date}: {escape(note.text or '')}</li>")
    listed = f"<ul>{''.join(rows)}</ul>" if rows else "<p>None yet.</p>"
    if token:
        listed += (
            f'<form method="post" action="/item/{quote(detail.slug)}/note">{_token(token)}'
            '<label>New note <input type="text" name="text" required autocomplete="off">'
            '</label><button type="submit">Add note</button></form>'
        )
    heading = '<h3 id="notes-title">Notes and links</h3>'
    return f'<section aria-labelledby="notes-title">{heading}{listed}</section>'


def _time_text(detail: "ItemDetail") -> str:
    logged = format_minutes(detail.minutes_logged) if detail.minutes_logged else "none"
    sessions = f" in {detail.sessions_logged} session{'s' if detail.sessions_logged != 1 else ''}"
    logged = logged + (sessions if detail.sessions_logged else "")
    if detail.hours_estimate is None:
        return f"{logged} logged; not estimated"
    return f"{logged} logged of {rounded(detail.hours_estimate, 1):g} h estimated"


def text_page_body(heading: str, text: str) -> str:
    """A terminal view (progress, stats) as a page: the same renderer's text, preformatted."""
    return f'<main class="text"><h2>{escape(heading)}</h2><pre>{escape(text)}</pre></main>'


def _token(token: str) -> str:
    return f'<input type="hidden" name="token" value="{escape(token)}">'
