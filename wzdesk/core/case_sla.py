"""SLA timers of one case, from the deadlines the store keeps and the current instant.

The store keeps, per case, four instants computed when the case last changed: response and
resolution *due*, and the instants each becomes *at risk*. Queue-wide questions ("which cases
are breached?") are then plain indexed comparisons with ``now``, and the live console's tick
only needs a business-time difference for the rows it shows.

Pauses (waiting on the client, resolved) push the resolution deadlines out by the business time
they cover, but only deadlines not yet passed when the pause began: a pause cannot un-breach.
The clock still stands still during a pause begun once the resolution target was breached: the
case keeps the business time of such pauses, and its overdue time leaves it out (due Monday
14:00, waiting on the client from 15:00 to Tuesday 10:00: overdue 1h, not 6h).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeVar

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.sla import Severity, SlaPolicy, TimerState, TimerStatus
from wzdesk.core.values import Value


class Deadlines(Value):
    """What the store keeps of a case's clocks: its four instants (resolution ones already
    pushed by finished pauses), and the business seconds of the finished pauses that began
    once the resolution target was breached (``resolution_paused_after_due``), which push no
    instant but which its overdue time does not count.

    A :class:`Value`, not a frozen dataclass: every command that reads a case loads this module,
    and generating a dataclass's methods costs a script's start-up about a millisecond each."""

    _fields = __match_args__ = (
        "response_due",
        "response_at_risk_at",
        "resolution_due",
        "resolution_at_risk_at",
        "resolution_paused_after_due",
    )
    response_due: datetime
    response_at_risk_at: datetime
    resolution_due: datetime
    resolution_at_risk_at: datetime
    resolution_paused_after_due: float

    def __init__(
        self,
        response_due: datetime,
        response_at_risk_at: datetime,
        resolution_due: datetime,
        resolution_at_risk_at: datetime,
        resolution_paused_after_due: float,
    ) -> None:
        self._set(
            response_due=response_due,
            response_at_risk_at=response_at_risk_at,
            resolution_due=resolution_due,
            resolution_at_risk_at=resolution_at_risk_at,
            resolution_paused_after_due=resolution_paused_after_due,
        )


class CaseClock(Value):
    """What a case's timers depend on besides the policy."""

    _fields = __match_args__ = (
        "severity",
        "received_at",
        "first_response_at",
        "resolved_at",
        "paused_since",
    )
    severity: Severity
    received_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    paused_since: datetime | None  # an ongoing pause (waiting on client), None when running

    def __init__(
        self,
        severity: Severity,
        received_at: datetime,
        first_response_at: datetime | None,
        resolved_at: datetime | None,
        paused_since: datetime | None,
    ) -> None:
        self._set(
            severity=severity,
            received_at=received_at,
            first_response_at=first_response_at,
            resolved_at=resolved_at,
            paused_since=paused_since,
        )


def clock_stop(now: datetime, closed_at: datetime | None) -> datetime:
    """The instant a case's timers read at ``now``: its closing, if it was closed before.

    A case is closed once resolved (both targets met by then), or by a merge into its primary:
    a merged duplicate's clocks stop at the merge, not breached ever after."""
    return closed_at if closed_at is not None and closed_at < now else now


def shift_for_pause(
    calendar: BusinessCalendar, deadline: datetime, start: datetime, end: datetime
) -> datetime:
    """Where ``deadline`` moves when the clock stood still from ``start`` to ``end``."""
    if deadline <= start or end <= start:
        return deadline
    return calendar.add_business_seconds(deadline, calendar.business_seconds_between(start, end))


def paused_after_due(
    calendar: BusinessCalendar, due: datetime, start: datetime, end: datetime
) -> float:
    """The business seconds a pause from ``start`` to ``end`` adds to a breached target's
    :attr:`Deadlines.resolution_paused_after_due`: all of it if it began once ``due`` had
    passed (it pushes ``due`` nowhere), else none (it pushed ``due`` by all of it)."""
    if due > start or end <= start:
        return 0.0
    return calendar.business_seconds_between(start, end)


_Instant = TypeVar("_Instant", datetime, float)


def clock_pauses(
    pauses: Iterable[tuple[_Instant, _Instant]], until: _Instant
) -> list[tuple[_Instant, _Instant]]:
    """When the clock stood still before ``until``: the finished pauses cut to it, in order,
    overlaps merged. Every pause stops the clock, one that began after the due instant too:
    that one pushes no deadline (a pause cannot un-breach), but its time is not counted."""
    spans: list[tuple[_Instant, _Instant]] = []
    for start, end in sorted(pauses):
        end = min(end, until)
        if end <= start:
            continue
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def counted_seconds(positions: Sequence[float]) -> float:
    """The business seconds a clock ran, from calendar positions
    (:meth:`BusinessCalendar.positions_epoch`): of its start, of the instant it stopped, then
    of each of its :func:`clock_pauses`' start and end."""
    counted = positions[1] - positions[0]
    for index in range(2, len(positions), 2):
        counted -= positions[index + 1] - positions[index]
    return max(0.0, counted)


def compute_deadlines(
    policy: SlaPolicy,
    severity: Severity,
    received_at: datetime,
    finished_pauses: Iterable[tuple[datetime, datetime]] = (),
) -> Deadlines:
    """Every stored deadline from scratch (a new case, or a severity change)."""
    calendar = policy.calendar_for(severity)
    ratio = policy.at_risk_ratio
    response_seconds = policy.target_seconds(severity, received_at, resolution=False)
    resolution_seconds = policy.target_seconds(severity, received_at, resolution=True)
    resolution_due = policy.base_due(severity, received_at, resolution=True)
    resolution_risk = calendar.add_business_seconds(received_at, ratio * resolution_seconds)
    overdue_paused = 0.0
    for start, end in sorted(finished_pauses):
        overdue_paused += paused_after_due(calendar, resolution_due, start, end)
        resolution_due = shift_for_pause(calendar, resolution_due, start, end)
        resolution_risk = shift_for_pause(calendar, resolution_risk, start, end)
    return Deadlines(
        response_due=policy.base_due(severity, received_at, resolution=False),
        response_at_risk_at=calendar.add_business_seconds(received_at, ratio * response_seconds),
        resolution_due=resolution_due,
        resolution_at_risk_at=resolution_risk,
        resolution_paused_after_due=overdue_paused,
    )


def after_pause(
    policy: SlaPolicy, severity: Severity, deadlines: Deadlines, start: datetime, end: datetime
) -> Deadlines:
    """The deadlines once a pause from ``start`` to ``end`` has finished."""
    calendar = policy.calendar_for(severity)
    due = deadlines.resolution_due
    return Deadlines(
        response_due=deadlines.response_due,
        response_at_risk_at=deadlines.response_at_risk_at,
        resolution_due=shift_for_pause(calendar, due, start, end),
        resolution_at_risk_at=shift_for_pause(
            calendar, deadlines.resolution_at_risk_at, start, end
        ),
        resolution_paused_after_due=deadlines.resolution_paused_after_due
        + paused_after_due(calendar, due, start, end),
    )


def response_timer(
    policy: SlaPolicy, clock: CaseClock, deadlines: Deadlines, now: datetime
) -> TimerStatus:
    """The response timer: met by the first public reply."""
    target = round(policy.target_seconds(clock.severity, clock.received_at, resolution=False))
    due, at_risk_at = deadlines.response_due, deadlines.response_at_risk_at
    calendar = policy.calendar_for(clock.severity)
    return _timer(calendar, target, due, at_risk_at, clock.first_response_at, None, 0.0, now)


def resolution_timer(
    policy: SlaPolicy, clock: CaseClock, deadlines: Deadlines, now: datetime
) -> TimerStatus:
    """The resolution timer: met on resolution, frozen while paused (once breached too)."""
    target = round(policy.target_seconds(clock.severity, clock.received_at, resolution=True))
    due, at_risk_at = deadlines.resolution_due, deadlines.resolution_at_risk_at
    calendar = policy.calendar_for(clock.severity)
    stood_still = deadlines.resolution_paused_after_due
    return _timer(
        calendar, target, due, at_risk_at, clock.resolved_at, clock.paused_since, stood_still, now
    )


def _timer(
    calendar: BusinessCalendar,
    target: int,
    due: datetime,
    at_risk_at: datetime,
    met_at: datetime | None,
    paused_since: datetime | None,
    paused_after_due: float,
    now: datetime,
) -> TimerStatus:
    """``paused_after_due``: business seconds of finished pauses begun past ``due``, which
    the overdue time leaves out (they lie between ``due`` and the reading)."""
    if met_at is not None:
        state = TimerState.MET if met_at <= due else TimerState.LATE
        elapsed = target - calendar.business_seconds_between(met_at, due) - paused_after_due
        return TimerStatus(target, due, state, max(0.0, elapsed), None, False)
    reading = paused_since if paused_since is not None and paused_since < now else now
    remaining = calendar.business_seconds_between(reading, due) + paused_after_due
    if reading > due:
        state = TimerState.BREACHED
        remaining = min(remaining, 0.0)  # never time left on a breached target (float sums)
    elif reading >= at_risk_at:
        state = TimerState.AT_RISK
    else:
        state = TimerState.PENDING
    shown_due = due
    if paused_since is not None:
        shown_due = shift_for_pause(calendar, due, paused_since, now)
    return TimerStatus(
        target, shown_due, state, max(0.0, target - remaining), remaining, paused_since is not None
    )


#: ``paused_left`` of a paused case whose response target still runs (it was set waiting on
#: the client before any reply): its urgency follows the clock, so it has no frozen time left.
#: Below every frozen value, so the search reads all such cases (they are few) and ranks them
#: exactly.
RESPONSE_RUNNING = -1.0e12


def paused_left(
    calendar: BusinessCalendar,
    is_open: bool,
    responded: bool,
    paused_since: float | None,
    resolution_due: float,
    paused_after: float,
) -> float | None:
    """What a case stores as ``paused_left`` (epoch seconds in): for an open paused case the
    business seconds its resolution target had left when the pause began
    (:data:`RESPONSE_RUNNING` while its response target runs); None for any other case.
    ``paused_after``: its :attr:`Deadlines.resolution_paused_after_due`.

    A paused case's due instant stands still while the clock is stopped, so SQL's order by
    stored due instants puts a case that paused weeks ago first though its frozen time left
    may be long; the search reads the paused cases in order of this value instead, a stream
    of their own (:func:`wzdesk.services.urgency.first_in_order`)."""
    if not is_open or paused_since is None:
        return None
    if not responded:
        return RESPONSE_RUNNING
    positions = calendar.positions_epoch([paused_since, resolution_due])
    return positions[1] - positions[0] + paused_after
