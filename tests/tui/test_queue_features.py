"""What agents expect of any helpdesk's queue: sort by any column, more columns, a marker on
what changed since you looked, filters by assignee and client, bulk actions on marked rows."""

from __future__ import annotations

from tests.tui.helpers import (
    highlighted,
    notifications,
    prompt_title,
    queue,
    row_line,
    screen_text,
    settle,
)
from wzdesk.services import cases
from wzdesk.store.models import Case
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ChoicePrompt


async def ready(pilot, count: int = 6) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: len(queue(pilot).rows) == count)


def refs(pilot) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.ref for row in queue(pilot).rows]


async def test_sort_cycles_through_columns_and_reverses(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        by_due = refs(pilot)
        await pilot.press("greater_than_sign")  # severity
        await settle(pilot, lambda: refs(pilot) != by_due)
        severities = [row.severity.rank for row in queue(pilot).rows]
        assert severities == sorted(severities)
        assert "by severity" in screen_text(pilot)
        await pilot.press("greater_than_sign")  # age: oldest first
        await settle(pilot, lambda: "by age" in screen_text(pilot))
        received = [row.received_at for row in queue(pilot).rows]
        assert received == sorted(received)
        await pilot.press("less_than_sign")  # reversed: newest first
        await settle(pilot, lambda: "reversed" in screen_text(pilot))
        assert [row.received_at for row in queue(pilot).rows] == sorted(received, reverse=True)


async def test_extra_columns_show_age_update_and_the_clients_last_message(
    desk, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        header = "".join(s.text for s in queue(pilot).render_line(0))
        assert "Age" not in header
        await pilot.press("x")
        await settle(pilot, lambda: "Age" in "".join(s.text for s in queue(pilot).render_line(0)))
        header = "".join(s.text for s in queue(pilot).render_line(0))
        assert "Updated" in header and "Wrote" in header
        # The breached case came in Friday 12:00: three days before Monday 10:00 is "2d".
        assert " 2d " in row_line(pilot, desk["breached"])


async def test_a_case_changed_by_someone_else_since_you_opened_it_is_marked(
    desk, agent, supervisor, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        while highlighted(pilot) != desk["major"]:
            await pilot.press("j")
        await settle(
            pilot, lambda: pilot.app.screen.case and pilot.app.screen.case["ref"] == desk["major"]
        )
        await pilot.press("k")  # move off it, and wait until the detail has left it too (a
        # re-read while the pane still shows it reloads it, which rightly counts as reading it)
        await settle(
            pilot,
            lambda: pilot.app.screen.case and pilot.app.screen.case["ref"] == highlighted(pilot),
        )
        await settle(pilot, lambda: "●" not in row_line(pilot, desk["major"])[:4])
        cases.reply(supervisor, desk["major"], "Sam answered.")
        await settle(pilot, lambda: "●" in row_line(pilot, desk["major"])[:4])
        await pilot.press("home")  # it moved down (answered): find it and open it
        while highlighted(pilot) != desk["major"]:
            await pilot.press("j")
        await settle(pilot, lambda: "●" not in row_line(pilot, desk["major"])[:4])


async def test_filter_by_any_assignee_and_by_client(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("f")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        await pilot.press("1")  # assignee…
        await settle(pilot, lambda: "Cases assigned to" in prompt_title(pilot))
        options = pilot.app.screen.choices
        sam = next(i for i, c in enumerate(options) if c.value == "sam")
        await pilot.press(str(sam + 1))
        await settle(pilot, lambda: refs(pilot) == [desk["sams"]])
        assert "assignee sam" in screen_text(pilot)
        await pilot.press("escape")  # Esc clears the filters
        await settle(pilot, lambda: len(refs(pilot)) == 6)
        await pilot.press("f", "2")  # client…
        await settle(pilot, lambda: "Open cases of client" in prompt_title(pilot))
        await pilot.press("1")
        await settle(pilot, lambda: "client ACME" in screen_text(pilot))
        assert len(refs(pilot)) == 6  # every case is ACME's


async def test_bulk_take_over_marked_rows_reports_what_was_refused(
    desk, agent, supervisor, make_app
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        marked = refs(pilot)[:3]
        await pilot.press("space", "space", "space")
        await settle(pilot, lambda: "3 marked" in screen_text(pilot))
        # Someone changes one of them meanwhile: its own version check refuses it.
        cases.reply(supervisor, marked[1], "Answered meanwhile.")
        await pilot.press("b")
        await settle(pilot, lambda: "3 marked cases" in prompt_title(pilot))
        await pilot.press("2")  # assign to…
        await settle(pilot, lambda: "Assign the 3 marked" in prompt_title(pilot))
        kim = next(i for i, c in enumerate(pilot.app.screen.choices) if c.value == "kim")
        await pilot.press(str(kim + 1))
        await settle(pilot, lambda: any("2 done, 1 refused" in n for n in notifications(pilot)))
        assignees = {ref: Case.get(Case.ref == ref).assignee for ref in marked}
        assert assignees[marked[1]] is None or assignees[marked[1]].login != "kim"
        assert {a.login for r, a in assignees.items() if r != marked[1] and a} == {"kim"}
        assert any(marked[1] in n and "changed" in n for n in notifications(pilot))
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert len(queue(pilot).marked) == 1  # the refused one stays marked


async def test_bulk_offers_only_what_an_open_case_can_take(desk, agent, make_app) -> None:
    """Marked rows are open cases (the queue lists nothing else): a bulk "close" could only
    refuse every one of them ("Closed: 0 done, 3 refused", seen in tmux), so it is not offered;
    each choice that is offered changes an open case."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("space", "space")
        await pilot.press("b")
        await settle(pilot, lambda: "2 marked cases" in prompt_title(pilot))
        offered = [c.value for c in pilot.app.screen.choices]
        assert offered == ["take", "assign", "status", "severity"]
        await pilot.press("1")  # take them
        await settle(pilot, lambda: any("2 done" in n for n in notifications(pilot)))
        assert not any("refused" in n for n in notifications(pilot))


async def test_bulk_take_asks_before_taking_someone_elses_cases(desk, agent, make_app) -> None:
    """A single ``t`` asks before taking a colleague's case; a bulk take took them silently."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        rows = queue(pilot).rows
        at = next(i for i, row in enumerate(rows) if row.ref == desk["sams"])
        while queue(pilot).current_row is not rows[at]:
            await pilot.press("j")
        await pilot.press("space")  # sam's, and the next (unassigned or not)
        await pilot.press("space")
        await settle(pilot, lambda: "2 marked" in screen_text(pilot))
        await pilot.press("b", "1")  # take them
        await settle(pilot, lambda: "Take the 2 marked cases?" in prompt_title(pilot))
        assert f"{desk['sams']} (sam)" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert Case.get(Case.ref == desk["sams"]).assignee.login == "sam"
        await pilot.press("b", "1")
        await settle(pilot, lambda: "Take the 2 marked cases?" in prompt_title(pilot))
        await pilot.press("y")
        await settle(pilot, lambda: Case.get(Case.ref == desk["sams"]).assignee.login == "kim")


async def test_bulk_waiting_says_which_clients_were_emailed(desk, agent, make_app) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        open_rows = [r for r in queue(pilot).rows if r.status != "waiting_client"]
        while queue(pilot).current_row is not open_rows[0]:
            await pilot.press("j")
        await pilot.press("space")
        while queue(pilot).current_row is not open_rows[1]:
            await pilot.press("j")
        await pilot.press("space")
        await pilot.press("b", "3")  # status…
        await settle(pilot, lambda: "Status of the 2 marked" in prompt_title(pilot))
        await pilot.press("2")  # waiting on client
        said = "Status changed: 2 done; 2 clients emailed"
        await settle(pilot, lambda: any(n.startswith(said) for n in notifications(pilot)))


async def test_a_filter_hides_marks_without_dropping_them(desk, agent, make_app) -> None:
    """Marking a critical and a moderate case, then ``6`` (critical only): the moderate one's
    mark was dropped for good, with nothing said."""
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        rows = queue(pilot).rows
        critical = next(r for r in rows if r.severity.value == "critical")
        other = next(r for r in rows if r.severity.value != "critical")
        for row in (critical, other):
            while queue(pilot).current_row is not row:
                await pilot.press("j" if rows.index(row) > queue(pilot).cursor else "k")
            await pilot.press("space")
        await settle(pilot, lambda: "2 marked (b: bulk)" in screen_text(pilot))
        await pilot.press("6")  # critical only
        said = "1 marked (b: bulk) · 1 marked out of view"
        await settle(pilot, lambda: said in screen_text(pilot))
        await pilot.press("b")
        await settle(pilot, lambda: "1 marked cases" in prompt_title(pilot))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("0")
        await settle(pilot, lambda: "2 marked (b: bulk)" in screen_text(pilot))
        assert {r.ref for r in queue(pilot).marked_rows()} == {critical.ref, other.ref}
