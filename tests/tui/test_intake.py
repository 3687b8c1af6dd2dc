"""Phone intake and the new-case form: fast by keyboard, honest about the caller, no call lost."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input, OptionList, TextArea

from tests.tui.helpers import plain, screen_text, settle
from wzdesk.store.models import CallLog, Case, CaseEvent
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ConfirmPrompt


async def intake(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    return pilot.app.screen  # type: ignore[no-any-return]


async def new_case_form(pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    """F3 from the queue: the new-case form (portal / email)."""
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.press("f3")
    return await intake(pilot)


async def pick_caller(pilot, screen: IntakeScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*text)
    await settle(pilot, lambda: screen.callers)
    await pilot.press("enter")
    await settle(pilot, lambda: screen.caller is not None)


def info(screen: IntakeScreen) -> str:
    return plain(screen.query_one("#caller-info").content)


async def open_for_the_first_admin(pilot, screen: IntakeScreen) -> Case:  # type: ignore[no-untyped-def]
    """Enter on the first admin offered for a non-admin, a summary, Ctrl+S: the new case."""
    await pilot.press("enter")
    screen.query_one("#summary", Input).value = "Export question"
    count = Case.select().count()
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: Case.select().count() == count + 1)
    return Case.select().order_by(Case.id.desc()).get()


async def test_phone_staff_log_a_timed_call_as_a_case_by_keyboard(
    seeded, phone_staff, make_app, clock
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await intake(pilot)  # phone staff start here
        assert "Received (EDT)" in screen_text(pilot)  # the field names its zone
        await pick_caller(pilot, screen, "416 555 0101")
        assert screen.caller.is_admin and "✔" in info(screen)
        await pilot.press("1")  # severity list has focus: 1 = critical
        await pilot.press("3")  # then the category list: 3 = configuration
        screen.query_one("#summary", Input).value = "Nobody can log in"
        screen.query_one("#description", TextArea).insert("Since 09:00, all users.")
        clock.advance(timedelta(minutes=4, seconds=30))  # the call goes on
        await pilot.pause(1.1)
        assert "04:30" in screen_text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, IntakeScreen))
        case = Case.select().order_by(Case.id.desc()).get()
        assert (case.channel, case.severity, case.category, case.summary) == (
            "phone",
            "critical",
            "configuration",
            "Nobody can log in",
        )
        call = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "call"))
        assert call.duration_seconds == 270


async def test_digits_pick_in_the_new_case_forms_lists(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await new_case_form(pilot)
        await pick_caller(pilot, screen, "ana")
        await pilot.press("2")  # severity: major (pressing 2 must not leave moderate)
        await pilot.press("2")  # category: something unexpected
        assert screen._selected("#severity") == "major"
        assert screen._selected("#category") == "unexpected"
        assert screen.query_one("#unexpected-fields").display


async def test_a_stale_no_match_clears(seeded, phone_staff, make_app) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await intake(pilot)
        await pilot.press(*"zzz")
        await settle(pilot, lambda: "No contact matches" in info(screen))
        await pilot.press("backspace", "backspace", "backspace", *"ana")
        await settle(pilot, lambda: screen.callers)
        assert "No contact matches" not in info(screen)


async def test_a_non_admin_caller_is_told_once_and_can_open_for_an_admin(
    seeded, phone_staff, make_app
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await intake(pilot)
        await pick_caller(pilot, screen, "bob smith")
        text = screen_text(pilot)
        assert text.count("not a client admin") == 1
        # The admins are offered with their phone numbers.
        assert "Ana Diaz (primary)" in text and "+14165550101" in text
        assert "Raj Patel (backup)" in text and "+14165550103" in text
        case = await open_for_the_first_admin(pilot, screen)
        assert case.contact.name == "Ana Diaz"
        call = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "call"))
        assert "Caller: Bob Smith (not a client admin)" in call.body


async def test_phone_staff_are_not_offered_editing_the_caller(
    seeded, phone_staff, make_app
) -> None:
    """Editing a contact is managing clients: Ctrl+E was in phone staff's key bar, and its
    save was refused below the fold at 80x24 (Ctrl+S seemed to do nothing)."""
    app = make_app(phone_staff)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake(pilot)
        await pick_caller(pilot, screen, "bob smith")
        assert "Edit caller" not in screen_text(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert pilot.app.screen is screen  # no form to be refused in


async def test_a_refused_contact_edit_is_in_sight_at_80x24(seeded, agent, make_app) -> None:
    """The form's refusal sits under its title: at its foot it was below the fold."""
    from wzdesk.tui.screens.contact_form import EditContactForm

    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("f2")
        screen = await intake(pilot)
        await pick_caller(pilot, screen, "bob smith")
        assert "Edit caller" in screen_text(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot, lambda: isinstance(pilot.app.screen, EditContactForm))
        form = pilot.app.screen
        form.query_one("#edit-email", Input).value = "bob@"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Email: expected an email address" in screen_text(pilot))


async def test_a_non_admin_call_can_be_kept_on_the_clients_record(
    seeded, phone_staff, make_app, clock
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await intake(pilot)
        await pick_caller(pilot, screen, "bob smith")
        behalf = screen.query_one("#behalf", OptionList)
        await pilot.press(str(behalf.option_count))  # the last offer: log the call only
        screen.query_one("#description", TextArea).insert(
            "Asked about the export; told to ask Ana."
        )
        clock.advance(timedelta(minutes=2))
        count = Case.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: CallLog.select().count() == 1)
        call = CallLog.get()
        assert (call.caller, call.duration_seconds, call.author) == ("Bob Smith", 120, "pat")
        assert call.contact.name == "Bob Smith" and "told to ask Ana" in call.notes
        assert Case.select().count() == count


async def test_the_portal_and_email_form_speaks_of_who_raised_it_not_of_a_call(
    seeded, agent, make_app
) -> None:
    """The new-case form (F3) for portal and email cases asked for a "Caller", and for a
    contact who is not an admin offered to "log the call only": a call nobody made, kept on the
    client's record with a length of zero. It names who raised the case and offers the admins."""
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await new_case_form(pilot)
        text = screen_text(pilot)
        assert "Raised by (a client admin): type an email" in text
        assert "Caller" not in text and "Edit caller" not in text
        assert "Ctrl+E Edit contact" in text
        await pick_caller(pilot, screen, "bob smith")
        text = screen_text(pilot)
        assert "not a client admin of ACME" in text and "Open it for an admin of ACME" in text
        assert "call" not in text.lower().replace("log call", "")  # F2's key keeps its name
        behalf = screen.query_one("#behalf", OptionList)
        offers = [str(behalf.get_option_at_index(i).prompt) for i in range(behalf.option_count)]
        assert offers and all("Open the case for" in offer for offer in offers), offers
        await pilot.press("ctrl+e")  # edits the picked contact, as in the call form
        await settle(pilot, lambda: not isinstance(pilot.app.screen, IntakeScreen))
        assert "Bob Smith" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        case = await open_for_the_first_admin(pilot, screen)
        assert (case.contact.name, case.channel) == ("Ana Diaz", "portal")
        assert not CallLog.select().exists()
        assert not CaseEvent.select().where(CaseEvent.kind == "call").exists()
        note = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "note"))
        assert "Raised by Bob Smith (not a client admin of ACME)" in note.body
        assert not note.public  # an internal note: the client is not told


async def test_the_new_case_form_says_when_a_client_has_no_admin_to_open_it_for(
    seeded, supervisor, agent, make_app
) -> None:
    from wzdesk.services.directory import add_client, add_contact

    add_client(supervisor, "ZED", "Zed Farms")
    add_contact(supervisor, "ZED", "Zoe Quill", "zoe@zed.example", "416 555 0199")
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await new_case_form(pilot)
        await pick_caller(pilot, screen, "zoe@zed")
        assert "ZED has no client admin on record: Ctrl+N adds one first." in info(screen)
        assert not screen.query_one("#behalf", OptionList).display  # nothing to offer
        screen.query_one("#summary", Input).value = "Export question"
        count = Case.select().count()
        await pilot.press("ctrl+s")
        error = screen.query_one("#error-caller")
        await settle(pilot, lambda: "has no client admin" in plain(error.content))
        assert "only client admins may open cases (Ctrl+N adds a contact)" in plain(error.content)
        assert pilot.app.focused is screen.query_one("#caller-search")  # not a hidden list
        assert Case.select().count() == count and isinstance(pilot.app.screen, IntakeScreen)


async def test_at_80x24_the_lookup_label_is_whole(seeded, agent, make_app) -> None:
    """The new-case form's "Raised by" label is longer than the call form's: at 80 columns it
    was cut ("… a phone number, ↓ t"). Labels wrap."""
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await new_case_form(pilot)
        text = " ".join(line.strip(" │") for line in screen_text(pilot).splitlines())
        assert "type an email, a name or a phone number, ↓ to pick, Enter takes the first" in text


async def test_esc_in_a_timed_call_asks_before_throwing_it_away(
    seeded, phone_staff, make_app, clock
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await intake(pilot)
        clock.advance(timedelta(seconds=40))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_esc_in_an_empty_form_just_leaves(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await new_case_form(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_tab_and_shift_tab_move_between_fields(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await new_case_form(pilot)
        search = screen.query_one("#caller-search", Input)
        assert screen.focused is search
        await pilot.press("tab")
        assert screen.focused is not search
        await pilot.press("shift+tab")
        assert screen.focused is search


async def test_phone_staff_are_not_offered_a_new_contact_and_are_told_whom_to_ask(
    seeded, phone_staff, make_app
) -> None:
    """Ctrl+N was offered, and refused only at the form's save, out of sight at 80x24."""
    from tests.tui.helpers import key_bar_text
    from wzdesk.tui.screens.contact_form import NewContactForm

    app = make_app(phone_staff)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await intake(pilot)
        await pilot.press(*"zzz")
        await settle(pilot, lambda: "No contact matches" in info(screen))
        assert "ask an agent or a supervisor to add them as a contact" in info(screen)
        assert "New contact" not in key_bar_text(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, NewContactForm)


async def test_the_new_contact_form_shows_its_error_and_asks_before_esc_drops_typing(
    seeded, agent, make_app
) -> None:
    """At 80x24 the error sat below the fields, off the screen; Esc threw typed fields away."""
    from wzdesk.tui.screens.contact_form import NewContactForm

    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await new_case_form(pilot)
        assert isinstance(screen, IntakeScreen)
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewContactForm))
        await pilot.press("escape")  # nothing typed: leaves at once
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewContactForm))
        await pilot.press(*"ACME", "tab", *"Lee Wong")
        await pilot.press("ctrl+s")  # no phone, no email
        await settle(pilot, lambda: "A phone number or an email is needed" in screen_text(pilot))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("escape")  # keep it
        await settle(pilot, lambda: isinstance(pilot.app.screen, NewContactForm))
        assert pilot.app.screen.query_one("#new-name", Input).value == "Lee Wong"
