"""Queue-wide questions as indexed SQL conditions on the stored deadlines.

"Which cases are breached / at risk right now?" never needs the calendar: the deadlines are
stored, so the answer is a comparison with ``now`` that the database does for the whole queue.
A paused resolution clock is judged at the instant it paused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import peewee

from wzdesk.core.case_sla import RESPONSE_RUNNING
from wzdesk.store.fulltext import is_postgres
from wzdesk.store.models import Case


def tuples(query: peewee.SelectBase) -> Iterable[tuple[Any, ...]]:
    """A query's rows as plain tuples (typed: Peewee's stubs type rows as model instances)."""
    return cast(Iterable[tuple[Any, ...]], query.tuples())


def read_as_epoch(column: peewee.Field) -> peewee.Node:
    """An instant column for a bulk read converted to epoch seconds: PostgreSQL converts it
    itself (``float8``, exact to the rounding of the microseconds, as ``datetime.timestamp``);
    a datetime per value cost 3.4 s of a 12 s report over a million cases. SQLite's UTC text
    comes as stored (parsed inline by ``stored_values.epochs_from_db``)."""
    if not is_postgres():
        return column
    return peewee.NodeList((peewee.SQL("EXTRACT(EPOCH FROM"), column, peewee.SQL(")::float8")))


def running_next_due() -> peewee.Node:
    """:func:`open_next_due`'s value written the other way round (the comparison first): the
    expression of the index ``case_running_next_due`` (migration ``_paused_order``), which
    holds the open cases that are not paused. Written apart so that only that
    index serves an order by it: with the same expression SQLite's planner, lacking
    statistics for the new index, walked ``case_open_next_due`` and looked up every paused
    case's row to skip it (231 ms for ``is:paused`` at a million cases, 4 ms on this one)."""
    return peewee.Case(
        None,
        (
            (
                (Case.response_due < Case.resolution_due) & Case.first_response_at.is_null(),
                Case.response_due,
            ),
        ),
        Case.resolution_due,
    )


def open_next_due() -> peewee.Node:
    """When an open case's next target falls due: the response target until the first
    response, when it comes first; then resolution. The very expression the partial index
    ``case_open_next_due`` holds (migration ``_queue_order_index``): change one, change both.

    For an open case this is the search's urgency instant too (``search._next_due``: the
    earlier running target), since both targets are always set and an open case has no
    resolution; so a walk of that index is a walk in urgency order."""
    return peewee.Case(
        None,
        (
            (
                Case.first_response_at.is_null() & (Case.response_due < Case.resolution_due),
                Case.response_due,
            ),
        ),
        Case.resolution_due,
    )


def response_breached(now: datetime) -> peewee.Expression:
    """Past the response due instant with no reply yet (a late reply is late, not overdue)."""
    return (Case.response_due < now) & Case.first_response_at.is_null()


def response_late() -> peewee.Expression:
    """Answered, but only after the response due instant."""
    return Case.first_response_at.is_null(False) & (Case.first_response_at > Case.response_due)


def resolution_breached(now: datetime) -> peewee.Expression:
    """Past the resolution due instant (a paused clock judged when it paused)."""
    return (Case.resolution_due < now) & (
        Case.paused_since.is_null() | (Case.paused_since > Case.resolution_due)
    )


def breached(now: datetime) -> peewee.Expression:
    """Open cases past a due instant they have not met."""
    return Case.is_open & (response_breached(now) | resolution_breached(now))


def at_risk(now: datetime) -> peewee.Expression:
    """Open cases past an at-risk instant, not (yet) breached."""
    response = Case.first_response_at.is_null() & (Case.response_at_risk_at <= now)
    resolution = (Case.resolution_at_risk_at <= now) & (
        Case.paused_since.is_null() | (Case.paused_since >= Case.resolution_at_risk_at)
    )
    overdue = response_breached(now) | resolution_breached(now)
    condition: peewee.Expression = Case.is_open & (response | resolution) & ~overdue
    return condition & _frozen_in_time(now)


def _frozen_in_time(now: datetime) -> peewee.Expression:
    """Implied by :func:`at_risk`, and judged on the paused cases' index: a paused case at
    risk has its response running (``RESPONSE_RUNNING``) or had time left when it paused
    (unless it paused after ``now``, a clock set back). The search's walk of the paused cases
    then skips those that paused already breached without reading their rows (1,900 of
    them, 3.7 ms, at a million cases)."""
    frozen = Case.paused_left
    return (
        frozen.is_null() | (frozen >= 0) | (frozen <= RESPONSE_RUNNING) | (Case.paused_since > now)
    )


#: A period holding more than this share of every case is read by a scan of the case table.
_SCAN_SHARE = 0.25


def received_between(start: datetime, end: datetime) -> peewee.Expression:
    """Cases received in ``[start, end)``.

    On SQLite a long period (most of the history: a report over every case) is read by a scan
    of the table, not through the ``received_at`` index: walking the index and fetching each
    row from it took 4.7 s at 1,000,000 cases where the scan takes 0.4 s, and SQLite's planner
    picks the index whatever the range. Two index-only counts (one query) decide; PostgreSQL's
    planner has statistics and decides itself."""
    column: Any = Case.received_at
    low: Any = start
    high: Any = end
    if not is_postgres():
        in_period, total = Case._meta.database.execute_sql(
            'SELECT (SELECT count(*) FROM "case" WHERE received_at >= ? AND received_at < ?), '
            '(SELECT count(*) FROM "case")',
            [Case.received_at.db_value(start), Case.received_at.db_value(end)],
        ).fetchone()
        if in_period > _SCAN_SHARE * total:
            column = peewee.NodeList((peewee.SQL("+"), Case.received_at), glue="")  # no index
            # Without the field on the left, Peewee would not convert the instants: do it here.
            low, high = (
                peewee.Value(Case.received_at.db_value(i), converter=False) for i in (start, end)
            )
    return cast(peewee.Expression, (column >= low) & (column < high))


def by_received(condition: peewee.Expression, newest_first: bool, limit: int) -> list[Case]:
    """The first ``limit`` cases meeting ``condition`` (one client's, one contact's) by the
    instant they came in, oldest or newest first.

    The matching cases are listed first (a CTE, kept whole on PostgreSQL) and only those are
    sorted. Asked plainly, PostgreSQL walked the index of every case by that instant, testing
    each against the condition: a client's 50 oldest open cases took 2.5 s at a million cases,
    as the oldest cases of a desk are the closed ones."""
    listed = Case.select(Case.id, Case.received_at).where(condition)
    matching = listed.cte("matching", materialized=True if is_postgres() else None)
    instant = matching.c.received_at
    first = (
        matching.select_from(matching.c.id)
        .order_by(instant.desc() if newest_first else instant, matching.c.id)
        .limit(limit)
    )
    ids = [int(case_id) for (case_id,) in tuples(first)]
    found = {case.id: case for case in Case.select().where(Case.id.in_(ids))} if ids else {}
    return [found[case_id] for case_id in ids if case_id in found]
