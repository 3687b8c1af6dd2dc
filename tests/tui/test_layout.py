"""The console at 80×24, 120×40 and 200×50: what fits, what shows, what each role is offered."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.tui.helpers import (
    detail_ref,
    detail_text,
    key_bar_text,
    line_with,
    main_screen,
    notifications,
    queue,
    row_line,
    screen_lines,
    screen_text,
    settle,
)
from wzdesk.services.queue import QueueCounts
from wzdesk.tui.queue_view import QuickFilter
from wzdesk.tui.screens.help import KEYS, HelpScreen, readme_key_table
from wzdesk.tui.screens.intake import IntakeScreen
from wzdesk.tui.widgets.filter_bar import quick_filter_text
from wzdesk.tui.widgets.key_bar import key_bar_text as layout_key_bar


async def ready(pilot, count: int = 6) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: len(queue(pilot).rows) == count)


def six_critical_outages_by_tuesday(supervisor, clock) -> None:  # type: ignore[no-untyped-def]
    """Six more critical cases received Monday 08:00-08:05, all breached by Tuesday 10:00
    (the clock is moved there): more than the side panel's three a group."""
    from tests.conftest import local, new_case
    from wzdesk.services import cases

    for number in range(6):
        cases.open_case(
            supervisor,
            new_case(summary=f"Outage {number}", received_at=local(2026, 3, 9, 8, number)),
        )
    clock.advance(timedelta(days=1))


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_quick_filters_wrap_between_items_never_inside_one(width: int) -> None:
    from rich.style import Style

    counts = QueueCounts(1234, 56, 78, 9, 10, 11, {})
    styles = {name: Style() for name in ("active", "breached", "at_risk", "normal")}
    text = quick_filter_text(counts, QuickFilter.ALL, width, styles).plain
    lines = text.split("\n")
    assert all(len(line) <= width for line in lines)
    for quick in QuickFilter:
        label = quick.short_label if width < 110 else quick.label
        item = f"{quick.key} {label} {quick.count(counts):,}"  # 1,234: grouped as elsewhere
        assert sum(item in line for line in lines) == 1, (item, lines)


def test_key_bar_never_drops_keys_without_saying_so() -> None:
    from rich.style import Style

    items = [(f"k{i}", f"action number {i}", True) for i in range(30)]
    text = layout_key_bar(items, 80, Style(), Style()).plain
    lines = text.split("\n")
    assert len(lines) == 2 and all(len(line) <= 80 for line in lines)
    shown = sum(f"k{i} action" in text for i in range(30))
    assert shown < 30 and f"+{30 - shown} more: F1" in text


async def test_80x24_shows_the_queue_and_the_global_keys(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        keys = key_bar_text(pilot)
        assert "F1 Help" in keys and "F2 Log call" in keys and "F3 New case" in keys
        assert "r Reply" in keys  # the focused pane's keys follow
        text = screen_text(pilot)
        assert "Payroll export fails"[:12] in text
        assert "0 All 6" in text and "3 Brch 1" in text  # whole items, short labels
        assert not pilot.app.screen.query_one("#side-pane").region.width  # the case is hidden


async def test_120x40_puts_the_case_beside_the_queue(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        await settle(pilot, lambda: detail_ref(pilot) == queue(pilot).current_row.ref)
        screen = pilot.app.screen
        queue_box = screen.query_one("#queue-pane").region
        side_box = screen.query_one("#side-pane").region
        assert queue_box.width and side_box.width and side_box.x >= queue_box.right
        assert screen.query_one("#sla").region.height  # the breach panel above the case


async def test_200x50_shows_three_panes(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        await settle(pilot, lambda: detail_ref(pilot) is not None)
        screen = pilot.app.screen
        boxes = [
            screen.query_one(f"#{pane}").region for pane in ("queue-pane", "side-pane", "sla-pane")
        ]
        assert all(box.width >= 40 for box in boxes)
        assert boxes[0].right <= boxes[1].x and boxes[1].right <= boxes[2].x
        assert "SLA · 1 breached" in screen_text(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_a_reference_past_wz_99999_is_shown_whole(desk, agent, make_app, size) -> None:
    """A desk past case 99,999 has ten-character references: the Ref column widens to the
    longest one listed instead of showing "WZ-10000…" (which case is that?)."""
    from wzdesk.store.models import Case

    long_ref = "WZ-1000001"
    Case.update(ref=long_ref).where(Case.ref == desk["major"]).execute()
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert long_ref in row_line(pilot, long_ref)
        assert desk["minor"] in row_line(pilot, desk["minor"])
        assert "Payroll export"[: 8 if size[0] < 100 else 14] in screen_text(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_case_overdue_a_thousand_hours_shows_its_time_whole(
    desk, agent, supervisor, make_app, size
) -> None:
    """A case forgotten since last spring read ``-2456h0…`` in both timer cells. From a
    thousand business hours the minutes give way; the case pane gives the time in full."""
    from tests.conftest import local, new_case
    from wzdesk.services import cases

    stale = cases.open_case(
        supervisor,
        new_case(summary="Forgotten since spring", received_at=local(2025, 4, 1, 10)),
    )
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, 7)
        line = row_line(pilot, stale.ref)
        cells = re.findall(r"-(\d+)h(\S*)", line)
        assert len(cells) == 2 and all(len(hours) >= 4 for hours, _ in cells), line
        assert all(rest == "" for _, rest in cells), line  # neither cut nor with minutes
        assert "…" not in line.split(cells[0][0])[1], line
        await pilot.press("home")
        await settle(pilot, lambda: detail_ref(pilot) == stale.ref)
        assert f"overdue {cells[0][0]}h" in detail_text(pilot)


async def test_a_late_response_with_time_left_shows_no_minus_sign(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(200, 50)) as pilot:
        await ready(pilot)
        line = row_line(pilot, desk["late"])
        assert "late" in line and "13h00m" in line and "-" not in line.split("late")[1]
        text = screen_text(pilot)
        for panel_line in [ln for ln in text.splitlines() if desk["late"] in ln]:
            assert "overdue" not in panel_line and "-13h" not in panel_line


async def test_breach_panel_names_the_target_and_says_how_many_are_hidden(
    desk, agent, supervisor, make_app, clock
) -> None:
    six_critical_outages_by_tuesday(supervisor, clock)
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, 12)
        text = screen_text(pilot)
        assert "CRITICAL  7 breached · 1 at risk" in text  # 6 new + the first; "late" at risk
        assert "response overdue" in text
        assert "more critical" in text  # the side panel shows 3 a group, and says so
        # ...whole: the hint after the count was cut with "…" at 120 columns
        assert "+5 more critical (F4, then m: every case)" in line_with(pilot, "more critical")


def at_stake_by_tuesday(supervisor, clock, per_severity: int) -> None:  # type: ignore[no-untyped-def]
    """``per_severity`` cases of each severity received Monday 2 March from 08:00; the clock
    moved to Tuesday 10:00, when all of them are at stake."""
    from tests.conftest import local, new_case
    from wzdesk.services import cases

    for severity in ("critical", "major", "moderate", "minor"):
        for number in range(per_severity):
            cases.open_case(
                supervisor,
                new_case(
                    severity=severity,
                    summary=f"{severity} {number}",
                    received_at=local(2026, 3, 2, 8, number),
                ),
            )
    clock.advance(timedelta(days=1))


async def test_the_business_clock_keeps_to_one_line_when_the_breach_panel_scrolls(
    desk, agent, supervisor, make_app, clock
) -> None:
    """The panel's scroll bar appears once the board is counted and takes a cell: the clock,
    one cell too wide then, wrapped "18:00" onto a line of its own and moved the board down."""
    from wzdesk.tui.widgets import SlaPanel

    at_stake_by_tuesday(supervisor, clock, 5)  # more than the panel shows: it scrolls
    app = make_app(agent)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot, 26)
        panel = pilot.app.screen.query_one(SlaPanel)
        assert panel.max_scroll_y > 0 and panel.scrollbars_enabled[0]
        lines = screen_lines(pilot)
        at = next(i for i, line in enumerate(lines) if "● Open" in line)
        assert "closes 18:00" in lines[at]
        assert "10:00 EDT" in lines[at]  # the time stays, whatever else gives way
        assert "CRITICAL" in lines[at + 1]  # the board starts right below it


async def test_a_hidden_rows_hint_is_shortened_to_fit_not_cut(
    desk, agent, supervisor, make_app, clock
) -> None:
    """At a million cases, "+16333 more moderate (F4, then m: every …" was cut at 120
    columns; a narrow panel cuts it with a one-digit count. The hint gives way, the count
    stays whole."""
    from wzdesk.tui.widgets import SlaPanel

    six_critical_outages_by_tuesday(supervisor, clock)
    app = make_app(agent)
    async with app.run_test(size=(100, 40)) as pilot:
        await ready(pilot, 12)
        line = line_with(pilot, "more critical")
        panel = pilot.app.screen.query_one(SlaPanel)
        inside = line[panel.region.x : panel.region.right]
        assert "+5 more critical (F4" in inside and "…" not in inside, inside
        assert inside.rstrip(" │▁▂▃▄▅▆▇█").endswith(")"), inside


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_outside_business_hours_every_width_says_the_countdowns_stopped(
    desk, agent, make_app, clock, size
) -> None:
    """Below 100 columns there is no breach panel, and so no business clock: on a Saturday or
    at night the countdowns stood still with nothing on screen saying why."""
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        assert "Closed" not in screen_text(pilot)  # Monday 10:00: open
        height_when_open = queue(pilot).region.height
        if size[0] < 100:  # and no clock line taking a queue row while it is open
            assert "● Open" not in screen_text(pilot)
        clock.advance(timedelta(hours=10))  # Monday 20:00
        await settle(pilot, lambda: "countdowns stopped" in screen_text(pilot))
        closed = [line for line in screen_lines(pilot) if "○ Closed" in line]
        assert len(closed) == 1, closed  # one clock: the panel's, or the narrow one
        assert "opens Tue" in screen_text(pilot)
        if size[0] < 100:  # a case full screen has no panel either
            await pilot.press("enter")
            await settle(pilot, lambda: main_screen(pilot).is_full_screen)
            assert len([line for line in screen_lines(pilot) if "○ Closed" in line]) == 1
            await pilot.press("escape")
            await settle(pilot, lambda: not main_screen(pilot).is_full_screen)
        clock.advance(timedelta(hours=12, minutes=30))  # Tuesday 08:30: open again
        await settle(pilot, lambda: "○ Closed" not in screen_text(pilot))
        assert queue(pilot).region.height == height_when_open  # the queue has its line back


def critical_around_the_clock_at_risk_tonight(supervisor, clock) -> str:  # type: ignore[no-untyped-def]
    """Critical counts 24×7 from Monday 10:05; a critical case received Monday 17:00 (4 hours:
    due 21:00, at risk from 20:00). The clock is moved to Monday 20:30: closed, at risk."""
    from tests.conftest import local, new_case
    from wzdesk.core.sla import Severity
    from wzdesk.services import cases
    from wzdesk.services.calendar import PolicyChange, add_policy_version

    add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=local(2026, 3, 9, 10, 5), around_the_clock={Severity.CRITICAL: True}
        ),
    )
    clock.advance(timedelta(hours=7))  # Monday 17:00
    case = cases.open_case(
        supervisor, new_case(summary="Payroll down", received_at=local(2026, 3, 9, 17, 0))
    )
    clock.advance(timedelta(hours=3, minutes=30))  # Monday 20:30
    return case.ref


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_closed_never_says_every_countdown_stopped_while_a_severity_runs_24x7(
    desk, supervisor, make_app, clock, size
) -> None:
    """Seen in a review: with critical set to 24×7, the panel, the wallboard and the line at
    80×24 said "○ Closed · countdowns stopped" on a Saturday while critical cases counted down
    and breached. Closed, the clock says which countdowns stopped and which run on."""
    from tests.tui.test_wallboard import open_wallboard

    ref = critical_around_the_clock_at_risk_tonight(supervisor, clock)
    app = make_app(supervisor)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, 7)
        await settle(pilot, lambda: "○ Closed" in screen_text(pilot))
        said = " ".join(line.strip(" │") for line in screen_lines(pilot) if line.strip(" │"))
        assert "office-hours countdowns stopped" in said, said
        assert "critical runs 24×7" in said, said
        assert "· countdowns stopped" not in said
        assert "0h30m" in row_line(pilot, ref)  # and it does run: 21:00 is half an hour away
        if size[0] >= 100:
            await open_wallboard(pilot)
            closed = line_with(pilot, "○ Closed")
            assert (
                "○ Closed · Mon 09 Mar 20:30 EDT · office-hours countdowns stopped"
                " · critical runs 24×7 · opens Tue 10 Mar 08:00"
            ) in closed, closed


async def test_every_screen_lists_its_keys_in_the_key_bar(desk, supervisor, make_app) -> None:
    """Insights, alerts, the audit trail, the client view and the SLA explanation had Textual's
    own footer: lower-case keys (``f5 Reload``), the app's keys last, and at 80 columns keys
    dropped without a word. Every screen now has the console's key bar."""
    from textual.widgets import Footer

    from wzdesk.tui.widgets.key_bar import KeyBar

    app = make_app(supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        for name, open_it in (
            ("insights", lambda: pilot.press("f8")),
            ("alerts", lambda: pilot.press("f7")),
            ("audit", lambda: pilot.app.run_action("audit")),
            ("client view", lambda: pilot.press("C")),
            ("explain", lambda: pilot.press("E")),
        ):
            before = len(pilot.app.screen_stack)
            await open_it()
            await settle(pilot, lambda: len(pilot.app.screen_stack) > before)  # noqa: B023
            screen = pilot.app.screen
            assert not screen.query(Footer), name
            assert screen.query_one(KeyBar).region.height >= 1, name
            bar = key_bar_text(pilot)
            assert bar.startswith(" F1 Help  F2 Log call  F3 New case"), (name, bar)
            assert "Esc Back" in bar and "F5 Reload" in bar, (name, bar)
            assert bar.splitlines()[-1] in screen_lines(pilot)[-1], name  # drawn at the bottom
            await pilot.press("escape")
            await settle(pilot, lambda: len(pilot.app.screen_stack) == before)  # noqa: B023


async def test_help_lists_only_the_keys_a_role_may_use(seeded, phone_staff, make_app) -> None:
    app = make_app(phone_staff)
    async with app.run_test(size=(120, 44)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, IntakeScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(pilot.app.screen, IntakeScreen))
        await ready(pilot, 3)
        assert "r Reply" not in key_bar_text(pilot) and "t Take" not in key_bar_text(pilot)
        assert "n Note" in key_bar_text(pilot)
        await pilot.press("r")  # refused: says why
        await settle(pilot, lambda: any("may not reply" in n for n in notifications(pilot)))
        await pilot.press("f1")
        await settle(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
        text = screen_text(pilot)
        assert "Internal note" in text and "Log a call on this case" in text
        assert "Reply to the client" not in text and "Resolve (" not in text
        assert "[reverse]" not in text and "[/]" not in text  # markup, not stray glyphs


async def test_refused_keys_say_why_for_the_selected_case(desk, agent, make_app) -> None:
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot)
        assert "o Reopen" not in key_bar_text(pilot)  # nothing to reopen in the queue
        await pilot.press("o")
        await settle(pilot, lambda: any("only a resolved case" in n for n in notifications(pilot)))


def test_the_readme_key_table_is_the_help_screens() -> None:
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert readme_key_table() in readme
    documented = readme_key_table()
    for _, keys in KEYS:
        for key in keys:
            assert key.what in documented


async def test_control_sequences_in_stored_text_never_reach_the_terminal(
    seeded, agent, make_app
) -> None:
    from wzdesk.store.models import Case

    # Written straight to the table, as a row stored before text was cleaned on entry.
    Case.update(summary="Payroll \x1b]0;pwned\x07 export \x1b[2J fails").where(
        Case.ref == seeded[0]
    ).execute()
    app = make_app(agent)
    async with app.run_test(size=(160, 45)) as pilot:
        await ready(pilot, 3)
        await settle(pilot, lambda: detail_ref(pilot) == seeded[0])
        text = screen_text(pilot)
        assert "\x1b" not in text and "\x07" not in text
        assert "Payroll" in row_line(pilot, seeded[0])


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_a_summary_in_wide_characters_keeps_the_row_s_timers(
    desk, agent, make_app, size
) -> None:
    """Chinese or Japanese text takes two cells a character. Cut to the column by characters,
    such a summary pushed every column after it along, and the row's end, its SLA timers,
    fell off the table."""
    from rich.cells import cell_len

    from wzdesk.store.models import Case

    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        before = row_line(pilot, desk["late"])
    summary = "給与計算のエクスポートが失敗し、請求書の再発行ができません。至急確認をお願いします"
    Case.update(summary=summary).where(Case.ref == desk["late"]).execute()
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        line = row_line(pilot, desk["late"])
        assert summary[:4] in line
        assert cell_len(line) == queue(pilot).size.width
        # Every column after the summary is where it was with the plain summary.
        status_at = before.index("Slow timesheets") + len("Slow timesheets")
        tail = before[status_at:].strip().split()[-3:]
        assert line.split()[-3:] == tail, (before, line)


def test_a_long_timeline_shows_its_newest_lines_and_says_how_many_older_events_it_leaves_out() -> (
    None
):
    """The case pane is one text, rendered whole: 300 notes of 40 lines held the console for
    1.3 s when the case was opened. The pane draws about ``limit`` lines, newest first, and
    then says how many older events it left out and where they all are."""
    from zoneinfo import ZoneInfo

    from wzdesk.tui.widgets.case_detail import _When, timeline

    events = [
        {
            "kind": "note",
            "at": f"2026-03-09T{9 + n // 60:02d}:{n % 60:02d}:00+00:00",
            "duration_seconds": None,
            "data": {},
            "author": "kim",
            "body": f"note {n}\nsecond line\nthird line",
        }
        for n in range(10)
    ]
    when = _When(ZoneInfo("America/Toronto"), None)
    text = timeline(events, when, "WZ-1042", limit=8).plain
    assert "note 9" in text and "note 8" in text and "note 7" not in text  # newest first
    assert "+8 older events not shown here (`wzdesk case show WZ-1042` prints" in text
    whole = timeline(events, when, "WZ-1042", limit=40).plain
    assert all(f"note {n}" in whole for n in range(10)) and "older event" not in whole


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 50)])
async def test_a_reply_says_whom_it_is_emailed_to_without_scrolling(
    desk, agent, make_app, size
) -> None:
    """At 80×24 the reply box was taller than the screen: it scrolled to its text box, and
    "The client sees this: it is emailed to …" went out of sight above it. On a short
    terminal the text box is shorter, and the whole prompt shows."""
    from tests.conftest import local, new_case
    from wzdesk.services import cases
    from wzdesk.tui.screens.reply import ReplyEditor

    long = "New cost centre for the Ottawa office, with its own approvers and payroll"
    first = cases.open_case(agent, new_case(summary=long, received_at=local(2026, 3, 2, 8, 0)))
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, 7)
        assert queue(pilot).current_row.ref == first.ref  # the most overdue: highlighted
        await pilot.press("r")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ReplyEditor))
        box = pilot.app.screen.query_one(".prompt-box")
        assert box.scroll_y == 0 and box.max_scroll_y == 0  # nothing of it out of sight
        said = " ".join(screen_text(pilot).split())
        assert "The client sees this: it is emailed to ana@acme.example" in said
        assert "Send" in said and "Cancel" in said


async def test_the_key_bar_takes_the_lines_its_keys_need_as_they_change(
    desk, agent, make_app
) -> None:
    """The bar is worked out when drawn; when its keys take a line less (no case left to act
    on), the screen is laid out again and the queue has that line."""
    from textual.widgets import Input

    from wzdesk.tui.widgets.key_bar import KeyBar

    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        bar = pilot.app.screen.query_one(KeyBar)
        assert "r Reply" in key_bar_text(pilot) and bar.region.height == 2
        queue_bottom = pilot.app.screen.query_one("#queue-pane").region.bottom
        await pilot.press("slash")
        pilot.app.screen.query_one("#filter-text", Input).value = "zeppelin"  # matches nothing
        await settle(
            pilot, lambda: queue(pilot).rows == [] and "r Reply" not in key_bar_text(pilot)
        )
        await settle(pilot, lambda: bar.region.height == 1)
        assert "\n" not in key_bar_text(pilot).strip()
        assert pilot.app.screen.query_one("#queue-pane").region.bottom == queue_bottom + 1


def _cases_in_view(pilot) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    """(cases the breach panel stands for in view, cases at stake by its title, its bottom
    edge), read off the screen: a row is one case, "+N more" N."""
    panel = main_screen(pilot)._sla_panel()
    lines = screen_lines(pilot)[panel.region.y : panel.region.bottom]
    inside = [line[panel.region.x : panel.region.right] for line in lines]
    title = re.search(r"SLA · (\d+) breached · (\d+) at risk", inside[0])
    assert title, inside[0]
    in_view = 0
    for line in inside[1:-1]:
        if re.search(r"WZ-\d+", line):
            in_view += 1
        more = re.search(r"\+(\d+) more", line)
        if more:
            in_view += int(more.group(1))
    return in_view, int(title.group(1)) + int(title.group(2)), inside[-1]


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (200, 50)])
async def test_the_breach_panel_says_how_many_cases_are_out_of_view(
    size, desk, agent, supervisor, make_app, clock
) -> None:
    """At 120×40 the panel ended at the moderate group's heading: its rows and the whole
    minor group were below the edge with only a scroll bar to say so. The edge says how many
    cases are above and below the view, and what is in view and out of it adds up."""
    at_stake_by_tuesday(supervisor, clock, 12)  # more than a 200×50 panel (every row) holds
    app = make_app(agent)
    async with app.run_test(size=size) as pilot:
        await ready(pilot, 54)
        panel = main_screen(pilot)._sla_panel()
        if panel.region.height == 0:
            pytest.skip("no breach panel at this size (the queue takes the width)")
        await settle(pilot, lambda: "below" in _cases_in_view(pilot)[2])
        in_view, at_stake, edge = _cases_in_view(pilot)
        below = re.search(r"↓ (\d+) cases? below", edge)
        assert below and "above" not in edge, edge
        assert in_view + int(below.group(1)) == at_stake, (in_view, edge, at_stake)
        for _ in range(3):  # Tab to the panel (past the case beside the queue, if it comes first)
            if main_screen(pilot).focused is panel:
                break
            await pilot.press("tab")
        assert main_screen(pilot).focused is panel
        await pilot.press("end")
        await settle(pilot, lambda: "above" in _cases_in_view(pilot)[2])
        in_view, at_stake, edge = _cases_in_view(pilot)
        above = re.search(r"↑ (\d+) above", edge)
        assert above and "below" not in edge, edge
        assert in_view + int(above.group(1)) == at_stake, (in_view, edge, at_stake)
        assert "MINOR" in screen_text(pilot)  # the last group, to its last line


def test_the_closed_clock_names_what_runs_on_in_every_form() -> None:
    """Each form, down to the narrowest, keeps which countdowns stopped and which run."""
    from wzdesk.core.sla import Severity
    from wzdesk.tui.widgets.sla_panel import closed_forms

    opens = "opens Tue 10 Mar 08:00"
    day = "Mon 09 Mar 20:30 EDT"
    for form in closed_forms(day, "20:30 EDT", opens, ()):
        assert "countdowns stopped" in form and "24×7" not in form and opens in form
    for form in closed_forms(day, "20:30 EDT", opens, (Severity.CRITICAL, Severity.MAJOR)):
        assert "office-hours countdowns stopped" in form, form
        assert "critical, major run 24×7" in form and opens in form
    for form in closed_forms(day, "20:30 EDT", opens, tuple(Severity)):
        assert "stopped" not in form and "every severity runs 24×7" in form, form
