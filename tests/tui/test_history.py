"""The case history screen driven through the real app: opened from the palette, every case
newest first with a count, a search box, status filters, pages from the database, Enter opens
the case; and scoped to one client or one contact."""

from __future__ import annotations

import threading

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Tabs

from tests.conftest import local, new_case
from tests.tui.helpers import key_bar_text, screen_lines
from tests.tui.test_flows import settle
from wzdesk.services import cases as case_service
from wzdesk.services.cases import open_case
from wzdesk.services.demo import generate
from wzdesk.services.history import HistoryQuery, history_page
from wzdesk.tui.screens.history import HistoryScreen
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.widgets import CaseDetail


@pytest.fixture
def history_cases(seeded, supervisor, acme) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The three seeded open cases, plus a resolved case of Raj's received last year."""
    old = open_case(
        supervisor,
        new_case(
            received_at=local(2025, 10, 6, 9),
            contact="raj@acme.example",
            summary="Holiday calendar missing Thanksgiving",
        ),
    )
    case_service.resolve(supervisor, str(old.ref), "Added it.")
    return {"critical": seeded[0], "major": seeded[1], "minor": seeded[2], "old": str(old.ref)}


def table(pilot: Pilot) -> DataTable:
    return pilot.app.screen.query_one("#history-table", DataTable)


def refs(pilot: Pilot) -> list[str]:
    grid = table(pilot)
    return [str(grid.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(grid.row_count)]


def status_line(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#history-status").render())


def history(pilot: Pilot) -> HistoryScreen:
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def open_from_palette(pilot: Pilot) -> None:
    await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
    await pilot.press("ctrl+p")
    await pilot.press(*"history")
    await settle(pilot, lambda: "History: all cases" in "\n".join(screen_lines(pilot)))
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
    await settle(pilot, lambda: history(pilot).page is not None)


async def test_palette_opens_every_case_newest_first_with_a_count(
    history_cases, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        assert refs(pilot) == [
            history_cases["minor"],
            history_cases["major"],
            history_cases["critical"],
            history_cases["old"],
        ]
        assert status_line(pilot).startswith("4 cases · 1–4, page 1 of 1 · newest first")
        old = next(line for line in screen_lines(pilot) if history_cases["old"] in line)
        assert "Mon 06 Oct 2025 09:00" in old and "resolved" in old  # a past year shows it


async def test_at_80_columns_the_status_line_is_whole_and_the_key_bar_names_the_rest(
    history_cases, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_from_palette(pilot)
        line = next(line for line in screen_lines(pilot) if "newest first" in line)
        assert line.rstrip().endswith("0–3 status"), line  # was cut: "· 0–3 st…"
        await pilot.press("enter")  # to the list: [ ] and / are the key bar's
        await settle(pilot, lambda: "Prev page" in key_bar_text(pilot))
        assert "] Next page" in key_bar_text(pilot) and "/ Search" in key_bar_text(pilot)


async def test_search_and_status_filter(history_cases, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        await pilot.press(*"thanksgiving")  # the search box has the focus
        # The answer to the whole word, not to one of its prefixes (the same row): the status
        # line says "Looking for 'thanksgiving'…" until it comes.
        await settle(pilot, lambda: status_line(pilot).startswith("1 case matches 'thanksgiving'"))
        assert refs(pilot) == [history_cases["old"]]
        await pilot.press("escape")  # clears the search
        await settle(pilot, lambda: len(refs(pilot)) == 4)
        await pilot.press("enter")  # to the list
        await pilot.press("2")  # resolved
        await settle(pilot, lambda: refs(pilot) == [history_cases["old"]])
        assert pilot.app.screen.query_one(Tabs).active == "status-resolved"
        await pilot.press("1")  # open
        await settle(pilot, lambda: len(refs(pilot)) == 3)
        await pilot.press("3")  # closed
        await settle(pilot, lambda: "No case matches closed." in status_line(pilot))
        await pilot.press("0")
        await settle(pilot, lambda: len(refs(pilot)) == 4)


async def test_while_a_search_runs_the_status_line_says_what_it_looks_for(
    history_cases, agent, make_app, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search scans every case (0.6–1.7 s at a million): until its answer comes, the rows
    on screen are the previous ones, and the status line must not present them as the
    answer. Here the search is held until the test lets it go."""
    from wzdesk.tui.screens import history as history_module

    gate = threading.Event()
    real = history_module.history_page

    def held(query: HistoryQuery, offset: int = 0) -> object:
        if query.text:
            assert gate.wait(10), "the test never let the search go"
        return real(query, offset)

    monkeypatch.setattr(history_module, "history_page", held)
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        assert status_line(pilot).startswith("4 cases · 1–4")
        await pilot.press(*"thanksgiving")
        await pilot.pause(0.6)  # past the typing pause: the search has started, held
        assert status_line(pilot) == "Looking for 'thanksgiving'…"
        assert len(refs(pilot)) == 4  # the previous rows, not called an answer
        gate.set()
        await settle(pilot, lambda: refs(pilot) == [history_cases["old"]])
        assert status_line(pilot).startswith("1 case matches 'thanksgiving'")
        await pilot.press("escape")  # clears the box: every case again
        assert status_line(pilot) == "Reading the history…"
        await settle(pilot, lambda: len(refs(pilot)) == 4)
        assert status_line(pilot).startswith("4 cases · 1–4")


async def test_a_whole_reference_is_listed_first_and_the_status_line_says_so(
    history_cases, agent, supervisor, make_app
) -> None:
    """The old case's reference, typed whole: a newer case whose summary names it is found
    too, and would come first; the named case is listed first, and the line says so."""
    named = history_cases["old"]
    mention = open_case(
        supervisor, new_case(received_at=local(2026, 3, 5, 9), summary=f"Again, as in {named}")
    )
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        await pilot.press(*named.lower())
        await settle(pilot, lambda: refs(pilot) == [named, str(mention.ref)])
        assert f"· {named} first, then newest ·" in status_line(pilot)
        await pilot.press("backspace")  # part of a reference: newest first
        await settle(pilot, lambda: "newest first" in status_line(pilot))
        assert refs(pilot)[0] != named


async def test_enter_opens_the_selected_case(history_cases, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_from_palette(pilot)
        await pilot.press("enter", "j", "j", "j")  # to the list; down to last year's case
        await settle(pilot, lambda: table(pilot).cursor_row == 3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(
            pilot,
            lambda: (
                (pilot.app.screen.query_one(CaseDetail).case or {}).get("ref")
                == history_cases["old"]
            ),
        )


async def test_pages_turn_past_the_last_row_and_with_brackets(
    database, supervisor, agent, make_app, clock
) -> None:
    generate(clock, 120)
    expected = [row.ref for row in history_page(HistoryQuery(), 0, 150).rows]
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        assert refs(pilot) == expected[:50]
        assert "120 cases · 1–50, page 1 of 3" in status_line(pilot)
        await pilot.press("enter", "]")
        await settle(pilot, lambda: refs(pilot) == expected[50:100])
        await pilot.press("]")
        await settle(pilot, lambda: refs(pilot) == expected[100:])
        assert "101–120, page 3 of 3" in status_line(pilot)
        await pilot.press("]")  # no page 4
        await pilot.press("[")
        await settle(pilot, lambda: refs(pilot) == expected[50:100])
        assert table(pilot).cursor_row == 49  # back a page: at its end
        await pilot.press("down")  # past the last row: the next page
        await settle(pilot, lambda: refs(pilot) == expected[100:])
        assert table(pilot).cursor_row == 0
        await pilot.press("up")  # before the first row: the previous page
        await settle(pilot, lambda: refs(pilot) == expected[50:100])


async def test_scoped_to_a_client_and_to_a_contact(history_cases, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        pilot.app.push_screen(HistoryScreen(client="ACME", contact="raj@acme.example"))
        await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        await settle(pilot, lambda: refs(pilot) == [history_cases["old"]])
        assert "History · Raj Patel (ACME) · 1 case" in "\n".join(screen_lines(pilot))
        await pilot.press("escape", "escape")  # the search box, then back
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        pilot.app.push_screen(HistoryScreen(client="ACME"))
        await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        await settle(pilot, lambda: len(refs(pilot)) == 4)
        assert "History · ACME · Acme Corporation · 4 cases" in "\n".join(screen_lines(pilot))


async def test_an_unknown_client_is_said_plainly(history_cases, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        pilot.app.push_screen(HistoryScreen(client="NOPE"))
        await settle(pilot, lambda: "NOPE" in status_line(pilot))
        assert pilot.app.screen.query_one(Input).has_focus


async def test_a_change_to_a_resolved_case_reaches_the_open_history(
    history_cases, agent, supervisor, make_app
) -> None:
    """The history follows the console's re-reads; a resolved case is outside the queue, so
    a re-read never named it and the page kept showing it resolved after it was closed."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_from_palette(pilot)
        old = history_cases["old"]
        await settle(pilot, lambda: "resolved" in _line(pilot, old))
        await pilot.pause(0.3)
        case_service.close(supervisor, old)
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "closed" in _line(pilot, old))


def _line(pilot: Pilot, ref: str) -> str:
    return next((line for line in screen_lines(pilot) if ref in line), "")
