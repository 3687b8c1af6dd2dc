"""Most urgent first: one order for the console's queue and for the search's pages.

Urgency is the business time left on a case's nearest running target. A resolution target that
is paused (waiting on the client) keeps the time it had left when it paused, and its stored due
instant stays where it was when the clock stopped: it moves on resume. So SQL, which can only
order by stored instants, lifts a long-waiting case above cases that are breached (a case with
7h47m left above one 1h12m overdue, seen in ``case list``). The queue sorts its rows by
:func:`urgency`; the search reads SQL's order a window at a time and ranks each window with the
same key (:func:`first_in_order`), so both list the same cases in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.query import Node, due_at_least, requires_at_risk
from wzdesk.core.sla import Severity
from wzdesk.services.policy_book import PolicyBook
from wzdesk.store.stored_values import epoch_from_db

#: Up to this LIMIT the default (urgency) order is read from the due-instant indexes, a window
#: at a time; past it, SQL sorts every match (the search's and the quick path's ``first``).
STREAMED_UP_TO = 1000

#: (business seconds left, severity rank, case id): the queue's order, smallest first.
UrgencyKey = tuple[float, int, int]


def response_remaining(
    calendar: BusinessCalendar, now: float, responded: bool, response_due: float
) -> float | None:
    """Business seconds to the response due instant (negative once breached); None once met."""
    if responded:
        return None
    positions = calendar.positions_epoch([now, response_due])
    return positions[1] - positions[0]


def resolution_remaining(
    calendar: BusinessCalendar,
    now: float,
    resolution_due: float,
    paused_since: float | None,
    paused_after: float,
) -> float:
    """Business seconds to the resolution due instant, frozen at the pause while paused
    (negative once breached, less ``paused_after``: the case's
    ``resolution_paused_after_due``, waits begun once it was breached)."""
    reading = paused_since if paused_since is not None else now
    positions = calendar.positions_epoch([reading, resolution_due])
    left = positions[1] - positions[0] + paused_after
    return min(left, 0.0) if reading > resolution_due else left


def next_due(responded: bool, response_due: float, resolution_due: float) -> float:
    """An open case's stored next due instant: where SQL's urgency order (the index
    ``case_open_next_due``, :func:`wzdesk.store.queries.open_next_due`) puts it."""
    return resolution_due if responded else min(response_due, resolution_due)


def urgency(
    calendar: BusinessCalendar,
    now: float,
    responded: bool,
    response_due: float,
    resolution_due: float,
    paused_since: float | None,
    paused_after: float,
) -> float:
    """Business seconds to the nearest due instant (the resolution's frozen while paused)."""
    resolution = resolution_remaining(calendar, now, resolution_due, paused_since, paused_after)
    response = response_remaining(calendar, now, responded, response_due)
    return resolution if response is None else min(response, resolution)


def _calendars(book: PolicyBook) -> list[BusinessCalendar]:
    """Every calendar a case's targets may count on (each version, office hours or 24×7)."""
    found: dict[int, BusinessCalendar] = {}
    for policy in book.policies().values():
        for severity in Severity:
            calendar = policy.calendar_for(severity)
            found.setdefault(id(calendar), calendar)
    return list(found.values())


def floor(book: PolicyBook, now: float, edge: float) -> float:
    """The least urgency an open case can have if its stored next due instant is ``edge`` or
    later: every running target of it is due at ``edge`` or later, and a paused one stopped
    no later than ``now``, so it had at least the business time from ``now`` to ``edge``
    left, on whichever calendar it counts."""
    return min(
        positions[1] - positions[0]
        for positions in (c.positions_epoch([now, edge]) for c in _calendars(book))
    )


#: What :func:`open_keys` reads of each case, in this order: the caller's ``read`` returns these
#: columns of the ``case`` table for the ids it is given (any order). This module does not
#: reach the database itself, so that ``case list`` can rank over the quick read-only path
#: without Peewee (:mod:`wzdesk.services.quick_case_reads`).
URGENCY_COLUMNS = (
    "id",
    "is_open",
    "severity",
    "policy_id",
    "first_response_at",
    "response_due",
    "resolution_due",
    "paused_since",
    "resolution_paused_after_due",
)
#: ``read(ids)``: the :data:`URGENCY_COLUMNS` of those cases (at most 500 ids a call).
ReadUrgency = Callable[[Sequence[int]], Iterable[Sequence[Any]]]


def open_keys(
    case_ids: Iterable[int], book: PolicyBook, now: float, read: ReadUrgency
) -> dict[int, tuple[UrgencyKey, float]]:
    """For each open case among ``case_ids``: its queue key, and its stored next due instant
    (where SQL's urgency order puts it). Done cases are left out."""
    wanted = sorted({int(case_id) for case_id in case_ids})
    keys: dict[int, tuple[UrgencyKey, float]] = {}
    calendars: dict[tuple[int, str], BusinessCalendar] = {}
    for start in range(0, len(wanted), 500):  # within any backend's parameter limit
        chunk = wanted[start : start + 500]
        for (
            case_id,
            is_open,
            severity,
            policy_id,
            answered,
            response,
            resolution,
            paused,
            paused_after,
        ) in read(chunk):
            if not is_open:
                continue
            calendar_key = (int(policy_id), str(severity))
            if calendar_key not in calendars:
                policy = book.by_id(calendar_key[0])
                calendars[calendar_key] = policy.calendar_for(Severity(calendar_key[1]))
            responded = answered is not None
            response_due, resolution_due = epoch_from_db(response), epoch_from_db(resolution)
            left = urgency(
                calendars[calendar_key],
                now,
                responded,
                response_due,
                resolution_due,
                None if paused is None else epoch_from_db(paused),
                float(paused_after),
            )
            stored = next_due(responded, response_due, resolution_due)
            keys[int(case_id)] = ((left, Severity(str(severity)).rank, int(case_id)), stored)
    return keys


#: A paused case's stored time left and the one :func:`open_keys` computes come from the same
#: instants by two conversions (the writer's ``datetime.timestamp``, the reader's of the
#: driver's value) that may differ in the last bit: the paused stream's edge is lowered by
#: this much so that no rounding can rank a case past it ahead of the page.
_ROUNDING = 0.001

#: ``paused(count)``: (case id, stored ``paused_left``) of at least the first ``count`` paused
#: open cases that match, least left first (all, for None).
PausedStream = Callable[[int | None], list[tuple[int, float]]]
#: ``done(count)``: the first ``count`` done matches in SQL's order (all, for None).
DoneStream = Callable[[int | None], list[int]]


def first_in_order(
    first: Callable[[int | None], list[int]],
    wanted: int | None,
    book: PolicyBook,
    now: datetime,
    read: ReadUrgency,
    paused: PausedStream | None = None,
    done: DoneStream | None = None,
) -> list[int]:
    """The first ``wanted`` cases (all, for None) in the queue's order.

    ``first(count)``: at least the first ``count`` matches (all, for None; all, when fewer
    match) in SQL's urgency order: the open cases by stored next due instant, then the done
    ones. A longer prefix is welcome: it makes a longer window. Paused cases only sink from
    there (their urgency is at least what their stored instant says), so a window of SQL's
    order holds the answer once its ``wanted``-th most urgent open case is more urgent than
    any case past the window can be (:func:`floor`); until then the window grows fourfold
    (each window is a query again, and may cost what the first did: ranking a row costs far
    less than a round).

    ``paused``: the paused open cases, read in order of their stored frozen time left
    (``case.paused_left``), which is their urgency (or sorts them first when it is not:
    ``core.case_sla.RESPONSE_RUNNING``); ``first`` then leaves them out. Without this second
    stream a case that paused weeks ago sorts first by its stale due instant, the window's
    edge stays in the past, and at a million cases ``case list --at-risk`` ranked every
    at-risk case (6,900 of them paused). The answer is then in the two windows once the
    ``wanted``-th most urgent case read is more urgent than the edge of each stream not read
    to its end.

    ``done``: the done matches (:data:`DoneStream`), asked for only when every open match is
    ranked and the page has room; ``first`` then reads open cases only. (Read with the
    running cases, they cost a page that the paused cases fill: ``status:waiting_client``
    looked through 20,000 waiting cases for done ones, 41 ms at a million cases.)
    """
    at = now.timestamp()
    if wanted is None:  # every match: rank them all
        ids = first(None) + ([] if paused is None else [case for case, _ in paused(None)])
        keys = open_keys(ids, book, at, read)
        ranked = sorted(keys, key=lambda case_id: keys[case_id][0])
        later = [case_id for case_id in ids if case_id not in keys]
        return ranked + later + ([] if done is None else done(None))
    if wanted <= 0:
        return []
    window = paused_window = wanted + 1  # one past the page: the edge is a case no page row is
    while True:
        ids = first(window)
        held = [] if paused is None else paused(paused_window)
        keys = open_keys([*ids, *(case for case, _ in held)], book, at, read)
        opened = sorted(keys, key=lambda case_id: keys[case_id][0])
        finished = [case_id for case_id in ids if case_id not in keys]  # done, read by first
        ranked = opened + finished
        # A stream read to its end (or, for ``first``, to its done cases) bounds nothing.
        running_edge = math.inf
        if len(ids) >= window and not finished:
            running_edge = floor(book, at, keys[ids[-1]][1])
        paused_edge = math.inf
        if len(held) >= paused_window:
            paused_edge = held[-1][1] - _ROUNDING
        edge = min(running_edge, paused_edge)
        if edge == math.inf and len(ranked) < wanted and done is not None:
            return ranked + done(wanted - len(ranked))  # every open match is ranked
        if edge == math.inf or (len(opened) >= wanted and keys[opened[wanted - 1]][0][0] < edge):
            return ranked[:wanted]
        if running_edge == edge:  # the binding stream grows (both, at a tie)
            window = 4 * len(ids)
        if paused_edge == edge:
            paused_window = 4 * len(held)


def running_due_from(node: Node | None, now: datetime, book: PolicyBook) -> datetime | None:
    """The instant before which no running match of a query falls due, where the query says
    one: ``now`` for ``at-risk`` (at risk is not yet overdue), the horizon of a ``due:>X``
    (the earliest of its horizons when severities' calendars differ: each match is due after
    its own). The walks of the running cases start there (the search, the quick path), not at
    the most overdue case."""
    starts = [now] if requires_at_risk(node) else []
    for seconds in due_at_least(node):
        starts.append(min(book.due_horizons(now, seconds)))
    return max(starts) if starts else None
