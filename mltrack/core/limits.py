"""How big and what shape any input may be: the one home of mltrack's input limits.

The numbers are generous enough for a lifetime of real use and small enough that no value can
overflow a sum, a 64-bit column or a renderer. The CLI's parameter types, the services and the
import checker all take them from here (and a streaming import parser can too), so that a
value is accepted or refused the same way wherever it comes from. README "Security" lists them.

Standard library only.
"""

import math
import unicodedata
from typing import Any

from mltrack.core.errors import InputError

MAX_TEXT = 10_000  # characters in any text field (a note, a title, a URL...)
MAX_JSON_DEPTH = 64  # nesting of arrays and objects in an import file
MAX_NUMBER_DIGITS = 20  # digits of a whole number in an import file: 2**63 has 19
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
MAX_SESSION_MINUTES = 24 * 60  # one study session
MAX_DAY_MINUTES = 24 * 60  # all the study time logged on one day, in total
MAX_COST_CENTS = 10**9  # one cost: ten million in any currency
MAX_HOURS = 10_000  # an item's hours estimate
MAX_POSITION = 1_000_000  # an item's place in its step
MAX_ATTEMPTS = 1_000  # exam attempts at one certification
# Dates past this are typos, and calendars (iCalendar, date arithmetic) cannot go to 9999.
LAST_YEAR = 2999

# (table, column) -> the smallest and largest value it takes; every other number column takes
# any 64-bit value. Import checks these, and ``mltrack doctor`` reports stored values outside.
COLUMN_RANGES: dict[tuple[str, str], tuple[int | float, int | float]] = {
    ("study_session", "minutes"): (1, MAX_SESSION_MINUTES),
    ("cert_goal", "attempts"): (0, MAX_ATTEMPTS),
    ("item", "hours_estimate"): (0, MAX_HOURS),
    ("item", "position"): (0, MAX_POSITION),
}
# Text columns that may hold several lines (and tabs); every other text is one line.
MULTILINE_COLUMNS = frozenset({"note", "quote", "summary"})

# Characters that reorder how text is displayed (embeddings, overrides, isolates): with them a
# title can show something other than what it holds ("Trojan Source").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_MULTILINE_ALLOWED = frozenset("\t\n")


def check_text(
    value: str, what: str, *, multiline: bool = False, max_length: int = MAX_TEXT
) -> str:
    """Return ``value`` if it can be stored as text, else raise InputError naming ``what``.

    The one rule for every free-text field: at most ``max_length`` characters; no lone
    surrogates (bytes that were not UTF-8); no control characters, except tab and newline in
    a ``multiline`` field (a note); no bidirectional overrides, embeddings or isolates; no
    line or paragraph separators in a one-line field.
    """
    if len(value) > max_length:
        raise InputError(f"{what} is {len(value):,} characters long; at most {max_length:,}")
    for position, char in enumerate(value, start=1):
        problem = _character_problem(char, multiline)
        if problem:
            raise InputError(
                f"{what} cannot contain {problem} (U+{ord(char):04X} at character {position})"
            )
    return value


def _character_problem(char: str, multiline: bool) -> str | None:
    if char.isprintable() and char not in BIDI_CONTROLS:  # the common case, fast
        return None
    category = unicodedata.category(char)
    if category == "Cs":
        return "a lone surrogate (text that was not valid UTF-8)"
    if category == "Cc" and not (multiline and char in _MULTILINE_ALLOWED):
        allowed = "other than tab and newline" if multiline else "or line breaks"
        return f"control characters {allowed}"
    if char in BIDI_CONTROLS:
        return "bidirectional override characters"
    if category in ("Zl", "Zp") and not multiline:
        return "line breaks"
    return None


def lone_surrogate(value: str) -> int | None:
    """The index of the first lone surrogate in ``value`` (a byte that was not UTF-8 when
    Python decoded it with ``surrogateescape``), or None."""
    for index, char in enumerate(value):
        if "\ud800" <= char <= "\udfff":
            return index
    return None


def check_range(value: Any, low: int | float, high: int | float, what: str) -> None:
    """Raise InputError unless ``value`` is a finite number from ``low`` to ``high``."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(f"{what} must be a finite number, not {value}")
    if not low <= value <= high:
        raise InputError(f"{what} must be from {low:,} to {high:,}, not {value:,}")


def column_range(table: str, column: str) -> tuple[int | float, int | float]:
    """The values a number column takes: its ``COLUMN_RANGES`` entry or the 64-bit range."""
    return COLUMN_RANGES.get((table, column), (INT64_MIN, INT64_MAX))


def name_key(name: str) -> str:
    """What two learner names are compared by: ``Me`` and ``me`` are the same learner."""
    return unicodedata.normalize("NFKC", name).casefold()


MAX_URL = 2_000  # characters in a link's address (browsers and servers cut longer ones)
WEB_SCHEMES = ("http", "https")


def check_web_url(value: str, what: str = "a link") -> str:
    """Return ``value`` if it is an http(s) address a browser can open, else InputError.

    Only ``http://`` and ``https://`` with a host: a ``javascript:``, ``file:`` or ``data:``
    address in a note could run or reveal something when the HTML report is opened. No
    white space or control characters anywhere (a URL never needs them; they would let a
    link hide what it points to).
    """
    check_text(value, what, max_length=MAX_URL)
    scheme, separator, rest = value.partition("://")
    if not separator or scheme.lower() not in WEB_SCHEMES:
        raise InputError(f"{what} must start with http:// or https://, not {value[:40]!r}")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].rsplit("@", 1)[-1]
    if not host or host.startswith(":"):
        raise InputError(f"{what} needs a host after {scheme}://")
    if any(char.isspace() for char in value):
        raise InputError(f"{what} cannot contain white space")
    return value
