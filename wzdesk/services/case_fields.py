"""The case object of the command-line contract, from any record that carries a case's columns.

Peewee-free on purpose (an import-linter contract keeps it so): ``wzdesk case list`` and
``case show`` read over the quick read-only SQLite path
(:mod:`wzdesk.services.quick_case_reads`) and must not load Peewee, whose import alone is four
times ``python -c pass`` (issue 13). Both paths build the objects here, from a model row or
from a plain row, so they cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from wzdesk.core.case_sla import (
    CaseClock,
    Deadlines,
    clock_stop,
    resolution_timer,
    response_timer,
)
from wzdesk.core.rules import Category, missing_recommended_fields
from wzdesk.core.sla import Severity, TimerState, TimerStatus
from wzdesk.core.timefmt import format_instant
from wzdesk.core.values import Value
from wzdesk.services.delivery_states import delivery_state
from wzdesk.services.policy_book import PolicyBook


class ClientRecord(Protocol):
    code: str


class ContactRecord(Protocol):
    name: str
    email: str | None
    phone: str | None


class UserRecord(Protocol):
    login: str


class CaseRecord(Protocol):
    """What :func:`case_dict` reads of a case: a ``Case`` model row, or a quick path's row."""

    ref: str
    policy_id: int
    client: Any  # ClientRecord; Any so that a model's ForeignKeyField qualifies
    contact: Any  # ContactRecord
    assignee: Any  # UserRecord | None
    channel: str
    category: str
    severity: str
    status: str
    summary: str
    description: str
    steps_to_reproduce: str
    affected_users: str
    tags: str
    escalated_to: str | None
    escalation_reason: str | None
    classification: str | None
    received_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    paused_since: datetime | None
    response_due: datetime
    response_at_risk_at: datetime
    resolution_due: datetime
    resolution_at_risk_at: datetime
    resolution_paused_after_due: float
    version: int


class CaseTimers(Value):
    """Both SLA timers of a case at one instant."""

    _fields = ("response", "resolution")
    response: TimerStatus
    resolution: TimerStatus

    def __init__(self, response: TimerStatus, resolution: TimerStatus) -> None:
        self._set(response=response, resolution=resolution)

    @property
    def paused(self) -> bool:
        return self.resolution.paused

    @property
    def next_due(self) -> datetime | None:
        """The nearest due instant among the timers still running (for urgency order)."""
        running = [
            t.due for t in (self.response, self.resolution) if t.remaining_seconds is not None
        ]
        return min(running) if running else None

    @property
    def worst_state(self) -> TimerState:
        order = [
            TimerState.BREACHED,
            TimerState.AT_RISK,
            TimerState.PENDING,
            TimerState.LATE,
            TimerState.MET,
        ]
        return min((self.response.state, self.resolution.state), key=order.index)


def case_clock(case: CaseRecord) -> CaseClock:
    return CaseClock(
        Severity(case.severity),
        case.received_at,
        case.first_response_at,
        case.resolved_at,
        case.paused_since,
    )


def case_deadlines(case: CaseRecord) -> Deadlines:
    return Deadlines(
        case.response_due,
        case.response_at_risk_at,
        case.resolution_due,
        case.resolution_at_risk_at,
        float(case.resolution_paused_after_due),
    )


def timers(case: CaseRecord, book: PolicyBook, now: datetime) -> CaseTimers:
    """Both timers of ``case`` at ``now`` (no database access)."""
    policy = book.by_id(case.policy_id)
    now = clock_stop(now, case.closed_at)  # a merged duplicate's stop at the merge
    clock, deadlines = case_clock(case), case_deadlines(case)
    return CaseTimers(
        response_timer(policy, clock, deadlines, now),
        resolution_timer(policy, clock, deadlines, now),
    )


def _remaining(timer: TimerStatus) -> int | None:
    """Whole seconds toward zero, as the tables and the console cut minutes (4h03m59.9s is
    4h03m): rounded, 14,639.9 s read 14,640 (4h04m) beside a screen showing 4h03m."""
    if timer.remaining_seconds is None:
        return None
    return int(timer.remaining_seconds)


def instants_and_states(case: CaseRecord, reading: CaseTimers, zone: Any) -> dict[str, Any]:
    """A case's instants and both timers' due instants and states, in the support zone (the
    desk's case object and the client's share them)."""
    return {
        "received_at": format_instant(case.received_at, zone),
        "first_response_at": format_instant(case.first_response_at, zone),
        "resolved_at": format_instant(case.resolved_at, zone),
        "closed_at": format_instant(case.closed_at, zone),
        "response_due": format_instant(reading.response.due, zone),
        "resolution_due": format_instant(reading.resolution.due, zone),
        "response_state": reading.response.state.value,
        "resolution_state": reading.resolution.state.value,
    }


def case_dict(case: CaseRecord, book: PolicyBook, now: datetime) -> dict[str, Any]:
    """The case object of the command-line contract."""
    zone = book.by_id(case.policy_id).calendar.zone
    reading = timers(case, book, now)
    return {
        "ref": case.ref,
        "client": case.client.code,
        "contact": case.contact.email or case.contact.phone,
        "contact_name": case.contact.name,
        "channel": case.channel,
        "category": case.category,
        "severity": case.severity,
        "status": case.status,
        "assignee": user.login if (user := case.assignee) is not None else None,
        "summary": case.summary,
        "description": case.description,
        "steps_to_reproduce": case.steps_to_reproduce,
        "affected_users": case.affected_users,
        "tags": [t for t in case.tags.split(",") if t],
        "escalated_to": case.escalated_to,
        "escalation_reason": case.escalation_reason,
        "classification": case.classification,
        **instants_and_states(case, reading, zone),
        "response_remaining_seconds": _remaining(reading.response),
        "resolution_remaining_seconds": _remaining(reading.resolution),
        "paused": reading.paused,
        # Whether the remaining seconds are counted 24x7 rather than in business hours (the
        # case's severity under the policy version it keeps): ``case show`` labelled 24x7
        # time "business".
        "around_the_clock": book.by_id(case.policy_id)
        .targets[Severity(case.severity)]
        .around_the_clock,
        "missing_fields": missing_recommended_fields(
            Category(case.category), case.description, case.steps_to_reproduce, case.affected_users
        ),
        "version": case.version,
    }


def event_dict(event: Any, zone: Any) -> dict[str, Any]:
    """A timeline entry (a ``CaseEvent`` row, or a quick path's row with its columns)."""
    return {
        "at": format_instant(event.at, zone),
        "author": event.author,
        "kind": event.kind,
        "public": bool(event.public),
        "body": event.body,
        "duration_seconds": event.duration_seconds,
        "data": json.loads(event.data_json) if event.data_json else None,
    }


def _delivery_note(mail: Any, state: str) -> str:
    if state == "delivered":
        return f"delivered by {mail.transport}"
    if state == "partly_delivered":  # last_error names who got it and who was refused
        return f"by {mail.transport}: {mail.last_error}"
    if state in ("retrying", "failed"):
        return str(mail.last_error or "")
    return ""


def outgoing_items(
    mails: Iterable[Any], not_sent: Iterable[Any], zone: Any
) -> list[dict[str, Any]]:
    """Every message written for a case, oldest first, with its delivery state: ``queued``,
    ``sending``, ``retrying``, ``delivered``, ``partly_delivered`` (the server refused some
    recipients: ``note`` names them), ``failed``, or ``not_sent`` (no email on file).

    ``mails``: its ``OutboundMail`` rows in id order; ``not_sent``: its ``mail_not_sent``
    timeline entries (a message that had nobody to go to leaves one of those instead)."""
    items: list[tuple[datetime, int, dict[str, Any]]] = []
    for mail in mails:
        state = delivery_state(mail)
        item = {
            "id": mail.id,
            "kind": mail.kind,
            "audience": mail.audience,
            "to": mail.recipients.split(","),
            "subject": mail.subject,
            "delivery": state,
            "attempts": mail.attempts,
            "created_at": format_instant(mail.created_at, zone),
            "sent_at": format_instant(mail.sent_at, zone),
            "note": _delivery_note(mail, state),
        }
        items.append((mail.created_at, mail.id, item))
    for event in not_sent:
        data = json.loads(event.data_json) if event.data_json else {}
        item = {
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
        }
        items.append((event.at, 0, item))
    items.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in items]


#: A link as seen from its target: "WZ-1 duplicate-of WZ-2" shows on WZ-2 as "has duplicate".
INVERSE_LINK = {"related": "related", "duplicate-of": "has duplicate", "caused-by": "caused"}


def link_items(
    out: Iterable[tuple[str, str]],
    inward: Iterable[tuple[str, str]],
    merged_into: str | None,
    merged_from: Iterable[str],
) -> list[dict[str, str]]:
    """Every link of a case, read from its side: ``out`` (kind, other ref) it made, ``inward``
    (kind, other ref) made to it, then the merges."""
    result = [{"kind": kind, "ref": ref} for kind, ref in out]
    result += [{"kind": INVERSE_LINK[kind], "ref": ref} for kind, ref in inward]
    if merged_into is not None:
        result.append({"kind": "merged into", "ref": merged_into})
    result += [{"kind": "merged from", "ref": ref} for ref in merged_from]
    return result


def sheet_dict(
    case: Any,
    book: PolicyBook,
    now: datetime,
    *,
    events: Iterable[Any],
    pauses: Iterable[Any],
    attachments: list[dict[str, Any]],
    outgoing: list[dict[str, Any]],
    links: list[dict[str, str]],
    client_flags: str,
) -> dict[str, Any]:
    """``case show``'s object: :func:`case_dict` plus the case's targets and elapsed time,
    its timeline, pauses, attachments, outgoing mail and links, and its client's two-admin
    flags (the case a :class:`CaseRecord` that also has ``id``, ``needs_contact``, the
    client's ``name`` and the contact's ``is_admin``)."""
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
            "contact_is_admin": bool(case.contact.is_admin),
            "response_target_seconds": reading.response.target_seconds,
            "resolution_target_seconds": reading.resolution.target_seconds,
            "response_elapsed_seconds": int(reading.response.elapsed_seconds),
            "resolution_elapsed_seconds": int(reading.resolution.elapsed_seconds),
        }
    )
    result["events"] = [event_dict(event, zone) for event in events]
    result["pauses"] = [
        {
            "started_at": format_instant(pause.started_at, zone),
            "ended_at": format_instant(pause.ended_at, zone),
            "reason": pause.reason,
        }
        for pause in pauses
    ]
    result["attachments"] = attachments
    result["outgoing"] = outgoing
    result["needs_contact"] = bool(case.needs_contact)
    result["links"] = links
    result["client_flags"] = client_flags or None
    return result
