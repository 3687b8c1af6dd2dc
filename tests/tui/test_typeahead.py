"""Keys typed ahead of a focus change go where the user was typing (wzdesk/tui/typeahead.py).

Found in tmux on a million-case desk: ``/pay`` sent at once opened "Assign WZ-… to" on the
highlighted case (``a`` had reached the queue before ``/`` moved the focus to the filter box),
and the digits typed right after F2 never reached the caller field. Each test sends its keys
as one burst, all queued before the first is handled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, OptionList, TextArea

from tests.tui.helpers import highlighted, main_screen, queue, settle, type_at_once
from wzdesk.tui.screens.history import HistoryScreen
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.reply import ReplyEditor


@pytest.mark.parametrize(
    ("keys", "query"),
    [
        (["slash", *"payroll"], "payroll"),  # a: Assign, r: Reply, o: Reopen... on the queue
        (["3", "slash", *"pay"], "pay"),  # the Breached tab, then the box (found at 1M cases)
    ],
    ids=["slash then a word", "a tab then slash then a word"],
)
async def test_a_query_typed_right_after_slash_goes_into_the_filter_box(
    keys: list[str], query: str, desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await type_at_once(pilot, *keys)
        await settle(pilot, lambda: len(queue(pilot).rows) == 1)
        assert isinstance(pilot.app.screen, MainScreen)  # no prompt came up
        assert main_screen(pilot).query_one("#filter-text", Input).value == query
        assert highlighted(pilot) == desk["breached"]  # "Payroll export fails"


def _caller(screen: Any) -> str:
    assert screen.query_one("#severity", OptionList).highlighted == 2  # still moderate: not "4"
    return str(screen.query_one("#caller-search", Input).value)


def _reply(screen: Any) -> str:
    return str(screen.query_one(TextArea).text)


@pytest.mark.parametrize(
    ("keys", "screen", "typed", "expected"),
    [
        (["f2", *"416"], IntakeScreen, _caller, "416"),  # the caller's number, not severities
        (["r", *"Hi ana"], ReplyEditor, _reply, "Hi ana"),  # not "a" Assign: r reads first
    ],
    ids=["F2 then a number", "r then the reply"],
)
async def test_text_typed_right_after_a_key_that_opens_a_form_is_in_the_form(
    keys: list[str],
    screen: type,
    typed: Callable[[Any], str],
    expected: str,
    desk: dict[str, str],
    agent: Any,
    make_app: Any,
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await type_at_once(pilot, *keys)
        await settle(pilot, lambda: isinstance(pilot.app.screen, screen))
        form = pilot.app.screen
        await settle(pilot, lambda: typed(form) == expected)


async def test_keys_in_a_burst_with_no_focus_change_keep_their_bindings(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        third = queue(pilot).rows[2].ref
        await type_at_once(pilot, "j", "j")
        await settle(pilot, lambda: highlighted(pilot) == third)
        await type_at_once(pilot, "3", "a")  # Breached, then Assign its highlighted case
        await settle(pilot, lambda: not isinstance(pilot.app.screen, MainScreen))
        assert main_screen(pilot).view.quick.name == "BREACHED"
        title = str(pilot.app.screen.query_one(".prompt-title").render())
        assert title == f"Assign {highlighted(pilot)} to"


async def test_a_choice_typed_right_after_its_key_answers_the_prompt(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """``a1``: Assign, then the first choice (Unassigned), as fast as it is typed."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("slash", *"report", "enter")  # "Report totals off", assigned to sam
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["sams"]])
        assert queue(pilot).rows[0].assignee == "sam"
        await type_at_once(pilot, "a", "1")
        await settle(pilot, lambda: queue(pilot).rows[0].assignee is None)
        assert isinstance(pilot.app.screen, MainScreen)


async def test_a_key_typed_right_after_enter_in_the_box_is_a_queue_key(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """``/sev:critical`` Enter ``h`` typed at once: the query stays as typed and ``h`` opens the
    history (it was inserted in the box: ``sev:criticalh``, a query matching nothing)."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await type_at_once(pilot, "slash", *"sev:critical", "enter", "h")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        assert main_screen(pilot).query_one("#filter-text", Input).value == "sev:critical"
        await pilot.press("escape")
        await settle(pilot, lambda: len(queue(pilot).rows) == 2)


async def test_keys_typed_right_after_esc_in_the_box_are_queue_keys(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """``/pay`` Esc ``j j`` typed at once: the box is cleared and the cursor moves two rows
    (``j j`` were inserted in the box: Esc's binding ran after the box had read them)."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        third = queue(pilot).rows[2].ref
        await type_at_once(pilot, "slash", *"pay", "escape", "j", "j")
        await settle(pilot, lambda: highlighted(pilot) == third)
        assert main_screen(pilot).query_one("#filter-text", Input).value == ""
        assert main_screen(pilot).focused is queue(pilot)
        assert len(queue(pilot).rows) == 6


async def test_keys_typed_right_after_esc_closes_the_history_reach_the_queue(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """The history opens in its search box; there, empty, Esc closes the history: ``j j``
    typed with it move the queue's cursor (they went into the closed screen's box)."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        third = queue(pilot).rows[2].ref
        await pilot.press("h")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
        history = pilot.app.screen
        await settle(pilot, lambda: history.focused is history.query_one("#search", Input))
        assert history.query_one("#search", Input).value == ""
        await type_at_once(pilot, "escape", "j", "j")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await settle(pilot, lambda: highlighted(pilot) == third)


async def test_keys_wait_once_for_a_prompt_that_does_not_come(
    desk: dict[str, str], agent: Any, make_app: Any, monkeypatch: Any
) -> None:
    """``r`` whose case read hangs: the keys after it wait for the editor at most PROMPT_WAIT,
    once (not once each), then act as typed: here ``j j`` move the cursor. The module's clock
    moves only when it naps, so the naps count the wait exactly."""
    import asyncio
    import threading
    from types import SimpleNamespace

    from wzdesk.tui import typeahead
    from wzdesk.tui.screens import case_actions

    release = threading.Event()
    show_case = case_actions.show_case

    def hanging(*args: Any) -> Any:
        release.wait(timeout=10)
        return show_case(*args)

    monkeypatch.setattr(case_actions, "show_case", hanging)
    naps: list[float] = []

    async def nap(seconds: float) -> None:
        naps.append(seconds)
        await asyncio.sleep(0)

    monkeypatch.setattr(typeahead, "asyncio", SimpleNamespace(sleep=nap))
    monkeypatch.setattr(typeahead, "time", SimpleNamespace(monotonic=lambda: sum(naps)))
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        third = queue(pilot).rows[2].ref
        await type_at_once(pilot, "r", "j", "j")
        await settle(pilot, lambda: highlighted(pilot) == third)
        assert isinstance(pilot.app.screen, MainScreen)
        waited = sum(naps)
        assert typeahead.PROMPT_WAIT <= waited < typeahead.PROMPT_WAIT + 0.05  # once, not twice
        release.set()
        await settle(pilot, lambda: isinstance(pilot.app.screen, ReplyEditor))


async def test_text_typed_after_tab_in_one_burst_goes_into_the_next_field(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """``DLT<Tab>Probe Two<Tab>4165550002`` sent at once to the new-contact form gave the
    client code "DLTProbe Two4165550002" and left the name and phone empty: the Tab moved the
    focus only when it came back unhandled, after the field had taken the keys behind it."""
    from wzdesk.tui.screens.contact_form import NewContactForm

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewContactForm))
        form = pilot.app.screen
        await type_at_once(pilot, *"ACME", "tab", *"Lee Wong", "tab", *"4165550002")
        fields = ("client", "name", "phone")

        def typed() -> tuple[str, ...]:
            return tuple(form.query_one(f"#new-{name}", Input).value for name in fields)

        await settle(pilot, lambda: typed() == ("ACME", "Lee Wong", "4165550002"))
        await type_at_once(pilot, "shift+tab", *"Lee Wu")  # back to the name (selected whole)
        await settle(pilot, lambda: typed() == ("ACME", "Lee Wu", "4165550002"))


async def test_a_note_typed_with_ctrl_s_in_one_burst_is_saved_whole(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    """The note's words and ``Ctrl+S`` arriving together (tmux, a paste, a fast typist): the
    note saved holds every word. ``Ctrl+S`` was a priority binding, run as it arrived, while
    the words before it still waited for the editor: the save found it empty, or cut."""
    from wzdesk.store.models import Case, CaseEvent

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        ref = highlighted(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(pilot.app.screen.focused, TextArea))
        words = "checked the export ENDMARK"
        await type_at_once(pilot, *("space" if c == " " else c for c in words), "ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        notes = CaseEvent.select().where(
            (CaseEvent.case == Case.get(Case.ref == ref).id) & (CaseEvent.kind == "note")
        )
        assert [note.body for note in notes] == [words]


async def test_a_holiday_typed_with_ctrl_s_in_one_burst_is_asked_about_whole(
    seeded: Any, supervisor: Any, make_app: Any
) -> None:
    """Date, Tab, name, Tab, hours and ``Ctrl+S`` at once: the what-if asks about the half day
    typed (it asked about a whole day, or hours cut short, in 5 of 8 tries in tmux)."""
    from tests.tui.test_calendar_screen import open_holiday_form, text
    from wzdesk.tui.screens.calendar_change import WhatIfScreen

    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_holiday_form(pilot)
        keys = [*"2026-03-10", "tab", *"Fete", "tab", *"12:00-18:00", "ctrl+s"]
        await type_at_once(pilot, *keys)
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        await settle(pilot, lambda: "What if:" in text(pilot))
        assert "Add holiday 2026-03-10 “Fete” (open 12:00-18:00)?" in text(pilot)
