"""What the console's client view and contact view show (read-only): a client's admins,
contacts, open and past cases and two-admin flags; a contact's cases, calls and messages."""

from __future__ import annotations

from typing import Any

from wzdesk.services.cases.records import get_case
from wzdesk.services.contacts import admin_flags, flagged_clients, get_contact, trainings
from wzdesk.services.directory import client_admins, get_client
from wzdesk.store.models import CallLog, Case, CaseEvent, Client, Contact, MailMessage

#: Past cases and messages shown at most (the history screen has every one).
RECENT = 20


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
    contact = get_contact(key, client_code)
    return {
        "id": contact.id,
        "client": contact.client.code,
        "name": contact.name,
        "email": contact.email,
        "phone": contact.phone,
        "is_admin": contact.is_admin,
        "rank": contact.admin_rank,
        "active": contact.active,
    }


def client_view(code: str) -> dict[str, Any]:
    """A client with its admins (rank, training), contacts, open and past cases and flags."""
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
    return {
        "code": client.code,
        "name": client.name,
        "active": client.active,
        "flags": list(flags.flags),
        "ask": flags.ask,
        "admins": admins,
        "contacts": people,
        "open_cases": [_case_row(c) for c in cases.where(Case.is_open).order_by(Case.received_at)],
        "past_cases": [
            _case_row(c)
            for c in cases.where(~Case.is_open).order_by(Case.received_at.desc()).limit(RECENT)
        ],
    }


def contact_view(key: str) -> dict[str, Any]:
    """A contact (``#id``, email or phone) with their cases, calls and messages."""
    contact = get_contact(key)
    cases = list(Case.select().where(Case.contact == contact).order_by(Case.received_at.desc()))
    calls: list[dict[str, Any]] = [
        {"at": c.at, "ref": None, "seconds": c.duration_seconds, "notes": c.notes}
        for c in CallLog.select().where(CallLog.contact == contact)
    ]
    if cases:
        for event in (
            CaseEvent.select(CaseEvent, Case)
            .join(Case)
            .where((CaseEvent.case.in_([c.id for c in cases])) & (CaseEvent.kind == "call"))
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
    messages = []
    if contact.email:
        for message in (
            MailMessage.select()
            .where(MailMessage.from_address == contact.email)
            .order_by(MailMessage.received_at.desc())
            .limit(RECENT)
        ):
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
        "cases": [_case_row(c) for c in cases],
        "calls": calls[:RECENT],
        "messages": messages,
    }
