"""The wallboard (F4) driven through the real app: figures that match the data, each row naming
its target and its own time, nothing hidden without a "+N more", the closed-hours clock, and
a board that moves with a clock the tests advance."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Digits

from tests.conftest import local, new_case
from tests.tui.helpers import hold_the_full_load, line_with, notifications, screen_lines
from tests.tui.test_flows import settle
from wzdesk.core.clock import FixedClock
from wzdesk.core.rules import Role
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services import cases as case_service
from wzdesk.services.case_views import CaseFilter, list_cases
from wzdesk.services.cases import open_case
from wzdesk.services.context import ServiceContext
from wzdesk.tui.screens.main import MainScreen
from wzdesk.tui.screens.wallboard import WallboardScreen, allocate
from wzdesk.tui.widgets.live_lines import LiveLines


def _open(ctx: ServiceContext, severity: str, summary: str, received, assignee=None) -> str:  # type: ignore[no-untyped-def]
    case = open_case(
        ctx,
        new_case(severity=severity, summary=summary, description="Details.", received_at=received),
    )
    if assignee:
        case_service.assign(ctx, case.ref, assignee)
    return str(case.ref)


@pytest.fixture
def desk_cases(supervisor, agent, acme, clock) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Monday 9 March 10:00. By name:

    * ``breached``: critical, unassigned, response due Friday 16:00 (overdue 4h of business
      time: Friday 16:00-18:00 and Monday 08:00-10:00);
    * ``late``: critical for kim, answered late on Thursday (response ``late``), resolution at
      risk with 5h00m left (19 of 24 business hours used);
    * ``at_risk``: major for kim, response at risk with 1h30m left (8.5 of 10 hours used);
    * ``pending``: minor, unassigned, received this morning.
    """
    refs = {
        "breached": _open(supervisor, "critical", "Payroll export fails", local(2026, 3, 6, 12)),
        "late": _open(supervisor, "critical", "Timesheets lost", local(2026, 3, 5, 11), "kim"),
        "at_risk": _open(
            supervisor, "major", "Approval emails missing", local(2026, 3, 6, 11, 30), "kim"
        ),
        "pending": _open(supervisor, "minor", "Typo on the login page", local(2026, 3, 9, 9, 30)),
    }
    answered_thursday = ServiceContext("kim", Role.AGENT, FixedClock(local(2026, 3, 5, 16)))
    case_service.reply(answered_thursday, refs["late"], "Looking into it.")
    return refs


def row_line(pilot: Pilot, ref: str) -> str:
    """The list's row of a case (``WZ-1001  response  overdue 4h00m  ACME  …``)."""
    return line_with(pilot, f"{ref}  ")


def figure(pilot: Pilot, severity: str, key: str) -> str:
    return pilot.app.screen.query_one(f"#fig-{severity}-{key}", Digits).value


async def open_wallboard(pilot: Pilot) -> WallboardScreen:
    await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
    await pilot.press("f4")
    await settle(
        pilot,
        lambda: (
            isinstance(pilot.app.screen, WallboardScreen) and pilot.app.screen.wallboard is not None
        ),
    )
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, WallboardScreen)
    return screen


def expected_counts(clock: FixedClock) -> dict[str, tuple[int, int]]:
    """(breached, at risk) per severity from the SLA engine, each case by its worst target."""
    counts = {s.value: [0, 0] for s in Severity}
    for case, reading in list_cases(CaseFilter(statuses=("new", "open")), clock.now()):
        state = reading.worst_state
        counts[case.severity][0] += state is TimerState.BREACHED
        counts[case.severity][1] += state is TimerState.AT_RISK
    return {severity: (b, r) for severity, (b, r) in counts.items()}


async def test_figures_match_the_data_and_rows_name_their_target(
    desk_cases, supervisor, make_app, clock
) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        expected = expected_counts(clock)
        assert expected["critical"] == (1, 1) and expected["major"] == (0, 1)
        for severity, (breached, at_risk) in expected.items():
            assert figure(pilot, severity, "breached") == str(breached)
            assert figure(pilot, severity, "at_risk") == str(at_risk)
            assert figure(pilot, severity, "due_soon") == "0"
        assert "All  1 breached · 2 at risk · 0 due ≤1h · 4 open" in line_with(pilot, "All  ")
        breached = row_line(pilot, desk_cases["breached"])
        assert "response" in breached and "overdue 4h00m" in breached
        assert "unassigned" in breached
        at_risk = row_line(pilot, desk_cases["at_risk"])
        assert "response" in at_risk and "1h30m left" in at_risk
        assert desk_cases["pending"] not in "\n".join(screen_lines(pilot))


async def test_a_late_response_with_time_left_shows_no_minus_and_no_overdue(
    desk_cases, supervisor, make_app
) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        line = row_line(pilot, desk_cases["late"])
        assert "resolution" in line and "5h00m left" in line
        between = line.split(desk_cases["late"])[1].split("kim")[0]
        assert "overdue" not in line and "-" not in between


async def test_load_per_agent_and_unassigned_breaches_are_called_out(
    desk_cases, supervisor, make_app
) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        kim = line_with(pilot, "Kim Lee (kim)").split("Kim Lee (kim)")[1].split()
        assert kim[:3] == ["2", "0", "2"]  # open, breached, at risk
        unassigned = line_with(pilot, " unassigned  ").split("unassigned")[1].split()
        assert unassigned[:3] == ["2", "1", "0"]
        assert "1 breached case nobody owns" in line_with(pilot, "nobody owns")
        callout = line_with(pilot, f"{desk_cases['breached']} critical response")
        assert "overdue 4h00m" in callout


async def test_unassigned_breaches_that_do_not_fit_their_box_are_counted(
    supervisor, agent, acme, make_app
) -> None:
    """The box fits its count and four lines: it listed four cases, and "+8 more" fell below
    its border; now three cases and the "+N more" line show."""
    refs = [
        _open(supervisor, "minor", f"Export {n} fails", local(2026, 2, 3, 9, n)) for n in range(12)
    ]
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        for mode in ("fitted", "every row"):  # m: the list below scrolls, the box does not
            box = pilot.app.screen.query_one("#wb-unassigned")
            lines = [
                line[box.region.x : box.region.right]
                for line in screen_lines(pilot)[box.region.y : box.region.bottom]
            ]
            listed = [ref for ref in refs if any(ref in line for line in lines)]
            assert "12 breached cases nobody owns" in "\n".join(lines), mode
            assert len(listed) == 3, mode
            assert any("+9 more" in line for line in lines), mode
            await pilot.press("m")
            await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (110, 24), (160, 24)])
async def test_on_a_small_terminal_the_unassigned_line_lists_whole_references_then_more(
    supervisor, agent, acme, make_app, size
) -> None:
    """On a small terminal the call-out is one line: it was cut inside a reference
    ("12 unassigned breached: WZ-100…"). Whole references now, then "+N more"; or, where
    not even one fits with it, the count alone (the list below names them all)."""
    refs = [
        _open(supervisor, "minor", f"Export {n} fails", local(2026, 2, 3, 9, n)) for n in range(12)
    ]
    app = make_app(supervisor)
    async with app.run_test(size=size) as pilot:
        await open_wallboard(pilot)
        box = pilot.app.screen.query_one("#wb-unassigned")
        line = screen_lines(pilot)[box.region.y][box.region.x : box.region.right].rstrip()
        assert line.startswith(" 12 unassigned breached"), line
        assert "…" not in line, line
        listed = [ref for ref in refs if ref in line]
        if listed:
            assert line.endswith(f": {' '.join(listed)} +{12 - len(listed)} more"), line
        else:
            assert line == " 12 unassigned breached", line
            assert box.content_size.width < len("12 unassigned breached: WZ-1001 +11 more")


async def test_rows_that_do_not_fit_end_with_more_and_counts_stay_complete(
    supervisor, agent, acme, make_app
) -> None:
    refs = [
        _open(supervisor, "minor", f"Report {n} is slow", local(2026, 2, 3, 9, n))
        for n in range(12)
    ]
    app = make_app(supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_wallboard(pilot)
        shown = [ref for ref in refs if any(ref in line for line in screen_lines(pilot))]
        assert 0 < len(shown) < 12
        assert f"+{12 - len(shown)} more minor" in line_with(pilot, "more minor")
        assert "MINOR  12 breached · 0 at risk" in line_with(pilot, "MINOR  12")
        for severity in ("CRITICAL", "MAJOR", "MODERATE", "MINOR"):
            line_with(pilot, severity)  # every severity's counts, even at 80x24
        counts = line_with(pilot, "  MINOR ").split("MINOR")[1].split()
        assert counts[:4] == ["12", "12", "0", "0"]  # open, breached, at risk, due (80x24)
        await pilot.press("m")  # every row (the list scrolls)
        await settle(pilot, lambda: "more minor" not in "\n".join(screen_lines(pilot)))
        body = pilot.app.screen.query_one("#wb-list-body", LiveLines)
        assert body.source is not None
        listed = [body.source.line(y, body.now).plain for y in range(body.source.line_count())]
        assert all(any(ref in line for line in listed) for ref in refs)


def _list_in_view(pilot: Pilot) -> tuple[int, str]:
    """(cases the list stands for in view, its bottom edge), off the screen: a row is one
    case, "+N more" N."""
    import re

    box = pilot.app.screen.query_one("#wb-list").region
    inside = [line[box.x : box.right] for line in screen_lines(pilot)[box.y : box.bottom]]
    in_view = sum(1 for line in inside[1:-1] if re.search(r"WZ-\d+", line))
    in_view += sum(int(n) for line in inside[1:-1] for n in re.findall(r"\+(\d+) more", line))
    return in_view, inside[-1]


async def test_every_row_says_how_many_cases_are_above_and_below_the_view(
    supervisor, agent, acme, make_app
) -> None:
    """With ``m`` the list scrolls: its edge said nothing of the rows out of view (only a
    scroll bar showed them). It says how many are above and below, and they add up."""
    import re

    for n in range(12):
        _open(supervisor, "minor", f"Report {n} is slow", local(2026, 2, 3, 9, n))
    app = make_app(supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_wallboard(pilot)
        assert "below" not in _list_in_view(pilot)[1]  # fitted: "+N more" says it
        await pilot.press("m")
        await settle(pilot, lambda: "below" in _list_in_view(pilot)[1])
        in_view, edge = _list_in_view(pilot)
        below = re.search(r"↓ (\d+) cases? below", edge)
        assert below and "above" not in edge, edge
        assert in_view + int(below.group(1)) == 12, (in_view, edge)
        await pilot.press("end")  # the list has the focus
        await settle(pilot, lambda: "below" not in _list_in_view(pilot)[1])
        in_view, edge = _list_in_view(pilot)
        above = re.search(r"↑ (\d+) above", edge)
        assert above, edge
        assert in_view + int(above.group(1)) == 12, (in_view, edge)


async def test_every_row_says_how_many_agents_are_below_the_view(
    supervisor, agent, acme, make_app
) -> None:
    """Fitted, the load per agent ends with "+N more"; with ``m`` it lists every agent and
    scrolls, and its edge says how many are out of view."""
    import re

    from wzdesk.services.directory import add_user

    for n in range(6):
        add_user(supervisor, f"agent{n}", f"Agent {n}", "agent")
    app = make_app(supervisor)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_wallboard(pilot)
        assert screen.wallboard is not None
        agents = len(screen.wallboard.agents)
        await pilot.press("m")
        box = screen.query_one("#wb-agents")

        def edge() -> str:
            return screen_lines(pilot)[box.region.bottom - 1][box.region.x : box.region.right]

        await settle(pilot, lambda: "below" in edge())
        inside = screen_lines(pilot)[box.region.y + 2 : box.region.bottom - 1]  # under the heading
        in_view = sum(
            1 for line in inside if line[box.region.x : box.region.right].strip(" │▁▂▃▄▅▆▇█")
        )
        below = re.search(r"↓ (\d+) agents? below", edge())
        assert below, edge()
        assert in_view + int(below.group(1)) == agents, (in_view, edge(), agents)


async def test_closed_hours_clock(desk_cases, supervisor, make_app, clock) -> None:
    clock.advance(timedelta(hours=10))  # Monday 20:00
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        assert "○ Closed · Mon 09 Mar 20:00 EDT · countdowns stopped · opens Tue 10 Mar 08:00" in (
            line_with(pilot, "Closed")
        )
        # Friday 16:00-18:00 and Monday's ten hours; the countdowns stopped at 18:00.
        assert "overdue 12h00m" in row_line(pilot, desk_cases["breached"])


async def test_countdowns_tick_and_rows_regroup_when_a_threshold_passes(
    desk_cases, supervisor, make_app, clock
) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_wallboard(pilot)
        assert figure(pilot, "major", "due_soon") == "0"
        built = screen.wallboard
        clock.advance(timedelta(minutes=5))  # no threshold crossed: the times tick from memory
        await settle(pilot, lambda: "1h25m left" in row_line(pilot, desk_cases["at_risk"]))
        assert "4h55m left" in row_line(pilot, desk_cases["late"])
        assert screen.wallboard is built  # not rebuilt
        clock.advance(timedelta(minutes=26))  # 0h59m left: due within the hour
        await settle(pilot, lambda: figure(pilot, "major", "due_soon") == "1")
        assert "0h59m left" in row_line(pilot, desk_cases["at_risk"])
        assert "4h29m left" in row_line(pilot, desk_cases["late"])
        clock.advance(timedelta(hours=1))  # now 1 minute past due
        await settle(pilot, lambda: figure(pilot, "major", "breached") == "1")
        assert figure(pilot, "major", "due_soon") == "0"
        assert figure(pilot, "major", "at_risk") == "0"
        assert "overdue 0h01m" in row_line(pilot, desk_cases["at_risk"])
        assert "0 due ≤1h · 1 open" in line_with(pilot, "MAJOR  1 breached · 0 at risk")
        assert screen.wallboard is built  # each crossing moved its row: never a recount


async def test_a_time_gaining_a_digit_keeps_its_row_in_the_columns(
    desk_cases, supervisor, make_app, clock
) -> None:
    """The list's columns are sized when it is made, from the times as placed; it is made again
    at the next move or re-sort (five minutes at most). An overdue time that gained a digit
    in between ("9h59m" to "10h00m") pushed the rest of its row a cell right of the others."""
    # Thursday 16:02: response due Friday 10:02, overdue 9h58m at Monday 10:00.
    nearly = _open(supervisor, "critical", "Exports stuck", local(2026, 3, 5, 16, 2))
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_wallboard(pilot)
        assert "overdue 9h58m" in row_line(pilot, nearly)
        built = screen.wallboard
        clock.advance(timedelta(minutes=3))
        await settle(pilot, lambda: "overdue 10h01m" in row_line(pilot, nearly))
        assert screen.wallboard is built  # the same list, not made again
        assert "overdue 4h03m" in row_line(pilot, desk_cases["breached"])
        columns = {
            row_line(pilot, ref).index("  ACME  ") for ref in (nearly, desk_cases["breached"])
        }
        assert len(columns) == 1, [row_line(pilot, ref) for ref in (nearly, desk_cases["breached"])]


async def test_regroups_when_the_queue_changes(desk_cases, supervisor, agent, make_app) -> None:
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_wallboard(pilot)
        assert figure(pilot, "critical", "breached") == "1"
        case_service.reply(agent, desk_cases["breached"], "On it.")  # by someone else
        await settle(pilot, lambda: figure(pilot, "critical", "breached") == "0")
        assert desk_cases["breached"] not in "\n".join(screen_lines(pilot))
        assert "No breached case is unassigned." in line_with(pilot, "No breached")


async def test_f4_and_escape_leave_and_the_command_line_starts_on_it(
    desk_cases, supervisor, make_app
) -> None:
    app = make_app(supervisor, wallboard=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, WallboardScreen))
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await open_wallboard(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_an_empty_desk_shows_zeros_not_a_loading_message(supervisor, make_app) -> None:
    app = make_app(supervisor, wallboard=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, WallboardScreen))
        await settle(pilot, lambda: pilot.app.screen.wallboard is not None)
        await settle(pilot, lambda: "Loading" not in "\n".join(screen_lines(pilot)))
        assert "CRITICAL  0 breached · 0 at risk · 0 due ≤1h · 0 open" in line_with(
            pilot, "CRITICAL  0"
        )
        assert figure(pilot, "minor", "breached") == "0"


@given(st.lists(st.integers(0, 40), min_size=4, max_size=4), st.integers(0, 60))
def test_allocate_fits_the_lines_and_is_fair(sizes: list[int], lines: int) -> None:
    shown = allocate(sizes, lines)
    cost = sum(1 + n + (1 if n < size else 0) for n, size in zip(shown, sizes, strict=True))
    headings = sum(1 + (1 if size else 0) for size in sizes)
    assert all(0 <= n <= size for n, size in zip(shown, sizes, strict=True))
    assert cost <= max(lines, headings)  # fits, unless even the headings do not
    if sum(1 + size for size in sizes) <= lines:
        assert shown == sizes  # everything fits: nothing is cut
    cut = [n for n, size in zip(shown, sizes, strict=True) if n < size]
    assert not cut or max(cut) - min(cut) <= 1  # cut groups share the lines fairly
    for n, size in zip(shown, sizes, strict=True):
        if n < size:  # nothing more fits: one more row costs a line (the last one would be free)
            assert n + 1 < size and cost + 1 > lines
    bigger = allocate(sizes, lines + 1)
    assert all(b >= n for b, n in zip(bigger, shown, strict=True))


async def test_a_dear_recount_rests_and_the_figures_say_as_of_when(
    desk_cases, supervisor, make_app, clock
) -> None:
    """Crossings are followed row by row, never by a recount. A recount (every open case: at
    100,000 open about half a second) is needed only when the snapshot is counted anew, here
    by the clock going back; after a dear one the next waits (so the wall monitor stays under
    a tenth of a core), and meanwhile the figures say when they were counted instead of
    passing old counts off as current."""
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_wallboard(pilot)
        figures = screen.query_one("#wb-figures")
        screen._built(screen.wallboard, cost=0.5)  # as if the last count took 0.5 s
        built = screen.wallboard
        clock.advance(timedelta(minutes=31))  # the major case enters its last hour
        screen.tick()
        await pilot.pause()
        assert screen.wallboard is built  # followed, not recounted
        assert figure(pilot, "major", "due_soon") == "1"
        assert "as of" not in str(figures.border_title)
        clock.advance(timedelta(minutes=-1))  # the clock goes back: the queue recounts
        screen.tick()
        await pilot.pause()
        assert screen.wallboard is built  # resting: not recounted yet
        assert "as of 10:31:00 (recounting)" in str(figures.border_title)
        # The rest is over (4.5 s later): the next tick recounts, and the note goes.
        screen._rest_until = 0.0
        screen.tick()
        await settle(pilot, lambda: screen.wallboard is not built)
        await settle(pilot, lambda: "as of" not in str(figures.border_title))
        assert figure(pilot, "major", "due_soon") == "1"


async def test_a_count_that_fails_says_so_and_is_tried_again(
    desk_cases, supervisor, make_app, monkeypatch
) -> None:
    """Before, a count that raised left the board waiting for it for good."""
    from wzdesk.tui.screens import wallboard

    real = wallboard.Wallboard.build
    calls: list[int] = []

    def failing_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(wallboard.Wallboard, "build", failing_once)
    app = make_app(supervisor)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: pilot.app.snapshot and not pilot.app.snapshot.partial)
        await pilot.press("f4")
        await settle(pilot, lambda: bool(calls))
        screen = pilot.app.screen
        assert isinstance(screen, WallboardScreen)
        await settle(pilot, lambda: not screen._building)
        assert screen.wallboard is None
        assert any("could not count the queue" in m and "a bug" in m for m in notifications(pilot))
        screen._rest_until = 0.0  # the retry is due
        screen.tick()
        await settle(pilot, lambda: screen.wallboard is not None)
        assert figure(pilot, "critical", "breached") == "1"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_until_the_queue_is_in_every_box_says_it_counts_then(
    desk_cases, supervisor, make_app, monkeypatch: pytest.MonkeyPatch, size
) -> None:
    """On a big desk the whole queue takes seconds to load; the boxes were empty meanwhile
    (an empty box says nothing of why, and next to a heading it reads as nothing at stake)."""
    release = hold_the_full_load(monkeypatch)
    app = make_app(supervisor, wallboard=True)
    async with app.run_test(size=size) as pilot:
        for _ in range(100):  # not settle(): it waits for the held load's worker
            if isinstance(pilot.app.screen, WallboardScreen):
                break
            await pilot.pause(0.02)
        await pilot.pause(0.1)
        screen = pilot.app.screen
        boxes = ["#wb-agents", "#wb-unassigned", "#wb-list"]
        boxes.append("#wb-figures-table" if size[0] < 100 else "#wb-figures-total")
        for box in boxes:
            region = screen.query_one(box).region
            lines = screen_lines(pilot)[region.y : region.bottom]
            inside = " ".join(line[region.x : region.right].strip("│ ") for line in lines)
            said = " ".join(inside.split())  # as read: wrapped lines joined
            assert "Counted once the queue is in" in said or "Loading the queue" in said, box
        release.set()
        await settle(pilot, lambda: pilot.app.screen.wallboard is not None)
        await settle(pilot, lambda: "CRITICAL" in "\n".join(screen_lines(pilot)))
        assert "Counted once" not in "\n".join(screen_lines(pilot))
