"""What became of an outgoing message, in the words a person wants (queued, delivered...).

Its own module so that ``case show`` can say it without loading the mail composer and SMTP
transport that :mod:`wzdesk.services.mail_outbox` needs to send (issue 13: script start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wzdesk.store.models import OutboundMail


def delivery_state(row: OutboundMail) -> str:
    """queued, retrying, sending, delivered, partly_delivered or failed: what a person wants
    to know. A sent message keeps a ``last_error`` only when the server refused some of its
    recipients (see ``mail_outbox.partial_delivery``): that is not "delivered"."""
    if row.status == "pending":
        return "retrying" if row.attempts else "queued"
    if row.status == "sent":
        return "partly_delivered" if row.last_error else "delivered"
    return row.status
