"""Every key in the help screen (and so in the README's key table) is pressed here, in the
running console, and its effect checked. A key added to the help without a check here fails
``test_every_documented_key_is_pressed_by_a_test``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, TextArea

from tests.tui.helpers import (
    detail_ref,
    edit_highlighted_contact,
    highlighted,
    notifications,
    prompt_title,
    queue,
    screen_text,
    settle,
)
from wzdesk.store.models import Case, CaseEvent
from wzdesk.tui.screens.help import KEYS, HelpScreen
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ChoicePrompt, ConfirmPrompt, TextPrompt

Check = Callable[[Any, dict[str, str]], Awaitable[None]]
CHECKS: dict[str, Check] = {}
#: Keys checked in another module (named here so the inventory stays complete).
ELSEWHERE = {
    ("Mail quarantine (F6)", "↑ ↓ / j k"): "tests/mail/test_quarantine_screen.py",
    ("Mail quarantine (F6)", "n"): "tests/mail/test_quarantine_screen.py",
    ("Mail quarantine (F6)", "c"): "tests/mail/test_quarantine_screen.py",
    ("Mail quarantine (F6)", "d"): "tests/mail/test_quarantine_screen.py",
    ("Wallboard (F4)", "m"): "tests/tui/test_wallboard.py",
    ("Anywhere", "F8"): "tests/tui/test_insights.py",  # supervisors only
    ("History (h)", "0–3"): "tests/tui/test_history.py",
    ("History (h)", "[ / ]"): "tests/tui/test_history.py",
    ("History (h)", "Enter"): "tests/tui/test_history.py",
    ("Anywhere", "F7"): "tests/tui/test_reaching_people.py",
    **{
        ("Reply editor (r)", key): "tests/tui/test_reaching_people.py"
        for key in ("Ctrl+T", "Ctrl+P", "Ctrl+S")
    },
    **{
        ("Calendar (palette)", key): "tests/tui/test_calendar_screen.py"  # supervisors only
        for key in ("a", "d", "Ctrl+S / Esc", "Esc")
    },
    **{
        ("Professional services (on the selected case)", key): "tests/tui/test_services_flows.py"
        for key in ("Q", "P", "T", "H", "Ctrl+N / Ctrl+D")
    },
}


def check(group: str, key: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[f"{group} | {key}"] = function
        return function

    return register


def main(pilot: Any) -> MainScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))


def ids(pilot: Any) -> list[str]:
    return [row.ref for row in queue(pilot).rows]


# -- anywhere ------------------------------------------------------------------------------------

ANY = "Anywhere"


@check(ANY, "F1 / ?")
async def _help(pilot: Any, desk: dict[str, str]) -> None:
    for key in ("f1", "question_mark"):
        await pilot.press(key)
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        assert "Reply to the client" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check(ANY, "F2")
async def _f2(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("f2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    assert pilot.app.screen.is_call and "Log a phone call" in screen_text(pilot)


@check(ANY, "F3")
async def _f3(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("f3")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    assert not pilot.app.screen.is_call and "New case" in screen_text(pilot)


@check(ANY, "F4")
async def _f4(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.wallboard import WallboardScreen

    await pilot.press("f4")
    await settle(pilot, lambda: isinstance(pilot.app.screen, WallboardScreen))
    await settle(pilot, lambda: "breached" in screen_text(pilot))
    await pilot.press("f4")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check(ANY, "F6")
async def _f6(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.quarantine import QuarantineScreen

    await pilot.press("f6")
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
    await settle(pilot, lambda: "Nothing held" in screen_text(pilot))
    await pilot.press("f6")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check(ANY, "Ctrl+P")
async def _palette(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*"at risk")
    await pilot.pause(0.4)
    await pilot.press("enter")  # "Show cases at risk"
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await settle(pilot, lambda: main(pilot).view.quick.name == "AT_RISK")


@check(ANY, "Ctrl+R")
async def _refresh(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.services import cases

    cases.assign(pilot.app.context, desk["minor"], "sam")
    await pilot.press("ctrl+r")
    await settle(
        pilot,
        lambda: any(r.ref == desk["minor"] and r.assignee == "sam" for r in queue(pilot).rows),
    )


@check(ANY, "Ctrl+Q")
async def _ctrl_q(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("ctrl+q")
    await pilot.pause()
    assert not pilot.app.is_running


# -- the queue -----------------------------------------------------------------------------------

QUEUE = "Queue"


@check(QUEUE, "↑ ↓ / j k")
async def _move(pilot: Any, desk: dict[str, str]) -> None:
    rows = ids(pilot)
    await pilot.press("j")
    assert highlighted(pilot) == rows[1]
    await pilot.press("down")
    assert highlighted(pilot) == rows[2]
    await pilot.press("k")
    assert highlighted(pilot) == rows[1]
    await pilot.press("up")
    assert highlighted(pilot) == rows[0]


@check(QUEUE, "PgUp PgDn, Home End / g G")
async def _page(pilot: Any, desk: dict[str, str]) -> None:
    rows = ids(pilot)
    for key, expected in (("end", -1), ("home", 0), ("G", -1), ("g", 0), ("pagedown", -1)):
        await pilot.press(key)
        assert highlighted(pilot) == rows[expected], key
    await pilot.press("pageup")
    assert highlighted(pilot) == rows[0]


@check(QUEUE, "Enter")
async def _enter(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("j", "enter")
    screen = main(pilot)
    await settle(pilot, lambda: screen.focused is screen.query_one("#detail"))
    await settle(pilot, lambda: detail_ref(pilot) == ids(pilot)[1])


@check(QUEUE, "/")
async def _slash(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("slash")
    assert main(pilot).focused is main(pilot).query_one("#filter-text", Input)
    await pilot.press(*"timesheets")
    await settle(pilot, lambda: ids(pilot) == [desk["late"]])


@check(QUEUE, "[ / ]")
async def _view_tabs(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.services.views import add_view

    screen = main(pilot)
    add_view(screen.wz.context, "Critical", "sev:critical", pinned=True)
    add_view(screen.wz.context, "Waiting", "status:waiting_client", pinned=True)
    screen.count_tabs()  # what every re-read of the queue does
    await settle(pilot, lambda: "Critical 2" in screen_text(pilot))
    await pilot.press("right_square_bracket")
    await settle(pilot, lambda: set(ids(pilot)) == {desk["breached"], desk["late"]})
    await pilot.press("right_square_bracket")
    await settle(pilot, lambda: ids(pilot) == [desk["waiting"]])
    await pilot.press("left_square_bracket", "left_square_bracket")
    await settle(pilot, lambda: len(ids(pilot)) == 6)


@check(QUEUE, "0–9")
async def _quick(pilot: Any, desk: dict[str, str]) -> None:
    expected = {
        "1": set(),  # kim has none
        "2": {desk[n] for n in ("breached", "major", "minor", "late", "waiting")},
        "3": {desk["breached"]},
        "4": set(),
        "5": {desk["waiting"]},
        "6": {desk["breached"], desk["late"]},
        "7": {desk["major"]},
        "8": {desk["sams"], desk["waiting"]},
        "9": {desk["minor"]},
        "0": set(desk.values()) - {desk["resolved"]},
    }
    for key, refs in expected.items():
        await pilot.press(key)
        await settle(pilot, lambda refs=refs: set(ids(pilot)) == refs)


@check(QUEUE, "f")
async def _f(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("f")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
    assert "Filter the queue by" in prompt_title(pilot)
    await pilot.press("2", "1")  # client: the first (ACME)
    await settle(pilot, lambda: main(pilot).view.client == "ACME")


@check(QUEUE, "> / <")
async def _sort(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("greater_than_sign")
    await settle(pilot, lambda: main(pilot).view.sort == "severity")
    await pilot.press("less_than_sign")
    await settle(pilot, lambda: main(pilot).view.reverse)
    ranks = [row.severity.rank for row in queue(pilot).rows]
    assert ranks == sorted(ranks, reverse=True)


@check(QUEUE, "x")
async def _x(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("x")
    await settle(pilot, lambda: "Age" in "".join(s.text for s in queue(pilot).render_line(0)))


@check(QUEUE, "Space")
async def _space(pilot: Any, desk: dict[str, str]) -> None:
    first = ids(pilot)[0]
    await pilot.press("space")
    assert queue(pilot).marked == {queue(pilot).rows[0].case_id}
    assert highlighted(pilot) != first  # moved down to mark the next
    await settle(pilot, lambda: "1 marked" in screen_text(pilot))


@check(QUEUE, "b")
async def _b(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("space", "space", "b", "1")  # take them
    await settle(pilot, lambda: any("Assigned to you: 2 done" in n for n in notifications(pilot)))
    assert Case.select().where(Case.assignee.is_null(False)).count() == 3  # sam's + these two


@check(QUEUE, "Esc")
async def _esc(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("3")
    await settle(pilot, lambda: len(ids(pilot)) == 1)
    await pilot.press("escape")
    await settle(pilot, lambda: len(ids(pilot)) == 6)


@check(QUEUE, "q")
async def _q(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("q")
    await pilot.pause()
    assert not pilot.app.is_running


@check(QUEUE, "h")
async def _h(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.history import HistoryScreen

    await pilot.press("h")
    await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
    await settle(pilot, lambda: desk["resolved"] in screen_text(pilot))  # historical ones too


# -- the selected case's client and contact -----------------------------------------------------

PEOPLE = "Client and contact (on the selected case)"


@check(PEOPLE, "C")
async def _client_view(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.people import PeopleScreen

    ref = highlighted(pilot)
    await pilot.press("C")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Open cases" in screen_text(pilot))
    text = screen_text(pilot)
    assert "Client ACME · Acme Corporation" in text
    assert "no trained admin; ask Ana Diaz <ana@acme.example>" in text
    assert ref in text and desk["resolved"] in text  # open and past cases
    await pilot.press("escape")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check(PEOPLE, "h")
async def _client_history(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.history import HistoryScreen
    from wzdesk.tui.screens.people import PeopleScreen

    await pilot.press("C")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Past cases" in screen_text(pilot))
    await pilot.press("h")  # the view lists the latest; the history has every one
    await settle(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen))
    assert pilot.app.screen.client == "ACME"
    await settle(pilot, lambda: desk["resolved"] in screen_text(pilot))


@check(PEOPLE, "K")
async def _contact_view(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.people import PeopleScreen

    ref = highlighted(pilot)
    name = Case.get(Case.ref == ref).contact.name
    await pilot.press("K")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Messages" in screen_text(pilot))
    text = screen_text(pilot)
    assert f"{name} · ACME" in text and ref in text and "Calls" in text


@check(PEOPLE, "Q")
async def _training_quote(pilot: Any, desk: dict[str, str]) -> None:
    from textual.widgets import Select

    from wzdesk.store.models import Quote
    from wzdesk.tui.screens.people import PeopleScreen
    from wzdesk.tui.screens.quote import QuoteEditor

    ref = highlighted(pilot)
    await pilot.press("C")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Open cases" in screen_text(pilot))
    assert "Q writes a training quote" in screen_text(pilot)  # Ana and Raj are untrained
    await pilot.press("Q")
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteEditor))
    editor = pilot.app.screen
    assert f"on {ref} (draft)" in prompt_title(pilot)  # the case the view was opened from
    assert editor.query_one("#quote-type", Select).value == "c"  # training
    scope = editor.query_one("#quote-scope", TextArea).text
    assert "Ana Diaz" in scope and "Raj Patel" in scope
    qty = editor.query_one(".line-qty", Input)
    qty.focus()
    await pilot.pause()
    await pilot.press("8")
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: any("saved (draft)" in n for n in notifications(pilot)))
    quote = Quote.get()
    assert (quote.case.ref, quote.service_type) == (ref, "c")


@check(PEOPLE, "e")
async def _edit_contact(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.store.models import AuditEntry, Contact
    from wzdesk.tui.screens.people import PeopleScreen

    contact = await edit_highlighted_contact(pilot)
    form = pilot.app.screen
    assert form.query_one("#edit-name", Input).value == contact.name  # prefilled
    assert form.query_one("#edit-email", Input).value == contact.email
    form.query_one("#edit-email", Input).value = "ana@"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: "Email: expected an email address" in screen_text(pilot))
    assert Contact.get_by_id(contact.id).email == contact.email  # nothing saved
    form.query_one("#edit-email", Input).value = contact.email
    form.query_one("#edit-name", Input).value = "Ana Diaz-Lopez"
    form.query_one("#edit-phone", Input).value = "519-555-3199"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(pilot.app.screen, PeopleScreen))
    await settle(pilot, lambda: "Ana Diaz-Lopez · ACME" in screen_text(pilot))
    saved = Contact.get_by_id(contact.id)
    assert (saved.name, saved.phone, saved.email) == (
        "Ana Diaz-Lopez",
        "+15195553199",
        contact.email,
    )
    assert AuditEntry.select().where(AuditEntry.action == "contact.change").count() == 1


# -- the quarantine, the wallboard, history --------------------------------------------------


@check("Mail quarantine (F6)", "F5")
async def _f5(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.mail.sources import RawMessage
    from wzdesk.services.mail_intake import import_messages

    await pilot.press("f6")
    await settle(pilot, lambda: "Nothing held" in screen_text(pilot))
    raw = b"From: stranger@example.com\r\nTo: support@vendor.example\r\nSubject: Hello\r\n"
    raw += b"Message-ID: <f5@example.com>\r\n\r\nWho do I ask?\r\n"
    import_messages(pilot.app.context, [RawMessage(raw, "f5.eml")])
    await pilot.press("f5")
    await settle(pilot, lambda: "stranger@example.com" in screen_text(pilot))


@check("Mail quarantine (F6)", "Esc")
async def _quarantine_esc(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.quarantine import QuarantineScreen

    await pilot.press("f6")
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuarantineScreen))
    await pilot.press("escape")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check("Wallboard (F4)", "Esc / F4 / w")
async def _wallboard_back(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.tui.screens.wallboard import WallboardScreen

    for key in ("escape", "f4", "w"):
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WallboardScreen))
        await pilot.press(key)
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check("History (h)", "/")
async def _history_search(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("h")
    await settle(pilot, lambda: desk["resolved"] in screen_text(pilot))
    pilot.app.screen.query_one("#history-table").focus()  # as after reading the list
    await pilot.press("slash", *"export button", "enter")
    await settle(
        pilot,
        lambda: (
            desk["breached"] not in screen_text(pilot) and desk["resolved"] in screen_text(pilot)
        ),
    )


@check("History (h)", "Esc")
async def _history_back(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("h")
    await settle(pilot, lambda: desk["resolved"] in screen_text(pilot))
    await pilot.press("escape")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


# -- case actions (each acts on the highlighted case; deeper checks in test_flows.py) ----------

CASE = "Case actions (on the selected case: the highlighted row, or the case full screen)"


def events(ref: str, kind: str) -> int:
    case = Case.get(Case.ref == ref)
    return CaseEvent.select().where((CaseEvent.case == case) & (CaseEvent.kind == kind)).count()


async def _text_action(pilot: Any, key: str, words: str, text: str = "Done.") -> str:
    target = highlighted(pilot)
    await pilot.press(key)
    await settle(pilot, lambda: words in prompt_title(pilot))
    assert target is not None and target in prompt_title(pilot)
    pilot.app.screen.query_one(TextArea).insert(text)
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    return target


@check(CASE, "r")
async def _r(pilot: Any, desk: dict[str, str]) -> None:
    ref = await _text_action(pilot, "r", "Reply to the client on")
    await settle(pilot, lambda: events(ref, "reply") == 1)


@check(CASE, "n")
async def _n(pilot: Any, desk: dict[str, str]) -> None:
    ref = await _text_action(pilot, "n", "Internal note on")
    await settle(pilot, lambda: events(ref, "note") == 1)


@check(CASE, "t")
async def _t(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("t")
    await settle(pilot, lambda: Case.get(Case.ref == ref).assignee_id is not None)


@check(CASE, "a")
async def _a(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("a")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
    sam = next(i for i, c in enumerate(pilot.app.screen.choices) if c.value == "sam")
    await pilot.press(str(sam + 1))
    await settle(pilot, lambda: Case.get(Case.ref == ref).assignee_id is not None)


@check(CASE, "s")
async def _s(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("s", "2")
    await settle(pilot, lambda: Case.get(Case.ref == ref).status == "waiting_client")


@check(CASE, "v")
async def _v(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("v", "4")
    await settle(pilot, lambda: Case.get(Case.ref == ref).severity == "minor")


@check(CASE, "e")
async def _e(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("e", "1")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TextPrompt))
    pilot.app.screen.query_one(TextArea).insert("Needs tier 2.")
    ref = highlighted(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: Case.get(Case.ref == ref).escalated_to == "Tier 2")


@check(CASE, "E")
async def _explain(pilot: Any, desk: dict[str, str]) -> None:
    from tests.tui.test_insights import explain_highlighted

    await explain_highlighted(pilot)
    assert "Resolution: target" in screen_text(pilot)


@check(CASE, "R")
async def _resolve(pilot: Any, desk: dict[str, str]) -> None:
    ref = await _text_action(pilot, "R", "Resolve")
    await settle(pilot, lambda: Case.get(Case.ref == ref).status == "resolved")


@check(CASE, "o")
async def _o(pilot: Any, desk: dict[str, str]) -> None:
    pilot.app.show_case(desk["resolved"])
    await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
    await pilot.press("o")
    await settle(pilot, lambda: "Reopen" in prompt_title(pilot))
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: Case.get(Case.ref == desk["resolved"]).status == "open")


@check(CASE, "c")
async def _c(pilot: Any, desk: dict[str, str]) -> None:
    pilot.app.show_case(desk["resolved"])
    await settle(pilot, lambda: detail_ref(pilot) == desk["resolved"])
    await pilot.press("c")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
    await pilot.press("y")
    await settle(pilot, lambda: Case.get(Case.ref == desk["resolved"]).status == "closed")


@check(CASE, "l")
async def _l(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("l")
    await settle(pilot, lambda: "Log a call on" in prompt_title(pilot))
    pilot.app.screen.query_one("#call-minutes", Input).value = "3"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: events(ref, "call") == 1)


async def _other_ref(pilot: Any, key: str, desk: dict[str, str]) -> tuple[str, str]:
    """Press ``key`` on the highlighted case and answer the reference prompt with another."""
    ref = highlighted(pilot)
    assert ref is not None
    other = desk["major"] if ref != desk["major"] else desk["minor"]
    await pilot.press(key)
    await settle(pilot, lambda: ref in prompt_title(pilot))
    await pilot.press(*other.lower(), "enter")  # typed in any case
    await settle(pilot, lambda: isinstance(pilot.app.screen, ChoicePrompt))
    return ref, other


@check(CASE, "L")
async def _link(pilot: Any, desk: dict[str, str]) -> None:
    from wzdesk.store.models import CaseLink

    ref, other = await _other_ref(pilot, "L", desk)
    assert f"{ref} is … {other}" in prompt_title(pilot)
    await pilot.press("2")  # a duplicate of
    await settle(pilot, lambda: f"{ref}: Linked to {other} (duplicate-of)" in notifications(pilot))
    link = CaseLink.get()
    assert (link.source.ref, link.target.ref, link.kind) == (ref, other, "duplicate-of")


@check(CASE, "M")
async def _merge(pilot: Any, desk: dict[str, str]) -> None:
    ref, other = await _other_ref(pilot, "M", desk)
    await pilot.press("1")  # the selected case is the duplicate
    await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
    assert prompt_title(pilot) == f"Merge {ref} into {other}?"
    await pilot.press("y")
    await settle(pilot, lambda: f"{ref}: Merged {ref} into {other}" in notifications(pilot))
    merged = Case.get(Case.ref == ref)
    assert merged.status == "closed" and merged.merged_into.ref == other


# -- forms and prompts -------------------------------------------------------------------------

FORMS = "Forms and prompts"


@check(FORMS, "Tab / Shift+Tab")
async def _tab(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("f3")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    first = pilot.app.screen.focused
    await pilot.press("tab")
    assert pilot.app.screen.focused is not first
    await pilot.press("shift+tab")
    assert pilot.app.screen.focused is first


@check(FORMS, "Ctrl+S")
async def _ctrl_s(pilot: Any, desk: dict[str, str]) -> None:
    ref = await _text_action(pilot, "n", "Internal note on")
    await settle(pilot, lambda: events(ref, "note") == 1)


@check(FORMS, "Esc")
async def _form_esc(pilot: Any, desk: dict[str, str]) -> None:
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TextPrompt))
    await pilot.press("escape")  # nothing typed: it just closes
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


@check(FORMS, "1–9")
async def _digits(pilot: Any, desk: dict[str, str]) -> None:
    ref = highlighted(pilot)
    await pilot.press("v", "3")  # moderate
    await settle(pilot, lambda: Case.get(Case.ref == ref).severity == "moderate")


@check(FORMS, "Ctrl+N")
async def _new_contact(pilot: Any, desk: dict[str, str]) -> None:
    from textual.widgets import Checkbox

    from wzdesk.store.models import Contact
    from wzdesk.tui.screens.contact_form import NewContactForm

    await pilot.press("f2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    await pilot.press(*"519 555 3105")
    await settle(pilot, lambda: "No contact matches" in screen_text(pilot))
    assert "Ctrl+N adds them as a contact" in screen_text(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot, lambda: isinstance(pilot.app.screen, NewContactForm))
    form = pilot.app.screen
    assert form.query_one("#new-phone", Input).value == "519 555 3105"  # from the search
    await pilot.press(*"NOPE", "tab", *"Lee Wong")
    form.query_one("#new-admin", Checkbox).value = True
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: "no client with code 'NOPE'" in screen_text(pilot))
    form = pilot.app.screen
    assert isinstance(form, NewContactForm)
    assert form.query_one("#new-name", Input).value == "Lee Wong"  # kept after the refusal
    form.query_one("#new-client", Input).value = "ACME"
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    await settle(pilot, lambda: Contact.get_or_none(Contact.name == "Lee Wong") is not None)
    added = Contact.get(Contact.name == "Lee Wong")
    assert (added.phone, added.is_admin, added.client.code) == ("+15195553105", True, "ACME")
    await settle(pilot, lambda: "Lee Wong · ACME" in screen_text(pilot))  # found by the lookup


@check(FORMS, "Ctrl+E")
async def _edit_caller(pilot: Any, desk: dict[str, str]) -> None:
    from textual.widgets import Select

    from wzdesk.store.models import Contact
    from wzdesk.tui.screens.contact_form import EditContactForm

    await pilot.press("f2")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    await pilot.press("ctrl+e")  # nobody picked yet
    await settle(pilot, lambda: any("Pick a caller first" in n for n in notifications(pilot)))
    await pilot.press(*"Bob Smith")
    await settle(pilot, lambda: "Bob Smith · ACME" in screen_text(pilot))
    await pilot.press("enter")
    await settle(pilot, lambda: "Bob Smith is not a client admin" in screen_text(pilot))
    await pilot.press("ctrl+e")
    await settle(pilot, lambda: isinstance(pilot.app.screen, EditContactForm))
    form = pilot.app.screen
    assert form.query_one("#edit-phone", Input).value == "+14165550102"  # prefilled
    form.query_one("#edit-rank", Select).value = "backup"  # Raj, the backup, is demoted
    await pilot.press("ctrl+s")
    await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
    await settle(pilot, lambda: "admin (backup)" in screen_text(pilot))  # picked as saved
    assert "not a client admin" not in screen_text(pilot)
    bob, raj = Contact.get(Contact.name == "Bob Smith"), Contact.get(Contact.name == "Raj Patel")
    assert (bob.is_admin, bob.admin_rank, raj.admin_rank) == (True, "backup", None)


# -- the inventory -------------------------------------------------------------------------------


def test_every_documented_key_is_pressed_by_a_test() -> None:
    documented = {f"{group} | {key.key}" for group, keys in KEYS for key in keys}
    elsewhere = {f"{group} | {key}" for group, key in ELSEWHERE}
    assert documented - elsewhere == set(CHECKS), "keys without a check here, or stale checks"


@pytest.mark.parametrize("name", sorted(CHECKS))
async def test_key(name: str, desk: dict[str, str], agent: Any, make_app: Any) -> None:
    app = make_app(agent, refresh_seconds=3600)  # no background re-read: each key must do it
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await CHECKS[name](pilot, desk)
