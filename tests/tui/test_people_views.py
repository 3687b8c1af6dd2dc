"""The client and contact views from the command palette, and what the case detail shows of
links, merges and the two-admin rule."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette

from tests.tui.helpers import (
    detail_ref,
    notifications,
    prompt_title,
    queue,
    screen_text,
    settle,
)
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


async def test_phone_staff_are_not_told_of_keys_they_may_not_use(
    desk: dict[str, str], phone_staff: Any, make_app: Any
) -> None:
    """The client view said "Q writes a training quote" to phone staff, whose Q did nothing."""
    app = make_app(phone_staff, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await _palette_pick(pilot, "acme", "client view")
        await settle(pilot, lambda: "Open cases" in screen_text(pilot))
        text = screen_text(pilot)
        assert "no trained admin" in text
        assert "Q writes" not in text and "Training quote" not in text
        assert "Client's history" in text  # h: every role may read the history


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


async def test_a_big_client_lists_its_oldest_open_cases_and_says_how_many_more(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """At a million cases a client's view listed every open case (4,942) and had not appeared
    after a minute. It lists the oldest few, says how many there are, and where the rest are;
    a training quote still goes on the case the view was opened from, listed or not."""
    from wzdesk.services import people_views
    from wzdesk.store.models import Case, Quote
    from wzdesk.tui.screens.quote import QuoteEditor

    monkeypatch.setattr(people_views, "OPEN_SHOWN", 2)
    acme_open = list(
        Case.select()
        .join_from(Case, people_views.Client)
        .where((people_views.Client.code == "ACME") & Case.is_open)
        .order_by(Case.received_at, Case.id)
    )
    assert len(acme_open) > 3
    newest = acme_open[-1].ref
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        while queue(pilot).current_row.ref != newest:
            await pilot.press("down")
        await pilot.press("C")
        await settle(pilot, lambda: "Open cases" in screen_text(pilot))
        text = screen_text(pilot)
        count = len(acme_open)
        assert f"Open cases ({count}; the 2 oldest shown; f in the queue lists them all)" in text
        listed = [case.ref for case in acme_open if f"  {case.ref}  " in text]
        assert listed == [acme_open[0].ref, acme_open[1].ref]
        first = next(line for line in text.splitlines() if f"  {acme_open[0].ref}  " in line)
        assert f"[{acme_open[0].severity}] {acme_open[0].status}" in first  # not eaten as markup
        await pilot.press("Q")
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteEditor))
        assert f"on {newest} (draft)" in prompt_title(pilot)  # not among the two listed
        assert Quote.select().count() == 0  # nothing written until it is saved


async def test_a_busy_contact_lists_their_latest_cases_and_says_how_many(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """The contact view read every case of the contact and every call on them (16,734 cases
    for one demo contact at a million): now the latest few, with the counts."""
    from wzdesk.services import people_views
    from wzdesk.store.models import Case
    from wzdesk.tui.screens.people import contact_screen

    monkeypatch.setattr(people_views, "RECENT", 1)
    contact = Case.get(Case.ref == desk["breached"]).contact
    theirs = list(Case.select().where(Case.contact == contact).order_by(Case.received_at.desc()))
    assert len(theirs) > 1
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        pilot.app.push_screen(contact_screen(contact.id, contact.name))
        await settle(pilot, lambda: "Messages" in screen_text(pilot))
        text = screen_text(pilot)
        assert f"Cases ({len(theirs)}; the 1 latest shown)" in text
        assert theirs[0].ref in text and not any(case.ref in text for case in theirs[1:])


def test_an_item_that_wraps_hangs_under_its_own_text() -> None:
    """At 80 columns an admin's "not trained" and a case's summary wrapped to the screen's
    edge, where they read as items of their own."""
    from tests.tui.helpers import plain
    from wzdesk.tui.screens.people import indented

    view = indented(
        "[b]Admins[/b]\n"
        "  Chen Nguyen  primary  chen.nguyen0@cobalt.example · 416-555-6242  not trained\n"
        "  Sven Moreau  backup  not trained\n"
        "a line of the view that is not an item and is long enough to wrap at forty"
    )
    lines = [line.rstrip() for line in plain(view, width=40).splitlines()]
    assert lines[0] == "Admins"
    first = lines.index("  Chen Nguyen  primary")
    assert lines[first + 1 : first + 3] == [
        "    chen.nguyen0@cobalt.example ·",
        "    416-555-6242  not trained",
    ], lines
    assert "  Sven Moreau  backup  not trained" in lines  # fits: as it was
    assert lines[-2].startswith("a line") and not lines[-1].startswith(" "), lines
