"""Driving the real console in tests: wait for it to settle, and read what the user sees."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Callable
from typing import Any

from rich.console import Console
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from wzdesk.tui.widgets import CaseDetail, QueueTable
from wzdesk.tui.widgets.key_bar import KeyBar

#: How long :func:`settle` waits for a condition before failing the test: a hang, not a speed
#: claim. On CI (four test workers and PostgreSQL on two cores, denser since the service tests
#: copy their demo desks) two of three runs each failed a different PostgreSQL console test
#: after 6 s; each passes alone every time.
SETTLE_LIMIT = 20.0


async def settle(
    pilot: Pilot[Any], condition: Callable[[], object] | None = None, limit: float = SETTLE_LIMIT
) -> None:
    """Let workers finish and messages flow (until ``condition()`` holds, if given)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        # Prompt workers wait for the user's answer; everything else should finish.
        # (An empty list would mean "all workers" to wait_for_complete.)
        busy = [w for w in pilot.app.workers if w.group != "prompts"]
        if busy:
            try:
                await pilot.app.workers.wait_for_complete(busy)
            except WorkerCancelled:
                pass  # an exclusive worker replaced by a newer one: keep waiting on the state
        await pilot.pause()
        if condition is None or condition():
            return
        if loop.time() > deadline:
            said = [str(note.message) for note in pilot.app._notifications]
            raise AssertionError(f"the screen never reached the expected state (toasts: {said})")
        await asyncio.sleep(0.05)


def plain(renderable: object, width: int = 200) -> str:
    """What a Static shows, as plain text (tables included)."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The terminal as the user sees it, line by line (modal screens and toasts included)."""
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


def screen_text(pilot: Pilot[Any]) -> str:
    """Every character on the terminal now, as one text."""
    return "\n".join(screen_lines(pilot))


def line_with(pilot: Pilot[Any], text: str) -> str:
    """The first line on screen that shows ``text`` (fails, printing the screen, if none)."""
    found = [line for line in screen_lines(pilot) if text in line]
    assert found, f"{text!r} is not on screen:\n" + "\n".join(screen_lines(pilot))
    return found[0]


def notifications(pilot: Pilot[Any]) -> list[str]:
    """The texts of the notifications raised so far."""
    return [str(n.message) for n in pilot.app._notifications]


def main_screen(pilot: Pilot[Any]) -> Any:
    """The main screen, wherever it is in the stack (prompts and forms sit above it)."""
    from wzdesk.tui.screens.main import MainScreen

    return next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))


def queue(pilot: Pilot[Any]) -> QueueTable:
    return main_screen(pilot).query_one(QueueTable)


def detail(pilot: Pilot[Any]) -> CaseDetail:
    return main_screen(pilot).query_one(CaseDetail)


def detail_text(pilot: Pilot[Any]) -> str:
    return " ".join(plain(static.content) for static in detail(pilot).query("Static"))


def detail_ref(pilot: Pilot[Any]) -> str | None:
    case = detail(pilot).case
    return None if case is None else str(case["ref"])


def row_line(pilot: Pilot[Any], ref: str) -> str:
    """The queue line of ``ref`` as drawn (it must be on screen)."""
    table = queue(pilot)
    index = next(i for i, row in enumerate(table.rows) if row.ref == ref)
    y = index - int(table.scroll_y) + 1
    return "".join(segment.text for segment in table.render_line(y))


def highlighted(pilot: Pilot[Any]) -> str | None:
    row = queue(pilot).current_row
    return None if row is None else row.ref


def key_bar_text(pilot: Pilot[Any]) -> str:
    """The key bar of the screen on top."""
    return plain(pilot.app.screen.query_one(KeyBar).content)


def prompt_title(pilot: Pilot[Any]) -> str:
    """The title of the prompt on top (every action's prompt names its case)."""
    return str(pilot.app.screen.query_one(".prompt-title").content)


async def edit_highlighted_contact(pilot: Pilot[Any]) -> Any:
    """Open the highlighted case's contact (``K``) and its edit form (``e``); returns the
    contact as stored."""
    from wzdesk.store.models import Case
    from wzdesk.tui.screens.contact_form import EditContactForm
    from wzdesk.tui.screens.people import PeopleScreen

    contact = Case.get(Case.ref == highlighted(pilot)).contact
    await pilot.press("K")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Messages" in screen_text(pilot))
    await pilot.press("e")
    await settle(pilot, lambda: isinstance(pilot.app.screen, EditContactForm))
    return contact


def hold_the_full_load(monkeypatch: Any) -> threading.Event:
    """Make the console's load of the whole queue wait until the returned event is set (at
    most 10 s): the screen stays as it is while only the first rows are in, as on a big desk."""
    from wzdesk.services.queue import QueueSnapshot

    release = threading.Event()
    load_all = QueueSnapshot.load_all

    def held(self: QueueSnapshot) -> None:
        release.wait(timeout=10)
        load_all(self)

    monkeypatch.setattr(QueueSnapshot, "load_all", held)
    return release


async def type_at_once(pilot: Pilot[Any], *keys: str) -> None:
    """Keys arriving together, as from a fast typist, a busy console or tmux: all queued
    before the first is handled (``pilot.press`` waits for each key to be handled)."""
    from textual import events

    app = pilot.app
    assert app._driver is not None
    for key in keys:
        character = {"slash": "/", "space": " "}.get(key, key if len(key) == 1 else None)
        event = events.Key(key, character)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()
