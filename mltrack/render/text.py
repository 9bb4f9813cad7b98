"""Text for a terminal: the one escaping rule, display width, truncation and wrapping.

Every text view (``render.terminal``), the report's text formats written to a terminal and
shell completion escape through ``escape`` here, and the width fitting measures and cuts the
escaped text with the functions beside it, so that what is measured is what is printed.
Pure: no environment reads; the CLI reads the terminal's width once and passes it in.
"""

import re
import unicodedata

# Bidirectional formatting characters: they reorder what follows them on the line (the
# "Trojan Source" characters), so a title could make a line read differently than it is.
BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (C0, DEL, C1), lone surrogates and the Unicode line/paragraph separators.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
ELLIPSIS = "..."
DEFAULT_WIDTH = 80
MIN_WIDTH = 50  # views are laid out for at least this many columns
# The colour codes the views themselves add (click.style): measured as taking no columns.
STYLE = re.compile("\x1b\\[[0-9;]*m")


def is_unsafe(char: str) -> bool:
    """Whether ``char`` must not reach a terminal as it is (it controls rather than shows)."""
    return unicodedata.category(char) in UNSAFE_CATEGORIES or char in BIDI


def escape(text: str, keep: str = "") -> str:
    """``text`` with every control, bidi and separator character shown as a visible escape
    (``\\x1b``, ``\\u202e``, ``\\n``); characters in ``keep`` (e.g. a newline between the
    lines of a whole document) pass through."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escaped(char) if is_unsafe(char) and char not in keep else char
                   for char in text)  # fmt: skip


def _escaped(char: str) -> str:
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def char_width(char: str) -> int:
    """Columns ``char`` takes: 0 for combining and format characters, 2 for wide ones."""
    if char.isascii():
        return 1
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` (already escaped, perhaps styled) takes on a terminal."""
    if "\x1b" in text:
        text = STYLE.sub("", text)
    if text.isascii():
        return len(text)
    return sum(char_width(char) for char in text)


def cut(text: str, columns: int) -> tuple[str, str]:
    """``text`` split where it reaches ``columns`` columns: (what fits, the rest)."""
    used = 0
    for index, char in enumerate(text):
        used += char_width(char)
        if used > columns:
            return text[:index], text[index:]
    return text, ""


def truncate(text: str, columns: int) -> str:
    """``text`` escaped and cut to ``columns`` columns, ending in ``...`` when it was cut."""
    text = escape(text)
    if display_width(text) <= columns:
        return text
    if columns <= len(ELLIPSIS):
        return cut(text, columns)[0]
    return cut(text, columns - len(ELLIPSIS))[0].rstrip() + ELLIPSIS


def pad(text: str, columns: int) -> str:
    """``text`` padded with spaces to ``columns`` columns (``ljust`` by display width)."""
    return text + " " * max(0, columns - display_width(text))


def wrap(
    text: str, width: int, indent: str = "", subsequent: str | None = None, raw: bool = False
) -> list[str]:
    """``text`` escaped and folded into lines of at most ``width`` columns at spaces.

    A word longer than a whole line is broken; any other word (a slug, a date, a figure)
    stays whole on one line. ``subsequent`` indents the continuation lines (``indent`` too
    by default). ``raw`` text is already escaped (and may be styled): it is not escaped again.
    """
    subsequent = indent if subsequent is None else subsequent
    lines: list[str] = []
    line, empty = indent, True
    for word in (text if raw else escape(text)).split():
        while word:
            room = width - display_width(line)
            piece = word if empty else " " + word
            if display_width(piece) <= room:
                line, word, empty = line + piece, "", False
            elif empty:  # longer than a whole line: break it
                head, word = cut(word, max(room, 1))
                if not head:  # not even one character fits after the indent
                    head, word = word[0], word[1:]
                lines.append(line + head)
                line = subsequent
            else:
                lines.append(line)
                line, empty = subsequent, True
    if not empty or not lines:
        lines.append(line.rstrip() if empty else line)
    return lines


def fill(text: str, width: int, indent: str = "", subsequent: str | None = None) -> str:
    """``wrap`` joined into one string."""
    return "\n".join(wrap(text, width, indent, subsequent))


def spill(head: str, tail: str, width: int, indent: str) -> list[str]:
    """``head`` (escaped: slugs, dates, figures) then ``tail`` (prose, escaped here) within
    ``width``: on one line when they fit, else the prose wraps under the head, indented by
    ``indent``; a head wider than the line breaks between its words, never inside one."""
    tail = " ".join(escape(tail).split())
    whole = f"{head}  {tail}" if tail else head
    if display_width(whole) <= width:
        return [whole]
    if display_width(head) > width:
        lines = wrap(head, width, "", indent, raw=True)
        head = lines.pop()
    else:
        lines = []
    if not tail:
        return [*lines, head]
    if width - display_width(head) - 2 >= 12:
        return [*lines, *wrap(tail, width, head + "  ", indent, raw=True)]
    return [*lines, head, *wrap(tail, width, indent, raw=True)]


def fit_widths(natural: list[int], available: int, shrinkable: list[bool],
               minimum: int = 12) -> list[int]:  # fmt: skip
    """Column widths that add up to at most ``available``: the widest shrinkable column is
    narrowed first, as gh's table printer does, never below ``minimum``; the others keep their
    natural width (they hold slugs and figures)."""
    widths = list(natural)
    while sum(widths) > available:
        candidates = [n for n, width in enumerate(widths) if shrinkable[n] and width > minimum]
        if not candidates:
            break
        widest = max(candidates, key=lambda n: widths[n])
        widths[widest] -= 1
    return widths


def titled(prefix: str, title: str, suffix: str, width: int, indent: str = "") -> list[str]:
    """A line ``prefix`` + ``title`` + ``suffix`` within ``width``: the title (escaped) is
    truncated to what is left; when less than 12 columns would be left for it, the title goes
    on a line of its own under the prefix, indented by ``indent``."""
    suffix = escape(suffix)
    room = width - display_width(prefix) - display_width(suffix)
    if room >= min(12, display_width(escape(title))):
        return [prefix + truncate(title, room) + suffix]
    fits = display_width(prefix.rstrip()) <= width
    lines = [prefix.rstrip()] if fits else wrap(prefix, width, "", indent, raw=True)
    room = width - display_width(indent) - display_width(suffix)
    if room >= 12:
        return [*lines, indent + truncate(title, room) + suffix]
    return [*lines, indent + truncate(title, width - display_width(indent)),
            *wrap(suffix, width, indent, raw=True)]  # fmt: skip


def named(title: str, provider: str | None) -> str:
    """A certification's title with its provider, e.g. ``Data Science Specialization (Johns
    Hopkins University (Coursera))``: titles alone can be near-identical."""
    return f"{title} ({provider})" if provider else title


def clamp(width: int) -> int:
    """A terminal width the views can work with (at least ``MIN_WIDTH`` columns)."""
    return max(MIN_WIDTH, width)
