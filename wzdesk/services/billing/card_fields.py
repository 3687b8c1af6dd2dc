"""The rate card and the volume-discount tiers as read from their rows: a model row, or a row
of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.desk_fields` is: ``wzdesk services rates`` and ``services
tiers`` read an up-to-date SQLite file without Peewee (:mod:`wzdesk.services.quick_reads`,
issue 13) and build their answer here from the same rows, in the same order, as the ordinary
path (:mod:`wzdesk.services.billing.rates`, :mod:`~wzdesk.services.billing.prepaid`) does.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.billing import ROLE_NAMES, Rate, ServiceRole, Tier
from wzdesk.core.errors import NotFound
from wzdesk.core.money import format_cents, format_hundredths
from wzdesk.core.values import Value


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
