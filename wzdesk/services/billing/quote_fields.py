"""A quote as people and scripts see it (its JSON shape: lines, totals, time used, moves), from
its rows: model rows, or rows of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.billing.card_fields` is: ``wzdesk services quote show``
and ``quote list`` read an up-to-date SQLite file without Peewee
(:mod:`wzdesk.services.quick_reads`, issue 13) and build the view here from the same rows as the
ordinary path (:mod:`wzdesk.services.billing.quotes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.billing import (
    ROLE_NAMES,
    SERVICE_TYPE_NAMES,
    PricedLine,
    QuoteStatus,
    ServiceRole,
    ServiceType,
    Unit,
    hours_by_role,
    next_moves,
    quote_totals,
    usage,
)
from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import format_cents, format_hundredths
from wzdesk.core.text import is_number
from wzdesk.core.timefmt import format_instant


def quote_label(quote_id: int) -> str:
    """How people read a quote's id: ``Q-12``."""
    return f"Q-{quote_id}"


def parse_quote_id(text: str | int, field: str = "ID") -> int:
    """``12``, ``Q-12`` or ``q12``. The dash belongs to the ``Q-`` label only: ``-5`` is no
    quote number (a mistyped negative must not act on Q-5)."""
    raw = str(text).strip().upper()
    if raw.startswith("Q"):
        raw = raw[1:].removeprefix("-")
    if not is_number(raw):
        raise InvalidInput(f"expected a quote number such as 12 or Q-12, got {text!r}", field=field)
    return int(raw)


def priced_line(row: Any) -> PricedLine:
    """A ``quote_line`` row with the rate it was priced at (its unit's)."""
    return PricedLine(
        ServiceRole(row.role),
        row.quantity_hundredths,
        Unit(row.unit),
        row.day_rate_cents if row.unit == Unit.DAYS else row.hour_rate_cents,
    )


def used_from(totals: Iterable[tuple[str, int]]) -> dict[ServiceRole, int]:
    """Hours logged per role (hundredths) from (role, sum of hours) rows."""
    return {ServiceRole(role): int(total) for role, total in totals}


def quote_view(
    quote: Any, lines: Sequence[PricedLine], used: dict[ServiceRole, int], zone: ZoneInfo
) -> dict[str, Any]:
    """Everything about a quote, amounts as two-decimal strings (the JSON shape). ``quote``:
    its row, with ``case`` (``ref``, ``client.code``) and ``origin_case`` (``ref``, or None);
    ``lines`` in order; ``used``: hours logged per role."""
    case = quote.case
    totals = quote_totals(lines, quote.discount_bp)
    quoted = hours_by_role(lines)
    kind = ServiceType(quote.service_type) if quote.service_type else None
    return {
        "id": quote.id,
        "label": quote_label(quote.id),
        "case": case.ref,
        "client": case.client.code,
        "service_type": kind.value if kind else None,
        "service_type_name": SERVICE_TYPE_NAMES[kind] if kind else None,
        "scope": quote.scope,
        "status": quote.status,
        "rates_on": quote.rates_on.isoformat(),
        "lines": [
            {
                "role": line.role.value,
                "role_name": ROLE_NAMES[line.role],
                "quantity": format_hundredths(line.quantity),
                "unit": line.unit.value,
                "hours": format_hundredths(line.hours),
                "rate": format_cents(line.rate_cents),
                "amount": format_cents(line.amount_cents),
            }
            for line in lines
        ],
        "subtotal": format_cents(totals.subtotal_cents),
        "discount_percent": format_hundredths(quote.discount_bp),
        "discount": format_cents(totals.discount_cents),
        "total": format_cents(totals.total_cents),
        "prepaid": bool(quote.prepaid),
        "quoted_hours": format_hundredths(sum(quoted.values())),
        "used_hours": format_hundredths(sum(used.values())),
        "usage": [
            {
                "role": row.role.value,
                "quoted_hours": format_hundredths(row.quoted),
                "used_hours": format_hundredths(row.used),
                "percent_used": row.percent,
            }
            for row in usage(quoted, used)
        ],
        "next": next_moves(QuoteStatus(quote.status)),
        "origin": quote.origin,
        "origin_case": origin.ref if (origin := quote.origin_case) is not None else None,
        "created_at": format_instant(quote.created_at, zone),
        "created_by": quote.created_by,
        "sent_at": format_instant(quote.sent_at, zone),
        "approved_at": format_instant(quote.approved_at, zone),
        "declined_at": format_instant(quote.declined_at, zone),
        "started_at": format_instant(quote.started_at, zone),
        "done_at": format_instant(quote.done_at, zone),
        "version": quote.version,
    }
