"""The SLA engine: per-severity targets, due instants, remaining time and timer states.

Targets are business seconds counted on a :class:`~wzdesk.core.calendar.BusinessCalendar`
(the desk's office hours, or 24x7 for a severity a supervisor sets so). One business day is one
full support day: 10 business hours with the default calendar.

Two timers run per case:

* **response**, met by the first public reply;
* **resolution**, met when the case is resolved; it pauses while the case waits on the client
  (and while it is resolved), and each pause pushes its due instant out by the business time
  the pause covered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple

from wzdesk.core.calendar import BusinessCalendar, epoch_of, instant_of
from wzdesk.core.values import Value

HOUR = 3600
BUSINESS_DAY_HOURS = 10


class Severity(StrEnum):
    """The policy's four severities, most urgent first."""

    CRITICAL = "critical"
    MAJOR = "major"
    MODERATE = "moderate"
    MINOR = "minor"

    @property
    def rank(self) -> int:
        """0 for critical ... 3 for minor (sorts most urgent first)."""
        return _RANKS[self]


#: :attr:`Severity.rank` by severity (a sort of 100,000 queue rows asks it once per row:
#: listing the enum each time was a quarter of that sort).
_RANKS: dict[Severity, int] = {severity: rank for rank, severity in enumerate(Severity)}


SEVERITY_DESCRIPTIONS: Mapping[Severity, str] = {
    Severity.CRITICAL: (
        "A severe loss of service in a production environment which stops or prevents "
        "continuation of work with no workaround."
    ),
    Severity.MAJOR: (
        "Significant loss of service that impedes the ability to perform critical business "
        "functions with no acceptable workaround; operations can continue in a restricted fashion."
    ),
    Severity.MODERATE: (
        "A malfunction that is causing work to back up or an inconvenience which may require "
        "a temporary workaround."
    ),
    Severity.MINOR: (
        "Minor disruption that may be causing inefficiency but is not stopping workflow."
    ),
}


class TimerState(StrEnum):
    """Where an SLA timer stands."""

    PENDING = "pending"
    AT_RISK = "at_risk"
    BREACHED = "breached"  # past due and not met
    MET = "met"  # met on time
    LATE = "late"  # met, but after the due instant (the target was missed; nothing is overdue)

    @property
    def is_done(self) -> bool:
        """Met, on time or late: the timer no longer runs."""
        return self in (TimerState.MET, TimerState.LATE)


class SeverityTargets(Value):
    """Response and resolution targets for one severity, in business seconds."""

    _fields = (
        "response_seconds", "resolution_seconds", "around_the_clock", "response_days",
        "resolution_days",
    )  # fmt: skip
    response_seconds: int
    resolution_seconds: int
    around_the_clock: bool  # count on a 24x7 calendar instead of office hours
    #: A target in open days instead of business seconds: due at the same time of day that
    #: many open days later (rolled to the next opening when closed then). None: seconds.
    response_days: int | None
    resolution_days: int | None

    def __init__(
        self,
        response_seconds: int,
        resolution_seconds: int,
        around_the_clock: bool = False,
        response_days: int | None = None,
        resolution_days: int | None = None,
    ) -> None:
        if response_seconds <= 0 or resolution_seconds <= 0:
            raise ValueError("SLA targets must be positive")
        for days in (response_days, resolution_days):
            if days is not None and days <= 0:
                raise ValueError("SLA targets in days must be positive")
        self._set(
            response_seconds=response_seconds,
            resolution_seconds=resolution_seconds,
            around_the_clock=around_the_clock,
            response_days=response_days,
            resolution_days=resolution_days,
        )


DEFAULT_TARGETS: Mapping[Severity, SeverityTargets] = {
    Severity.CRITICAL: SeverityTargets(4 * HOUR, 24 * HOUR),
    Severity.MAJOR: SeverityTargets(1 * BUSINESS_DAY_HOURS * HOUR, 3 * BUSINESS_DAY_HOURS * HOUR),
    Severity.MODERATE: SeverityTargets(
        2 * BUSINESS_DAY_HOURS * HOUR, 10 * BUSINESS_DAY_HOURS * HOUR
    ),
    Severity.MINOR: SeverityTargets(3 * BUSINESS_DAY_HOURS * HOUR, 20 * BUSINESS_DAY_HOURS * HOUR),
}
DEFAULT_AT_RISK_RATIO = 0.75


class PauseInterval(NamedTuple):
    """A span during which the resolution clock stood still; ``end`` is None while ongoing."""

    start: datetime
    end: datetime | None = None


class TimerStatus(NamedTuple):
    """One timer's reading at an instant."""

    target_seconds: int
    due: datetime
    state: TimerState
    elapsed_seconds: float  # business seconds used (pauses excluded)
    remaining_seconds: float | None  # business seconds left; negative once breached; None once met
    paused: bool = False


class SlaPolicy(Value):
    """Targets per severity, the calendar they count on, and the at-risk threshold."""

    _fields = ("calendar", "targets", "at_risk_ratio")
    calendar: BusinessCalendar
    targets: Mapping[Severity, SeverityTargets]
    at_risk_ratio: float
    _always: BusinessCalendar

    def __init__(
        self,
        calendar: BusinessCalendar | None = None,
        targets: Mapping[Severity, SeverityTargets] | None = None,
        at_risk_ratio: float = DEFAULT_AT_RISK_RATIO,
    ) -> None:
        if not 0 < at_risk_ratio < 1:
            raise ValueError("the at-risk threshold must lie strictly between 0 and 1")
        targets = dict(DEFAULT_TARGETS) if targets is None else targets
        missing = set(Severity) - set(targets)
        if missing:
            raise ValueError(f"no targets for {', '.join(sorted(missing))}")
        calendar = BusinessCalendar.office_hours() if calendar is None else calendar
        self._set(
            calendar=calendar,
            targets=targets,
            at_risk_ratio=at_risk_ratio,
            _always=BusinessCalendar.around_the_clock(calendar.zone_name),
        )

    def calendar_for(self, severity: Severity) -> BusinessCalendar:
        """The calendar a severity's targets count on."""
        if self.targets[severity].around_the_clock:
            return self._always
        return self.calendar

    def with_holidays(self, holidays: Iterable[date]) -> SlaPolicy:
        """A copy counting on the same hours with another holiday set."""
        return SlaPolicy(self.calendar.with_holidays(holidays), self.targets, self.at_risk_ratio)

    # -- due instants ------------------------------------------------------------------------

    def base_due(self, severity: Severity, received_at: datetime, resolution: bool) -> datetime:
        """A target's due instant before any pause: business seconds after ``received_at``,
        or, for a target in open days, the same time of day that many open days later."""
        calendar = self.calendar_for(severity)
        targets = self.targets[severity]
        days = targets.resolution_days if resolution else targets.response_days
        if days:
            return calendar.add_open_days(received_at, days)
        seconds = targets.resolution_seconds if resolution else targets.response_seconds
        return calendar.add_business_seconds(received_at, seconds)

    def target_seconds(self, severity: Severity, received_at: datetime, resolution: bool) -> float:
        """A target's business seconds for a case received at ``received_at`` (a target in
        open days: the business time from receipt to its due instant)."""
        targets = self.targets[severity]
        days = targets.resolution_days if resolution else targets.response_days
        if days:
            due = self.base_due(severity, received_at, resolution)
            return self.calendar_for(severity).business_seconds_between(received_at, due)
        return targets.resolution_seconds if resolution else targets.response_seconds

    def latest_receipt(self, severity: Severity, due_by: datetime, resolution: bool) -> datetime:
        """The latest receipt instant whose target (before any pause) is due by ``due_by``:
        "when must this have been received to be due by X" (to the second for open-day
        targets, found by bisection on their monotonic due instant)."""
        calendar = self.calendar_for(severity)
        targets = self.targets[severity]
        days = targets.resolution_days if resolution else targets.response_days
        if not days:
            seconds = targets.resolution_seconds if resolution else targets.response_seconds
            return calendar.latest_start(due_by, seconds)
        deadline = epoch_of(due_by)
        lo = int(deadline) - (days * 7 + 400) * 86_400  # due well before the deadline
        hi = int(deadline)  # at least one open day later: due after it
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if epoch_of(calendar.add_open_days(instant_of(mid), days)) <= deadline:
                lo = mid
            else:
                hi = mid
        return instant_of(lo).astimezone(calendar.zone)

    def response_due(self, severity: Severity, received_at: datetime) -> datetime:
        """When the first public reply is due."""
        return self.base_due(severity, received_at, resolution=False)

    def resolution_due(
        self,
        severity: Severity,
        received_at: datetime,
        pauses: Sequence[PauseInterval] = (),
        now: datetime | None = None,
    ) -> datetime:
        """When resolution is due, pushed out by the business time of every pause.

        An ongoing pause counts up to ``now``: the answer is where the due instant would fall if
        the clock resumed at ``now``.
        """
        calendar = self.calendar_for(severity)
        target = self.target_seconds(severity, received_at, resolution=True)
        base = self.base_due(severity, received_at, resolution=True)
        return pushed_due(calendar, received_at, target, pauses, now, base)

    # -- timers --------------------------------------------------------------------------------

    def response_status(
        self,
        severity: Severity,
        received_at: datetime,
        now: datetime,
        responded_at: datetime | None,
    ) -> TimerStatus:
        """The response timer at ``now``."""
        calendar = self.calendar_for(severity)
        target = round(self.target_seconds(severity, received_at, resolution=False))
        due = self.base_due(severity, received_at, resolution=False)
        return self._status(calendar, target, received_at, due, now, responded_at, 0.0, False)

    def resolution_status(
        self,
        severity: Severity,
        received_at: datetime,
        now: datetime,
        resolved_at: datetime | None,
        pauses: Sequence[PauseInterval] = (),
    ) -> TimerStatus:
        """The resolution timer at ``now`` (or as met at ``resolved_at``)."""
        calendar = self.calendar_for(severity)
        target = round(self.target_seconds(severity, received_at, resolution=True))
        until = resolved_at if resolved_at is not None else now
        paused_seconds = paused_business_seconds(calendar, pauses, until)
        base = self.base_due(severity, received_at, resolution=True)
        due = pushed_due(calendar, received_at, target, pauses, until, base)
        is_paused = resolved_at is None and any(p.end is None for p in pauses)
        ongoing = [p.start for p in pauses if p.end is None] if is_paused else []
        after_due = sum(
            calendar.business_seconds_between(p.start, p.end if p.end is not None else now)
            for p in pauses
            if due <= p.start and (p.end if p.end is not None else now) > p.start
        )
        return self._status(
            calendar,
            target,
            received_at,
            due,
            now,
            resolved_at,
            paused_seconds,
            is_paused,
            after_due,
            min(ongoing) if ongoing else None,
        )

    def _status(
        self,
        calendar: BusinessCalendar,
        target: int,
        received_at: datetime,
        due: datetime,
        now: datetime,
        met_at: datetime | None,
        paused_seconds: float,
        paused: bool,
        paused_after_due: float = 0.0,
        stopped_at: datetime | None = None,
    ) -> TimerStatus:
        """``paused_after_due``: the business seconds of pauses begun once ``due`` had passed
        (they push it nowhere: a pause cannot un-breach), which overdue time does not count.
        ``stopped_at``: when an ongoing pause stopped the clock; the timer is judged there (one
        set waiting at its due instant itself never went past it)."""
        until = met_at if met_at is not None else now
        elapsed = max(0.0, calendar.business_seconds_between(received_at, until) - paused_seconds)
        if met_at is not None:
            state = TimerState.MET if met_at <= due else TimerState.LATE
            return TimerStatus(target, due, state, elapsed, None, False)
        remaining = calendar.business_seconds_between(now, due) + paused_after_due
        past_due = (stopped_at if stopped_at is not None and stopped_at < now else now) > due
        if past_due:
            remaining = min(remaining, 0.0)
        state = timer_state(past_due, elapsed, target, self.at_risk_ratio)
        return TimerStatus(target, due, state, elapsed, remaining, paused)


def timer_state(past_due: bool, elapsed: float, target: float, at_risk_ratio: float) -> TimerState:
    """Pending, at risk or breached for a timer that is not met yet."""
    if past_due:
        return TimerState.BREACHED
    if elapsed >= at_risk_ratio * target:
        return TimerState.AT_RISK
    return TimerState.PENDING


def paused_business_seconds(
    calendar: BusinessCalendar, pauses: Sequence[PauseInterval], now: datetime | None
) -> float:
    """Business seconds covered by the pauses (an open pause runs to ``now``)."""
    total = 0.0
    for pause in pauses:
        end = pause.end if pause.end is not None else now
        if end is None or end <= pause.start:
            continue
        total += calendar.business_seconds_between(pause.start, end)
    return total


def pushed_due(
    calendar: BusinessCalendar,
    received_at: datetime,
    target: float,
    pauses: Sequence[PauseInterval],
    now: datetime | None,
    base_due: datetime | None = None,
) -> datetime:
    """The due instant of ``target`` business seconds from ``received_at``, pushed out by pauses
    (``base_due``: the unpaused due instant when already known, e.g. of a target in days).

    A pause pushes the due instant out by the business time it covers only if it began before
    that due instant: a pause that starts once the target has run out cannot un-breach a case.
    An open pause runs to ``now`` (and is ignored when ``now`` is None).
    """
    due = base_due if base_due is not None else calendar.add_business_seconds(received_at, target)
    for pause in sorted(pauses, key=lambda p: p.start):
        end = pause.end if pause.end is not None else now
        if end is None or end <= pause.start:
            continue
        if due <= pause.start:
            break  # this pause, and every later one, began after the target ran out
        pushed = calendar.business_seconds_between(pause.start, end)
        due = calendar.add_business_seconds(due, pushed)
    return due


def remaining_many(
    calendar: BusinessCalendar, dues: Sequence[datetime], now: datetime
) -> list[float]:
    """Business seconds from ``now`` to each due instant, for a whole queue at once.

    One position for ``now`` and one bisect per due instant: the cost the live console pays
    for the rows it shows.
    """
    now_epoch = epoch_of(now)
    epochs = [epoch_of(d) for d in dues]
    positions = calendar.positions_epoch([now_epoch, *epochs])
    here = positions[0]
    return [p - here for p in positions[1:]]


__all__ = [
    "DEFAULT_AT_RISK_RATIO",
    "DEFAULT_TARGETS",
    "PauseInterval",
    "SEVERITY_DESCRIPTIONS",
    "Severity",
    "SeverityTargets",
    "SlaPolicy",
    "TimerState",
    "TimerStatus",
    "instant_of",
    "paused_business_seconds",
    "pushed_due",
    "remaining_many",
    "timer_state",
]
