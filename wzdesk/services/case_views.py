"""Reading cases: the case object (with live SLA timers), its timeline, and filtered lists."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import peewee

from wzdesk.core.bounds import check_limit
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity
from wzdesk.core.text import clean
from wzdesk.services.case_fields import (
    CaseTimers,
    case_dict,
    outgoing_items,
    sheet_dict,
    timers,
)
from wzdesk.services.case_filter import MAX_SEARCH as MAX_SEARCH  # re-exported
from wzdesk.services.case_filter import CaseFilter as CaseFilter  # re-exported
from wzdesk.services.case_filter import parse_choice
from wzdesk.services.cases import get_case
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


def events_of(case: Case) -> list[CaseEvent]:
    return list(
        CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.at, CaseEvent.id)
    )


def pauses_of(case: Case) -> list[SlaPause]:
    return list(SlaPause.select().where(SlaPause.case == case).order_by(SlaPause.started_at))


def show_case(ref: str, now: datetime, book: PolicyBook | None = None) -> dict[str, Any]:
    """The case object plus its timeline, pauses, attachments, outgoing mail and links."""
    # Imported here, not at the top: `case list` (and every command that lists) would load the
    # mail composer and transport for nothing; a third of its start-up.
    from wzdesk.services.attachments import attachments_of
    from wzdesk.services.contacts import admin_flags
    from wzdesk.services.related import links_of

    book = book or load_policy_book()
    case = get_case(ref)
    zone = book.by_id(case.policy_id).calendar.zone
    return sheet_dict(
        case,
        book,
        now,
        events=events_of(case),
        pauses=pauses_of(case),
        attachments=attachments_of(case, zone),
        outgoing=outgoing_of(case, zone),
        links=links_of(case),
        client_flags=admin_flags(case.client).text,
    )


def outgoing_of(case: Case, zone: Any) -> list[dict[str, Any]]:
    """Every message written for the case, oldest first, with its delivery state (see
    :func:`case_fields.outgoing_items`)."""
    mails = OutboundMail.select().where(OutboundMail.case == case).order_by(OutboundMail.id)
    not_sent = CaseEvent.select().where(
        (CaseEvent.case == case) & (CaseEvent.kind == "mail_not_sent")
    )
    return outgoing_items(mails, not_sent, zone)


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
