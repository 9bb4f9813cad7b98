"""The shareable report as one self-contained HTML file: inline CSS, charts as inline SVG.

Nothing is fetched: no scripts, fonts, images or style sheets from anywhere, and a
Content-Security-Policy that forbids them, so the file looks the same offline, attached to a
mail or opened years later.
"""

from mltrack.core.figures import rounded
from mltrack.queries.report import ReportData
from mltrack.render.layout import (
    Bar,
    Block,
    Bullets,
    Chart,
    Heading,
    Paragraph,
    Table,
    report_blocks,
)
from mltrack.render.markup import escape

CHART_WIDTH = 760
ROW_HEIGHT = 34  # per bar of an "across" chart: label line, then the bar
TRACK_WIDTH = 640
COLUMN_CHART_HEIGHT = 176
PLOT_TOP, PLOT_BOTTOM = 24, 148  # the y range bars of an "up" chart grow in

STYLE = """
:root { color-scheme: light; }
body { margin: 0; background: #f6f7f9; color: #1f2933;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 920px; margin: 0 auto; padding: 32px 40px 48px; background: #fff; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e7ec; }
p { margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 10px 0; font-size: 13.5px; }
th, td { padding: 5px 8px; text-align: left; vertical-align: top;
         border-bottom: 1px solid #e3e7ec; }
th { background: #eef1f4; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
td.slug { color: #52606d; font-size: 12.5px; white-space: nowrap; }
figure { margin: 12px 0 16px; }
tbody tr:nth-child(even) { background: #fafbfc; }
svg { display: block; width: 100%; height: auto; margin: 8px 0 4px; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
           fill: #1f2933; }
svg .value { font-weight: 600; }
svg .axis { font-size: 11px; fill: #52606d; }
.track { fill: #e6e9ee; }
.bar { fill: #2f7d4f; }
.bar.running { fill: #8cc5a0; }
.caption { color: #52606d; font-size: 13px; }
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def report_html(data: ReportData) -> str:
    """The report as one HTML document."""
    blocks = report_blocks(data)
    title = next(block.text for block in blocks if isinstance(block, Heading))
    body = "\n".join(_block(block) for block in blocks)
    if data.heatmap is not None:
        from mltrack.render.heatmap import heatmap_svg

        body += "\n<h2>Activity</h2>\n" + heatmap_svg(data.heatmap)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="generator" content="mltrack">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block)
    return _across(block) if block.direction == "across" else _up(block)


def _table(table: Table) -> str:
    classes = [
        _cell_class(name, figure)
        for name, figure in zip(table.columns, table.figures(), strict=True)
    ]
    head = "".join(
        f'<th{classes[n]} scope="col">{escape(name)}</th>' for n, name in enumerate(table.columns)
    )
    rows = "".join(
        "<tr>" + "".join(f"<td{classes[n]}>{escape(cell)}</td>" for n, cell in enumerate(row))
        + "</tr>"
        for row in table.rows
    )  # fmt: skip
    return (
        f'<table id="table-{table.name}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _cell_class(column: str, figure: bool) -> str:
    """Figures align right; slugs are set small, as the handle to type rather than to read."""
    if figure:
        return ' class="num"'
    return ' class="slug"' if column == "Slug" else ""


def _across(chart: Chart) -> str:
    """One bar a row, its label above it and its value to the right."""
    height = ROW_HEIGHT * len(chart.bars) + 4
    parts = []
    for n, bar in enumerate(chart.bars):
        y = n * ROW_HEIGHT
        width = rounded(TRACK_WIDTH * min(bar.value, chart.maximum) / chart.maximum, 1)
        parts.append(
            f'<text x="0" y="{y + 13}">{escape(bar.label)}</text>'
            f'<rect class="track" x="0" y="{y + 18}" width="{TRACK_WIDTH}" height="12" rx="3"/>'
            f'<rect class="bar" x="0" y="{y + 18}" width="{width}" height="12" rx="3"/>'
            f'<text class="value" x="{TRACK_WIDTH + 10}" y="{y + 29}">{escape(bar.text)}</text>'
        )
    return _svg(chart, height, "".join(parts))


def _up(chart: Chart) -> str:
    """One column a bar (e.g. a week), its value above it and its label below."""
    slot = CHART_WIDTH / max(len(chart.bars), 1)
    plot = PLOT_BOTTOM - PLOT_TOP
    parts = [
        f'<line x1="0" y1="{PLOT_BOTTOM}" x2="{CHART_WIDTH}" y2="{PLOT_BOTTOM}" '
        'stroke="#9aa5b1" stroke-width="1"/>'
    ]
    for n, bar in enumerate(chart.bars):
        height = rounded(plot * bar.value / chart.maximum, 1)
        x, middle = n * slot + slot * 0.2, n * slot + slot / 2
        parts.append(
            f'<rect class="{_bar_class(bar)}" x="{x:.1f}" y="{PLOT_BOTTOM - height}" '
            f'width="{slot * 0.6:.1f}" '
            f'height="{height}" rx="2"/>'
            f'<text class="value" x="{middle:.1f}" y="{PLOT_BOTTOM - height - 6}" '
            f'text-anchor="middle">{escape(bar.text)}</text>'
            f'<text class="axis" x="{middle:.1f}" y="{PLOT_BOTTOM + 18}" '
            f'text-anchor="middle">{escape(bar.label)}</text>'
        )
    return _svg(chart, COLUMN_CHART_HEIGHT, "".join(parts))


def _bar_class(bar: Bar) -> str:
    return "bar running" if bar.running else "bar"


def _svg(chart: Chart, height: int, content: str) -> str:
    return (
        f'<figure><figcaption class="caption">{escape(chart.title)}</figcaption>'
        f'<svg id="{chart.name}" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'aria-label="{escape(chart.title)}">{content}</svg></figure>'
    )
