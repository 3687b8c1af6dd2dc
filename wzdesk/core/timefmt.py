"""Parsing and printing instants, business durations and shares at the edges of the program.

Input must carry an offset (a zone-less time is ambiguous for a desk that spans zones); output
is ISO-8601 in the support zone with seconds precision, e.g. ``2026-03-09T11:00:00-04:00``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from wzdesk.core.errors import InvalidInput

ISO_FORM = "an ISO-8601 instant with an offset, e.g. 2026-03-09T11:00:00-04:00"

#: The instants the desk reasons about: from the first policy version (1970) to 2199. Beyond,
#: business-time arithmetic would run past what ``datetime`` can hold (year 9999).
EARLIEST_INSTANT = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2200, 1, 1, tzinfo=UTC)


def parse_instant(text: str, field: str) -> datetime:
    """Parse an ISO-8601 instant that carries an offset (or ``Z``); return it in UTC."""
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(f"expected {ISO_FORM}, got {text!r}", field=field) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(
            f"expected {ISO_FORM} (the offset is missing), got {text!r}", field=field
        )
    try:
        instant = value.astimezone(UTC)
    except OverflowError:
        instant = None
    if instant is None or not EARLIEST_INSTANT <= instant < LATEST_INSTANT:
        raise InvalidInput(f"expected an instant between 1970 and 2199, got {text!r}", field=field)
    return instant


def check_instant(value: datetime, field: str) -> datetime:
    """``value`` if it lies between 1970 and 2199 (the range the desk computes in)."""
    if not EARLIEST_INSTANT <= value < LATEST_INSTANT:
        raise InvalidInput(
            f"expected an instant between 1970 and 2199, got {value.isoformat()}", field=field
        )
    return value


def parse_date(text: str, field: str) -> date:
    """Parse a calendar date ``YYYY-MM-DD`` (from 1970 to 2199)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"expected a date YYYY-MM-DD, got {text!r}", field=field) from None
    if not EARLIEST_INSTANT.year <= day.year < LATEST_INSTANT.year:
        raise InvalidInput(f"expected a date between 1970 and 2199, got {text!r}", field=field)
    return day


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """Local midnight starting ``day`` in ``zone`` (the support zone)."""
    return datetime.combine(day, time(0), tzinfo=zone)


def format_instant(value: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO-8601 in the support zone, seconds precision; ``None`` stays ``None``."""
    if value is None:
        return None
    return value.astimezone(zone).isoformat(timespec="seconds")


def format_business_duration(seconds: float) -> str:
    """A compact countdown such as ``3h12m`` or ``-0h40m`` (business hours and minutes)."""
    sign = "-" if seconds < 0 else ""
    total_minutes = int(abs(seconds) // 60)
    hours, minutes = divmod(total_minutes, 60)
    return f"{sign}{hours}h{minutes:02d}m"


def format_percent(share: float) -> str:
    """A share as a percentage to a tenth, rounded toward the truth at the ends: ``100.0%``
    and ``0.0%`` only when it is exactly all or none (2,001 on time and 1 late, 0.9995, is
    ``99.9%``, not ``100.0%``; 1 in 2,000 is ``0.1%``)."""
    tenths = round(share * 1000)
    if tenths >= 1000 and share < 1:
        tenths = 999
    elif tenths <= 0 < share:
        tenths = 1
    return f"{tenths / 10:.1f}%"


def format_countdown(seconds: float, breached: bool) -> str:
    """A target's business time left as the tables print it: ``3h12m``, and ``-3h12m`` once
    breached. The sign follows the state, not the figure: a target due at 18:00 is breached
    at 18:30 by no business time at all (the desk closed at 18:00), and printed ``0h00m`` it
    read as a timer about to run out; it is ``-0h00m``. A target not breached never shows a
    minus sign."""
    magnitude = format_business_duration(abs(seconds) if breached else max(0.0, seconds))
    return f"-{magnitude}" if breached else magnitude
