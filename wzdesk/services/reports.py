"""Reports over cases received in a period: SLA compliance, backlog, breaches, channels, agents,
clients; and the audit trail viewer. Everything is as of the clock's now: with ``WZDESK_NOW``
in the past, cases received after it do not exist and timers read from the facts up to it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import peewee

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.core.sla import Severity, TimerState
from wzdesk.core.sla_history import readings
from wzdesk.services.audit_fields import AUDIT_COLUMNS, audit_dict, check_audit_limit
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.sla_history import (
    CaseRow,
    check_period,
    day_start,
    load_case_rows,
    rows_of,
)
from wzdesk.store.models import AuditEntry, Case, CaseEvent, Client, SlaPause, User
from wzdesk.store.queries import read_as_epoch, received_between, tuples
from wzdesk.store.stored_values import NAIVE_EPOCH, epoch_from_db

GROUPINGS = ("severity", "client", "agent", "channel", "month", "week")
NONE_LABEL = "(none)"


def nearest_rank(values: Sequence[float], percent: float) -> float | None:
    """The nearest-rank percentile of ``values`` (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Period:
    """Cases received in ``[start, end)``, support-zone dates."""

    start: date
    end: date


def _period_where(period: Period, book: PolicyBook, now: datetime) -> peewee.Expression:
    """Cases received in the period and by ``now`` (as-of: later ones do not exist yet)."""
    check_period(period.start, period.end)
    zone = book.at(now).calendar.zone
    by_now = now + timedelta(microseconds=1)  # instants are stored to the microsecond
    return received_between(day_start(period.start, zone), min(day_start(period.end, zone), by_now))


def _report_scope(
    ctx: ServiceContext, period: Period, book: PolicyBook | None
) -> tuple[datetime, PolicyBook, peewee.Expression]:
    """What every period report starts from (after the role check): the clock's now, the
    policy book, and the cases received in the period and by now."""
    now = ctx.clock.now()
    book = book or load_policy_book()
    return now, book, _period_where(period, book, now)


def _group_key(by: str, row: CaseRow, severity: str, zone: Any) -> str:
    if by == "severity":
        return severity
    if by == "client":
        return row.client
    if by == "agent":
        return row.assignee or NONE_LABEL
    if by == "channel":
        return row.channel
    local = row.facts.received_at.astimezone(zone).date()
    if by == "week":
        return (local - timedelta(days=local.weekday())).isoformat()  # the week's Monday
    return local.strftime("%Y-%m")


def sla_report(
    ctx: ServiceContext,
    period: Period,
    by: str = "severity",
    book: PolicyBook | None = None,
    *,
    all_in_python: bool = False,
) -> list[dict[str, Any]]:
    """Per group: cases; for response and resolution met, late, breached_open, compliance,
    median and p90 business seconds (nearest rank) over the cases that did respond/resolve.

    Cases with nothing recorded after the clock's now are counted by SQL aggregates over their
    stored due instants (one GROUP BY), and their business seconds read from two slim queries;
    only cases whose timeline continues after now (an as-of report) are rebuilt from their facts
    in Python. ``all_in_python`` rebuilds every case (tests hold the two against each other).
    """
    ctx.require(Action.VIEW_REPORTS)
    if by not in GROUPINGS:
        raise InvalidInput(f"--by must be one of {', '.join(GROUPINGS)}, got {by!r}", field="--by")
    now, book, where = _report_scope(ctx, period, book)
    zone = book.at(now).calendar.zone
    groups: dict[str, _Tally] = {}
    if all_in_python:
        rebuilt = where
    else:
        later = _paused_or_regraded_after(now)
        # Usually nothing else is recorded after now (a report as of the present): the GROUP
        # BY checks that itself, which spares a scan for such cases (at a million cases the
        # console's insights took 3.2 -> 2.9 s on SQLite, 2.6 -> 2.1 s on PostgreSQL).
        # Otherwise (an as-of report) they are found first and rebuilt.
        if _tally_settled(groups, by, period, zone, where & ~later, now, book, unless_after=now):
            rebuilt = _named(where & later)
        else:
            continues = _answered_or_done_after(now) | later
            rebuilt = _named(where & continues)
            _tally_settled(groups, by, period, zone, where & ~continues, now, book)
    for row in load_case_rows(rebuilt, now):
        reading = readings(book.by_id(row.policy_id), row.facts, now)
        severity = row.facts.as_of(now).severity.value
        tally = groups.setdefault(_group_key(by, row, severity, zone), _Tally())
        tally.cases += 1
        for target, timer in (("response", reading.response), ("resolution", reading.resolution)):
            counts = tally.counts[target]
            if timer.state == TimerState.MET:
                counts["met"] += 1
            elif timer.state == TimerState.LATE:
                counts["late"] += 1
            elif timer.state == TimerState.BREACHED:
                counts["breached_open"] += 1
            if timer.state.is_done:
                tally.seconds[target].append(timer.elapsed_seconds)
    order: Callable[[str], Any] = str
    if by == "severity":
        ranks = ["critical", "major", "moderate", "minor"]
        order = ranks.index
    return [{by: key, **groups[key].as_dict()} for key in sorted(groups, key=order)]


#: Up to this many cases with pauses or severity changes after now are named by id; beyond,
#: the subquery itself goes into the SQL (SQLite caps bound parameters).
_INLINE_IDS = 1000


def _few_ids(query: peewee.SelectQuery) -> list[int] | None:
    """The case ids a one-column query returns, when there are at most :data:`_INLINE_IDS`."""
    ids = [case_id for (case_id,) in rows_of(query.limit(_INLINE_IDS + 1))]
    return ids if len(ids) <= _INLINE_IDS else None


def _named(condition: peewee.Expression) -> peewee.Expression:
    """The cases matching ``condition`` by id when they are few (usually none: a report as of
    the present): rebuilding them then reads them by id instead of scanning for them in each of
    its four queries (14 s of a 40 s report at 1,000,000 cases)."""
    ids = _few_ids(Case.select(Case.id).where(condition))
    return Case.id.in_(ids) if ids is not None else condition


def _paused_or_regraded_after(now: datetime) -> peewee.Expression:
    """Cases with a pause or a severity change recorded after ``now``.

    Those are read once (usually few: none at all for a report as of the present) and named
    by id, rather than searched again in every query."""
    later_pause = SlaPause.select(SlaPause.case).where(
        (SlaPause.started_at > now) | (SlaPause.ended_at.is_null(False) & (SlaPause.ended_at > now))
    )
    later_severity = CaseEvent.select(CaseEvent.case).where(
        (CaseEvent.kind == "severity") & (CaseEvent.at > now)
    )
    later = later_pause | later_severity
    ids = _few_ids(later)
    return Case.id.in_(ids if ids is not None else later)


#: The case's own instants a report as of ``now`` must not see beyond it.
_OWN_INSTANTS = (Case.first_response_at, Case.resolved_at, Case.closed_at)


def _answered_or_done_after(now: datetime) -> peewee.Expression:
    """Cases first answered, resolved or closed after ``now`` (with the pauses and severity
    changes after it: everything a report as of ``now`` must rebuild)."""
    answered, resolved, closed = _OWN_INSTANTS
    return (
        (answered.is_null(False) & (answered > now))
        | (resolved.is_null(False) & (resolved > now))
        | (closed.is_null(False) & (closed > now))
    )


def _count(condition: peewee.Expression | peewee.Function) -> peewee.Function:
    return peewee.fn.SUM(peewee.Case(None, ((condition, 1),), 0))


def _group_column(
    by: str, period: Period, zone: Any, query: peewee.ModelSelect[Case]
) -> tuple[Any, peewee.ModelSelect[Case]]:
    """The SQL expression naming each case's group, and the query with the joins it needs.

    Months and weeks are support-zone periods: a CASE over their UTC boundaries (the same SQL on
    SQLite and PostgreSQL, no time-zone functions)."""
    if by == "severity":
        return Case.severity, query
    if by == "channel":
        return Case.channel, query
    if by == "client":
        return Client.code, query.join(Client, on=(Case.client == Client.id))
    if by == "agent":
        column = peewee.fn.COALESCE(User.login, NONE_LABEL)
        return column, query.join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
    starts = []
    day = (
        period.start.replace(day=1)
        if by == "month"
        else period.start - timedelta(days=period.start.weekday())
    )
    while day < period.end:
        starts.append(day)
        if by == "month":
            day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            day += timedelta(weeks=1)
    labels = [d.strftime("%Y-%m") if by == "month" else d.isoformat() for d in starts]
    bounds = [day_start(next_start, zone) for next_start in starts[1:]]
    bounds.append(day_start(period.end, zone))  # at least one branch: CASE needs a WHEN
    branches = tuple(
        (Case.received_at < bound, label) for bound, label in zip(bounds, labels, strict=True)
    )
    return peewee.Case(None, branches, labels[-1]), query


def _tally_settled(
    groups: dict[str, _Tally],
    by: str,
    period: Period,
    zone: Any,
    where: peewee.Expression,
    now: datetime,
    book: PolicyBook,
    unless_after: datetime | None = None,
) -> bool:
    """Count the cases whose stored due instants tell their state at ``now`` (two queries).

    ``unless_after``: first check, in the same GROUP BY, that none of them was answered,
    resolved or closed after that instant; if one was, count nothing and return False."""
    responded, resolved = Case.first_response_at, Case.resolved_at
    counts = [
        peewee.fn.COUNT(Case.id),
        _count(responded.is_null(False) & (responded <= Case.response_due)),
        _count(responded.is_null(False) & (responded > Case.response_due)),
        _count(responded.is_null() & (Case.response_due < now)),
        _count(resolved.is_null(False) & (resolved <= Case.resolution_due)),
        _count(resolved.is_null(False) & (resolved > Case.resolution_due)),
        _count(
            resolved.is_null()
            & (
                (Case.paused_since.is_null() & (Case.resolution_due < now))
                | (Case.paused_since.is_null(False) & (Case.resolution_due < Case.paused_since))
            )
        ),
    ]
    if unless_after is not None:
        counts += [peewee.fn.MAX(instant) for instant in _OWN_INSTANTS]
    column, query = _group_column(by, period, zone, Case.select())
    # GROUP BY the first column: PostgreSQL would not match a CASE whose parameters differ.
    query = query.select(column, *counts).where(where).group_by(peewee.SQL("1"))
    aggregated = list(rows_of(query))
    if unless_after is not None:
        limit = unless_after.timestamp()
        latest = [value for row in aggregated for value in row[-len(_OWN_INSTANTS) :]]
        if any(value is not None and epoch_from_db(value) > limit for value in latest):
            return False
        aggregated = [row[: -len(_OWN_INSTANTS)] for row in aggregated]
    for key, cases, *numbers in aggregated:
        tally = groups.setdefault(str(key), _Tally())
        tally.cases += int(cases)
        for index, target in enumerate(_TARGETS):
            for offset, name in enumerate(("met", "late", "breached_open")):
                tally.counts[target][name] += int(numbers[3 * index + offset] or 0)
    # Business seconds of met targets: one slim scan of the cases that responded or resolved,
    # batched per policy and severity (one table lookup, then a bisect per instant).
    column, query = _group_column(by, period, zone, Case.select())
    query = query.select(
        column,
        Case.policy,
        Case.severity,
        read_as_epoch(Case.first_response_at),
        read_as_epoch(Case.response_due),
        read_as_epoch(Case.resolved_at),
        read_as_epoch(Case.resolution_due),
    ).where(where & (Case.first_response_at.is_null(False) | Case.resolved_at.is_null(False)))
    cursor = Case._meta.database.execute(query)  # raw rows: no model or field conversions
    while rows := cursor.fetchmany(_CHUNK):
        _tally_seconds(groups, rows, book)
    return True


#: Rows of the slim scan handled at a time: raw instants are converted a batch at a time (per-
#: value calls were a third of the report at 1,000,000 cases), and only a chunk's are held.
_CHUNK = 50_000


def _tally_seconds(
    groups: dict[str, _Tally], rows: list[tuple[Any, ...]], book: PolicyBook
) -> None:
    """Business seconds to each met target, for rows of (group, policy, severity, responded,
    response due, resolved, resolution due): batched per target, policy and severity (one
    table lookup, then a bisect per instant)."""
    batches: dict[str, dict[tuple[int, str], tuple[list[str], list[Any], list[Any]]]] = {
        target: {} for target in _TARGETS
    }
    responses, resolutions = batches["response"], batches["resolution"]
    for key, policy_id, severity, responded_at, response_due, resolved_at, due in rows:
        pair = (policy_id, severity)
        for found, met, deadline in (
            (responses, responded_at, response_due),
            (resolutions, resolved_at, due),
        ):
            if met is None:
                continue
            batch = found.get(pair)
            if batch is None:
                batch = found[pair] = ([], [], [])
            batch[0].append(key)
            batch[1].append(met)
            batch[2].append(deadline)
    for target, by_pair in batches.items():
        for (policy_id, severity), (keys, mets, dues) in by_pair.items():
            policy = book.by_id(policy_id)
            seconds = getattr(policy.targets[Severity(severity)], f"{target}_seconds")
            calendar = policy.calendar_for(Severity(severity))
            positions = calendar.positions_epoch(_epochs(mets) + _epochs(dues))
            count = len(mets)
            for key, met_at, due_at in zip(keys, positions[:count], positions[count:], strict=True):
                name = str(key)
                known = groups.get(name)
                tally = known if known is not None else groups.setdefault(name, _Tally())
                tally.seconds[target].append(max(0.0, seconds - (due_at - met_at)))


def _epochs(values: list[Any]) -> list[float]:
    """Epoch seconds of a batch of raw instants of one backend (SQLite's text parsed inline;
    PostgreSQL's already epoch seconds, :func:`read_as_epoch`)."""
    if values and type(values[0]) is float:
        return values
    if values and isinstance(values[0], str):
        parse, epoch = datetime.fromisoformat, NAIVE_EPOCH
        return [(parse(value) - epoch).total_seconds() for value in values]
    return [epoch_from_db(value) for value in values]


class _Tally:
    def __init__(self) -> None:
        self.cases = 0
        self.counts = {t: {"met": 0, "late": 0, "breached_open": 0} for t in _TARGETS}
        self.seconds: dict[str, list[float]] = {t: [] for t in _TARGETS}

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"cases": self.cases}
        for target in _TARGETS:
            counts = self.counts[target]
            denominator = counts["met"] + counts["late"] + counts["breached_open"]
            result[target] = {
                **counts,
                "compliance": None if denominator == 0 else counts["met"] / denominator,
                "median_seconds": _whole(nearest_rank(self.seconds[target], 50)),
                "p90_seconds": _whole(nearest_rank(self.seconds[target], 90)),
            }
        return result


_TARGETS = ("response", "resolution")


def _whole(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 3)


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A report row with nested targets flattened (``response_met``...) for CSV and tables."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def breaches_report(
    ctx: ServiceContext, period: Period, book: PolicyBook | None = None
) -> list[dict[str, Any]]:
    """Per severity: cases, and targets missed (late or breached and still open)."""
    rows = sla_report(ctx, period, "severity", book)
    return [
        {
            "severity": row["severity"],
            "cases": row["cases"],
            "response_late": row["response"]["late"],
            "response_breached_open": row["response"]["breached_open"],
            "resolution_late": row["resolution"]["late"],
            "resolution_breached_open": row["resolution"]["breached_open"],
        }
        for row in rows
    ]


def backlog_report(
    ctx: ServiceContext, period: Period, book: PolicyBook | None = None, every_days: int = 1
) -> list[dict[str, Any]]:
    """Open cases (received, not resolved) at the end of each day of the period, or of every
    ``every_days``-th day (days after the clock's now are left out; the day not over yet is
    counted up to now).

    Open at an instant = received by then, less those resolved then (a resolved case has
    exactly one "resolved" pause covering the instant). Counted cumulatively: each day adds
    what came in, and the resolution pauses that started and ended, since the day before
    (index range counts: :func:`_between`). Counting everything again at each day's end read
    every case and scanned every pause per day (21 s for 84 days at a million cases)."""
    ctx.require(Action.VIEW_REPORTS)
    check_period(period.start, period.end)
    if (period.end - period.start).days > 3660:
        raise InvalidInput("a backlog covers at most ten years of days", field="--to")
    now = ctx.clock.now()
    book = book or load_policy_book()
    zone = book.at(now).calendar.zone
    ends: list[tuple[date, datetime]] = []
    day = period.start
    while day < period.end:
        day = min(day + timedelta(days=every_days - 1), period.end - timedelta(days=1))
        instant = day_start(day + timedelta(days=1), zone)
        if instant > now:  # a day not over yet: its count so far, under today's date (a week's
            instant = now  # last row was dated its Sunday, days ahead, with today's count)
            day = min(day, now.astimezone(zone).date())
        ends.append((day, instant))
        if instant == now:
            break
        day += timedelta(days=1)
    resolved = SlaPause.reason == "resolved"
    # A pause that ended before it started (two consoles' clocks apart) is not resolved at an
    # instant between the two, though counted as started and not ended: found once, corrected.
    inverted = list(
        tuples(
            SlaPause.select(SlaPause.started_at, SlaPause.ended_at).where(
                resolved & (SlaPause.ended_at < SlaPause.started_at)
            )
        )
    )
    result = []
    received = started = ended = 0
    before: datetime | None = None
    for day, instant in ends:
        received += _between(Case.received_at, before, instant)
        started += _between(SlaPause.started_at, before, instant, resolved)
        ended += _between(SlaPause.ended_at, before, instant, resolved)
        straddling = sum(1 for start, end in inverted if end <= instant < start)
        result.append({"date": day.isoformat(), "open": received - started + ended - straddling})
        before = instant
    return result


def _between(
    column: peewee.Field,
    after: datetime | None,
    upto: datetime,
    condition: peewee.Expression | None = None,
) -> int:
    """How many rows have ``column`` in ``(after, upto]`` (from the start with no ``after``)."""
    where = column <= upto
    if after is not None:
        where &= column > after
    if condition is not None:
        where = condition & where
    return int(column.model.select().where(where).count())


def _resolved_pause_at(instant: datetime) -> peewee.ModelSelect[SlaPause]:
    """The "resolved" pause of the outer query's case that covers ``instant`` (if resolved then)."""
    return SlaPause.select(SlaPause.id).where(
        (SlaPause.case == Case.id)
        & (SlaPause.reason == "resolved")
        & (SlaPause.started_at <= instant)
        & (SlaPause.ended_at.is_null() | (SlaPause.ended_at > instant))
    )


def channels_report(
    ctx: ServiceContext, period: Period, book: PolicyBook | None = None
) -> list[dict[str, Any]]:
    """Cases by channel and category (one GROUP BY)."""
    ctx.require(Action.VIEW_REPORTS)
    now, book, where = _report_scope(ctx, period, book)
    query = (
        Case.select(Case.channel, Case.category, peewee.fn.COUNT(Case.id))
        .where(where)
        .group_by(Case.channel, Case.category)
        .order_by(Case.channel, Case.category)
    )
    return [
        {"channel": channel, "category": category, "cases": int(count)}
        for channel, category, count in rows_of(query)
    ]


def agents_report(
    ctx: ServiceContext, period: Period, book: PolicyBook | None = None
) -> list[dict[str, Any]]:
    """Per assignee (current assignment): cases received in the period, resolved at the clock's
    now (a reopened case counts as resolved only while it was), and the rest."""
    ctx.require(Action.VIEW_REPORTS)
    now, book, where = _report_scope(ctx, period, book)
    resolved = _count(peewee.fn.EXISTS(_resolved_pause_at(now)))
    query = (
        Case.select(User.login, peewee.fn.COUNT(Case.id), resolved)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
        .where(where)
        .group_by(User.login)
        .order_by(User.login)
    )
    return [
        {
            "agent": login or NONE_LABEL,
            "cases": int(count),
            "resolved": int(done or 0),
            "unresolved": int(count) - int(done or 0),
        }
        for login, count, done in rows_of(query)
    ]


def clients_report(
    ctx: ServiceContext, period: Period, book: PolicyBook | None = None
) -> list[dict[str, Any]]:
    """Per client: cases received in the period, and how many of them critical (one GROUP BY)."""
    ctx.require(Action.VIEW_REPORTS)
    now, book, where = _report_scope(ctx, period, book)
    critical = peewee.fn.SUM(peewee.Case(None, ((Case.severity == "critical", 1),), 0))
    query = (
        Case.select(Client.code, peewee.fn.COUNT(Case.id), critical)
        .join(Client, on=(Case.client == Client.id))
        .where(where)
        .group_by(Client.code)
        .order_by(peewee.fn.COUNT(Case.id).desc(), Client.code)
    )
    return [
        {"client": code, "cases": int(count), "critical": int(crit or 0)}
        for code, count, crit in rows_of(query)
    ]


def insights(ctx: ServiceContext, weeks: int = 12) -> dict[str, Any]:
    """The console's insights: compliance per week, backlog at each week's end, median response
    by severity, over the last ``weeks`` weeks (Monday to Sunday, support zone)."""
    ctx.require(Action.VIEW_REPORTS)
    now = ctx.clock.now()
    book = load_policy_book()
    today = now.astimezone(book.at(now).calendar.zone).date()
    monday = today - timedelta(days=today.weekday())
    period = Period(monday - timedelta(weeks=weeks - 1), monday + timedelta(weeks=1))
    weekly = sla_report(ctx, period, "week", book)
    by_week = {row["week"]: row for row in weekly}
    compliance = []
    for index in range(weeks):
        week = (period.start + timedelta(weeks=index)).isoformat()
        row = by_week.get(week)
        compliance.append(
            {
                "week": week,
                "cases": row["cases"] if row else 0,
                "response": row["response"]["compliance"] if row else None,
                "resolution": row["resolution"]["compliance"] if row else None,
            }
        )
    backlog = backlog_report(ctx, period, book, every_days=7)
    severities = sla_report(ctx, period, "severity", book)
    response = [
        {
            "severity": row["severity"],
            "cases": row["cases"],
            "median_seconds": row["response"]["median_seconds"],
            "p90_seconds": row["response"]["p90_seconds"],
        }
        for row in severities
    ]
    return {
        "compliance": compliance,
        "backlog": backlog,
        "response": response,
        "today": today.isoformat(),  # the backlog's row for today counts up to now
    }


REPORTS: dict[str, Callable[[ServiceContext, Period, PolicyBook | None], list[dict[str, Any]]]] = {
    "breaches": breaches_report,
    "backlog": backlog_report,
    "channels": channels_report,
    "agents": agents_report,
    "clients": clients_report,
}


# -- the audit trail ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditQuery:
    """Which audit records: of one case, by one login, since an instant; newest first."""

    case: str | None = None
    user: str | None = None
    since: datetime | None = None
    limit: int = 100


def audit_entries(
    ctx: ServiceContext, query: AuditQuery, book: PolicyBook | None = None
) -> list[dict[str, Any]]:
    """Who changed what, before and after (newest first; nothing after the clock's now)."""
    ctx.require(Action.VIEW_REPORTS)
    check_audit_limit(query.limit)
    now = ctx.clock.now()
    book = book or load_policy_book()
    zone = book.at(now).calendar.zone
    return [audit_dict(values, zone) for values in rows_of(audit_query(query, now))]


def audit_query(query: AuditQuery, now: datetime) -> peewee.ModelSelect[AuditEntry]:
    """:func:`audit_entries`' statement (its plans are tested)."""
    where = AuditEntry.at <= now
    if query.case is not None:
        from wzdesk.services.cases import get_case

        where &= (AuditEntry.entity == "case") & (AuditEntry.entity_id == get_case(query.case).ref)
    if query.user is not None:
        where &= AuditEntry.actor == query.user.strip()
    if query.since is not None:
        where &= AuditEntry.at >= query.since
    return (
        AuditEntry.select(*(getattr(AuditEntry, name) for name in AUDIT_COLUMNS))
        .where(where)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(query.limit)
    )
