"""SLA explain and the SLA event log, from each case's recorded facts (as of the clock's now).

The facts are read in a fixed number of queries whatever the number of cases (cases, pauses,
severity changes), as plain tuples; the history itself is pure computation in
:mod:`wzdesk.core.sla_history`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.core.sla_history import Pause, SeverityChange
from wzdesk.core.timefmt import day_start as day_start
from wzdesk.services.cases import get_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.history_fields import (
    CASE_COLUMNS,
    STATUS_KINDS,
    case_row,
    event_dicts,
    explanation,
    met_at,
    met_event,
    severity_change,
)
from wzdesk.services.history_fields import CaseRow as CaseRow  # re-exported: reports use it
from wzdesk.services.history_fields import status_as_of as history_status
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import Case, CaseEvent, PolicyVersion, SlaPause


def rows_of(query: Any) -> Iterable[tuple[Any, ...]]:
    """A select's rows as plain tuples (no model instances built)."""
    return cast(Iterable[tuple[Any, ...]], query.tuples())


_COLUMNS = tuple(getattr(Case, name) for name in CASE_COLUMNS)  # history_fields.case_row's


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
        changes.setdefault(case_id, []).append(severity_change(at, data))
    query = (
        Case.select(*_COLUMNS, Case.client, Case.assignee)
        .where(where)
        .order_by(Case.received_at, Case.id)
    )
    rows = []
    for values in rows_of(query):
        case_id, client_id, assignee_id = values[0], values[-2], values[-1]
        rows.append(
            case_row(
                values[:-2],
                clients.get(client_id, ""),
                users.get(assignee_id) if assignee_id is not None else None,
                changes.get(case_id, ()),
                pauses.get(case_id, ()),
            )
        )
    return rows


def status_as_of(row: CaseRow, now: datetime) -> str:
    """The case's status at ``now`` (:func:`history_fields.status_as_of`, reading the
    timeline's status changes up to ``now`` when it needs them)."""

    def changes() -> Iterable[tuple[str, str | None]]:
        return rows_of(
            CaseEvent.select(CaseEvent.kind, CaseEvent.data_json)
            .where(
                (CaseEvent.case == row.id)
                & CaseEvent.kind.in_(STATUS_KINDS)
                & (CaseEvent.at <= now)
            )
            .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        )

    return history_status(row, now, changes)


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
    version = PolicyVersion.get_by_id(row.policy_id)
    met = (_met_event(row, "response", now), _met_event(row, "resolution", now))
    status = status_as_of(row, now)
    return explanation(row, book.by_id(row.policy_id), version.effective_from, now, status, met)


def _met_event(row: CaseRow, target: str, now: datetime) -> dict[str, Any] | None:
    """The timeline event that met a target: the first public reply, or the resolution."""
    at = met_at(row, target, now)
    if at is None:
        return None
    # A merged duplicate's events moved to its primary with their times: looked for there too.
    primary = Case.select(Case.merged_into).where(Case.id == row.id)
    query = CaseEvent.select(CaseEvent.kind, CaseEvent.author, CaseEvent.at).where(
        ((CaseEvent.case == row.id) | (CaseEvent.case == primary)) & (CaseEvent.at == at)
    )
    if target == "response":
        query = query.where(CaseEvent.public == True)  # noqa: E712 - SQL, not Python
    else:
        query = query.where(CaseEvent.kind == "resolve")
    own_first = peewee.Case(None, ((CaseEvent.case == row.id, 0),), 1)
    return met_event(target, at, query.order_by(own_first, CaseEvent.id).tuples().first())


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
    return event_dicts(rows, book.by_id, now, zone)
