"""The files that came with clients' email, as listed on their case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import peewee

from wzdesk.core.timefmt import format_instant
from wzdesk.store.models import Attachment, Case, MailMessage

if TYPE_CHECKING:
    from wzdesk.mail.blobs import BlobStore


def attachment_dict(
    attachment: Attachment, store: BlobStore, zone: ZoneInfo | None = None
) -> dict[str, Any]:
    """The JSON shape of an attachment (``path``: where its content is on disk)."""
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
        "sha256": attachment.sha256,
        "path": str(store.path_of(attachment.sha256)),
        "stored": store.has(attachment.sha256),
        "message_id": message.message_id if (message := attachment.message) else None,
        "created_at": format_instant(attachment.created_at, zone or ZoneInfo("UTC")),
    }


def attachments_of(
    case: Case | int, zone: ZoneInfo | None = None, store: BlobStore | None = None
) -> list[dict[str, Any]]:
    """A case's attachments, oldest first (one query)."""
    rows = list(
        Attachment.select(Attachment, MailMessage)
        .join(MailMessage, peewee.JOIN.LEFT_OUTER, on=(Attachment.message == MailMessage.id))
        .where(Attachment.case == case)
        .order_by(Attachment.id)
    )
    if not rows:
        return []
    if store is None:
        # Here, not at the top: `case show` of a case with no files (most) skips the mail
        # settings and blob store (issue 13: script start-up).
        from wzdesk.services.mail_settings import blob_store

        store = blob_store()
    return [attachment_dict(row, store, zone) for row in rows]
