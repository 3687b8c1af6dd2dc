"""The quarantine screen driven through the real app: it lists held mail, and an agent releases
a message into a new case, into an existing one, or discards it, all by key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from tests.mail.conftest import eml
from wzdesk.core.clock import FixedClock
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import Case, CaseEvent, QuarantinedMail
from wzdesk.tui.app import WzdeskApp
from wzdesk.tui.screens.quarantine import QuarantineScreen


async def settle(pilot: Pilot, condition=None, limit: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and messages flow (until ``condition()`` holds, if given)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if condition is None or condition():
            return
        if loop.time() > deadline:
            raise AssertionError("the screen never reached the expected state")
        await asyncio.sleep(0.05)


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
        eml(sender="Bob Smith <bob@acme.example>", subject="Report is wrong", message_id="b@x"),
        eml(sender="eve@elsewhere.example", subject="Cheap watches", message_id="e@x"),
    )
    return [f.quarantine_id for f in filed]


def table(pilot: Pilot) -> DataTable:
    return pilot.app.screen.query_one("#quarantine-table", DataTable)


def shown_rows(pilot: Pilot) -> list[list[str]]:
    grid = table(pilot)
    return [[str(cell) for cell in grid.get_row_at(i)] for i in range(grid.row_count)]


async def open_quarantine(pilot: Pilot) -> None:
    await settle(pilot)
    pilot.app.push_screen(QuarantineScreen())
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
    await settle(pilot, lambda: table(pilot).row_count == 2)


async def test_lists_held_mail_and_releases_one_into_a_new_case(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)
        rows = shown_rows(pilot)
        assert [r[1] for r in rows] == ["eve@elsewhere.example", "bob@acme.example"]
        assert rows[1][2] == "Report is wrong"
        assert "not an active client admin" in rows[1][3]
        assert rows[1][4] == "Mon 09 Mar 09:30"
        await pilot.press("down")  # Bob's message
        await settle(pilot, lambda: "payroll export" in str(preview(pilot)))
        await pilot.press("n")
        await settle(pilot, lambda: pilot.app.screen.query("OptionList"))
        await pilot.press("1")  # Ana Diaz (primary), the first admin offered
        await settle(pilot, lambda: table(pilot).row_count == 1)
        released = QuarantinedMail.get_by_id(held[0])
        assert (released.status, released.handled_by) == ("released", "kim")
        case = Case.get_by_id(released.case_id)
        assert (case.contact.email, case.summary, case.channel) == (
            "ana@acme.example",
            "Report is wrong",
            "email",
        )
        assert shown_rows(pilot)[0][1] == "eve@elsewhere.example"


def preview(pilot: Pilot) -> object:
    return pilot.app.screen.query_one("#quarantine-preview").render()


async def test_release_into_an_existing_case_and_discard(held, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)
        await pilot.press("down", "c")
        await settle(pilot, lambda: pilot.app.screen.query(Input))
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
        await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
        await settle(pilot, lambda: any("WZ-4040" in n.message for n in app._notifications))
        assert QuarantinedMail.select().where(QuarantinedMail.status == "held").count() == 2


async def test_phone_staff_see_the_quarantine_but_cannot_decide(
    held, phone_staff, make_app
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(140, 40)) as pilot:
        await open_quarantine(pilot)  # over the phone intake form phone staff start on
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QuarantineScreen)  # no prompt opened
        assert QuarantinedMail.select().where(QuarantinedMail.status == "held").count() == 2
