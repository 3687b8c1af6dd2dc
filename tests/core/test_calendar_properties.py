"""Property tests: the fast calendar against a slow, obviously correct reference.

Instants are whole minutes between 2025 and 2027, drawn either uniformly or from the days where
mistakes hide (DST switches, Ontario holidays, the weeks around New Year) at times near 08:00
and 18:00. Spans are at most three weeks, so the day-by-day reference stays quick.

Calendars are shared between examples on purpose: hypothesis jumps back and forth in time, so
the lookup table is grown and rebuilt under the tests' feet, and answers must not change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wzdesk.core.calendar import BusinessCalendar, parse_hours
from wzdesk.core.sla import remaining_many

from .reference_calendar import ReferenceCalendar, minute_walk_seconds

ZONE_NAME = "America/Toronto"
TORONTO = ZoneInfo(ZONE_NAME)
HOUR = 3600
ONTARIO = frozenset(holidays.country_holidays("CA", subdiv="ON", years=range(2024, 2029)))

# A split-shift week whose windows touch across midnight (Sat 20:00-24:00 + Sun 00:00-02:00)
# and sit on the DST-switch Sunday nights (Sun 00:00-02:00 is 2h in March and 3h in November).
SPLIT_WEEK = (
    (parse_hours("08:00-12:00,13:00-17:00"),) * 5
    + (parse_hours("20:00-24:00"),)
    + (parse_hours("00:00-02:00,22:00-23:00"),)
)
OFFICE_WEEK = BusinessCalendar.office_hours().week
ALWAYS_WEEK = BusinessCalendar.around_the_clock().week

PAIRS = {
    "office": (BusinessCalendar.office_hours(), ReferenceCalendar(ZONE_NAME, OFFICE_WEEK)),
    "office+ontario": (
        BusinessCalendar.office_hours(holidays=ONTARIO),
        ReferenceCalendar(ZONE_NAME, OFFICE_WEEK, ONTARIO),
    ),
    "split+ontario": (
        BusinessCalendar(ZONE_NAME, SPLIT_WEEK, ONTARIO),
        ReferenceCalendar(ZONE_NAME, SPLIT_WEEK, ONTARIO),
    ),
    "24x7": (BusinessCalendar.around_the_clock(), ReferenceCalendar(ZONE_NAME, ALWAYS_WEEK)),
}
CALENDAR_NAMES = sorted(PAIRS)

# -- strategies ------------------------------------------------------------------------------


def _dst_days() -> list[date]:
    days = []
    for year in (2025, 2026, 2027):
        for month in (3, 11):
            day = date(year, month, 1)
            while day.weekday() != 6:  # first Sunday
                day += timedelta(days=1)
            if month == 3:
                day += timedelta(days=7)  # second Sunday in March
            days.append(day)
    return days


DST_DAYS = _dst_days()
assert date(2026, 3, 8) in DST_DAYS and date(2026, 11, 1) in DST_DAYS
TRICKY_DAYS = sorted(
    {d + timedelta(days=k) for d in DST_DAYS for k in range(-2, 2)}
    | {d + timedelta(days=k) for d in ONTARIO if 2025 <= d.year <= 2027 for k in (-1, 0, 1)}
    | {date(2026, 12, 20) + timedelta(days=k) for k in range(16)}
)
BOUNDARY_MINUTES = [0, 60, 90, 150, 479, 480, 481, 720, 780, 1020, 1079, 1080, 1081, 1200, 1439]

FIRST = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()) // 60
LAST = int(datetime(2027, 12, 31, tzinfo=UTC).timestamp()) // 60


def _wall(day: date, minute: int, fold: int) -> int:
    wall = datetime.combine(day, time(minute // 60, minute % 60, fold=fold), tzinfo=TORONTO)
    return int(wall.timestamp())


epochs = st.one_of(
    st.integers(FIRST, LAST).map(lambda m: m * 60),
    st.builds(
        _wall,
        st.sampled_from(TRICKY_DAYS),
        st.one_of(st.sampled_from(BOUNDARY_MINUTES), st.integers(0, 1439)),
        st.integers(0, 1),
    ),
)
spans = st.one_of(st.integers(0, 21 * 1440), st.integers(0, 2 * 1440)).map(lambda m: m * 60)
business_amounts = st.one_of(
    st.integers(1, 150 * 60).map(lambda m: m * 60),  # up to 150h in whole minutes
    st.sampled_from([4, 10, 20, 24, 30, 100, 200]).map(lambda h: h * HOUR),  # the SLA targets
)
calendars = st.sampled_from(CALENDAR_NAMES)
zones = st.sampled_from([UTC, TORONTO, ZoneInfo("Asia/Kolkata")])  # how the instant is written

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def aware(epoch: float, zone: tzinfo = UTC) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).astimezone(zone)


# -- against the reference ------------------------------------------------------------------


@PROPERTY
@given(calendars, epochs, spans, zones, st.booleans())
def test_between_matches_reference(
    name: str, a: int, span: int, zone: tzinfo, backwards: bool
) -> None:
    calendar, ref = PAIRS[name]
    b = a + span
    if backwards:
        a, b = b, a
    assert calendar.business_seconds_between(aware(a, zone), aware(b, zone)) == ref.between(a, b)


@PROPERTY
@given(calendars, epochs, business_amounts, zones)
def test_add_matches_reference(name: str, t: int, seconds: int, zone: tzinfo) -> None:
    calendar, ref = PAIRS[name]
    due = calendar.add_business_seconds(aware(t, zone), seconds)
    assert due.timestamp() == ref.add(t, seconds)
    assert due.tzinfo == TORONTO
    assert calendar.add_business_seconds_epoch(t, seconds) == ref.add(t, seconds)


@PROPERTY
@given(calendars, epochs)
def test_open_and_next_opening_match_reference(name: str, t: int) -> None:
    calendar, ref = PAIRS[name]
    instant = aware(t)
    assert calendar.is_open(instant) == ref.is_open(t)
    assert calendar.next_opening(instant).timestamp() == ref.next_opening(t)
    if name != "24x7":  # a 24x7 desk never closes; its "next closing" is meaningless
        assert calendar.next_closing(instant).timestamp() == ref.next_closing(t)


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.sampled_from(["office", "office+ontario", "split+ontario", "24x7"]),
    st.builds(_wall, st.sampled_from(TRICKY_DAYS), st.integers(0, 1439), st.integers(0, 1)),
    st.integers(0, 2 * 1440).map(lambda m: m * 60),
)
def test_between_matches_a_minute_by_minute_walk(name: str, a: int, span: int) -> None:
    # The bluntest oracle: is the wall clock inside a window, minute after minute?
    calendar, ref = PAIRS[name]
    assert calendar.business_seconds_between(aware(a), aware(a + span)) == minute_walk_seconds(
        ref, a, a + span
    )


# -- algebra ------------------------------------------------------------------------------------


@PROPERTY
@given(calendars, epochs, business_amounts)
def test_add_then_measure_round_trips(name: str, t: int, seconds: int) -> None:
    calendar, _ = PAIRS[name]
    start = aware(t)
    due = calendar.add_business_seconds(start, seconds)
    assert calendar.business_seconds_between(start, due) == seconds


@PROPERTY
@given(calendars, epochs, business_amounts)
def test_due_is_the_earliest_such_instant(name: str, t: int, seconds: int) -> None:
    calendar, _ = PAIRS[name]
    start = aware(t)
    due = calendar.add_business_seconds(start, seconds)
    # In UTC: on a zoned datetime subtraction is wall-clock arithmetic, and 03:00 EDT on the
    # day clocks go forward less one second is 02:59:59, a time that does not exist, read as
    # EST: an hour *after* the due instant (hypothesis found it, a due at Sunday 03:00).
    one_second_earlier = due.astimezone(UTC) - timedelta(seconds=1)
    assert calendar.business_seconds_between(start, one_second_earlier) < seconds
    # ... so the desk was open during that last second (a due instant is never at 08:00).
    assert calendar.is_open(one_second_earlier)


@PROPERTY
@given(calendars, epochs, spans, business_amounts)
def test_monotonic(name: str, t: int, delay: int, seconds: int) -> None:
    calendar, _ = PAIRS[name]
    early, late = aware(t), aware(t + delay)
    # Later receipt, never an earlier due; more time, never an earlier due.
    assert calendar.add_business_seconds(early, seconds) <= calendar.add_business_seconds(
        late, seconds
    )
    assert calendar.add_business_seconds(early, seconds) <= calendar.add_business_seconds(
        early, seconds + 60
    )
    # Business time is never negative forwards, never more than wall time.
    between = calendar.business_seconds_between(early, late)
    assert 0 <= between <= delay


@PROPERTY
@given(calendars, epochs, business_amounts, business_amounts)
def test_adding_is_additive(name: str, t: int, a: int, b: int) -> None:
    # Holds because add(t, a) sits exactly a business seconds after t (a > 0).
    calendar, _ = PAIRS[name]
    start = aware(t)
    step = calendar.add_business_seconds(calendar.add_business_seconds(start, a), b)
    assert step == calendar.add_business_seconds(start, a + b)


@PROPERTY
@given(calendars, epochs, spans, spans)
def test_between_is_additive(name: str, a: int, ab: int, bc: int) -> None:
    calendar, _ = PAIRS[name]
    x, y, z = aware(a), aware(a + ab), aware(a + ab + bc)
    between = calendar.business_seconds_between
    assert between(x, y) + between(y, z) == between(x, z)
    assert between(z, x) == -between(x, z)


@PROPERTY
@given(epochs, spans)
def test_24x7_is_wall_time(t: int, span: int) -> None:
    calendar, _ = PAIRS["24x7"]
    assert calendar.business_seconds_between(aware(t), aware(t + span)) == span
    if span:
        assert calendar.add_business_seconds_epoch(t, span) == t + span


@PROPERTY
@given(calendars, epochs, st.lists(st.integers(-21 * 1440, 21 * 1440), max_size=20))
def test_positions_and_remaining_many(name: str, now: int, offsets: list[int]) -> None:
    calendar, ref = PAIRS[name]
    dues = [now + minutes * 60 for minutes in offsets]
    expected = [ref.between(now, d) for d in dues]
    assert remaining_many(calendar, [aware(d) for d in dues], aware(now)) == expected
    positions = calendar.positions_epoch([now, *dues])
    assert [p - positions[0] for p in positions[1:]] == expected


@settings(max_examples=60, deadline=None, database=None)
@given(calendars, st.lists(st.tuples(epochs, spans), min_size=1, max_size=6))
def test_answers_do_not_depend_on_what_was_asked_before(
    name: str, questions: list[tuple[int, int]]
) -> None:
    # A fresh calendar asked in any order (growing and rebuilding its table) agrees with the
    # reference on every question.
    _, ref = PAIRS[name]
    shared, _ = PAIRS[name]
    calendar = BusinessCalendar(shared.zone_name, shared.week, shared.holidays)
    for a, span in questions:
        assert calendar.business_seconds_between(aware(a), aware(a + span)) == ref.between(
            a, a + span
        )
        assert calendar.add_business_seconds_epoch(a, span) == ref.add(a, span)


@pytest.mark.parametrize("name", CALENDAR_NAMES)
def test_dst_sundays_hold_the_expected_business_time(name: str) -> None:
    # An anchor for the reference itself, by hand: 24x7 gets 23h/25h; the split week's Sunday
    # (00:00-02:00 + 22:00-23:00) gets 2h+1h in March and 3h+1h in November; office hours 0.
    _, ref = PAIRS[name]
    expected = {
        "office": (0, 0),
        "office+ontario": (0, 0),
        "split+ontario": (3, 4),
        "24x7": (23, 25),
    }[name]
    spring = ref.between(_wall(date(2026, 3, 8), 0, 0), _wall(date(2026, 3, 9), 0, 0))
    autumn = ref.between(_wall(date(2026, 11, 1), 0, 0), _wall(date(2026, 11, 2), 0, 0))
    assert (spring / HOUR, autumn / HOUR) == expected
