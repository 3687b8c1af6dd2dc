"""Console pieces of issue 11, driven with Pilot: the canned-reply picker, the reply editor
(Ctrl+T, the palette, the truth about email before and after sending) and the alerts screen."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, OptionList, Static, TextArea

from tests.conftest import new_case
from tests.tui.test_flows import settle
from wzdesk.services import macros
from wzdesk.services.case_views import show_case
from wzdesk.services.cases import open_case
from wzdesk.services.directory import add_contact
from wzdesk.store.models import CaseEvent, OutboundMail
from wzdesk.tui.alert_log import record_console_alert
from wzdesk.tui.screens.alerts import AlertsScreen
from wzdesk.tui.screens.macros import MacroPicker
from wzdesk.tui.screens.reply import ReplyEditor
from wzdesk.tui.widgets import CaseDetail


def add_macros(agent) -> None:  # type: ignore[no-untyped-def]
    macros.add_macro(agent, "need-logs", "Hello {contact_name}, please send the log for {ref}.")
    macros.add_macro(agent, "thanks", "Thanks {contact_name}!\n{signature}")


async def test_macro_picker_returns_the_reply_filled_in_for_the_case(
    seeded, agent, make_app, monkeypatch
) -> None:
    monkeypatch.setenv("WZDESK_MAIL_FROM", "Acme Support <support@vendor.example>")
    add_macros(agent)
    chosen: list[str | None] = []
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(MacroPicker(seeded[0]), chosen.append)
        await settle(pilot, lambda: len(app.screen.query_one(OptionList).options) == 2)
        await pilot.press(*"thank")  # narrow by name
        await settle(pilot, lambda: len(app.screen.query_one(OptionList).options) == 1)
        preview = str(app.screen.query_one("#macro-preview", Static).content)
        assert preview.startswith("Thanks {contact_name}!")
        await pilot.press("enter")
        await settle(pilot, lambda: chosen != [])
    assert chosen == ["Thanks Ana Diaz!\nKim Lee\nAcme Support"]


async def test_macro_picker_says_when_there_are_none(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(MacroPicker(seeded[0]))
        await settle(
            pilot,
            lambda: (
                "No canned replies yet"
                in str(app.screen.query_one("#prompt-error", Static).content)
            ),
        )
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, MacroPicker))


async def test_reply_editor_inserts_a_canned_reply_to_edit_before_sending(
    seeded, agent, make_app
) -> None:
    add_macros(agent)
    case = show_case(seeded[0], agent.clock.now())
    sent: list[str | None] = []
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ReplyEditor(case), sent.append)
        await settle(pilot, lambda: isinstance(app.screen, ReplyEditor))
        hint = str(app.screen.query_one("#reply-delivery", Static).content)
        assert hint == "The client sees this: it is emailed to ana@acme.example."
        await pilot.press("ctrl+t")
        await settle(pilot, lambda: isinstance(app.screen, MacroPicker))
        await settle(pilot, lambda: len(app.screen.query_one(OptionList).options) == 2)
        await pilot.press("enter")  # the first: need-logs
        await settle(pilot, lambda: isinstance(app.screen, ReplyEditor))
        area = app.screen.query_one(TextArea)
        await settle(pilot, lambda: "please send the log" in area.text)
        assert area.text == f"Hello Ana Diaz, please send the log for {seeded[0]}."
        await pilot.press("end", *" Today, please.")  # edited before sending
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: sent != [])
    assert sent == [f"Hello Ana Diaz, please send the log for {seeded[0]}. Today, please."]


async def test_reply_editor_palette_inserts_a_canned_reply(seeded, agent, make_app) -> None:
    add_macros(agent)
    case = show_case(seeded[0], agent.clock.now())
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(ReplyEditor(case))
        await settle(pilot, lambda: isinstance(app.screen, ReplyEditor))
        editor = app.screen
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: app.screen is not editor)
        await pilot.press(*"canned reply: thanks")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is editor)
        await settle(pilot, lambda: editor.query_one(TextArea).text.startswith("Thanks Ana Diaz!"))


async def test_reply_to_a_contact_without_email_says_not_sent_before_and_after(
    seeded, agent, supervisor, make_app
) -> None:
    add_contact(supervisor, "ACME", "Zoe Quinn", None, "416 555 0199", admin_rank="backup")
    zoes = open_case(supervisor, new_case(contact="416 555 0199", severity="critical"))
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: app.screen.query_one(CaseDetail).case is not None)
        app.show_case(zoes.ref)
        await settle(
            pilot, lambda: (app.screen.query_one(CaseDetail).case or {}).get("ref") == zoes.ref
        )
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ReplyEditor))
        hint = str(app.screen.query_one("#reply-delivery", Static).content)
        assert hint == (
            "Stored on the case but not sent: no email on file for Zoe Quinn; call +14165550199."
        )
        app.screen.query_one(TextArea).insert("Please call us back.")
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: any("not sent" in str(n.message) for n in app._notifications),
        )
        [note] = [str(n.message) for n in app._notifications if "not sent" in str(n.message)]
        assert note == (
            f"{zoes.ref}: Reply saved on the case, but not sent: no email on file for Zoe Quinn; "
            "call +14165550199"
        )
        assert not any(str(n.message).endswith("Reply sent") for n in app._notifications)
        assert OutboundMail.select().where(OutboundMail.case == zoes.id).count() == 0
        assert (
            CaseEvent.select()
            .where((CaseEvent.case == zoes.id) & (CaseEvent.kind == "mail_not_sent"))
            .count()
            == 2
        )  # the acknowledgment and the reply


async def test_resolving_says_first_whether_the_note_reaches_the_client(
    seeded, agent, supervisor, make_app
) -> None:
    """The resolve editor said "shown to the client" whether or not the client could be
    emailed; the reply editor said which, before sending."""
    from tests.tui.helpers import screen_text
    from wzdesk.tui.screens.prompts import TextPrompt

    add_contact(supervisor, "ACME", "Zoe Quinn", None, "416 555 0199", admin_rank="backup")
    zoes = open_case(supervisor, new_case(contact="416 555 0199", severity="critical"))
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("R")  # the first case: Ana's, who has an email
        await settle(pilot, lambda: isinstance(app.screen, TextPrompt))
        assert "The client sees the resolution note: it is emailed to ana@acme.example." in (
            screen_text(pilot)
        )
        await pilot.press("escape")
        app.show_case(zoes.ref)
        await settle(
            pilot, lambda: (app.screen.query_one(CaseDetail).case or {}).get("ref") == zoes.ref
        )
        await pilot.press("R")
        await settle(pilot, lambda: isinstance(app.screen, TextPrompt))
        assert "Stored on the case but not sent: no email on file for Zoe Quinn" in (
            screen_text(pilot)
        )


async def test_reply_that_is_queued_says_to_whom(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(app.screen, ReplyEditor))
        app.screen.query_one(TextArea).insert("Looking now.")
        await pilot.press("ctrl+s")
        await settle(
            pilot,
            lambda: any("email queued to" in str(n.message) for n in app._notifications),
        )
        [note] = [str(n.message) for n in app._notifications if "queued" in str(n.message)]
        assert note == f"{seeded[0]}: Reply saved; email queued to ana@acme.example"


async def test_alerts_screen_shows_console_and_notify_alerts_in_one_place(
    seeded, agent, supervisor, clock, make_app
) -> None:
    from wzdesk.services.notify import Notifier

    Notifier(agent).run_round()  # the breached critical case: breach + unassigned alerts
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        record_console_alert(
            app,
            clock.now() + timedelta(minutes=1),
            seeded[1],
            f"{seeded[1]} response at risk",
            "warning",
        )
        await pilot.press("f7")
        await settle(pilot, lambda: isinstance(app.screen, AlertsScreen))
        table = app.screen.query_one(DataTable)
        await settle(pilot, lambda: table.row_count == 3)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0][1:4] == ["console", seeded[1], f"{seeded[1]} response at risk"]
        assert {row[1] for row in rows[1:]} == {"notify"}
        assert all(row[2] == seeded[0] for row in rows[1:])
        status = str(app.screen.query_one("#alerts-status", Static).content)
        assert status.startswith("1 raised by this console · 2 sent by 'wzdesk notify'")
        await pilot.press("enter")  # opens the case
        await settle(pilot, lambda: not isinstance(app.screen, AlertsScreen))
        await settle(
            pilot, lambda: (app.screen.query_one(CaseDetail).case or {}).get("ref") == seeded[1]
        )


async def test_the_alerts_screen_says_how_many_were_raised_when_it_keeps_fewer(
    seeded, agent, clock, make_app
) -> None:
    """A console keeps its newest 500 alerts; on a busy desk (a crossing every few seconds)
    it raises more in an hour. The screen said "500 raised by this console" after a day of
    thousands."""
    from wzdesk.tui.alert_log import KEEP

    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        for minute in range(KEEP + 5):
            at = clock.now() + timedelta(minutes=minute)
            record_console_alert(app, at, seeded[1], f"{seeded[1]} alert {minute}", "warning")
        await pilot.press("f7")
        await settle(pilot, lambda: isinstance(app.screen, AlertsScreen))
        table = app.screen.query_one(DataTable)
        await settle(pilot, lambda: table.row_count >= KEEP)
        status = str(app.screen.query_one("#alerts-status", Static).content)
        assert status.startswith(f"{KEEP + 5} raised by this console (the newest {KEEP} listed)")


async def test_console_crossings_are_kept_for_the_alerts_screen(
    seeded, agent, clock, make_app
) -> None:
    from wzdesk.tui.alert_log import console_alerts

    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: app.snapshot is not None and not app.snapshot.partial)
        clock.advance(timedelta(hours=7))  # the major case (Mon 09:00, 10h) at risk at 16:30
        await settle(pilot, lambda: len(console_alerts(app)) > 0)
        assert any(seeded[1] in alert.text for alert in console_alerts(app))
