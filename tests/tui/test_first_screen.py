"""The queue's first rows reach the screen before the full load of every open case begins.

At start-up the console reads the most urgent rows, shows them, and only then loads the whole
queue in a thread (issue 13: first paint must not grow with the desk). The full load holds the
GIL for seconds on a big desk, so starting it before the frame with the first rows was drawn
delays that very frame: on PostgreSQL at 100,000 cases a frame-timing trace showed the rows on
screen at ~300 ms instead of ~200 ms, because Textual's ``call_after_refresh`` had run the
"first screen shown" callback after a frame drawn *before* the rows were set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from tests.tui.helpers import (
    detail_ref,
    hold_the_full_load,
    notifications,
    queue,
    screen_text,
    settle,
)
from wzdesk.services.queue import QueueSnapshot
from wzdesk.tui.widgets import QueueTable

T = TypeVar("T")


def first_frame_with_rows(app: Any, read: Callable[[Any], T]) -> list[T]:
    """A list that gets ``read(screen)`` for the first frame Textual hands to the terminal
    with queue rows on the main screen (timed where the frame is written: what a user sees)."""
    from wzdesk.tui.screens.main import MainScreen

    seen: list[T] = []
    display = app._display

    def displaying(screen: Any, update: Any) -> None:
        display(screen, update)
        if not seen and update is not None and isinstance(screen, MainScreen):
            if screen.query_one(QueueTable).drawn_rows:
                seen.append(read(screen))

    app._display = displaying
    return seen


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


async def test_the_quick_filter_counts_say_loading_until_the_whole_queue_is_in(
    seeded: list[str], agent: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While only the first rows are in, the counts over the whole queue are not known: the bar
    shows ``…``, never a 0 that reads as "nothing breached"."""
    release = hold_the_full_load(monkeypatch)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        for _ in range(200):  # not settle(): it waits for the held load's worker
            if len(queue(pilot).rows) == 3 and "most urgent shown" in screen_text(pilot):
                break
            await pilot.pause(0.02)
        loading = screen_text(pilot)
        assert "most urgent shown · loading the rest" in loading
        assert "0 All …" in loading and "3 Brch …" in loading  # short labels: a narrow bar
        assert "All 0" not in loading and "Brch 0" not in loading
        # The breach panel too: it was empty, which reads as "nothing breached".
        assert "Breaches: counted once the queue is in…" in loading
        assert "SLA · …" in loading and "0 breached" not in loading
        release.set()
        await settle(pilot, lambda: "0 All 3" in screen_text(pilot))
        assert "3 Brch 1" in screen_text(pilot)  # the critical case is breached
        assert "SLA · 1 breached" in screen_text(pilot)
        assert "Breaches: counted once" not in screen_text(pilot)


async def test_the_first_frame_already_shows_the_first_rows(
    seeded: list[str], agent: Any, make_app: Any
) -> None:
    """The first rows are read before the first frame, not by a worker racing the building of
    every widget for the GIL: that worker's rows came 60-130 ms after mounting, one frame or
    more behind an empty "Loading the queue…" table (and later on a big desk than a small one)."""
    app = make_app(agent, refresh_seconds=3600)
    first_frame = first_frame_with_rows(
        app, lambda screen: [row.ref for row in screen.query_one(QueueTable).drawn_rows]
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: bool(first_frame))
    assert sorted(first_frame[0]) == sorted(seeded)


@pytest.mark.parametrize("role", ["agent", "supervisor"])
async def test_the_first_frame_is_laid_out_as_the_console_settles(
    seeded: list[str], role: str, request: pytest.FixtureRequest, make_app: Any
) -> None:
    """The first frame has the queue focused, the highlighted case's keys in the key bar, and
    the queue at its final height. It had the filter box focused (Textual's default: the first
    focusable widget), so a key typed as the console opened went into the filter; its key bar
    offered no case keys, then grew to two lines; and a supervisor's line of clients needing
    admins came in after it. Each shrank the queue after the first frame, and its status line
    jumped up. Its case pane said "Select a case in the queue." with a row highlighted."""
    from wzdesk.tui.widgets.key_bar import KeyBar

    app = make_app(request.getfixturevalue(role), refresh_seconds=3600)
    first = first_frame_with_rows(
        app,
        lambda screen: (
            app.focused,
            str(screen.query_one(KeyBar).render()),
            screen.query_one(QueueTable).region,
            screen.query_one("#queue-status").region,
            str(screen.query_one("#detail-title").render()),
        ),
    )
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: bool(first))
        await settle(pilot, lambda: "Loading" not in screen_text(pilot) and detail_ref(pilot))
        if role == "supervisor":
            await settle(pilot, lambda: "1 client needs admins: ACME" in screen_text(pilot))
        focused, keys, queue_region, status_region, case_title = first[0]
        screen = app.screen
        assert focused is screen.query_one(QueueTable)
        assert "Enter Open" in keys and "r Reply" in keys
        assert keys == str(screen.query_one(KeyBar).render())
        assert queue_region == screen.query_one(QueueTable).region
        assert status_region == screen.query_one("#queue-status").region
        # a row is highlighted: the case pane is reading it (it said "Select a case")
        highlighted = screen.query_one(QueueTable).rows[0].ref
        assert case_title in (f"Loading {highlighted}…", f"{highlighted}  Payroll export fails")


async def test_the_ref_column_has_its_width_from_the_first_frame(
    desk: dict[str, str],
    supervisor: Any,
    agent: Any,
    make_app: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first rows are the most urgent; the newest case, with the longest reference (past
    WZ-99999), comes with the full load. The Ref column had the first rows' width, then
    widened a cell and moved every column after it, a second or more after the console
    opened on a big desk."""
    from tests.conftest import new_case
    from wzdesk.services import cases
    from wzdesk.store.models import Case

    newest = cases.open_case(supervisor, new_case(severity="minor", summary="Newest"))
    # references count up: the newest case's is the longest (here, a desk past case 999,999)
    Case.update(ref="WZ-1000001").where(Case.ref == newest.ref).execute()
    load_top = QueueSnapshot.load_top
    monkeypatch.setattr(QueueSnapshot, "load_top", lambda self, limit: load_top(self, 1))
    app = make_app(agent, refresh_seconds=3600)

    def refs_and_width(screen: Any) -> tuple[list[str], int]:
        table = screen.query_one(QueueTable)
        return [row.ref for row in table.drawn_rows], table.ref_width

    first = first_frame_with_rows(app, refs_and_width)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: bool(first) and "WZ-1000001" in screen_text(pilot))
        refs, width = first[0]
        assert refs == [desk["breached"]]  # the first frame had the most urgent row only
        assert width == len("WZ-1000001") == queue(pilot).ref_width


async def test_a_database_that_cannot_be_read_at_start_says_so(
    seeded: list[str], agent: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read fails (here on every thread): the console comes up and says why, in the
    queue itself (not "Loading the queue…", nor that it is clear) until a read succeeds."""
    import peewee

    def failing(self: QueueSnapshot, limit: int) -> None:
        raise peewee.OperationalError("disk I/O error")

    monkeypatch.setattr(QueueSnapshot, "load_top", failing)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: bool(notifications(pilot)))
        assert notifications(pilot) == ["Cannot read the database: disk I/O error. Retrying…"]
        text = " ".join(screen_text(pilot).split())
        assert "Cannot read the database: disk I/O error. Trying again every" in text
        assert "Loading the queue" not in text and "queue is clear" not in text
        monkeypatch.undo()  # the database is back: the next try (here Ctrl+R) reads the queue
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: len(queue(pilot).rows) == len(seeded))
        assert "Cannot read" not in screen_text(pilot)
