"""How times, timers and quoted text read on screen (text; styles come from the .tcss).

One rule runs through all of it: a minus sign, or the word "overdue", appears only for a target
that is breached (past due and not met). Each target is read on its own: a case whose response
was met late and whose resolution has 32 hours left shows "late" and "32h00m", never "-32h00m".
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from textual.content import Content
from textual.fuzzy import Matcher

from wzdesk.core.sla import TimerState
from wzdesk.core.timefmt import format_business_duration

#: What each compact queue cell means (the help screen and the README print this legend).
LEGEND: list[tuple[str, str]] = [
    ("3h12m", "business time left before the target is due"),
    ("-3h12m", "overdue: the target is breached, by this much business time"),
    ("⏸3h12m", "the resolution clock is paused (waiting on the client); time left when it resumes"),
    ("-2456h", "a thousand business hours or more: whole hours (the case pane gives the minutes)"),
    ("met", "met on time"),
    ("late", "met, but after the due instant: the target was missed; nothing is overdue now"),
]


def _magnitude(seconds: float) -> str:
    return format_business_duration(abs(seconds))


#: The queue's timer columns are this many cells wide.
COUNTDOWN_CELLS = 8


def short_countdown(remaining: float | None, state: TimerState, paused: bool = False) -> str:
    """A queue cell: ``3h12m``, ``-3h12m`` (breached only), ``⏸3h12m``, ``met``, ``late``.

    At a thousand business hours or more the minutes give way (``-2456h``: at least that
    much): a case forgotten since last spring read ``-2456h0…``, cut in its cell."""
    if remaining is None or state.is_done:
        return "late" if state is TimerState.LATE else "met"
    if state is TimerState.BREACHED:
        text = f"-{_magnitude(remaining)}"
    else:
        text = _magnitude(max(0.0, remaining))
        text = f"⏸{text}" if paused else text
    if len(text) > COUNTDOWN_CELLS:
        text = text[: text.rindex("h") + 1]
    return text


def target_status(remaining: float | None, state: TimerState, paused: bool = False) -> str:
    """One target in words: ``3h12m left``, ``overdue 3h12m``, ``met``, ``late (met after due)``,
    ``paused · 3h12m left``."""
    if remaining is None or state.is_done:
        return "late (met after due)" if state is TimerState.LATE else "met"
    if state is TimerState.BREACHED:
        return f"overdue {_magnitude(remaining)}" + (" · paused" if paused else "")
    left = f"{_magnitude(max(0.0, remaining))} left"
    return f"paused · {left}" if paused else left


def local_time(
    instant: datetime | None, zone: tzinfo, with_date: bool = True, now: datetime | None = None
) -> str:
    """``Mon 09 Mar 14:30`` in the support zone; the year is added when it is not ``now``'s."""
    if instant is None:
        return "—"
    value = instant.astimezone(zone)
    if not with_date:
        return value.strftime("%H:%M")
    if now is not None and value.year != now.astimezone(zone).year:
        return value.strftime("%a %d %b %Y %H:%M")
    return value.strftime("%a %d %b %H:%M")


def call_timer(seconds: float) -> str:
    """A running call timer: ``09:15`` (minutes and seconds; hours after an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def call_length(seconds: float) -> str:
    """A finished call's length in words: ``45s``, ``9m15s``, ``1h02m``."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


def markup_text(text: str) -> str:
    """``text`` to set inside markup and be shown as written: every ``[`` escaped. Rich's and
    Textual's ``escape`` leave ``[HR]`` alone (a tag must start in lower case for them), and
    Textual reads it as a style and drops it: a contact named "Ana [HR]" showed as "Ana "."""
    return text.replace("[", r"\[")


def literal(text: str, matcher: Matcher | None = None) -> Content:
    """A hit's text shown as written (with the matched letters marked, given ``matcher``).

    A str hit is read as markup: hits quote summaries, client and contact names, view names and
    the typed query, and "Payroll [/b] totals" raised MarkupError and closed the console."""
    content = Content(text)
    if matcher is None:
        return content
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
