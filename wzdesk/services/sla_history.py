"""SLA explain and the SLA event log, from each case's recorded facts (as of the clock's now).

The facts are read in a fixed number of queries whatever the number of cases (cases, pauses,
severity changes), as plain tuples; the history itself is pure computation in
:mod:`wzdesk.core.sla_history`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.core.sla import Severity
from wzdesk.core.sla_history import (
    CaseFacts,
    Pause,
    SeverityChange,
    SlaEvent,
    TargetExplanation,
    explain,
    sla_events,
)
from wzdesk.core.timefmt import day_start as day_start
from wzdesk.core.timefmt import format_instant
from wzdesk.services.cases import get_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import PolicyBook, in_force_from, load_policy_book
from wzdesk.store.models import Case, CaseEvent, PolicyVersion, SlaPause


@dataclass(frozen=True)
class CaseRow:
    """A case's identity and grouping fields, with its SLA facts."""

    id: int
    ref: str
    policy_id: int
    client: str
    assignee: str | None
    channel: str
    category: str
    status: str
    facts: CaseFacts


def rows_of(query: Any) -> Iterable[tuple[Any, ...]]:
    """A select's rows as plain tuples (no model instances built)."""
    return cast(Iterable[tuple[Any, ...]], query.tuples())


_COLUMNS = (
    Case.id,
    Case.ref,
    Case.policy,
    Case.channel,
    Case.category,
    Case.status,
    Case.severity,
    Case.received_at,
    Case.first_response_at,
    Case.closed_at,
)


def load_case_rows(where: peewee.Expression, now: datetime) -> list[CaseRow]:
    """Cases matching ``where`` that existed at ``now``, with their facts (four queries)."""
    from wzdesk.store.models import Client, User

    where = where & (Case.received_at <= now)
    ids = Case.select(Case.id).where(where)
    clients = dict(rows_of(Client.select(Client.id, Client.code)))
    users = dict(rows_of(User.select(User.id, User.login)))
    pauses: dict[int, list[Pause]] = {}
    for case_id, start, end, reason in rows_of(
        SlaPause.select(SlaPause.case, SlaPause.started_at, SlaPause.ended_at, SlaPause.reason)
        .where(SlaPause.case.in_(ids))
        .order_by(SlaPause.started_at, SlaPause.id)
    ):
        pauses.setdefault(case_id, []).append(Pause(start, end, reason))
    changes: dict[int, list[SeverityChange]] = {}
    for case_id, at, data in rows_of(
        CaseEvent.select(CaseEvent.case, CaseEvent.at, CaseEvent.data_json)
        .where(CaseEvent.case.in_(ids) & (CaseEvent.kind == "severity"))
        .order_by(CaseEvent.at, CaseEvent.id)
    ):
        values = json.loads(data or "{}")
        changes.setdefault(case_id, []).append(
            SeverityChange(at, Severity(values["from"]), Severity(values["to"]))
        )
    rows = []
    query = (
        Case.select(*_COLUMNS, Case.client, Case.assignee)
        .where(where)
        .order_by(Case.received_at, Case.id)
    )
    for (
        case_id,
        ref,
        policy_id,
        channel,
        category,
        status,
        severity,
        received,
        responded,
        closed,
        client_id,
        assignee_id,
    ) in rows_of(query):
        facts = CaseFacts(
            received_at=received,
            severity=Severity(severity),
            severity_changes=tuple(changes.get(case_id, ())),
            first_response_at=responded,
            pauses=tuple(pauses.get(case_id, ())),
            closed_at=closed,
        )
        rows.append(
            CaseRow(
                case_id,
                str(ref),
                policy_id,
                clients.get(client_id, ""),
                users.get(assignee_id) if assignee_id is not None else None,
                channel,
                category,
                status,
                facts,
            )
        )
    return rows


def status_as_of(row: CaseRow, now: datetime) -> str:
    """The case's status at ``now``: the stored one if nothing was recorded after ``now``, else
    rebuilt from the pauses and the timeline's status changes up to ``now``."""
    facts = row.facts.as_of(now)
    if facts == row.facts and row.status:
        return row.status
    if facts.closed_at is not None:
        return "closed"
    if facts.resolved_at is not None:
        return "resolved"
    if facts.paused_since is not None:
        return "waiting_client"
    changes = (
        CaseEvent.select(CaseEvent.kind, CaseEvent.data_json)
        .where(
            (CaseEvent.case == row.id)
            & CaseEvent.kind.in_(("status", "escalate", "reopen"))
            & (CaseEvent.at <= now)
        )
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
    )
    for kind, data in rows_of(changes):
        if kind == "escalate":
            return "escalated"
        if kind == "reopen":
            return "open"
        target = json.loads(data or "{}").get("to")
        if target in ("open", "escalated"):
            return str(target)
    return "open" if facts.first_response_at is not None else "new"


def _one_case(ref: str, now: datetime) -> CaseRow:
    case = get_case(ref)
    if case.received_at > now:
        raise InvalidInput(f"{case.ref} was not received yet at {now.isoformat()}", field="REF")
    rows = load_case_rows(Case.id == case.id, now)
    return rows[0]


# -- explain ------------------------------------------------------------------------------------


def explain_case(ctx: ServiceContext, ref: str, book: PolicyBook | None = None) -> dict[str, Any]:
    """How both targets of one case were counted, at the clock's now (as-of for a past now)."""
    ctx.require(Action.EXPLAIN_SLA)
    now = ctx.clock.now()
    book = book or load_policy_book()
    row = _one_case(ref, now)
    policy = book.by_id(row.policy_id)
    zone = policy.calendar.zone
    version = PolicyVersion.get_by_id(row.policy_id)
    facts = row.facts.as_of(now)
    response, resolution = explain(policy, row.facts, now)
    return {
        "ref": row.ref,
        "as_of": format_instant(now, zone),
        "zone": zone.key,
        "received_at": format_instant(facts.received_at, zone),
        "severity": facts.severity.value,
        "status": status_as_of(row, now),
        "policy": {
            "version": row.policy_id,
            "effective_from": format_instant(version.effective_from, zone),
            "from": in_force_from(version.effective_from, zone),
            "at_risk_ratio": policy.at_risk_ratio,
            "around_the_clock": policy.targets[facts.severity].around_the_clock,
        },
        "severity_changes": [
            {"at": format_instant(c.at, zone), "from": c.before.value, "to": c.after.value}
            for c in facts.severity_changes
        ],
        "pauses": [
            {
                "start": format_instant(p.start, zone),
                "end": format_instant(p.end, zone),
                "reason": p.reason,
            }
            for p in facts.pauses
        ],
        "targets": [
            _explained(response, zone, _met_event(row, "response", now)),
            _explained(resolution, zone, _met_event(row, "resolution", now)),
        ],
    }


def _met_event(row: CaseRow, target: str, now: datetime) -> dict[str, Any] | None:
    """The timeline event that met a target: the first public reply, or the resolution."""
    facts = row.facts.as_of(now)
    at = facts.first_response_at if target == "response" else facts.resolved_at
    if at is None:
        return None
    query = CaseEvent.select(CaseEvent.kind, CaseEvent.author, CaseEvent.at).where(
        (CaseEvent.case == row.id) & (CaseEvent.at == at)
    )
    if target == "response":
        query = query.where(CaseEvent.public == True)  # noqa: E712 - SQL, not Python
    else:
        query = query.where(CaseEvent.kind == "resolve")
    found = query.order_by(CaseEvent.id).tuples().first()
    if found is None:
        return {"kind": target, "author": None, "at": at}
    kind, author, event_at = found
    return {"kind": kind, "author": author, "at": event_at}


def _explained(
    item: TargetExplanation, zone: ZoneInfo, met: dict[str, Any] | None
) -> dict[str, Any]:
    outcome: dict[str, Any] | None = None
    if item.outcome_at is not None:
        event = None
        if met is not None and item.state.is_done:
            event = {**met, "at": format_instant(met["at"], zone)}
        outcome = {
            "state": item.state.value,
            "at": format_instant(item.outcome_at, zone),
            "event": event,
        }
    return {
        "target": item.target,
        "target_seconds": item.target_seconds,
        "due": format_instant(item.due, zone),
        "state": item.state.value,
        "counted_until": format_instant(item.until, zone),
        "elapsed_seconds": _number(item.elapsed_seconds),
        "intervals": [
            {
                "start": format_instant(i.start, zone),
                "end": format_instant(i.end, zone),
                "seconds": _number(i.seconds),
            }
            for i in item.intervals
        ],
        "skipped": [
            {
                "start": format_instant(s.start, zone),
                "end": format_instant(s.end, zone),
                "reasons": list(s.reasons),
            }
            for s in item.skipped
        ],
        "outcome": outcome,
    }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


# -- the event log ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventQuery:
    """Which SLA events: one case, or the cases received in ``[start, end)`` (support dates)."""

    ref: str | None = None
    start: date | None = None
    end: date | None = None


def check_period(start: date | None, end: date | None) -> None:
    if (start is None) != (end is None):
        raise InvalidInput("give both --from and --to", field="--to" if end is None else "--from")
    if start is not None and end is not None and end <= start:
        raise InvalidInput("--to must be after --from", field="--to")


def event_rows(
    ctx: ServiceContext, query: EventQuery, book: PolicyBook | None = None
) -> Iterator[dict[str, Any]]:
    """SLA events, one dict each (case, target, kind, at, detail), cases in received order."""
    check_period(query.start, query.end)
    now = ctx.clock.now()
    book = book or load_policy_book()
    zone = book.at(now).calendar.zone
    if query.ref is not None:
        rows = [_one_case(query.ref, now)]
    else:
        ctx.require(Action.VIEW_REPORTS)
        where: peewee.Expression = Case.id.is_null(False)
        if query.start is not None and query.end is not None:
            where = (Case.received_at >= day_start(query.start, zone)) & (
                Case.received_at < day_start(query.end, zone)
            )
        rows = load_case_rows(where, now)
    return _events_of(rows, book, now, zone)


def _events_of(
    rows: Iterable[CaseRow], book: PolicyBook, now: datetime, zone: ZoneInfo
) -> Iterator[dict[str, Any]]:
    for row in rows:
        events: list[SlaEvent] = sla_events(book.by_id(row.policy_id), row.facts, now)
        for event in events:
            yield {
                "case": row.ref,
                "target": event.target,
                "kind": event.kind,
                "at": format_instant(event.at, zone),
                "detail": event.detail,
            }
