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

from wzdesk.core.case_sla import clock_pauses, counted_seconds
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
    """Cases received in the period and by ``now`` (as-of: later ones do not exist yet), merged
    duplicates left out: their primary counts the issue, from the earlier received time."""
    check_period(period.start, period.end)
    zone = book.at(now).calendar.zone
    by_now = now + timedelta(microseconds=1)  # instants are stored to the microsecond
    received = received_between(
        day_start(period.start, zone), min(day_start(period.end, zone), by_now)
    )
    return received & Case.merged_into.is_null()


def _report_scope(
    ctx: ServiceContext, period: Period, book: PolicyBook | None
) -> tuple[datetime, PolicyBook, peewee.Expression]:
    """What every period report starts from (after the role check): the clock's now, the
    policy book, and the cases received in the period and by now."""
    now = ctx.clock.now()
    book = book or load_policy_book()
    return now, book, _period_where(period, book, now)


def _group_key(by: str, row: CaseRow, severity: str, zone: Any) -> str:
    """The group of one rebuilt case under one grouping (as :func:`_group_column` in SQL)."""
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

    Cases with nothing recorded after the clock's now are counted from one read of their
    stored instants (:func:`_tally_settled`); only cases whose timeline continues after now
    (an as-of report) are rebuilt from their facts in Python. ``all_in_python`` rebuilds every
    case (tests hold the two against each other).
    """
    ctx.require(Action.VIEW_REPORTS)
    _check_grouping(by)
    tallies = _sla_tallies(ctx, period, (by,), book, all_in_python=all_in_python)
    return _report_rows(by, _folded(tallies, 0))


def _check_grouping(by: str) -> None:
    if by not in GROUPINGS:
        raise InvalidInput(f"--by must be one of {', '.join(GROUPINGS)}, got {by!r}", field="--by")


def _report_rows(by: str, groups: dict[str, _Tally]) -> list[dict[str, Any]]:
    """One report row per group, severities from critical down, other groups by name."""
    order: Callable[[str], Any] = str
    if by == "severity":
        ranks = ["critical", "major", "moderate", "minor"]
        order = ranks.index
    return [{by: key, **groups[key].as_dict()} for key in sorted(groups, key=order)]


def _folded(tallies: dict[tuple[str, ...], _Tally], position: int) -> dict[str, _Tally]:
    """The tallies of a grouping by several keys, summed over all but the one at
    ``position`` (a report by week and by severity read in one pass, then told apart)."""
    folded: dict[str, _Tally] = {}
    for key, tally in tallies.items():
        folded.setdefault(key[position], _Tally()).add(tally)
    return folded


def _sla_tallies(
    ctx: ServiceContext,
    period: Period,
    bys: tuple[str, ...],
    book: PolicyBook | None = None,
    *,
    all_in_python: bool = False,
) -> dict[tuple[str, ...], _Tally]:
    """:func:`sla_report`'s tallies, grouped by every grouping of ``bys`` at once: one read
    of the period's cases serves several reports of it (the console's insights ask by week
    and by severity: two reads of twelve weeks were 3.4 of its 4.1 s at a million cases)."""
    now, book, where = _report_scope(ctx, period, book)
    zone = book.at(now).calendar.zone
    groups: dict[tuple[str, ...], _Tally] = {}
    if all_in_python:
        rebuilt = where
    else:
        later = _paused_or_regraded_after(now)
        # Usually nothing else is recorded after now (a report as of the present): the read
        # checks that itself, which spares a scan for such cases (at a million cases the
        # console's insights took 3.2 -> 2.9 s on SQLite, 2.6 -> 2.1 s on PostgreSQL).
        # Otherwise (an as-of report) they are found first and rebuilt.
        if _tally_settled(groups, bys, period, zone, where & ~later, now, book, unless_after=now):
            rebuilt = _named(where & later)
        else:
            continues = _answered_or_done_after(now) | later
            rebuilt = _named(where & continues)
            _tally_settled(groups, bys, period, zone, where & ~continues, now, book)
    for row in load_case_rows(rebuilt, now):
        reading = readings(book.by_id(row.policy_id), row.facts, now)
        severity = row.facts.as_of(now).severity.value
        key = tuple(_group_key(by, row, severity, zone) for by in bys)
        tally = groups.setdefault(key, _Tally())
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
    return groups


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
    later = later_pauses_and_regrades(now)
    ids = _few_ids(later)
    return Case.id.in_(ids if ids is not None else later)


def later_pauses_and_regrades(now: datetime) -> peewee.SelectQuery:
    """The ids of cases with a pause starting or ending, or a severity change, after ``now``:
    each part a seek along its own index (migrations ``_report_indexes`` and
    ``_pause_instant_indexes``), since the answer is usually none."""
    later_pause = SlaPause.select(SlaPause.case).where(
        (SlaPause.started_at > now) | (SlaPause.ended_at.is_null(False) & (SlaPause.ended_at > now))
    )
    return later_pause | _regraded_after(now)


def _regraded_after(now: datetime) -> peewee.SelectQuery:
    """The ids of cases with a severity change after ``now`` (along ``_report_indexes``)."""
    return CaseEvent.select(CaseEvent.case).where(
        (CaseEvent.kind == "severity") & (CaseEvent.at > now)
    )


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


def _group_columns(
    bys: tuple[str, ...], period: Period, zone: Any, query: peewee.ModelSelect[Case]
) -> tuple[list[Any], peewee.ModelSelect[Case]]:
    """:func:`_group_column` of each grouping, in order, with the joins they need."""
    columns = []
    for by in bys:
        column, query = _group_column(by, period, zone, query)
        columns.append(column)
    return columns, query


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
    groups: dict[tuple[str, ...], _Tally],
    bys: tuple[str, ...],
    period: Period,
    zone: Any,
    where: peewee.Expression,
    now: datetime,
    book: PolicyBook,
    unless_after: datetime | None = None,
) -> bool:
    """Count the cases whose stored due instants tell their state at ``now``, and the business
    seconds to their met targets, from one read of them: each row brings its targets' states
    (the database compares the instants) and the instants of those met. A GROUP BY counting
    them and a second read for the business seconds both read every case's row: 1.1 of a
    1.6 s report over twelve weeks at a million cases.

    ``unless_after``: a case answered, resolved or closed after that instant stops the count
    (nothing is counted) and the answer is False."""
    columns, query = _group_columns(bys, period, zone, Case.select())
    responded, resolved = Case.first_response_at, Case.resolved_at
    response_state = peewee.Case(
        None,
        (
            (responded.is_null(False) & (responded <= Case.response_due), _MET),
            (responded.is_null(False), _LATE),
            (Case.response_due < now, _BREACHED),
        ),
        _RUNNING,
    )
    paused = Case.paused_since
    resolution_state = peewee.Case(
        None,
        (
            (resolved.is_null(False) & (resolved <= Case.resolution_due), _MET),
            (resolved.is_null(False), _LATE),
            (paused.is_null() & (Case.resolution_due < now), _BREACHED),
            (paused.is_null(False) & (Case.resolution_due < paused), _BREACHED),
        ),
        _RUNNING,
    )
    later: Any = peewee.SQL("0")
    if unless_after is not None:
        after = [instant > unless_after for instant in _OWN_INSTANTS]
        later = peewee.Case(None, ((after[0] | after[1] | after[2], 1),), 0)
    # Whether a resolved case's pauses must be read (:func:`_tally_rows`): sought only where
    # its stored due instant cannot tell the time they stood still - a late resolution (a
    # pause may have begun after the due instant) or a target in open days. A CASE evaluates
    # its branch alone: the seek for every resolved case was 0.3 s of a year's 0.9 s report.
    waited = SlaPause.select(SlaPause.id).where(
        (SlaPause.case == Case.id) & SlaPause.ended_at.is_null(False)
    )
    unknown = resolved > Case.resolution_due
    for policy_id, policy in book.policies().items():
        for severity, targets in policy.targets.items():
            if targets.resolution_days:
                unknown |= (Case.policy == policy_id) & (Case.severity == severity.value)
    stood_still = peewee.Case(
        None, ((resolved.is_null(False) & unknown, peewee.fn.EXISTS(waited)),), False
    )
    query = query.select(
        *columns,
        Case.policy,
        Case.severity,
        response_state,
        resolution_state,
        later,
        read_as_epoch(Case.received_at),
        read_as_epoch(responded),
        read_as_epoch(resolved),
        stood_still,
        Case.id,
        read_as_epoch(Case.resolution_due),
    ).where(where)
    width = len(bys)
    read: dict[tuple[str, ...], _Tally] = {}  # counted into groups once read whole
    waits: list[_Waited] = []
    cursor = Case._meta.database.execute(query)  # raw rows: no model or field conversions
    try:
        while rows := cursor.fetchmany(_CHUNK):
            if not _tally_rows(read, rows, width, book, waits):
                return False
    finally:
        cursor.close()
    _tally_waits(read, waits, where, book)
    for key, tally in read.items():
        groups.setdefault(key, _Tally()).add(tally)
    return True


#: A target's state as :func:`_tally_settled`'s read gives it, and the count each one adds to.
_MET, _LATE, _BREACHED, _RUNNING = 0, 1, 2, 3
_STATE_COUNTS = ("met", "late", "breached_open")


#: A resolved case whose clock stood still at times, as :func:`_tally_rows` leaves it to
#: :func:`_tally_waits`: its group, policy, severity, id, and received and resolved instants.
_Waited = tuple[tuple[str, ...], int, str, int, Any, Any]


def _tally_rows(
    groups: dict[tuple[str, ...], _Tally],
    rows: list[tuple[Any, ...]],
    width: int,
    book: PolicyBook,
    waits: list[_Waited],
) -> bool:
    """Count each row's case and its targets' states, and the business seconds to each met
    target, for rows of (``width`` group columns, policy, severity, response state,
    resolution state, later, received, responded, resolved, paused, id, resolution due);
    False, at once, at a case with something recorded after the report's instant (``later``).

    A met target's seconds are counted as explain counts them: from receipt to the instant it
    was met (the difference of two positions on the calendar), less the pauses. A resolution
    in hours met on time, or late without a pause, is less the time its pauses pushed its due
    instant by: its target less the time from resolution to due. A resolved case whose
    pauses must be read (``paused``) is left in ``waits`` for :func:`_tally_waits`. (The
    target less the time from met to due counted a target in open days as its stored hours,
    not the business time from receipt to due, which moves with the receipt; and a pause that
    began after the due instant, which pushes no deadline.)

    Business seconds are batched per target, policy and severity: one table lookup, then a
    bisect per instant (:meth:`Calendar.positions_epoch`)."""
    batches: dict[
        str, dict[tuple[int, str], tuple[list[tuple[str, ...]], list[Any], list[Any], list[Any]]]
    ] = {target: {} for target in _TARGETS}
    responses, resolutions = batches["response"], batches["resolution"]
    # Per group: cases, then a slot per response state, then a slot per resolution state
    # (plain lists: a dict of dicts per row was a fifth of a report over a million cases).
    tallied: dict[tuple[str, ...], list[int]] = {}
    for row in rows:
        policy_id, severity, response_state, resolution_state, later = row[width : width + 5]
        if later:
            return False
        key = row[:width]  # the group's names (every grouping's SQL gives text)
        counts = tallied.get(key)
        if counts is None:
            counts = tallied[key] = [0] * 9
        counts[0] += 1
        counts[1 + response_state] += 1
        counts[5 + resolution_state] += 1
        if response_state < _BREACHED:
            batch = responses.get((policy_id, severity))
            if batch is None:
                batch = responses[policy_id, severity] = ([], [], [], [])
            batch[0].append(key)
            batch[1].append(row[width + 5])
            batch[2].append(row[width + 6])
        if resolution_state < _BREACHED:
            if row[width + 8]:
                received, resolved, case_id = row[width + 5], row[width + 7], row[width + 9]
                waits.append((key, policy_id, severity, case_id, received, resolved))
                continue
            batch = resolutions.get((policy_id, severity))
            if batch is None:
                batch = resolutions[policy_id, severity] = ([], [], [], [])
            batch[0].append(key)
            batch[1].append(row[width + 5])
            batch[2].append(row[width + 7])
            batch[3].append(row[width + 10])
    for key, counts in tallied.items():
        known = groups.get(key)
        tally = known if known is not None else groups.setdefault(key, _Tally())
        tally.cases += counts[0]
        for target, first in (("response", 1), ("resolution", 5)):
            for offset, name in enumerate(_STATE_COUNTS):
                tally.counts[target][name] += counts[first + offset]
    for target, by_pair in batches.items():
        for (policy_id, severity), (keys, starts, mets, dues) in by_pair.items():
            policy = book.by_id(policy_id)
            targets = policy.targets[Severity(severity)]
            calendar = policy.calendar_for(Severity(severity))
            count = len(keys)
            if not dues or targets.resolution_days:  # a response, never paused, or a
                # resolution in open days that was not paused (else it is in waits)
                positions = calendar.positions_epoch(_epochs(starts) + _epochs(mets))
                for key, start, met in zip(keys, positions[:count], positions[count:], strict=True):
                    groups[key].seconds[target].append(max(0.0, met - start))
                continue
            # A resolution in hours, from receipt less what its pauses pushed its due instant
            # by: the target less the time from resolution to due (no pause began after the
            # due instant: such a case is in waits). Two instants read, as for a response.
            hours = targets.resolution_seconds
            positions = calendar.positions_epoch(_epochs(mets) + _epochs(dues))
            for key, met, due in zip(keys, positions[:count], positions[count:], strict=True):
                groups[key].seconds[target].append(max(0.0, hours - (due - met)))
    return True


def _tally_waits(
    groups: dict[tuple[str, ...], _Tally],
    waits: list[_Waited],
    where: peewee.Expression,
    book: PolicyBook,
) -> None:
    """The business seconds to resolution of the resolved cases whose clock stood still at
    times (``waits``): from receipt to resolution, less every finished pause (one read of
    the pauses of the cases matching ``where``), batched per policy and severity."""
    if not waits:
        return
    query = (
        SlaPause.select(
            SlaPause.case, read_as_epoch(SlaPause.started_at), read_as_epoch(SlaPause.ended_at)
        )
        .join(Case, on=(SlaPause.case == Case.id))
        .where(where & Case.resolved_at.is_null(False) & SlaPause.ended_at.is_null(False))
    )
    pauses: dict[int, list[tuple[Any, Any]]] = {}
    for case_id, start, end in rows_of(query):
        pauses.setdefault(case_id, []).append((start, end))
    by_pair: dict[tuple[int, str], list[_Waited]] = {}
    for waited in waits:
        by_pair.setdefault((waited[1], waited[2]), []).append(waited)
    for (policy_id, severity), cases in by_pair.items():
        calendar = book.by_id(policy_id).calendar_for(Severity(severity))
        bounds: list[list[float]] = []
        for _key, _policy, _severity, case_id, received, resolved in cases:
            start, until = _epochs([received, resolved])
            spans = pauses.get(case_id, [])
            ends = _epochs([instant for span in spans for instant in span])
            stood = clock_pauses(zip(ends[::2], ends[1::2], strict=True), until)
            bounds.append([start, until, *(instant for span in stood for instant in span)])
        positions = calendar.positions_epoch([instant for row in bounds for instant in row])
        first = 0
        for waited, row in zip(cases, bounds, strict=True):
            last = first + len(row)
            groups[waited[0]].seconds["resolution"].append(counted_seconds(positions[first:last]))
            first = last


#: Rows of the period's cases handled at a time: raw instants are converted a batch at a time
#: (per-value calls were a third of the report at 1,000,000 cases), and only a chunk's are held.
_CHUNK = 50_000


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

    def add(self, other: _Tally) -> None:
        """Count ``other``'s cases in this tally too."""
        self.cases += other.cases
        for target in _TARGETS:
            for name, count in other.counts[target].items():
                self.counts[target][name] += count
            self.seconds[target] += other.seconds[target]

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
    today = now.astimezone(zone).date()
    while day < period.end and day <= today:  # days wholly after now have no row (a period
        # in the future printed today's count, dated today, outside it)
        day = min(day + timedelta(days=every_days - 1), period.end - timedelta(days=1))
        instant = day_start(day + timedelta(days=1), zone)
        if instant > now:  # a day not over yet: its count so far, under today's date (a week's
            instant = now  # last row was dated its Sunday, days ahead, with today's count)
            day = min(day, today)
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
    # Merged duplicates are left out (their primary counts the issue): few, read once, and
    # taken off each day's count as they were counted in it.
    duplicates: dict[int, datetime] = {}
    duplicate_pauses: list[tuple[datetime, datetime | None]] = []
    for case_id, received_at, start, end in tuples(
        Case.select(Case.id, Case.received_at, SlaPause.started_at, SlaPause.ended_at)
        .join(SlaPause, peewee.JOIN.LEFT_OUTER, on=(SlaPause.case == Case.id) & resolved)
        .where(Case.merged_into.is_null(False))
    ):
        duplicates[case_id] = received_at
        if start is not None:
            duplicate_pauses.append((start, end))
    result = []
    received = started = ended = 0
    before: datetime | None = None
    for day, instant in ends:
        received += _between(Case.received_at, before, instant)
        started += _between(SlaPause.started_at, before, instant, resolved)
        ended += _between(SlaPause.ended_at, before, instant, resolved)
        straddling = sum(1 for start, end in inverted if end <= instant < start)
        count = received - started + ended - straddling
        count -= sum(1 for at in duplicates.values() if at <= instant) - sum(
            1 for start, end in duplicate_pauses if _resolved_then(start, end, instant)
        )
        result.append({"date": day.isoformat(), "open": count})
        before = instant
    return result


def _resolved_then(start: datetime, end: datetime | None, instant: datetime) -> bool:
    """Did a "resolved" pause hold at ``instant`` (as the backlog's counts see it)?"""
    return start <= instant and not (end is not None and end <= instant)


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
    """Per client: cases received in the period, and how many of them critical at the clock's
    now, as :func:`sla_report` tells severities (one GROUP BY; a case whose severity changed
    after now, usually none, is rebuilt: the stored severity is today's)."""
    ctx.require(Action.VIEW_REPORTS)
    now, book, where = _report_scope(ctx, period, book)
    later = where & Case.id.in_(_regraded_after(now))
    ids = _few_ids(Case.select(Case.id).where(later))
    regraded = later if ids is None else Case.id.in_(ids)
    is_critical = Case.severity == "critical"
    critical = _count(is_critical & ~regraded if ids != [] else is_critical)
    query = (
        Case.select(Client.code, peewee.fn.COUNT(Case.id), critical)
        .join(Client, on=(Case.client == Client.id))
        .where(where)
        .group_by(Client.code)
        .order_by(peewee.fn.COUNT(Case.id).desc(), Client.code)
    )
    rows = [
        {"client": code, "cases": int(count), "critical": int(crit or 0)}
        for code, count, crit in rows_of(query)
    ]
    if ids != []:  # usually none
        by_code = {row["client"]: row for row in rows}
        for case in load_case_rows(regraded, now):
            if case.facts.as_of(now).severity == Severity.CRITICAL:
                by_code[case.client]["critical"] += 1
    return rows


def insights(ctx: ServiceContext, weeks: int = 12) -> dict[str, Any]:
    """The console's insights: compliance per week, backlog at each week's end, median response
    by severity, over the last ``weeks`` weeks (Monday to Sunday, support zone)."""
    ctx.require(Action.VIEW_REPORTS)
    now = ctx.clock.now()
    book = load_policy_book()
    today = now.astimezone(book.at(now).calendar.zone).date()
    monday = today - timedelta(days=today.weekday())
    period = Period(monday - timedelta(weeks=weeks - 1), monday + timedelta(weeks=1))
    tallies = _sla_tallies(ctx, period, ("week", "severity"), book)
    by_week = {row["week"]: row for row in _report_rows("week", _folded(tallies, 0))}
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
    severities = _report_rows("severity", _folded(tallies, 1))
    response = [
        {
            "severity": row["severity"],
            "cases": row["cases"],
            # the cases the median is taken over: the console shows "answered of cases"
            "answered": row["response"]["met"] + row["response"]["late"],
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

#: The columns of each report's rows (:data:`REPORTS`'), for a header even with no rows.
_COLUMNS = {
    "breaches": (
        "severity",
        "cases",
        "response_late",
        "response_breached_open",
        "resolution_late",
        "resolution_breached_open",
    ),
    "backlog": ("date", "open"),
    "channels": ("channel", "category", "cases"),
    "agents": ("agent", "cases", "resolved", "unresolved"),
    "clients": ("client", "cases", "critical"),
}


def report_columns(name: str, by: str = "severity") -> list[str]:
    """The columns of a report's :func:`flat` rows, in order (``report sla``'s by ``by``):
    CSV prints them as its header though no row came (an empty period printed a blank line)."""
    if name == "sla":
        return list(flat({by: None, **_Tally().as_dict()}))
    return list(_COLUMNS[name])


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
