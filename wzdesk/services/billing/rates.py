"""Professional services rates: data with effective dates, changed by supervisors.

A change is a new row from a future date on (tomorrow at the earliest), so the rate card of
any day that has begun never changes: a quote keeps the card of the day it was made, and a
later change can never alter it. The policy's card is shipped as the first rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wzdesk.core.billing import ROLE_NAMES, Rate, ServiceRole, parse_enum
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.money import format_cents
from wzdesk.core.rules import Action
from wzdesk.services.billing.common import support_date
from wzdesk.services.cases.records import clean_text
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import ServiceRate


@dataclass(frozen=True)
class RateRow:
    """One row of the rate history."""

    role: ServiceRole
    rate: Rate
    effective: date
    note: str
    created_by: str

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


def _row(record: ServiceRate) -> RateRow:
    return RateRow(
        ServiceRole(record.role),
        Rate(record.day_rate_cents, record.hour_rate_cents),
        record.effective_from,
        record.note,
        record.created_by,
    )


def rate_history() -> list[RateRow]:
    """Every rate row, by role (rate-card order) then effective date."""
    rows = [
        _row(r) for r in ServiceRate.select().order_by(ServiceRate.effective_from, ServiceRate.id)
    ]
    order = list(ServiceRole)
    return sorted(rows, key=lambda row: order.index(row.role))


def rates_in_force(day: date) -> dict[ServiceRole, RateRow]:
    """Each role's rate in force on ``day`` (the latest row effective on or before it)."""
    card: dict[ServiceRole, RateRow] = {}
    for record in (
        ServiceRate.select()
        .where(ServiceRate.effective_from <= day)
        .order_by(ServiceRate.effective_from, ServiceRate.id)
    ):
        card[ServiceRole(record.role)] = _row(record)
    missing = [role.value for role in ServiceRole if role not in card]
    if missing:
        raise NotFound(f"no rate in force on {day.isoformat()} for {', '.join(missing)}")
    return {role: card[role] for role in ServiceRole}


def rate_card(day: date) -> dict[ServiceRole, Rate]:
    """The day and hour rates in force on ``day``, per role."""
    return {role: row.rate for role, row in rates_in_force(day).items()}


def set_rate(
    ctx: ServiceContext,
    role: str,
    day_cents: int,
    hour_cents: int,
    effective: date,
    note: str = "",
) -> RateRow:
    """A new rate for ``role`` from ``effective`` on (supervisors; a future date)."""
    ctx.require(Action.MANAGE_RATES)
    which = parse_enum(ServiceRole, role, "ROLE")
    note = clean_text(note, "--note", 2000)
    for field, cents in (("--day", day_cents), ("--hour", hour_cents)):
        if cents <= 0:
            raise InvalidInput("must be more than zero", field=field)
    today = support_date(ctx.clock.now())
    if effective <= today:
        raise InvalidInput(
            f"must be after today ({today.isoformat()}): quotes made today keep today's rates",
            field="--effective",
        )
    with write_transaction():
        before = rates_in_force(effective)[which]
        record = ServiceRate.create(
            role=which.value,
            day_rate_cents=day_cents,
            hour_rate_cents=hour_cents,
            effective_from=effective,
            note=note,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        row = _row(record)
        ctx.audit("rate.set", "service_rate", record.id, before.as_dict(), row.as_dict())
    return row
