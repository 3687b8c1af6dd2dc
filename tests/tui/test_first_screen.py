"""The queue's first rows reach the screen before the full load of every open case begins.

At start-up the console reads the most urgent rows, shows them, and only then loads the whole
queue in a thread (issue 13: first paint must not grow with the desk). The full load holds the
GIL for seconds on a big desk, so starting it before the frame with the first rows was drawn
delays that very frame: on PostgreSQL at 100,000 cases a frame-timing trace showed the rows on
screen at ~300 ms instead of ~200 ms, because Textual's ``call_after_refresh`` had run the
"first screen shown" callback after a frame drawn *before* the rows were set.
"""

from __future__ import annotations

from typing import Any

import pytest

from wzdesk.services.queue import QueueSnapshot
from wzdesk.tui.widgets import QueueTable


async def test_the_full_load_starts_after_a_frame_drew_the_first_rows(
    seeded: list[str], agent: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[str] = []  # the case refs the table drew, in order
    at_full_load: list[list[str]] = []
    render_line = QueueTable.render_line

    def drawing(self: QueueTable, y: int) -> Any:
        index = int(self.scroll_y) + y - 1
        if y >= 1 and 0 <= index < len(self.rows):
            drawn.append(self.rows[index].ref)
        return render_line(self, y)

    load_all = QueueSnapshot.load_all

    def loading_all(self: QueueSnapshot) -> None:
        at_full_load.append(list(drawn))
        load_all(self)

    monkeypatch.setattr(QueueTable, "render_line", drawing)
    monkeypatch.setattr(QueueSnapshot, "load_all", loading_all)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        while app.snapshot is None or app.snapshot.partial:  # noqa: ASYNC110
            await pilot.pause(0.01)
    assert at_full_load, "the full load never ran"
    assert set(seeded) <= set(at_full_load[0])  # every first row was drawn before it began
