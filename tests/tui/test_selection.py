"""Every action lands on the case the user sees selected: the highlighted row, or the case
shown full screen — after intake, a palette jump, a filter change, a background refresh, in
every layout. Each prompt's title names that case."""

from __future__ import annotations

import pytest
from textual.command import CommandList
from textual.widgets import Input, TextArea

from tests.tui.helpers import (
    detail_ref,
    highlighted,
    notifications,
    prompt_title,
    queue,
    settle,
)
from wzdesk.services import cases
from wzdesk.store.models import Case, CaseEvent
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.screens.main import MainScreen


def palette_offers(pilot, text: str) -> bool:  # type: ignore[no-untyped-def]
    """The command palette's first hit mentions ``text``."""
    hits = pilot.app.screen.query(CommandList)
    return (
        bool(hits)
        and hits.first().option_count > 0
        and text in str(hits.first().get_option_at_index(0).prompt)
    )


def assignee_of(ref: str) -> str | None:
    case = Case.get(Case.ref == ref)
    return case.assignee.login if case.assignee_id else None


async def loaded(pilot, count: int) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: len(queue(pilot).rows) == count and detail_ref(pilot))


async def test_after_intake_actions_act_on_the_highlighted_row_not_the_new_case(
    desk, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        await pilot.press("f2")
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        intake = pilot.app.screen
        await pilot.press(*"ana")
        await settle(pilot, lambda: intake.callers)
        await pilot.press("enter")
        await settle(pilot, lambda: intake.caller is not None)
        intake.query_one("#summary", Input).value = "Cannot print payslips"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        new_ref = Case.select().order_by(Case.id.desc()).get().ref
        await settle(pilot, lambda: detail_ref(pilot) == new_ref)  # the new case is shown
        await settle(pilot, lambda: any(r.ref == new_ref for r in queue(pilot).rows))
        # The agent goes back to the queue and moves to another case.
        await pilot.press("escape", "home", "j")
        target = highlighted(pilot)
        assert target not in (None, new_ref)
        await pilot.press("l")
        await settle(pilot, lambda: "Log a call on" in prompt_title(pilot))
        assert target in prompt_title(pilot) and new_ref not in prompt_title(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        expected = Case.get(Case.ref == target)
        await pilot.press("t")
        if expected.assignee_id is not None:  # someone else's: the take is confirmed first
            await settle(pilot, lambda: "Take" in prompt_title(pilot))
            await pilot.press("y")
        await settle(pilot, lambda: assignee_of(target) == "kim")
        assert assignee_of(new_ref) is None


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("r", "Reply to the client on"),
        ("n", "Internal note on"),
        ("a", "Assign"),
        ("s", "Status of"),
        ("v", "Severity of"),
        ("e", "Escalate"),
        ("R", "Resolve"),
        ("l", "Log a call on"),
    ],
)
async def test_every_prompt_title_names_the_highlighted_case(
    desk, agent, make_app, key: str, words: str
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        await pilot.press("j", "j")
        target = highlighted(pilot)
        others = {r.ref for r in queue(pilot).rows} - {target}
        await pilot.press(key)
        await settle(pilot, lambda: words in prompt_title(pilot))
        title = prompt_title(pilot)
        assert target is not None and target in title
        assert not any(ref in title for ref in others)


async def test_an_action_right_after_moving_acts_on_the_new_row(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        first = highlighted(pilot)
        await pilot.press("j")  # the detail pane has not caught up yet (debounced)
        second = highlighted(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: "Internal note on" in prompt_title(pilot))
        assert second is not None and second in prompt_title(pilot)
        assert first not in prompt_title(pilot)


async def test_a_palette_jump_to_a_resolved_case_shows_it_full_screen_and_acts_on_it(
    desk, agent, make_app
) -> None:
    resolved = desk["resolved"]
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        await pilot.press("ctrl+p")
        await pilot.press(*resolved)
        await settle(pilot, lambda: palette_offers(pilot, f"Open {resolved}"))
        await pilot.press("enter")
        await settle(pilot, lambda: detail_ref(pilot) == resolved)
        main = pilot.app.screen
        assert isinstance(main, MainScreen) and main.is_full_screen
        await pilot.press("o")
        await settle(pilot, lambda: "Reopen" in prompt_title(pilot))
        assert resolved in prompt_title(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("escape")  # back to the queue: the highlighted row is the target again
        await settle(pilot, lambda: not main.is_full_screen)
        await pilot.press("n")
        await settle(pilot, lambda: "Internal note on" in prompt_title(pilot))
        assert highlighted(pilot) in prompt_title(pilot) and resolved not in prompt_title(pilot)


async def test_a_filter_change_moves_the_target_with_the_cursor(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        await pilot.press("9")  # minor only
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] == [desk["minor"]])
        await pilot.press("t")
        await settle(pilot, lambda: assignee_of(desk["minor"]) == "kim")
        assert assignee_of(desk["breached"]) is None


async def test_a_background_refresh_keeps_the_cursor_and_the_target(
    desk, agent, supervisor, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await loaded(pilot, 6)
        while highlighted(pilot) != desk["minor"]:
            await pilot.press("j")
        before = [r.ref for r in queue(pilot).rows]
        # Another agent makes sam's case critical: it jumps up the queue under the cursor.
        cases.change_severity(supervisor, desk["sams"], "critical")
        await settle(pilot, lambda: [r.ref for r in queue(pilot).rows] != before)
        assert highlighted(pilot) == desk["minor"]
        await pilot.press("t")
        await settle(pilot, lambda: assignee_of(desk["minor"]) == "kim")
        assert assignee_of(desk["sams"]) == "sam"


async def highlight_one_above_an_unassigned_case(pilot) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Once the queue is loaded, highlight a case whose next row nobody owns (``t`` takes it
    without asking): (the highlighted case, that next case)."""
    await loaded(pilot, 6)
    rows = queue(pilot).rows
    at = next(i for i in range(len(rows) - 1) if rows[i + 1].assignee is None)
    leaving, neighbour = rows[at].ref, rows[at + 1].ref
    while highlighted(pilot) != leaving:
        await pilot.press("j")
    return leaving, neighbour


async def test_when_the_highlighted_case_leaves_the_next_key_does_not_act_on_its_neighbour(
    desk, agent, supervisor, make_app
) -> None:
    """Another agent resolved the highlighted case: the cursor fell on the next row with
    nothing said, and ``t`` took that unassigned case at once (meant for the one that left)."""
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        leaving, neighbour = await highlight_one_above_an_unassigned_case(pilot)
        cases.resolve(supervisor, leaving, "Fixed by the supervisor")
        await settle(pilot, lambda: len(queue(pilot).rows) == 5)
        assert highlighted(pilot) == neighbour
        said = f"{leaving} left this list; the highlight is now on {neighbour}."
        await settle(pilot, lambda: said in notifications(pilot))
        await pilot.press("t")
        held = f"{leaving} left this list, and the highlight moved to {neighbour}: nothing done."
        await settle(pilot, lambda: any(n.startswith(held) for n in notifications(pilot)))
        assert assignee_of(neighbour) is None
        await pilot.press("t")  # pressed again: meant for the case now highlighted
        await settle(pilot, lambda: assignee_of(neighbour) == "kim")


async def test_a_case_the_user_resolved_leaving_does_not_hold_the_next_key(
    desk, agent, make_app
) -> None:
    """The user's own action took the case out: the next key acts at once."""
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        leaving, neighbour = await highlight_one_above_an_unassigned_case(pilot)
        await pilot.press("R")
        await settle(pilot, lambda: prompt_title(pilot) is not None)
        pilot.app.screen.query_one(TextArea).text = "Fixed it"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == leaving).status == "resolved")
        await settle(pilot, lambda: highlighted(pilot) == neighbour)
        await pilot.press("t")
        await settle(pilot, lambda: assignee_of(neighbour) == "kim")
        assert not any("left this list" in n for n in notifications(pilot))


async def test_slash_on_a_full_screen_case_brings_back_the_queue_to_filter(
    desk, agent, make_app
) -> None:
    """At 80x24, ``/`` on a case shown full screen focused the filter box behind it: what was
    typed filtered a queue nobody could see."""
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("enter")
        main = pilot.app.screen
        await settle(pilot, lambda: main.is_full_screen)
        await pilot.press("slash")
        await settle(pilot, lambda: not main.is_full_screen)
        box = main.query_one("#filter-text", Input)
        assert pilot.app.focused is box and box.region.height > 0
        await pilot.press(*"Report")
        await settle(pilot, lambda: box.value == "Report")


async def test_narrow_terminal_enter_shows_the_case_and_actions_act_on_it(
    desk, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6)
        await pilot.press("j", "j")
        target = highlighted(pilot)
        await pilot.press("enter")
        main = pilot.app.screen
        await settle(pilot, lambda: main.is_full_screen and detail_ref(pilot) == target)
        assert not main.query_one("#queue-pane").display or not queue(pilot).region.width
        await pilot.press("n")
        await settle(pilot, lambda: "Internal note on" in prompt_title(pilot))
        pilot.app.screen.query_one(TextArea).insert("Called the client back.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: any("Note added" in n for n in notifications(pilot)))
        case = Case.get(Case.ref == target)
        assert (
            CaseEvent.select().where((CaseEvent.case == case) & (CaseEvent.kind == "note")).count()
            == 1
        )
        await pilot.press("escape")
        await settle(pilot, lambda: not main.is_full_screen)
        assert highlighted(pilot) == target
