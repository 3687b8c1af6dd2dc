"""Hand-computed SLA cases: due instants per severity, timer states, pauses, 24x7 severities.

Default calendar: Mon-Fri 08:00-18:00 America/Toronto, 10 business hours a day. Targets
(business hours): critical 4/24, major 10/30, moderate 20/100, minor 30/200.

Week used throughout: Fri 2026-01-09, Mon 2026-01-12 ... Fri 2026-01-16, Mon 2026-01-19 ...
No holiday lies in January or early February 2026 (Family Day is Mon 2026-02-16).

A rule of thumb for checking: from a received instant inside business hours, a target of
``k * 10`` hours falls on the k-th following business day at the same wall time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.case_sla import (
    CaseClock,
    after_pause,
    compute_deadlines,
    paused_left,
    resolution_timer,
)
from wzdesk.core.sla import (
    DEFAULT_TARGETS,
    PauseInterval,
    Severity,
    SeverityTargets,
    SlaPolicy,
    TimerState,
    paused_business_seconds,
    remaining_many,
    timer_state,
)

TORONTO = ZoneInfo("America/Toronto")
HOUR = 3600
POLICY = SlaPolicy()
ONTARIO_HOLIDAYS = holidays.country_holidays("CA", subdiv="ON", years=range(2025, 2029))

CRITICAL, MAJOR, MODERATE, MINOR = Severity  # most urgent first


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=TORONTO)


MONDAY_0800 = at(2026, 1, 12, 8)
FRIDAY_1630 = at(2026, 1, 9, 16, 30)


def test_default_targets_are_the_policy_table() -> None:
    hours = {
        s: (t.response_seconds // HOUR, t.resolution_seconds // HOUR)
        for s, t in DEFAULT_TARGETS.items()
    }
    # 1 business day = 10 business hours.
    assert hours == {CRITICAL: (4, 24), MAJOR: (10, 30), MODERATE: (20, 100), MINOR: (30, 200)}
    assert not any(t.around_the_clock for t in DEFAULT_TARGETS.values())


DUE_CASES = [
    # (severity, received, response due, resolution due)
    # From Monday 08:00.
    (CRITICAL, MONDAY_0800, at(2026, 1, 12, 12), at(2026, 1, 14, 12)),  # 4h; 10+10+4h -> Wed 12
    (MAJOR, MONDAY_0800, at(2026, 1, 12, 18), at(2026, 1, 14, 18)),  # 1 day: Mon 18:00; 3 days
    (MODERATE, MONDAY_0800, at(2026, 1, 13, 18), at(2026, 1, 23, 18)),  # 2 days; 10 days: Fri 23
    (MINOR, MONDAY_0800, at(2026, 1, 14, 18), at(2026, 2, 6, 18)),  # 3 days; 20 days: Fri Feb 6
    # From Friday 16:30 (1.5h left on Friday): k*10h lands on the k-th business day at 16:30.
    # Critical: response 1.5h Fri + 2.5h Mon; resolution 1.5h Fri + 10h Mon + 10h Tue + 2.5h Wed.
    (CRITICAL, FRIDAY_1630, at(2026, 1, 12, 10, 30), at(2026, 1, 14, 10, 30)),
    (MAJOR, FRIDAY_1630, at(2026, 1, 12, 16, 30), at(2026, 1, 14, 16, 30)),  # 1st / 3rd bus. day
    (MODERATE, FRIDAY_1630, at(2026, 1, 13, 16, 30), at(2026, 1, 23, 16, 30)),  # 2nd / 10th
    (MINOR, FRIDAY_1630, at(2026, 1, 14, 16, 30), at(2026, 2, 6, 16, 30)),  # 3rd / 20th
    # Received on Saturday: everything counts from Monday 08:00 (same as the first block).
    (CRITICAL, at(2026, 1, 10, 11), at(2026, 1, 12, 12), at(2026, 1, 14, 12)),
    (MINOR, at(2026, 1, 10, 11), at(2026, 1, 14, 18), at(2026, 2, 6, 18)),
]


@pytest.mark.parametrize(("severity", "received", "response", "resolution"), DUE_CASES)
def test_default_due_instants(
    severity: Severity, received: datetime, response: datetime, resolution: datetime
) -> None:
    assert POLICY.response_due(severity, received) == response
    assert POLICY.resolution_due(severity, received) == resolution


def test_due_instants_with_ontario_holidays() -> None:
    policy = POLICY.with_holidays(ONTARIO_HOLIDAYS)
    received = at(2026, 12, 24, 14)  # Thu before Christmas, 4h left that day
    # Response (10h): 4h Thu; Fri 25 Christmas, weekend, Mon 28 Boxing Day observed; 6h Tue 29.
    assert policy.response_due(MAJOR, received) == at(2026, 12, 29, 14)
    # Resolution (30h): 4h Thu, Tue 29 10h, Wed 30 10h (24h), 6h Thu 31 -> 14:00.
    assert policy.resolution_due(MAJOR, received) == at(2026, 12, 31, 14)
    # Critical resolution (24h) from Wed Dec 23 09:00: 9h Wed, 10h Thu, 5h Tue 29 -> 13:00.
    assert policy.resolution_due(CRITICAL, at(2026, 12, 23, 9)) == at(2026, 12, 29, 13)
    # Without the holiday list the same case is due on Christmas Day (4h Thu + 6h Fri).
    assert POLICY.response_due(MAJOR, received) == at(2026, 12, 25, 14)


def test_due_across_dst_keeps_local_hours() -> None:
    # Critical from Fri 2026-03-06 16:00 EST: 2h Fri, 2h Mon 03-09 -> 10:00 EDT.
    assert POLICY.response_due(CRITICAL, at(2026, 3, 6, 16)) == at(2026, 3, 9, 10)
    # Major from Fri 2026-10-30 17:00 EDT: 1h Fri, 9h Mon 11-02 -> 17:00 EST.
    assert POLICY.response_due(MAJOR, at(2026, 10, 30, 17)) == at(2026, 11, 2, 17)


# -- the response timer ---------------------------------------------------------------------

# Critical from Mon 08:00: due Mon 12:00 (4h); 75% of 4h is 3h -> at risk from Mon 11:00.
RESPONSE_CASES = [
    # (now, responded_at, state, elapsed hours, remaining hours or None)
    (at(2026, 1, 12, 8), None, TimerState.PENDING, 0, 4),
    (at(2026, 1, 12, 10), None, TimerState.PENDING, 2, 2),
    (at(2026, 1, 12, 10, 59), None, TimerState.PENDING, 2 + 59 / 60, 1 + 1 / 60),
    (at(2026, 1, 12, 11), None, TimerState.AT_RISK, 3, 1),  # exactly 75%
    (at(2026, 1, 12, 12), None, TimerState.AT_RISK, 4, 0),  # at the due instant: not yet late
    (at(2026, 1, 12, 12, 0, 1), None, TimerState.BREACHED, 4 + 1 / 3600, -1 / 3600),
    (at(2026, 1, 12, 13), None, TimerState.BREACHED, 5, -1),
    (at(2026, 1, 13, 9), None, TimerState.BREACHED, 11, -7),  # 6h Mon + 1h Tue late
    # Responded: met up to and including the due instant, breached after it.
    (at(2026, 1, 12, 9), at(2026, 1, 12, 9), TimerState.MET, 1, None),
    (at(2026, 1, 13, 9), at(2026, 1, 12, 9), TimerState.MET, 1, None),  # still met later on
    (at(2026, 1, 13, 9), at(2026, 1, 12, 12), TimerState.MET, 4, None),
    (at(2026, 1, 13, 9), at(2026, 1, 12, 12, 0, 1), TimerState.LATE, 4 + 1 / 3600, None),
    (at(2026, 1, 13, 9), at(2026, 1, 12, 17), TimerState.LATE, 9, None),  # responded late
]


@pytest.mark.parametrize(("now", "responded", "state", "elapsed", "remaining"), RESPONSE_CASES)
def test_response_timer(
    now: datetime,
    responded: datetime | None,
    state: TimerState,
    elapsed: float,
    remaining: float | None,
) -> None:
    status = POLICY.response_status(CRITICAL, MONDAY_0800, now, responded)
    assert status.state is state
    assert status.due == at(2026, 1, 12, 12)
    assert status.target_seconds == 4 * HOUR
    assert status.elapsed_seconds == pytest.approx(elapsed * HOUR)
    if remaining is None:
        assert status.remaining_seconds is None
    else:
        assert status.remaining_seconds == pytest.approx(remaining * HOUR)
    assert not status.paused


def test_at_risk_counts_business_time_not_wall_time() -> None:
    # Major from Mon 12:00: due Tue 12:00 (6h Mon + 4h Tue); at risk after 7.5h -> Tue 09:30.
    received = at(2026, 1, 12, 12)
    night = POLICY.response_status(MAJOR, received, at(2026, 1, 12, 23), None)
    assert night.state is TimerState.PENDING  # 11 wall hours but only 6 business hours
    assert night.elapsed_seconds == 6 * HOUR
    assert POLICY.response_status(MAJOR, received, at(2026, 1, 13, 9, 29), None).state is (
        TimerState.PENDING
    )
    assert POLICY.response_status(MAJOR, received, at(2026, 1, 13, 9, 30), None).state is (
        TimerState.AT_RISK
    )


def test_at_risk_ratio_is_configurable() -> None:
    policy = SlaPolicy(at_risk_ratio=0.5)
    # Critical response from Mon 08:00: 50% of 4h is 2h -> at risk from 10:00.
    assert policy.response_status(CRITICAL, MONDAY_0800, at(2026, 1, 12, 9, 59), None).state is (
        TimerState.PENDING
    )
    assert policy.response_status(CRITICAL, MONDAY_0800, at(2026, 1, 12, 10), None).state is (
        TimerState.AT_RISK
    )


def test_timer_state_rules() -> None:
    assert timer_state(False, 0, 100, 0.75) is TimerState.PENDING
    assert timer_state(False, 74.9, 100, 0.75) is TimerState.PENDING
    assert timer_state(False, 75, 100, 0.75) is TimerState.AT_RISK
    assert timer_state(True, 10, 100, 0.75) is TimerState.BREACHED  # late wins


# -- the resolution timer and pauses --------------------------------------------------------

# Major from Mon 2026-01-12 08:00: resolution due Wed 01-14 18:00 (30h).
MAJOR_DUE = at(2026, 1, 14, 18)

PAUSE_CASES = [
    # (pauses as (start, end), due)
    ([], MAJOR_DUE),
    # Mon 14:00 -> Tue 10:00 covers Mon 14-18 (4h) + Tue 08-10 (2h) = 6h: Wed 18 + 6h = Thu 14.
    ([(at(2026, 1, 12, 14), at(2026, 1, 13, 10))], at(2026, 1, 15, 14)),
    # A pause over the night only (Mon 19:00 -> Tue 07:00) covers no business time.
    ([(at(2026, 1, 12, 19), at(2026, 1, 13, 7))], MAJOR_DUE),
    # Two pauses: 6h as above, then Wed 16:00 -> Thu 09:00 (2h + 1h = 3h), 9h in all: Thu 17:00.
    (
        [(at(2026, 1, 12, 14), at(2026, 1, 13, 10)), (at(2026, 1, 14, 16), at(2026, 1, 15, 9))],
        at(2026, 1, 15, 17),
    ),
    # The same two given out of order: same answer.
    (
        [(at(2026, 1, 14, 16), at(2026, 1, 15, 9)), (at(2026, 1, 12, 14), at(2026, 1, 13, 10))],
        at(2026, 1, 15, 17),
    ),
    # A pause that starts only after the due instant does not move it (a pause cannot un-breach).
    ([(at(2026, 1, 15, 9), at(2026, 1, 15, 12))], MAJOR_DUE),
    # ... nor one starting exactly at it.
    ([(MAJOR_DUE, at(2026, 1, 15, 12))], MAJOR_DUE),
    # A pause spanning the due instant: Wed 17:00 -> Thu 10:00 covers 1h + 2h = 3h: Thu 11:00.
    ([(at(2026, 1, 14, 17), at(2026, 1, 15, 10))], at(2026, 1, 15, 11)),
    # A first pause can push the due past a second pause's start, which then counts too:
    # Wed 12:00 -> Thu 12:00 is 6h + 4h = 10h, due Thu 18:00; then Thu 15:00 -> Fri 09:00 is
    # 3h + 1h = 4h: due Fri 12:00.
    (
        [(at(2026, 1, 14, 12), at(2026, 1, 15, 12)), (at(2026, 1, 15, 15), at(2026, 1, 16, 9))],
        at(2026, 1, 16, 12),
    ),
]


@pytest.mark.parametrize(("spans", "due"), PAUSE_CASES)
def test_pauses_push_resolution_out(spans: list[tuple[datetime, datetime]], due: datetime) -> None:
    pauses = [PauseInterval(start, end) for start, end in spans]
    assert POLICY.resolution_due(MAJOR, MONDAY_0800, pauses) == due
    # The response timer never pauses.
    assert POLICY.response_due(MAJOR, MONDAY_0800) == at(2026, 1, 12, 18)


def test_an_ongoing_pause_counts_up_to_now() -> None:
    # Major from Mon 08:00 (due Wed 18:00). Waiting on the client since Tue 16:00 (18h used,
    # 12h left). At Wed 10:00 the pause has covered Tue 16-18 + Wed 08-10 = 4h, so the due
    # instant is Thu 12:00: where 12h from Wed 10:00 would end if the clock resumed now.
    pauses = [PauseInterval(at(2026, 1, 13, 16))]
    now = at(2026, 1, 14, 10)
    assert POLICY.resolution_due(MAJOR, MONDAY_0800, pauses, now) == at(2026, 1, 15, 12)
    # Without ``now`` an open pause has no length yet.
    assert POLICY.resolution_due(MAJOR, MONDAY_0800, pauses) == MAJOR_DUE
    status = POLICY.resolution_status(MAJOR, MONDAY_0800, now, None, pauses)
    assert status.paused
    assert status.due == at(2026, 1, 15, 12)
    assert status.elapsed_seconds == 18 * HOUR  # frozen since Tue 16:00
    assert status.remaining_seconds == 12 * HOUR  # Wed 10-18 (8h) + Thu 08-12 (4h)
    assert status.state is TimerState.PENDING  # 18h of 30h = 60% < 75%


def test_paused_in_the_at_risk_zone_stays_at_risk_but_does_not_breach() -> None:
    # Critical resolution (24h) from Mon 08:00: due Wed 12:00; paused at Wed 11:00 (23h used).
    pauses = [PauseInterval(at(2026, 1, 14, 11))]
    now = at(2026, 1, 16, 17)  # two business days later, still waiting on the client
    status = POLICY.resolution_status(CRITICAL, MONDAY_0800, now, None, pauses)
    assert status.state is TimerState.AT_RISK
    assert status.elapsed_seconds == 23 * HOUR
    assert status.remaining_seconds == 1 * HOUR
    assert status.due == at(2026, 1, 16, 18)  # resumed at 17:00, the last hour ends 18:00


def test_a_pause_after_the_due_instant_cannot_unbreach() -> None:
    # Major from Mon 2026-01-05 20:00 (a night): resolution due Thu 01-08 18:00 (3 full days).
    received = at(2026, 1, 5, 20)
    due = at(2026, 1, 8, 18)
    assert POLICY.resolution_due(MAJOR, received) == due
    # Set to waiting-on-client at Thu 18:30, after the due instant (no business time between).
    pause_start = at(2026, 1, 8, 18, 30)
    ongoing = [PauseInterval(pause_start)]
    for now in (at(2026, 1, 8, 19), at(2026, 1, 9, 9), at(2026, 1, 12, 15)):
        status = POLICY.resolution_status(MAJOR, received, now, None, ongoing)
        assert status.state is TimerState.BREACHED, now
        assert status.due == due
    # Resolved on Fri 10:00 when the client answered: still a breach.
    resolved = at(2026, 1, 9, 10)
    finished = [PauseInterval(pause_start, resolved)]
    status = POLICY.resolution_status(MAJOR, received, resolved, resolved, finished)
    assert status.state is TimerState.LATE  # met, after the due instant
    assert POLICY.resolution_due(MAJOR, received, finished) == due


def test_resolution_met_or_breached_with_pauses() -> None:
    # Major from Mon 08:00 with a 6h pause (Mon 14:00 -> Tue 10:00): due Thu 14:00.
    pauses = [PauseInterval(at(2026, 1, 12, 14), at(2026, 1, 13, 10))]
    later = at(2026, 1, 20, 12)
    met = POLICY.resolution_status(MAJOR, MONDAY_0800, later, at(2026, 1, 15, 13), pauses)
    assert met.state is TimerState.MET
    assert met.due == at(2026, 1, 15, 14)
    assert met.remaining_seconds is None
    # Elapsed: Mon 08:00 -> Thu 13:00 is 10+10+10+5 = 35h, minus the 6h pause = 29h.
    assert met.elapsed_seconds == 29 * HOUR
    late = POLICY.resolution_status(MAJOR, MONDAY_0800, later, at(2026, 1, 15, 15), pauses)
    assert late.state is TimerState.LATE
    exact = POLICY.resolution_status(MAJOR, MONDAY_0800, later, at(2026, 1, 15, 14), pauses)
    assert exact.state is TimerState.MET  # resolved at the due instant itself


def test_open_resolution_timer_states() -> None:
    # Major from Mon 08:00, due Wed 18:00; at risk from 22.5h = Wed 10:30.
    status = POLICY.resolution_status(MAJOR, MONDAY_0800, at(2026, 1, 14, 10, 29), None)
    assert status.state is TimerState.PENDING
    status = POLICY.resolution_status(MAJOR, MONDAY_0800, at(2026, 1, 14, 10, 30), None)
    assert status.state is TimerState.AT_RISK
    status = POLICY.resolution_status(MAJOR, MONDAY_0800, at(2026, 1, 15, 9), None)
    assert status.state is TimerState.BREACHED
    assert status.remaining_seconds == -1 * HOUR  # Thu 08:00-09:00 past due
    assert not status.paused


def test_a_wait_begun_once_breached_stops_the_overdue_time() -> None:
    # Critical resolution (24h) from Mon 08:00: due Wed 12:00. Set waiting on the client at
    # Wed 13:00 (1h overdue), back Thu 10:00: the wait covers Wed 13-18 and Thu 08-10 (7h).
    # The clock stood still (SPEC 3), so the case is still 1h overdue, not 8h; the due
    # instant stays Wed 12:00 (a pause cannot un-breach).
    start, end = at(2026, 1, 14, 13), at(2026, 1, 15, 10)
    pauses = [PauseInterval(start, end)]
    for now, overdue in ((end, 1), (at(2026, 1, 15, 11), 2), (at(2026, 1, 16, 8), 9)):
        status = POLICY.resolution_status(CRITICAL, MONDAY_0800, now, None, pauses)
        assert status.state is TimerState.BREACHED
        assert status.due == at(2026, 1, 14, 12)
        assert status.remaining_seconds == -overdue * HOUR, now
        assert status.elapsed_seconds == (24 + overdue) * HOUR
    # While the wait lasts the overdue time stands at 1h.
    waiting = [PauseInterval(start)]
    status = POLICY.resolution_status(CRITICAL, MONDAY_0800, at(2026, 1, 16, 15), None, waiting)
    assert (status.state, status.remaining_seconds, status.paused) == (
        TimerState.BREACHED,
        -1 * HOUR,
        True,
    )
    # Resolved Thu 11:00, late: 26h counted (the wait left out).
    late = POLICY.resolution_status(CRITICAL, MONDAY_0800, at(2026, 1, 20, 9), end, pauses)
    assert late.state is TimerState.LATE


def test_a_wait_begun_at_the_due_instant_itself_never_breaches() -> None:
    # Critical resolution due Wed 12:00, set waiting at 12:00 exactly: the clock stopped with
    # no time left, not past it (a property test found the policy's reading said breached).
    due = at(2026, 1, 14, 12)
    waiting = [PauseInterval(due)]
    status = POLICY.resolution_status(CRITICAL, MONDAY_0800, at(2026, 1, 15, 9), None, waiting)
    stored = compute_deadlines(POLICY, CRITICAL, MONDAY_0800)
    clock = CaseClock(CRITICAL, MONDAY_0800, None, None, due)
    timer = resolution_timer(POLICY, clock, stored, at(2026, 1, 15, 9))
    for reading in (status, timer):
        assert (reading.state, reading.remaining_seconds) == (TimerState.AT_RISK, 0)


def test_the_stored_clock_leaves_out_a_wait_begun_once_breached() -> None:
    # The same case through what the store keeps (case_sla), built at once and pause by pause.
    start, end = at(2026, 1, 14, 13), at(2026, 1, 15, 10)
    built = compute_deadlines(POLICY, CRITICAL, MONDAY_0800, [(start, end)])
    assert built.resolution_due == at(2026, 1, 14, 12)  # not pushed
    assert built.resolution_paused_after_due == 7 * HOUR
    stepped = after_pause(
        POLICY, CRITICAL, compute_deadlines(POLICY, CRITICAL, MONDAY_0800), start, end
    )
    assert stepped == built
    running = CaseClock(CRITICAL, MONDAY_0800, None, None, None)
    timer = resolution_timer(POLICY, running, built, at(2026, 1, 15, 11))
    assert (timer.state, timer.remaining_seconds) == (TimerState.BREACHED, -2 * HOUR)
    assert timer.elapsed_seconds == 26 * HOUR
    resolved = CaseClock(CRITICAL, MONDAY_0800, None, at(2026, 1, 15, 11), None)
    met = resolution_timer(POLICY, resolved, built, at(2026, 1, 20, 9))
    assert (met.state, met.elapsed_seconds) == (TimerState.LATE, 26 * HOUR)
    # Waiting again from Thu 11:00 (2h overdue): frozen there, and its frozen time left says so.
    waiting = CaseClock(CRITICAL, MONDAY_0800, at(2026, 1, 15, 12), None, at(2026, 1, 15, 11))
    timer = resolution_timer(POLICY, waiting, built, at(2026, 1, 19, 15))
    assert (timer.remaining_seconds, timer.paused) == (-2 * HOUR, True)
    frozen = paused_left(
        POLICY.calendar,
        True,
        True,
        at(2026, 1, 15, 11).timestamp(),
        built.resolution_due.timestamp(),
        built.resolution_paused_after_due,
    )
    assert frozen == -2 * HOUR
    # A wait begun before the due instant pushes it instead, and adds nothing.
    early = compute_deadlines(POLICY, CRITICAL, MONDAY_0800, [(at(2026, 1, 14, 11), end)])
    assert early.resolution_paused_after_due == 0
    assert early.resolution_due == at(2026, 1, 15, 11)  # Wed 11-18 and Thu 08-10: 9h later


def test_paused_business_seconds() -> None:
    pauses = [
        PauseInterval(at(2026, 1, 12, 14), at(2026, 1, 13, 10)),  # 6h
        PauseInterval(at(2026, 1, 13, 10), at(2026, 1, 13, 9)),  # backwards: ignored
        PauseInterval(at(2026, 1, 14, 16)),  # open: to now, Wed 16-18 + Thu 08-09 = 3h
    ]
    calendar = POLICY.calendar
    assert paused_business_seconds(calendar, pauses, at(2026, 1, 15, 9)) == 9 * HOUR
    assert paused_business_seconds(calendar, pauses, None) == 6 * HOUR


# -- 24x7 severities --------------------------------------------------------------------------


def policy_with_critical_24x7(holiday_dates: frozenset[date] = frozenset()) -> SlaPolicy:
    targets = dict(DEFAULT_TARGETS)
    targets[CRITICAL] = SeverityTargets(4 * HOUR, 24 * HOUR, around_the_clock=True)
    return SlaPolicy(BusinessCalendar.office_hours(holidays=holiday_dates), targets)


def test_around_the_clock_severity() -> None:
    policy = policy_with_critical_24x7()
    assert policy.calendar_for(CRITICAL).is_always_open
    assert not policy.calendar_for(MAJOR).is_always_open
    friday_night = at(2026, 1, 9, 19)
    # Critical counts every hour: response Fri 23:00, resolution Sat 19:00.
    assert policy.response_due(CRITICAL, friday_night) == at(2026, 1, 9, 23)
    assert policy.resolution_due(CRITICAL, friday_night) == at(2026, 1, 10, 19)
    # Major still counts office hours: all of Monday.
    assert policy.response_due(MAJOR, friday_night) == at(2026, 1, 12, 18)
    # Across DST, 24 real hours: Sat 12:00 EST -> Sun 13:00 EDT; Sat 12:00 EDT -> Sun 11:00 EST.
    assert policy.resolution_due(CRITICAL, at(2026, 3, 7, 12)) == at(2026, 3, 8, 13)
    assert policy.resolution_due(CRITICAL, at(2026, 10, 31, 12)) == at(2026, 11, 1, 11)
    # A pause on a 24x7 timer pushes by its wall-clock length: Sat 00:00 -> Sat 02:00 = 2h.
    pauses = [PauseInterval(at(2026, 1, 10, 0), at(2026, 1, 10, 2))]
    assert policy.resolution_due(CRITICAL, friday_night, pauses) == at(2026, 1, 10, 21)
    status = policy.response_status(CRITICAL, friday_night, at(2026, 1, 9, 22), None)
    assert status.state is TimerState.AT_RISK  # 3h of 4h, on a Friday night


def test_around_the_clock_ignores_holidays() -> None:
    policy = policy_with_critical_24x7(frozenset(ONTARIO_HOLIDAYS))
    # Christmas Eve 20:00 + 4h: Christmas midnight, holiday or not.
    assert policy.response_due(CRITICAL, at(2026, 12, 24, 20)) == at(2026, 12, 25, 0)
    # Major on office hours skips Christmas, the weekend and Boxing Day (observed Mon 28).
    assert policy.response_due(MAJOR, at(2026, 12, 24, 20)) == at(2026, 12, 29, 18)


# -- the queue and validation -----------------------------------------------------------------


def test_remaining_many_matches_one_by_one() -> None:
    now = at(2026, 1, 13, 10)  # Tue 10:00
    dues = [
        at(2026, 1, 13, 12),  # 2h ahead
        at(2026, 1, 14, 18),  # 8h Tue + 10h Wed = 18h
        at(2026, 1, 12, 17),  # Mon 17-18 + Tue 08-10 = 3h behind
        at(2026, 1, 17, 12),  # Saturday: Tue 8h + Wed, Thu, Fri 30h = 38h
    ]
    assert remaining_many(POLICY.calendar, dues, now) == [2 * HOUR, 18 * HOUR, -3 * HOUR, 38 * HOUR]
    assert remaining_many(POLICY.calendar, [], now) == []


def test_severity_order_and_values() -> None:
    assert [s.value for s in Severity] == ["critical", "major", "moderate", "minor"]
    assert sorted([MINOR, CRITICAL, MODERATE, MAJOR], key=lambda s: s.rank) == list(Severity)
    assert Severity("major") is MAJOR


def test_policy_validation() -> None:
    with pytest.raises(ValueError):
        SlaPolicy(at_risk_ratio=1.0)
    with pytest.raises(ValueError):
        SlaPolicy(at_risk_ratio=0.0)
    with pytest.raises(ValueError):
        SeverityTargets(0, HOUR)
    with pytest.raises(ValueError):
        SlaPolicy(targets={CRITICAL: DEFAULT_TARGETS[CRITICAL]})


def test_changing_severity_recomputes_from_received_at() -> None:
    # A case received Mon 08:00 as minor, raised to critical at Mon 13:00: the critical targets
    # count from received_at, so its response was due Mon 12:00 and is already breached.
    status = POLICY.response_status(CRITICAL, MONDAY_0800, at(2026, 1, 12, 13), None)
    assert status.due == at(2026, 1, 12, 12)
    assert status.state is TimerState.BREACHED
    assert POLICY.response_due(MINOR, MONDAY_0800) - status.due == timedelta(days=2, hours=6)
