"""A console that runs for weeks lets go of what it closed: prompts, their text areas and the
caches of their rendered lines. (The RSS over a day of use is measured by
``benchmarks/bench_console_memory.py``; this checks the mechanism, deterministically.)"""

from __future__ import annotations

import gc
import weakref

from textual.widgets import TextArea

from tests.tui.helpers import detail_ref, queue, screen_text, settle
from wzdesk.store.models import CaseEvent
from wzdesk.tui.screens.main import MainScreen


async def test_closed_prompts_and_their_caches_are_released(seeded, agent, make_app) -> None:
    app = make_app(agent, refresh_seconds=3600)
    areas: list[weakref.ref[object]] = []
    caches: list[weakref.ref[object]] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 3 and detail_ref(pilot))
        for number in range(6):
            await pilot.press("n")
            await settle(pilot, lambda: pilot.app.screen.query(TextArea))
            area = pilot.app.screen.query_one(TextArea)
            area.insert(f"Note {number}")
            await pilot.pause()
            areas.append(weakref.ref(area))
            caches.append(weakref.ref(area._styles_cache))
            del area
            await pilot.press("ctrl+s")
            await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot, lambda: CaseEvent.select().where(CaseEvent.kind == "note").count() == 6)
        await pilot.pause(1.3)  # the main screen tidies up a second after a prompt closes
        gc.collect()
        assert [ref() for ref in areas] == [None] * 6, "closed prompts' text areas are kept"
        assert [ref() for ref in caches] == [None] * 6, "closed widgets' style caches are kept"


async def test_closed_insights_let_go_of_their_charts(desk, supervisor, make_app) -> None:
    """F8 opened and closed again and again keeps no chart: each plot's theme subscription
    held it (and its screen) for as long as the console ran; and each thread of the worker
    pool held the last worker it ran, and so its screen (9-12 plots kept, varying with how
    many pool threads the loads spread over)."""
    from textual_plotext import PlotextPlot

    def alive(kind: type) -> int:
        gc.collect()
        return sum(isinstance(thing, kind) for thing in gc.get_objects())

    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) > 0)
        for _ in range(8):
            await pilot.press("f8")
            await settle(pilot, lambda: pilot.app.screen.query(PlotextPlot))
            await settle(pilot, lambda: "Median response by severity" in screen_text(pilot))
            await pilot.press("f8")
            await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.pause(1.3)
        # The last screen closed may still be on its way out; none from before stays.
        assert alive(PlotextPlot) <= 3, "closed insights' charts are kept (3 an opening)"
        assert len(app.theme_changed_signal._subscriptions) <= 3
