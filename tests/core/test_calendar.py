"""Hand-computed business-time cases on the shipped calendar (Mon-Fri 08:00-18:00, Toronto).

Every expectation is worked out by hand; the comment beside it says how. Handy facts:

* 2026-01-09 is a Friday; 2026-01-12 a Monday.
* DST starts Sun 2026-03-08 (02:00 -> 03:00, a 23-hour day), ends Sun 2026-11-01 (02:00 ->
  01:00, a 25-hour day). Toronto is UTC-5 in winter (EST) and UTC-4 in summer (EDT).
* Ontario holidays (``holidays`` package) around the new year: 2025-12-25 Thu, 12-26 Fri,
  2026-01-01 Thu; 2026-12-25 Fri, 12-26 Sat, 12-28 Mon (Boxing Day observed), 2027-01-01 Fri.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from wzdesk.core.calendar import BusinessCalendar, format_hours, parse_hours

TORONTO = ZoneInfo("America/Toronto")
HOUR = 3600

PLAIN = BusinessCalendar.office_hours()
ONTARIO = BusinessCalendar.office_hours(
    holidays=holidays.country_holidays("CA", subdiv="ON", years=range(2025, 2029))
)
ALWAYS = BusinessCalendar.around_the_clock()
CALENDARS = {"plain": PLAIN, "ontario": ONTARIO, "24x7": ALWAYS}


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A wall-clock instant in Toronto."""
    return datetime(year, month, day, hour, minute, second, tzinfo=TORONTO)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# -- adding business time: (calendar, received, business hours, due) ---------------------------

ADD_CASES = [
    # Weekday basics (week of Mon 2026-01-12).
    ("plain", at(2026, 1, 12, 8), 10, at(2026, 1, 12, 18)),  # a full day: due at closing, same day
    ("plain", at(2026, 1, 12, 7), 10, at(2026, 1, 12, 18)),  # before opening: counts from 08:00
    ("plain", at(2026, 1, 12, 12), 10, at(2026, 1, 13, 12)),  # 6h Mon + 4h Tue
    ("plain", at(2026, 1, 12, 18), 10, at(2026, 1, 13, 18)),  # received at closing: nothing Mon
    ("plain", at(2026, 1, 12, 22), 4, at(2026, 1, 13, 12)),  # night: Tue 08:00 + 4h
    ("plain", at(2026, 1, 13, 3), 4, at(2026, 1, 13, 12)),  # small hours: same morning + 4h
    ("plain", at(2026, 1, 12, 8), 20, at(2026, 1, 13, 18)),  # two full days -> Tue closing
    ("plain", at(2026, 1, 13, 20), 24, at(2026, 1, 16, 12)),  # Wed 10 + Thu 10 + Fri 4h
    # Friday evening and weekends (Fri 2026-01-09).
    ("plain", at(2026, 1, 9, 19), 4, at(2026, 1, 12, 12)),  # Fri 19:00: weekend closed, Mon 08+4
    ("plain", at(2026, 1, 9, 17), 4, at(2026, 1, 12, 11)),  # 1h Fri + 3h Mon
    ("plain", at(2026, 1, 9, 16, 30), 10, at(2026, 1, 12, 16, 30)),  # 1.5h Fri + 8.5h Mon
    ("plain", at(2026, 1, 9, 18), 10, at(2026, 1, 12, 18)),  # Fri closing: all of Monday
    ("plain", at(2026, 1, 10, 10), 10, at(2026, 1, 12, 18)),  # Saturday: Mon full day, 18:00
    ("plain", at(2026, 1, 11, 23, 59), 1, at(2026, 1, 12, 9)),  # Sunday night: Mon 08:00 + 1h
    ("plain", at(2026, 1, 10, 0), 50, at(2026, 1, 16, 18)),  # Sat: five full days -> Fri 18:00
    ("plain", at(2026, 1, 10, 0), 51, at(2026, 1, 19, 9)),  # ... and one hour more: next Mon 09
    # DST starts Sun 2026-03-08: the Monday still opens at 08:00 local (12:00Z, EDT).
    ("plain", at(2026, 3, 6, 16), 4, at(2026, 3, 9, 10)),  # 2h Fri + 2h Mon, 10:00 EDT
    ("plain", at(2026, 3, 6, 16), 4, utc(2026, 3, 9, 14)),  # ... which is 14:00Z, not 15:00Z
    ("plain", at(2026, 3, 7, 12), 10, at(2026, 3, 9, 18)),  # Saturday before: full Monday
    ("plain", at(2026, 3, 8, 1, 30), 10, at(2026, 3, 9, 18)),  # Sunday, before the jump
    ("plain", at(2026, 3, 8, 3, 30), 10, at(2026, 3, 9, 18)),  # Sunday, after the jump
    ("plain", at(2026, 3, 6, 8), 20, at(2026, 3, 9, 18)),  # Fri + Mon: 20h, not 19 or 21
    # DST ends Sun 2026-11-01: Monday opens at 08:00 EST (13:00Z).
    ("plain", at(2026, 10, 30, 17), 2, at(2026, 11, 2, 9)),  # 1h Fri + 1h Mon, 09:00 EST
    ("plain", at(2026, 10, 30, 17), 2, utc(2026, 11, 2, 14)),  # ... which is 14:00Z
    ("plain", at(2026, 10, 31, 12), 10, at(2026, 11, 2, 18)),  # Saturday: full Monday
    ("plain", at(2026, 10, 30, 8), 20, at(2026, 11, 2, 18)),  # Fri + Mon: still 20h
    # Christmas and New Year, without holidays: only weekends are closed.
    ("plain", at(2026, 12, 24, 14), 10, at(2026, 12, 25, 14)),  # 4h Thu + 6h Fri (Christmas open)
    ("plain", at(2026, 12, 31, 17), 4, at(2027, 1, 1, 11)),  # 1h Thu + 3h Fri Jan 1
    # ... and with Ontario holidays.
    ("ontario", at(2026, 12, 24, 14), 10, at(2026, 12, 29, 14)),  # 4h Thu; Fri 25 hol, weekend,
    # Mon 28 (Boxing Day observed) hol; 6h Tue 29 -> 14:00
    ("ontario", at(2026, 12, 31, 17), 4, at(2027, 1, 4, 11)),  # 1h Thu; Jan 1 hol; 3h Mon Jan 4
    ("ontario", at(2026, 12, 23, 9), 24, at(2026, 12, 29, 13)),  # 9h Wed, 10h Thu, 5h Tue 29
    ("ontario", at(2025, 12, 24, 12), 10, at(2025, 12, 29, 12)),  # 6h Wed; Thu+Fri hols; 4h Mon
    ("ontario", at(2025, 12, 31, 18), 10, at(2026, 1, 2, 18)),  # Jan 1 hol: Fri Jan 2, at closing
    ("ontario", at(2026, 12, 25, 10), 10, at(2026, 12, 29, 18)),  # on Christmas: first open day
    ("ontario", at(2026, 1, 12, 8), 10, at(2026, 1, 12, 18)),  # no holiday near: as plain
    # Exact boundaries.
    ("plain", at(2026, 1, 12, 17, 59), 1 / 60, at(2026, 1, 12, 18)),  # last minute: 18:00 itself
    ("plain", at(2026, 1, 12, 18), 1 / 3600, at(2026, 1, 13, 8, 0, 1)),  # closed: Tue 08:00:01
    ("plain", at(2026, 1, 12, 8), 1 / 3600, at(2026, 1, 12, 8, 0, 1)),  # open at 08:00 exactly
    # 24x7 counts real elapsed time: DST days are 23h and 25h long; holidays count.
    ("24x7", at(2026, 3, 7, 12), 24, at(2026, 3, 8, 13)),  # 24 real hours over the jump: 13:00 EDT
    ("24x7", at(2026, 10, 31, 12), 24, at(2026, 11, 1, 11)),  # over the fall back: 11:00 EST
    ("24x7", at(2026, 3, 8, 0), 23, at(2026, 3, 9, 0)),  # the 23-hour day
    ("24x7", at(2026, 11, 1, 0), 25, at(2026, 11, 2, 0)),  # the 25-hour day
    ("24x7", at(2026, 1, 9, 19), 4, at(2026, 1, 9, 23)),  # Friday evening counts
    ("24x7", at(2026, 12, 24, 20), 4, at(2026, 12, 25, 0)),  # Christmas counts
]


@pytest.mark.parametrize(("calendar", "received", "hours", "due"), ADD_CASES)
def test_add_business_time(calendar: str, received: datetime, hours: float, due: datetime) -> None:
    result = CALENDARS[calendar].add_business_seconds(received, round(hours * HOUR))
    assert result == due, f"got {result.isoformat()}, want {due.isoformat()}"
    assert result.utcoffset() == due.astimezone(TORONTO).utcoffset()  # shown in the support zone


@pytest.mark.parametrize(("calendar", "received", "hours", "due"), ADD_CASES)
def test_the_due_instant_is_exactly_the_target_away(
    calendar: str, received: datetime, hours: float, due: datetime
) -> None:
    seconds = round(hours * HOUR)
    assert CALENDARS[calendar].business_seconds_between(received, due) == seconds


@pytest.mark.parametrize(("calendar", "received", "hours", "due"), ADD_CASES)
def test_add_business_time_on_epochs(
    calendar: str, received: datetime, hours: float, due: datetime
) -> None:
    seconds = round(hours * HOUR)
    assert CALENDARS[calendar].add_business_seconds_epoch(received.timestamp(), seconds) == (
        due.timestamp()
    )


# -- measuring business time: (calendar, start, end, business hours) ---------------------------

BETWEEN_CASES = [
    ("plain", at(2026, 1, 12, 8), at(2026, 1, 12, 18), 10),  # one full day
    ("plain", at(2026, 1, 12, 0), at(2026, 1, 13, 0), 10),  # a calendar day is still 10h
    ("plain", at(2026, 1, 9, 17), at(2026, 1, 12, 9), 2),  # Fri 17-18 + Mon 08-09
    ("plain", at(2026, 1, 10, 0), at(2026, 1, 12, 0), 0),  # a weekend holds no business time
    ("plain", at(2026, 1, 12, 18), at(2026, 1, 13, 8), 0),  # a night holds none either
    ("plain", at(2026, 1, 12, 0), at(2026, 1, 19, 0), 50),  # one week
    ("plain", at(2026, 1, 12, 12), at(2026, 1, 12, 9), -3),  # backwards is negative
    ("plain", at(2026, 3, 8, 0), at(2026, 3, 9, 0), 0),  # DST-start Sunday: closed
    ("plain", at(2026, 3, 6, 8), at(2026, 3, 9, 18), 20),  # Fri + Mon around the jump
    ("plain", at(2026, 3, 2, 0), at(2026, 3, 16, 0), 100),  # two weeks around it: 100h exactly
    ("plain", at(2026, 10, 30, 8), at(2026, 11, 2, 18), 20),  # Fri + Mon around the fall back
    ("plain", at(2026, 10, 26, 0), at(2026, 11, 9, 0), 100),  # two weeks: 100h exactly
    ("plain", at(2026, 12, 24, 0), at(2027, 1, 4, 0), 70),  # Dec 24, 25, 28-31, Jan 1: 7 days
    ("ontario", at(2026, 12, 24, 0), at(2027, 1, 4, 0), 40),  # minus Dec 25, 28 (obs.), Jan 1
    ("ontario", at(2025, 12, 22, 0), at(2026, 1, 5, 0), 70),  # 10 weekdays minus Dec 25, 26, Jan 1
    ("ontario", at(2026, 12, 25, 0), at(2026, 12, 26, 0), 0),  # Christmas Day
    ("24x7", at(2026, 3, 8, 0), at(2026, 3, 9, 0), 23),  # 23-hour day
    ("24x7", at(2026, 11, 1, 0), at(2026, 11, 2, 0), 25),  # 25-hour day
    ("24x7", at(2026, 1, 10, 0), at(2026, 1, 12, 0), 48),  # weekend counts
    ("24x7", at(2026, 12, 25, 0), at(2026, 12, 26, 0), 24),  # Christmas counts
]


@pytest.mark.parametrize(("calendar", "start", "end", "hours"), BETWEEN_CASES)
def test_business_seconds_between(
    calendar: str, start: datetime, end: datetime, hours: float
) -> None:
    assert CALENDARS[calendar].business_seconds_between(start, end) == hours * HOUR


def test_instants_in_other_zones_are_the_same_instants() -> None:
    # 13:00Z in January is 08:00 EST: a full day of 10h ends 18:00 Toronto (23:00Z).
    due = PLAIN.add_business_seconds(utc(2026, 1, 12, 13), 10 * HOUR)
    assert due == at(2026, 1, 12, 18) == utc(2026, 1, 12, 23)
    assert due.tzinfo == TORONTO
    assert PLAIN.business_seconds_between(utc(2026, 1, 12, 13), at(2026, 1, 12, 18)) == 10 * HOUR


def test_zero_or_negative_business_time_is_no_time() -> None:
    saturday = at(2026, 1, 10, 10)
    assert PLAIN.add_business_seconds(saturday, 0) == saturday  # not moved to Monday
    assert PLAIN.add_business_seconds(saturday, -HOUR) == saturday
    assert PLAIN.business_seconds_between(saturday, saturday) == 0


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 1, 12, 8)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.business_seconds_between(naive, at(2026, 1, 12, 9))
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.add_business_seconds(naive, HOUR)
    with pytest.raises(ValueError, match="timezone-aware"):
        PLAIN.is_open(naive)


def test_far_future_then_far_past_on_one_calendar() -> None:
    # The table grows forward and is rebuilt backward; answers must not depend on the order.
    calendar = BusinessCalendar.office_hours()
    # 2040-01-02 is a Monday: a full day ends at its closing.
    assert calendar.add_business_seconds(at(2040, 1, 2, 8), 10 * HOUR) == at(2040, 1, 2, 18)
    # 2020-01-06 is a Monday: Mon-Fri is 50h, and so is 2040's first full week (Jan 2-6).
    assert calendar.business_seconds_between(at(2020, 1, 6), at(2020, 1, 11)) == 50 * HOUR
    assert calendar.business_seconds_between(at(2040, 1, 2), at(2040, 1, 7)) == 50 * HOUR
    # A span of many years at once: Monday 2020-01-06 to Monday 2040-01-02 is whole weeks.
    weeks, days = divmod((date(2040, 1, 2) - date(2020, 1, 6)).days, 7)
    assert (weeks, days) == (1043, 0)
    span = calendar.business_seconds_between(at(2020, 1, 6), at(2040, 1, 2))
    assert span == weeks * 50 * HOUR


# -- open or closed ---------------------------------------------------------------------------

IS_OPEN_CASES = [
    ("plain", at(2026, 1, 12, 8), True),  # opens at 08:00:00 sharp
    ("plain", at(2026, 1, 12, 7, 59, 59), False),
    ("plain", at(2026, 1, 12, 17, 59, 59), True),
    ("plain", at(2026, 1, 12, 18), False),  # closed at 18:00:00 sharp
    ("plain", at(2026, 1, 12, 12), True),
    ("plain", at(2026, 1, 10, 12), False),  # Saturday
    ("plain", at(2026, 1, 11, 12), False),  # Sunday
    ("plain", at(2026, 3, 9, 8), True),  # first Monday of EDT, 08:00 local
    ("plain", utc(2026, 3, 9, 12), True),  # ... which is 12:00Z
    ("plain", utc(2026, 3, 9, 11, 30), False),  # 07:30 EDT (it would be 06:30 EST)
    ("plain", utc(2026, 11, 2, 22, 30), True),  # 17:30 EST
    ("plain", utc(2026, 11, 2, 23), False),  # 18:00 EST
    ("plain", at(2026, 12, 25, 10), True),  # Christmas without a holiday list
    ("ontario", at(2026, 12, 25, 10), False),  # Christmas with Ontario's
    ("ontario", at(2026, 12, 28, 10), False),  # Boxing Day observed
    ("ontario", at(2026, 12, 29, 10), True),
    ("24x7", at(2026, 1, 11, 3), True),  # Sunday night
    ("24x7", at(2026, 3, 8, 3), True),  # just after the DST jump
    ("24x7", at(2026, 12, 25, 0), True),
]


@pytest.mark.parametrize(("calendar", "instant", "is_open"), IS_OPEN_CASES)
def test_is_open(calendar: str, instant: datetime, is_open: bool) -> None:
    assert CALENDARS[calendar].is_open(instant) is is_open


# -- next opening and closing -------------------------------------------------------------------

NEXT_CASES = [
    # (calendar, instant, next opening, next closing)
    ("plain", at(2026, 1, 12, 12, 34), at(2026, 1, 12, 12, 34), at(2026, 1, 12, 18)),  # open now
    ("plain", at(2026, 1, 12, 8), at(2026, 1, 12, 8), at(2026, 1, 12, 18)),  # opening instant
    ("plain", at(2026, 1, 12, 7), at(2026, 1, 12, 8), at(2026, 1, 12, 18)),  # before opening
    ("plain", at(2026, 1, 12, 18), at(2026, 1, 13, 8), at(2026, 1, 13, 18)),  # closing instant
    ("plain", at(2026, 1, 9, 18), at(2026, 1, 12, 8), at(2026, 1, 12, 18)),  # Fri close -> Mon
    ("plain", at(2026, 1, 10, 9), at(2026, 1, 12, 8), at(2026, 1, 12, 18)),  # Saturday -> Mon
    ("plain", at(2026, 3, 7, 9), at(2026, 3, 9, 8), at(2026, 3, 9, 18)),  # over the DST jump
    ("plain", at(2026, 10, 31, 9), at(2026, 11, 2, 8), at(2026, 11, 2, 18)),  # over fall back
    ("ontario", at(2026, 12, 24, 18), at(2026, 12, 29, 8), at(2026, 12, 29, 18)),  # holidays
    ("ontario", at(2026, 12, 31, 12), at(2026, 12, 31, 12), at(2026, 12, 31, 18)),
    ("ontario", at(2026, 12, 31, 18), at(2027, 1, 4, 8), at(2027, 1, 4, 18)),  # Jan 1 hol, wkend
]


@pytest.mark.parametrize(("calendar", "instant", "opening", "closing"), NEXT_CASES)
def test_next_opening_and_closing(
    calendar: str, instant: datetime, opening: datetime, closing: datetime
) -> None:
    cal = CALENDARS[calendar]
    assert cal.next_opening(instant) == opening
    assert cal.next_closing(instant) == closing
    assert cal.next_opening(instant).tzinfo == TORONTO


def test_next_opening_on_24x7_is_now() -> None:
    instant = at(2026, 3, 8, 3)
    assert ALWAYS.next_opening(instant) == instant


def test_next_opening_of_the_monday_after_dst_is_0800_local() -> None:
    opening = PLAIN.next_opening(at(2026, 3, 7, 9))
    assert opening.astimezone(UTC) == utc(2026, 3, 9, 12)  # 08:00 EDT
    opening = PLAIN.next_opening(at(2026, 10, 31, 9))
    assert opening.astimezone(UTC) == utc(2026, 11, 2, 13)  # 08:00 EST


# -- hours and construction ------------------------------------------------------------------


def test_parse_and_format_hours() -> None:
    assert parse_hours("08:00-18:00") == ((8 * HOUR, 18 * HOUR),)
    assert parse_hours("13:00-17:00, 08:00-12:00") == (
        (8 * HOUR, 12 * HOUR),
        (13 * HOUR, 17 * HOUR),
    )
    assert parse_hours("") == ()
    assert parse_hours("00:00-24:00") == ((0, 24 * HOUR),)
    assert format_hours(parse_hours("08:30-12:00,13:00-17:45")) == "08:30-12:00,13:00-17:45"


@pytest.mark.parametrize(
    "text",
    ["18:00-24:00,23:00-08:00", "08:00-08:00", "08:00-12:00,11:00-13:00", "8-18", "24:00-08:00"],
)
def test_bad_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(text)


def test_a_calendar_must_open_some_day() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar(week=((),) * 7)


def test_split_hours_and_a_lunch_break() -> None:
    lunch = parse_hours("08:00-12:00,13:00-17:00")
    week = (lunch,) * 5 + ((), ())
    calendar = BusinessCalendar(week=week)
    # Mon 11:00 + 2h: 1h before lunch, lunch closed, 1h after -> 14:00.
    assert calendar.add_business_seconds(at(2026, 1, 12, 11), 2 * HOUR) == at(2026, 1, 12, 14)
    # A morning's 4h runs out at 12:00 exactly: due at 12:00, not 13:00.
    assert calendar.add_business_seconds(at(2026, 1, 12, 8), 4 * HOUR) == at(2026, 1, 12, 12)
    assert not calendar.is_open(at(2026, 1, 12, 12, 30))
    assert calendar.next_opening(at(2026, 1, 12, 12, 30)) == at(2026, 1, 12, 13)
    assert calendar.business_seconds_between(at(2026, 1, 12), at(2026, 1, 13)) == 8 * HOUR


def test_with_holidays_and_equality() -> None:
    christmas = date(2026, 12, 25)
    with_christmas = PLAIN.with_holidays([christmas])
    assert with_christmas == BusinessCalendar.office_hours(holidays={christmas})
    assert with_christmas != PLAIN
    assert not with_christmas.is_open(at(2026, 12, 25, 10))
    assert PLAIN.is_open(at(2026, 12, 25, 10))  # the original is unchanged
    assert ALWAYS.is_always_open and not PLAIN.is_always_open


def test_sub_second_instants() -> None:
    # Half a second before closing plus one second: 0.5s Mon, 0.5s Tue -> Tue 08:00:00.5.
    start = at(2026, 1, 12, 17, 59, 59) + timedelta(milliseconds=500)
    due = PLAIN.add_business_seconds(start, 1)
    assert due == at(2026, 1, 13, 8) + timedelta(milliseconds=500)
