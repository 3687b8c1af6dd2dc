"""Prepaid hours: clients buy hours in advance ("with volume discounts available"); work on a
quote approved as prepaid draws them down; the balance is explained line by line.

Volume-discount tiers are data, set by supervisors. None ship: the policy promises volume
discounts but names none, so the desk invents none (the demo data shows example tiers). A
purchase keeps the rate and discount it was sold at; changing tiers or rates never alters it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import peewee

from wzdesk.core.billing import QuoteStatus, ServiceRole, Tier, parse_enum, prepaid_price
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.money import HUNDRED, format_cents, format_hundredths
from wzdesk.core.rules import Action
from wzdesk.services.billing.card_fields import (
    balance_of,
    promise_of,
    promised_text,
    tier_dict,
    tier_of,
)
from wzdesk.services.billing.common import support_date
from wzdesk.services.billing.quote_fields import priced_line, used_from
from wzdesk.services.billing.rates import rate_card
from wzdesk.services.cases.records import clean_text
from wzdesk.services.context import ServiceContext, locked, write_transaction
from wzdesk.services.directory import get_client
from wzdesk.store.models import (
    Case,
    Client,
    PrepaidPurchase,
    PrepaidTier,
    Quote,
    QuoteLine,
    TimeEntry,
)

#: The role whose hour rate prices a block unless another is named: the policy's consultant.
DEFAULT_BLOCK_ROLE = ServiceRole.SPECIALIST

# -- tiers ----------------------------------------------------------------------------------------


def list_tiers() -> list[Tier]:
    """Every volume-discount tier, smallest threshold first."""
    return [tier_of(row) for row in PrepaidTier.select().order_by(PrepaidTier.min_hours_hundredths)]


def set_tier(ctx: ServiceContext, min_hours: int, discount: int) -> Tier:
    """Add or change the tier for buying at least ``min_hours`` (supervisors)."""
    ctx.require(Action.MANAGE_RATES)
    if min_hours <= 0:
        raise InvalidInput("must be more than zero", field="--min-hours")
    if not 0 < discount < 100 * HUNDRED:
        raise InvalidInput("expected a discount above 0 and below 100 percent", field="--discount")
    tier = Tier(min_hours, discount)
    with write_transaction():
        row = PrepaidTier.get_or_none(PrepaidTier.min_hours_hundredths == min_hours)
        before = tier_dict(tier_of(row)) if row else None
        if row is None:
            PrepaidTier.create(
                min_hours_hundredths=min_hours,
                discount_bp=discount,
                created_at=ctx.clock.now(),
                created_by=ctx.actor,
            )
        else:
            PrepaidTier.update(discount_bp=discount).where(PrepaidTier.id == row.id).execute()
        ctx.audit(
            "prepaid.tier", "prepaid_tier", format_hundredths(min_hours), before, tier_dict(tier)
        )
    return tier


def remove_tier(ctx: ServiceContext, min_hours: int) -> None:
    """Remove the tier with this threshold (supervisors)."""
    ctx.require(Action.MANAGE_RATES)
    with write_transaction():
        row = PrepaidTier.get_or_none(PrepaidTier.min_hours_hundredths == min_hours)
        if row is None:
            raise NotFound(
                f"no tier from {format_hundredths(min_hours)} hours", field="--min-hours"
            )
        PrepaidTier.delete().where(PrepaidTier.id == row.id).execute()
        before = tier_dict(tier_of(row))
        ctx.audit("prepaid.tier_remove", "prepaid_tier", format_hundredths(min_hours), before, None)


# -- purchases and the balance --------------------------------------------------------------------


def hours_left(client_id: int) -> int:
    """The client's prepaid hours not yet used (hundredths): bought minus drawn."""
    bought = (
        PrepaidPurchase.select(
            peewee.fn.COALESCE(peewee.fn.SUM(PrepaidPurchase.hours_hundredths), 0)
        )
        .where(PrepaidPurchase.client == client_id)
        .scalar()
    )
    drawn = (
        TimeEntry.select(peewee.fn.COALESCE(peewee.fn.SUM(TimeEntry.hours_hundredths), 0))
        .join(Quote)
        .join(Case, on=Quote.case)
        .where((Case.client == client_id) & TimeEntry.prepaid)
        .scalar()
    )
    return int(bought) - int(drawn)


#: The quotes whose prepaid hours are promised and not yet all logged: approved or under way.
OPEN_STATUSES = (QuoteStatus.APPROVED.value, QuoteStatus.IN_PROGRESS.value)


def promises(client_id: int, excluding: int | None = None) -> list[dict[str, Any]]:
    """The client's open prepaid quotes (oldest first) with the hours each still holds
    (:func:`~wzdesk.services.billing.card_fields.promise_of`), but for quote ``excluding``.

    Approving a quote as prepaid promises the client its quoted hours; until they are logged
    they are still in the balance, so a second approval must not count them as free."""
    query = (
        Quote.select(Quote.id, Quote.status, Case.ref)
        .join(Case, on=Quote.case)
        .where((Case.client == client_id) & Quote.prepaid & Quote.status.in_(OPEN_STATUSES))
        .order_by(Quote.id)
    )
    if excluding is not None:
        query = query.where(Quote.id != excluding)
    found = []
    for quote in query:
        lines = QuoteLine.select().where(QuoteLine.quote == quote.id)
        used = cast(
            Iterable[tuple[str, int]],
            TimeEntry.select(TimeEntry.role, peewee.fn.SUM(TimeEntry.hours_hundredths))
            .where(TimeEntry.quote == quote.id)
            .group_by(TimeEntry.role)
            .tuples(),
        )
        found.append(
            promise_of(
                quote.id,
                str(quote.case.ref),
                str(quote.status),
                [priced_line(row) for row in lines.order_by(QuoteLine.position, QuoteLine.id)],
                used_from(used),
            )
        )
    return found


def uncommitted_hours(client_id: int, excluding: int | None = None) -> tuple[int, str]:
    """The client's prepaid hours free to promise or draw (hundredths): bought, less logged,
    less what its other open prepaid quotes still hold; and what holds them (``30.00 h
    promised to Q-31``, or "")."""
    held = promises(client_id, excluding)
    return hours_left(client_id) - sum(p["hours"] for p in held), promised_text(held)


def lock_client(client_id: int) -> None:
    """Hold the client's row until the transaction ends, so two draws on its prepaid hours
    are checked one after the other (PostgreSQL; SQLite's writers are already serialised)."""
    locked(Client.select(Client.id).where(Client.id == client_id)).first()


def purchase_dict(row: PrepaidPurchase, client_code: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "client": client_code,
        "hours": format_hundredths(row.hours_hundredths),
        "role": row.role,
        "hour_rate": format_cents(row.hour_rate_cents),
        "list_price": format_cents(row.list_cents),
        "discount_percent": format_hundredths(row.discount_bp),
        "discount": format_cents(row.list_cents - row.price_cents),
        "price": format_cents(row.price_cents),
        "bought_on": row.bought_on.isoformat(),
        "note": row.note,
        "created_by": row.created_by,
    }


def buy(
    ctx: ServiceContext,
    client_code: str,
    hours: int,
    role: str = DEFAULT_BLOCK_ROLE.value,
    note: str = "",
) -> dict[str, Any]:
    """Record a purchase of ``hours`` at today's hour rate of ``role``, less the tier reached."""
    ctx.require(Action.SELL_PREPAID)
    which = parse_enum(ServiceRole, role, "--role")
    note = clean_text(note, "--note", 2000)
    if hours <= 0:
        raise InvalidInput("must be more than zero", field="--hours")
    today = support_date(ctx.clock.now())
    with write_transaction():
        client = get_client(client_code, "CLIENT")
        if not client.active:
            raise InvalidInput(f"client {client.code} is inactive", field="CLIENT")
        rate = rate_card(today)[which].hour_cents
        price = prepaid_price(hours, rate, list_tiers())
        row = PrepaidPurchase.create(
            client=client,
            hours_hundredths=hours,
            role=which.value,
            hour_rate_cents=rate,
            discount_bp=price.discount,
            list_cents=price.list_cents,
            price_cents=price.price_cents,
            bought_on=today,
            note=note,
            created_at=ctx.clock.now(),
            created_by=ctx.actor,
        )
        result = purchase_dict(row, client.code)
        result["balance_hours"] = format_hundredths(hours_left(client.id))
        ctx.audit("prepaid.buy", "client", client.code, None, result)
    return result


def balance(client_code: str) -> dict[str, Any]:
    """The client's prepaid hours, each purchase and each draw in the order recorded."""
    client = get_client(client_code, "CLIENT")
    draws = (
        TimeEntry.select(TimeEntry, Quote.id, Case.ref)
        .join(Quote)
        .join(Case, on=Quote.case)
        .where((Case.client == client) & TimeEntry.prepaid)
    )
    return balance_of(
        client.code,
        PrepaidPurchase.select().where(PrepaidPurchase.client == client),
        draws,
        promises(client.id),
    )
