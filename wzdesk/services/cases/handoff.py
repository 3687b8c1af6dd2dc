"""Handing a case to professional services, so that no request falls between the two.

* Escalating a case to professional services opens a **draft quote** on the case (the case
  stays in the queue, escalated, until the quote is sent).
* Resolving a case as "needs professional services" resolves the support question and opens a
  **linked services case** for the same client admin, with a draft quote on it: a new case in
  the queue, whose timeline and the original's point at each other.

Both run inside the calling use case's transaction. The quote's lines, type and price are
filled in later (``wzdesk services quote edit`` or the console's quote editor).
"""

from __future__ import annotations

from typing import cast

import peewee

from wzdesk.core.billing import QuoteStatus
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action, Category
from wzdesk.services.calendar import PolicyBook, support_zone_at
from wzdesk.services.cases.intake import NewCase, open_case
from wzdesk.services.cases.records import add_event
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import client_admins
from wzdesk.store.models import Case, Contact, Quote

#: The escalation target the console offers; any spelling of it hands the case off.
PROFESSIONAL_SERVICES = "Professional services"
#: A services case opened on resolution waits in the queue at this severity: the support
#: question is answered, and the request is for work, not an outage (agents may change it).
HANDOFF_SEVERITY = "minor"


def is_professional_services(target: str) -> bool:
    """Whether an escalation target names professional services (any case, - or _)."""
    words = target.replace("-", " ").replace("_", " ").lower().split()
    return words == ["professional", "services"]


def live_quote(case: Case) -> Quote | None:
    """The newest quote on the case that is neither declined nor done."""
    finished = [QuoteStatus.DECLINED.value, QuoteStatus.DONE.value]
    quote: Quote | None = (
        Quote.select()
        .where((Quote.case == case) & Quote.status.not_in(finished))
        .order_by(cast(peewee.Field, Quote.id).desc())
        .first()
    )
    return quote


def open_draft_quote(
    ctx: ServiceContext,
    case: Case,
    scope: str,
    origin: str,
    origin_case: Case | None = None,
) -> Quote | None:
    """A draft quote on ``case`` (no lines yet), unless a live quote is already there."""
    ctx.require(Action.QUOTE)
    if live_quote(case) is not None:
        return None
    now = ctx.clock.now()
    quote = Quote.create(
        case=case,
        service_type=None,
        scope=scope,
        status=QuoteStatus.DRAFT.value,
        rates_on=now.astimezone(support_zone_at(now)).date(),
        origin=origin,
        origin_case=origin_case,
        created_at=now,
        created_by=ctx.actor,
        updated_at=now,
    )
    add_event(
        ctx,
        case,
        "quote",
        f"Draft quote Q-{quote.id} opened for professional services.",
        data={"quote": quote.id, "status": QuoteStatus.DRAFT.value, "origin": origin},
    )
    ctx.audit(
        "quote.draft",
        "quote",
        quote.id,
        None,
        {
            "case": case.ref,
            "origin": origin,
            "origin_case": origin_case.ref if origin_case else None,
        },
    )
    return quote


def _admin_for(case: Case) -> Contact:
    """Who the services case is for: the case's contact, else the client's first admin."""
    contact: Contact = case.contact
    if contact.is_admin and contact.active:
        return contact
    admins = client_admins(case.client)
    if not admins:
        raise InvalidInput(
            f"{case.client.code} has no active client admin to open a services case for",
            field="--needs-services",
        )
    return admins[0]


def open_services_case(ctx: ServiceContext, case: Case, note: str, book: PolicyBook) -> Case:
    """A linked ``services`` case with a draft quote, for a case resolved as needing services."""
    contact = _admin_for(case)
    summary = f"Professional services: {case.summary}"
    linked = open_case(
        ctx,
        NewCase(
            client=case.client.code,
            contact=contact.email or contact.phone or "",
            severity=HANDOFF_SEVERITY,
            channel=case.channel,
            category=Category.SERVICES.value,
            summary=summary if len(summary) <= 300 else summary[:299] + "…",
            description=f"Handed off from {case.ref} when it was resolved:\n\n{note}",
        ),
        book=book,
        contact=contact,
    )
    quote = open_draft_quote(ctx, linked, note, "resolution", origin_case=case)
    assert quote is not None  # a new case has no quote yet
    add_event(
        ctx,
        case,
        "handoff",
        f"Needs professional services: {linked.ref} opened with draft quote Q-{quote.id}.",
        data={"case": linked.ref, "quote": quote.id},
    )
    add_event(
        ctx,
        linked,
        "handoff",
        f"Handed off from {case.ref} when it was resolved.",
        data={"case": case.ref, "quote": quote.id},
    )
    ctx.audit("case.handoff", "case", case.ref, None, {"case": linked.ref, "quote": quote.id})
    return linked
