"""The completion figures, counted once from the pathway's units (issue 12), against an
independent count on a real database after random status changes.

``progress_report`` sums one statement's unit rows per grouping in Python; the count here
folds the visible items into units and sums them with plain loops, from the raw tables.
"""

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.core.dates import week_start
from mltrack.core.errors import MltrackError
from mltrack.core.pace import Streak, Streaks, streaks_of
from mltrack.core.rules import item_step, visible_items
from mltrack.core.vocabulary import EventAction, ItemKind, ItemStatus
from mltrack.queries.lookup import learner_id
from mltrack.queries.progress import (
    GROUPINGS,
    NO_PROVIDER,
    UNITS_SQL,
    Completion,
    completions,
    pathway_units,
    progress_report,
)
from mltrack.queries.reader import SqliteReader
from mltrack.queries.report import report_data
from mltrack.render.markup import escape
from mltrack.services.items import add_own_item
from mltrack.services.learners import add_learner
from mltrack.services.progress import change_status
from mltrack.services.startup import prepare_database
from mltrack.store.db import connect
from tests.conftest import copy_database, writing
from tests.test_startup import wheel_like_modules

TODAY = date(2026, 6, 1)
LEARNERS = ("me", "decoy")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded database with a second learner and own items (with and without an area, a
    provider, an estimate; optional ones too) beside the seeded alternative groups."""
    path = tmp_path_factory.mktemp("units") / "template.db"
    prepare_database(path)
    with writing(path) as store:
        add_learner(store, "decoy")
        add_own_item(store, "me", "Own course", ItemKind.COURSE, TODAY, step_text="ml-training",
                     hours=2.5, provider="acme")  # fmt: skip
        add_own_item(store, "me", "Own reading", ItemKind.RESOURCE, TODAY, area_text="statistics",
                     required=False)  # fmt: skip
        add_own_item(store, "me", "Own project", ItemKind.PROJECT, TODAY,
                     step_text="ml-experience", hours=7.25, provider="Zed labs",
                     required=False)  # fmt: skip
    return path


@pytest.fixture(scope="module")
def slugs(template: Path) -> list[str]:
    connection = connect(template)
    try:
        return [row[0] for row in connection.execute("SELECT slug FROM item ORDER BY id")]
    finally:
        connection.close()


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory, template: Path) -> Iterator[Path]:
    """A fresh copy of the template for each example (Hypothesis runs many per test)."""
    folder = tmp_path_factory.mktemp("examples")

    def fresh() -> Iterator[Path]:
        for number in itertools.count():
            path = folder / f"example-{number}.db"
            copy_database(template, path)
            yield path

    return fresh()


def expected_figures(path: Path, learner: int) -> dict[str, list[tuple[Any, ...]]]:
    """Overall, on-the-job and per-grouping figures, counted with plain loops from the rows
    of the items the learner sees."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    items = connection.execute(
        f"""SELECT i.id, i.group_id, i.required, i.on_the_job, i.kind, i.provider,
                   i.hours_estimate, i.area_id, {item_step("i")} AS step_id, p.status
            FROM item i LEFT JOIN progress p ON p.item_id = i.id AND p.learner_id = :learner_id
            WHERE {visible_items("i")}""",
        {"learner_id": learner},
    ).fetchall()
    steps = {row["id"]: row for row in connection.execute("SELECT * FROM step")}
    areas = {row["id"]: row for row in connection.execute("SELECT * FROM area WHERE NOT retired")}
    connection.close()
    members: dict[tuple[int, str, int], list[sqlite3.Row]] = {}
    for item in items:
        key = ("group", item["group_id"]) if item["group_id"] else ("item", item["id"])
        members.setdefault((item["on_the_job"], *key), []).append(item)
    units = []
    for group in members.values():
        statuses = [member["status"] or ItemStatus.PLANNED for member in group]
        if ItemStatus.DONE in statuses:
            status = ItemStatus.DONE
            estimates = [m["hours_estimate"] for m in group if m["status"] == ItemStatus.DONE]
        else:
            status = ItemStatus.SKIPPED if set(statuses) == {ItemStatus.SKIPPED} else "planned"
            estimates = [m["hours_estimate"] for m, s in zip(group, statuses, strict=True)
                         if s != ItemStatus.SKIPPED]  # fmt: skip
        known = [hours for hours in estimates if hours is not None]
        providers = [m["provider"] for m in group if m["provider"] is not None]
        area_ids = [m["area_id"] for m in group if m["area_id"] is not None]
        units.append({
            "on_the_job": bool(group[0]["on_the_job"]),
            "required": any(m["required"] for m in group),
            "status": status,
            "hours": min(known) if known else None,
            "step": steps[min(m["step_id"] for m in group)],
            "area": areas.get(min(area_ids)) if area_ids else None,
            "kind": min(m["kind"] for m in group),
            "provider": min(providers) if providers else None,
        })  # fmt: skip

    def total(chosen: list[dict[str, Any]]) -> tuple[Any, ...]:
        figures = dict.fromkeys(Completion._fields, 0)
        for unit in chosen:
            scope = "" if unit["required"] else "optional_"
            done, skipped = unit["status"] == ItemStatus.DONE, unit["status"] == ItemStatus.SKIPPED
            figures[f"{scope}total" if scope else "required_total"] += 1
            figures[f"{scope}done" if scope else "required_done"] += done
            figures[f"{scope}skipped" if scope else "required_skipped"] += skipped
            if not skipped:
                figures[f"{scope}hours_total"] += unit["hours"] or 0
                figures[f"{scope}hours_unestimated"] += unit["hours"] is None
            if done:
                figures[f"{scope}hours_done"] += unit["hours"] or 0
        return tuple(figures.values())

    before = [unit for unit in units if not unit["on_the_job"]]
    kinds = [str(kind) for kind in ItemKind]
    labels = {
        "step": lambda u: (u["step"]["position"], u["step"]["slug"], u["step"]["title"]),
        "area": lambda u: u["area"] and (u["area"]["position"], u["area"]["slug"],
                                         u["area"]["title"]),
        "kind": lambda u: (kinds.index(u["kind"]), u["kind"], u["kind"]),
        "provider": lambda u: (u["provider"] is None, (u["provider"] or "").lower(),
                               u["provider"], u["provider"] or NO_PROVIDER),
    }  # fmt: skip
    found = {
        "overall": [total(before)],
        "on_the_job": [total([unit for unit in units if unit["on_the_job"]])],
    }
    for name, label in labels.items():
        keys = sorted({label(unit) for unit in before if label(unit)})
        found[name] = [
            (key[-2], key[-1], total([unit for unit in before if label(unit) == key]))
            for key in keys
        ]
    return found


def shown_figures(path: Path, learner: str) -> dict[str, list[tuple[Any, ...]]]:
    reader = SqliteReader(connect(path))
    report = progress_report(reader, learner, learner_id(reader, learner), GROUPINGS, TODAY)
    found: dict[str, list[tuple[Any, ...]]] = {
        "overall": [tuple(report.overall)],
        "on_the_job": [tuple(report.on_the_job)],
    }
    for name, groups in report.groupings.items():
        found[name] = [(group.slug, group.title, tuple(group.completion)) for group in groups]
    return found


changes = st.lists(
    st.tuples(
        st.sampled_from(LEARNERS), st.integers(0, 10_000), st.sampled_from(list(EventAction))
    ),
    max_size=60,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=changes)
def test_every_grouping_matches_a_plain_count_after_random_changes(
    copies: Iterator[Path], slugs: list[str], changes: list[tuple[str, int, EventAction]]
) -> None:
    path = next(copies)
    with writing(path) as store:
        for learner, pick, action in changes:
            slug = slugs[pick % len(slugs)]
            # Some are refused (done twice, a certification, another's item...): left out.
            with contextlib.suppress(MltrackError):
                change_status(store, learner, slug, action, TODAY)
    connection = connect(path)
    me = connection.execute("SELECT id FROM learner WHERE name = 'me'").fetchone()[0]
    connection.close()
    assert shown_figures(path, "me") == expected_figures(path, me)
    # The groupings cover every unit before hiring: step by step they add up to the whole.
    shown = shown_figures(path, "me")
    summed = [sum(column) for column in zip(*(g[2] for g in shown["step"]), strict=True)]
    assert tuple(summed) == shown["overall"][0]


def test_the_units_are_read_in_one_statement_per_command(template: Path) -> None:
    """progress, and the report with every grouping and the stats' forecast, read the units
    once: more groupings add no statement."""

    class Counting(SqliteReader):
        def __init__(self, connection: sqlite3.Connection) -> None:
            super().__init__(connection)
            self.units = 0

        def rows(self, sql: str, **params: Any) -> Any:
            self.units += sql == UNITS_SQL
            return super().rows(sql, **params)

    for run in (
        lambda r, me: progress_report(r, "me", me, GROUPINGS, TODAY),
        lambda r, me: report_data(r, "me", me, TODAY),
    ):
        reader = Counting(connect(template))
        run(reader, learner_id(reader, "me"))
        assert reader.units == 1


def test_no_units_count_as_zero_everywhere(template: Path) -> None:
    figures = completions([], GROUPINGS)
    assert figures.overall == Completion() and figures.on_the_job == Completion()
    assert figures.groupings == {name: [] for name in GROUPINGS}
    reader = SqliteReader(connect(template))
    units = pathway_units(reader, learner_id(reader, "me"))
    assert completions(units).overall.required_total > 10
    assert all(unit.status in (ItemStatus.DONE, ItemStatus.SKIPPED, "planned") for unit in units)


# What the report and the roadmap load (issue 12): the item history (and the journal's rules
# behind it) only where an item is shown, the notes only when asked for; HTML escaping
# without the html package's entities.
NOT_FOR_THE_REPORT = {"mltrack.queries.history", "mltrack.core.journal", "mltrack.queries.notes",
                      "html", "html.entities"}  # fmt: skip


@pytest.mark.parametrize(
    "args", [["report"], ["report", "--format", "html"], ["pathway"]], ids=" ".join
)
def test_the_report_and_the_roadmap_load_no_history_nor_html_package(
    seeded_db: Path, args: list[str]
) -> None:
    loaded = wheel_like_modules(args, seeded_db)
    assert "mltrack.cli" in loaded  # a real run
    assert loaded & NOT_FOR_THE_REPORT == set()
    assert "mltrack.queries.history" in wheel_like_modules(["show", "python"], seeded_db)
    assert "mltrack.queries.notes" in wheel_like_modules(["report", "--with-notes"], seeded_db)


@given(text=st.text())
def test_the_markup_escape_is_the_html_packages(text: str) -> None:
    import html

    assert escape(text) == html.escape(text)


def _streaks_by_dates(finish_dates: list[date], today: date) -> Streaks:
    """The streaks counted on dates, one Monday after another (how ``streaks_of`` did it)."""
    active = sorted({week_start(day) for day in finish_dates if day <= today})
    runs: list[Streak] = []
    for week in active:
        if runs and week - runs[-1].last == timedelta(weeks=1):
            runs[-1] = Streak(runs[-1].start, runs[-1].weeks + 1)
        else:
            runs.append(Streak(week, 1))
    longest = max(reversed(runs), key=lambda run: run.weeks, default=None)
    recent = runs[-1] if runs and runs[-1].last >= week_start(today) - timedelta(weeks=1) else None
    return Streaks(current=recent, longest=longest)


@given(
    days=st.lists(st.dates(min_value=date(1, 1, 8), max_value=date(9999, 12, 1)), max_size=80)
    | st.lists(st.integers(0, 400), max_size=120).map(
        lambda offsets: [date(2026, 1, 1) + timedelta(days=n) for n in offsets]
    ),
    today=st.dates(min_value=date(1, 1, 8), max_value=date(9999, 12, 1))
    | st.integers(0, 420).map(lambda n: date(2026, 1, 1) + timedelta(days=n)),
)
def test_streaks_counted_on_week_numbers_are_those_counted_on_dates(
    days: list[date], today: date
) -> None:
    assert streaks_of(days, today) == _streaks_by_dates(days, today)


@given(text=st.text() | st.text(alphabet="\\`*_[]<>#| ab\n\t\x1b"))
def test_markdown_cells_escape_as_a_replace_per_markup_character_did(text: str) -> None:
    from mltrack.render.markdown import _inline
    from mltrack.render.text import escape as terminal_escape

    expected = terminal_escape(" ".join(text.split()))
    for char in "\\`*_[]<>#":
        expected = expected.replace(char, "\\" + char)
    assert _inline(text) == expected
