"""The shareable report as Markdown (GitHub-flavoured tables; charts as text bars).

With a ``width`` (the report printed to a terminal) every line fits it: paragraphs and list
items wrap, a long heading becomes a setext heading over several lines, a chart's labels are
truncated (its table keeps them whole), and a table too wide for the width is written as a
list of its rows, each cell named by its column. Without one, tables are always tables.
"""

import re

from mltrack.core.figures import cells
from mltrack.queries.report import ReportData
from mltrack.render.layout import Block, Bullets, Chart, Heading, Paragraph, Table, report_blocks
from mltrack.render.text import display_width, escape, fit_widths, pad, truncate, wrap

CHART_WIDTH = 30
# What a folded line may not start with: a bullet, "1." or "1)", or a line of = or -.
STRUCTURE = re.compile(r"[-+](\s|$)|1[.)](\s|$)|=+\s*$|-+\s*$")
MIN_CHART_WIDTH = 10


def report_markdown(data: ReportData, width: int | None = None) -> str:
    """The report as one Markdown document, fitted to ``width`` columns when one is given."""
    return "\n\n".join(_block(block, width) for block in report_blocks(data)) + "\n"


def _block(block: Block, width: int | None) -> str:
    if isinstance(block, Heading):
        return _heading(block, width)
    if isinstance(block, Paragraph):
        return _fold(_inline(block.text), width)
    if isinstance(block, Bullets):
        return "\n".join(_fold(f"- {_inline(item)}", width, "  ") for item in block.items)
    if isinstance(block, Table):
        return _table(block, width)
    return _chart(block, width)


def _fold(text: str, width: int | None, subsequent: str = "") -> str:
    """Markdown text wrapped at ``width`` (a soft line break: it renders the same). A folded
    line that would start a list or underline a heading has that character escaped."""
    if width is None:
        return text
    # One column kept for the backslash that _plain_start may add.
    first, *rest = wrap(text, width - 1, "", subsequent, raw=True)
    return "\n".join([first, *(_plain_start(line, len(subsequent)) for line in rest)])


def _plain_start(line: str, indent: int) -> str:
    """``line`` with a backslash before the character that would make it a list item, a
    thematic break or a setext underline when it starts a line (``- x``, ``1. x``, ``===``)."""
    head, body = line[:indent], line[indent:]
    if STRUCTURE.match(body):
        at = 1 if body[0] == "1" else 0
        return f"{head}{body[:at]}\\{body[at:]}"
    return line


def _heading(heading: Heading, width: int | None) -> str:
    text = _inline(heading.text)
    line = "#" * heading.level + " " + text
    if width is None or display_width(line) <= width or heading.level > 2:
        return line
    # A setext heading may span several lines; an ATX one (# ...) may not.
    underline = "=" if heading.level == 1 else "-"
    return _fold(text, width) + "\n" + underline * min(width, 3 * 10)


def _table(table: Table, width: int | None) -> str:
    align = ["--:" if figure else "---" for figure in table.figures()]
    lines = [_row(table.columns), _row(align, escape=False)]
    lines += [_row(row) for row in table.rows]
    if width is None or all(display_width(line) <= width for line in lines):
        return "\n".join(lines)
    return _records(table, width)


def _records(table: Table, width: int) -> str:
    """A table too wide for ``width``: one list item a row, its first cell in bold and the
    others named by their column, e.g. ``- **Statistics**: Slug statistics, Done 0, ...``."""
    items = []
    for row in table.rows:
        named = zip(table.columns[1:], row[1:], strict=True)
        described = ", ".join(f"{_cell(column)} {_cell(cell)}" for column, cell in named)
        items.append(_fold(f"- **{_cell(row[0])}**: {described}", width, "  "))
    return "\n".join(items)


def _row(cells: list[str], escape: bool = True) -> str:
    return "| " + " | ".join(_cell(cell) if escape else cell for cell in cells) + " |"


def _chart(chart: Chart, width: int | None) -> str:
    """A text bar chart in a code block: Markdown has no portable way to draw one."""
    labels = max((display_width(escape(bar.label)) for bar in chart.bars), default=0)
    texts = max((len(bar.text) for bar in chart.bars), default=0)
    label_width, bars = labels, CHART_WIDTH
    if width is not None:  # label "  " bar "  " figure
        label_width, bars = fit_widths(
            [labels, CHART_WIDTH], width - 4 - texts, [True, True], minimum=MIN_CHART_WIDTH
        )
    title = _fold(f"{escape(chart.title)}:", width)
    lines = [title, "```"]
    for bar in chart.bars:
        filled = cells(bar.value, chart.maximum, bars)
        label = pad(truncate(bar.label, label_width), label_width)
        lines.append(f"{label}  {'#' * filled}{'.' * (bars - filled)}  {bar.text}")
    lines.append("```")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _inline(text: str) -> str:
    """Text that Markdown shows as typed: markup characters escaped, no line breaks, and no
    control or bidi character (shown as an escape such as ``\\x1b``, see ``render.text``)."""
    text = escape(" ".join(text.split()))
    # Most cells have none: one search, rather than a replace per character (the provenance
    # table alone has thousands of cells).
    return _MARKUP.sub(_backslashed, text) if _MARKUP.search(text) else text


_MARKUP = re.compile(r"[\\`*_\[\]<>#]")


def _backslashed(found: re.Match[str]) -> str:
    return "\\" + found[0]
