"""Exact money and quantities: integers of cents and hundredths, never floats.

Amounts are whole cents (``277500`` is $2,775.00); quantities (hours, days) and percentages
are whole hundredths (``150`` is 1.50 hours, ``1250`` is 12.50 %). Text from users must be a
plain decimal (no exponent, no underscores), is parsed with :class:`~decimal.Decimal` and
refused, naming the field, when it has more than two decimals;
arithmetic is on integers and rounds half-up only where this module says so.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from wzdesk.core.errors import InvalidInput

if TYPE_CHECKING:
    from decimal import Decimal

#: Hundredths in one unit (one dollar in cents, one hour in hundredths of an hour).
HUNDRED = 100
#: The largest amount or quantity the desk accepts (a typo guard; 10 million).
MAX_UNITS = 10_000_000
#: How people write an amount or a quantity: ASCII digits with an optional decimal point
#: (``12``, ``12.5``, ``.5``), an optional minus to be refused by name.
_PLAIN_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half-up to an integer (both non-negative)."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and a positive divisor")
    return (2 * numerator + denominator) // (2 * denominator)


def parse_hundredths(
    text: str | int | Decimal,
    field: str,
    *,
    what: str = "a number",
    allow_zero: bool = False,
    maximum: int = MAX_UNITS * HUNDRED,
) -> int:
    """``"12.5"`` → ``1250``: a positive number with at most two decimals, in hundredths.

    Refused (InvalidInput naming ``field``): not a number, negative, zero (unless
    ``allow_zero``), more than two decimals, or above ``maximum`` hundredths.
    """
    from decimal import Decimal, InvalidOperation  # here: ``services rates`` needs none (issue 13)

    raw = str(text).strip()
    # Plain decimals only: Decimal also reads "1e1", "1_0" and "1E2" (10, 10, 100), which
    # nobody types meaning an amount; the sign is let through to be refused by name below.
    if not _PLAIN_DECIMAL.fullmatch(raw):
        raise InvalidInput(f"expected {what} such as 12.50, got {raw!r}", field=field)
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern lets through only decimals
        raise InvalidInput(f"expected {what} such as 12.50, got {raw!r}", field=field) from None
    if value < 0:
        raise InvalidInput(f"must not be negative (got {raw})", field=field)
    if value == 0 and not allow_zero:
        raise InvalidInput(f"must be more than zero (got {raw})", field=field)
    scaled = value * HUNDRED
    if scaled != scaled.to_integral_value():
        raise InvalidInput(f"at most two decimals (got {raw})", field=field)
    hundredths = int(scaled)
    if hundredths > maximum:
        raise InvalidInput(
            f"at most {format_hundredths(maximum)} (got {raw})",
            field=field,
        )
    return hundredths


def parse_cents(text: str | int | Decimal, field: str) -> int:
    """A money amount (``"1200"``, ``"125.50"``) in cents: positive, at most two decimals."""
    return parse_hundredths(text, field, what="an amount")


def parse_percent(text: str | int | Decimal, field: str) -> int:
    """A percentage from 0 to 100 with at most two decimals, in hundredths (basis points)."""
    return parse_hundredths(
        text, field, what="a percentage", allow_zero=True, maximum=100 * HUNDRED
    )


def format_hundredths(value: int) -> str:
    """``277500`` → ``"2775.00"``: two decimals, no thousands separator (for machines)."""
    sign = "-" if value < 0 else ""
    units, rest = divmod(abs(value), HUNDRED)
    return f"{sign}{units}.{rest:02d}"


def format_cents(cents: int) -> str:
    """An amount as JSON and CSV carry it: ``"2775.00"``."""
    return format_hundredths(cents)


def display_money(cents: int) -> str:
    """An amount as people read it: ``$2,775.00``."""
    units, rest = divmod(abs(cents), HUNDRED)
    return f"{'-' if cents < 0 else ''}${units:,}.{rest:02d}"


def display_amount(text: str) -> str:
    """An amount as JSON carries it (``"2775.00"``) as people read it (``$2,775.00``)."""
    from decimal import Decimal

    return display_money(int(Decimal(text) * HUNDRED))
