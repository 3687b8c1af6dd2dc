"""The email that carries a sent quote to the client admin: the ``quote_sent`` template
(:mod:`wzdesk.mail.templates`), filled from the quote's view, queued in the sending use case's
transaction."""

from __future__ import annotations

from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import display_amount
from wzdesk.services.client_mail import Delivery, queue_case_mail
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import client_admins
from wzdesk.store.models import Case, CaseEvent, Contact


def quote_recipient(case: Case) -> Contact:
    """The client admin the quote goes to: the case's contact if an admin with an email
    address, else the client's first admin who has one (primary first)."""
    contact: Contact = case.contact
    if contact.is_admin and contact.active and contact.email:
        return contact
    for admin in client_admins(case.client):
        if admin.email:
            return admin
    raise InvalidInput(
        f"no client admin of {case.client.code} has an email address, so the quote cannot be "
        "sent; add one to an admin (wzdesk contact add … --admin) first",
        field="contact",
    )


def quote_values(quote: dict[str, Any], addressee: str) -> dict[str, str]:
    """The ``quote_sent`` template's own placeholders, from the quote's view
    (:func:`~.quotes.quote_view`)."""
    lines = []
    for line in quote["lines"]:
        unit = "days" if line["unit"] == "d" else "hours"
        lines.append(
            f"  {line['role_name']}: {line['quantity']} {unit} at {display_amount(line['rate'])}"
            f" = {display_amount(line['amount'])}"
        )
    lines += ["", f"  Subtotal: {display_amount(quote['subtotal'])}"]
    if quote["discount"] != "0.00":
        lines.append(
            f"  Discount ({quote['discount_percent']} %): {display_amount(quote['discount'])}"
        )
    lines.append(f"  Total: {display_amount(quote['total'])}")
    return {
        "addressee": addressee.split()[0] if addressee.strip() else "there",
        "quote_label": quote["label"],
        "service": f"{quote['service_type']}) {quote['service_type_name']}",
        "service_name": str(quote["service_type_name"]),
        "scope": "\n".join(f"  {line}" for line in quote["scope"].splitlines()),
        "quote_lines": "\n".join(lines),
        "rates_on": str(quote["rates_on"]),
    }


def queue_quote_mail(
    ctx: ServiceContext, case: Case, quote: dict[str, Any], event: CaseEvent
) -> Delivery:
    """Queue the quote email (the ``quote_sent`` template, which a supervisor may edit) to the
    client admin, inside the caller's transaction."""
    recipient = quote_recipient(case)
    values = quote_values(quote, recipient.name)
    return queue_case_mail(ctx, case, "quote_sent", values, event=event, to=[str(recipient.email)])
