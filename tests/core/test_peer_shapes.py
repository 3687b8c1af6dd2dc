"""Peer-library behaviours the new calendar shapes make expressible.

Our own table, written from the published behaviour of established business-hours libraries
(pandas' ``BusinessHour`` user guide, the business_time gem's per-weekday ``work_hours``,
zendesk/biz's per-day hours with date ``shifts``, businesstimedelta's day rules): overnight
windows, per-weekday hours, dated exceptions and backward arithmetic. Where our documented
closing-time convention differs (a target that runs out exactly at closing is due at closing,
not at the next opening), the row says so and gives our answer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from wzdesk.core.calendar import BusinessCalendar, parse_hours, parse_week

HOUR = 3600

PANDAS_NIGHT = BusinessCalendar("UTC", parse_week(["mon-fri=17:00-09:00"]))
PANDAS_DAY = BusinessCalendar("UTC", parse_week(["09:00-17:00"]))
BUSINESS_TIME = BusinessCalendar("UTC", parse_week(["mon-thu=09:00-17:00", "fri=09:00-13:00"]))
BIZ = BusinessCalendar(
    "America/Los_Angeles",
    parse_week(
        [
            "mon=09:00-17:00",
            "tue=00:00-24:00",
            "wed=09:00-17:00",
            "thu=09:00-12:00,13:00-17:00",
            "sat=10:00-14:00",
        ]
    ),
    exceptions=((date(2006, 1, 4), parse_hours("03:00-11:00")),),  # a dated shift
)
HALF_DAY = BusinessCalendar(
    holidays={date(2026, 12, 25)},
    exceptions=((date(2026, 12, 24), parse_hours("08:00-12:00")),),
)


def at(calendar: BusinessCalendar, *parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo(calendar.zone_name))  # type: ignore[misc]


# (peer and shape, calendar, operation, start, amount in hours, expected, note)
CASES: list[tuple[str, BusinessCalendar, str, tuple[int, ...], float, tuple[int, ...], str]] = [
    ("pandas 17:00-09:00 Fri", PANDAS_NIGHT, "add", (2014, 8, 1, 17), 1, (2014, 8, 1, 18), ""),
    ("pandas night to midnight", PANDAS_NIGHT, "add", (2014, 8, 1, 23), 1, (2014, 8, 2, 0), ""),
    (
        "pandas Saturday 04:00 is Friday's night",
        PANDAS_NIGHT,
        "add",
        (2014, 8, 2, 4),
        1,
        (2014, 8, 2, 5),
        "",
    ),
    (
        "pandas Monday 04:00 is Sunday's (closed) night",
        PANDAS_NIGHT,
        "add",
        (2014, 8, 4, 4),
        1,
        (2014, 8, 4, 18),
        "",
    ),
    (
        "pandas night ending exactly at 09:00",
        PANDAS_NIGHT,
        "add",
        (2014, 8, 2, 8),
        1,
        (2014, 8, 2, 9),
        "convention: pandas moves an exact closing to the next opening (Mon 17:00)",
    ),
    ("pandas BusinessHour(-3)", PANDAS_DAY, "latest", (2014, 8, 1, 10), 3, (2014, 7, 31, 15), ""),
    (
        "pandas BusinessHour(-1) at 09:00",
        PANDAS_DAY,
        "latest",
        (2014, 8, 1, 9),
        1,
        (2014, 7, 31, 16),
        "",
    ),
    (
        "pandas rollback on Saturday",
        PANDAS_DAY,
        "prev_close",
        (2014, 8, 2, 15),
        0,
        (2014, 8, 1, 17),
        "",
    ),
    (
        "pandas rollforward on Saturday",
        PANDAS_DAY,
        "next_open",
        (2014, 8, 2, 15),
        0,
        (2014, 8, 4, 9),
        "",
    ),
    ("opening of the window", PANDAS_DAY, "prev_open", (2014, 8, 1, 12), 0, (2014, 8, 1, 9), ""),
    (
        "business_time short Friday",
        BUSINESS_TIME,
        "add",
        (2026, 3, 13, 12, 30),
        1,
        (2026, 3, 16, 9, 30),
        "",
    ),
    (
        "business_time runs out at Friday's 13:00",
        BUSINESS_TIME,
        "add",
        (2026, 3, 12, 16),
        5,
        (2026, 3, 13, 13),
        "convention: due at the closing, not Monday 09:00",
    ),
    (
        "business_time between",
        BUSINESS_TIME,
        "between",
        (2026, 3, 12, 12),
        0,
        (2026, 3, 16, 10),
        "10h",
    ),
    (
        "biz all-day Tuesday into a dated shift",
        BIZ,
        "add",
        (2006, 1, 3, 23),
        2,
        (2006, 1, 4, 4),
        "",
    ),
    ("biz shift then lunch-break Thursday", BIZ, "add", (2006, 1, 4, 10), 3, (2006, 1, 5, 11), ""),
    ("biz closed Friday, Saturday morning", BIZ, "add", (2006, 1, 5, 16), 2, (2006, 1, 7, 11), ""),
    ("biz time before", BIZ, "latest", (2006, 1, 9, 10), 4, (2006, 1, 7, 11), ""),
    ("half-day Christmas Eve", HALF_DAY, "add", (2026, 12, 24, 11), 2, (2026, 12, 28, 9), ""),
]


@pytest.mark.parametrize(
    ("label", "calendar", "operation", "start", "hours", "expected", "note"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_peer_behaviour(
    label: str,
    calendar: BusinessCalendar,
    operation: str,
    start: tuple[int, ...],
    hours: float,
    expected: tuple[int, ...],
    note: str,
) -> None:
    begin, end = at(calendar, *start), at(calendar, *expected)
    answers: dict[str, Any] = {
        "add": lambda: calendar.add_business_seconds(begin, hours * HOUR),
        "latest": lambda: calendar.latest_start(begin, hours * HOUR),
        "prev_close": lambda: calendar.previous_closing(begin),
        "prev_open": lambda: calendar.previous_opening(begin),
        "next_open": lambda: calendar.next_opening(begin),
    }
    if operation == "between":
        assert calendar.business_seconds_between(begin, end) == float(note.rstrip("h")) * HOUR
        return
    assert answers[operation]() == end, note or label
