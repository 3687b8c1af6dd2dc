"""The case object of the command-line contract, from any record that carries a case's columns.

Peewee-free on purpose (an import-linter contract keeps it so): ``wzdesk case list`` reads its
page over the quick read-only SQLite path (:mod:`wzdesk.services.quick_list`) and must not load
Peewee, whose import alone is four times ``python -c pass`` (issue 13). Both paths build the
object here, from a model row or from a plain row, so they cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from wzdesk.core.case_sla import CaseClock, Deadlines, resolution_timer, response_timer
from wzdesk.core.rules import Category, missing_recommended_fields
from wzdesk.core.sla import Severity, TimerState, TimerStatus
from wzdesk.core.timefmt import format_instant
from wzdesk.core.values import Value
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
        case.response_due, case.response_at_risk_at, case.resolution_due, case.resolution_at_risk_at
    )


def timers(case: CaseRecord, book: PolicyBook, now: datetime) -> CaseTimers:
    """Both timers of ``case`` at ``now`` (no database access)."""
    policy = book.by_id(case.policy_id)
    clock, deadlines = case_clock(case), case_deadlines(case)
    return CaseTimers(
        response_timer(policy, clock, deadlines, now),
        resolution_timer(policy, clock, deadlines, now),
    )


def _remaining(timer: TimerStatus) -> int | None:
    if timer.remaining_seconds is None:
        return None
    return int(round(timer.remaining_seconds))


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
        "missing_fields": missing_recommended_fields(
            Category(case.category), case.description, case.steps_to_reproduce, case.affected_users
        ),
        "version": case.version,
    }
