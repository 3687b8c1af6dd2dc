"""The quarantine screen driven through the real app (opened with F6): it lists held mail and
follows new arrivals live, moves with j/k, keeps the Received column on an 80x24 terminal, and
an agent releases a message into a new case (asked whom, severity and category), into an
existing one, or discards it, each on the message that is visibly selected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, TextArea

from tests.mail.conftest import eml
from tests.tui.helpers import line_with, notifications, screen_lines, screen_text
from tests.tui.test_flows import settle
from wzdesk.core.clock import FixedClock
from wzdesk.services.context import ServiceContext
from wzdesk.services.mail_quarantine import discard
from wzdesk.store.models import Case, CaseEvent, QuarantinedMail
from wzdesk.tui.app import WzdeskApp
from wzdesk.tui.screens.prompts import ChoicePrompt
from wzdesk.tui.screens.quarantine import LinePrompt, QuarantineScreen

LONG_SUBJECT = "Report is wrong for every employee hired after the spring reorganisation of 2025"


@pytest.fixture
def make_app(clock: FixedClock) -> Callable[[ServiceContext], WzdeskApp]:
    def build(context: ServiceContext) -> WzdeskApp:
        return WzdeskApp(
            context, clock=clock, database_label="test", bell=False, refresh_seconds=0.2
        )

    return build


@pytest.fixture
def held(acme, import_raw) -> list[int]:
    """Two held messages: Bob (not an admin) and a stranger; and Ana's case WZ-1001."""
    import_raw(eml(message_id="ana@x", subject="Export fails"))
    _, filed = import_raw(
        eml(
            sender="Bob Smith <bob@acme.example>",
            subject=LONG_SUBJECT,
            message_id="b@x",
            received="Mon, 09 Mar 2026 09:30:00 -0400",
        ),
        eml(sender="eve@elsewhere.example", subject="Cheap watches", message_id="e@x"),
    )
    return [f.quarantine_id for f in filed]


def table(pilot: Pilot) -> DataTable:
    return pilot.app.screen.query_one("#quarantine-table", DataTable)


def shown_rows(pilot: Pilot) -> list[list[str]]:
    grid = table(pilot)
    return [[str(cell) for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


def selected_id(pilot: Pilot) -> int:
    grid = table(pilot)
    return int(grid.coordinate_to_cell_key(grid.cursor_coordinate).row_key.value)


def prompt_title(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one(".prompt-title", Label).content)


def preview(pilot: Pilot) -> str:
    return str(pilot.app.screen.query_one("#quarantine-preview").render())


async def open_quarantine(pilot: Pilot, rows: int = 2) -> None:
    await settle(pilot, lambda: pilot.app.snapshot is not None)
    await pilot.press("f6")
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
    await settle(pilot, lambda: table(pilot).row_count == rows)


async def test_f6_lists_held_mail_with_the_received_time_visible_at_80x24(
    held, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_quarantine(pilot)
        rows = shown_rows(pilot)
        assert rows[0][2].startswith("eve@elsewhere") and rows[1][2].startswith("bob@acme")
        assert (rows[0][4], rows[1][4]) == ("unknown sender", "not an admin")
        assert rows[1][1] == "Mon 09 Mar 09:30"
        bob = next(line for line in screen_lines(pilot) if "bob@acme" in line)
        assert "Mon 09 Mar 09:30" in bob and bob.rstrip().endswith("│")  # nothing off-screen
        assert "Report is wrong" in bob and LONG_SUBJECT not in bob and "…" in bob
        await pilot.press("f6")  # again: back
        await settle(pilot, lambda: not isinstance(pilot.app.screen, QuarantineScreen))


async def test_j_and_k_move_and_the_preview_follows(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        assert selected_id(pilot) == held[1]
        await pilot.press("j")
        await settle(pilot, lambda: "payroll export" in preview(pilot))
        assert selected_id(pilot) == held[0]
        assert "not an active client admin" in preview(pilot)  # the full reason
        await pilot.press("k")
        await settle(pilot, lambda: selected_id(pilot) == held[1])


async def test_new_mail_appears_live_and_the_cursor_stays_on_its_message(
    held, agent, make_app, import_raw
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j")  # Bob's message
        await settle(pilot, lambda: selected_id(pilot) == held[0])
        import_raw(eml(sender="zed@elsewhere.example", subject="Hello", message_id="z@x"))
        await settle(pilot, lambda: table(pilot).row_count == 3)  # no key pressed
        assert shown_rows(pilot)[0][2] == "zed@elsewhere.example"
        assert selected_id(pilot) == held[0]  # still Bob's, now the third row
        await pilot.press("d")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        assert prompt_title(pilot) == f"Discard #{held[0]} “Report is wrong for every…”?"
        pilot.app.screen.query_one(TextArea).insert("Duplicate of WZ-1001")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: table(pilot).row_count == 2)
        assert QuarantinedMail.get_by_id(held[0]).status == "discarded"
        assert QuarantinedMail.get_by_id(held[1]).status == "held"


async def test_the_severity_pickers_keys_stay_in_sight_at_80x24(held, agent, make_app) -> None:
    """Four severities with their descriptions pushed the picker's hint line (Enter, 1-9,
    Esc) below the box at 80x24 (an outside probe): the list scrolls inside it instead."""
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "n")  # Bob's message: 1 is Ana Diaz, an admin of his client
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        await pilot.press("1")
        await settle(pilot, lambda: "Severity" in prompt_title(pilot))
        await pilot.pause(0.2)
        assert "Enter choose · 1–9 pick · Esc cancel" in screen_text(pilot)


async def test_release_into_a_new_case_asks_whom_severity_and_category(
    held, agent, make_app
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "n")  # Bob's message
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        assert prompt_title(pilot) == f"New case from #{held[0]} “Report is wrong for every…” for"
        await pilot.press("1")  # Ana Diaz (primary), the first admin offered
        await settle(pilot, lambda: "Severity" in prompt_title(pilot))
        assert f"#{held[0]} “Report" in prompt_title(pilot)
        assert "(current)" in str(
            pilot.app.screen.query_one("OptionList").get_option_at_index(2).prompt
        )
        await pilot.press("2")  # Major
        await settle(pilot, lambda: "Category" in prompt_title(pilot))
        assert f"#{held[0]} “Report" in prompt_title(pilot)
        await pilot.press("3")  # Adjust the configuration
        await settle(pilot, lambda: table(pilot).row_count == 1)
        released = QuarantinedMail.get_by_id(held[0])
        assert (released.status, released.handled_by) == ("released", "kim")
        case = Case.get_by_id(released.case_id)
        assert (case.contact.email, case.summary, case.channel) == (
            "ana@acme.example",
            LONG_SUBJECT,
            "email",
        )
        assert (case.severity, case.category) == ("major", "configuration")
        assert shown_rows(pilot)[0][2] == "eve@elsewhere.example"


async def test_cancelling_the_category_releases_nothing(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        await pilot.press("1")
        await settle(pilot, lambda: "Severity" in prompt_title(pilot))
        await pilot.press("1")
        await settle(pilot, lambda: "Category" in prompt_title(pilot))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        assert QuarantinedMail.get_by_id(held[0]).status == "held"
        assert Case.select().count() == 1


async def test_release_into_an_existing_case_and_discard(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "c")
        await settle(pilot, lambda: isinstance(pilot.app.screen, LinePrompt))
        assert prompt_title(pilot).startswith(f"Add #{held[0]} “Report is wrong")
        pilot.app.screen.query_one(Input).value = "wz-1001"
        await pilot.press("enter")
        await settle(pilot, lambda: table(pilot).row_count == 1)
        message = CaseEvent.get(CaseEvent.kind == "client_message")
        assert (message.case.ref, message.author) == ("WZ-1001", "bob@acme.example")
        await pilot.press("d")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert("Spam")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: table(pilot).row_count == 0)
        assert QuarantinedMail.get_by_id(held[1]).note == "Spam"


async def test_a_refused_release_is_explained_and_nothing_changes(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("c")
        await settle(pilot, lambda: pilot.app.screen.query(Input))
        pilot.app.screen.query_one(Input).value = "WZ-4040"
        await pilot.press("enter")
        await settle(pilot, lambda: any("WZ-4040" in n.message for n in app._notifications))
        # Asked again, the reference as typed (it was lost) and why it was refused under it.
        await settle(pilot, lambda: isinstance(pilot.app.screen, LinePrompt))
        prompt = pilot.app.screen
        assert isinstance(prompt, LinePrompt)
        await settle(pilot, lambda: prompt.query_one(Input).value == "WZ-4040")
        assert prompt.error == "Case: no case 'WZ-4040'"
        assert prompt.error in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        assert QuarantinedMail.select().where(QuarantinedMail.status == "held").count() == 2


async def test_phone_staff_see_the_quarantine_but_cannot_decide(
    held, phone_staff, make_app
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)  # over the phone intake form phone staff start on
        footer, status = screen_lines(pilot)[-1], screen_lines(pilot)[-2]
        assert " d Discard" not in footer and " n New case" not in footer
        assert "2 held · agents and supervisors release or discard it" in status
        await pilot.press("d")
        await settle(pilot, lambda: any("may not discard" in n.message for n in app._notifications))
        assert isinstance(pilot.app.screen, QuarantineScreen)  # no prompt opened
        assert QuarantinedMail.select().where(QuarantinedMail.status == "held").count() == 2


async def test_a_held_message_with_brackets_is_previewed_as_written(
    acme, import_raw, agent, make_app
) -> None:
    """Mail is full of brackets ("[image: logo.png]", "[cid:…]", "[/]"): the preview shows the
    message as written. Read as markup, "[/]" closed the console and "[HR]" vanished."""
    body = "See [image: logo.png] and [HR] notes [/] [b]end"
    import_raw(
        eml(sender="eve@elsewhere.example", subject="[EXT] Hi [/]", body=body, message_id="z@x")
    )
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot, rows=1)
        await settle(pilot, lambda: body in preview(pilot))
        assert "[EXT] Hi [/]" in shown_rows(pilot)[0][3] and pilot.app.is_running


# -- a message decided elsewhere while the screen is open ----------------------------------------


def notice(pilot: Pilot) -> str:
    """The line above the status line that says what left the quarantine ("" when hidden)."""
    line = pilot.app.screen_stack[-1].query("#quarantine-notice")
    if not line or not line.first().display:
        return ""
    return str(line.first().render())


async def test_a_highlighted_message_decided_elsewhere_is_named_with_the_new_highlight(
    held, agent, supervisor, make_app, import_raw
) -> None:
    """Discarded from the CLI (``wzdesk mail quarantine discard``) while highlighted here: the
    highlight moves to another message, and the screen says which left, how, and where the
    highlight is now (it moved without a word, and ``d`` then acted on a message never
    picked). The notice stays through later reloads, until the user moves."""
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j")  # Bob's message
        await settle(pilot, lambda: selected_id(pilot) == held[0])
        discard(supervisor, held[0], "Spam, from the CLI")
        await settle(pilot, lambda: table(pilot).row_count == 1)
        assert selected_id(pilot) == held[1]
        gone, now = f"#{held[0]} “Report is wrong for every…”", f"#{held[1]} “Cheap watches”"
        await settle(pilot, lambda: gone in screen_text(pilot))
        said = line_with(pilot, gone)
        assert "discarded by sam" in said and f"now on {now}" in said
        assert any(gone in n and now in n for n in notifications(pilot))
        import_raw(eml(sender="zed@elsewhere.example", subject="Hello", message_id="z@x"))
        await settle(pilot, lambda: table(pilot).row_count == 2)  # a reload later
        assert gone in notice(pilot) and selected_id(pilot) == held[1]  # still said
        await pilot.press("k")  # the user moves on: the news is old
        await settle(pilot, lambda: notice(pilot) == "")


async def test_a_discard_prompt_open_for_a_message_decided_elsewhere_acts_on_no_other(
    held, agent, supervisor, make_app
) -> None:
    """The discard prompt was opened for Bob's message; the CLI discards it meanwhile and the
    highlight moves to Eve's. Ctrl+S is refused for Bob's message (never applied to Eve's),
    saying so, and the prompt is not asked again: no answer could succeed (an outside probe
    found it reopened, with Esc the only useful key)."""
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "d")  # Bob's message
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        title = f"Discard #{held[0]} “Report is wrong for every…”?"
        assert prompt_title(pilot) == title
        pilot.app.screen.query_one(TextArea).insert("Sent twice by mistake")
        discard(supervisor, held[0], "Spam, from the CLI")
        screen = app.screen_stack[-2]
        await settle(pilot, lambda: screen.query_one(DataTable).row_count == 1)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: any(f"Message #{held[0]}: " in n for n in notifications(pilot)))
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        said = [n for n in notifications(pilot) if f"Message #{held[0]}: " in n]
        assert "already discarded by sam" in said[0]
        await pilot.pause(0.3)
        assert isinstance(pilot.app.screen, QuarantineScreen)  # not asked again
        assert QuarantinedMail.get_by_id(held[1]).status == "held"  # Eve's: untouched
        assert QuarantinedMail.get_by_id(held[0]).note == "Spam, from the CLI"


async def test_new_case_questions_stop_when_their_message_is_decided_elsewhere(
    held, agent, supervisor, make_app
) -> None:
    """``n`` asks whom, then severity, then category. Bob's message is discarded from the CLI
    after the first answer: the next question is not asked (it was, and the last answer was
    then refused); a toast says no case was opened, and nothing else is released."""
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("j", "n")  # Bob's message
        await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
        discard(supervisor, held[0], "Spam, from the CLI")
        screen = app.screen_stack[-2]
        await settle(pilot, lambda: screen.query_one(DataTable).row_count == 1)
        await pilot.press("1")  # Ana Diaz
        gone = f"#{held[0]} “Report is wrong for every…” left the quarantine meanwhile"
        await settle(pilot, lambda: any(gone in n for n in notifications(pilot)))
        assert isinstance(pilot.app.screen, QuarantineScreen)  # no severity question
        assert Case.select().count() == 1
        assert QuarantinedMail.get_by_id(held[1]).status == "held"


async def test_a_refused_discard_keeps_the_reason_with_the_error_under_its_field(
    held, agent, make_app
) -> None:
    """A reason over the service's 2,000 characters is refused: the prompt comes back with
    the reason as typed and "Reason: at most 2000 characters" in it (it was thrown away)."""
    reason = "Spam. " + "x" * 2000
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("d")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert(reason)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: getattr(pilot.app.screen, "kept", False))  # the prompt again
        assert "Reason: at most 2000 characters" in screen_text(pilot)
        assert pilot.app.screen.query_one(TextArea).text == reason
        assert prompt_title(pilot) == f"Discard #{held[1]} “Cheap watches”?"
        assert "your text from the last try, which was refused" in screen_text(pilot)
        assert QuarantinedMail.get_by_id(held[1]).status == "held"
