"""What filing one client email writes: its row in the Message-ID index, its attachments, the
client's message on a case's timeline, or a case opened from it.

Shared by the import (:mod:`wzdesk.services.mail_intake`) and the quarantine's release
(:mod:`wzdesk.services.mail_quarantine`). The statements every message runs are compiled once
(see :mod:`wzdesk.store.prepared`): an import runs them thousands of times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wzdesk.core.rules import Category, Channel
from wzdesk.core.sla import Severity
from wzdesk.mail.blobs import BlobStore
from wzdesk.mail.parse import ParsedAttachment, ParsedMessage
from wzdesk.services.cases import NewCase, client_wrote, open_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import PolicyBook
from wzdesk.store.models import Attachment, Case, CaseEvent, Contact, MailMessage, to_json
from wzdesk.store.prepared import PreparedInsert

MAX_SUMMARY = 300
MAX_DESCRIPTION = 100_000

_insert_message = PreparedInsert(
    MailMessage,
    "message_key", "message_id", "direction", "outcome", "case", "from_address", "from_name",
    "subject", "in_reply_to", "references", "received_at", "imported_at", "size_bytes",
    "content_sha256", "imported_by",
)  # fmt: skip
_insert_event = PreparedInsert(
    CaseEvent, "case", "at", "author", "kind", "public", "body", "duration_seconds", "data_json"
)


def record_message(
    parsed: ParsedMessage,
    arrived: datetime,
    outcome: str,
    case: Case | None,
    now: datetime,
    imported_by: str | None = None,
) -> int:
    """The message's row in the Message-ID index (its id)."""
    return _insert_message(
        message_key=parsed.key,
        message_id=parsed.message_id,
        direction="in",
        outcome=outcome,
        case=case,
        from_address=(parsed.from_address or None) and parsed.from_address[:254],
        from_name=parsed.from_name[:200],
        subject=parsed.subject,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        received_at=arrived,
        imported_at=now,
        size_bytes=parsed.raw_size,
        content_sha256=parsed.content_sha256 or None,
        imported_by=imported_by,
    )


def store_attachments(
    parsed: ParsedMessage,
    case: Case,
    message: MailMessage | int,
    store: BlobStore,
    now: datetime,
) -> list[Attachment]:
    """Put the message's files in the store and list them on the case."""
    rows = []
    for attachment in parsed.attachments:
        digest = store.put(attachment.data)
        rows.append(
            Attachment.create(
                case=case,
                message=message,
                filename=attachment.filename[:255],
                content_type=attachment.content_type[:127],
                size_bytes=attachment.size,
                sha256=digest,
                created_at=now,
            )
        )
    return rows


def _client_context(ctx: ServiceContext, address: str | None) -> ServiceContext:
    """The client as the author of what their message does; every audit record it writes also
    names who was signed in (the importer, or the agent releasing it from the quarantine): a
    hand-made message "from" a client is traced to whoever filed it."""
    return ctx.on_behalf_of((address or "unknown sender")[:100])


def add_client_message(
    ctx: ServiceContext,
    case: Case,
    parsed: ParsedMessage,
    arrived: datetime,
    message: MailMessage | int,
    store: BlobStore,
    book: PolicyBook,
) -> int:
    """The client's message on the case's timeline (public), with its attachments; a case
    waiting on the client goes back to open, a resolved one reopens."""
    attachments = store_attachments(parsed, case, message, store, ctx.clock.now())
    data: dict[str, Any] = {
        "from": parsed.from_address,
        "subject": parsed.subject,
        "message_id": parsed.message_id,
        "attachments": [a.filename for a in attachments],
        "filed_by": ctx.actor,
    }
    if parsed.defects:
        data["defects"] = parsed.defects[:5]
    event = _insert_event(
        case=case,
        at=arrived,
        author=(parsed.from_address or "unknown sender")[:100],
        kind="client_message",
        public=True,
        body=parsed.body or "(no text)",
        duration_seconds=None,
        data_json=to_json(data),
    )
    client_wrote(_client_context(ctx, parsed.from_address), case, arrived, book)
    return event


def open_case_from_message(
    ctx: ServiceContext,
    parsed: ParsedMessage,
    admin: Contact,
    arrived: datetime,
    severity: Severity,
    category: Category,
    book: PolicyBook,
    *,
    on_behalf_of_sender: bool = True,
) -> Case:
    """``open_case`` for an email: summary from the subject, description from the body (the
    full text is kept as an attachment when it is longer than a description may be).

    The sender is the case's opener, unless an agent releases the message from the quarantine
    (``on_behalf_of_sender=False``): then the agent is.
    """
    summary = parsed.subject.strip() or "(no subject)"
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    description = parsed.body
    if len(description) > MAX_DESCRIPTION:
        parsed.attachments.append(
            ParsedAttachment("message.txt", "text/plain", description.encode("utf-8"))
        )
        description = description[: MAX_DESCRIPTION - 80] + "\n\n[…the full text is attached]"
    new = NewCase(
        client=admin.client.code,
        contact=admin.email or "",  # the admin was found by this address
        severity=severity.value,
        channel=Channel.EMAIL.value,
        category=category.value,
        summary=summary,
        description=description,
        received_at=arrived,
    )
    opener = _client_context(ctx, parsed.from_address) if on_behalf_of_sender else ctx
    # Acknowledged by the caller once the message is on record, so the acknowledgment answers it.
    return open_case(opener, new, book=book, contact=admin, acknowledge=False)
