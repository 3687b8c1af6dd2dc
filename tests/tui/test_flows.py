"""Every case action driven through the real app, checked on screen and in the database."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, OptionList, TextArea

from tests.tui.helpers import (
    detail_ref,
    detail_text,
    edit_highlighted_contact,
    highlighted,
    notifications,
    prompt_title,
    queue,
    row_line,
    screen_text,
    settle,
)
from wzdesk.core.rules import Status
from wzdesk.store.models import Case, CaseEvent, OutboundMail
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ConfirmPrompt


def events_of(ref: str, kind: str) -> list[CaseEvent]:
    case = Case.get(Case.ref == ref)
    return list(CaseEvent.select().where((CaseEvent.case == case) & (CaseEvent.kind == kind)))


async def ready(pilot, count: int = 3) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: len(queue(pilot).rows) == count and detail_ref(pilot))


async def test_queue_shows_open_cases_most_urgent_first(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        assert [row.ref for row in queue(pilot).rows][0] == seeded[0]  # the breached one
        line = row_line(pilot, seeded[0])
        assert "critical" in line
        assert "-4h00m" in line and "16h00m" in line  # 8h used of 4h; 8h used of 24h
        assert "Payroll export fails" in detail_text(pilot)


async def test_reply_meets_response_and_shows_on_timeline(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("We are looking at the export now.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "looking at the export" in detail_text(pilot))
        assert Case.get(Case.ref == seeded[0]).first_response_at is not None
        assert len(events_of(seeded[0], "reply")) == 1
        # The screen says what happened, not that anything was "sent".
        assert any(f"{seeded[0]}: Reply saved" in n for n in notifications(pilot))
        assert not any("sent" in n.lower() for n in notifications(pilot))


async def test_internal_note_does_not_meet_response(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("Checked the logs.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Checked the logs." in detail_text(pilot))
        assert "Internal note" in detail_text(pilot)
        assert Case.get(Case.ref == seeded[0]).first_response_at is None


async def test_take_assigns_to_me_and_mine_filter(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("t")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).assignee_id is not None)
        await settle(pilot, lambda: any(r.assignee == "kim" for r in queue(pilot).rows))
        await pilot.press("1")  # quick filter: mine
        await settle(pilot)
        assert [r.ref for r in queue(pilot).rows] == [seeded[0]]


async def test_take_from_someone_else_asks_first(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        while highlighted(pilot) != desk["sams"]:
            await pilot.press("j")
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        assert "from sam" in prompt_title(pilot)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert Case.get(Case.ref == desk["sams"]).assignee.login == "sam"
        await pilot.press("t")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: Case.get(Case.ref == desk["sams"]).assignee.login == "kim")


async def test_taking_your_own_case_changes_nothing(desk, supervisor, make_app) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        while highlighted(pilot) != desk["sams"]:
            await pilot.press("j")
        version = Case.get(Case.ref == desk["sams"]).version
        await pilot.press("t")
        await settle(pilot, lambda: any("already yours" in n for n in notifications(pilot)))
        assert Case.get(Case.ref == desk["sams"]).version == version


async def test_severity_change_moves_targets(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        before = Case.get(Case.ref == seeded[0]).response_due
        await pilot.press("v")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("4")  # minor
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).severity == "minor")
        assert Case.get(Case.ref == seeded[0]).response_due > before
        await settle(pilot, lambda: "minor" in detail_text(pilot))


async def test_waiting_on_client_pauses_the_clock(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("j")
        target = highlighted(pilot)
        assert target == seeded[1]
        await pilot.press("s")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("2")  # waiting on client
        await settle(pilot, lambda: Case.get(Case.ref == target).paused_since is not None)
        await settle(pilot, lambda: "waiting on client" in detail_text(pilot))
        await settle(
            pilot,
            lambda: any(r.ref == target and r.paused_since is not None for r in queue(pilot).rows),
        )
        assert "⏸" in row_line(pilot, target).split("waiting")[-1]
        assert "the resolution clock pauses" in detail_text(pilot)
        # The client was emailed what we need, and the screen says so (it said "Status
        # changed" alone, whether or not anyone could be emailed).
        (queued,) = OutboundMail.select().where(OutboundMail.kind == "waiting")
        said = f"{target}: Status changed; email queued to {queued.recipients}"
        await settle(pilot, lambda: said in notifications(pilot))


async def test_resolve_removes_from_queue(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("R")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("Fixed the export mapping.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).status == "resolved")
        await settle(pilot, lambda: seeded[0] not in [r.ref for r in queue(pilot).rows])


async def test_resolving_an_unexpected_case_asks_for_its_classification(
    seeded, agent, make_app
) -> None:
    from tests.conftest import new_case
    from wzdesk.services import cases

    ref = cases.open_case(agent, new_case(category="unexpected", summary="Crash")).ref
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 4)
        pilot.app.show_case(ref)
        await settle(pilot, lambda: highlighted(pilot) == ref and detail_ref(pilot) == ref)
        await pilot.press("R")
        await settle(pilot, lambda: f"What was {ref}" in prompt_title(pilot))
        await pilot.press("2")  # bug
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("Patched in 4.2.1.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == ref).classification == "bug")


async def test_filter_box_shows_what_is_typed_and_esc_clears_it(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("slash")
        await pilot.press(*"typo")
        await settle(pilot, lambda: len(queue(pilot).rows) == 1)
        assert queue(pilot).rows[0].summary == "Typo on the login page"
        assert "typo" in screen_text(pilot)  # the box shows the text
        await pilot.press("enter")  # back to the queue, the filter stays
        await settle(pilot, lambda: pilot.app.screen.focused is queue(pilot))
        assert len(queue(pilot).rows) == 1
        await pilot.press("escape")  # Esc in the queue clears the text filter
        await settle(pilot, lambda: len(queue(pilot).rows) == 3)
        assert pilot.app.screen.query_one("#filter-text", Input).value == ""


async def test_conflict_is_shown_and_nothing_overwritten(
    seeded, agent, supervisor, make_app
) -> None:
    from wzdesk.services.cases import assign

    app = make_app(agent, refresh_seconds=3600)  # no re-read: the screen holds a stale copy
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        shown_version = queue(pilot).current_row.version
        assign(supervisor, seeded[0], "sam")  # another agent changes the case meanwhile
        await pilot.press("n")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("My note.")
        await pilot.press("ctrl+s")
        await settle(
            pilot, lambda: any("changed by someone else" in n for n in notifications(pilot))
        )
        case = Case.get(Case.ref == seeded[0])
        assert case.assignee.login == "sam" and not events_of(seeded[0], "note")
        await settle(pilot, lambda: detail(pilot).case["version"] > shown_version)


async def test_a_reply_refused_by_a_conflict_is_kept_and_offered_again(
    seeded, agent, supervisor, make_app
) -> None:
    """A reply typed for minutes is not lost because a colleague touched the case meanwhile:
    the conflict says so, and r on that case opens the editor with the text, marked unsaved."""
    from wzdesk.services.cases import assign

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        assert highlighted(pilot) == seeded[0]
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        assert "Not saved yet" not in screen_text(pilot)  # a fresh editor says nothing of it
        assign(supervisor, seeded[0], "sam")  # while kim writes
        words = "We found the cause: the export job's time zone. A fix ships tonight."
        pilot.app.screen.query_one(TextArea).insert(words)
        await pilot.press("ctrl+s")
        kept = f"Your reply is kept: press r on {seeded[0]}"
        await settle(pilot, lambda: any(kept in n for n in notifications(pilot)))
        assert not events_of(seeded[0], "reply")
        assert "Conflict" in [n.title for n in pilot.app._notifications]
        await settle(pilot, lambda: queue(pilot).current_row.assignee == "sam")  # fresh state
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        assert pilot.app.screen.query_one(TextArea).text == words
        assert "Not saved yet" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: len(events_of(seeded[0], "reply")) == 1)
        assert events_of(seeded[0], "reply")[0].body == words
        await settle(
            pilot, lambda: any(f"{seeded[0]}: Reply saved" in n for n in notifications(pilot))
        )
        await pilot.press("r")  # saved: nothing is kept any more
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        assert pilot.app.screen.query_one(TextArea).text == ""
        assert "Not saved yet" not in screen_text(pilot)


async def test_at_80x24_an_empty_reply_says_why_in_sight(
    seeded, agent, supervisor, make_app
) -> None:
    """The editor's error line sat below its text box: under a long title it was past the
    screen's foot at 80x24, and Ctrl+S seemed to do nothing."""
    from tests.conftest import local, new_case
    from wzdesk.services import cases

    words = "The payroll export fails for every cost centre that has a French name " * 4
    long = cases.open_case(
        supervisor, new_case(summary=words.strip(), received_at=local(2026, 3, 2, 9))
    ).ref
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 4)
        pilot.app.show_case(long)
        await settle(pilot, lambda: detail_ref(pilot) == long)
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Write something first" in screen_text(pilot))
        assert not events_of(long, "reply")


async def test_a_refused_action_does_not_name_what_it_would_have_done(
    desk, agent, make_app
) -> None:
    """A refusal's title says nothing was saved, never the success label ("Could not: resolved"
    read as "resolved"); the reason leaves out the command line's option names."""
    from wzdesk.core.errors import InvalidInput
    from wzdesk.tui.outcomes import said
    from wzdesk.tui.screens.case_actions import ActionFinished, Target, finished_notice

    assert said(InvalidInput("WZ-1 and WZ-2 belong to different clients", field="--into")) == (
        "WZ-1 and WZ-2 belong to different clients"
    )
    assert said(InvalidInput("no case WZ-9", field="REF")) == "no case WZ-9"
    assert said(InvalidInput("must not be empty", field="summary")) == "summary: must not be empty"
    region = InvalidInput("expected a two-letter country code", field="WZDESK_PHONE_REGION")
    assert said(region) == "WZDESK_PHONE_REGION: expected a two-letter country code"
    target = Target(1, "WZ-1001", 3, Status.OPEN, None, "question", "minor", "Totals off")
    text, title, severity, _ = finished_notice(
        ActionFinished(target, "Merged WZ-1001 into WZ-1002", "they belong to different clients")
    )
    assert (title, severity) == ("Nothing saved on WZ-1001", "error")
    assert "erged" not in text + (title or "")


def detail(pilot):  # type: ignore[no-untyped-def]
    from tests.tui.helpers import detail as detail_widget

    return detail_widget(pilot)


async def test_escalate_records_target_and_reason(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("2")  # Development
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert("Needs a code fix in the export job.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).status == "escalated")
        case = Case.get(Case.ref == seeded[0])
        assert (case.escalated_to, case.escalation_reason) == (
            "Development",
            "Needs a code fix in the export job.",
        )
        await settle(pilot, lambda: "to Development" in detail_text(pilot))


async def test_escalating_a_waiting_case_says_the_clock_resumes(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        pilot.app.show_case(desk["waiting"])
        await settle(pilot, lambda: detail_ref(pilot) == desk["waiting"])
        await pilot.press("e")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("1")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert("Tier 2 has the logs now.")
        await pilot.press("ctrl+s")
        await settle(
            pilot, lambda: "escalated" in detail_text(pilot) and "resumes" in detail_text(pilot)
        )
        assert "waiting on client → escalated" in detail_text(pilot)


async def test_assign_to_someone_else(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("a")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        options = pilot.app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert not any("(pat)" in label for label in labels)  # phone staff are not assignees
        index = next(i for i, label in enumerate(labels) if "(sam)" in label)
        await pilot.press(str(index + 1))
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).assignee_id is not None)
        assert Case.get(Case.ref == seeded[0]).assignee.login == "sam"


async def test_reopen_then_close_after_confirming(desk, agent, make_app) -> None:
    from wzdesk.services.cases import resolve

    ref = desk["resolved"]
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 6)
        pilot.app.show_case(ref)
        await settle(pilot, lambda: detail_ref(pilot) == ref)
        from tests.tui.helpers import key_bar_text

        assert "o Reopen" in key_bar_text(pilot) and "c Close" in key_bar_text(pilot)
        await pilot.press("o")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        await pilot.press("ctrl+s")  # the reason is optional
        await settle(pilot, lambda: Case.get(Case.ref == ref).status == "open")
        await settle(pilot, lambda: ref in [r.ref for r in queue(pilot).rows])
        resolve(agent, ref, "Fixed for good.")  # it leaves the queue; open it again
        await settle(pilot, lambda: ref not in [r.ref for r in queue(pilot).rows])
        pilot.app.show_case(ref)
        await settle(pilot, lambda: (detail(pilot).case or {}).get("status") == "resolved")
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        assert f"Close {ref}" in prompt_title(pilot)
        await pilot.press("escape")  # not closed
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert Case.get(Case.ref == ref).status == "resolved"
        await pilot.press("c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: Case.get(Case.ref == ref).status == "closed")
        await settle(
            pilot, lambda: any("Closed; email queued to" in n for n in notifications(pilot))
        )


async def test_log_call_uses_the_running_timer(seeded, agent, make_app, clock) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: "Log a call on" in prompt_title(pilot))
        clock.advance(timedelta(minutes=9, seconds=15))  # the call goes on for a while
        await pilot.pause(1.2)  # the timer shows it
        assert "09:15" in screen_text(pilot)
        pilot.app.screen.query_one("#call-notes", TextArea).insert("Walked through the export.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: events_of(seeded[0], "call"))
        assert events_of(seeded[0], "call")[0].duration_seconds == 9 * 60 + 15
        await settle(pilot, lambda: "☎ Call 9m15s" in detail_text(pilot))


async def test_a_call_is_logged_though_the_case_changed_during_it(
    seeded, agent, supervisor, make_app, clock
) -> None:
    """The call happened: a colleague's change during it does not refuse it as a conflict."""
    from wzdesk.services.cases import assign

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: "Log a call on" in prompt_title(pilot))
        clock.advance(timedelta(minutes=4))
        assign(supervisor, seeded[0], "sam")  # during the call
        pilot.app.screen.query_one("#call-notes", TextArea).insert("Agreed a workaround.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: events_of(seeded[0], "call"))
        assert events_of(seeded[0], "call")[0].body == "Agreed a workaround."
        assert not any("changed by someone else" in n for n in notifications(pilot))


async def test_log_call_needs_a_length_typed_or_timed(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("l")
        await settle(pilot, lambda: "Log a call on" in prompt_title(pilot))
        await pilot.press("ctrl+s")  # no time has passed and nothing was typed
        await settle(pilot, lambda: "let the timer run" in screen_text(pilot))
        assert not events_of(seeded[0], "call")
        pilot.app.screen.query_one("#call-minutes", Input).value = "4"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: events_of(seeded[0], "call"))
        assert events_of(seeded[0], "call")[0].duration_seconds == 240


async def test_esc_in_a_filled_prompt_asks_before_throwing_the_text_away(
    seeded, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("A long careful answer")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("n")  # keep typing
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        assert "A long careful answer" in pilot.app.screen.query_one(TextArea).text
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert not events_of(seeded[0], "reply")


async def test_quit_with_unsaved_text_asks_first(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("half a note")
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        assert "Quit wzdesk?" in prompt_title(pilot)
        await pilot.press("n")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        assert pilot.app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None
    assert not app.is_running


async def test_q_quits_at_once_with_nothing_unsaved(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running


async def test_esc_in_edit_contact_asks_before_throwing_changes_away(
    desk, supervisor, make_app
) -> None:
    from wzdesk.store.models import Contact
    from wzdesk.tui.screens.contact_form import EditContactForm
    from wzdesk.tui.screens.people import PeopleScreen

    app = make_app(supervisor)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: highlighted(pilot))
        contact = await edit_highlighted_contact(pilot)
        await pilot.press("escape")  # nothing changed: it just closes
        await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(pilot.app.screen, EditContactForm))
        await pilot.press("end", *" Jr")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        assert "Discard what you typed?" in screen_text(pilot)
        await pilot.press("n")  # keep it
        await settle(pilot, lambda: isinstance(pilot.app.screen, EditContactForm))
        assert pilot.app.screen.query_one("#edit-name", Input).value == f"{contact.name} Jr"
        await pilot.press("escape", "y")
        await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
        assert Contact.get_by_id(contact.id).name == contact.name
