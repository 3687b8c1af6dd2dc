"""Text people type or the database holds is shown as written, never read as markup.

``[/]`` typed into the queue's filter or the history's search raised ``MarkupError`` and closed
the console (the filter's error line, the status lines and toasts quote what was typed), and
``[HR]`` in a name would have been swallowed as a style. Each screen here is driven with such
text and must show it literally and keep running.
"""

from __future__ import annotations

from tests.conftest import local, new_case
from tests.tui.helpers import screen_lines
from tests.tui.test_flows import settle
from tests.tui.test_history import open_from_palette, status_line
from wzdesk.services import cases

TYPED = "[/]x[b]"


def _text(pilot) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(screen_lines(pilot))


async def test_markup_typed_in_the_filter_and_the_history_is_shown_as_written(
    seeded, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        await pilot.press("/", *TYPED)
        await settle(pilot, lambda: TYPED in _text(pilot))  # the box, and the line quoting it
        assert pilot.app.is_running
        error = str(pilot.app.screen.query_one("#filter-error").render())
        status = str(pilot.app.screen.query_one("#queue-status").render())
        assert "[/]" in error + status, (error, status)
        await pilot.press("escape", "escape")

        await open_from_palette(pilot)
        await pilot.press(*TYPED)
        assert status_line(pilot) == f"Looking for '{TYPED}'…"
        await settle(pilot, lambda: status_line(pilot).startswith("No case matches"))
        assert f"'{TYPED}'" in status_line(pilot) and pilot.app.is_running


async def test_a_toast_quoting_markup_is_shown_as_written(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        pilot.app.screen.notify(f"Contact saved: Ana {TYPED}", title="[b]Saved")
        await pilot.pause(0.2)
        [said] = [n for n in pilot.app._notifications if n.message.endswith(TYPED)]
        assert not said.markup  # the toast renders Content(message): the text as written
        assert pilot.app.is_running


async def test_markup_in_a_case_is_shown_as_written_on_every_screen(
    seeded, supervisor, agent, make_app
) -> None:
    """A case whose summary and description hold markup, on the queue, its detail, the
    history and the wallboard."""
    summary = f"Export {TYPED} [HR] fails"
    odd = cases.open_case(
        supervisor,
        new_case(
            severity="critical",
            summary=summary,
            description=f"Steps {TYPED} [red]here",
            received_at=local(2026, 3, 6, 11, 0),  # the most urgent: the queue's first row
        ),
    )
    app = make_app(agent)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        await settle(pilot, lambda: "[HR]" in _text(pilot))  # the queue's row
        await pilot.press("enter")  # the case's detail
        await settle(pilot, lambda: f"Steps {TYPED} [red]here" in _text(pilot))
        await pilot.press("escape")
        await open_from_palette(pilot)
        await pilot.press(*odd.ref)
        await settle(pilot, lambda: summary in _text(pilot))
        await pilot.press("escape", "escape")
        await pilot.press("f4")  # the wallboard lists the breached case
        await settle(pilot, lambda: "[HR]" in _text(pilot))
        assert pilot.app.is_running


async def test_a_form_error_quoting_markup_is_shown_as_written(seeded, agent, make_app) -> None:
    """The new-case form's error line quotes a refused "received" text ("got '[/]x'")."""
    from textual.widgets import Input

    from tests.tui.test_intake import new_case_form, pick_caller

    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await new_case_form(pilot)
        await pick_caller(pilot, screen, "ana@acme")
        screen.query_one("#summary", Input).value = "Export question"
        screen.query_one("#received", Input).value = TYPED
        await pilot.press("ctrl+s")
        error = screen.query_one("#error-received")
        await settle(pilot, lambda: TYPED in str(error.render()))
        await pilot.pause(0.2)
        assert pilot.app.is_running and TYPED in _text(pilot)


async def test_a_contact_named_with_brackets_is_shown_whole_in_the_call_form(
    seeded, supervisor, agent, make_app
) -> None:
    """The caller list and the picked caller's line show "Ana [HR] [/]" as written."""
    from wzdesk.services.directory import add_contact

    add_contact(supervisor, "ACME", "Ana [HR] [/]", "hr@acme.example", "416 555 0142")
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        await pilot.press("f2")
        await pilot.pause(0.3)
        await pilot.press(*"hr@acme")
        await settle(pilot, lambda: "Ana [HR] [/]" in _text(pilot))  # the list of callers
        await pilot.press("enter")
        await settle(pilot, lambda: "Ana [HR] [/] is not a client admin" in _text(pilot))
        assert pilot.app.is_running


async def test_names_with_markup_on_the_detail_calendar_explain_and_audit_screens(
    seeded, supervisor, make_app
) -> None:
    """A holiday, an escalation and a client name holding "[/]" and "[HR]": each closed the
    console (a str cell of a table is read as markup) or lost its words."""
    from datetime import date

    from wzdesk.services.calendar import add_holiday
    from wzdesk.services.cases.triage import escalate
    from wzdesk.tui.commands import open_calendar
    from wzdesk.tui.screens.audit import AuditScreen
    from wzdesk.tui.screens.explain import ExplainScreen

    add_holiday(supervisor, date(2026, 3, 20), "Founders [HR] [/] Day")
    escalate(supervisor, seeded[0], "tier [HR] [/] 2", "because [b] [/]")
    app = make_app(supervisor)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        await settle(pilot, lambda: "to tier [HR] [/] 2: because [b] [/]" in _text(pilot))
        open_calendar(pilot.app)
        await settle(pilot, lambda: "Founders [HR] [/] Day" in _text(pilot))
        await pilot.press("escape")
        pilot.app.push_screen(ExplainScreen(seeded[0]))
        await settle(pilot, lambda: "Response: target" in _text(pilot))
        await pilot.press("escape")
        pilot.app.push_screen(AuditScreen())
        await settle(pilot, lambda: "tier [HR] [/] 2" in _text(pilot))
        assert pilot.app.is_running
