"""A case's SLA history, derived exactly from its facts: explain, event log, readings as of.

Pure computation over plain values (no database). The facts of one case - when it came in, its
severity changes, its first public reply and its pauses (waiting on the client, resolved) -
determine, at any instant ``t``:

* the case *as it stood at t* (:meth:`CaseFacts.as_of`): later replies, pauses and severity
  changes do not exist yet;
* both timers at ``t`` (:func:`readings`), using the same deadline arithmetic the store keeps;
* the SLA events up to ``t`` (:func:`sla_events`): at risk, breached, met, late, paused, resumed;
* the explanation of each target (:func:`explain`): every business interval that counted, what
  was skipped (nights, weekends, holidays, pauses) and the event that met or breached it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wzdesk.core.calendar import BusinessCalendar, DayHours, epoch_of
from wzdesk.core.case_sla import (
    CaseClock,
    clock_pauses,
    clock_stop,
    compute_deadlines,
    counted_seconds,
    resolution_timer,
    response_timer,
    shift_for_pause,
)
from wzdesk.core.sla import Severity, SlaPolicy, TimerState, TimerStatus
from wzdesk.core.values import Value

_set = object.__setattr__  # the values below set their fields directly: built per case

RESPONSE = "response"
RESOLUTION = "resolution"
TARGETS = (RESPONSE, RESOLUTION)


class SeverityChange(Value):
    """A severity change on the timeline."""

    _fields = ("at", "before", "after")
    at: datetime
    before: Severity
    after: Severity

    def __init__(self, at: datetime, before: Severity, after: Severity) -> None:
        _set(self, "at", at)
        _set(self, "before", before)
        _set(self, "after", after)


class Pause(Value):
    """A span when the resolution clock stood still (``end`` None while ongoing)."""

    _fields = ("start", "end", "reason")
    start: datetime
    end: datetime | None
    reason: str  # "waiting_client" | "resolved"

    def __init__(self, start: datetime, end: datetime | None, reason: str) -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "reason", reason)


class CaseFacts(Value):
    """What a case's SLA depends on, as recorded.

    A :class:`Value`, not a frozen dataclass (``case explain`` and ``sla events`` read over
    the quick path, issue 13); ``report sla`` builds one per case, so ``__init__`` sets the
    fields directly, as a dataclass's does."""

    _fields = (
        "received_at",
        "severity",
        "severity_changes",
        "first_response_at",
        "pauses",
        "closed_at",
    )
    received_at: datetime
    severity: Severity  # the severity now (after every change)
    severity_changes: tuple[SeverityChange, ...]
    first_response_at: datetime | None
    pauses: tuple[Pause, ...]
    closed_at: datetime | None

    def __init__(
        self,
        received_at: datetime,
        severity: Severity,
        severity_changes: tuple[SeverityChange, ...] = (),
        first_response_at: datetime | None = None,
        pauses: tuple[Pause, ...] = (),
        closed_at: datetime | None = None,
    ) -> None:
        _set(self, "received_at", received_at)
        _set(self, "severity", severity)
        _set(self, "severity_changes", severity_changes)
        _set(self, "first_response_at", first_response_at)
        _set(self, "pauses", pauses)
        _set(self, "closed_at", closed_at)

    @property
    def resolved_at(self) -> datetime | None:
        """When the case was resolved, if it is resolved (an ongoing "resolved" pause)."""
        for pause in self.pauses:
            if pause.reason == "resolved" and pause.end is None:
                return pause.start
        return None

    @property
    def paused_since(self) -> datetime | None:
        """The start of an ongoing wait on the client."""
        for pause in self.pauses:
            if pause.reason != "resolved" and pause.end is None:
                return pause.start
        return None

    def exists_at(self, instant: datetime) -> bool:
        """Had the case been received by ``instant``?"""
        return self.received_at <= instant

    def as_of(self, instant: datetime) -> CaseFacts:
        """The facts as they stood at ``instant`` (nothing recorded after it)."""
        changes = tuple(c for c in self.severity_changes if c.at <= instant)
        severity = self.severity
        if changes:
            severity = changes[-1].after
        elif self.severity_changes:
            severity = self.severity_changes[0].before
        pauses = tuple(
            p if p.end is None or p.end <= instant else Pause(p.start, None, p.reason)
            for p in self.pauses
            if p.start <= instant
        )
        response = self.first_response_at
        closed = self.closed_at
        return CaseFacts(
            received_at=self.received_at,
            severity=severity,
            severity_changes=changes,
            first_response_at=response if response is not None and response <= instant else None,
            pauses=pauses,
            closed_at=closed if closed is not None and closed <= instant else None,
        )

    @property
    def finished_pauses(self) -> list[tuple[datetime, datetime]]:
        return sorted((p.start, p.end) for p in self.pauses if p.end is not None)


class Readings(Value):
    """Both timers of a case at an instant."""

    _fields = ("response", "resolution")
    response: TimerStatus
    resolution: TimerStatus

    def __init__(self, response: TimerStatus, resolution: TimerStatus) -> None:
        _set(self, "response", response)
        _set(self, "resolution", resolution)

    def of(self, target: str) -> TimerStatus:
        return self.response if target == RESPONSE else self.resolution


def readings(policy: SlaPolicy, facts: CaseFacts, now: datetime) -> Readings:
    """Both timers at ``now`` from the facts as they stood then (same arithmetic as the store)."""
    facts = facts.as_of(now)
    now = clock_stop(now, facts.closed_at)
    deadlines = compute_deadlines(policy, facts.severity, facts.received_at, facts.finished_pauses)
    clock = CaseClock(
        facts.severity,
        facts.received_at,
        facts.first_response_at,
        facts.resolved_at,
        facts.paused_since,
    )
    response = response_timer(policy, clock, deadlines, now)
    resolution = resolution_timer(policy, clock, deadlines, now)
    # A met target's seconds are counted as explain counts them: from receipt to the instant
    # it was met, less every pause. The timer's (its target less the business time from met
    # to due) counted a pause that began after the due instant, which pushes no deadline.
    calendar = policy.calendar_for(facts.severity)
    if facts.first_response_at is not None and response.state.is_done:
        counted = _counted(calendar, facts.received_at, facts.first_response_at, ())
        response = response._replace(elapsed_seconds=counted)
    if facts.resolved_at is not None and resolution.state.is_done:
        pauses = facts.finished_pauses
        counted = _counted(calendar, facts.received_at, facts.resolved_at, pauses)
        resolution = resolution._replace(elapsed_seconds=counted)
    return Readings(response, resolution)


def _counted(
    calendar: BusinessCalendar,
    start: datetime,
    until: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
) -> float:
    """Business seconds from ``start`` to ``until``, less the pauses (:func:`counted_seconds`)."""
    spans = clock_pauses(pauses, until)
    instants = [start, until, *(instant for span in spans for instant in span)]
    return counted_seconds(calendar.positions_epoch([epoch_of(i) for i in instants]))


# -- the event log ------------------------------------------------------------------------------


class SlaEvent(Value):
    """One SLA event of a case: ``kind`` is at_risk, breached, met, late, paused or resumed."""

    _fields = ("at", "target", "kind", "detail")
    at: datetime
    target: str  # "response" | "resolution"
    kind: str
    detail: str

    def __init__(self, at: datetime, target: str, kind: str, detail: str = "") -> None:
        _set(self, "at", at)
        _set(self, "target", target)
        _set(self, "kind", kind)
        _set(self, "detail", detail)

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        return (self.at, TARGETS.index(self.target), _KIND_ORDER.index(self.kind))


_KIND_ORDER = ("resumed", "at_risk", "breached", "met", "late", "paused")


def sla_events(policy: SlaPolicy, facts: CaseFacts, now: datetime) -> list[SlaEvent]:
    """Every SLA event of the case up to ``now``, in time order."""
    facts = facts.as_of(now)
    now = clock_stop(now, facts.closed_at)
    deadlines = compute_deadlines(policy, facts.severity, facts.received_at)
    calendar = policy.calendar_for(facts.severity)
    events: list[SlaEvent] = []
    # Response: no pauses.
    _run_segment(
        events,
        RESPONSE,
        deadlines.response_due,
        deadlines.response_at_risk_at,
        facts.first_response_at or now,
        [False, False],
    )
    if facts.first_response_at is not None:
        late = facts.first_response_at > deadlines.response_due
        events.append(
            SlaEvent(facts.first_response_at, RESPONSE, "late" if late else "met", "first reply")
        )
    # Resolution: running segments between pauses, deadlines shifted by each finished pause.
    due, risk = deadlines.resolution_due, deadlines.resolution_at_risk_at
    done = [False, False]  # at risk emitted, breached emitted
    running = True
    for pause in sorted(facts.pauses, key=lambda p: p.start):
        _run_segment(events, RESOLUTION, due, risk, pause.start, done)
        if pause.reason == "resolved":
            kind = "late" if pause.start > due else "met"
            events.append(SlaEvent(pause.start, RESOLUTION, kind, "resolved"))
        events.append(SlaEvent(pause.start, RESOLUTION, "paused", pause.reason))
        if pause.end is None:
            running = False
            break
        events.append(SlaEvent(pause.end, RESOLUTION, "resumed", pause.reason))
        due = shift_for_pause(calendar, due, pause.start, pause.end)
        risk = shift_for_pause(calendar, risk, pause.start, pause.end)
    if running:
        _run_segment(events, RESOLUTION, due, risk, now, done)
    return sorted(events, key=lambda e: e.sort_key)


def _run_segment(
    events: list[SlaEvent],
    target: str,
    due: datetime,
    risk: datetime,
    until: datetime,
    done: list[bool],
) -> None:
    """Threshold crossings while the clock ran up to ``until`` (at risk at >=, breached at >)."""
    if not done[0] and risk <= until:
        events.append(SlaEvent(risk, target, "at_risk"))
        done[0] = True
    if not done[1] and due < until:
        events.append(SlaEvent(due, target, "breached"))
        done[1] = True


# -- explain ------------------------------------------------------------------------------------


class Interval(Value):
    """Business time that counted: ``[start, end)``, ``seconds`` long."""

    _fields = ("start", "end", "seconds")
    start: datetime
    end: datetime
    seconds: float

    def __init__(self, start: datetime, end: datetime, seconds: float) -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "seconds", seconds)


class Skipped(Value):
    """Time that did not count, and why: ``night``, ``weekend``, ``holiday`` and/or ``pause``."""

    _fields = ("start", "end", "reasons")
    start: datetime
    end: datetime
    reasons: tuple[str, ...]

    def __init__(self, start: datetime, end: datetime, reasons: tuple[str, ...]) -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "reasons", reasons)


class TargetExplanation(Value):
    """How one target was counted."""

    _fields = (
        "target",
        "target_seconds",
        "due",
        "state",
        "until",
        "elapsed_seconds",
        "intervals",
        "skipped",
        "outcome_at",
    )
    target: str
    target_seconds: int
    due: datetime
    state: TimerState
    until: datetime  # the instant counting stopped: met, paused, or now
    elapsed_seconds: float  # the sum of the intervals
    intervals: tuple[Interval, ...]
    skipped: tuple[Skipped, ...]
    outcome_at: datetime | None  # when it was met (on time or late) or breached

    def __init__(
        self,
        target: str,
        target_seconds: int,
        due: datetime,
        state: TimerState,
        until: datetime,
        elapsed_seconds: float,
        intervals: tuple[Interval, ...],
        skipped: tuple[Skipped, ...],
        outcome_at: datetime | None,
    ) -> None:
        self._set(
            target=target,
            target_seconds=target_seconds,
            due=due,
            state=state,
            until=until,
            elapsed_seconds=elapsed_seconds,
            intervals=intervals,
            skipped=skipped,
            outcome_at=outcome_at,
        )


def explain(
    policy: SlaPolicy, facts: CaseFacts, now: datetime
) -> tuple[TargetExplanation, TargetExplanation]:
    """Response and resolution, explained at ``now``."""
    facts = facts.as_of(now)
    now = clock_stop(now, facts.closed_at)
    reading = readings(policy, facts, now)
    calendar = policy.calendar_for(facts.severity)
    result = []
    for target in TARGETS:
        timer = reading.of(target)
        if target == RESPONSE:
            met_at = facts.first_response_at
            pauses: list[tuple[datetime, datetime]] = []
            until = met_at or now
        else:
            met_at = facts.resolved_at
            until = met_at or facts.paused_since or now
            # Every finished pause stood the clock still, one begun once breached too (it
            # pushed no due instant, but overdue time leaves it out, as the timer does).
            pauses = clock_pauses(facts.finished_pauses, until)
        intervals, skipped = counted_intervals(calendar, facts.received_at, until, pauses)
        outcome_at: datetime | None = None
        if timer.state in (TimerState.MET, TimerState.LATE):
            outcome_at = met_at
        elif timer.state == TimerState.BREACHED:
            outcome_at = timer.due
        result.append(
            TargetExplanation(
                target=target,
                target_seconds=timer.target_seconds,
                due=timer.due,
                state=timer.state,
                until=until,
                elapsed_seconds=sum(i.seconds for i in intervals),
                intervals=tuple(intervals),
                skipped=tuple(skipped),
                outcome_at=outcome_at,
            )
        )
    return result[0], result[1]


def counted_intervals(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime]] = (),
) -> tuple[list[Interval], list[Skipped]]:
    """The opening windows between ``start`` and ``end``, minus ``pauses``, and the gaps.

    Walks local days of the calendar's zone (independently of the calendar's lookup table, so
    tests can hold one against the other).
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    pauses = [(a.astimezone(UTC), b.astimezone(UTC)) for a, b in pauses]
    if end <= start:
        return [], []
    windows = _windows(calendar, start, end, _hours_of(calendar))
    for p_start, p_end in sorted(pauses):
        windows = _subtract(windows, p_start, p_end)
    intervals = [Interval(a, b, (b - a).total_seconds()) for a, b in windows]
    skipped = []
    cursor = start
    for a, b in [*windows, (end, end)]:
        if cursor < a:
            skipped.append(Skipped(cursor, a, _reasons(calendar, cursor, a, pauses)))
        cursor = max(cursor, b)
    return intervals, skipped


def _hours_of(calendar: BusinessCalendar) -> Callable[[date], DayHours]:
    """A day's opening windows: its own hours when it has them (a half-day), none on a
    holiday, else its weekday's (as ``BusinessCalendar`` counts them: explain counted a
    half-day's whole weekday, or none of it when the date was also a holiday)."""
    special = dict(calendar.exceptions)

    def hours(day: date) -> DayHours:
        if day in special:
            return special[day]
        return () if day in calendar.holidays else calendar.week[day.weekday()]

    return hours


def _weekly_hours_of(calendar: BusinessCalendar) -> Callable[[date], DayHours]:
    """A day's weekday hours, holidays and half-days aside: what would have counted."""
    return lambda day: calendar.week[day.weekday()]


def _windows(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    hours_of: Callable[[date], DayHours],
) -> list[tuple[datetime, datetime]]:
    """The opening windows ``hours_of`` gives, cut to ``[start, end]``, merged, in order (a
    window belongs to the day it starts: the day before ``start`` may reach into it)."""
    zone = calendar.zone
    windows: list[tuple[datetime, datetime]] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        for open_sod, close_sod in hours_of(day):
            a = max(_wall(day, open_sod, zone), start)
            b = min(_wall(day, close_sod, zone), end)
            if a < b:
                windows.append((a, b))
        day += timedelta(days=1)
    return _merge(windows)


def _wall(day: date, seconds_of_day: int, zone: ZoneInfo) -> datetime:
    """A wall-clock time on a local day, as a UTC instant (24:00 is the next midnight)."""
    if seconds_of_day >= 86_400:
        day, seconds_of_day = day + timedelta(days=1), seconds_of_day - 86_400
    hours, rest = divmod(seconds_of_day, 3600)
    wall = datetime.combine(day, time(hours, rest // 60, rest % 60), tzinfo=zone)
    return wall.astimezone(UTC)


def _merge(windows: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def _subtract(
    windows: list[tuple[datetime, datetime]], p_start: datetime, p_end: datetime
) -> list[tuple[datetime, datetime]]:
    kept: list[tuple[datetime, datetime]] = []
    for a, b in windows:
        if b <= p_start or p_end <= a:
            kept.append((a, b))
            continue
        if a < p_start:
            kept.append((a, p_start))
        if p_end < b:
            kept.append((p_end, b))
    return kept


def _reasons(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime]],
) -> tuple[str, ...]:
    """Why ``[start, end)`` did not count: only the reasons true of some part of it.

    ``pause`` when a pause covers part of it. The rest is the time the desk was closed: a
    *holiday* where the weekday's hours would have counted (a holiday, or a half-day's
    shorter hours); the *weekend* on a day whose weekday has no hours at all; else the
    *night* (outside a working day's hours). A review found a pause on a Wednesday morning
    explained as "pause, night": any gap touching a working weekday was called night.
    """
    reasons = []
    if any(a < end and start < b for a, b in pauses):
        reasons.append("pause")
    closed = [(start, end)]
    for a, b in _windows(calendar, start, end, _hours_of(calendar)):
        closed = _subtract(closed, a, b)  # open but skipped: paused
    weekly = _windows(calendar, start, end, _weekly_hours_of(calendar))
    if any(a < d and c < b for a, b in closed for c, d in weekly):
        reasons.append("holiday")
    for a, b in weekly:
        closed = _subtract(closed, a, b)
    weekend = night = False
    zone = calendar.zone
    for a, b in closed:
        day, last = a.astimezone(zone).date(), (b - _TICK).astimezone(zone).date()
        while day <= last:
            if calendar.week[day.weekday()]:
                night = True
            else:
                weekend = True
            day += timedelta(days=1)
    if weekend:
        reasons.append("weekend")
    if night:
        reasons.append("night")
    return tuple(reasons) or ("closed",)


#: The last instant before a span's end (its end is not part of it).
_TICK = timedelta(microseconds=1)
