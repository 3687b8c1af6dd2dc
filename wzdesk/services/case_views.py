"""Reading cases: the case object (with live SLA timers), its timeline, and filtered lists."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

import peewee

from wzdesk.core.bounds import check_limit
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity
from wzdesk.core.text import clean
from wzdesk.core.timefmt import format_instant
from wzdesk.core.values import Value
from wzdesk.services.case_fields import CaseTimers, case_dict, timers
from wzdesk.services.cases import get_case, parse_choice
from wzdesk.services.delivery_states import delivery_state
from wzdesk.services.directory import get_user
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store import queries
from wzdesk.store.models import Case, CaseEvent, Client, Contact, OutboundMail, SlaPause, User


def find_refs(text: str, limit: int = 8) -> list[tuple[str, str]]:
    """(reference, summary) of the newest cases whose reference contains the digits typed."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return []
    query = (
        Case.select(Case.ref, Case.summary)
        .where(peewee.fn.LOWER(Case.ref) ** f"%{digits}%")
        .order_by(Case.id.desc())
        .limit(limit)
    )
    return [
        (str(ref), str(summary)) for ref, summary in cast(Iterable[tuple[str, str]], query.tuples())
    ]


def event_dict(event: CaseEvent, zone: Any) -> dict[str, Any]:
    return {
        "at": format_instant(event.at, zone),
        "author": event.author,
        "kind": event.kind,
        "public": event.public,
        "body": event.body,
        "duration_seconds": event.duration_seconds,
        "data": json.loads(event.data_json) if event.data_json else None,
    }


def events_of(case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.at, CaseEvent.id)
    )


def pauses_of(case: Case) -> list[SlaPause]:
    return list(SlaPause.select().where(SlaPause.case == case).order_by(SlaPause.started_at))


def show_case(ref: str, now: datetime, book: PolicyBook | None = None) -> dict[str, Any]:
    """The case object plus its ``events`` and ``pauses``."""
    # Imported here, not at the top: `case list` (and every command that lists) would load the
    # mail composer and transport for nothing; a third of its start-up.
    from wzdesk.services.attachments import attachments_of
    from wzdesk.services.contacts import admin_flags
    from wzdesk.services.related import links_of

    book = book or load_policy_book()
    case = get_case(ref)
    zone = book.by_id(case.policy_id).calendar.zone
    result = case_dict(case, book, now)
    reading = timers(case, book, now)
    result.update(
        {
            "id": case.id,
            "zone": zone.key,  # the support zone of the case's policy
            "client_name": case.client.name,
            "contact_email": case.contact.email,
            "contact_phone": case.contact.phone,
            "contact_is_admin": case.contact.is_admin,
            "response_target_seconds": reading.response.target_seconds,
            "resolution_target_seconds": reading.resolution.target_seconds,
            "response_elapsed_seconds": int(reading.response.elapsed_seconds),
            "resolution_elapsed_seconds": int(reading.resolution.elapsed_seconds),
        }
    )
    result["events"] = [event_dict(e, zone) for e in events_of(case)]
    result["pauses"] = [
        {
            "started_at": format_instant(p.started_at, zone),
            "ended_at": format_instant(p.ended_at, zone),
            "reason": p.reason,
        }
        for p in pauses_of(case)
    ]
    result["attachments"] = attachments_of(case, zone)
    result["outgoing"] = outgoing_of(case, zone)
    result["needs_contact"] = case.needs_contact
    result["links"] = links_of(case)
    result["client_flags"] = admin_flags(case.client).text or None
    return result


#: Longest search text: LIKE patterns past ~50,000 bytes fail on SQLite only.
MAX_SEARCH = 200


def outgoing_of(case: Case, zone: Any) -> list[dict[str, Any]]:
    """Every message written for the case, oldest first, with its delivery state: ``queued``,
    ``sending``, ``retrying``, ``delivered``, ``failed``, or ``not_sent`` (no email on file)."""
    items: list[tuple[datetime, int, dict[str, Any]]] = []
    for row in OutboundMail.select().where(OutboundMail.case == case).order_by(OutboundMail.id):
        state = delivery_state(row)
        if state == "delivered":
            note = f"delivered by {row.transport}"
        elif state in ("retrying", "failed"):
            note = row.last_error or ""
        else:
            note = ""
        items.append(
            (
                row.created_at,
                row.id,
                {
                    "id": row.id,
                    "kind": row.kind,
                    "audience": row.audience,
                    "to": row.recipients.split(","),
                    "subject": row.subject,
                    "delivery": state,
                    "attempts": row.attempts,
                    "created_at": format_instant(row.created_at, zone),
                    "sent_at": format_instant(row.sent_at, zone),
                    "note": note,
                },
            )
        )
    not_sent = CaseEvent.select().where(
        (CaseEvent.case == case) & (CaseEvent.kind == "mail_not_sent")
    )
    for event in not_sent:
        data = json.loads(event.data_json) if event.data_json else {}
        items.append(
            (
                event.at,
                0,
                {
                    "id": None,
                    "kind": data.get("kind", ""),
                    "audience": "client",
                    "to": [],
                    "subject": None,
                    "delivery": "not_sent",
                    "attempts": 0,
                    "created_at": format_instant(event.at, zone),
                    "sent_at": None,
                    "note": event.body,
                },
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in items]


class CaseFilter(Value):
    """What ``case list`` and the queue's quick filters select."""

    _fields = (
        "statuses",
        "severities",
        "assignee",
        "unassigned",
        "client",
        "breached",
        "at_risk",
        "text",
        "include_closed",
    )
    statuses: Sequence[str]
    severities: Sequence[str]
    assignee: str | None
    unassigned: bool
    client: str | None
    breached: bool
    at_risk: bool
    text: str | None
    include_closed: bool

    def __init__(
        self,
        statuses: Sequence[str] = (),
        severities: Sequence[str] = (),
        assignee: str | None = None,
        unassigned: bool = False,
        client: str | None = None,
        breached: bool = False,
        at_risk: bool = False,
        text: str | None = None,
        include_closed: bool = False,
    ) -> None:
        self._set(
            statuses=statuses,
            severities=severities,
            assignee=assignee,
            unassigned=unassigned,
            client=client,
            breached=breached,
            at_risk=at_risk,
            text=text,
            include_closed=include_closed,
        )


def select_cases(flt: CaseFilter, now: datetime) -> peewee.ModelSelect[Case]:
    """The SQL for a filter (joined with client, contact and assignee in one query)."""
    query = (
        Case.select(Case, Client, Contact, User)
        .join(Client, on=(Case.client == Client.id))
        .switch(Case)
        .join(Contact, on=(Case.contact == Contact.id))
        .switch(Case)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
    )
    if flt.statuses:
        statuses = [parse_choice(Status, s, "--status").value for s in flt.statuses]
        query = query.where(Case.status.in_(statuses))
    elif not flt.include_closed:
        query = query.where(Case.status != Status.CLOSED.value)
    if flt.severities:
        severities = [parse_choice(Severity, s, "--severity").value for s in flt.severities]
        query = query.where(Case.severity.in_(severities))
    if flt.assignee:
        query = query.where(Case.assignee == get_user(flt.assignee))
    if flt.unassigned:
        query = query.where(Case.assignee.is_null())
    if flt.client:
        query = query.where(Client.code == clean(flt.client).strip().upper()[:40])
    if flt.breached and flt.at_risk:
        query = query.where(queries.breached(now) | queries.at_risk(now))
    elif flt.breached:
        query = query.where(queries.breached(now))
    elif flt.at_risk:
        query = query.where(queries.at_risk(now))
    if flt.text:
        text = clean(flt.text).strip().lower()
        if len(text) > MAX_SEARCH:
            raise InvalidInput(f"at most {MAX_SEARCH} characters", field="--search")
        like = f"%{text}%"
        query = query.where(
            (peewee.fn.LOWER(Case.ref) ** like)
            | (peewee.fn.LOWER(Case.summary) ** like)
            | (peewee.fn.LOWER(Client.code) ** like)
            | (peewee.fn.LOWER(Client.name) ** like)
        )
    return query


def urgency_key(case: Case, reading: CaseTimers) -> tuple[int, float, int]:
    """Most urgent first: open before done, nearest due instant, then severity."""
    due = reading.next_due
    done = not Status(case.status).is_open or due is None
    return (1 if done else 0, due.timestamp() if due else 0.0, Severity(case.severity).rank)


def list_cases(
    flt: CaseFilter, now: datetime, book: PolicyBook | None = None, limit: int | None = None
) -> list[tuple[Case, CaseTimers]]:
    """Cases matching ``flt`` with their timers, most urgent first."""
    check_limit(limit)
    book = book or load_policy_book()
    rows = [(case, timers(case, book, now)) for case in select_cases(flt, now)]
    rows.sort(key=lambda pair: urgency_key(*pair))
    return rows[:limit] if limit else rows


def cases_dicts(
    rows: Iterable[tuple[Case, CaseTimers]], book: PolicyBook, now: datetime
) -> list[dict[str, Any]]:
    return [case_dict(case, book, now) for case, _ in rows]
