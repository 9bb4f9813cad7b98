"""``mltrack report``: the shareable progress report in Markdown, HTML, JSON or CSV."""

from typing import TYPE_CHECKING

import click

from mltrack.cli.context import App, Command, pass_app
from mltrack.cli.params import output_option, weeks_option, width, write_output

if TYPE_CHECKING:  # pathlib (with urllib.parse, ipaddress) only when -o names a file
    from pathlib import Path

    from mltrack.queries.report import ReportData

FORMATS = ("md", "html", "json", "csv")
EXTENSIONS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html",
              ".json": "json", ".csv": "csv"}  # fmt: skip


@click.command(cls=Command)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    help="Output format [default: from the -o file's extension, else md].",
)
@output_option
@weeks_option
@click.option(
    "--with-notes", is_flag=True,
    help="Add your notes and links (private: left out by default).",
)  # fmt: skip
@pass_app
def report(
    app: App, output_format: str | None, output: "Path | None", weeks: int, with_notes: bool
) -> None:
    """Write a shareable progress report (md, html, json, csv).

    Markdown and HTML hold the overall figures, your target, completion per education step,
    study area, kind and provider (as charts for steps and areas), what is in progress, what
    comes next, the weekly activity chart, streaks and the forecast. The HTML file is
    self-contained: it loads nothing from anywhere. JSON holds every figure; CSV the
    completion table. Every format shows the same figures as mltrack progress --json.
    Your notes and links are private: the report holds them only with --with-notes.

    Markdown on standard output fits the terminal's width like the other views (a table too
    wide becomes a list of its rows); written with -o it keeps every table. On a terminal,
    control characters in any format are shown as escapes.

    \b
    Examples:
      mltrack report -o progress.html
      mltrack report --format md
      mltrack report --format csv -o progress.csv
      mltrack report -o mine.html --with-notes
    """
    import sys

    from mltrack.queries.report import report_data

    chosen = output_format or EXTENSIONS.get(output.suffix.lower() if output else "", "md")
    data = report_data(app.reader(), app.learner, app.learner_id(), weeks=weeks,
                       with_notes=with_notes)  # fmt: skip
    text = render(chosen, data, width() if output is None and chosen == "md" else None)
    if output is None and sys.stdout.isatty():
        from mltrack.render.text import escape

        text = escape(text, keep="\n")  # what the data holds may not control the terminal
    write_output(output, [text])
    if output is not None:
        click.echo(f"wrote {chosen} report to {output}", err=True)


def render(output_format: str, data: "ReportData", columns: int | None = None) -> str:
    """The report in ``output_format``; each renderer is imported only when it is used.
    Markdown is fitted to ``columns`` when given (None: as wide as its tables are)."""
    if output_format == "html":
        from mltrack.render.html import report_html

        return report_html(data)
    if output_format == "json":
        from mltrack.render.json import report_json

        return report_json(data) + "\n"
    if output_format == "csv":
        from mltrack.render.csv import progress_csv

        return progress_csv(data.progress)
    from mltrack.render.markdown import report_markdown

    return report_markdown(data, columns)
