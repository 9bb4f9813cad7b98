"""``mltrack report``: every format shows the figures of ``progress --json``, read back from
the output itself; the HTML file is self-contained and renders in a real headless Chromium."""

import csv
import io
import json
import struct
import subprocess
import zlib
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Markdown on stdout is fitted to the terminal; these tests read whole tables."""
    monkeypatch.setenv("COLUMNS", "100000")


ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ALL_GROUPINGS = ["--by", "step", "--by", "area", "--by", "kind", "--by", "provider"]


@pytest.fixture
def history(db_url: str, ok) -> str:
    """Work over several weeks, a skipped and an optional item, one in progress, a target."""
    for n, slug in enumerate(
        [
            "python",
            "programming",
            "probability",
            "random-variables",
            "bsc-software-engineering",
            "estimation",
            "data-structures",
        ]
    ):
        ok("done", slug, "--on", f"-{6 * n + 1}d")  # fmt: skip
    ok("cert", "pass", "stanford-ml", "--on", "-3d")
    ok("skip", "computer-architecture")
    ok("skip", "mooc-edx")
    ok("start", "deep-learning", "--on", "-2d")
    ok("target", "set", (date.today() + timedelta(days=365)).isoformat())
    return db_url


def progress(ok) -> dict:
    return json.loads(ok("progress", "--json", *ALL_GROUPINGS).stdout)


def test_report_json_is_the_other_commands_json_together(history: Path, ok) -> None:
    report = json.loads(ok("report", "--format", "json").stdout)
    assert set(report) == {"schema", "generated_on", "progress", "stats", "next"}
    assert report["schema"] == "mltrack.report/1"
    assert report["generated_on"] == date.today().isoformat()
    assert report["progress"] == progress(ok)
    assert report["stats"] == json.loads(ok("stats", "--json").stdout)
    assert report["next"] == json.loads(ok("next", "--json").stdout)


def number(cell: str) -> float | None:
    """A figure as the text formats show it: ``12.5%``, ``60``, ``-`` or empty for none."""
    cell = cell.strip().rstrip("%")
    return None if cell in ("-", "") else float(cell)


def expected_group_cells(group: dict) -> list[float | None]:
    required, optional, hours = group["required"], group["optional"], group["hours"]
    return [
        required["done"], required["total"] - required["skipped"], required["percent"],
        optional["done"], optional["total"] - optional["skipped"], hours["done"], hours["total"],
    ]  # fmt: skip


def check_tables(tables: dict[str, list[list[str]]], document: dict) -> None:
    """Overall and every grouping's table hold the figures of ``progress --json``."""
    overall = document["overall"]
    required, every = tables["overall"]
    assert required[0] == "Required items" and every[0] == "All items"
    assert [number(c) for c in required[1:]] == [
        overall["required"]["done"], overall["required"]["total"] - overall["required"]["skipped"],
        overall["required"]["skipped"], overall["required"]["percent"], overall["hours"]["done"],
        overall["hours"]["total"], overall["hours"]["percent"],
    ]  # fmt: skip
    assert [number(c) for c in every[1:5]] == [
        overall["all"]["done"], overall["all"]["total"] - overall["all"]["skipped"],
        overall["all"]["skipped"], overall["all"]["percent"],
    ]  # fmt: skip
    for grouping, key in (("step", "steps"), ("area", "areas"), ("kind", "kinds"),
                          ("provider", "providers")):  # fmt: skip
        rows = tables[grouping]
        assert [row[0] for row in rows] == [group["title"] for group in document[key]]
        for row, group in zip(rows, document[key], strict=True):
            cells = row[2:] if grouping in ("step", "area") else row[1:]
            if grouping in ("step", "area"):
                assert row[1] == group["slug"]
            assert [number(c) for c in cells] == expected_group_cells(group), row


def markdown_tables(text: str) -> dict[str, list[list[str]]]:
    """Each pipe table's body rows, keyed by its first header (lower-cased; Scope: overall)."""
    tables: dict[str, list[list[str]]] = {}
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("| ") and lines[n + 1 : n + 2] and lines[n + 1].startswith("| ---"):
            body = []
            for row in lines[n + 2 :]:
                if not row.startswith("|"):
                    break
                cells = row.strip().strip("|").split(" | ")
                body.append([cell.strip().replace("\\", "") for cell in cells])
            name = line.strip("| ").split(" | ")[0].lower()
            tables["overall" if name == "scope" else name] = body
    return tables


def test_markdown_report_agrees_with_progress_json(history: Path, ok) -> None:
    text = ok("report", "--format", "md").stdout
    assert text.startswith("# Progress report: me\n")
    check_tables(markdown_tables(text), progress(ok))
    # The sentences are the terminal's, word for word.
    assert f"\n\n{unfold(ok('target').stdout)}\n\n" in text
    forecast = unfold(ok("stats").stdout.split("Forecast: ")[1].split("\n\n")[0])
    assert f"## Forecast\n\n{forecast}\n" in text


class Tables(HTMLParser):
    """The text of each body cell of every ``<table id="table-NAME">``, and every element."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._rows: list[list[str]] = []  # the body rows of the table being read
        self._in_body = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "table":
            self._rows = self.tables.setdefault(str(dict(attrs)["id"]).removeprefix("table-"), [])
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self._rows.append([])
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self._rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tbody":
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse_html(text: str) -> Tables:
    parser = Tables()
    parser.feed(text)
    return parser


def test_html_report_agrees_with_progress_json(history: Path, ok, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = ok("report", "-o", str(out))  # the format follows the extension
    assert result.stdout == "" and result.stderr == f"wrote html report to {out}\n"
    page = parse_html(out.read_text(encoding="utf-8"))
    document = progress(ok)
    check_tables(page.tables, document)
    bars = [attrs for tag, attrs in page.elements if tag == "rect" and attrs.get("class") == "bar"]
    charts = [attrs["id"] for tag, attrs in page.elements if tag == "svg"]
    assert charts == ["chart-step", "chart-area", "chart-weeks", "heatmap"]
    # A bar per step, then per area, its width the group's percentage of the 640-unit track.
    widths = [float(attrs["width"] or 0) for attrs in bars[: len(document["steps"])]]
    assert widths == [round(640 * (s["required"]["percent"] or 0) / 100, 1)
                      for s in document["steps"]]  # fmt: skip
    weeks = json.loads(ok("stats", "--json").stdout)["activity"]["weeks"]
    assert [row[2] for row in page.tables["weeks"]] == [str(w["finished"]) for w in weeks]


def test_html_report_is_self_contained_and_escapes_text(seeded_db: Path, ok) -> None:
    name = '<b>Ana & "Bo"</b>'
    ok("learner", "add", name)
    text = ok("-L", name, "report", "--format", "html").stdout
    assert "&lt;b&gt;Ana &amp; &quot;Bo&quot;&lt;/b&gt;" in text and "<b>" not in text
    lowered = text.lower()
    for external in ("http:", "https:", "//", "<script", "<link", "<img", "src=", "url("):
        assert external not in lowered.replace("<!doctype", ""), external
    assert "content-security-policy" in lowered and "default-src 'none'" in text
    markdown = ok("-L", name, "report").stdout
    assert markdown.startswith('# Progress report: \\<b\\>Ana & "Bo"\\</b\\>\n')


def test_csv_report_agrees_with_progress_json(history: Path, ok, tmp_path: Path) -> None:
    out = tmp_path / "progress.csv"
    ok("report", "-o", str(out))
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    document = progress(ok)
    assert rows[0]["grouping"] == "overall" and rows[0]["title"] == "me"
    expected = [("overall", document["overall"])] + [
        (grouping, group)
        for grouping, key in (("step", "steps"), ("area", "areas"), ("kind", "kinds"),
                              ("provider", "providers"))
        for group in document[key]
    ]  # fmt: skip
    assert len(rows) == len(expected)
    for row, (grouping, group) in zip(rows, expected, strict=True):
        assert row["grouping"] == grouping
        assert row["slug"] == (group.get("slug") or "")
        for scope in ("required", "optional", "all", "hours"):
            for figure, value in group[scope].items():
                if isinstance(value, dict):  # all.hours: the all-items hours, not in the CSV
                    continue
                assert number(row[f"{scope}_{figure}"]) == value, (row, scope, figure)


def test_report_format_choice(seeded_db: Path, ok, run, tmp_path: Path) -> None:
    assert ok("report").stdout.startswith("# Progress report: me")
    assert ok("report", "-o", str(tmp_path / "r.txt")).stderr.startswith("wrote md report")
    assert (tmp_path / "r.txt").read_text().startswith("# Progress report")
    ok("report", "--format", "json", "-o", str(tmp_path / "r.html"))
    assert json.loads((tmp_path / "r.html").read_text())["schema"] == "mltrack.report/1"
    wrong = run("report", "-o", str(tmp_path / "missing" / "r.md"))
    assert wrong.exit_code == 1 and "Traceback" not in wrong.output
    assert "No such file or directory" in wrong.stderr


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB(A) rows of an 8-bit, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6)
    stride = 4 if colour == 6 else 3
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    rows: list[bytes] = []
    size = width * stride
    previous = bytearray(size)
    for y in range(height):
        kind, line = raw[y * (size + 1)], bytearray(raw[y * (size + 1) + 1 : (y + 1) * (size + 1)])
        for x in range(size):
            left = line[x - stride] if x >= stride else 0
            up, corner = previous[x], previous[x - stride] if x >= stride else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                near = min((abs(guess - left), 0, left), (abs(guess - up), 1, up),
                           (abs(guess - corner), 2, corner))  # fmt: skip
                line[x] = (line[x] + near[2]) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_html_report_renders_in_headless_chromium(history: Path, ok, tmp_path: Path) -> None:
    html, png = tmp_path / "report.html", tmp_path / "report.png"
    ok("report", "-o", str(html))
    done = subprocess.run(
        [str(ROOT / "bench" / "render-html.sh"), str(html), str(png)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    width, height, rows = read_png(png)
    assert (width, height) == (1200, 1600)
    stride = len(rows[0]) // width
    pixels = [row[x : x + 3] for row in rows for x in range(0, len(row), stride)]
    # The completion and weekly bars are drawn in the report's green (#2f7d4f): a blank,
    # unstyled or broken page has none of it.
    green = sum(1 for p in pixels if abs(p[0] - 0x2F) + abs(p[1] - 0x7D) + abs(p[2] - 0x4F) < 12)
    assert green > 10_000


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # one file read by both drivers
def test_every_report_query_runs_the_same_through_sqlalchemy(history: Path, ok) -> None:
    """The portable SQL gives the same result objects through SQLAlchemy's text()."""
    from mltrack.queries.history import history as load_history
    from mltrack.queries.pathway import item_detail
    from mltrack.queries.reader import SqlAlchemyReader, SqliteReader
    from mltrack.queries.report import report_data
    from mltrack.store.db import connect
    from mltrack.store.orm import make_engine

    ok("require", "python", "--after", "fourier-transforms")
    ok("amend", "1", "--on", "-2d", "--note", "again")  # python's done, a day earlier
    ok("log", "1h", "python")

    def everything(reader) -> tuple:
        return (
            report_data(reader, "me", 1), load_history(reader, "me", 1),
            load_history(reader, "me", 1, since=date.today(), kinds=["plan", "study"]),
            item_detail(reader, 1, "python"),
        )  # fmt: skip

    engine = make_engine(history)
    with engine.connect() as connection:
        through_sqlalchemy = everything(SqlAlchemyReader(connection))
    engine.dispose()
    assert through_sqlalchemy == everything(SqliteReader(connect(history)))


def unfold(text: str) -> str:
    """Terminal text with its folded lines joined: sentences compare word for word."""
    return " ".join(text.split())
