"""The console keeps itself current: the re-read loop, the one-second tick, crossings, the bell."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.tui.helpers import (
    detail_ref,
    key_bar_text,
    notifications,
    queue,
    row_line,
    screen_text,
    settle,
)
from wzdesk.cli.console import bell_enabled
from wzdesk.services import cases
from wzdesk.store.models import Case


async def ready(pilot, count: int = 3) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: len(queue(pilot).rows) == count)


async def test_other_agents_changes_appear_without_a_key_press_again_and_again(
    seeded, agent, supervisor, make_app
) -> None:
    app = make_app(agent, refresh_seconds=0.2)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        cases.assign(supervisor, seeded[1], "sam")
        await settle(pilot, lambda: "sam" in row_line(pilot, seeded[1]))
        cases.assign(supervisor, seeded[2], "sam")  # a second change: the loop re-armed
        await settle(pilot, lambda: "sam" in row_line(pilot, seeded[2]))
        cases.resolve(supervisor, seeded[2], "Done.")
        await settle(pilot, lambda: len(queue(pilot).rows) == 2)


async def test_ctrl_r_re_reads_at_once(seeded, agent, supervisor, make_app) -> None:
    app = make_app(agent, refresh_seconds=3600)  # the loop would wait an hour
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.pause(0.5)
        cases.assign(supervisor, seeded[1], "sam")
        await pilot.pause(0.5)
        assert "sam" not in row_line(pilot, seeded[1])
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "sam" in row_line(pilot, seeded[1]))


async def test_countdowns_move_with_the_clock(seeded, agent, make_app, clock) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        before = row_line(pilot, seeded[1])
        clock.advance(timedelta(hours=1))
        # The one-second tick redraws it (10 s: a loaded CI machine, not the tick's speed).
        await settle(pilot, lambda: row_line(pilot, seeded[1]) != before, limit=10)
        # Major received 09:00: response due Tue 09:00; at 11:00 Monday 8h left.
        assert "8h00m" in row_line(pilot, seeded[1])


async def test_crossing_into_at_risk_notifies_once_and_rings(
    seeded, agent, make_app, clock, monkeypatch
) -> None:
    app = make_app(agent, refresh_seconds=3600, bell=True)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        # Major received Mon 09:00: response at risk at 75% of 10h, Mon 16:30.
        clock.advance(timedelta(hours=6, minutes=31))
        await settle(
            pilot, lambda: any(f"{seeded[1]} response at risk" in n for n in notifications(pilot))
        )
        assert rings
        await pilot.pause(1.2)  # the next ticks do not repeat it
        assert sum(f"{seeded[1]} response at risk" in n for n in notifications(pilot)) == 1


async def test_no_bell_when_it_is_turned_off(seeded, agent, make_app, clock, monkeypatch) -> None:
    app = make_app(agent, refresh_seconds=3600, bell=False)
    rings: list[int] = []
    monkeypatch.setattr(app, "bell", lambda: rings.append(1))
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        clock.advance(timedelta(hours=6, minutes=31))
        await settle(pilot, lambda: any("response at risk" in n for n in notifications(pilot)))
        assert not rings


def test_wzdesk_bell_setting() -> None:
    assert bell_enabled({}) and bell_enabled({"WZDESK_BELL": "1"})
    for off in ("0", "no", "off", "false", " 0 "):
        assert not bell_enabled({"WZDESK_BELL": off})


async def test_what_was_said_before_the_console_started_shows_inside_it(
    seeded, agent, make_app
) -> None:
    note = "created supervisor 'kim': the first user of this database"
    app = make_app(agent, notes=[note])
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        assert note in notifications(pilot)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_an_empty_desk_says_what_to_do_next(database, supervisor, make_app, size) -> None:
    from tests.tui.test_queue_query import empty_queue_text

    app = make_app(supervisor)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: "No cases yet" in screen_text(pilot))
        text = screen_text(pilot)
        assert "loading" not in text.lower()
        assert "F2 logs a phone call" in text
        # Whole: one cropped line cut it at both sizes, after "Add clients with".
        assert "Add clients with `wzdesk client add`, or try `wzdesk --demo`." in (
            empty_queue_text(pilot)
        )
        keys = key_bar_text(pilot)
        assert "r Reply" not in keys and "t Take" not in keys  # nothing selected, nothing offered
        await pilot.press("t")
        await settle(pilot, lambda: any("No case is selected" in n for n in notifications(pilot)))
        assert detail_ref(pilot) is None


async def test_a_clear_queue_is_not_an_empty_desk(desk, supervisor, make_app) -> None:
    for name in ("breached", "major", "minor", "sams", "late", "waiting"):
        cases.resolve(supervisor, desk[name], "Done.")
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: "queue is clear" in screen_text(pilot))
        assert Case.select().count() == 7


def slow_case_reads(monkeypatch: pytest.MonkeyPatch, seconds: float = 0.3) -> None:
    """Reads of a case for the detail pane take ``seconds`` from now on: a busy server."""
    import time

    from wzdesk.tui.screens import main

    show_case = main.show_case

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(seconds)
        return show_case(*args, **kwargs)

    monkeypatch.setattr(main, "show_case", slow)


async def test_a_case_opened_while_the_one_shown_changes_elsewhere_is_the_one_shown(
    desk, agent, supervisor, make_app, monkeypatch
) -> None:
    """A case opened by reference (the palette, the history, after an intake) was loading
    when a re-read found the case shown before it changed elsewhere and read that one again:
    its load cancelled the wanted one's (one exclusive worker), its own answer was not
    wanted, and the full-screen detail said "Loading" for good (seen once in CI, on
    PostgreSQL). A busy server is stood for by reads of a case that take 0.3 s."""
    from tests.tui.helpers import detail_text

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        await settle(pilot, lambda: detail_ref(pilot) is not None)
        shown = detail_ref(pilot)
        assert shown is not None and shown != desk["resolved"]
        slow_case_reads(monkeypatch)
        cases.assign(supervisor, shown, "sam")  # elsewhere
        pilot.app.screen.open_case(desk["resolved"])
        await pilot.press("ctrl+r")  # the re-read finds the case shown before changed
        await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
        assert "Loading" not in detail_text(pilot)
        await pilot.press("escape")  # back to the queue: its highlighted case, as changed
        await settle(pilot, lambda: detail_ref(pilot) == shown and "sam" in detail_text(pilot))


async def test_a_case_opened_says_it_is_loading_it_and_why_it_cannot_be_shown(
    desk, agent, make_app, monkeypatch
) -> None:
    """Opened by reference (the palette, the history), full screen shows that case: while it
    loads it says so, not the case shown before under the new one's title; a case that cannot
    be read says why, not "Loading…" for good. Reads of a case take 0.3 s here."""
    from tests.tui.helpers import detail_text

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        await settle(pilot, lambda: detail_ref(pilot) is not None)
        before = detail_ref(pilot)
        slow_case_reads(monkeypatch)
        pilot.app.screen.open_case(desk["resolved"])
        await asyncio.sleep(0.1)  # drawn, not loaded yet
        assert pilot.app.screen.selected_target() is None  # nothing to act on yet
        assert f"Loading {desk['resolved']}" in detail_text(pilot)
        assert before not in detail_text(pilot)
        await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
        assert "Loading" not in detail_text(pilot)
        pilot.app.screen.open_case("WZ-99999")
        await settle(pilot, lambda: "Cannot show WZ-99999: " in detail_text(pilot))
        assert "no case" in detail_text(pilot) and pilot.app.screen.selected_target() is None


async def test_a_resolved_case_being_read_shows_a_change_made_elsewhere(
    desk, agent, supervisor, make_app
) -> None:
    """A resolved case is outside the queue, so a re-read never named it among the changed
    rows and its open detail kept the old timeline. Re-reads now name the resolved and closed
    cases that changed too."""
    from tests.tui.helpers import detail_text

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        screen = pilot.app.screen
        screen.open_case(desk["resolved"])
        await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
        await pilot.pause(0.3)
        cases.reply(supervisor, desk["resolved"], "Checked the export again: fine", internal=True)
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: "Checked the export again" in detail_text(pilot))
        assert len(queue(pilot).rows) == 6
