"""Instants, targets and opening hours in words a client understands.

``Monday 9 March, 10:00 EDT`` rather than ``2026-03-09T10:00:00-04:00``; ``1 business day``
rather than ``36000``. English names are spelled out here, not taken from the C library's locale,
so a message reads the same on every machine.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from wzdesk.core.calendar import WeeklyHours
from wzdesk.core.sla import BUSINESS_DAY_HOURS, HOUR

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
BUSINESS_DAY_SECONDS = BUSINESS_DAY_HOURS * HOUR


def instant_in_words(instant: datetime, zone: ZoneInfo) -> str:
    """``Monday 9 March, 10:00 EDT`` (the zone's abbreviation at that instant)."""
    local = instant.astimezone(zone)
    return (
        f"{DAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month - 1]}, "
        f"{local:%H:%M} {local.tzname()}"
    )


def _plural(count: float, unit: str) -> str:
    number = f"{count:g}"
    return f"{number} {unit}" if number == "1" else f"{number} {unit}s"


def target_in_words(seconds: int, around_the_clock: bool = False) -> str:
    """``4 business hours``, ``1 business day``, ``4 hours, around the clock``."""
    if around_the_clock:
        return _plural(seconds / HOUR, "hour") + ", around the clock"
    if seconds >= BUSINESS_DAY_SECONDS and seconds % BUSINESS_DAY_SECONDS == 0:
        return _plural(seconds // BUSINESS_DAY_SECONDS, "business day")
    if seconds % HOUR == 0:
        return _plural(seconds // HOUR, "business hour")
    return _plural(round(seconds / 60), "business minute")


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def hours_in_words(week: WeeklyHours, zone_name: str) -> str:
    """``Monday to Friday, 08:00-18:00 America/Toronto time, except holidays``.

    Days with the same hours are grouped (``Monday to Friday``, or a list when not consecutive).
    """
    groups: list[tuple[list[int], str]] = []
    for day, windows in enumerate(week):
        if not windows:
            continue
        # An overnight window ends the next morning (stored past 24:00).
        hours = ", ".join(
            f"{_clock(start)}-{_clock(end - 86_400 if end > 86_400 else end)}"
            for start, end in windows
        )
        if groups and groups[-1][1] == hours and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], hours))
    parts = []
    for days, hours in groups:
        if len(days) == 1:
            named = DAY_NAMES[days[0]]
        else:
            named = f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
        if hours == "00:00-24:00":
            parts.append(f"{named}, all day")
        else:
            parts.append(f"{named}, {hours}")
    return "; ".join(parts) + f" ({zone_name} time), except holidays"


def business_days_in_words(days: int) -> str:
    """``1 business day`` / ``3 business days``."""
    return _plural(days, "business day")
