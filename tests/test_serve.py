"""``mltrack serve`` over plain HTTP: the safety of a local server, and the map's layout.

The server runs in a subprocess on a free port against the test's database; requests go to
127.0.0.1 only. The browser flows are in tests/test_serve_browser.py.
"""

import http.client
import itertools
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlencode

import pytest

from mltrack.queries.pathmap import path_map
from mltrack.queries.reader import SqliteReader
from mltrack.render.graph_layout import BOX_HEIGHT, BOX_WIDTH
from mltrack.render.pathmap import map_layout
from mltrack.store.db import connect
from mltrack.web.server import accepted_hosts, check_address, is_loopback
from tests.serving import Served, served

TOKEN = re.compile(r'name="token" value="([^"]+)"')


def request(
    server: Served, method: str, path: str, body: dict | None = None, **headers: str
) -> tuple[int, dict[str, str], str]:
    """One request to the server on 127.0.0.1; ``Host`` as given (default: the server's)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    sent = {
        "Host": f"127.0.0.1:{server.port}",
        **{k.replace("_", "-"): v for k, v in headers.items()},
    }
    data = None
    if body is not None:
        data = urlencode(body)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=data, headers=sent)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def journal_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT id, kind, action FROM journal ORDER BY id").fetchall()


@pytest.fixture
def server(seeded_db: Path):
    with served(seeded_db) as running:
        yield running


def token_of(server: Served) -> str:
    status, _, page = request(server, "GET", "/")
    assert status == 200
    return TOKEN.search(page).group(1)


def test_the_map_page_forbids_every_request_elsewhere(server: Served) -> None:
    status, headers, page = request(server, "GET", "/?item=python")
    assert status == 200
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "form-action 'self'" in policy and "frame-ancestors 'none'" in policy
    # Nothing on the page loads from another origin: scripts and styles are the server's own.
    assert re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page) == [
        "/static/serve.css",
        "/static/serve.js",
    ]
    assert "<style" not in page and " style=" not in page and "<script>" not in page
    assert 'aria-label="Python, planned, no time logged of 60 hours estimated"' in page
    for path in ("/static/serve.css", "/static/serve.js", "/progress", "/stats", "/report"):
        status, headers, _ = request(server, "GET", path)
        assert status == 200, path
        assert "default-src 'none'" in headers["content-security-policy"], path


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_a_request_with_a_wrong_host_is_refused_and_changes_nothing(
    server: Served, seeded_db: Path, host: str
) -> None:
    token = token_of(server)
    before = journal_rows(seeded_db)
    status, _, text = request(server, "GET", "/", Host=host)
    assert (status, text) == (421, "refused: this server answers only to its own address")
    body = {"token": token, "action": "done"}
    status, _, _ = request(server, "POST", "/item/python/status", body, Host=host)
    assert status == 421
    assert journal_rows(seeded_db) == before


@pytest.mark.parametrize("token", [None, "", "wrong-token-wrong-token"])
def test_a_change_without_the_token_is_refused_and_changes_nothing(
    server: Served, seeded_db: Path, token: str | None
) -> None:
    before = journal_rows(seeded_db)
    for path, fields in [
        ("/item/python/status", {"action": "done"}),
        ("/item/python/log", {"duration": "1h"}),
        ("/undo", {}),
    ]:
        body = fields if token is None else {**fields, "token": token}
        status, _, text = request(server, "POST", path, body)
        assert (status, text) == (403, "refused: missing or wrong token"), path
    assert journal_rows(seeded_db) == before


def test_a_change_from_another_site_is_refused_even_with_the_token(
    server: Served, seeded_db: Path
) -> None:
    before = journal_rows(seeded_db)
    body = {"token": token_of(server), "action": "done"}
    status, _, _ = request(
        server, "POST", "/item/python/status", body, Origin="http://evil.example"
    )
    assert status == 403
    assert journal_rows(seeded_db) == before
    # A GET never changes anything, whatever it carries.
    status, _, _ = request(server, "GET", "/item/python/status?" + urlencode(body))
    assert status == 405
    assert journal_rows(seeded_db) == before


def test_a_change_with_the_token_goes_to_the_journal_as_the_cli_s(
    server: Served, seeded_db: Path, ok
) -> None:
    token = token_of(server)
    status, headers, _ = request(
        server, "POST", "/item/python/status", {"token": token, "action": "done", "note": "n"}
    )
    assert status == 303 and headers["location"].startswith("/?item=python&msg=")
    assert journal_rows(seeded_db)[-1][1:] == ("status", "done")
    status, _, page = request(server, "GET", headers["location"])
    assert "done: python (planned -&gt; done)" in page
    assert json.loads(ok("show", "python", "--json").output)["note"] == "n"
    status, headers, _ = request(
        server, "POST", "/item/python/log", {"token": token, "duration": "1h30"}
    )
    assert status == 303
    _, _, page = request(server, "GET", "/")
    assert 'aria-label="Python, done, 1h30 logged of 60 hours estimated"' in page
    # A refusal of the rules comes back as one line in the panel, and changes nothing.
    before = journal_rows(seeded_db)
    status, headers, _ = request(
        server, "POST", "/item/python/status", {"token": token, "action": "done"}
    )
    _, _, page = request(server, "GET", headers["location"])
    assert 'class="message refused" role="alert"' in page
    assert journal_rows(seeded_db) == before


def test_serve_refuses_a_non_loopback_address_without_a_token(run, seeded_db: Path) -> None:
    result = run("serve", "--host", "0.0.0.0", "--port", "0")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "Error: --host 0.0.0.0 is reachable from other machines: give --token TEXT too "
        "(every request must then carry it)"
    ]
    result = run("serve", "--host", "192.0.2.1", "--token", "short")
    assert result.exit_code == 2


def test_loopback_addresses_and_the_host_names_they_answer_to() -> None:
    assert [is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost")] == [
        True
    ] * 5
    assert [is_loopback(h) for h in ("0.0.0.0", "192.0.2.1", "example.org", "::")] == [False] * 4
    assert accepted_hosts("127.0.0.1", 8765) == {
        "127.0.0.1", "localhost", "[::1]", "127.0.0.1:8765", "localhost:8765", "[::1]:8765"
    }  # fmt: skip
    assert accepted_hosts("0.0.0.0", 8765) is None  # any name; the token guards every request
    check_address("127.0.0.1", None)
    check_address("0.0.0.0", "a-long-enough-token")


def _crosses(segment: tuple, box: tuple) -> bool:
    """Whether a straight segment passes through the inside of a box (x, y, w, h)."""
    (x1, y1), (x2, y2) = segment
    left, top, right, bottom = box[0] + 1, box[1] + 1, box[0] + box[2] - 1, box[1] + box[3] - 1
    steps = 200
    for i in range(steps + 1):
        x, y = x1 + (x2 - x1) * i / steps, y1 + (y2 - y1) * i / steps
        if left < x < right and top < y < bottom:
            return True
    return False


def test_the_map_s_arrows_run_between_boxes_and_follow_the_steps(seeded_db: Path) -> None:
    """The real pathway: every prerequisite arrow goes left to right and crosses no box,
    and each step's columns come after the previous step's."""
    reader = SqliteReader(connect(seeded_db))
    data = path_map(reader, "me", 1)
    layout = map_layout(data)
    assert len(layout.boxes) == len(data.items) and data.edges
    boxes = {slug: (x, y, BOX_WIDTH, BOX_HEIGHT) for slug, (x, y) in layout.boxes.items()}
    for (before, after), path in layout.arrows.items():
        assert layout.boxes[before][0] < layout.boxes[after][0], (before, after)
        for segment in itertools.pairwise(path):
            for slug, box in boxes.items():
                assert not _crosses(segment, box), (before, after, slug)
    ordered = sorted(layout.bands, key=lambda band: band.step)
    for earlier, later in itertools.pairwise(ordered):
        assert earlier.right < later.left
    # Boxes never overlap.
    placed = sorted(layout.boxes.values())
    for i, (x, y) in enumerate(placed):
        for u, v in placed[i + 1 :]:
            assert abs(x - u) >= BOX_WIDTH or abs(y - v) >= BOX_HEIGHT


def test_a_port_in_use_is_one_line_and_exit_1(run, seeded_db: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_reads_and_writes_a_postgresql_database(pg_url: str, ok) -> None:
    """The same pages and the same journal on a server (``--db`` URL) as on a file."""
    from tests.postgres import query

    with served(pg_url) as server:  # type: ignore[arg-type]
        token = token_of(server)
        status, headers, _ = request(
            server, "POST", "/item/python/status", {"token": token, "action": "done"}
        )
        assert status == 303
        status, _, page = request(server, "GET", headers["location"])
        assert status == 200 and "done: python (planned -&gt; done)" in page
        request(server, "POST", "/item/python/log", {"token": token, "duration": "1h30"})
        _, _, page = request(server, "GET", "/")
        assert 'aria-label="Python, done, 1h30 logged of 60 hours estimated"' in page
    assert query(pg_url, "SELECT kind, action FROM journal ORDER BY id") == [
        ("status", "done"), ("study", "log"),
    ]  # fmt: skip
    assert query(pg_url, "SELECT minutes FROM study_week") == [(90,)]
