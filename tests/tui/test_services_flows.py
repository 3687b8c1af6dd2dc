"""The console's professional services, driven through the real app: the services section of the
case detail, the quote editor (live total, save, a refused field), moving a quote on, logging
time by key (the 80% warning, a refused overrun), and the resolve hand-off."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Select, Static, TextArea

from tests.tui.helpers import plain, screen_lines, settle
from wzdesk.core.billing import parse_line_spec
from wzdesk.services.billing import prepaid, quotes
from wzdesk.services.billing.time_log import log_time
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import Case, OutboundMail, Quote, QuoteLine, TimeEntry
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.quote import QuoteEditor
from wzdesk.tui.screens.time_entry import TimeEntryPrompt
from wzdesk.tui.widgets import CaseDetail
from wzdesk.tui.widgets.services_section import ServicesSection


def _main(pilot: Pilot) -> MainScreen:
    return next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))


def section(pilot: Pilot) -> ServicesSection:
    return _main(pilot).query_one(ServicesSection)


def section_text(pilot: Pilot) -> str:
    return plain(section(pilot).content)


def static_text(pilot: Pilot, selector: str) -> str:
    return plain(pilot.app.screen.query_one(selector, Static).content)


async def case_shown(pilot: Pilot, ref: str) -> None:
    """Open case ``ref`` and wait until its detail and services section are on screen."""
    await settle(pilot, lambda: pilot.app.snapshot is not None)
    pilot.app.show_case(ref)
    detail = _main(pilot).query_one(CaseDetail)
    await settle(pilot, lambda: detail.case is not None and detail.case["ref"] == ref)
    await settle(pilot, lambda: section(pilot).loaded and section(pilot).ref == ref)


async def type_into(pilot: Pilot, widget: Input, text: str) -> None:
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)


async def time_prompt(pilot: Pilot, ref: str, role: str, hours: str) -> TimeEntryPrompt:
    """Open case ``ref``, press T, choose ``role`` and type ``hours``."""
    await case_shown(pilot, ref)
    await pilot.press("T")
    await settle(pilot, lambda: isinstance(pilot.app.screen, TimeEntryPrompt))
    prompt = pilot.app.screen
    assert isinstance(prompt, TimeEntryPrompt)
    prompt.query_one("#time-role", Select).value = role
    await type_into(pilot, prompt.query_one("#time-hours", Input), hours)
    return prompt


async def quote_editor(pilot: Pilot, ref: str) -> QuoteEditor:
    """Open case ``ref`` and press Q."""
    await case_shown(pilot, ref)
    await pilot.press("Q")
    await settle(pilot, lambda: isinstance(pilot.app.screen, QuoteEditor))
    editor = pilot.app.screen
    assert isinstance(editor, QuoteEditor)
    return editor


def approved_quote(ctx: ServiceContext, ref: str, *, prepaid_hours: int = 0) -> int:
    specs = [parse_line_spec(s) for s in ("coordinator:1:d", "specialist:10:h", "programmer:2.6:h")]
    quote = quotes.new_quote(ctx, ref, "c", "Train five new administrators", specs)
    quotes.move_quote(ctx, quote.id, "send")
    if prepaid_hours:
        prepaid.buy(ctx, "ACME", prepaid_hours)
    quotes.move_quote(ctx, quote.id, "approve", prepaid=bool(prepaid_hours))
    return quote.id


async def test_prepaid_hours_keep_their_unit_at_every_width(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    """Beside the heading when the pane is wide enough, else on a line of their own: never
    "31.50" at the end of one line and its "h" alone on the next (seen at 120×40), also
    after the terminal is resized."""
    quote_id = approved_quote(agent, seeded[0], prepaid_hours=40_00)
    log_time(agent, quote_id, "specialist", 8_50)
    app = make_app(agent)
    async with app.run_test(size=(200, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        lines = screen_lines(pilot)
        assert any("Professional services  ACME prepaid: 31.50 h" in line for line in lines)
        for size in ((120, 40), (100, 40), (200, 50)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            lines = screen_lines(pilot)
            shown = [line for line in lines if "prepaid: 31.50" in line]
            assert shown and all("prepaid: 31.50 h" in line for line in shown), (size, lines)
            assert not any(line.strip().endswith("│ h") for line in lines)


async def test_section_shows_quote_time_and_prepaid_hours(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    quote_id = approved_quote(agent, seeded[0], prepaid_hours=40_00)
    log_time(agent, quote_id, "specialist", 8_50)
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        text = section_text(pilot)
        assert "Professional services  ACME prepaid: 31.50 h," in text
        assert "\n12.10 h promised to Q-1" in text  # not free to promise to another quote
        assert "Q-1 approved  c) Training  · prepaid" in text
        assert "programmer  2.60 h × $125.00" in text
        assert "total" in text and "$2,775.00" in text
        assert "8.50 / 10.00 h" in text and "0.00 / 2.60 h" in text


async def test_quote_editor_live_total_and_save(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        assert "No quote yet. Q: new quote" in section_text(pilot)
        editor = await quote_editor(pilot, seeded[0])
        editor.query_one("#quote-type", Select).value = "c"
        editor.query_one("#quote-scope", TextArea).insert("Train five new administrators")
        await type_into(pilot, editor.query_one(".line-qty", Input), "12")
        await settle(pilot, lambda: "Total $1,500.00" in static_text(pilot, "#quote-total"))
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: len(editor.query(".quote-line")) == 2)
        second = editor.query(".quote-line").last()
        second.query_one(".line-role", Select).value = "coordinator"
        second.query_one(".line-unit", Select).value = "d"
        await type_into(pilot, second.query_one(".line-qty", Input), "1")
        await settle(pilot, lambda: "Total $2,700.00" in static_text(pilot, "#quote-total"))
        assert "$1,200.00" in plain(second.query_one(".line-amount", Static).content)
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: len(editor.query(".quote-line")) == 3)
        await pilot.press("ctrl+d")  # the new, empty line (it has the cursor) goes again
        await settle(pilot, lambda: len(editor.query(".quote-line")) == 2)
        await settle(pilot, lambda: "Total $2,700.00" in static_text(pilot, "#quote-total"))
        await type_into(pilot, editor.query_one("#quote-discount", Input), "10")
        await settle(pilot, lambda: "Total $2,430.00" in static_text(pilot, "#quote-total"))
        assert "discount 10.00% $270.00" in static_text(pilot, "#quote-total")
        assert Quote.select().count() == 0  # nothing is written while typing
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        quote = Quote.get()
        assert (quote.service_type, quote.discount_bp, quote.status) == ("c", 10_00, "draft")
        lines = QuoteLine.select().order_by(QuoteLine.position)
        assert [(x.role, x.quantity_hundredths, x.unit) for x in lines] == [
            ("specialist", 12_00, "h"),
            ("coordinator", 1_00, "d"),
        ]
        await settle(pilot, lambda: "Q-1 draft" in section_text(pilot))
        assert "$2,430.00" in section_text(pilot)


async def test_at_80x24_the_quote_editor_shows_its_total_and_its_error(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    """Seen in tmux at 80x24: the box was taller than the screen and cut off its last lines,
    the live total and the error ("Service type: choose…"): Ctrl+S seemed to do nothing."""
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await quote_editor(pilot, seeded[0])
        await type_into(pilot, editor.query_one(".line-qty", Input), "4")
        await settle(pilot, lambda: "Total $" in "\n".join(screen_lines(pilot)))
        await pilot.press("ctrl+s")  # no service type chosen
        await settle(pilot, lambda: "Service type" in static_text(pilot, "#quote-error"))
        screen = "\n".join(screen_lines(pilot))
        assert "Service type: choose" in screen and "Total $" in screen
        assert Quote.select().count() == 0


async def test_at_80x24_a_total_without_a_bad_line_says_so(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    """Seen from outside at 80x24: a quantity of 5.005 on line 1 dropped the line from the
    total ($2,700.00 shown for a quote of more), and the error sat above, out of view."""
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await quote_editor(pilot, seeded[0])
        await type_into(pilot, editor.query_one(".line-qty", Input), "4")
        await settle(pilot, lambda: "Total $500.00" in static_text(pilot, "#quote-total"))
        await pilot.press("ctrl+n")
        await settle(pilot, lambda: len(editor.query(".quote-line")) == 2)
        second = editor.query(".quote-line").last()
        await type_into(pilot, second.query_one(".line-qty", Input), "5.005")
        await settle(pilot, lambda: "line 2 left out" in static_text(pilot, "#quote-total"))
        screen = "\n".join(screen_lines(pilot))  # in view beside the total, at 80x24
        assert "Total $500.00" in screen and "line 2 left out" in screen, screen


async def test_quote_editor_names_the_bad_field_and_writes_nothing(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        editor = await quote_editor(pilot, seeded[0])
        editor.query_one("#quote-type", Select).value = "a"
        editor.query_one("#quote-scope", TextArea).insert("Approval step")
        await type_into(pilot, editor.query_one(".line-qty", Input), "0")
        await settle(pilot, lambda: "Line 1 quantity" in static_text(pilot, "#quote-error"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, QuoteEditor)
        assert static_text(pilot, "#quote-error").strip() == (
            "Line 1 quantity: must be more than zero (got 0)"
        )
        assert Quote.select().count() == 0


async def test_quote_editor_opens_the_draft_to_edit(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    quote = quotes.new_quote(agent, seeded[0], "g", "Tweak", [parse_line_spec("programmer:3:h")])
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        editor = await quote_editor(pilot, seeded[0])
        assert editor.query_one(".line-qty", Input).value == "3.00"
        await settle(pilot, lambda: "Total $375.00" in static_text(pilot, "#quote-total"))
        qty = editor.query_one(".line-qty", Input)
        qty.value = ""
        await type_into(pilot, qty, "4")
        await settle(pilot, lambda: "Total $500.00" in static_text(pilot, "#quote-total"))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert quotes.show_quote(quote.id)["total"] == "500.00"
        assert Quote.select().count() == 1


async def test_send_a_quote_by_key(seeded: list[str], agent: ServiceContext, make_app: Any) -> None:
    quotes.new_quote(agent, seeded[0], "c", "Training", [parse_line_spec("specialist:4:h")])
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        await pilot.press("P")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        prompt = plain(pilot.app.screen.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Emailed to Ana Diaz <ana@acme.example>; the case waits on the client" in prompt
        await pilot.press("1")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).status == "waiting_client")
        assert OutboundMail.select().where(OutboundMail.kind == "quote_sent").count() == 1
        await settle(pilot, lambda: "Q-1 sent" in section_text(pilot))


async def test_p_and_t_ask_which_quote_when_several_could_move(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    """P and T acted on the newest quote alone: an older sent quote could not be approved
    while a newer draft existed, nor time logged on an older approved one (QA finding 7)."""
    spec = [parse_line_spec("specialist:4:h")]
    older = quotes.new_quote(agent, seeded[0], "c", "Training", spec).id
    quotes.move_quote(agent, older, "send")
    newer = quotes.new_quote(agent, seeded[0], "g", "Report tweak", spec).id  # a draft
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        await pilot.press("P")
        await settle(pilot, lambda: "which quote moves on?" in _prompt_title(pilot))
        options = pilot.app.screen.query_one(OptionList)
        assert plain(options.get_option_at_index(0).prompt).strip() == (
            f"1 Q-{newer} draft\n   g) Report and extract tweaks; total $500.00"
        )
        assert plain(options.get_option_at_index(1).prompt).strip() == (
            f"2 Q-{older} sent\n   c) Training; total $500.00"
        )
        await pilot.press("2")
        await settle(pilot, lambda: f"Q-{older} is sent: what next?" in _prompt_title(pilot))
        await pilot.press("1")  # approved by the client (invoiced)
        await settle(pilot, lambda: quotes.show_quote(older)["status"] == "approved")
        quotes.move_quote(agent, newer, "send")
        quotes.move_quote(agent, newer, "approve")
        pilot.app.screen.reload_detail(seeded[0])
        await settle(pilot, lambda: f"Q-{newer} approved" in section_text(pilot))
        await pilot.press("T")
        await settle(pilot, lambda: "log time on which quote?" in _prompt_title(pilot))
        await pilot.press("2")  # the older approved quote
        await settle(pilot, lambda: isinstance(pilot.app.screen, TimeEntryPrompt))
        assert f"Log time on Q-{older}" in _prompt_title(pilot)


def _prompt_title(pilot: Pilot) -> str:
    titles = pilot.app.screen.query(".prompt-title")
    return " ".join(plain(title.content) for title in titles if isinstance(title, Static))


async def test_p_and_t_are_offered_where_a_quote_can_move_on_or_take_time(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    """The key bar offered "P Quote status" and "T Log time" on every case; pressed on one
    with no quote they were refused. Offered where they apply; pressed elsewhere, they say
    why."""
    from tests.tui.helpers import key_bar_text, notifications

    app = make_app(agent)
    async with app.run_test(size=(200, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        await settle(pilot, lambda: "Q Quote" in key_bar_text(pilot))
        assert "P Quote status" not in key_bar_text(pilot)
        assert "T Log time" not in key_bar_text(pilot)
        await pilot.press("P")
        said = f"{seeded[0]} has no quote to move on (Q writes one)"
        await settle(pilot, lambda: said in notifications(pilot))
        quote = quotes.new_quote(
            agent, seeded[0], "c", "Training", [parse_line_spec("specialist:4:h")]
        )
        pilot.app.screen.reload_detail(seeded[0])
        await settle(pilot, lambda: "P Quote status" in key_bar_text(pilot))
        assert "T Log time" not in key_bar_text(pilot)  # a draft takes no time
        await pilot.press("T")
        said = f"{seeded[0]} has no approved quote; time is logged against one"
        await settle(pilot, lambda: said in notifications(pilot))
        quotes.move_quote(agent, quote.id, "send")
        quotes.move_quote(agent, quote.id, "approve")
        pilot.app.screen.reload_detail(seeded[0])
        await settle(pilot, lambda: "T Log time" in key_bar_text(pilot))


async def test_log_time_by_key_with_the_80_percent_warning(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    approved_quote(agent, seeded[0])
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        prompt = await time_prompt(pilot, seeded[0], "specialist", "8.5")
        assert not prompt.query(Checkbox)  # agents cannot allow an overrun
        await settle(pilot, lambda: "85%" in static_text(pilot, "#time-usage"))
        assert static_text(pilot, "#time-usage").strip() == (
            "specialist: 0.00 of 10.00 h used; with this entry 8.50 h (85%) — 80% or more of "
            "the quote"
        )
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        entry = TimeEntry.get()
        assert (entry.author, entry.role, entry.hours_hundredths) == ("kim", "specialist", 8_50)
        await settle(pilot, lambda: "8.50 / 10.00 h" in section_text(pilot))


async def test_an_agents_overrun_is_refused_in_the_form(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    approved_quote(agent, seeded[0])
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await time_prompt(pilot, seeded[0], "programmer", "3")
        await settle(pilot, lambda: "past the quote" in static_text(pilot, "#time-usage"))
        assert "a supervisor must allow it" in static_text(pilot, "#time-usage")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Not logged" in static_text(pilot, "#time-error"))
        assert "would bring programmer to 3.00 h of the 2.60 h quoted" in static_text(
            pilot, "#time-error"
        )
        assert TimeEntry.select().count() == 0


async def test_a_supervisor_allows_an_overrun(
    seeded: list[str], supervisor: ServiceContext, make_app: Any
) -> None:
    approved_quote(supervisor, seeded[0])
    app = make_app(supervisor)
    async with app.run_test(size=(160, 50)) as pilot:
        prompt = await time_prompt(pilot, seeded[0], "programmer", "3")
        prompt.query_one("#time-overrun", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        assert TimeEntry.get().overrun_allowed_by == "sam"


async def test_resolve_hands_off_to_professional_services(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        await pilot.press("H")
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert("This needs a day of training.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Case.get(Case.ref == seeded[0]).status == "resolved")
        linked = Case.get(Case.category == "services")
        assert Quote.get().case_id == linked.id


async def test_phone_staff_are_not_offered_services_keys(
    seeded: list[str], phone_staff: ServiceContext, make_app: Any
) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        main = _main(pilot)
        for action in ("quote", "quote_move", "log_time", "handoff"):
            assert main.check_action(action, ()) is False


async def test_escalating_to_professional_services_opens_a_draft(
    seeded: list[str], agent: ServiceContext, make_app: Any
) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 50)) as pilot:
        await case_shown(pilot, seeded[0])
        await pilot.press("e")
        await settle(pilot, lambda: pilot.app.screen.query(OptionList))
        await pilot.press("3")  # Professional services
        await settle(pilot, lambda: pilot.app.screen.query(TextArea))
        pilot.app.screen.query_one(TextArea).insert("The client wants a custom extract.")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: Quote.select().count() == 1)
        await settle(pilot, lambda: "Q-1 draft  type not set" in section_text(pilot))
        assert "no lines yet (Q to edit)" in section_text(pilot)
