"""How figures are rounded: once, half up, here, for every format and every query.

Python's ``round`` rounds half to even on binary floats (``round(56.25, 1)`` is 56.2), which is
not what a reader expects of a percentage. Every rounded figure mltrack shows goes through
this module, with ``decimal``'s ROUND_HALF_UP on the exact decimal value, so the terminal, JSON,
CSV, Markdown and HTML show the same digits; a test checks that ``render/`` and ``queries/``
call no ``round`` of their own.
"""

from decimal import ROUND_HALF_UP, Decimal

# Percentages carry one decimal; rates (items a week) three significant figures.
PERCENT_PLACES = 1
RATE_FIGURES = 3


def _decimal(value: float | int | Decimal) -> Decimal:
    # str(): a float's shortest repr (45.0 -> "45.0"), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def rounded(value: float | int | Decimal, places: int = 0) -> float:
    """``value`` rounded half up to ``places`` decimals (2.25 -> 2.3 at one place)."""
    step = Decimal(1).scaleb(-places)
    return float(_decimal(value).quantize(step, rounding=ROUND_HALF_UP))


def percent(part: float | int, whole: float | int) -> float | None:
    """``part`` of ``whole`` in percent, rounded half up to one decimal (45 of 80 -> 56.3);
    None when ``whole`` is zero (nothing to count)."""
    if not whole:
        return None
    return rounded(_decimal(part) * 100 / _decimal(whole), PERCENT_PLACES)


def rate(value: float | int) -> float:
    """A rate such as required items a week, rounded half up to three significant figures
    (0.35714 -> 0.357, 0.0038462 -> 0.00385, 12.345 -> 12.3): significant figures rather than
    fixed decimals, so that a slow pace over a long window never rounds to zero."""
    exact = _decimal(value)
    if not exact:
        return 0.0
    return rounded(exact, RATE_FIGURES - 1 - exact.adjusted())


def cells(value: float, maximum: float, width: int) -> int:
    """How many of ``width`` cells a bar of ``value`` out of ``maximum`` fills, half up."""
    if not maximum:
        return 0
    return int(rounded(_decimal(width) * _decimal(value) / _decimal(maximum)))
