"""Text people typed, shown as written: a summary, a client's or a contact's name and a mail
subject holding markup (``[/b]``, ``[bold]``, ``[link=x]``, ``\\[``, ``[@click=app.quit]``)
reach every prompt, form and palette hit literally, and nothing closes the console (a closing
tag with nothing open raised MarkupError and the console exited)."""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable

from tests.conftest import local, new_case
from tests.mail.conftest import eml
from tests.tui.helpers import screen_text, settle
from wzdesk.mail.sources import RawMessage
from wzdesk.services import cases
from wzdesk.services.directory import add_client, add_contact
from wzdesk.services.mail_intake import import_messages
from wzdesk.tui.screens.main import MainScreen

HOSTILE = r"[/b] [bold]b [link=x]l \[e [@click=app.quit]q"
SUMMARY = f"Payroll {HOSTILE}"
CLIENT = f"Hostile {HOSTILE} Inc"
CONTACT = f"Ann [/] {HOSTILE}"


def hostile_case(supervisor: Any) -> str:
    add_client(supervisor, "HOST", CLIENT)
    add_contact(supervisor, "HOST", CONTACT, "ann@host.example", admin_rank="primary")
    case = cases.open_case(
        supervisor,
        new_case(
            client="HOST",
            contact="ann@host.example",
            summary=SUMMARY,
            received_at=local(2026, 3, 9, 9),
        ),
    )
    cases.assign(supervisor, case.ref, "kim")
    return case.ref


async def opens_literally(pilot: Any, keys: tuple[str, ...], shown: str) -> None:
    """``keys`` open a screen over the main one that shows ``shown`` as written; Esc closes it
    (and a "Discard?" question, if any)."""
    await pilot.press(*keys)
    await settle(pilot, lambda: not isinstance(pilot.app.screen, MainScreen))
    await settle(pilot, lambda: shown in screen_text(pilot))
    while not isinstance(pilot.app.screen, MainScreen):
        await pilot.press("escape")
        await pilot.pause()


async def test_hostile_text_in_every_prompt(
    desk: dict[str, str], supervisor: Any, agent: Any, make_app: Any
) -> None:
    ref = hostile_case(supervisor)
    app = make_app(supervisor)
    async with app.run_test(size=(220, 50)) as pilot:
        await settle(pilot, lambda: app.snapshot is not None)
        app.show_case(ref)
        await settle(pilot, lambda: SUMMARY in screen_text(pilot))
        for keys in ["n", "r", "l", "t", "R", "L", "M"]:
            await opens_literally(pilot, (keys,), SUMMARY)
        await opens_literally(pilot, ("ctrl+p", *ref), f"Open {ref} · {SUMMARY}")
        await opens_literally(pilot, ("ctrl+p", *"Hostile"), CLIENT)
        await opens_literally(pilot, ("ctrl+p", *"Ann"), CONTACT)
        await opens_literally(pilot, ("K", "e"), f"Edit contact {CONTACT} · HOST")
        assert app.is_running


async def test_hostile_subject_in_the_quarantine(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    from wzdesk.tui.screens.quarantine import QuarantineScreen

    subjects = ["Invoice [/b] overdue", "Re: [WZ-1096] still broken", r"A \[x [bold]"]
    import_messages(
        supervisor,
        [
            RawMessage(eml(sender="eve@elsewhere.example", subject=s, message_id=f"{i}@x"), "t")
            for i, s in enumerate(subjects)
        ],
    )
    app = make_app(supervisor)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, lambda: app.snapshot is not None)
        await pilot.press("f6")
        await settle(pilot, lambda: isinstance(app.screen, QuarantineScreen))
        table = app.screen.query_one("#quarantine-table", DataTable)
        await settle(pilot, lambda: table.row_count == 3)
        seen = []
        for _ in subjects:
            row = app.screen._selected()
            assert row is not None and row.subject in screen_text(pilot)  # the table, as written
            label = row.label
            seen.append(label)
            for key in ["d", "c", "n"]:
                await pilot.press(key)
                await settle(pilot, lambda: not isinstance(app.screen, QuarantineScreen))
                await settle(pilot, lambda label=label: label in screen_text(pilot))
                while not isinstance(app.screen, QuarantineScreen):
                    await pilot.press("escape")
                    await pilot.pause()
            await pilot.press("down")
        assert "#2 “Re: [WZ-1096] still broken”" in seen
        assert app.is_running


def test_every_title_is_a_prompt_title() -> None:
    """Titles are set by :class:`PromptTitle` alone (shown as written), so a new form cannot
    pass a summary through markup by building its own title Label."""
    from pathlib import Path

    import wzdesk.tui

    root = Path(wzdesk.tui.__file__).parent
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if 'classes="prompt-title"' in path.read_text()
    ]
    assert found == ["screens/prompts.py"]
