"""The email that carries a sent quote to the client admin.

:func:`compose_quote_mail` is the one place the message's words are made: when outgoing-mail
templates exist it becomes a call to the "quote sent" template with the same ``quote`` view.
:func:`queue_quote_mail` puts it in the outbox, in the sending use case's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import display_amount
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import client_admins
from wzdesk.services.mail_outbox import last_client_message, queue_mail
from wzdesk.store.models import Case, CaseEvent, Contact, OutboundMail


@dataclass(frozen=True)
class QuoteMail:
    """Subject and plain-text body of a quote email."""

    subject: str
    body: str


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


def compose_quote_mail(case: Case, quote: dict[str, Any], recipient_name: str) -> QuoteMail:
    """The quote email, from the quote's view (:func:`~.quotes.quote_view`)."""
    first_name = recipient_name.split()[0] if recipient_name.strip() else "there"
    lines = [
        f"Hello {first_name},",
        "",
        f"Here is our quote {quote['label']} for your request {case.ref} ({case.summary}).",
        "",
        f"Service: {quote['service_type']}) {quote['service_type_name']}",
        "Scope:",
        *[f"  {line}" for line in quote["scope"].splitlines()],
        "",
    ]
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
    lines += [
        f"  Total: {display_amount(quote['total'])}",
        "",
        f"Rates are those in force on {quote['rates_on']}.",
        "Please reply to approve or decline this quote; work starts once it is approved.",
        "",
        "-- ",
        f"Support case {case.ref}: {case.summary}",
        f"To answer, reply to this message and keep [{case.ref}] in the subject.",
    ]
    subject = f"[{case.ref}] Quote {quote['label']}: {quote['service_type_name']}"
    return QuoteMail(subject, "\n".join(lines) + "\n")


def queue_quote_mail(
    ctx: ServiceContext, case: Case, quote: dict[str, Any], event: CaseEvent
) -> OutboundMail:
    """Queue the quote email to the client admin (inside the caller's transaction)."""
    recipient = quote_recipient(case)
    mail = compose_quote_mail(case, quote, recipient.name)
    return queue_mail(
        ctx,
        case,
        event,
        [str(recipient.email)],
        mail.body,
        last=last_client_message(case),
        subject=mail.subject,
    )
