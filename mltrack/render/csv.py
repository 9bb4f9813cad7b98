"""The progress figures as CSV: one row per group of every grouping, the overall row first.

For spreadsheets: one flat table with a header row; ``grouping`` says which grouping a row
belongs to (overall, step, area, kind, provider). Percentages are numbers (empty when there
is nothing to count), hours are the pathway's estimates.

Text cells that a spreadsheet would take for a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: OWASP's CSV injection rule) get a leading ``'``; the JSON
report keeps the raw value.
"""

import csv
import io

from mltrack.queries.progress import Completion, ProgressReport

COLUMNS = [
    "grouping", "slug", "title",
    "required_done", "required_total", "required_skipped", "required_percent",
    "optional_done", "optional_total", "optional_skipped",
    "all_done", "all_total", "all_skipped", "all_percent",
    "hours_done", "hours_total", "hours_percent", "hours_not_estimated",
]  # fmt: skip


def progress_csv(report: ProgressReport) -> str:
    """Overall, then each grouping's groups in the report's order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(["overall", "", cell(report.learner), *_figures(report.overall)])
    for grouping, groups in report.groupings.items():
        for group in groups:
            writer.writerow(
                [grouping, cell(group.slug or ""), cell(group.title), *_figures(group.completion)]
            )
    return buffer.getvalue()


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    """A text cell no spreadsheet runs as a formula: ``'`` before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _figures(completion: Completion) -> list[object]:
    every = completion.scope(include_optional=True)
    return [
        completion.required_done, completion.required_total, completion.required_skipped,
        _number(completion.percent),
        completion.optional_done, completion.optional_total, completion.optional_skipped,
        every.done, every.total, every.skipped, _number(every.percent),
        completion.hours_done, completion.hours_total, _number(completion.hours_percent),
        completion.hours_unestimated,
    ]  # fmt: skip


def _number(value: float | None) -> object:
    return "" if value is None else value
