"""The calendar screen, from the palette: each policy version's week (per weekday, overnight
windows) and targets, the holidays and half-days; Esc goes back. Supervisors add (``a``) and
remove (``d``) holidays there, seeing the what-if before saving; others do not get the keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from tests.conftest import local, new_case
from tests.tui.helpers import line_with, notifications, screen_lines
from tests.tui.test_flows import settle
from wzdesk.core.case_sla import Deadlines
from wzdesk.core.clock import FixedClock
from wzdesk.core.rules import Role
from wzdesk.core.sla import Severity
from wzdesk.services import cases
from wzdesk.services.calendar import (
    PolicyChange,
    add_holiday,
    change_policy,
    remove_holiday,
)
from wzdesk.services.retiming import CaseMove, Retiming
from wzdesk.store.models import AuditEntry, Case, Holiday
from wzdesk.tui.formatting import local_time
from wzdesk.tui.screens.calendar import CalendarScreen
from wzdesk.tui.screens.calendar_change import (
    HolidayForm,
    WhatIfScreen,
    what_if_rows,
    what_if_summary,
)
from wzdesk.tui.screens.help import HelpScreen, keys_for
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.prompts import ConfirmPrompt


def text(pilot: Pilot) -> str:
    return "\n".join(screen_lines(pilot))


async def test_palette_shows_hours_holidays_and_half_days(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    change_policy(
        supervisor,
        PolicyChange(
            effective_from=clock.now() + timedelta(days=1),
            weekly_hours=("mon-thu=08:00-18:00", "fri=08:00-16:00", "sat=22:00-06:00"),
            response_days={Severity.MAJOR: 1},
        ),
    )
    add_holiday(supervisor, date(2026, 12, 24), "Christmas Eve", hours="08:00-12:00")
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot is not None)
        await pilot.press("ctrl+p")
        await pilot.press(*"calendar")
        await settle(pilot, lambda: "Calendar: opening hours" in text(pilot))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        await settle(pilot, lambda: "Christmas Eve" in text(pilot))
        shown = text(pilot)
        assert "mon-thu 08:00-18:00, fri 08:00-16:00, sat 22:00-06:00" in shown
        assert "mon-fri 08:00-18:00" in shown  # the shipped version keeps its week
        assert "1 open day(s)" in shown
        eve = next(line for line in screen_lines(pilot) if "Christmas Eve" in line)
        assert "08:00-12:00" in eve
        day = next(line for line in screen_lines(pilot) if "Christmas Day" in line)
        assert "closed all day" in day
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


# -- changing the holidays from the console: the what-if, then Save or Cancel --------------------


async def open_calendar(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """As the user does: the palette, then the calendar entry."""
    await settle(pilot, lambda: pilot.app.snapshot is not None)
    await pilot.press("ctrl+p", *"calendar")
    await settle(pilot, lambda: "Calendar: opening hours" in text(pilot))
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
    await settle(pilot, lambda: "Version 1" in text(pilot))


def deadlines(ref: str) -> tuple[datetime, ...]:
    case = Case.get(Case.ref == ref)
    return (
        case.response_due,
        case.response_at_risk_at,
        case.resolution_due,
        case.resolution_at_risk_at,
    )


def shown(instant: datetime, clock: FixedClock) -> str:
    return local_time(instant, ZoneInfo("America/Toronto"), now=clock.now())


async def open_holiday_form(pilot: Pilot) -> None:  # type: ignore[type-arg]
    """The calendar from the palette, then ``a``: the holiday form."""
    await open_calendar(pilot)
    await pilot.press("a")
    await settle(pilot, lambda: isinstance(pilot.app.screen, HolidayForm))


async def fill_form(pilot: Pilot, day: str, name: str = "", hours: str = "") -> None:  # type: ignore[type-arg]
    form = pilot.app.screen
    assert isinstance(form, HolidayForm)
    for field, value in (("date", day), ("name", name), ("hours", hours)):
        form.query_one(f"#holiday-{field}", Input).value = value
    await pilot.press("ctrl+s")


async def test_adding_a_holiday_shows_the_what_if_and_saves_exactly_it(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    _, major, minor = seeded
    before = {ref: deadlines(ref) for ref in seeded}
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        assert "a Add holiday" in text(pilot)
        # Nothing said yet: no blank status line between the table and the key bar.
        assert screen_lines(pilot)[-2].startswith("╰"), screen_lines(pilot)[-3:]
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HolidayForm))
        await fill_form(pilot, "2026-03-10", "Closed Tuesday")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        await settle(pilot, lambda: "What if:" in text(pilot))
        what_if = pilot.app.screen.what
        moved = {move.ref for move in what_if.retiming.moves}
        assert {major, minor} <= moved  # received Monday: their clocks run through Tuesday
        summary = line_with(pilot, "What if:")
        assert f"{len(moved)} cases move" in summary
        assert "Add holiday 2026-03-10 “Closed Tuesday”?" in text(pilot)
        # The major case's resolution (days away) moves a whole day: listed with both instants.
        row = next(line for line in screen_lines(pilot) if major in line and "resolution" in line)
        assert shown(before[major][2], clock) in row
        assert "+24h00m" in row
        shown_after = row.split(shown(before[major][2], clock))[1]
        assert not Holiday.select().exists()  # the what-if wrote nothing
        assert deadlines(major) == before[major]
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        saved = f"Holiday 2026-03-10 added; {len(moved)} cases re-timed"
        await settle(pilot, lambda: saved in text(pilot))
        assert saved in screen_lines(pilot)[-2]  # the status line, above the key bar
        assert "not what the what-if showed" not in text(pilot)
        await settle(pilot, lambda: "Closed Tuesday" in text(pilot))  # in the holidays table
        # Saving wrote exactly the due instants the what-if showed.
        for move in what_if.retiming.moves:
            row = Case.get(Case.ref == move.ref)
            assert Deadlines(*deadlines(move.ref), row.resolution_paused_after_due) == move.after
        assert shown(deadlines(major)[2], clock) in shown_after
        retimed = {
            e.entity_id for e in AuditEntry.select().where(AuditEntry.action == "case.retime")
        }
        assert retimed == moved


async def test_a_what_if_cut_short_says_how_many_it_lists_of_how_many(
    seeded, supervisor, clock, make_app, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Seen at 120x40: 20 rows in sight, then "… and 21 more" (beyond the table's 200 rows,
    not beyond the 20 on screen): read as 41 moves when 221 targets moved."""
    from wzdesk.tui.screens import calendar_change

    monkeypatch.setattr(calendar_change, "MAX_WHAT_IF_ROWS", 2)
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_holiday_form(pilot)
        await fill_form(pilot, "2026-03-10", "Closed Tuesday")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        _, total = calendar_change.what_if_rows(
            pilot.app.screen.what.retiming.moves, ZoneInfo("America/Toronto"), clock.now()
        )
        assert total > 2
        await settle(pilot, lambda: "moved targets" in text(pilot))
        assert f"lists the first 2 of {total} moved targets" in " ".join(text(pilot).split())


async def test_bad_input_names_the_field_and_cancel_writes_nothing(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    before = {ref: deadlines(ref) for ref in seeded}
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_holiday_form(pilot)
        await fill_form(pilot, "2026-02-30", "Nope")
        await settle(pilot, lambda: "Date: expected a date YYYY-MM-DD" in text(pilot))
        await fill_form(pilot, "2026-03-10", "Half day", "08:00-25:00")
        await settle(pilot, lambda: "Hours: " in text(pilot))
        assert "must use times from 00:00 to 24:00" in line_with(pilot, "Hours: ")
        assert isinstance(pilot.app.screen, HolidayForm)  # still there, values kept
        await fill_form(pilot, "2026-03-10", "Half day", "08:00-12:00")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        assert "Add holiday 2026-03-10 “Half day” (open 08:00-12:00)?" in text(pilot)
        await pilot.press("escape")  # cancel
        await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
        await settle(pilot, lambda: "Nothing saved." in text(pilot))
        await pilot.press("a")  # Esc in the form with something typed asks first
        await settle(pilot, lambda: isinstance(pilot.app.screen, HolidayForm))
        await pilot.press(*"2026-03-1", "escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ConfirmPrompt))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(pilot.app.screen, CalendarScreen))
    assert not Holiday.select().exists()
    assert {ref: deadlines(ref) for ref in seeded} == before
    assert not AuditEntry.select().where(AuditEntry.action.startswith("holiday")).exists()
    assert not AuditEntry.select().where(AuditEntry.action == "case.retime").exists()


async def test_saving_after_the_desk_changed_says_so(seeded, supervisor, clock, make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_holiday_form(pilot)
        await fill_form(pilot, "2026-03-10")
        await settle(pilot, lambda: "What if: 3 cases move" in text(pilot))
        # Meanwhile another agent logs a case whose clock runs through Tuesday too.
        late = cases.open_case(
            supervisor, new_case(severity="major", received_at=local(2026, 3, 9, 9, 45))
        ).ref
        assert late not in text(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Holiday 2026-03-10 added; 4 cases re-timed" in text(pilot))
        assert "not what the what-if showed: the desk changed meanwhile" in text(pilot)
    assert Case.get(Case.ref == late).response_due == local(2026, 3, 11, 9, 45)


async def test_removing_the_highlighted_holiday_says_which_case_newly_breaches(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    add_holiday(supervisor, date(2026, 3, 2), "Long ago")  # first row: not the one removed
    add_holiday(supervisor, date(2026, 3, 9), "Closed Monday")
    # Received Friday 15:30: 4 business hours for a response, Friday 15:30-18:00 then (Monday
    # closed) Tuesday 08:00-09:30. Without the holiday it was due Monday 09:30: breached at 10:00.
    friday = cases.open_case(
        supervisor, new_case(severity="critical", received_at=local(2026, 3, 6, 15, 30))
    ).ref
    assert Case.get(Case.ref == friday).response_due == local(2026, 3, 10, 9, 30)
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Closed Monday" in text(pilot))
        await pilot.press("down")  # highlight Monday's holiday
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        assert "Remove holiday 2026-03-09 “Closed Monday”?" in text(pilot)
        row = next(line for line in screen_lines(pilot) if friday in line and "response" in line)
        assert shown(local(2026, 3, 10, 9, 30), clock) in row
        assert shown(local(2026, 3, 9, 9, 30), clock) in row
        assert "-24h00m" in row and "newly breached" in row
        assert "newly breached" in line_with(pilot, "What if:")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Holiday 2026-03-09 removed;" in text(pilot))
        await settle(pilot, lambda: "Closed Monday" not in text(pilot))
        assert "Long ago" in text(pilot)
    assert Case.get(Case.ref == friday).response_due == local(2026, 3, 9, 9, 30)
    assert [h.day for h in Holiday.select()] == [date(2026, 3, 2)]


async def test_a_holiday_removed_elsewhere_meanwhile_is_refused_and_nothing_changes(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    add_holiday(supervisor, date(2026, 3, 10), "Closed Tuesday")
    before = {ref: deadlines(ref) for ref in seeded}
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Closed Tuesday" in text(pilot))
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        remove_holiday(supervisor, date(2026, 3, 10))  # another supervisor, from the CLI
        after_cli = {ref: deadlines(ref) for ref in seeded}
        assert after_cli != before
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Not done: Date: no holiday on 2026-03-10" in text(pilot))
    assert {ref: deadlines(ref) for ref in seeded} == after_cli
    assert not Holiday.select().exists()


async def test_an_agent_does_not_get_the_keys(seeded, supervisor, agent, clock, make_app) -> None:  # type: ignore[no-untyped-def]
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    app = make_app(agent)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Christmas Day" in text(pilot))
        assert "Add holiday" not in text(pilot) and "Remove holiday" not in text(pilot)
        for key in ("a", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(pilot.app.screen, CalendarScreen)
        said = notifications(pilot)
        assert any("kim (agent) may not add a holiday: supervisors" in n for n in said)
        assert any("may not remove a holiday" in n for n in said)
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        assert "Remove the highlighted holiday" not in text(pilot)
    assert [h.day for h in Holiday.select()] == [date(2026, 12, 25)]


def test_the_what_if_lists_breach_changes_first_and_counts_what_it_cuts() -> None:
    zone = ZoneInfo("America/Toronto")
    now = local(2026, 3, 9, 10)
    hour = timedelta(hours=1)

    def move(ref: str, shift: timedelta, states: tuple[str, str, str, str]) -> CaseMove:
        before = Deadlines(now + hour, now, now + 5 * hour, now + 4 * hour, 0.0)
        after = Deadlines(now + hour, now, now + 5 * hour + shift, now + 4 * hour + shift, 0.0)
        return CaseMove(ref, 1, before, after, *states)

    quiet = move("WZ-1001", timedelta(days=1), ("pending", "pending", "pending", "pending"))
    breaching = move("WZ-1002", -6 * hour, ("pending", "pending", "pending", "breached"))
    rows, total = what_if_rows((quiet, breaching), zone, now, limit=1)
    assert total == 2  # one moved target each (the response stays put)
    assert rows == [
        [
            "WZ-1002",
            "resolution",
            "Mon 09 Mar 15:00",
            "Mon 09 Mar 09:00",
            "-6h00m",
            "newly breached",
        ]
    ]
    assert what_if_summary(Retiming((quiet, breaching), dry_run=True)) == (
        "2 cases move · 1 newly breached"
    )
    assert what_if_summary(Retiming((quiet,))) == "1 case moves"


def test_only_supervisors_see_the_calendar_keys_in_the_help() -> None:
    def calendar_keys(role: Role) -> list[str]:
        return [
            k.key for group, keys in keys_for(role) if group.startswith("Calendar") for k in keys
        ]

    assert calendar_keys(Role.SUPERVISOR) == ["a", "d", "Ctrl+S / Esc", "Esc"]
    for role in (Role.AGENT, Role.PHONE):
        assert calendar_keys(role) == ["Esc"]


# -- the list tells the truth: changes from the CLI, refusals, a holiday gone meanwhile ---------


def holidays_shown(pilot: Pilot) -> list[str]:  # type: ignore[type-arg]
    """The dates in the holidays table, top to bottom."""
    table = pilot.app.screen.query_one("#holidays", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


def highlighted_date(pilot: Pilot) -> str:  # type: ignore[type-arg]
    table = pilot.app.screen.query_one("#holidays", DataTable)
    return str(table.get_row_at(table.cursor_row)[0])


def notice(pilot: Pilot) -> str:  # type: ignore[type-arg]
    """The line that says a highlighted holiday went ("" when hidden)."""
    line = pilot.app.screen.query_one("#calendar-notice", Static)
    return str(line.render()) if line.display else ""


async def test_holidays_added_and_removed_from_the_cli_show_while_open(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    """``wzdesk holidays add|remove`` while the screen is open: the list follows, no key
    pressed (it was read once, on opening), and the cursor stays on its holiday."""
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Christmas Day" in text(pilot))
        add_holiday(supervisor, date(2026, 12, 26), "Boxing Day")
        await settle(pilot, lambda: "Boxing Day" in text(pilot))
        await pilot.press("down")
        assert highlighted_date(pilot) == "2026-12-26"
        add_holiday(supervisor, date(2026, 3, 10), "Closed Tuesday")  # a row above it
        await settle(pilot, lambda: "Closed Tuesday" in text(pilot))
        assert holidays_shown(pilot) == ["2026-03-10", "2026-12-25", "2026-12-26"]
        assert highlighted_date(pilot) == "2026-12-26"  # by date, not by row
        remove_holiday(supervisor, date(2026, 3, 10))
        await settle(pilot, lambda: "Closed Tuesday" not in text(pilot))
        assert highlighted_date(pilot) == "2026-12-26" and notice(pilot) == ""


async def test_a_highlighted_holiday_removed_elsewhere_is_named_with_the_new_highlight(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    """It moved without a word to the row that took its place: ``d`` then offered to remove
    a holiday the user never picked. The notice stays until the user moves on."""
    add_holiday(supervisor, date(2026, 12, 24), "Christmas Eve")
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    add_holiday(supervisor, date(2026, 12, 31), "New Year's Eve")
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Christmas Day" in text(pilot))
        await pilot.press("down")
        remove_holiday(supervisor, date(2026, 12, 25))  # from the CLI
        await settle(pilot, lambda: holidays_shown(pilot) == ["2026-12-24", "2026-12-31"])
        await settle(pilot, lambda: notice(pilot) != "")
        assert highlighted_date(pilot) == "2026-12-31"
        said = line_with(pilot, "2026-12-25 “Christmas Day”")
        assert "no longer in the calendar" in said and "now on 2026-12-31 “New Year's" in said
        assert any("2026-12-25 “Christmas Day”" in n for n in notifications(pilot))
        add_holiday(supervisor, date(2026, 12, 28), "Closed Monday")
        await settle(pilot, lambda: "Closed Monday" in text(pilot))  # a reload later
        assert "2026-12-25 “Christmas Day”" in notice(pilot)  # still said
        await pilot.press("up")
        await settle(pilot, lambda: notice(pilot) == "")


async def test_a_refused_removal_rereads_the_list_and_says_why(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    """The holiday was removed from the CLI between the what-if and Save; the screen re-reads
    nothing on a timer here (an hour), so only the refusal's re-read can put the list right.
    It kept listing the holiday, and every later ``d`` was refused again."""
    add_holiday(supervisor, date(2026, 3, 10), "Closed Tuesday")
    add_holiday(supervisor, date(2026, 12, 25), "Christmas Day")
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "Closed Tuesday" in text(pilot))
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        remove_holiday(supervisor, date(2026, 3, 10))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: "Not done: Date: no holiday on 2026-03-10" in text(pilot))
        await settle(pilot, lambda: holidays_shown(pilot) == ["2026-12-25"])
        assert "Not done: Date: no holiday on 2026-03-10" in text(pilot)  # why, still said
        assert "now on 2026-12-25 “Christmas Day”" in notice(pilot)


async def test_the_holiday_forms_error_goes_once_its_field_is_corrected(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_holiday_form(pilot)
        await fill_form(pilot, "2026-02-30", "Nope")
        await settle(pilot, lambda: "Date: expected a date YYYY-MM-DD" in text(pilot))
        await pilot.press("backspace", "9")  # 2026-02-29: still no such day, but edited
        await settle(pilot, lambda: "Date: expected" not in text(pilot))
        assert isinstance(pilot.app.screen, HolidayForm)


async def test_d_on_an_empty_calendar_says_there_is_nothing_to_remove(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(supervisor)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_calendar(pilot)
        await settle(pilot, lambda: "no holidays yet" in text(pilot))
        await pilot.press("d")
        await settle(pilot, lambda: "No holiday to remove" in text(pilot))
        assert isinstance(pilot.app.screen, CalendarScreen)


async def test_the_what_if_summary_stays_in_sight_at_80x24(
    seeded, supervisor, clock, make_app
) -> None:  # type: ignore[no-untyped-def]
    """A long what-if at 80x24: the box scrolls to its table, so the summary must fit its
    line. One case waited on the client over the day after its breach: said in a few words
    (a sentence of it took three lines and pushed "N cases move" out of sight, in tmux)."""
    for _ in range(20):  # received Monday 09:00: their resolution falls due on Thursday
        cases.open_case(supervisor, new_case(severity="major", received_at=local(2026, 3, 9, 9)))
    waited = cases.open_case(supervisor, new_case()).ref  # critical: due Wed 11 March 14:00
    cases.reply(supervisor, waited, "Looking into it.")
    clock.advance(local(2026, 3, 11, 15) - clock.now())
    cases.set_status(supervisor, waited, "waiting_client")  # 1h overdue
    clock.advance(local(2026, 3, 13, 10) - clock.now())
    cases.set_status(supervisor, waited, "open")
    app = make_app(supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_holiday_form(pilot)
        await fill_form(pilot, "2026-03-12")
        await settle(pilot, lambda: isinstance(pilot.app.screen, WhatIfScreen))
        assert pilot.app.screen.what.retiming.waits_recounted == 1
        await settle(pilot, lambda: "What if:" in text(pilot))
        summary = line_with(pilot, "What if:")
        assert "cases move" in summary and "1 wait after a breach recounted" in summary
        assert "Add holiday 2026-03-12?" in text(pilot)
