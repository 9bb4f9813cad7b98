"""Amounts of money as a learner types them and as stored: integer cents of an ISO currency."""

import re

from mltrack.core.limits import MAX_COST_CENTS

AMOUNT_FORMAT_HELP = f"an amount such as 49 or 49.99, at most {MAX_COST_CENTS // 100:,}"
# ASCII digits only, as in dates and durations.
_AMOUNT = r"([0-9]{1,9})(?:\.([0-9]{1,2}))?"  # compiled on first use
_CURRENCY = r"[A-Z]{3}"


def parse_amount(text: str) -> int:
    """Cents in an amount typed as ``49`` or ``49.99``; ValueError for anything else."""
    match = re.fullmatch(_AMOUNT, text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a cost; expected {AMOUNT_FORMAT_HELP}")
    cents = int(match.group(1)) * 100 + int((match.group(2) or "0").ljust(2, "0"))
    if cents > MAX_COST_CENTS:
        raise ValueError(f"{text!r} is too large a cost; expected {AMOUNT_FORMAT_HELP}")
    return cents


def parse_currency(text: str) -> str:
    """An ISO 4217 currency code (``usd`` becomes ``USD``); ValueError for anything else."""
    code = text.strip().upper()
    if not re.fullmatch(_CURRENCY, code):
        raise ValueError(f"{text!r} is not a currency; expected a three-letter code such as USD")
    return code


def format_cents(cents: int, currency: str) -> str:
    """``4999, "USD"`` -> ``49.99 USD``."""
    return f"{cents // 100}.{cents % 100:02d} {currency}"
