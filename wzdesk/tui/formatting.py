"""How times and timers read on screen (pure text; styles come from the .tcss)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from wzdesk.core.sla import TimerState
from wzdesk.core.timefmt import format_business_duration


def countdown(remaining: float | None, state: TimerState, paused: bool = False) -> str:
    """``3h12m``, ``-0h40m`` (breached), ``paused 3h12m``, ``met``."""
    if remaining is None:
        return "met" if state is TimerState.MET else "late"
    text = format_business_duration(remaining)
    if state is TimerState.BREACHED and remaining >= 0:
        text = "-" + text  # past due while closed: zero business time left, still late
    return f"⏸ {text}" if paused else text


def local_time(instant: datetime | None, zone: ZoneInfo, with_date: bool = True) -> str:
    """``Mon 09 Mar 14:30`` in the support zone."""
    if instant is None:
        return "—"
    value = instant.astimezone(zone)
    return value.strftime("%a %d %b %H:%M" if with_date else "%H:%M")


def call_timer(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"
