"""``case explain`` and ``sla events``, shaped from a case's facts: Peewee-free, so that the
ordinary path (:mod:`wzdesk.services.sla_history`, over the models) and the quick read-only
path (:mod:`wzdesk.services.quick_case_reads`, issue 13) read the same rows into the same
:class:`CaseRow` and print the same objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.sla import Severity, SlaPolicy
from wzdesk.core.sla_history import (
    CaseFacts,
    Pause,
    SeverityChange,
    TargetExplanation,
    explain,
    sla_events,
)
from wzdesk.core.timefmt import format_instant
from wzdesk.core.values import Value
from wzdesk.services.policy_book import in_force_from

_set = object.__setattr__  # ``report sla`` builds a row per case: fields set directly


class CaseRow(Value):
    """A case's identity and grouping fields, with its SLA facts."""

    _fields = (
        "id",
        "ref",
        "policy_id",
        "client",
        "assignee",
        "channel",
        "category",
        "status",
        "facts",
    )
    id: int
    ref: str
    policy_id: int
    client: str
    assignee: str | None
    channel: str
    category: str
    status: str
    facts: CaseFacts

    def __init__(
        self,
        id: int,  # noqa: A002 - the column's name
        ref: str,
        policy_id: int,
        client: str,
        assignee: str | None,
        channel: str,
        category: str,
        status: str,
        facts: CaseFacts,
    ) -> None:
        _set(self, "id", id)
        _set(self, "ref", ref)
        _set(self, "policy_id", policy_id)
        _set(self, "client", client)
        _set(self, "assignee", assignee)
        _set(self, "channel", channel)
        _set(self, "category", category)
        _set(self, "status", status)
        _set(self, "facts", facts)


#: The case columns a :class:`CaseRow` is read from, in order (then the client's and the
#: assignee's ids).
CASE_COLUMNS = (
    "id",
    "ref",
    "policy_id",
    "channel",
    "category",
    "status",
    "severity",
    "received_at",
    "first_response_at",
    "closed_at",
)


def severity_change(at: datetime, data_json: str | None) -> SeverityChange:
    """A ``severity`` timeline event's change (its data: ``{"from": ..., "to": ...}``)."""
    values = json.loads(data_json or "{}")
    return SeverityChange(at, Severity(values["from"]), Severity(values["to"]))


def case_row(
    columns: Sequence[Any],
    client: str,
    assignee: str | None,
    changes: Sequence[SeverityChange],
    pauses: Sequence[Pause],
) -> CaseRow:
    """The row of a case read as :data:`CASE_COLUMNS` (instants as aware datetimes)."""
    case_id, ref, policy_id, channel, category, status, severity, received, responded, closed = (
        columns
    )
    facts = CaseFacts(
        received_at=received,
        severity=Severity(severity),
        severity_changes=tuple(changes),
        first_response_at=responded,
        pauses=tuple(pauses),
        closed_at=closed,
    )
    return CaseRow(case_id, str(ref), policy_id, client, assignee, channel, category, status, facts)


def status_as_of(
    row: CaseRow, now: datetime, changes: Callable[[], Iterable[tuple[str, str | None]]]
) -> str:
    """The case's status at ``now``: the stored one if nothing was recorded after ``now``, else
    rebuilt from the pauses and the timeline's status changes up to ``now``: ``changes`` reads
    those (kind, data) newest first, only when needed."""
    facts = row.facts.as_of(now)
    if facts == row.facts and row.status:
        return row.status
    if facts.closed_at is not None:
        return "closed"
    if facts.resolved_at is not None:
        return "resolved"
    if facts.paused_since is not None:
        return "waiting_client"
    for kind, data in changes():
        if kind == "escalate":
            return "escalated"
        if kind == "reopen":
            return "open"
        target = json.loads(data or "{}").get("to")
        if target in ("open", "escalated"):
            return str(target)
    return "open" if facts.first_response_at is not None else "new"


#: The timeline events whose latest up to an instant gives the status then.
STATUS_KINDS = ("status", "escalate", "reopen")


def met_at(row: CaseRow, target: str, now: datetime) -> datetime | None:
    """When the target was met, as of ``now``: the first public reply, or the resolution."""
    facts = row.facts.as_of(now)
    return facts.first_response_at if target == "response" else facts.resolved_at


def met_event(
    target: str, at: datetime, found: tuple[str, str | None, datetime] | None
) -> dict[str, Any]:
    """The event that met a target at ``at``: ``found``, the timeline's (kind, author, at) of
    it (the first public event then, or the resolution), when the timeline has it."""
    if found is None:
        return {"kind": target, "author": None, "at": at}
    kind, author, event_at = found
    return {"kind": kind, "author": author, "at": event_at}


def explanation(
    row: CaseRow,
    policy: SlaPolicy,
    effective_from: datetime,
    now: datetime,
    status: str,
    met: tuple[dict[str, Any] | None, dict[str, Any] | None],
) -> dict[str, Any]:
    """``case explain``'s object: how both targets were counted at ``now``; ``effective_from``:
    when the case's policy version came into force; ``met``: the events that met the response
    and the resolution targets (None: not met)."""
    zone = policy.calendar.zone
    facts = row.facts.as_of(now)
    response, resolution = explain(policy, row.facts, now)
    return {
        "ref": row.ref,
        "as_of": format_instant(now, zone),
        "zone": zone.key,
        "received_at": format_instant(facts.received_at, zone),
        "severity": facts.severity.value,
        "status": status,
        "policy": {
            "version": row.policy_id,
            "effective_from": format_instant(effective_from, zone),
            "from": in_force_from(effective_from, zone),
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
            _explained(response, zone, met[0]),
            _explained(resolution, zone, met[1]),
        ],
    }


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


def event_dicts(
    rows: Iterable[CaseRow], policies: Callable[[int], SlaPolicy], now: datetime, zone: ZoneInfo
) -> Iterator[dict[str, Any]]:
    """``sla events``: each case's SLA events up to ``now`` (case, target, kind, at, detail),
    instants in ``zone``; ``policies``: the policy of a version id."""
    for row in rows:
        for event in sla_events(policies(row.policy_id), row.facts, now):
            yield {
                "case": row.ref,
                "target": event.target,
                "kind": event.kind,
                "at": format_instant(event.at, zone),
                "detail": event.detail,
            }
