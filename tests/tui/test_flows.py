"""Every console flow driven through the real app, checked on screen and in the database."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TextArea
from textual.worker import WorkerCancelled

from wzdesk.store.models import Case, CaseEvent
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.widgets import CaseDetail, QueueTable


async def settle(pilot: Pilot, condition=None, limit: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Let workers finish and messages flow (until ``condition()`` holds, if given)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        # Prompt workers wait for the user's answer; everything else should finish.
        # (An empty list would mean "all workers" to wait_for_complete.)
        busy = [w for w in pilot.app.workers if w.group != "prompts"]
        if busy:
            try:
                await pilot.app.workers.wait_for_complete(busy)
            except WorkerCancelled:
                pass  # an exclusive worker replaced by a newer one: keep waiting on the state
        await pilot.pause()
        if condition is None or condition():
            return
        if loop.time() > deadline:
            raise AssertionError("the screen never reached the expected state")
        await asyncio.sleep(0.05)


def queue(pilot: Pilot) -> QueueTable:
    return pilot.app.screen.query_one(QueueTable)


def plain(renderable: object) -> str:
    """What a Static shows, as plain text (tables included)."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def detail_text(pilot: Pilot) -> str:
    detail = pilot.app.screen.query_one(CaseDetail)
    return " ".join(plain(static.content) for static in detail.query("Static"))


async def test_queue_shows_open_cases_most_urgent_first(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 3)
        refs = [row.ref for row in queue(pilot).rows]
        assert refs[0] == seeded[0]  # the breached critical case first
        line = "".join(seg.text for seg in queue(pilot).render_line(1))
        assert seeded[0] in line and "critical" in line
        assert "-4h00m" in line and "16h00m" in line  # 8h used of 4h; 8h used of 24h
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        assert "Payroll export fails" in detail_text(pilot)


async def test_reply_meets_response_and_shows_on_timeline(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("r")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("We are looking at the export now.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "looking at the export" in detail_text(pilot))
        case = Case.get(Case.ref == seeded[0])
        assert case.first_response_at is not None
        assert (
            CaseEvent.select().where((CaseEvent.case == case) & (CaseEvent.kind == "reply")).count()
            == 1
        )


async def test_internal_note_does_not_meet_response(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
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
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("t")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).assignee_id is not None)
        await settle(pilot, lambda: any(r.assignee == "kim" for r in queue(pilot).rows))
        await pilot.press("1")  # quick filter: mine
        await settle(pilot)
        assert [r.ref for r in queue(pilot).rows] == [seeded[0]]


async def test_severity_change_moves_targets(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
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
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("s")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("2")  # waiting on client
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).paused_since is not None)
        await settle(pilot, lambda: "paused" in detail_text(pilot))
        await settle(
            pilot,
            lambda: any(
                r.ref == seeded[0] and r.paused_since is not None for r in queue(pilot).rows
            ),
        )
        row_line = next(
            "".join(s.text for s in queue(pilot).render_line(i + 1))
            for i, r in enumerate(queue(pilot).rows)
            if r.ref == seeded[0]
        )
        assert "paused" in row_line


async def test_resolve_removes_from_queue(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("R")
        await settle(pilot, lambda: pilot.app.screen.query("TextArea"))
        pilot.app.screen.query_one(TextArea).insert("Fixed the export mapping.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).status == "resolved")
        await settle(pilot, lambda: seeded[0] not in [r.ref for r in queue(pilot).rows])


async def test_filter_box_narrows_the_queue(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 3)
        await pilot.press("slash")
        await pilot.press(*"typo")
        await settle(pilot, lambda: len(queue(pilot).rows) == 1)
        assert queue(pilot).rows[0].summary == "Typo on the login page"
        await pilot.press("escape")
        await settle(pilot, lambda: len(queue(pilot).rows) == 3)


async def test_conflict_is_shown_and_nothing_overwritten(
    seeded, agent, supervisor, make_app
) -> None:
    from wzdesk.services.cases import assign

    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        shown_version = pilot.app.screen.query_one(CaseDetail).case["version"]
        assign(supervisor, seeded[0], "sam")  # another agent changes the case meanwhile
        await pilot.press("t")
        await settle(
            pilot,
            lambda: any(
                "changed by someone else" in str(n.message) for n in pilot.app._notifications
            ),
        )
        case = Case.get(Case.ref == seeded[0])
        assert case.assignee.login == "sam"  # not overwritten
        await settle(
            pilot, lambda: pilot.app.screen.query_one(CaseDetail).case["version"] > shown_version
        )


async def test_phone_intake_logs_a_call_by_keyboard(seeded, phone_staff, make_app) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(
            pilot, lambda: isinstance(pilot.app.screen, IntakeScreen)
        )  # phone staff start here
        screen = pilot.app.screen
        await pilot.press(*"416 555 0101")
        await settle(pilot, lambda: screen.callers)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.caller is not None)
        assert screen.caller.is_admin
        await pilot.press("up", "up")  # moderate -> critical
        screen.query_one("#summary", Input).value = "Nobody can log in"
        screen.query_one("#description", TextArea).insert("Since 09:00, all users.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, IntakeScreen))
        case = Case.select().order_by(Case.id.desc()).get()
        assert (case.channel, case.severity, case.summary) == (
            "phone",
            "critical",
            "Nobody can log in",
        )
        call = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "call"))
        assert call.duration_seconds is not None and call.duration_seconds >= 0


async def test_phone_intake_refuses_non_admin_and_names_admins(
    seeded, phone_staff, make_app
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        screen = pilot.app.screen
        count = Case.select().count()
        await pilot.press(*"bob smith")
        await settle(pilot, lambda: screen.callers)
        await pilot.press("enter")
        await settle(pilot, lambda: screen.caller is not None)
        info = plain(screen.query_one("#caller-info").content)
        assert "Only client admins may open cases" in info and "Ana Diaz" in info
        screen.query_one("#summary", Input).value = "Question"
        await pilot.press("ctrl+s")
        await settle(
            pilot, lambda: "not a client admin" in plain(screen.query_one("#error-caller").content)
        )
        assert Case.select().count() == count


async def test_help_lists_every_binding(seeded, agent, make_app) -> None:
    from wzdesk.tui.screens.help import KEYS

    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        main = pilot.app.screen
        assert isinstance(main, MainScreen)
        documented = " ".join(key for _, keys in KEYS for key, _ in keys)
        names = {"slash": "/", "question_mark": "?", "escape": "Esc"}
        for binding in main.BINDINGS:
            key = binding.key.split(",")[0]  # type: ignore[union-attr]
            shown = names.get(key, key)
            assert shown in documented or (key.isdigit() and "0–9" in documented), key
        await pilot.press("f1")
        await settle(pilot)
        assert "Log a phone call" in plain(pilot.app.screen.query_one("Static").content)


async def test_first_run_offers_demo_data(database, supervisor, make_app) -> None:
    app = make_app(supervisor, offer_demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        from wzdesk.tui.screens.welcome import WelcomeScreen

        await settle(pilot, lambda: isinstance(pilot.app.screen, WelcomeScreen))
        await pilot.press("d")
        await settle(pilot, lambda: Case.select().count() == 300, limit=20)
        await settle(pilot, lambda: len(queue(pilot).rows) > 0, limit=10)
        assert len(queue(pilot).rows) == Case.select().where(Case.is_open).count()


async def test_escalate_records_target_and_reason(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
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


async def test_assign_to_someone_else(seeded, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: pilot.app.screen.query_one(CaseDetail).case is not None)
        await pilot.press("a")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        options = pilot.app.screen.query_one(OptionList)
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("Sam" in label or "sam" in label for label in labels)
        assert not any("(pat)" in label for label in labels)  # phone staff are not assignees
        index = next(i for i, label in enumerate(labels) if "(sam)" in label)
        await pilot.press(str(index + 1))
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).assignee_id is not None)
        assert Case.get(Case.ref == seeded[0]).assignee.login == "sam"


async def test_reopen_and_close_a_resolved_case_from_the_palette(seeded, agent, make_app) -> None:
    from wzdesk.services.cases import resolve

    resolve(agent, seeded[2], "Fixed the typo.")
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 2)
        pilot.app.show_case(seeded[2])  # what the palette's "Open WZ-…" hit runs
        await settle(
            pilot,
            lambda: (pilot.app.screen.query_one(CaseDetail).case or {}).get("ref") == seeded[2],
        )
        await pilot.press("o")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        await pilot.press("ctrl+s")  # the reason is optional
        await settle(pilot, lambda: Case.get(Case.ref == seeded[2]).status == "open")
        await settle(pilot, lambda: len(queue(pilot).rows) == 3)
        resolve(agent, seeded[2], "Fixed for good.")
        pilot.app.show_case(seeded[2])
        await settle(
            pilot,
            lambda: (pilot.app.screen.query_one(CaseDetail).case or {}).get("status") == "resolved",
        )
        await pilot.press("c")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[2]).status == "closed")


async def test_palette_finds_a_case_by_reference(seeded, agent, make_app) -> None:
    from wzdesk.tui.commands import _lookup

    app = make_app(agent)
    async with app.run_test(size=(160, 45)):
        cases, clients = _lookup(seeded[1].removeprefix("WZ-"))
        assert (seeded[1], "Approval emails missing") in cases
        _, clients = _lookup("acme")
        assert clients == [("ACME", "Acme Corporation")]
