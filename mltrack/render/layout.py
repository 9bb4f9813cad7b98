"""What the shareable report says, as format-neutral blocks; Markdown and HTML lay them out.

Deciding the sections, tables and charts happens here once, so the Markdown and HTML
reports always show the same figures in the same order. Pure: report data in, blocks out.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from mltrack.core.dates import format_minutes
from mltrack.queries.pathway import PathwayItem
from mltrack.queries.progress import ActiveItem, Completion, GroupCompletion, Tally
from mltrack.queries.report import ReportData
from mltrack.queries.stats import (
    ActivitySection,
    EffortSection,
    ForecastSection,
    ReadingSection,
    StudySection,
)
from mltrack.render.provenance import NOT_ESTIMATED, basis_word
from mltrack.render.wording import (
    GROUPING_TITLES,
    effort_range_text,
    effort_sentence,
    effort_target_sentence,
    forecast_sentence,
    hours_text,
    percent_text,
    streaks_sentence,
    target_sentence,
)

if TYPE_CHECKING:  # the notes module loads only for a report --with-notes
    from mltrack.queries.notes import ItemNote

# Groupings shown as a completion chart as well as a table.
CHARTED = ("step", "area")
# Required items done and counted (skipped ones leave the count), optional ones, hours.
GROUP_COLUMNS = ["Done", "Counted", "Percent", "Optional done", "Optional counted", "Hours done",
                 "Hours total"]  # fmt: skip
# Groupings whose groups have a slug of their own (a kind or provider is its own name).
SLUGGED = ("step", "area")
CHART_WEEKS_TITLE = "Items finished per ISO week (the last one is still running)"


class Heading(NamedTuple):
    text: str
    level: int = 2


class Paragraph(NamedTuple):
    text: str


class Table(NamedTuple):
    """A table of text cells; ``name`` identifies it (an HTML id, a test's handle)."""

    name: str
    columns: list[str]
    rows: list[list[str]]

    def figures(self) -> list[bool]:
        """Which columns hold figures only (numbers, percentages, "-"): they align right."""
        return [
            n > 0 and bool(self.rows) and all(_is_figure(row[n]) for row in self.rows)
            for n in range(len(self.columns))
        ]


class Bar(NamedTuple):
    label: str
    value: float
    text: str  # the value as shown beside the bar
    running: bool = False  # a period not over yet (this week): drawn lighter


class Chart(NamedTuple):
    """Bars against ``maximum``: ``across`` (one row a bar) or ``up`` (columns, e.g. weeks)."""

    name: str
    title: str
    bars: list[Bar]
    maximum: float
    direction: str = "across"


class Bullets(NamedTuple):
    items: list[str] = []  # noqa: RUF012 (never mutated)


Block = Heading | Paragraph | Table | Chart | Bullets


def _is_figure(cell: str) -> bool:
    return cell == "-" or cell.rstrip("%").replace(".", "", 1).isdigit()


def report_blocks(data: ReportData) -> list[Block]:
    """The whole report: the summary and charts first, then the tables behind them."""
    progress = data.progress
    blocks: list[Block] = [
        Heading(f"Progress report: {progress.learner}", 1),
        Paragraph(
            f"Generated on {data.generated_on.isoformat()} by mltrack. Completion counts "
            "required items; skipped items leave the count; hours are the pathway's estimates."
        ),
        Heading("Overall"),
        _overall_table(progress.overall),
    ]
    blocks += _counting_notes(progress.overall, progress.on_the_job)
    if progress.target is not None:
        sentence = target_sentence(progress.target)
        efforts = [s for s in data.stats.sections if isinstance(s, EffortSection)]
        if efforts and progress.target.forecast.remaining > 0:  # as ``mltrack target`` says it
            sentence += " " + effort_target_sentence(efforts[0].outlook.pathway,
                                                     progress.target.target)  # fmt: skip
        blocks.append(Paragraph(sentence))
    charted = [name for name in CHARTED if name in progress.groupings]
    if charted:
        blocks.append(Heading("Completion"))
        blocks += [_completion_chart(name, progress.groupings[name]) for name in charted]
    for section in data.stats.sections:
        blocks += SECTION_BLOCKS[section.kind](section)
    blocks += _next_blocks(data)
    if progress.in_progress:
        blocks += [
            Heading("In progress"),
            Bullets([_active(item) for item in progress.in_progress]),
        ]
    for name, groups in progress.groupings.items():
        blocks += [Heading(GROUPING_TITLES[name]), _grouping_table(name, groups)]
    if data.notes is not None:
        blocks += _notes_blocks(data.notes)
    if data.pathway:
        blocks += _provenance_blocks(data.pathway)
    return blocks


NOTE_COLUMNS = ["Item", "Kind", "Date", "Note or title", "URL"]


def _notes_blocks(notes: "list[ItemNote]") -> list[Block]:
    """The learner's notes and links (the report holds them only with --with-notes)."""
    if not notes:
        return [Heading("Notes and links"), Paragraph("No notes or links.")]
    rows = [[note.slug, note.kind, note.on_date, note.text or "", note.url or ""]
            for note in notes]  # fmt: skip
    return [Heading("Notes and links"), Table("notes", NOTE_COLUMNS, rows)]


def _counting_notes(overall: Completion, on_the_job: Completion) -> list[Block]:
    """How the figures count: alternatives once; unestimated items, on-the-job duties apart."""
    text = ("An alternative group (such as Python or R) counts as one required item, done when "
            "any of its items is done.")  # fmt: skip
    if overall.hours_unestimated:
        text += (f" {overall.hours_unestimated} required items have no hour estimate "
                 f"({NOT_ESTIMATED}) and are outside the hours figures.")  # fmt: skip
    job = on_the_job
    if job.required_total + job.optional_total:
        done = job.required_done + job.optional_done
        text += (f" The duties of the job itself are counted apart, after hiring: {done} of "
                 f"{job.required_total + job.optional_total} done.")  # fmt: skip
    return [Paragraph(text)]


PROVENANCE_COLUMNS = ["Item", "Slug", "Required", "Required from", "Step from", "Estimate",
                      "Estimate from", "Prerequisites from", "Article's name"]  # fmt: skip


def _provenance_blocks(items: list[PathwayItem]) -> list[Block]:
    """Where each item's facts come from: the article (quoted), mltrack's suggestion, or you."""
    rows = []
    for item in items:
        facts = item.provenance

        def word(fact: str, facts: dict = facts, own: bool = item.own) -> str:
            return basis_word(facts.get(fact)) if fact in facts or own else "-"

        estimate = NOT_ESTIMATED if item.hours_estimate is None else hours_text(item.hours_estimate)
        required = ("yes" if item.required else "no") + (f" (one of {item.group})"
                                                         if item.group else "")  # fmt: skip
        rows.append([
            item.title, item.slug, required, word("required"), word("step"), estimate,
            word("hours") if item.hours_estimate is not None else "-", word("after"),
            item.article_name or "-",
        ])  # fmt: skip
    return [
        Heading("Where the pathway comes from"),
        Paragraph("article: the career guide says it (show ITEM quotes the passage); mltrack: "
                  "mltrack's suggestion, with its reason in show ITEM; yours: added by you."),
        Table("provenance", PROVENANCE_COLUMNS, rows),
    ]  # fmt: skip


def _overall_table(overall: Completion) -> Table:
    columns = ["Scope", "Done", "Counted", "Skipped", "Percent", "Hours done", "Hours total",
               "Hours percent"]  # fmt: skip
    rows = [
        _tally_row("Required items", overall.scope()),
        _tally_row("All items", overall.scope(include_optional=True)),
    ]
    return Table("overall", columns, rows)


def _tally_row(label: str, tally: Tally) -> list[str]:
    return [
        label, str(tally.done), str(tally.counted), str(tally.skipped), percent_text(tally.percent),
        hours_text(tally.hours_done), hours_text(tally.hours_total),
        percent_text(tally.hours_percent),
    ]  # fmt: skip


def _completion_chart(name: str, groups: list[GroupCompletion]) -> Chart:
    bars = [Bar(g.title, g.completion.percent or 0, percent_text(g.completion.percent))
            for g in groups]  # fmt: skip
    return Chart(f"chart-{name}", f"{GROUPING_TITLES[name]}: required items done", bars, 100)


def _grouping_table(name: str, groups: list[GroupCompletion]) -> Table:
    slugged = name in SLUGGED
    columns = [name.capitalize(), *(["Slug"] if slugged else []), *GROUP_COLUMNS]
    rows = [
        [group.title, *([group.slug or ""] if slugged else []), *_group_cells(group.completion)]
        for group in groups
    ]
    return Table(name, columns, rows)


def _group_cells(c: Completion) -> list[str]:
    return [
        str(c.required_done), str(c.required_counted), percent_text(c.percent),
        str(c.optional_done), str(c.optional_counted), hours_text(c.hours_done),
        hours_text(c.hours_total),
    ]  # fmt: skip


def _active(item: ActiveItem) -> str:
    return f"{item.title} ({item.slug})" + (f", since {item.started_on}" if item.started_on else "")


def _next_blocks(data: ReportData) -> list[Block]:
    result = data.next
    if not result.items:
        return [Heading("Next up"), Paragraph("Nothing is ready to take up.")]
    rows = [[item.title, item.slug, "yes" if item.required else "no", item.reason]
            for item in result.items]  # fmt: skip
    return [
        Heading("Next up"),
        Table("next", ["Item", "Slug", "Required", "Why"], rows),
        Paragraph(f"{result.waiting} more open items wait for prerequisites."),
    ]


def _activity_section(section: ActivitySection) -> list[Block]:
    weeks = section.weeks
    peak = max((week.finished for week in weeks), default=0)
    # The last week holds today: it is still running.
    bars = [Bar(week.label, week.finished, str(week.finished), running=week is weeks[-1])
            for week in weeks]  # fmt: skip
    rows = [[week.label, week.start.isoformat(), str(week.finished), str(week.required_finished)]
            for week in weeks]  # fmt: skip
    return [
        Heading("Weekly activity"),
        Chart("chart-weeks", CHART_WEEKS_TITLE, bars, max(peak, 1), "up"),
        Paragraph(streaks_sentence(section.streaks)),
        Table("weeks", ["Week", "Starts", "Finished", "Required finished"], rows),
    ]


def _forecast_section(section: ForecastSection) -> list[Block]:
    return [Heading("Forecast"), Paragraph(forecast_sentence(section.forecast))]


def _effort_section(section: EffortSection) -> list[Block]:
    outlook = section.outlook
    groups = [("Required pathway", outlook.pathway)]
    groups += [(step.title, step.forecast) for step in outlook.steps]
    groups += [
        (f"{cert.title} ({cert.provider})" if cert.provider else cert.title, cert.forecast)
        for cert in outlook.certs
    ]
    rows = [[title, format_minutes(effort.work.minutes_left), str(effort.work.items_left),
             effort_range_text(effort)] for title, effort in groups]  # fmt: skip
    return [
        Heading("Forecast by study time"),
        Paragraph(effort_sentence(outlook.pathway, section.item_finish)),
        Paragraph(
            "Each step and certification goal below is dated as if all study time went to it."
        ),
        Table("effort", ["Of", "Hours left", "Items left", "Done"], rows),
    ]


def _study_section(section: StudySection) -> list[Block]:
    if not section.by_week:
        return []
    rows = [[total.label, format_minutes(total.minutes), str(total.sessions)]
            for total in section.by_area]  # fmt: skip
    return [Heading("Study time"), Table("study-areas", ["Study area", "Time", "Sessions"], rows)]


def _reading_section(section: ReadingSection) -> list[Block]:
    if not section.months:
        return []
    rows = [[month.month, str(month.total)] for month in section.months]
    return [Heading("Continuing education"), Table("reading", ["Month", "Entries"], rows)]


# Stats section kind -> its blocks; a new kind of section adds its entry here.
SECTION_BLOCKS: dict[str, Callable[[Any], list[Block]]] = {
    "activity": _activity_section,
    "forecast": _forecast_section,
    "effort": _effort_section,
    "study": _study_section,
    "reading": _reading_section,
}
