"""The JSON shape of a quarantined message, from any record with its columns (``message``: its
mail row; ``client``, ``case``: the sender's client and the case it was released into, or
None): a model row, or a row of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.sent_fields` is: ``wzdesk mail quarantine list`` reads an
up-to-date SQLite file without Peewee (:mod:`wzdesk.services.quick_reads`, issue 13) and shapes
its rows here, as the ordinary path (:mod:`wzdesk.services.mail_quarantine`) does.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.timefmt import format_instant

HELD = "held"
#: What a quarantined message can be: waiting for a decision, released into a case, discarded.
QUARANTINE_STATUSES = (HELD, "released", "discarded")


def quarantine_dict(held: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of a quarantined message."""
    message = held.message
    return {
        "id": held.id,
        "status": held.status,
        "reason_code": held.reason_code,
        "reason": held.reason,
        "from": message.from_address,
        "from_name": message.from_name,
        "subject": message.subject,
        "message_id": message.message_id,
        "received_at": format_instant(message.received_at, zone),
        "held_at": format_instant(held.held_at, zone),
        "size_bytes": held.raw_size,
        "client": client.code if (client := held.client) is not None else None,
        "case": case.ref if (case := held.case) is not None else None,
        "handled_by": held.handled_by,
        "handled_at": format_instant(held.handled_at, zone),
        "note": held.note,
    }
