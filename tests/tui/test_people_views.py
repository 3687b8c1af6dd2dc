"""The client and contact views from the command palette, and what the case detail shows of
links, merges and the two-admin rule."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette

from tests.tui.helpers import detail_ref, notifications, queue, screen_text, settle
from wzdesk.services.contacts import deactivate_contact, train_contact
from wzdesk.services.related import link_cases
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.people import PeopleScreen


async def _palette_pick(pilot: Any, query: str, label: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*query)
    await settle(pilot, lambda: label in screen_text(pilot))
    for _ in range(8):  # walk down to the wanted hit
        if _highlighted(pilot, label):
            break
        await pilot.press("down")
    assert _highlighted(pilot, label)
    await pilot.press("enter")


def _highlighted(pilot: Any, label: str) -> bool:
    palette = pilot.app.screen
    option_list = palette.query_one("CommandList")
    index = option_list.highlighted
    if index is None:
        return False
    return label in str(option_list.get_option_at_index(index).prompt)


async def test_client_view_from_the_palette(
    desk: dict[str, str], agent: Any, make_app: Any, supervisor: Any
) -> None:
    deactivate_contact(supervisor, "raj@acme.example")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await _palette_pick(pilot, "acme", "client view")
        await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
        await settle(pilot, lambda: "Open cases" in screen_text(pilot))
        text = screen_text(pilot)
        assert "⚑ 1 active admin (needs 2); no trained admin; ask Ana Diaz" in text
        assert "Raj Patel" in text and "inactive" in text
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_contact_view_from_the_palette(
    desk: dict[str, str], agent: Any, make_app: Any, supervisor: Any
) -> None:
    from datetime import date

    train_contact(supervisor, "ana@acme.example", date(2026, 3, 2), "Kim Lee", "portal basics")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await _palette_pick(pilot, "Ana Diaz", "Contact Ana Diaz")
        await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
        await settle(pilot, lambda: "Messages" in screen_text(pilot))
        text = screen_text(pilot)
        assert "Ana Diaz · ACME · primary" in text
        assert "trained 2026-03-02 by Kim Lee portal basics" in text
        assert desk["breached"] in text


async def test_case_detail_shows_links_and_the_admin_flag(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    link_cases(agent, desk["major"], desk["breached"], "duplicate-of")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await pilot.app.screen.run_action(
            "app.show_case",
        ) if False else None
        pilot.app.show_case(desk["breached"])
        await settle(pilot, lambda: f"has duplicate {desk['major']}" in screen_text(pilot))
        assert "⚑ no trained admin; ask Ana Diaz" in screen_text(pilot)


async def test_training_quote_needs_an_open_case_and_says_so(
    desk: dict[str, str], agent: Any, make_app: Any, supervisor: Any
) -> None:
    from wzdesk.services.directory import add_client, add_contact
    from wzdesk.store.models import Quote
    from wzdesk.tui.screens.people import client_screen

    add_client(supervisor, "BETA", "Beta Ltd")
    add_contact(supervisor, "BETA", "Kim Li", "kim@beta.example", None, admin_rank="primary")
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        pilot.app.push_screen(client_screen("BETA"))
        await settle(pilot, lambda: "Q writes a training quote" in screen_text(pilot))
        await pilot.press("Q")
        await settle(pilot, lambda: any("BETA has no open case" in n for n in notifications(pilot)))
        assert isinstance(pilot.app.screen, PeopleScreen)
        assert Quote.select().count() == 0
