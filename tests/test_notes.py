"""Notes and links per item, and ``mltrack search``: through the CLI, on real SQLite files."""

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mltrack.queries.notes import fts5_query, like_pattern, search_words
from mltrack.store.search import NO_FTS5_ENV


def note_ids(rows, db: Path) -> list[tuple[int, str, str | None]]:
    return rows(db, "SELECT journal_id, kind, text FROM item_note ORDER BY journal_id")


# note and link ----------------------------------------------------------------------------


def test_notes_are_dated_journal_entries_listed_by_item(seeded_db: Path, ok, rows) -> None:
    assert ok("note", "deep", "chapter 6: do the exercises").stdout.startswith(
        "note: #1 on deep-learning ("
    )
    ok("note", "deep-learning", "Goodfellow, part II", "--on", "2026-11-02")
    ok("note", "python", "numpy first")
    assert rows(seeded_db, "SELECT kind, action, on_date FROM journal ORDER BY id")[1] == (
        "note", "log", "2026-11-02",
    )  # fmt: skip
    listed = ok("note", "deep").stdout.splitlines()
    assert listed[0] == "deep-learning  Deep learning"
    assert listed[1].split() == ["#2", "2026-11-02", "Goodfellow,", "part", "II"]  # by date
    assert "chapter 6" in listed[2]
    everything = ok("note", "--json").stdout
    document = json.loads(everything)
    assert document["schema"] == "mltrack.notes/1"
    assert [(n["item"], n["id"]) for n in document["notes"]] == [
        ("deep-learning", 2), ("deep-learning", 1), ("python", 3),
    ]  # fmt: skip
    assert "No notes yet" in ok("note", "fourier").stdout


def test_links_take_only_http_and_https(seeded_db: Path, ok, run, rows) -> None:
    ok("link", "deep", "https://www.deeplearningbook.org", "--title", "The DL book")
    ok("link", "deep", "http://example.org/a?b=c#d")
    for bad in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.org",
                "https://exa mple.org", "https://example.org/\x1b[31m", "https://", "example.org",
                "data:text/html,<b>x</b>"):  # fmt: skip
        result = run("link", "deep", bad)
        assert result.exit_code == 2, bad
        assert len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output
    assert len(rows(seeded_db, "SELECT * FROM item_note")) == 2
    assert len(rows(seeded_db, "SELECT * FROM journal")) == 2  # nothing else written
    listed = ok("link", "deep").stdout
    assert "The DL book  https://www.deeplearningbook.org" in listed
    assert "http://example.org/a?b=c#d" in listed


def test_remove_and_undo_of_a_note(seeded_db: Path, ok, run, rows) -> None:
    ok("note", "deep", "first")
    ok("note", "deep", "second")
    assert "removed note #1 of deep-learning" in ok("note", "--remove", "#1").stdout
    assert note_ids(rows, seeded_db) == [(2, "note", "second")]
    assert "(removed -> added)" in ok("undo").stdout  # the removal undone: #1 is back
    assert note_ids(rows, seeded_db) == [(1, "note", "first"), (2, "note", "second")]
    undone = ok("undo").stdout  # the next undo reverts the newest standing change: note #2
    assert "(added -> removed)" in undone
    assert note_ids(rows, seeded_db) == [(1, "note", "first")]
    history = ok("history").stdout
    assert "undone by" in history and "note    clear" in history
    # A link's id is not a note's; an unknown id is a usage error; neither changes anything.
    ok("link", "deep", "https://example.org")
    before = rows(seeded_db, "SELECT COUNT(*) FROM journal")
    assert run("note", "--remove", "5").exit_code == 2
    assert run("note", "--remove", "99").exit_code == 2
    assert run("note", "deep", "--remove", "1").exit_code == 2  # --remove takes no ITEM
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == before


def test_amend_corrects_a_note_text_and_date(seeded_db: Path, ok, run, rows) -> None:
    ok("note", "deep", "typo'd txt", "--on", "2026-11-01")
    ok("amend", "1", "--note", "fixed text", "--on", "2026-11-03")
    assert rows(seeded_db, "SELECT text, on_date FROM item_note") == [("fixed text", "2026-11-03")]
    assert run("amend", "1", "--note", "  ").exit_code == 2  # a note needs words
    ok("link", "deep", "https://example.org")
    refused = run("amend", "3", "--note", "x")
    assert refused.exit_code == 2 and "has no note" in refused.output
    # The search index follows the amendment.
    assert "fixed text" in ok("search", "fixed").stdout
    assert "No matches" in ok("search", "typo").stdout


def test_show_holds_notes_and_links_in_text_and_json(seeded_db: Path, ok) -> None:
    ok("note", "deep", "a note about\ttabs", "--on", "2026-11-01")
    ok("link", "deep", "https://example.org/" + "x" * 90, "--title", "long one")
    text = ok("show", "deep").stdout
    assert "\nNotes\n  #1  2026-11-01  a note about\\ttabs\n" in text
    assert "\nLinks\n" in text
    assert all(len(line) <= 80 for line in text.splitlines() if "xxxx" not in line)
    document = json.loads(ok("show", "deep", "--json").stdout)
    assert document["notes"] == [
        {"id": 1, "kind": "note", "on_date": "2026-11-01", "text": "a note about\ttabs"}
    ]
    assert document["links"][0]["title"] == "long one"
    assert json.loads(ok("show", "python", "--json").stdout)["notes"] == []


def test_report_leaves_notes_out_unless_asked(seeded_db: Path, ok, tmp_path: Path) -> None:
    ok("note", "deep", "my private thought")
    ok("link", "deep", "https://example.org/private", "--title", "secret link")
    for fmt in ("md", "html", "json", "csv"):
        shared = ok("report", "--format", fmt).stdout
        assert "private" not in shared and "secret" not in shared, fmt
    for fmt in ("md", "html", "json"):
        mine = " ".join(ok("report", "--format", fmt, "--with-notes").stdout.split())
        assert "my private thought" in mine and "https://example.org/private" in mine, fmt
    html = ok("report", "--format", "html", "--with-notes").stdout
    assert "<td>my private thought</td>" in html
    notes = json.loads(ok("report", "--format", "json", "--with-notes").stdout)["notes"]
    assert [n["kind"] for n in notes] == ["note", "link"]


def test_export_import_keeps_notes_and_links(
    seeded_db: Path, ok, rows, tmp_path: Path, _seeded_template: Path
) -> None:
    ok("note", "deep", "kept", "--on", "2026-11-01")
    ok("note", "deep", "removed later")
    ok("link", "python", "https://docs.python.org", "--title", "docs")
    ok("note", "--remove", "2")
    ok("amend", "1", "--note", "kept, amended")
    out = tmp_path / "out.json"
    ok("export", "-o", str(out))
    kinds = {entry["kind"] for entry in json.loads(out.read_text())["journal"]}
    assert {"note", "link"} <= kinds
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(_seeded_template.read_bytes())
    ok("--db", str(fresh), "import", str(out))
    query = "SELECT kind, text, url, on_date FROM item_note ORDER BY kind, text"
    assert (
        rows(fresh, query)
        == rows(seeded_db, query)
        == [
            (
                "link",
                "docs",
                "https://docs.python.org",
                rows(seeded_db, "SELECT date('now')")[0][0],
            ),
            ("note", "kept, amended", None, "2026-11-01"),
        ]
    )
    assert "kept, amended" in ok("--db", str(fresh), "search", "amended").stdout
    again = tmp_path / "again.json"
    ok("--db", str(fresh), "export", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_doctor_repair_rebuilds_notes_and_the_search_index(seeded_db: Path, ok, run, rows) -> None:
    ok("note", "deep", "backprop by hand")
    ok("link", "deep", "https://example.org", "--title", "gradient notes")
    connection = sqlite3.connect(seeded_db)
    connection.execute("DELETE FROM item_note")
    connection.execute("DELETE FROM search_index WHERE learner_id IS NOT NULL")
    connection.commit()
    connection.close()
    assert "No matches" in ok("search", "backprop").stdout
    found = run("doctor")
    assert found.exit_code == 1 and "projection: item_note (me, 1): missing" in found.stdout
    ok("doctor", "--repair")
    assert len(rows(seeded_db, "SELECT * FROM item_note")) == 2
    assert "backprop by hand" in ok("search", "backprop").stdout
    assert "gradient notes" in ok("search", "gradient").stdout


def test_notes_are_private_to_their_learner(seeded_db: Path, ok) -> None:
    ok("learner", "add", "alex")
    ok("-L", "alex", "note", "deep", "alex's secret")
    assert "No matches" in ok("search", "secret").stdout
    assert "alex's secret" in ok("-L", "alex", "search", "secret").stdout
    assert "No notes yet" in ok("note").stdout


# search -----------------------------------------------------------------------------------

CORPUS = [
    ("deep", "gradient descent with momentum, and gradient clipping for gradient spikes"),
    (
        "python",
        "one mention of gradient among many other words about numpy and pandas "
        "and plotting and testing and packaging",
    ),
    ("fourier", "transforms of signals"),
]


@pytest.fixture
def corpus(seeded_db: Path, ok) -> None:
    for item, text in CORPUS:
        ok("note", item, text)


@pytest.mark.usefixtures("corpus")
def test_fts5_ranks_the_better_match_first(seeded_db: Path, ok) -> None:
    document = json.loads(ok("search", "gradient", "--json").stdout)
    assert document["engine"] == "fts5"
    assert [(h["item"], h["matched"]) for h in document["hits"]] == [
        ("deep-learning", "note"), ("python", "note"),
    ]  # fmt: skip
    assert "gradient" in document["hits"][0]["snippet"].lower()
    # Every word where some hit has them all; a title beats a long quote.
    hits = json.loads(ok("search", "deep", "learning", "--json").stdout)["hits"]
    assert hits[0] == {
        "item": "deep-learning", "title": "Deep learning", "matched": "title",
        "snippet": "Deep learning", "rank": 1,
    }  # fmt: skip
    # No hit holds both words: the hits holding one of them, said so.
    some = ok("search", "momentum", "signals")
    assert "No item holds every word" in some.stdout
    hits = json.loads(ok("search", "momentum", "signals", "--json").stdout)["hits"]
    noted = sorted(hit["item"] for hit in hits if hit["matched"] == "note")
    assert noted[0] == "deep-learning" and noted[1].startswith("fourier") and len(noted) == 2


@pytest.mark.usefixtures("corpus")
def test_search_fits_the_terminal(seeded_db: Path, ok, monkeypatch: pytest.MonkeyPatch) -> None:
    for columns in (50, 80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        lines = ok("search", "machine", "learning").stdout.splitlines()
        assert lines and all(len(line) <= columns for line in lines), columns


HOSTILE = ['"', '""', "*", "NEAR", "NEAR(gradient momentum)", "-gradient", "gradient -numpy",
           "body:gradient", "learner_id:1", "gradient*", "^gradient", "(gradient", "gradient)",
           "AND", "OR NOT", "{body}: x", "'; DROP TABLE item; --", "%", "_", "\\", "\x00x",
           "gradient AND NOT numpy", "💥", "a" * 5000]  # fmt: skip


@pytest.mark.usefixtures("corpus")
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_strings_are_plain_words(seeded_db: Path, run, text: str) -> None:
    result = run("search", "--json", "--", text)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    words = search_words(text)
    assert document["words"] == list(words)
    for hit in document["hits"]:  # a hit holds one of the words: nothing else matched
        assert hit["matched"] in ("title", "quote", "note", "link")
    if text in ("-gradient", "body:gradient", "gradient*", "^gradient", "(gradient"):
        assert document["hits"][0]["item"] == "deep-learning"  # the word itself, searched


def test_the_like_fallback_where_fts5_is_missing(
    db_path: Path, ok, rows, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NO_FTS5_ENV, "1")
    for item, text in CORPUS:
        ok("note", item, text)
    [[sql]] = rows(db_path, "SELECT sql FROM sqlite_master WHERE name = 'search_index'")
    assert "VIRTUAL" not in sql.upper()
    document = json.loads(ok("search", "gradient", "--json").stdout)
    assert document["engine"] == "like"
    assert [h["item"] for h in document["hits"]] == ["deep-learning", "python"]
    assert "gradient" in document["hits"][0]["snippet"]
    assert json.loads(ok("search", "deep", "learning", "--json").stdout)["hits"][0]["item"] == (
        "deep-learning"
    )
    for text in ("%", "_", "\\", "100%_done", "NEAR"):  # LIKE's wildcards are literal
        result = json.loads(ok("search", "--json", "--", text).stdout)
        assert all("%" not in hit["snippet"] or "%" in text for hit in result["hits"])
    assert json.loads(ok("search", "--json", "--", "_").stdout)["hits"] == []
    ok("doctor")  # the plain table is no schema difference
    assert "ok" in ok("doctor").stdout.lower()


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_text_makes_a_valid_fts5_query(text: str) -> None:
    """Whatever is typed, the query holds only quoted words: FTS5 parses it, and it means
    "these words" (it matches a row holding exactly those words)."""
    words = search_words(text)
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    connection.execute("INSERT INTO t VALUES (?)", (" ".join(words) or "x",))
    if words:
        for every in (True, False):
            found = connection.execute(
                "SELECT COUNT(*) FROM t WHERE t MATCH ?", (fts5_query(words, every),)
            ).fetchone()[0]
            assert found == 1
    for word in words:
        assert like_pattern(word).startswith("%") and like_pattern(word).endswith("%")


def test_import_refuses_a_link_no_browser_should_open(
    seeded_db: Path, ok, run, rows, tmp_path: Path
) -> None:
    ok("link", "deep", "https://example.org", "--title", "fine")
    out = tmp_path / "out.json"
    ok("export", "-o", str(out))
    document = json.loads(out.read_text())
    [entry] = [e for e in document["journal"] if e["kind"] == "link"]
    entry["data"]["url"] = "javascript:alert(1)"
    out.write_text(json.dumps(document))
    before = rows(seeded_db, "SELECT COUNT(*) FROM journal")
    refused = run("import", "--replace", str(out))
    assert refused.exit_code != 0
    assert "data" in refused.output and "an http(s) URL" in refused.output
    assert rows(seeded_db, "SELECT COUNT(*) FROM journal") == before
