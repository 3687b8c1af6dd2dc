"""The queue's ``/`` box speaks the query language: a good query narrows the rows (from SQL, in
a worker), a bad one shows its error under the box naming the token, and the rows stay."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Static

from tests.tui.helpers import line_with, queue, screen_lines, settle
from wzdesk.tui.screens.main import MainScreen


def _error(pilot: Any) -> Static:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    return screen.query_one("#filter-error", Static)


async def test_filter_box_query(desk: dict[str, str], agent: Any, make_app: Any) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"sev:critical -status:waiting_client")
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        assert _error(pilot).has_class("-hidden")
        box = pilot.app.screen.query_one("#filter-text", Input)
        box.value = "sev:critical (tag:x"
        await settle(pilot, lambda: not _error(pilot).has_class("-hidden"))
        assert "'(' at position 13" in str(_error(pilot).render())
        assert len(queue(pilot).rows) == 2  # the last good query's rows stay
        box.value = "breached:any OR status:waiting_client"
        await settle(
            pilot,
            lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["waiting"]},
        )
        assert _error(pilot).has_class("-hidden")
        await pilot.press("escape")
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)


async def test_what_is_typed_in_the_box_is_on_screen_at_80x24(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """Focused, the box kept one line but took Textual's tall border, which left no line for
    the text: the user typed blind (seen in tmux at 80x24 and 120x40)."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        before = screen_lines(pilot).index(line_with(pilot, "/ filter: ref, client, text"))
        await pilot.press("slash", *"sev:critical")
        await settle(pilot, lambda: len(queue(pilot).rows) == 2)
        typed = line_with(pilot, "sev:critical")
        assert screen_lines(pilot).index(typed) == before  # where the placeholder was
        assert "▔" not in screen_lines(pilot)[before - 1] + screen_lines(pilot)[before + 1]


async def test_palette_filters_by_a_query_or_a_saved_view(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    from wzdesk.services.views import add_view

    add_view(agent, "Zed queue", "status:waiting_client")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("ctrl+p", *"sev:critical")
        await settle(pilot, lambda: "Filter the queue: sev:critical" in _palette_text(pilot))
        await pilot.press("enter")
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        await pilot.press("ctrl+p", *"view zed")
        await settle(pilot, lambda: "View: Zed queue" in _palette_text(pilot))
        await pilot.press("enter")
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["waiting"]])


def _palette_text(pilot: Any) -> str:
    from textual.command import CommandList

    lists = pilot.app.screen.query(CommandList)
    if not lists:
        return ""
    options = lists.first()
    return " ".join(str(options.get_option_at_index(i).prompt) for i in range(options.option_count))


async def test_the_box_waits_for_typing_to_pause_and_says_it_is_looking(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """One search for what was typed, not one per keystroke (typing "payroll" at a million
    cases ran seven at once and the queue changed 6 s later); meanwhile the status line says
    what it is looking for, so the unchanged rows are not taken for the answer."""
    from wzdesk.tui.screens import queue_query

    asked: list[str] = []
    real = queue_query.queue_matches

    def counted(query: Any, ctx: Any) -> list[int]:
        asked.append(query if isinstance(query, str) else repr(query))
        return real(query, ctx)

    monkeypatch.setattr(queue_query, "queue_matches", counted)
    monkeypatch.setattr(queue_query, "TYPING_PAUSE", 1.0)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"sev:critical")
        assert "looking for 'sev:critical'…" in line_with(pilot, "of 6 open")
        assert len(queue(pilot).rows) == 6  # not narrowed yet, and the line says so
        await settle(
            pilot, lambda: {r.ref for r in queue(pilot).rows} == {desk["breached"], desk["late"]}
        )
        assert len(asked) == 1
        assert "looking for" not in line_with(pilot, "of 6 open")
