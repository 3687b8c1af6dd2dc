"""The JSON shapes of what the desk sent (the alerts ``wzdesk notify`` sent, the outgoing
mail), from any record with their columns: a model row, or a row of the quick read-only path.

Peewee-free, as :mod:`wzdesk.services.desk_fields` is: ``wzdesk alert list`` and ``wzdesk mail
outbox list`` read an up-to-date SQLite file without Peewee
(:mod:`wzdesk.services.quick_reads`, issue 13) and shape their rows here, as the ordinary path
does.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.timefmt import format_instant
from wzdesk.services.delivery_states import delivery_state

#: Notification kinds that are alerts to the support team.
ALERT_KINDS = ("alert_at_risk", "alert_breach", "alert_unassigned")
#: What an outgoing message can be: queued or retrying, handed to a sender, sent, given up.
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
#: ``mail outbox list`` without ``--all``: the messages not yet sent.
UNSENT = ("pending", "sending", "failed")


def newest_first(statuses: tuple[str, ...]) -> bool:
    """Whether ``mail outbox list`` lists these newest first: a list holding sent messages is
    the outbox's history (what went out lately comes first); the messages still to go are
    listed oldest first, the order they go out in."""
    return "sent" in statuses


def alert_dict(row: Any, zone: ZoneInfo) -> dict[str, Any]:
    """An alert as the console and ``wzdesk alert list`` show it."""
    return {
        "id": row.id,
        "kind": row.kind,
        "case": row.case.ref if row.case is not None else None,
        "rule": row.rule_id,
        "rules": [int(part) for part in str(row.rules or "").split(",") if part.isdigit()],
        "to": row.recipients,
        "summary": row.summary,
        "at": format_instant(row.created_at, zone),
        "by": row.created_by,
        "source": "notify",
    }


def outbox_dict(row: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of an outgoing message."""
    return {
        "id": row.id,
        "case": row.case.ref if row.case is not None else None,
        "kind": row.kind,
        "audience": row.audience,
        "to": row.recipients.split(","),
        "subject": row.subject,
        "message_id": row.message_id,
        "status": row.status,
        "delivery": delivery_state(row),
        "attempts": row.attempts,
        "next_attempt_at": format_instant(row.next_attempt_at, zone)
        if row.status == "pending"
        else None,
        "last_error": row.last_error,
        "transport": row.transport,
        "created_at": format_instant(row.created_at, zone),
        "sent_at": format_instant(row.sent_at, zone),
    }
