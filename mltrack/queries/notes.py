"""The learner's notes and links on items, and ``mltrack search``.

``search`` is the one entry point of the search: it reads ``search_index`` with FTS5 (ranked
by bm25) where the database has an FTS5 index, and with LIKE (ranked by the words matched)
where it has the plain table, and with PostgreSQL's own full-text search (``to_tsvector`` /
``ts_rank``) on a server. The learner's words are only ever words: each becomes a quoted
FTS5 string (or a bare lexeme of a ``tsquery``, or an escaped LIKE pattern), so ``"``,
``*``, ``NEAR``, ``-``, ``&`` or ``:`` can neither fail the query nor change what it means.
"""

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from mltrack.core.vocabulary import NoteKind, SearchSource
from mltrack.queries.reader import Reader, Row, as_date

MAX_WORDS = 32  # words of one search (the rest are ignored)
SNIPPET_TOKENS = 12  # words around the match in an FTS5 snippet
SNIPPET_CHARS = 72  # characters around the match in a LIKE snippet
ELLIPSIS = "..."
# Letters and digits, as FTS5's unicode61 tokenizer cuts text into words (an underscore, a
# quote or an asterisk separates words; it is never an operator).
_WORD = re.compile(r"[^\W_]+")

_NOTES_SQL = """
    SELECT n.journal_id, n.kind, n.on_date, n.text, n.url, i.slug, i.title
    FROM item_note n JOIN item i ON i.id = n.item_id
    WHERE n.learner_id = :learner_id {item}
    ORDER BY i.slug, n.on_date, n.journal_id
"""
# Rows the learner may see: shared titles and quotes of items they see, their own notes.
_VISIBLE = """
    JOIN item i ON i.id = search_index.item_id
    WHERE (search_index.learner_id IS NULL OR search_index.learner_id = :learner_id)
      AND NOT i.retired AND (i.learner_id IS NULL OR i.learner_id = :learner_id)
"""
FTS_SQL = f"""
    SELECT i.slug, i.title, search_index.source,
           snippet(search_index, 0, '', '', '{ELLIPSIS}', {SNIPPET_TOKENS}) AS snippet,
           bm25(search_index) AS score
    FROM search_index {_VISIBLE} AND search_index MATCH :query
    ORDER BY score, i.slug LIMIT :limit
"""
# A scan by nature (LIKE '%word%'), run only where SQLite has no FTS5: a template, not a
# statement (``{condition}`` holds one LIKE per word).
LIKE_TEMPLATE = f"""
    SELECT i.slug, i.title, search_index.source, search_index.body
    FROM search_index {_VISIBLE} AND ({{condition}})
"""
# PostgreSQL's own full-text search, 'simple' configuration (words as they are, no stemming,
# as FTS5's unicode61), ranked by ts_rank negated (lower is better). Private: the query-plan
# tests run every public statement on SQLite.
_POSTGRES_SQL = f"""
    SELECT i.slug, i.title, search_index.source,
           ts_headline('simple', search_index.body, q,
                       'StartSel="", StopSel="", MaxWords={SNIPPET_TOKENS}, MinWords=4,
                        FragmentDelimiter="{ELLIPSIS}"') AS snippet,
           -ts_rank(to_tsvector('simple', search_index.body), q) AS score
    FROM search_index CROSS JOIN to_tsquery('simple', :query) AS q {_VISIBLE}
      AND to_tsvector('simple', search_index.body) @@ q
    ORDER BY score, i.slug LIMIT :limit
"""
_ENGINE_SQL = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'search_index'"


class ItemNote(NamedTuple):
    """A note or link as ``show`` and the report list it."""

    id: int  # the journal entry that added it (for --remove and amend)
    kind: str  # a NoteKind
    on_date: str
    text: str | None  # the note, or the link's title
    url: str | None
    slug: str
    title: str


class SearchHit(NamedTuple):
    slug: str
    title: str
    matched: str  # a SearchSource: title, quote, note or link
    snippet: str  # one line of the matching text around the words
    score: float  # lower is better (bm25; the LIKE search: minus the words matched)


class SearchResult(NamedTuple):
    text: str  # what the learner typed
    words: tuple[str, ...]  # the words searched for
    engine: str  # "fts5", "like" or "postgres"
    every_word: bool  # True: each hit holds every word; False: the hits hold some of them
    hits: list[SearchHit]


def item_notes(reader: Reader, learner_id: int, item_id: int | None = None) -> list[ItemNote]:
    """The learner's standing notes and links, of one item or of all, by item then date."""
    item = "AND n.item_id = :item_id" if item_id is not None else ""
    rows = reader.rows(_NOTES_SQL.format(item=item), learner_id=learner_id, item_id=item_id)
    return [
        ItemNote(row["journal_id"], row["kind"], as_date(row["on_date"]).isoformat(),
                 row["text"], row["url"], row["slug"], row["title"])
        for row in rows
    ]  # fmt: skip


def notes_only(notes: Sequence[ItemNote], kind: NoteKind) -> list[ItemNote]:
    return [note for note in notes if note.kind == kind]


def search_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` (at most MAX_WORDS, each once), lower-cased."""
    return tuple(dict.fromkeys(word.lower() for word in _WORD.findall(text)))[:MAX_WORDS]


def search(reader: Reader, learner_id: int, text: str, limit: int = 20) -> SearchResult:
    """Items whose title, article quote, notes or link titles hold the words of ``text``,
    best first: hits with every word, or, when none has them all, hits with any of them."""
    words = search_words(text)
    if not words:
        return SearchResult(text, words, _engine(reader), True, [])
    engine = _engine(reader)
    run = _SEARCHES.get(engine, _like)
    for every_word in (True, False):
        hits = run(reader, learner_id, words, every_word, limit)
        if hits or len(words) == 1:
            return SearchResult(text, words, engine, every_word, hits)
    return SearchResult(text, words, engine, False, [])


def _engine(reader: Reader) -> str:
    if getattr(reader, "dialect", "sqlite") != "sqlite":  # a server: its own text search
        return "postgres"
    found = reader.rows(_ENGINE_SQL)
    return "fts5" if found and "VIRTUAL TABLE" in str(found[0]["sql"]).upper() else "like"


def fts5_query(words: Sequence[str], every_word: bool) -> str:
    """An FTS5 query holding ``words`` as quoted strings only: no operator can come in."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in words]
    return (" AND " if every_word else " OR ").join(quoted)


def tsquery(words: Sequence[str], every_word: bool) -> str:
    """A ``to_tsquery`` string of ``words`` (letters and digits only, see ``search_words``):
    no operator of the learner's can come in."""
    return (" & " if every_word else " | ").join(words)


def _ranked(
    sql: str, query_of: Callable[[Sequence[str], bool], str]
) -> Callable[[Reader, int, Sequence[str], bool, int], list[SearchHit]]:
    """A full-text engine's search: its statement, run with the query ``query_of`` builds."""

    def run(
        reader: Reader, learner_id: int, words: Sequence[str], every_word: bool, limit: int
    ) -> list[SearchHit]:
        rows = reader.rows(sql, learner_id=learner_id, query=query_of(words, every_word),
                           limit=limit)  # fmt: skip
        return [_hit(row, _one_line(row["snippet"]), float(row["score"])) for row in rows]

    return run


def like_pattern(word: str) -> str:
    """``%word%`` with LIKE's wildcards in ``word`` taken literally (ESCAPE '\\')."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(
    reader: Reader, learner_id: int, words: Sequence[str], every_word: bool, limit: int
) -> list[SearchHit]:
    joiner = " AND " if every_word else " OR "
    condition = joiner.join(f"search_index.body LIKE :w{n} ESCAPE '\\'" for n in range(len(words)))
    params = {f"w{n}": like_pattern(word) for n, word in enumerate(words)}
    rows = reader.rows(LIKE_TEMPLATE.format(condition=condition), learner_id=learner_id, **params)
    hits = []
    for row in rows:
        body = str(row["body"])
        lowered = body.lower()
        found = [word for word in words if word in lowered]
        # More of the words first, then more occurrences, then the shorter text (as bm25
        # prefers a match in a title to the same match in a long quote).
        score = -len(found) - sum(lowered.count(w) for w in found) / (len(lowered) + 1)
        hits.append(_hit(row, _like_snippet(body, found), score))
    hits.sort(key=lambda hit: (hit.score, hit.slug))
    return hits[:limit]


def _like_snippet(body: str, words: Sequence[str]) -> str:
    text = _one_line(body)
    lowered = text.lower()
    start = min((lowered.find(w) for w in words if w in lowered), default=0)
    begin = max(0, start - SNIPPET_CHARS // 3)
    end = min(len(text), begin + SNIPPET_CHARS)
    snippet = text[begin:end]
    return (ELLIPSIS if begin else "") + snippet + (ELLIPSIS if end < len(text) else "")


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())


def _hit(row: Row, snippet: str, score: float) -> SearchHit:
    return SearchHit(row["slug"], row["title"], SearchSource(row["source"]).value, snippet, score)


# The ranked engines, by what ``_engine`` finds; anything else searches with LIKE.
_SEARCHES = {"fts5": _ranked(FTS_SQL, fts5_query), "postgres": _ranked(_POSTGRES_SQL, tsquery)}
