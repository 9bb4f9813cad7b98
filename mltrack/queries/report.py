"""``mltrack report``: every figure a shareable report shows, computed once for every format."""

from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from mltrack.core.pace import DEFAULT_PACE_WEEKS
from mltrack.queries.heatmap import Heatmap, heatmap
from mltrack.queries.pathway import PathwayItem, pathway_items
from mltrack.queries.planning import NextItems, next_items
from mltrack.queries.progress import GROUPINGS, ProgressReport, progress_report
from mltrack.queries.reader import Reader
from mltrack.queries.stats import StatsReport, stats_report

if TYPE_CHECKING:  # the notes module loads only when they are asked for
    from mltrack.queries.notes import ItemNote

NEXT_IN_REPORT = 5


class ReportData(NamedTuple):  # not a dataclass: its import costs more than the report's reads
    generated_on: date
    progress: ProgressReport
    stats: StatsReport
    next: NextItems
    # Every item with where its facts come from (the article or mltrack), for the provenance table.
    pathway: list[PathwayItem] = []  # noqa: RUF012 (never mutated)
    # A year of activity, day by day (the HTML report draws it).
    heatmap: Heatmap | None = None
    # The learner's notes and links: private, so only when asked for (None: not asked).
    notes: "list[ItemNote] | None" = None


def report_data(
    reader: Reader,
    learner: str,
    learner_id: int,
    today: date | None = None,
    weeks: int = DEFAULT_PACE_WEEKS,
    with_notes: bool = False,
) -> ReportData:
    """Progress in every grouping, the stats of the last ``weeks`` weeks and what comes next;
    the learner's notes and links too ``with_notes`` (they are private: never by default)."""
    today = today or date.today()
    notes = None
    if with_notes:
        from mltrack.queries.notes import item_notes

        notes = item_notes(reader, learner_id)
    # The units are counted once: the stats' forecast takes the progress figures' count left.
    progress = progress_report(reader, learner, learner_id, GROUPINGS, today, weeks)
    return ReportData(
        generated_on=today,
        progress=progress,
        stats=stats_report(reader, learner, learner_id, today, weeks, progress.overall),
        next=next_items(reader, learner, learner_id, NEXT_IN_REPORT),
        pathway=pathway_items(reader, learner_id),
        heatmap=heatmap(reader, learner, learner_id, today),
        notes=notes,
    )
