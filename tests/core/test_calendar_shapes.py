"""Property tests for the calendar's newer shapes against the simple reference: random per-day
windows, overnight windows, dated exceptions (half-days, closures), DST in both directions and
both hemispheres, and the backward arithmetic (previous opening/closing, latest receipt)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wzdesk.core.calendar import (
    DAY_SECONDS,
    BusinessCalendar,
    DayHours,
    WeeklyHours,
    check_week,
    format_hours,
    format_week,
    parse_hours,
    parse_week,
)

from .reference_calendar import ReferenceCalendar

HOUR = 3600
ZONES = ["America/Toronto", "Europe/London", "Australia/Sydney"]
# DST switches of 2026: Toronto Mar 8 / Nov 1, London Mar 29 / Oct 25, Sydney Apr 5 / Oct 4.
SWITCHES = [
    date(2026, 3, 8),
    date(2026, 11, 1),
    date(2026, 3, 29),
    date(2026, 10, 25),
    date(2026, 4, 5),
    date(2026, 10, 4),
]
DAYS = sorted({d + timedelta(days=k) for d in SWITCHES for k in range(-3, 4)})

SHAPES = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@st.composite
def day_hours(draw: st.DrawFn, overnight: bool = True) -> DayHours:
    """Zero to two windows on half-hour marks; the last may cross midnight."""
    count = draw(st.integers(0, 2))
    marks = sorted(draw(st.lists(st.integers(0, 47), min_size=2 * count, max_size=2 * count)))
    windows = [(marks[2 * i] * 1800, marks[2 * i + 1] * 1800) for i in range(count)]
    windows = [(a, b) for a, b in windows if a < b]
    if overnight and windows and draw(st.booleans()):
        start = windows[-1][0]
        windows[-1] = (start, DAY_SECONDS + draw(st.integers(0, 14)) * 1800)
    # Merge windows that touch (the parser refuses nothing here, but keep them distinct).
    return tuple(windows)


@st.composite
def weeks(draw: st.DrawFn) -> WeeklyHours:
    week = tuple(draw(day_hours()) for _ in range(7))
    assume(any(week))
    try:
        check_week(week)  # type: ignore[arg-type]
    except ValueError:
        assume(False)
    return week  # type: ignore[return-value]


@st.composite
def shapes(draw: st.DrawFn) -> tuple[BusinessCalendar, ReferenceCalendar]:
    zone = draw(st.sampled_from(ZONES))
    week = draw(weeks())
    holidays = draw(st.frozensets(st.sampled_from(DAYS), max_size=3))
    exceptions = draw(
        st.dictionaries(st.sampled_from(DAYS), day_hours(overnight=False), max_size=3)
    )
    calendar = BusinessCalendar(zone, week, holidays, tuple(exceptions.items()))
    return calendar, ReferenceCalendar(zone, week, holidays, exceptions)


def _instant(day: date, minute: int) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) + minute * 60


instants = st.builds(_instant, st.sampled_from(DAYS), st.integers(-24 * 60, 48 * 60))
amounts = st.integers(1, 40 * 60).map(lambda m: m * 60)


def aware(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


@SHAPES
@given(shapes(), instants, st.integers(0, 6 * 1440).map(lambda m: m * 60))
def test_between_matches_reference(
    pair: tuple[BusinessCalendar, ReferenceCalendar], a: int, span: int
) -> None:
    calendar, ref = pair
    assert calendar.business_seconds_between(aware(a), aware(a + span)) == ref.between(a, a + span)


@SHAPES
@given(shapes(), instants, amounts)
def test_add_matches_reference(
    pair: tuple[BusinessCalendar, ReferenceCalendar], t: int, seconds: int
) -> None:
    calendar, ref = pair
    assert calendar.add_business_seconds(aware(t), seconds).timestamp() == ref.add(t, seconds)


@SHAPES
@given(shapes(), instants)
def test_open_and_openings_match_reference(
    pair: tuple[BusinessCalendar, ReferenceCalendar], t: int
) -> None:
    calendar, ref = pair
    instant = aware(t)
    assert calendar.is_open(instant) == ref.is_open(t)
    assert calendar.next_opening(instant).timestamp() == ref.next_opening(t)
    assert calendar.next_closing(instant).timestamp() == ref.next_closing(t)
    assert calendar.previous_opening(instant).timestamp() == ref.previous_opening(t)
    assert calendar.previous_closing(instant).timestamp() == ref.previous_closing(t)


@SHAPES
@given(shapes(), instants, amounts)
def test_latest_start_matches_reference_and_is_the_latest(
    pair: tuple[BusinessCalendar, ReferenceCalendar], deadline: int, seconds: int
) -> None:
    calendar, ref = pair
    latest = calendar.latest_start(aware(deadline), seconds)
    assert latest.timestamp() == ref.latest_start(deadline, seconds)
    # Received then, it is due by the deadline; a second later, it is not.
    assert calendar.add_business_seconds(latest, seconds).timestamp() <= deadline
    # (a second later in real time: wall-clock arithmetic on a London datetime would not be)
    later = calendar.add_business_seconds(aware(latest.timestamp() + 1), seconds)
    assert later.timestamp() > deadline


# -- examples ---------------------------------------------------------------------------------

TORONTO = ZoneInfo("America/Toronto")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TORONTO)  # type: ignore[misc]


def test_overnight_window_belongs_to_the_day_it_starts() -> None:
    night = parse_hours("23:00-07:00")
    assert night == ((23 * HOUR, 31 * HOUR),)
    assert format_hours(night) == "23:00-07:00"
    # A night line Monday to Friday nights; Friday night runs into Saturday morning.
    calendar = BusinessCalendar(week=(night,) * 5 + ((), ()))
    assert calendar.is_open(local(2026, 3, 14, 6, 59))  # Saturday morning: Friday's night
    assert not calendar.is_open(local(2026, 3, 14, 23, 30))  # Saturday night: closed
    assert not calendar.is_open(local(2026, 3, 9, 3))  # Monday 03:00: Sunday's night, closed
    # Received Friday 22:00, 4 hours: Fri 23:00 -> Sat 03:00.
    assert calendar.add_business_seconds(local(2026, 3, 13, 22), 4 * HOUR) == local(2026, 3, 14, 3)
    # A holiday on Friday closes Friday's night, not Thursday's.
    closed_friday = calendar.with_holidays({date(2026, 3, 13)})
    assert closed_friday.is_open(local(2026, 3, 13, 6))
    assert not closed_friday.is_open(local(2026, 3, 14, 1))


def test_overnight_across_the_dst_switch_counts_real_time() -> None:
    # Saturday 7 March 23:00 to Sunday 07:00 EDT: the clocks jump at 02:00, so 7 real hours.
    calendar = BusinessCalendar(week=((),) * 5 + (parse_hours("23:00-07:00"), ()))
    start, end = local(2026, 3, 7, 22), local(2026, 3, 8, 8)
    assert calendar.business_seconds_between(start, end) == 7 * HOUR
    # And in November the night of Oct 31 has 9.
    assert calendar.business_seconds_between(local(2026, 10, 31, 22), local(2026, 11, 1, 8)) == (
        9 * HOUR
    )


def test_a_half_day_exception() -> None:
    eve = date(2026, 12, 24)
    calendar = BusinessCalendar(exceptions=((eve, parse_hours("08:00-12:00")),))
    assert calendar.is_open(local(2026, 12, 24, 11, 59))
    assert not calendar.is_open(local(2026, 12, 24, 12))
    # Critical received Thursday 24 Dec 10:00: 2h that morning, then Friday 25 (open, no
    # holiday here) 08:00-10:00.
    assert calendar.add_business_seconds(local(2026, 12, 24, 10), 4 * HOUR) == local(
        2026, 12, 25, 10
    )
    assert calendar.previous_closing(local(2026, 12, 24, 15)) == local(2026, 12, 24, 12)
    # An exception wins over a holiday on the same date.
    both = BusinessCalendar(holidays={eve}, exceptions=((eve, parse_hours("08:00-12:00")),))
    assert both.is_open(local(2026, 12, 24, 9))


def test_previous_opening_and_closing() -> None:
    calendar = BusinessCalendar.office_hours()
    monday_noon = local(2026, 3, 9, 12)
    assert calendar.previous_opening(monday_noon) == local(2026, 3, 9, 8)
    assert calendar.previous_closing(monday_noon) == local(2026, 3, 6, 18)
    assert calendar.previous_closing(local(2026, 3, 9, 18)) == local(2026, 3, 9, 18)
    assert calendar.previous_opening(local(2026, 3, 8, 12)) == local(2026, 3, 6, 8)


def test_latest_receipt_to_be_due_by() -> None:
    calendar = BusinessCalendar.office_hours()
    # Due by Monday 18:00 with 10 business hours: received by Monday 08:00 (or any time over
    # the weekend, which counts from Monday 08:00).
    assert calendar.latest_start(local(2026, 3, 9, 18), 10 * HOUR) == local(2026, 3, 9, 8)
    # 4 hours due by Monday 11:00: Friday 17:00.
    assert calendar.latest_start(local(2026, 3, 9, 11), 4 * HOUR) == local(2026, 3, 6, 17)
    # Far back: 2000 business hours from a table built around 2026.
    far = calendar.latest_start(local(2026, 3, 9, 18), 2000 * HOUR)
    assert calendar.business_seconds_between(far, local(2026, 3, 9, 18)) == 2000 * HOUR


def test_per_weekday_hours() -> None:
    week = parse_week(["mon-thu=08:00-18:00", "fri=08:00-16:00", "sat=09:00-12:00"])
    assert week[0] == week[3] == parse_hours("08:00-18:00")
    assert week[4] == parse_hours("08:00-16:00")
    assert week[6] == ()
    assert format_week(week) == "mon-thu 08:00-18:00, fri 08:00-16:00, sat 09:00-12:00"
    # The plain form opens Monday-Friday; a later value overrides a day.
    week = parse_week(["09:00-12:00,13:00-18:00", "fri=09:00-12:00", "sat,sun=10:00-14:00"])
    assert format_week(week) == (
        "mon-thu 09:00-12:00,13:00-18:00, fri 09:00-12:00, sat-sun 10:00-14:00"
    )
    assert format_week(parse_week(["mon-fri=22:00-06:00"])) == "mon-fri 22:00-06:00"


@pytest.mark.parametrize(
    "specs",
    [
        ["xyz=08:00-18:00"],
        ["fri-mon=08:00-18:00"],
        ["mon=08:00-08:00"],
        ["mon=20:00-09:00", "tue=08:00-18:00"],  # Monday's night runs into Tuesday's opening
        ["sun=22:00-09:00", "mon=08:00-18:00"],  # ... and across the week's end
        ["mon=25:00-26:00"],
    ],
)
def test_bad_weeks_are_refused(specs: list[str]) -> None:
    with pytest.raises(ValueError):
        parse_week(specs)


# -- business-day targets in open days ---------------------------------------------------------


def test_open_day_targets_beside_business_hour_targets() -> None:
    from wzdesk.core.case_sla import compute_deadlines
    from wzdesk.core.sla import DEFAULT_TARGETS, Severity, SeverityTargets, SlaPolicy

    week = parse_week(["mon-thu=08:00-18:00", "fri=08:00-16:00"])
    calendar = BusinessCalendar(week=week, holidays={date(2026, 3, 17)})
    hours = SlaPolicy(calendar)
    days = SlaPolicy(
        calendar,
        {**DEFAULT_TARGETS, Severity.MAJOR: SeverityTargets(10 * HOUR, 30 * HOUR, False, 1, 3)},
    )
    friday = local(2026, 3, 13, 10)
    assert hours.response_due(Severity.MAJOR, friday) == local(2026, 3, 16, 12)
    assert days.response_due(Severity.MAJOR, friday) == local(2026, 3, 16, 10)
    # Three open days: Monday, (Tuesday 17 is a holiday), Wednesday, Thursday.
    assert days.resolution_due(Severity.MAJOR, friday) == local(2026, 3, 19, 10)
    deadlines = compute_deadlines(days, Severity.MAJOR, friday)
    assert deadlines.response_due == local(2026, 3, 16, 10)
    # At risk at 75% of the business time to that due instant (8h): Friday 16:00.
    assert deadlines.response_at_risk_at == local(2026, 3, 13, 16)
    status = days.response_status(Severity.MAJOR, friday, local(2026, 3, 16, 9), None)
    assert status.target_seconds == 8 * HOUR and status.remaining_seconds == HOUR
    # Received at night: the same time next open day is closed too -> the next opening.
    assert days.response_due(Severity.MAJOR, local(2026, 3, 9, 22)) == local(2026, 3, 11, 8)
    # Critical keeps counting business hours.
    assert days.response_due(Severity.CRITICAL, friday) == hours.response_due(
        Severity.CRITICAL, friday
    )


#: Days around each zone's DST switches in the years before the table (2012-2024), for a desk
#: that shows an old case's met timer after reading today's.
OLD_DAYS = sorted(
    {
        switch.replace(year=year) + timedelta(days=k)
        for switch in SWITCHES
        for year in range(2012, 2025)
        for k in range(-10, 11)
    }
)
old_instants = st.builds(_instant, st.sampled_from(OLD_DAYS), st.integers(-24 * 60, 48 * 60))


@SHAPES
@given(
    shapes(),
    instants,
    st.lists(
        st.tuples(old_instants, st.integers(0, 90 * 1440).map(lambda m: m * 60)),
        min_size=1,
        max_size=8,
    ),
)
def test_old_spans_after_todays_table_match_reference(
    pair: tuple[BusinessCalendar, ReferenceCalendar], now: int, asks: list[tuple[int, int]]
) -> None:
    """Short spans years before the table read side tables of their own (longer ones grow
    the table back), both ways round; and the table then still answers around now."""
    calendar, ref = pair
    assert calendar.business_seconds_between(aware(now), aware(now + DAY_SECONDS)) == ref.between(
        now, now + DAY_SECONDS
    )
    for a, span in asks:
        b = a + span
        assert calendar.business_seconds_between(aware(a), aware(b)) == ref.between(a, b)
        assert calendar.business_seconds_between(aware(b), aware(a)) == ref.between(b, a)
    assert calendar.add_business_seconds(aware(now), 7 * HOUR).timestamp() == ref.add(now, 7 * HOUR)
    assert calendar.business_seconds_between(aware(now), aware(now + DAY_SECONDS)) == ref.between(
        now, now + DAY_SECONDS
    )


def test_side_tables_stop_at_their_budget_and_the_table_grows_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past ``_SIDE_TABLES_MOST`` side tables, a short old span grows the table as before;
    every answer agrees with the reference either way."""
    from wzdesk.core import calendar as module

    monkeypatch.setattr(module, "_SIDE_TABLES_MOST", 2)
    zone = "America/Toronto"
    week = BusinessCalendar.office_hours(zone).week
    calendar = BusinessCalendar(zone, week, frozenset())
    ref = ReferenceCalendar(zone, week, frozenset(), {})
    now = _instant(date(2026, 3, 11), 14 * 60)
    assert calendar.is_open(aware(now))  # builds the table around now
    first_day = calendar._timeline.first_day  # type: ignore[union-attr]
    for year in (2013, 2016, 2019, 2022):
        a = _instant(date(year, 3, 11), 14 * 60)
        b = a + 9 * DAY_SECONDS
        assert calendar.business_seconds_between(aware(a), aware(b)) == ref.between(a, b)
    assert len(calendar._sides) == 2  # 2013 and 2016
    assert calendar._timeline.first_day < first_day  # type: ignore[union-attr]  # grown back


def _chunk_start(year: int) -> date:
    """A day starting one of the calendar's side-table stretches, in ``year``."""
    from wzdesk.core import calendar as module

    ordinal = date(year, 6, 1).toordinal()
    return date.fromordinal(ordinal - ordinal % module._SIDE_SPAN_DAYS)


def test_a_side_table_holds_the_night_window_that_began_the_day_before() -> None:
    """An overnight window (22:00-06:00) open at 01:00 on the first day of a side table's
    stretch began the evening before: the side table starts a week earlier, as the main
    table does, and counts it."""
    zone = "America/Toronto"
    night: DayHours = ((22 * HOUR, 30 * HOUR),)
    week: WeeklyHours = (night,) * 7
    calendar = BusinessCalendar(zone, week, frozenset())
    ref = ReferenceCalendar(zone, week, frozenset(), {})
    now = _instant(date(2026, 3, 11), 14 * 60)
    assert not calendar.is_open(aware(now))  # the table, around now
    day = _chunk_start(2015)
    one_am = int(datetime.combine(day, datetime.min.time(), ZoneInfo(zone)).timestamp()) + HOUR
    assert (
        calendar.business_seconds_between(aware(one_am), aware(one_am + 3 * HOUR))
        == (ref.between(one_am, one_am + 3 * HOUR))
        == 3 * HOUR
    )


def test_a_side_table_grows_for_a_later_span_in_its_stretch() -> None:
    """A second span in the same stretch reaching past the side table's end extends it."""
    zone = "Europe/London"
    week = BusinessCalendar.office_hours(zone).week
    calendar = BusinessCalendar(zone, week, frozenset())
    ref = ReferenceCalendar(zone, week, frozenset(), {})
    assert calendar.is_open(aware(_instant(date(2026, 3, 11), 12 * 60)))
    first = _chunk_start(2016)
    a = _instant(first + timedelta(days=8), 12 * 60)
    assert calendar.business_seconds_between(aware(a), aware(a + DAY_SECONDS)) == ref.between(
        a, a + DAY_SECONDS
    )
    b = _instant(first + timedelta(days=60), 9 * 60)
    end = b + 60 * DAY_SECONDS  # 120 days past the stretch's start: past the side table
    assert calendar.business_seconds_between(aware(b), aware(end)) == ref.between(b, end)
