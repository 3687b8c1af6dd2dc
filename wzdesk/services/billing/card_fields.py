"""The rate card, the volume-discount tiers and a client's prepaid balance as read from their
rows: model rows, or rows of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.desk_fields` is: ``wzdesk services rates``, ``services
prepaid tiers`` and ``services balance`` read an up-to-date SQLite file without Peewee
(:mod:`wzdesk.services.quick_reads`, issue 13) and build their answer here from the same rows,
in the same order, as the ordinary path (:mod:`wzdesk.services.billing.rates`,
:mod:`~wzdesk.services.billing.prepaid`) does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.billing import (
    ROLE_NAMES,
    PricedLine,
    Rate,
    ServiceRole,
    Tier,
    hours_by_role,
    hours_still_quoted,
    running_balance,
)
from wzdesk.core.errors import NotFound
from wzdesk.core.money import format_cents, format_hundredths
from wzdesk.core.values import Value
from wzdesk.services.billing.quote_fields import quote_label


class RateRow(Value):
    """One row of the rate history."""

    _fields = ("role", "rate", "effective", "note", "created_by")
    role: ServiceRole
    rate: Rate
    effective: date
    note: str
    created_by: str

    def __init__(
        self, role: ServiceRole, rate: Rate, effective: date, note: str, created_by: str
    ) -> None:
        self._set(role=role, rate=rate, effective=effective, note=note, created_by=created_by)

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        row: dict[str, Any] = {
            "role": self.role.value,
            "name": ROLE_NAMES[self.role],
            "day_rate": format_cents(self.rate.day_cents),
            "hour_rate": format_cents(self.rate.hour_cents),
            "effective": self.effective.isoformat(),
        }
        if today is not None:
            row["scheduled"] = self.effective > today
        return row


def rate_row(record: Any) -> RateRow:
    """A ``service_rate`` row as a :class:`RateRow`."""
    return RateRow(
        ServiceRole(record.role),
        Rate(record.day_rate_cents, record.hour_rate_cents),
        record.effective_from,
        record.note,
        record.created_by,
    )


def history_of(records: Iterable[Any]) -> list[RateRow]:
    """The rate history: ``records`` (by effective date, then id) by role in rate-card order."""
    order = list(ServiceRole)
    return sorted((rate_row(r) for r in records), key=lambda row: order.index(row.role))


def card_of(records: Iterable[Any], day: date) -> dict[ServiceRole, RateRow]:
    """Each role's rate in force on ``day``, from the rows effective on or before it (by
    effective date, then id: the last of a role's is in force). A role with none is an error."""
    card = {ServiceRole(record.role): rate_row(record) for record in records}
    missing = [role.value for role in ServiceRole if role not in card]
    if missing:
        raise NotFound(f"no rate in force on {day.isoformat()} for {', '.join(missing)}")
    return {role: card[role] for role in ServiceRole}


def support_day(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of ``instant`` in the support zone ``zone``."""
    return instant.astimezone(zone).date()


def tier_of(record: Any) -> Tier:
    """A ``prepaid_tier`` row as a :class:`Tier`."""
    return Tier(record.min_hours_hundredths, record.discount_bp)


def tier_dict(tier: Tier) -> dict[str, str]:
    return {
        "min_hours": format_hundredths(tier.min_hours),
        "discount_percent": format_hundredths(tier.discount),
    }


def _purchase(row: Any) -> tuple[tuple[Any, ...], date, int, int, dict[str, Any]]:
    return (
        (row.created_at, 0, row.id),
        row.bought_on,
        row.hours_hundredths,
        0,
        {
            "kind": "purchase",
            "purchase": row.id,
            "price": format_cents(row.price_cents),
            "discount_percent": format_hundredths(row.discount_bp),
            "note": row.note,
            "by": row.created_by,
        },
    )


def _draw(entry: Any) -> tuple[tuple[Any, ...], date, int, int, dict[str, Any]]:
    return (
        (entry.created_at, 1, entry.id),
        entry.work_date,
        0,
        entry.hours_hundredths,
        {
            "kind": "time",
            "time_entry": entry.id,
            "case": entry.quote.case.ref,
            "quote": quote_label(entry.quote_id),
            "role": entry.role,
            "note": entry.note,
            "by": entry.author,
        },
    )


def promise_of(
    quote_id: int, case_ref: str, status: str, lines: Iterable[PricedLine], used: dict[Any, int]
) -> dict[str, Any]:
    """What an open prepaid quote (approved or in progress) still holds of its client's
    prepaid hours: its quoted hours not yet logged. ``hours`` is in hundredths."""
    return {
        "quote": quote_label(quote_id),
        "case": case_ref,
        "status": status,
        "hours": hours_still_quoted(hours_by_role(lines), used),
    }


def promised_text(promises: Iterable[dict[str, Any]]) -> str:
    """``30.00 h promised to Q-31``, ``45.00 h promised to Q-31, Q-32`` (the quotes that
    still hold hours), or "" when none does."""
    holding = [promise for promise in promises if promise["hours"]]
    if not holding:
        return ""
    hours = format_hundredths(sum(promise["hours"] for promise in holding))
    return f"{hours} h promised to {', '.join(promise['quote'] for promise in holding)}"


def balance_of(
    code: str,
    purchases: Iterable[Any],
    draws: Iterable[Any],
    promises: Iterable[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A client's prepaid hours from its ``prepaid_purchase`` rows and the prepaid
    ``time_entry`` rows drawn on them (each with ``quote.case.ref``): every movement in the
    order recorded (a purchase before work logged at the same instant), with the balance
    after it.

    ``promises`` (from :func:`promise_of`) are the client's open prepaid quotes: the hours they
    still hold are not logged yet, so the balance still counts them, but they are no longer
    free to promise again; ``uncommitted_hours`` is what a new prepaid approval may use."""
    movements = sorted(
        [_purchase(row) for row in purchases] + [_draw(entry) for entry in draws],
        key=lambda movement: movement[0],
    )
    after = running_balance((hours_in, hours_out) for _, _, hours_in, hours_out, _ in movements)
    lines = [
        {
            "date": day.isoformat(),
            "hours_in": format_hundredths(hours_in),
            "hours_out": format_hundredths(hours_out),
            "balance": format_hundredths(left),
            **details,
        }
        for (_, day, hours_in, hours_out, details), left in zip(movements, after, strict=True)
    ]
    bought = sum(movement[2] for movement in movements)
    used = sum(movement[3] for movement in movements)
    holding = [promise for promise in promises if promise["hours"]]
    promised = sum(promise["hours"] for promise in holding)
    return {
        "client": code,
        "purchased_hours": format_hundredths(bought),
        "used_hours": format_hundredths(used),
        "balance_hours": format_hundredths(bought - used),
        "promised_hours": format_hundredths(promised),
        "uncommitted_hours": format_hundredths(bought - used - promised),
        "promised": [
            dict(promise, hours=format_hundredths(promise["hours"])) for promise in holding
        ],
        "lines": lines,
    }
