"""The shareable report as Markdown (GitHub-flavoured tables; charts as text bars)."""

from mltrack.core.figures import cells
from mltrack.queries.report import ReportData
from mltrack.render.layout import Block, Bullets, Chart, Heading, Paragraph, Table, report_blocks

CHART_WIDTH = 30


def report_markdown(data: ReportData) -> str:
    """The report as one Markdown document."""
    return "\n\n".join(_block(block) for block in report_blocks(data)) + "\n"


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + _inline(block.text)
    if isinstance(block, Paragraph):
        return _inline(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {_inline(item)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    return _chart(block)


def _table(table: Table) -> str:
    align = ["--:" if figure else "---" for figure in table.figures()]
    lines = [_row(table.columns), _row(align, escape=False)]
    lines += [_row(row) for row in table.rows]
    return "\n".join(lines)


def _row(cells: list[str], escape: bool = True) -> str:
    return "| " + " | ".join(_cell(cell) if escape else cell for cell in cells) + " |"


def _chart(chart: Chart) -> str:
    """A text bar chart in a code block: Markdown has no portable way to draw one."""
    width = max((len(bar.label) for bar in chart.bars), default=0)
    lines = [f"{chart.title}:", "```"]
    for bar in chart.bars:
        filled = cells(bar.value, chart.maximum, CHART_WIDTH)
        lines.append(
            f"{bar.label:<{width}}  {'#' * filled}{'.' * (CHART_WIDTH - filled)}  {bar.text}"
        )
    lines.append("```")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _inline(text: str) -> str:
    """Text that Markdown shows as typed: markup characters escaped, no line breaks."""
    text = " ".join(text.split())
    for char in "\\`*_[]<>#":
        text = text.replace(char, "\\" + char)
    return text
