"""Upkeep of clients and contacts: edit, deactivate, training, and the two-admin rule's flags.

The policy asks each client for "a minimum of two client administrators (primary and back-up)
[...] properly trained"; a client short of that is flagged, naming who to ask.
"""

from __future__ import annotations

from datetime import date

import peewee

from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.text import check_text, clean, is_number
from wzdesk.services import contact_rules
from wzdesk.services.admin_rule import AdminFlags, admin_flags_from
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import MAX_LOOKUP, client_admins, contact_dict, get_client
from wzdesk.services.directory_fields import client_flags_dict
from wzdesk.store.models import Case, Client, Contact, ContactTraining

#: Leave a field as it is (``None`` would mean "remove").
KEEP = object()

_CONTACT_FIELDS = ("name", "email", "phone", "is_admin", "admin_rank", "active")


def get_contact(key: str, client_code: str | None = None) -> Contact:
    """A contact by email (or phone number, or ``#id``), within one client if given; a key
    that names contacts at several clients asks for ``--client``."""
    text = clean(key).strip()[:MAX_LOOKUP]
    query = Contact.select(Contact, Client).join(Client)
    if client_code:
        query = query.where(Contact.client == get_client(client_code))
    if text.startswith("#") and is_number(text[1:]):
        query = query.where(Contact.id == int(text[1:]))
    elif "@" in text:
        query = query.where(Contact.email == text.lower())
    else:
        try:
            phone, _ = contact_rules.normal_phone(text, field="CONTACT")
        except InvalidInput:
            raise InvalidInput(
                f"expected the contact's email, phone number or #id, got {key!r}", field="CONTACT"
            ) from None
        query = query.where(Contact.phone == phone)
    found = list(query.limit(2))
    if not found:
        raise NotFound(f"no contact {key!r}", field="CONTACT")
    if len(found) > 1:
        codes = ", ".join(sorted(c.client.code for c in query))
        raise InvalidInput(f"{key!r} is a contact at {codes}; give --client", field="--client")
    return found[0]


def edit_contact(
    ctx: ServiceContext,
    key: str,
    client_code: str | None = None,
    *,
    name: object = KEEP,
    email: object = KEEP,
    phone: object = KEEP,
    is_admin: object = KEEP,
    admin_rank: object = KEEP,
) -> Contact:
    """Change a contact's name, email, phone, admin flag or rank (primary/backup/None).

    A new primary (or backup) demotes the client's present one (audited); dropping the admin
    flag drops the rank. Audited with before and after.
    """
    ctx.require(Action.MANAGE_CLIENTS)
    changes: dict[str, object] = {}
    if name is not KEEP:
        changes["name"] = check_text(name, "--name", 200, required=True)  # type: ignore[arg-type]
    if email is not KEEP:
        changes["email"] = contact_rules.normal_email(email)  # type: ignore[arg-type]
    if phone is not KEEP:
        changes["phone"], changes["phone_digits"] = contact_rules.normal_phone(phone)  # type: ignore[arg-type]
    if admin_rank is not KEEP:
        if admin_rank not in (None, *contact_rules.RANKS):
            raise InvalidInput("expected primary, backup or none", field="--rank")
        changes["admin_rank"] = admin_rank
        if admin_rank is not None:
            changes["is_admin"] = True
    if is_admin is not KEEP:
        changes["is_admin"] = bool(is_admin)
        if not is_admin:
            if admin_rank not in (KEEP, None):
                raise InvalidInput("a primary or backup is a client admin", field="--no-admin")
            changes["admin_rank"] = None
    if not changes:
        raise InvalidInput(
            "give what to change: --name, --email, --phone, --admin/--no-admin, --rank",
            field="contact edit",
        )
    with write_transaction():
        contact = get_contact(key, client_code)
        client = contact.client
        contact_rules.check_unique(
            client,
            contact.id,
            changes.get("email") if "email" in changes else None,  # type: ignore[arg-type]
            changes.get("phone") if "phone" in changes else None,  # type: ignore[arg-type]
        )
        rank = changes.get("admin_rank")
        if isinstance(rank, str):
            if not contact.active:
                raise InvalidInput("a deactivated contact cannot be an admin", field="--rank")
            contact_rules.make_room_for_rank(ctx, client, contact.id, rank)
        before = contact_dict(contact)
        Contact.update(**changes).where(Contact.id == contact.id).execute()
        contact = Contact.get_by_id(contact.id)
        ctx.audit("contact.change", "contact", contact.id, before, contact_dict(contact))
    return contact


def deactivate_contact(ctx: ServiceContext, key: str, client_code: str | None = None) -> list[str]:
    """Keep the contact for history but no longer find it at intake or in mail import; drop
    any admin rank; flag their open cases for a new contact. Returns those cases' references."""
    ctx.require(Action.MANAGE_CLIENTS)
    with write_transaction():
        contact = get_contact(key, client_code)
        if not contact.active:
            raise InvalidInput(f"{contact.name} is already deactivated", field="CONTACT")
        before = contact_dict(contact)
        Contact.update(active=False, admin_rank=None).where(Contact.id == contact.id).execute()
        open_cases = Case.select(Case.id, Case.ref).where(
            (Case.contact == contact.id) & Case.is_open
        )
        refs = [str(c.ref) for c in open_cases]
        if refs:
            Case.update(needs_contact=True).where(Case.ref.in_(refs)).execute()
        contact = Contact.get_by_id(contact.id)
        after = {**contact_dict(contact), "flagged_cases": refs}
        ctx.audit("contact.deactivate", "contact", contact.id, before, after)
    return refs


def train_contact(
    ctx: ServiceContext,
    key: str,
    on: date,
    by: str,
    topic: str = "",
    client_code: str | None = None,
) -> ContactTraining:
    """Record that a contact was trained (when, by whom, on what)."""
    ctx.require(Action.MANAGE_CLIENTS)
    by = check_text(by, "--by", 200, required=True)
    topic = check_text(topic, "--topic", 2000)
    if on > ctx.clock.now().date():
        raise InvalidInput(f"{on.isoformat()} is in the future", field="--date")
    with write_transaction():
        contact = get_contact(key, client_code)
        row = ContactTraining.create(
            contact=contact,
            trained_on=on,
            trained_by=by,
            topic=topic,
            recorded_at=ctx.clock.now(),
            recorded_by=ctx.actor,
        )
        ctx.audit(
            "contact.train",
            "contact",
            contact.id,
            None,
            {"trained_on": on, "trained_by": by, "topic": topic},
        )
    return row


def trainings(contact: Contact) -> list[ContactTraining]:
    """A contact's training records, latest first."""
    return list(
        ContactTraining.select()
        .where(ContactTraining.contact == contact)
        .order_by(ContactTraining.trained_on.desc(), ContactTraining.id.desc())
    )


def edit_client(ctx: ServiceContext, code: str, *, name: str) -> Client:
    """Rename a client (audited)."""
    ctx.require(Action.MANAGE_CLIENTS)
    name = check_text(name, "--name", 200, required=True)
    with write_transaction():
        client = get_client(code)
        before = {"code": client.code, "name": client.name}
        Client.update(name=name).where(Client.id == client.id).execute()
        ctx.audit(
            "client.change", "client", client.code, before, {"code": client.code, "name": name}
        )
    return get_client(code)


def deactivate_client(ctx: ServiceContext, code: str) -> Client:
    """Keep the client for history; it opens no more cases (intake and mail refuse it)."""
    ctx.require(Action.MANAGE_CLIENTS)
    with write_transaction():
        client = get_client(code)
        if not client.active:
            raise InvalidInput(f"client {client.code} is already deactivated", field="CODE")
        Client.update(active=False).where(Client.id == client.id).execute()
        ctx.audit("client.deactivate", "client", client.code, {"active": True}, {"active": False})
    return get_client(code)


def admin_flags(client: Client) -> AdminFlags:
    """The two-admin rule for one client (:func:`admin_rule.admin_flags_from`)."""
    admins = client_admins(client)
    trained = (
        ContactTraining.select().where(ContactTraining.contact.in_([a.id for a in admins])).exists()
        if admins
        else False
    )
    first_active = None
    if not admins:
        first_active = (
            Contact.select()
            .where((Contact.client == client) & Contact.active)
            .order_by(Contact.name)
            .first()
        )
    return admin_flags_from(admins, trained, first_active)


def client_dict(client: Client, flags: AdminFlags | None = None) -> dict[str, object]:
    """The JSON shape of a client, with its two-admin flags (read if not given)."""
    return client_flags_dict(client, flags or admin_flags(client))


def flagged_clients() -> list[tuple[Client, AdminFlags]]:
    """Active clients the two-admin rule flags (for supervisors)."""
    result = []
    for client in Client.select().where(Client.active).order_by(Client.code):
        flags = admin_flags(client)
        if flags.flags:
            result.append((client, flags))
    return result


def contact_with_training(contact: Contact) -> dict[str, object]:
    """A contact's JSON shape with its training records."""
    return {
        **contact_dict(contact),
        "trainings": [
            {"date": t.trained_on.isoformat(), "by": t.trained_by, "topic": t.topic}
            for t in trainings(contact)
        ],
    }


__all__ = [
    "KEEP",
    "AdminFlags",
    "admin_flags",
    "client_dict",
    "contact_with_training",
    "deactivate_client",
    "deactivate_contact",
    "edit_client",
    "edit_contact",
    "flagged_clients",
    "get_contact",
    "train_contact",
    "trainings",
]
_ = peewee
