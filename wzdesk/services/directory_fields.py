"""The JSON shapes of the directory (console users, client contacts, clients, the clients' API
tokens, the policy notices' subscribers), from any record with their columns: a model row, or a
row of the quick read-only path.

Peewee-free on purpose, as :mod:`wzdesk.services.case_fields` is: ``wzdesk user list``,
``contact list``, ``client list``, ``client token list`` and ``policy subscribers`` read an
up-to-date SQLite file without Peewee (:mod:`wzdesk.services.quick_reads`, issue 13) and shape
their rows here, as the ordinary path does.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.text import clean
from wzdesk.core.timefmt import format_instant
from wzdesk.services.admin_rule import AdminFlags

#: Longest lookup text (caller search, client search): LIKE patterns past ~50,000 bytes fail on
#: SQLite only; nobody types more than this into a search box.
MAX_LOOKUP = 200


def client_code_text(typed: str) -> str:
    """A client code as stored, however typed (``" acme "`` is ``ACME``)."""
    return clean(typed).strip().upper()[:MAX_LOOKUP]


def identity_text(typed: str) -> str:
    """An identity (OS login, database role) as looked up: cleaned, at most MAX_LOOKUP."""
    return clean(typed)[:MAX_LOOKUP]


def user_dict(user: Any) -> dict[str, object]:
    """The JSON shape of a console user."""
    return {
        "login": user.login,
        "name": user.name,
        "role": user.role,
        "active": bool(user.active),
        "identity": user.identity or user.login,
        "email": user.email,
        "signature": user.signature,
    }


def contact_dict(contact: Any) -> dict[str, object]:
    """The JSON shape of a contact (``contact.client``: its client, with ``code``)."""
    return {
        "id": contact.id,
        "client": contact.client.code,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "is_admin": bool(contact.is_admin),
        "admin_rank": contact.admin_rank,
        "active": bool(contact.active),
    }


def client_row(client: Any) -> dict[str, object]:
    """A client's own columns, as ``client list`` tabulates them and ``client add`` prints."""
    return {"code": client.code, "name": client.name, "active": bool(client.active)}


def client_flags_dict(client: Any, flags: AdminFlags) -> dict[str, object]:
    """The JSON shape of a client, with its two-admin flags."""
    return {**client_row(client), "flags": list(flags.flags), "ask": flags.ask or None}


def token_dict(row: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of a client's API token (never its secret); ``row.client``: its client."""
    return {
        "id": row.id,
        "client": row.client.code,
        "label": row.label,
        "prefix": row.prefix,
        "created_at": format_instant(row.created_at, zone),
        "created_by": row.created_by,
        "last_used_at": format_instant(row.last_used_at, zone),
        "revoked_at": format_instant(row.revoked_at, zone),
        "revoked_by": row.revoked_by,
        "active": row.revoked_at is None,
    }


def subscriber_dict(row: Any, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of a subscriber to the policy notices."""
    return {
        "email": row.email,
        "subscribed": row.unsubscribed_at is None,
        "subscribed_at": format_instant(row.subscribed_at, zone),
        "unsubscribed_at": format_instant(row.unsubscribed_at, zone),
    }
