"""SLA explain and the event log, against the calendar and the timers (pure, property-based).

* explain's intervals add up exactly to the business time ``BusinessCalendar`` counts (minus
  the pauses that stopped the clock), and to the elapsed time the timers read;
* the last event of each target agrees with the timer's state at the same instant;
* a case as of an instant ignores everything recorded after it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wzdesk.core.calendar import BusinessCalendar, parse_hours
from wzdesk.core.sla import PauseInterval, Severity, SlaPolicy, TimerState
from wzdesk.core.sla_history import (
    CaseFacts,
    Pause,
    SeverityChange,
    counted_intervals,
    explain,
    readings,
    sla_events,
)

TORONTO = ZoneInfo("America/Toronto")
ONTARIO = frozenset(holidays.country_holidays("CA", subdiv="ON", years=range(2025, 2028)))
SPLIT_WEEK = (
    (parse_hours("08:00-12:00,13:00-17:00"),) * 5
    + (parse_hours("20:00-24:00"),)
    + (parse_hours("00:00-02:00,22:00-23:00"),)
)
CALENDARS = [
    BusinessCalendar.office_hours(),
    BusinessCalendar.office_hours(holidays=ONTARIO),
    BusinessCalendar("America/Toronto", SPLIT_WEEK, ONTARIO),
    BusinessCalendar.around_the_clock(),
]
START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = 3 * 365 * 86_400

instants = st.integers(0, SPAN).map(lambda s: START + timedelta(seconds=s))
durations = st.integers(0, 30 * 86_400).map(lambda s: timedelta(seconds=s))
calendars = st.sampled_from(CALENDARS)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(calendars, instants, durations)
def test_intervals_sum_exactly_to_business_time(
    calendar: BusinessCalendar, start: datetime, length: timedelta
) -> None:
    end = start + length
    intervals, skipped = counted_intervals(calendar, start, end)
    assert sum(i.seconds for i in intervals) == calendar.business_seconds_between(start, end)
    # Intervals and skipped spans tile [start, end] without overlap.
    spans = sorted([(i.start, i.end) for i in intervals] + [(s.start, s.end) for s in skipped])
    if length:
        assert spans[0][0] == start and spans[-1][1] == end
        assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert all(s.reasons for s in skipped)


@SETTINGS
@given(calendars, instants, durations, st.lists(st.tuples(durations, durations), max_size=4))
def test_intervals_leave_out_pauses_exactly(
    calendar: BusinessCalendar,
    start: datetime,
    length: timedelta,
    raw_pauses: list[tuple[timedelta, timedelta]],
) -> None:
    end = start + length
    pauses = []
    cursor = start
    for gap, span in raw_pauses:  # disjoint pauses, in order
        a = cursor + gap / 8
        b = a + span / 8
        pauses.append((a, b))
        cursor = b
    intervals, _ = counted_intervals(calendar, start, end, pauses)
    paused = sum(
        calendar.business_seconds_between(max(a, start), min(b, end))
        for a, b in pauses
        if a < end and b > start
    )
    total = sum(i.seconds for i in intervals)
    assert total == calendar.business_seconds_between(start, end) - paused


severities = st.sampled_from(list(Severity))


@st.composite
def histories(draw: st.DrawFn) -> tuple[SlaPolicy, CaseFacts, datetime]:
    policy = SlaPolicy(draw(st.sampled_from(CALENDARS[:3])))
    received = draw(instants)
    cursor = received
    pauses = []
    responded = None
    if draw(st.booleans()):
        responded = received + draw(durations) / 4
    for _ in range(draw(st.integers(0, 3))):
        start = cursor + draw(durations) / 4
        end = start + draw(durations) / 4
        pauses.append(Pause(start, end, "waiting_client"))
        cursor = end
    ending = draw(st.sampled_from(["running", "waiting", "resolved"]))
    if ending != "running":
        start = cursor + draw(durations) / 4
        pauses.append(Pause(start, None, "waiting_client" if ending == "waiting" else "resolved"))
        cursor = start
        if ending == "resolved" and responded is None:
            responded = start
    severity = draw(severities)
    changes: tuple[SeverityChange, ...] = ()
    if draw(st.booleans()):
        changed = received + draw(durations) / 4
        before = draw(severities)
        changes = (SeverityChange(changed, before, severity),)
    facts = CaseFacts(received, severity, changes, responded, tuple(pauses))
    now = received + draw(durations) * 2
    return policy, facts, now


@SETTINGS
@given(histories())
def test_explain_agrees_with_the_timers(history: tuple[SlaPolicy, CaseFacts, datetime]) -> None:
    policy, facts, now = history
    reading = readings(policy, facts, now)
    for explained, timer in zip(
        explain(policy, facts, now), (reading.response, reading.resolution), strict=True
    ):
        assert explained.state == timer.state
        assert explained.due == timer.due
        assert explained.elapsed_seconds == sum(i.seconds for i in explained.intervals)
        # The timers read target - (business time left to due): the same count.
        assert abs(explained.elapsed_seconds - timer.elapsed_seconds) < 1e-6


@SETTINGS
@given(histories())
def test_time_left_is_the_target_less_the_time_counted(
    history: tuple[SlaPolicy, CaseFacts, datetime],
) -> None:
    """A running or waiting resolution target has left (or is overdue by) its target less the
    business time from receipt to now (or to its ongoing pause), less every finished pause,
    one begun once breached too (SPEC 3: the clock pauses while waiting on the client). The
    reference is the calendar walk of :func:`counted_intervals`, not the timers' arithmetic;
    the policy's own reading from the pause list must agree as well."""
    policy, facts, now = history
    facts_now = facts.as_of(now)
    timer = readings(policy, facts, now).resolution
    if timer.state.is_done or facts_now.severity_changes:
        return
    calendar = policy.calendar_for(facts_now.severity)
    until = facts_now.paused_since or now
    stood = [(start, min(end, until)) for start, end in facts_now.finished_pauses]
    intervals, _ = counted_intervals(calendar, facts_now.received_at, until, stood)
    counted = sum(interval.seconds for interval in intervals)
    assert timer.remaining_seconds is not None
    assert abs(timer.remaining_seconds - (timer.target_seconds - counted)) < 1e-6
    pauses = [PauseInterval(p.start, p.end) for p in facts_now.pauses]
    status = policy.resolution_status(facts_now.severity, facts_now.received_at, now, None, pauses)
    assert status.state == timer.state
    assert status.remaining_seconds is not None
    assert abs(status.remaining_seconds - timer.remaining_seconds) < 1e-6


@SETTINGS
@given(histories())
def test_last_events_agree_with_the_timer_states(
    history: tuple[SlaPolicy, CaseFacts, datetime],
) -> None:
    policy, facts, now = history
    reading = readings(policy, facts, now)
    events = sla_events(policy, facts, now)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert all(e.at <= now for e in events)
    for target, timer in (("response", reading.response), ("resolution", reading.resolution)):
        kinds = [
            e.kind for e in events if e.target == target and e.kind not in ("paused", "resumed")
        ]
        if timer.state == TimerState.MET:
            assert kinds[-1] == "met"
        elif timer.state == TimerState.LATE:
            assert kinds[-1] == "late" and "breached" in kinds
        elif timer.state == TimerState.BREACHED:
            assert "breached" in kinds
        elif timer.state == TimerState.AT_RISK:
            assert "at_risk" in kinds and "breached" not in kinds[kinds.index("at_risk") :]
        else:
            assert "at_risk" not in kinds[-1:] and "breached" not in kinds[-1:]


@SETTINGS
@given(histories(), durations)
def test_as_of_ignores_what_came_later(
    history: tuple[SlaPolicy, CaseFacts, datetime], back: timedelta
) -> None:
    policy, facts, now = history
    earlier = max(facts.received_at, now - back)
    past = facts.as_of(earlier)
    assert all(p.start <= earlier for p in past.pauses)
    assert all(p.end is None or p.end <= earlier for p in past.pauses)
    assert past.first_response_at is None or past.first_response_at <= earlier
    assert readings(policy, facts, earlier) == readings(policy, past, earlier)
    assert sla_events(policy, facts, earlier) == sla_events(policy, past, earlier)


# -- why a span was skipped ------------------------------------------------------------------

#: A half-day (Christmas Eve until noon) and a Saturday opened for a morning, among the
#: calendars the reasons are checked on.
EXCEPTIONS = BusinessCalendar(
    "America/Toronto",
    BusinessCalendar.office_hours().week,
    ONTARIO,
    (
        (date(2026, 12, 24), parse_hours("08:00-12:00")),
        (date(2026, 12, 5), parse_hours("09:00-12:00")),
    ),
)
REASON_CALENDARS = [*CALENDARS[:3], EXCEPTIONS]
#: Every calendar here opens and closes on the quarter hour: a sample each quarter hour (and
#: at each end of a span) meets every part of a span that has a reason of its own.
QUARTER = timedelta(minutes=15)


def _true_reasons(
    calendar: BusinessCalendar,
    start: datetime,
    end: datetime,
    pauses: list[tuple[datetime, datetime]],
) -> set[str]:
    """The simple reference: why each sampled instant of ``[start, end)`` did not count.

    Closed while the weekly hours are open: a holiday (or a half-day's shorter hours). Closed
    with the weekly hours closed too: the weekend on a weekday with no hours at all, else the
    night. Open: the case was paused (that is the only reason open time is skipped)."""
    weekly = BusinessCalendar(calendar.zone_name, calendar.week)
    found = set()
    if any(a < end and start < b for a, b in pauses):
        found.add("pause")
    first = start.astimezone(calendar.zone).replace(minute=0, second=0, microsecond=0)
    samples = [start, end - timedelta(microseconds=1)]
    instant = first.astimezone(UTC)
    while instant < end:
        if instant >= start:
            samples.append(instant)
        instant += QUARTER
    for instant in samples:
        if calendar.is_open(instant):
            continue
        if weekly.is_open(instant):
            found.add("holiday")
        elif calendar.week[instant.astimezone(calendar.zone).weekday()]:
            found.add("night")
        else:
            found.add("weekend")
    return found


short = st.integers(0, 4 * 86_400).map(lambda s: timedelta(seconds=s))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(REASON_CALENDARS),
    st.integers(0, SPAN).map(lambda s: START + timedelta(seconds=s)),
    short,
    st.lists(st.tuples(short, short), max_size=3),
)
def test_each_skipped_span_gives_the_reasons_true_of_it(
    calendar: BusinessCalendar,
    start: datetime,
    length: timedelta,
    raw_pauses: list[tuple[timedelta, timedelta]],
) -> None:
    """Seen in a review: a 15-minute pause on a Wednesday morning was explained as "pause,
    night" (any span touching a working weekday was called night). Every reason given is true
    of some part of the span, and every reason true of a part is given."""
    end = start + length
    pauses = []
    cursor = start
    for gap, span in raw_pauses:
        a = cursor + gap / 4
        b = a + span / 4
        pauses.append((a, b))
        cursor = b
    _, skipped = counted_intervals(calendar, start, end, pauses)
    for span in skipped:
        assert set(span.reasons) == _true_reasons(calendar, span.start, span.end, pauses), span


def test_a_daytime_pause_is_skipped_for_the_pause_alone() -> None:
    """The reviewer's case: Wednesday 2 December 2026, a pause 09:30-09:45 inside 08:00-18:00."""
    calendar = BusinessCalendar.office_hours(holidays=ONTARIO)
    pause = (
        datetime(2026, 12, 2, 9, 30, tzinfo=TORONTO),
        datetime(2026, 12, 2, 9, 45, tzinfo=TORONTO),
    )
    start = datetime(2026, 12, 2, 9, 0, tzinfo=TORONTO)
    end = datetime(2026, 12, 2, 11, 0, tzinfo=TORONTO)
    _, skipped = counted_intervals(calendar, start, end, [pause])
    assert [(s.start, s.end, s.reasons) for s in skipped] == [(*pause, ("pause",))]
    # A pause from the afternoon to the next morning: the pause, and the night between.
    evening = (
        datetime(2026, 12, 2, 17, 0, tzinfo=TORONTO),
        datetime(2026, 12, 3, 9, 0, tzinfo=TORONTO),
    )
    _, skipped = counted_intervals(calendar, start, end + timedelta(days=1), [evening])
    assert [s.reasons for s in skipped] == [("pause", "night")]
    # Friday 18:00 to Monday 08:00: the night on Friday and Monday, the weekend between.
    friday = datetime(2026, 12, 4, 17, 0, tzinfo=TORONTO)
    _, skipped = counted_intervals(calendar, friday, friday + timedelta(days=3))
    assert [s.reasons for s in skipped] == [("weekend", "night")]


def test_a_half_day_counts_its_hours_and_skips_the_rest_as_holiday() -> None:
    """A calendar exception (Christmas Eve open until noon): explain counted the whole day
    when the date was not also a holiday, and none of it when it was."""
    eve = date(2026, 12, 24)
    for holidays_too in (frozenset(), frozenset({eve})):
        calendar = BusinessCalendar(
            "America/Toronto",
            BusinessCalendar.office_hours().week,
            holidays_too,
            ((eve, parse_hours("08:00-12:00")),),
        )
        start = datetime(2026, 12, 24, 7, 0, tzinfo=TORONTO)
        end = datetime(2026, 12, 24, 20, 0, tzinfo=TORONTO)
        intervals, skipped = counted_intervals(calendar, start, end)
        assert sum(i.seconds for i in intervals) == calendar.business_seconds_between(start, end)
        assert [
            (s.start.astimezone(TORONTO).hour, s.end.astimezone(TORONTO).hour, s.reasons)
            for s in skipped
        ] == [(7, 8, ("night",)), (12, 20, ("holiday", "night"))]
