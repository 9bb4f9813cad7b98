"""Activity heatmap (issue 14, item 5): the terminal grids and the HTML report's SVG."""

import json
import sqlite3
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

from mltrack.core.dates import week_start
from mltrack.render.heatmap import ASCII_SHADES, UNICODE_SHADES

TODAY = date.today()
FIRST = week_start(TODAY) - timedelta(weeks=52)


class _Cells(HTMLParser):
    """Each heatmap square: its data-* attributes and the text of its <title>."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[dict[str, str]] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {key: value or "" for key, value in attrs}
        if tag == "rect" and named.get("class") == "day":
            self.cells.append(named)
        self._in_title = tag == "title" and bool(self.cells) and "title" not in self.cells[-1]

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.cells[-1]["title"] = data
            self._in_title = False


def _journal_minutes(path: Path) -> dict[str, int]:
    """Minutes per day as the journal records them (standing study log entries)."""
    with sqlite3.connect(path) as db:
        rows = db.execute(
            """SELECT j.on_date, json_extract(j.data, '$.minutes') FROM journal j
               WHERE j.kind = 'study' AND j.action = 'log' AND NOT EXISTS
               (SELECT 1 FROM journal u WHERE u.target_id = j.id AND u.action = 'undo')"""
        ).fetchall()
    found: dict[str, int] = {}
    for on, minutes in rows:
        found[on] = found.get(on, 0) + minutes
    return found


def _active(ok) -> None:
    ok("log", "2h", "python", "--on", (TODAY - timedelta(days=3)).isoformat())
    ok("log", "25m", "--on", (TODAY - timedelta(days=3)).isoformat())
    ok("log", "45m", "--on", (FIRST + timedelta(days=2)).isoformat())
    ok("log", "30m", "--on", (FIRST - timedelta(days=1)).isoformat())  # before the 53 weeks
    ok("log", "1h", "--on", (TODAY - timedelta(days=100)).isoformat())
    ok("undo")  # an undone session leaves the map
    ok("done", "python", "--on", (TODAY - timedelta(days=3)).isoformat())


def test_report_has_one_cell_per_day_matching_the_journal(seeded_db: Path, ok) -> None:
    _active(ok)
    html = ok("report", "--format", "html").output
    assert '<svg id="heatmap"' in html and "http" not in html.split('<svg id="heatmap"')[1]
    parser = _Cells()
    parser.feed(html)
    days = (TODAY - FIRST).days + 1  # 52 whole weeks and this week up to today
    assert len(parser.cells) == days
    expected = [(FIRST + timedelta(days=n)).isoformat() for n in range(days)]
    assert [cell["data-date"] for cell in parser.cells] == expected
    minutes = _journal_minutes(seeded_db)
    for cell in parser.cells:
        assert int(cell["data-minutes"]) == minutes.get(cell["data-date"], 0)
        assert cell["title"].startswith(f"{cell['data-date']}: {cell['data-minutes']} min")
    three_days_ago = next(c for c in parser.cells if c["data-date"] == expected[-4])
    assert (three_days_ago["data-minutes"], three_days_ago["data-finished"]) == ("145", "1")
    assert sum(int(c["data-minutes"]) for c in parser.cells) == 145 + 45


def test_terminal_grid_ascii_in_a_pipe(seeded_db: Path, ok) -> None:
    _active(ok)
    lines = ok("heatmap").output.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert all(ord(char) < 128 for line in lines for char in line)  # CliRunner is no terminal
    grid = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    minutes, finished = grid[:7], grid[7:]
    day = TODAY - timedelta(days=3)
    row, column = day.weekday(), (week_start(day) - FIRST).days // 7
    assert minutes[row][4 + column] == ASCII_SHADES[4]  # 2 h 25 min: the darkest shade
    assert finished[row][4 + column] == ASCII_SHADES[1]  # one item finished
    early = FIRST + timedelta(days=2)
    assert minutes[early.weekday()][4] == ASCII_SHADES[2]  # 45 min, the first week's column
    assert sum(line[4:].count(ASCII_SHADES[0]) for line in minutes) == (TODAY - FIRST).days - 1
    assert "2h25" not in lines[0] and "3h10 studied" in lines[1]
    document = json.loads(ok("heatmap", "--json").output)
    assert len(document["days"]) == (TODAY - FIRST).days + 1
    assert {d["date"]: d["minutes"] for d in document["days"] if d["minutes"]} == {
        early.isoformat(): 45,
        day.isoformat(): 145,
    }


def test_unicode_shades_on_a_utf8_terminal() -> None:
    from mltrack.queries.heatmap import Day, Heatmap
    from mltrack.render.heatmap import heatmap_text

    days = [Day(FIRST + timedelta(days=n), 130 if n == 3 else 0, 0, False) for n in range(371)]
    text = heatmap_text(Heatmap("me", FIRST + timedelta(days=370), FIRST, days), unicode=True)
    assert UNICODE_SHADES[4] in text and UNICODE_SHADES[0] in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_heatmap_renders_in_headless_chromium(seeded_db: Path, ok, tmp_path: Path, page) -> None:
    """The report's SVG has a size once laid out; the screenshot is for a person to look at.
    ``page``: the shared headless Chromium of tests/browser.py (skips, saying why, without it)."""
    _active(ok)
    report = tmp_path / "report.html"
    report.write_text(ok("report", "--format", "html").output, encoding="utf-8")
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(report.as_uri())
    svg = page.locator("svg#heatmap")
    box = svg.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert page.locator("svg#heatmap rect.day").count() == (TODAY - FIRST).days + 1
    shot = tmp_path / "heatmap.png"
    svg.screenshot(path=str(shot))
    assert shot.stat().st_size > 1000
