"""What the console's client view and contact view show (read-only): a client's admins,
contacts, open and past cases and two-admin flags; a contact's cases, calls and messages."""

from __future__ import annotations

from typing import Any

import peewee

from wzdesk.services.cases.records import get_case
from wzdesk.services.contacts import admin_flags, flagged_clients, get_contact, trainings
from wzdesk.services.directory import client_admins, get_client
from wzdesk.services.directory_fields import contact_dict
from wzdesk.store.models import CallLog, Case, CaseEvent, Client, Contact, MailMessage
from wzdesk.store.queries import by_received

#: Past cases, a contact's cases, calls and messages shown at most (the history screen has every
#: case; the views say how many there are).
RECENT = 20
#: A client's open cases shown at most, oldest first (the queue's ``f`` filter lists them all).
#: Listing every one made a million-case desk's client view (4,942 open, 100,000 in all) read
#: for a second and then lay out 5,000 lines: it had not appeared after a minute.
OPEN_SHOWN = 50


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "ref": case.ref,
        "severity": case.severity,
        "status": case.status,
        "summary": case.summary,
        "received_at": case.received_at,
    }


def people_of_case(ref: str) -> tuple[str, int]:
    """The client code and contact id of a case (what ``C`` and ``K`` open)."""
    case = get_case(ref)
    return str(Client.get_by_id(case.client_id).code), case.contact_id


def clients_needing_admins() -> list[dict[str, Any]]:
    """Active clients the two-admin rule flags (fewer than two active admins, no primary, none
    trained), each with whom to ask: what supervisors are shown on the main screen."""
    return [
        {"code": client.code, "name": client.name, "flags": list(flags.flags), "ask": flags.ask}
        for client, flags in flagged_clients()
    ]


def contact_card(key: str, client_code: str | None = None) -> dict[str, Any]:
    """A contact's own fields (what the console's edit form shows and changes)."""
    shape = contact_dict(get_contact(key, client_code))
    return {("rank" if name == "admin_rank" else name): value for name, value in shape.items()}


def _open_of(client: Client, still_open: bool) -> peewee.Expression:
    return (Case.client == client) & (Case.is_open == still_open)


def client_view(code: str, case_ref: str | None = None) -> dict[str, Any]:
    """A client with its admins (rank, training), contacts, flags, and its oldest open cases and
    latest past ones with how many there are in all (``open_count``, ``past_count``).

    ``case_ref``: the case the view was opened from; ``from_case_open`` says whether it is
    an open case of this client (a training quote goes on it, listed or not)."""
    client = get_client(code)
    flags = admin_flags(client)
    admins = []
    for admin in client_admins(client):
        trained = trainings(admin)
        admins.append(
            {
                "name": admin.name,
                "rank": admin.admin_rank,
                "email": admin.email,
                "phone": admin.phone,
                "trained_on": trained[0].trained_on if trained else None,
            }
        )
    people = [
        {
            "id": c.id,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "is_admin": c.is_admin,
            "active": c.active,
        }
        for c in Contact.select().where(Contact.client == client).order_by(Contact.name)
    ]
    cases = Case.select().where(Case.client == client)
    still_open, done = cases.where(Case.is_open), cases.where(~Case.is_open)
    from_case_open = (
        case_ref is not None and still_open.where(Case.ref == case_ref.strip().upper()).exists()
    )
    return {
        "code": client.code,
        "name": client.name,
        "active": client.active,
        "flags": list(flags.flags),
        "ask": flags.ask,
        "admins": admins,
        "contacts": people,
        "open_count": still_open.count(),
        "open_cases": [
            _case_row(c) for c in by_received(_open_of(client, True), False, OPEN_SHOWN)
        ],
        "past_count": done.count(),
        "past_cases": [_case_row(c) for c in by_received(_open_of(client, False), True, RECENT)],
        "from_case_open": from_case_open,
    }


def latest_messages_from(address: str) -> peewee.ModelSelect[MailMessage]:
    """The :data:`RECENT` latest messages from an address, newest first: read from the end of
    the (from_address, received_at) index, not sorted out of every message the desk sent
    and received (its plan is tested)."""
    return (
        MailMessage.select()
        .where(MailMessage.from_address == address)
        .order_by(MailMessage.received_at.desc())
        .limit(RECENT)
    )


def contact_view(key: str) -> dict[str, Any]:
    """A contact (``#id``, email or phone) with their cases, calls and messages."""
    contact = get_contact(key)
    theirs = Case.select().where(Case.contact == contact)
    cases = by_received(Case.contact == contact, True, RECENT)
    # The latest calls only, from both places a call is kept: listing every call of every
    # case (16,734 cases for one demo contact at a million) cost seconds for 20 lines.
    calls: list[dict[str, Any]] = [
        {"at": c.at, "ref": None, "seconds": c.duration_seconds, "notes": c.notes}
        for c in CallLog.select()
        .where(CallLog.contact == contact)
        .order_by(CallLog.at.desc())
        .limit(RECENT)
    ]
    for event in (
        CaseEvent.select(CaseEvent, Case)
        .join(Case)
        .where((Case.contact == contact) & (CaseEvent.kind == "call"))
        .order_by(CaseEvent.at.desc())
        .limit(RECENT)
    ):
        calls.append(
            {
                "at": event.at,
                "ref": event.case.ref,
                "seconds": event.duration_seconds,
                "notes": event.body,
            }
        )
    calls.sort(key=lambda c: c["at"], reverse=True)
    call_count = (
        CallLog.select().where(CallLog.contact == contact).count()
        + CaseEvent.select()
        .join(Case)
        .where((Case.contact == contact) & (CaseEvent.kind == "call"))
        .count()
    )
    messages = []
    if contact.email:
        for message in latest_messages_from(contact.email):
            ref = Case.get_by_id(message.case_id).ref if message.case_id else None
            messages.append(
                {"at": message.received_at, "subject": message.subject, "ref": ref,
                 "outcome": message.outcome}
            )  # fmt: skip
    return {
        "id": contact.id,
        "name": contact.name,
        "client": contact.client.code,
        "email": contact.email,
        "phone": contact.phone,
        "is_admin": contact.is_admin,
        "rank": contact.admin_rank,
        "active": contact.active,
        "trainings": [
            {"date": t.trained_on, "by": t.trained_by, "topic": t.topic} for t in trainings(contact)
        ],
        "case_count": theirs.count(),
        "cases": [_case_row(c) for c in cases],
        "calls": calls[:RECENT],
        "call_count": call_count,
        "messages": messages,
        "message_count": (
            MailMessage.select().where(MailMessage.from_address == contact.email).count()
            if contact.email
            else 0
        ),
    }
