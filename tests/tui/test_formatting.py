"""The queue's compact timer cells: they fit their column, and say what the long form says."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wzdesk.core.sla import TimerState
from wzdesk.core.timefmt import format_business_duration, format_countdown
from wzdesk.tui.formatting import COUNTDOWN_CELLS, short_countdown

RUNNING = (TimerState.PENDING, TimerState.AT_RISK, TimerState.BREACHED)


def reference(remaining: float, state: TimerState, paused: bool) -> tuple[str, int, int]:
    """(sign or pause mark, whole hours, minutes) the cell stands for, worked out plainly."""
    breached = state is TimerState.BREACHED
    seconds = abs(remaining) if breached else max(0.0, remaining)
    minutes = int(seconds // 60)
    mark = "-" if breached else ("⏸" if paused else "")
    return mark, minutes // 60, minutes % 60


@given(
    st.floats(min_value=-4e8, max_value=4e8, allow_nan=False),
    st.sampled_from(RUNNING),
    st.booleans(),
)
def test_a_running_timer_fits_its_cell_and_keeps_its_hours(
    remaining: float, state: TimerState, paused: bool
) -> None:
    if state is TimerState.BREACHED:
        remaining = -abs(remaining)
    cell = short_countdown(remaining, state, paused)
    mark, hours, minutes = reference(remaining, state, paused)
    assert len(cell) <= COUNTDOWN_CELLS or cell == f"{mark}{hours}h"  # only past 8 digits
    assert cell.startswith(mark) and not cell[len(mark) :].startswith(("-", "⏸"))
    whole = f"{mark}{hours}h{minutes:02d}m"
    if len(whole) <= COUNTDOWN_CELLS:
        assert cell == whole
    else:  # a thousand hours or more: the hours whole, the minutes left out
        assert cell == f"{mark}{hours}h"


@given(
    st.floats(min_value=-4e8, max_value=4e8, allow_nan=False),
    st.sampled_from(RUNNING),
    st.booleans(),
)
def test_the_scripts_countdown_says_what_the_console_cell_says(
    remaining: float, state: TimerState, paused: bool
) -> None:
    """``case list`` and ``case show`` (``format_countdown``): the sign is the state's, a
    breach at no business time included (``-0h00m``), in full where the cell drops minutes."""
    if state is TimerState.BREACHED:
        remaining = -abs(remaining)
    mark, hours, minutes = reference(remaining, state, paused=False)
    assert format_countdown(remaining, state is TimerState.BREACHED) == (
        f"{mark}{hours}h{minutes:02d}m"
    )


def test_the_long_forms_are_untouched() -> None:
    assert short_countdown(-2456 * 3600 - 59, TimerState.BREACHED) == "-2456h"
    assert short_countdown(-999 * 3600 - 59 * 60, TimerState.BREACHED) == "-999h59m"
    assert short_countdown(1000 * 3600, TimerState.PENDING, paused=True) == "⏸1000h"
    assert short_countdown(1000 * 3600, TimerState.PENDING) == "1000h00m"
    assert format_business_duration(-2456 * 3600) == "-2456h00m"  # elsewhere: in full
    assert short_countdown(None, TimerState.LATE) == "late"
    assert short_countdown(5.0, TimerState.MET) == "met"


def test_the_readme_gives_the_help_screens_timer_legend() -> None:
    from pathlib import Path

    from wzdesk.tui.formatting import LEGEND

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for cell, means in LEGEND:
        assert f"| `{cell}` | {means} |" in readme


@given(
    st.floats(min_value=-4e6, max_value=4e6, allow_nan=False),
    st.sampled_from(RUNNING),
)
def test_the_case_objects_whole_seconds_show_the_minute_the_screen_shows(
    remaining: float, state: TimerState
) -> None:
    """``*_remaining_seconds`` in ``case show --json`` against the console's cell: rounded,
    14,639.9 s read 14,640 (4h04m) where the screen showed 4h03m (a case received at a
    fraction of a second)."""
    from datetime import UTC, datetime

    from wzdesk.core.sla import TimerStatus
    from wzdesk.services.case_fields import _remaining

    if state is TimerState.BREACHED:
        remaining = -abs(remaining)
    due = datetime(2026, 3, 9, 14, tzinfo=UTC)
    whole = _remaining(TimerStatus(3600, due, state, 0.0, remaining))
    assert whole is not None
    assert short_countdown(whole, state) == short_countdown(remaining, state)


def test_insights_percent_never_rounds_onto_all() -> None:
    """2,001 on time and 1 late read 100.0% in the console's insights (the late one nowhere
    to be seen): the console prints the report's figure (``format_percent``)."""
    from wzdesk.tui.screens.insights import percent

    assert percent(2001 / 2002) == "99.9%" and percent(1 / 2002) == "0.1%"
    assert percent(1.0) == "100.0%" and percent(None) == "—"
