"""Professional services rates: data with effective dates, changed by supervisors.

A change is a new row from a future date on (tomorrow at the earliest), so the rate card of
any day that has begun never changes: a quote keeps the card of the day it was made, and a
later change can never alter it. The policy's card is shipped as the first rows.
"""

from __future__ import annotations

from datetime import date

from wzdesk.core.billing import Rate, ServiceRole, parse_enum
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.services.billing.card_fields import RateRow, card_of, history_of, rate_row
from wzdesk.services.billing.common import support_date
from wzdesk.services.cases.records import clean_text
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import ServiceRate


def rate_history() -> list[RateRow]:
    """Every rate row, by role (rate-card order) then effective date."""
    return history_of(ServiceRate.select().order_by(ServiceRate.effective_from, ServiceRate.id))


def rates_in_force(day: date) -> dict[ServiceRole, RateRow]:
    """Each role's rate in force on ``day`` (the latest row effective on or before it)."""
    effective = ServiceRate.effective_from <= day
    return card_of(
        ServiceRate.select().where(effective).order_by(ServiceRate.effective_from, ServiceRate.id),
        day,
    )


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
        row = rate_row(record)
        ctx.audit("rate.set", "service_rate", record.id, before.as_dict(), row.as_dict())
    return row
