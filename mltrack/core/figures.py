"""How figures are rounded: once, half up, here, for every format and every query.

Python's ``round`` rounds half to even on binary floats (``round(56.25, 1)`` is 56.2), which is
not what a reader expects of a percentage. Every rounded figure mltrack shows goes through
this module, rounded half up (ties away from zero) on the exact decimal value, so the terminal,
JSON, CSV, Markdown and HTML show the same digits; a test checks that ``render/`` and
``queries/`` call no ``round`` of their own.

The arithmetic is exact, on integers: a float is taken at its shortest repr (45.0 is 450/10,
never its binary expansion) as a fraction over a power of ten. ``decimal`` would do the same
(a test holds the two equal), but its import costs every command about a millisecond.
"""

from math import isfinite

# Percentages carry one decimal; rates (items a week) three significant figures.
PERCENT_PLACES = 1
RATE_FIGURES = 3


def _exact(value: float | int) -> tuple[int, int]:
    """``value`` as ``(numerator, denominator)``, the denominator a power of ten: the decimal
    its shortest repr spells (``0.15`` -> ``(15, 100)``, ``1e-05`` -> ``(1, 100000)``)."""
    if isinstance(value, int):
        return value, 1
    mantissa, _, exponent = repr(float(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    numerator, scale = int(whole + fraction), len(fraction) - int(exponent or 0)
    return (numerator, 10**scale) if scale >= 0 else (numerator * 10**-scale, 1)


def _half_up(numerator: int, denominator: int, places: int) -> float:
    """``numerator / denominator`` (denominator > 0) rounded half up to ``places`` decimals
    (negative: to tens, hundreds...), as the float its decimal digits spell."""
    if places >= 0:
        numerator *= 10**places
    else:
        denominator *= 10**-places
    units = (2 * abs(numerator) + denominator) // (2 * denominator)
    return float(f"{-units if numerator < 0 else units}e{-places}")


def rounded(value: float | int, places: int = 0) -> float:
    """``value`` rounded half up to ``places`` decimals (2.25 -> 2.3 at one place)."""
    if not isfinite(value):  # left as it is, for the output's own check to refuse
        return float(value)
    return _half_up(*_exact(value), places)


def percent(part: float | int, whole: float | int) -> float | None:
    """``part`` of ``whole`` in percent, rounded half up to one decimal (45 of 80 -> 56.3);
    None when ``whole`` is zero (nothing to count)."""
    if not whole:
        return None
    return _ratio(part, 100, whole, PERCENT_PLACES)


def rate(value: float | int) -> float:
    """A rate such as required items a week, rounded half up to three significant figures
    (0.35714 -> 0.357, 0.0038462 -> 0.00385, 12.345 -> 12.3): significant figures rather than
    fixed decimals, so that a slow pace over a long window never rounds to zero."""
    if not isfinite(value):
        return float(value)
    numerator, denominator = _exact(value)
    if not numerator:
        return 0.0
    # The power of ten of the first significant digit (Decimal's ``adjusted()``).
    leading = len(str(abs(numerator))) - len(str(denominator))
    return _half_up(numerator, denominator, RATE_FIGURES - 1 - leading)


def cells(value: float, maximum: float, width: int) -> int:
    """How many of ``width`` cells a bar of ``value`` out of ``maximum`` fills, half up."""
    if not maximum:
        return 0
    return int(_ratio(value, width, maximum, 0))


def _ratio(part: float | int, times: int, whole: float | int, places: int) -> float:
    """``part * times / whole``, exactly, rounded half up to ``places`` decimals (a value
    stored before the limits may be infinite: then the float quotient, for the output's own
    check to refuse)."""
    if not (isfinite(part) and isfinite(whole)):
        return part * times / whole
    part_numerator, part_denominator = _exact(part)
    whole_numerator, whole_denominator = _exact(whole)
    numerator = part_numerator * times * whole_denominator
    denominator = part_denominator * whole_numerator
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _half_up(numerator, denominator, places)
