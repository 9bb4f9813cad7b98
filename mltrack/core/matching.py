"""Find the pathway item a learner means from a slug, a slug prefix or words of its title.

Pure functions over (slug, title) pairs, so the read side (sqlite3) and the write side (the ORM)
resolve names the same way.
"""

import re
import unicodedata
from collections.abc import Sequence

from mltrack.core.errors import NotFoundError

MAX_SUGGESTIONS = 5


def match_slug(text: str, candidates: Sequence[tuple[str, str]], what: str = "item") -> str:
    """Return the one slug ``text`` names, or raise NotFoundError listing the closest matches.

    Tried in order: the exact slug; a slug prefix shared by one item; every word of ``text``
    found in one item's title or slug. Comparison ignores case.
    """
    wanted = text.strip().lower()
    slugs = [slug for slug, _ in candidates]
    if wanted in slugs:
        return wanted
    for found in (_by_prefix(wanted, slugs), _by_words(wanted, candidates)):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise NotFoundError(what, text, sorted(found)[:MAX_SUGGESTIONS], ambiguous=True)
    raise NotFoundError(what, text, closest_slugs(wanted, candidates))


def slugify(text: str, max_length: int = 48) -> str:
    """Lower-case ASCII words joined by ``-``: ``"Fast.ai: Part 2"`` -> ``fast-ai-part-2``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:max_length].strip("-")


def unknown_learner(name: str, known: Sequence[str]) -> NotFoundError:
    """The error for a learner name that is not in the database: the closest names, and how
    to add it."""
    from shlex import quote

    from mltrack.core.limits import name_key

    same = [other for other in known if name_key(other) == name_key(name)]
    if len(same) > 1:  # kept from before names had to differ in more than case
        return NotFoundError("learner", name, same[:MAX_SUGGESTIONS], ambiguous=True,
                             hint="give the name exactly as spelled")  # fmt: skip
    close = closest_slugs(name, [(n, n) for n in known]) or list(known)
    return NotFoundError("learner", name, close[:MAX_SUGGESTIONS],
                         hint=f"add it with: mltrack learner add {quote(name)}")  # fmt: skip


def find_learner_name(name: str, known: Sequence[str]) -> str | None:
    """The learner ``name`` means among ``known`` names: the one spelled so, or else the one
    equal to it without regard to case (``ME`` finds ``me``); None when no name or several
    (kept from before names had to differ in more than case) are equal to it so."""
    if name in known:
        return name
    from mltrack.core.limits import name_key

    same = [other for other in known if name_key(other) == name_key(name)]
    return same[0] if len(same) == 1 else None


def searchable(slug: str, title: str, provider: str | None = None) -> tuple[str, str]:
    """The (slug, text) pair an item is matched on: its title, and its provider if it has one."""
    return slug, f"{title} ({provider})" if provider else title


def closest_slugs(text: str, candidates: Sequence[tuple[str, str]]) -> list[str]:
    """The slugs most like ``text``, judged by the slug and by the title."""
    from difflib import get_close_matches  # only on a miss: not worth importing at start-up

    by_key: dict[str, str] = {}
    for slug, title in candidates:
        by_key.setdefault(slug, slug)
        by_key.setdefault(title.lower(), slug)
    close = get_close_matches(text, list(by_key), n=MAX_SUGGESTIONS * 2, cutoff=0.5)
    return list(dict.fromkeys(by_key[key] for key in close))[:MAX_SUGGESTIONS]


def _by_prefix(wanted: str, slugs: Sequence[str]) -> list[str]:
    return [slug for slug in slugs if slug.startswith(wanted)]


def _by_words(wanted: str, candidates: Sequence[tuple[str, str]]) -> list[str]:
    words = wanted.replace("-", " ").split()
    if not words:
        return []
    return [
        slug
        for slug, title in candidates
        if all(word in f"{slug.replace('-', ' ')} {title.lower()}" for word in words)
    ]
