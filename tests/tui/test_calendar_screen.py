"""The calendar screen, from the palette: each policy version's week (per weekday, overnight
windows) and targets, the holidays and half-days; Esc goes back."""

from __future__ import annotations

from datetime import date, timedelta

from textual.pilot import Pilot

from tests.tui.helpers import screen_lines
from tests.tui.test_flows import settle
from wzdesk.core.sla import Severity
from wzdesk.services.calendar import PolicyChange, add_holiday, change_policy
from wzdesk.tui.screens.calendar import CalendarScreen
from wzdesk.tui.screens.main import MainScreen


def text(pilot: Pilot) -> str:
    return "\n".join(screen_lines(pilot))


async def test_palette_shows_hours_holidays_and_half_days(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    change_policy(
        supervisor,
        PolicyChange(
            effective_from=clock.now() + timedelta(days=1),
            weekly_hours=("mon-thu=08:00-18:00", "fri=08:00-16:00", "sat=22:00-06:00"),
            response_days={Severity.MAJOR: 1},
        ),
    )
    add_holiday(supervisor, date(2026, 12, 24), "Christmas Eve", hours="08:00-12:00")
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        await pilot.press("ctrl+p")
        await pilot.press(*"calendar")
        await settle(pilot, lambda: "Calendar: opening hours" in text(pilot))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        await settle(pilot, lambda: "Christmas Eve" in text(pilot))
        shown = text(pilot)
        assert "mon-thu 08:00-18:00, fri 08:00-16:00, sat 22:00-06:00" in shown
        assert "mon-fri 08:00-18:00" in shown  # the shipped version keeps its week
        assert "1 open day(s)" in shown
        eve = next(line for line in screen_lines(pilot) if "Christmas Eve" in line)
        assert "08:00-12:00" in eve
        day = next(line for line in screen_lines(pilot) if "Christmas Day" in line)
        assert "closed all day" in day
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
