"""The rules every contact write follows: normalised email and phone (E.164, unique per
client), and the two-admin rule (one primary, at most one backup per client)."""

from __future__ import annotations

import os
import re

from wzdesk.core.errors import InvalidInput
from wzdesk.core.phones import DEFAULT_REGION, known_region, to_e164
from wzdesk.core.rules import phone_digits
from wzdesk.core.text import check_text
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import Client, Contact

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RANKS = ("primary", "backup")


def phone_region() -> str:
    """Where numbers without a country code are (``WZDESK_PHONE_REGION``, default CA). A
    region the phone rules do not know is refused naming the setting: it made every local
    number "not a phone number", which sent the user looking at the number."""
    region = (os.environ.get("WZDESK_PHONE_REGION") or DEFAULT_REGION).strip().upper()
    if not known_region(region):
        raise InvalidInput(
            f"expected a two-letter country code such as CA, US or GB, got {region!r}",
            field="WZDESK_PHONE_REGION",
        )
    return region


def normal_email(email: str | None, field: str = "--email") -> str | None:
    """Lower-case, trimmed, checked; None for empty."""
    address = check_text(email, field, 254).strip().lower() or None
    if address is not None and not _EMAIL.match(address):
        raise InvalidInput(
            f"expected an email address like ana@example.com, got {email!r}", field=field
        )
    return address


def normal_phone(phone: str | None, field: str = "--phone") -> tuple[str | None, str | None]:
    """(E.164 number, its lookup digits), or (None, None) for empty."""
    text = check_text(phone, field, 40).strip()
    if not text:
        return None, None
    e164 = to_e164(text, phone_region(), field)
    return e164, phone_digits(e164.split(";")[0]) or None


def check_unique(
    client: Client, contact_id: int | None, email: str | None, phone: str | None
) -> None:
    """Refuse a second contact of ``client`` with the same email or phone number."""
    others = Contact.select().where(Contact.client == client)
    if contact_id is not None:
        others = others.where(Contact.id != contact_id)
    if email and others.where(Contact.email == email).exists():
        raise InvalidInput(
            f"{client.code} already has a contact with email {email}", field="--email"
        )
    if phone and others.where(Contact.phone == phone).exists():
        raise InvalidInput(
            f"{client.code} already has a contact with phone {phone}", field="--phone"
        )


def make_room_for_rank(
    ctx: ServiceContext, client: Client, contact_id: int | None, rank: str
) -> None:
    """Before ``contact_id`` takes ``rank``: the client's present holder of that rank steps
    down (a primary becomes the backup if there is none, else a plain admin; a backup becomes a
    plain admin), audited."""
    holders = Contact.select().where(
        (Contact.client == client) & (Contact.admin_rank == rank) & Contact.active
    )
    if contact_id is not None:
        holders = holders.where(Contact.id != contact_id)
    for holder in holders:
        new_rank: str | None = None
        if rank == "primary":
            backup = Contact.select().where(
                (Contact.client == client)
                & (Contact.admin_rank == "backup")
                & Contact.active
                & (Contact.id != (contact_id or 0))
            )
            if not backup.exists():
                new_rank = "backup"
        Contact.update(admin_rank=new_rank).where(Contact.id == holder.id).execute()
        ctx.audit(
            "contact.demote",
            "contact",
            holder.id,
            {"admin_rank": rank},
            {"admin_rank": new_rank, "reason": f"a new {rank} admin of {client.code}"},
        )
