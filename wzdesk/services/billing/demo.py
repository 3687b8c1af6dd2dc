"""Professional services in the demo data: example volume-discount tiers (the shipped
configuration has none), prepaid hours for a few clients, and quotes in every state on the open
``services`` cases, with time logged on the approved ones.

Rows go in directly (inside the demo's transaction), priced and checked with the same arithmetic
as the use cases, and consistent with the cases: a sent quote sits on a case waiting on the
client, drafts on new or open ones; prepaid work never overdraws a client's hours.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from wzdesk.core.billing import (
    LineSpec,
    QuoteStatus,
    Rate,
    ServiceRole,
    ServiceType,
    Tier,
    Unit,
    hours_by_role,
    prepaid_price,
    price_line,
    time_amount,
)
from wzdesk.core.money import format_hundredths
from wzdesk.core.rules import Category, Status
from wzdesk.services.billing.common import support_date
from wzdesk.services.billing.quotes import insert_line
from wzdesk.services.billing.rates import rate_card
from wzdesk.store.models import (
    Case,
    CaseEvent,
    PrepaidPurchase,
    PrepaidTier,
    Quote,
    TimeEntry,
    to_json,
)

#: Example tiers only: the policy promises volume discounts without naming any.
EXAMPLE_TIERS = (Tier(40_00, 5_00), Tier(80_00, 10_00), Tier(160_00, 15_00))
MAX_DEMO_QUOTES = 40
SCOPES = {
    ServiceType.A: "Add a second approval step for expenses over $5,000.",
    ServiceType.C: "Two half-day sessions for five new client administrators.",
    ServiceType.F: "Load 3,000 historical records from the old system, with one trial run.",
    ServiceType.H: "A monthly benefits extract in the carrier's file layout.",
    ServiceType.J: "Nightly export of approved expenses to the new accounting system.",
}
AUTHORS = ("kim", "alex", "noor", "tomas")


def add_demo_services(rng: random.Random, now: datetime) -> int:
    """Write the demo's services rows; return the number of timeline events written."""
    for tier in EXAMPLE_TIERS:
        PrepaidTier.create(
            min_hours_hundredths=tier.min_hours,
            discount_bp=tier.discount,
            created_at=now,
            created_by="sam",
        )
    today = support_date(now)
    card = rate_card(today)
    services_cases = list(
        Case.select()
        .where(Case.is_open & (Case.category == Category.SERVICES.value))
        .order_by(Case.id)
        .limit(MAX_DEMO_QUOTES)
    )
    balances: dict[int, int] = {}
    for client_id in sorted({case.client_id for case in services_cases})[:4]:
        hours = rng.choice(EXAMPLE_TIERS).min_hours
        price = prepaid_price(hours, card[ServiceRole.SPECIALIST].hour_cents, EXAMPLE_TIERS)
        PrepaidPurchase.create(
            client=client_id,
            hours_hundredths=hours,
            role=ServiceRole.SPECIALIST.value,
            hour_rate_cents=card[ServiceRole.SPECIALIST].hour_cents,
            discount_bp=price.discount,
            list_cents=price.list_cents,
            price_cents=price.price_cents,
            bought_on=today - timedelta(days=rng.randint(20, 90)),
            note="Demo: prepaid block",
            created_at=now - timedelta(days=90),
            created_by="sam",
        )
        balances[client_id] = hours
    events = 0
    for case in services_cases:
        events += _quote(rng, now, card, case, balances)
    return events


def _status_for(rng: random.Random, case: Case) -> QuoteStatus:
    if case.status == Status.WAITING_CLIENT:
        return QuoteStatus.SENT
    if case.status == Status.NEW:
        return QuoteStatus.DRAFT
    return rng.choice([QuoteStatus.DRAFT, QuoteStatus.APPROVED, QuoteStatus.IN_PROGRESS])


def _quote(
    rng: random.Random,
    now: datetime,
    card: dict[ServiceRole, Rate],
    case: Case,
    balances: dict[int, int],
) -> int:
    status = _status_for(rng, case)
    kind = rng.choice(list(SCOPES))
    specs = [
        LineSpec(role, rng.choice([4_00, 8_00, 12_50, 20_00]), Unit.HOURS)
        for role in rng.sample(list(ServiceRole), rng.randint(1, 3))
    ]
    if rng.random() < 0.3:
        specs[0] = LineSpec(specs[0].role, rng.choice([1_00, 2_00]), Unit.DAYS)
    lines = [price_line(spec, card[spec.role]) for spec in specs]
    quoted = hours_by_role(lines)
    made = max(case.received_at + timedelta(hours=1), now - timedelta(days=5))
    made = min(made, now)
    prepaid = status.takes_time and balances.get(case.client_id, 0) >= sum(quoted.values())
    if prepaid:  # its quoted hours are promised to it, as an approval with --prepaid does
        balances[case.client_id] -= sum(quoted.values())
    quote = Quote.create(
        case=case,
        service_type=kind.value,
        scope=SCOPES[kind],
        status=status.value,
        discount_bp=rng.choice([0, 0, 5_00, 10_00]),
        rates_on=support_date(made),
        prepaid=prepaid,
        created_at=made,
        created_by=rng.choice(AUTHORS),
        sent_at=made if status is not QuoteStatus.DRAFT else None,
        approved_at=made if status.takes_time else None,
        started_at=made if status is QuoteStatus.IN_PROGRESS else None,
        updated_at=made,
    )
    for position, spec in enumerate(specs, start=1):
        insert_line(quote, position, spec, card[spec.role])
    _event(case, made, quote, f"Quote Q-{quote.id} {status.value}: {kind.value}) demo quote.")
    events = 1
    if not status.takes_time:
        return events
    for role, hours in quoted.items():
        share = rng.choice([0, 25, 50, 85])  # percent of the quoted hours, at most 85
        used = hours * share // 100 // 25 * 25  # whole quarter hours
        if not used:
            continue
        worked = min(now, made + timedelta(days=1))
        TimeEntry.create(
            quote=quote,
            author=rng.choice(AUTHORS),
            role=role.value,
            work_date=support_date(worked),
            hours_hundredths=used,
            hour_rate_cents=card[role].hour_cents,
            amount_cents=time_amount(used, card[role].hour_cents),
            note="Demo: work session",
            prepaid=prepaid,
            created_at=worked,
        )
        body = f"{format_hundredths(used)} h {role.value} on Q-{quote.id}"
        _event(case, worked, quote, body, "time")
        events += 1
    return events


def _event(case: Case, at: datetime, quote: Quote, body: str, kind: str = "quote") -> None:
    CaseEvent.create(
        case=case,
        at=at,
        author="wzdesk",
        kind=kind,
        body=body,
        data_json=to_json({"quote": quote.id}),
    )
