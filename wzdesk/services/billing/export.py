"""The accounting export: quotes, time entries and prepaid purchases of a period, one row each
(quotes also one row per line), as CSV or JSON.

Rows of kind ``quote`` carry a quote's total after discount; rows of kind ``quote_line`` its
lines before discount (add one or the other, not both). ``time`` rows are work logged in the
period (``prepaid`` says whether it was drawn from prepaid hours, i.e. already paid);
``prepaid_purchase`` rows are blocks of hours sold, at the price after the volume discount.
Drafts are left out: they are not yet an offer.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from typing import Any

from wzdesk.core.billing import QuoteStatus
from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import format_cents, format_hundredths
from wzdesk.core.rules import Action
from wzdesk.services.billing.common import quote_label
from wzdesk.services.billing.quotes import quote_view
from wzdesk.services.calendar import support_zone_at
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import Case, Client, PrepaidPurchase, Quote, TimeEntry

COLUMNS = [
    "kind",
    "date",
    "client",
    "case",
    "quote",
    "status",
    "role",
    "quantity",
    "unit",
    "hours",
    "rate",
    "discount_percent",
    "amount",
    "prepaid",
    "by",
    "note",
]
#: The longest period one export covers (a typo guard: ten years).
MAX_DAYS = 3660


def _row(**values: Any) -> dict[str, Any]:
    return {column: values.get(column) for column in COLUMNS}


def export_rows(ctx: ServiceContext, start: date, end: date) -> list[dict[str, Any]]:
    """Every quote (made), time entry (worked) and purchase (bought) from ``start`` to ``end``
    inclusive, by date; dates are support-zone calendar dates."""
    ctx.require(Action.EXPORT_ACCOUNTING)
    if end < start:
        raise InvalidInput(f"is before --from ({start.isoformat()})", field="--to")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(f"a period of at most {MAX_DAYS} days", field="--to")
    zone = support_zone_at(ctx.clock.now())
    first = datetime.combine(start, time(), zone)
    after = datetime.combine(end + timedelta(days=1), time(), zone)
    rows: list[dict[str, Any]] = []
    quotes = (
        Quote.select(Quote, Case, Client)
        .join(Case, on=Quote.case)
        .join(Client)
        .where(
            (Quote.created_at >= first)
            & (Quote.created_at < after)
            & (Quote.status != QuoteStatus.DRAFT.value)
        )
        .order_by(Quote.created_at, Quote.id)
    )
    for quote in quotes:
        view = quote_view(quote, zone)
        common = {
            "date": quote.created_at.astimezone(zone).date().isoformat(),
            "client": view["client"],
            "case": view["case"],
            "quote": view["label"],
            "status": view["status"],
            "prepaid": view["prepaid"],
            "by": quote.created_by,
        }
        rows.append(
            _row(
                kind="quote",
                hours=view["quoted_hours"],
                discount_percent=view["discount_percent"],
                amount=view["total"],
                note=f"{view['service_type']}) {view['service_type_name']}",
                **common,
            )
        )
        for line in view["lines"]:
            rows.append(
                _row(
                    kind="quote_line",
                    role=line["role"],
                    quantity=line["quantity"],
                    unit=line["unit"],
                    hours=line["hours"],
                    rate=line["rate"],
                    amount=line["amount"],
                    **common,
                )
            )
    entries = (
        TimeEntry.select(TimeEntry, Quote, Case, Client)
        .join(Quote)
        .join(Case, on=Quote.case)
        .join(Client)
        .where((TimeEntry.work_date >= start) & (TimeEntry.work_date <= end))
        .order_by(TimeEntry.work_date, TimeEntry.id)
    )
    for entry in entries:
        case = entry.quote.case
        rows.append(
            _row(
                kind="time",
                date=entry.work_date.isoformat(),
                client=case.client.code,
                case=case.ref,
                quote=quote_label(entry.quote_id),
                status=entry.quote.status,
                role=entry.role,
                quantity=format_hundredths(entry.hours_hundredths),
                unit="h",
                hours=format_hundredths(entry.hours_hundredths),
                rate=format_cents(entry.hour_rate_cents),
                amount=format_cents(entry.amount_cents),
                prepaid=entry.prepaid,
                by=entry.author,
                note=entry.note,
            )
        )
    purchases = (
        PrepaidPurchase.select(PrepaidPurchase, Client)
        .join(Client)
        .where((PrepaidPurchase.bought_on >= start) & (PrepaidPurchase.bought_on <= end))
        .order_by(PrepaidPurchase.bought_on, PrepaidPurchase.id)
    )
    for purchase in purchases:
        rows.append(
            _row(
                kind="prepaid_purchase",
                date=purchase.bought_on.isoformat(),
                client=purchase.client.code,
                role=purchase.role,
                quantity=format_hundredths(purchase.hours_hundredths),
                unit="h",
                hours=format_hundredths(purchase.hours_hundredths),
                rate=format_cents(purchase.hour_rate_cents),
                discount_percent=format_hundredths(purchase.discount_bp),
                amount=format_cents(purchase.price_cents),
                prepaid=True,
                by=purchase.created_by,
                note=purchase.note,
            )
        )
    order = {"quote": 0, "quote_line": 0, "time": 1, "prepaid_purchase": 2}
    rows.sort(key=lambda row: (row["date"], order[row["kind"]]))  # stable: lines follow quotes
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV with a header line (``prepaid`` as yes/no, empty for none)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        cells = {k: ("" if v is None else v) for k, v in row.items()}
        if isinstance(row["prepaid"], bool):
            cells["prepaid"] = "yes" if row["prepaid"] else "no"
        writer.writerow(cells)
    return out.getvalue()
