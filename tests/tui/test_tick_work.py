"""The per-second cost follows the screen: a threshold crossing re-reads the rows that crossed
and the rows on screen, never every open case (issue 13)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

import pytest
from textual.app import App, ComposeResult

from tests.conftest import local, new_case
from tests.tui.helpers import highlighted, main_screen, notifications, queue, settle
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.queue import QueueRow, QueueSnapshot
from wzdesk.tui.app import style_paths
from wzdesk.tui.queue_view import QueueView, QuickFilter
from wzdesk.tui.widgets import QueueTable

#: Every way of reading a row's timers: a row is "touched" when any of them runs on it.
READERS = (
    "worst_state",
    "at_stake",
    "readings",
    "urgency",
    "response_state",
    "resolution_state",
    "response_remaining",
    "resolution_remaining",
    "transitions",
)
OPEN = 150


@pytest.fixture
def crowded(seeded: list[str], supervisor: ServiceContext) -> list[str]:
    """The seeded cases and 150 minor ones received over the past week (many breached or at
    risk, so the breach board is full)."""
    refs = list(seeded)
    for i in range(OPEN):
        received = local(2026, 3, 2 + i % 5, 9 + i % 8, i % 60)
        case = cases.open_case(
            supervisor,
            new_case(severity="minor", summary=f"Case {i}", received_at=received),
        )
        refs.append(case.ref)
    return refs


def count_touches(monkeypatch: pytest.MonkeyPatch) -> set[int]:
    touched: set[int] = set()

    def counting(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def wrapper(row: QueueRow, *args: Any) -> Any:
            touched.add(row.case_id)
            return method(row, *args)

        return wrapper

    for name in READERS:
        monkeypatch.setattr(QueueRow, name, counting(getattr(QueueRow, name)))
    return touched


@pytest.mark.parametrize("width", [120, 200])  # 200: the breach panel lists every row
async def test_a_crossing_touches_the_rows_that_crossed_and_the_screen_not_the_queue(
    crowded, agent, make_app, clock: FixedClock, monkeypatch, width: int
) -> None:
    total = OPEN + 3
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(width, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == total)
        screen = main_screen(pilot)
        # Major received Mon 09:00: response at risk at 75% of 10h, Mon 16:30. Up to ten
        # seconds before, the other crossings of the afternoon are announced.
        clock.advance(timedelta(hours=6, minutes=29, seconds=50))
        screen.tick()
        await pilot.press("down", "down", "down")
        before = highlighted(pilot)
        clock.advance(timedelta(seconds=20))
        touched = count_touches(monkeypatch)
        crossings = app.snapshot.touched
        screen.tick()
        assert app.snapshot.touched - crossings == 1  # the major case only
        visible = queue(pilot).size.height * (2 if width >= 180 else 1)  # queue and panel
        assert touched, "the tick read nothing: the test no longer measures it"
        # The rows on screen (queue, breach panel, the case) and the few that crossed.
        assert len(touched) <= visible + 20, f"{len(touched)} of {total} rows touched"
        assert len(touched) < total / 2
        assert highlighted(pilot) == before  # the cursor never jumps
        await settle(
            pilot, lambda: any(f"{crowded[1]} response at risk" in n for n in notifications(pilot))
        )

        # A second tick with nothing crossed touches only what is on screen.
        touched.clear()
        clock.advance(timedelta(seconds=1))
        screen.tick()
        assert len(touched) <= visible + 20


@pytest.mark.parametrize(
    "view",
    [
        QueueView(quick=QuickFilter.AT_RISK),  # the crossing case joins this one
        QueueView(quick=QuickFilter.BREACHED),
        QueueView(quick=QuickFilter.MINOR, sort="client"),
        QueueView(sort="age", reverse=True),
        QueueView(quick=QuickFilter.AT_RISK, sort="severity", reverse=True),
        QueueView(text="case 1", sort="updated"),
    ],
    ids=["at-risk", "breached", "minor-by-client", "age-reversed", "at-risk-severity", "text"],
)
async def test_a_crossing_under_a_filter_or_another_order_patches_the_rows_that_crossed(
    crowded, agent, make_app, clock: FixedClock, monkeypatch, view: QueueView
) -> None:
    total = OPEN + 3
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == total)
        screen = main_screen(pilot)
        screen.view = view
        screen._show_rows()
        clock.advance(timedelta(hours=6, minutes=29, seconds=50))
        screen.tick()
        await pilot.pause()
        clock.advance(timedelta(seconds=20))
        touched = count_touches(monkeypatch)
        screen.tick()
        await pilot.pause()
        visible = queue(pilot).size.height
        assert touched, "the tick read nothing: the test no longer measures it"
        # The rows on screen, the few that crossed, and a bisection to place each of them.
        assert len(touched) <= visible + 30, f"{len(touched)} of {total} rows touched"
        monkeypatch.undo()
        # What is shown is what the view computed from scratch would show.
        now = clock.now().timestamp()
        expected = view.rows(app.snapshot.ordered, now, agent.actor)
        assert [r.case_id for r in queue(pilot).rows] == [r.case_id for r in expected]
        if view.quick is QuickFilter.AT_RISK:
            assert crowded[1] in {r.ref for r in queue(pilot).rows}  # the major case joined


def lines_drawn(monkeypatch: pytest.MonkeyPatch, widget: type[Any]) -> list[int]:
    """The lines ``widget``'s instances draw from now on (``render_line``'s ``y``), in order."""
    drawn: list[int] = []
    render_line = widget.render_line

    def counting(self: Any, y: int) -> Any:
        drawn.append(y)
        return render_line(self, y)

    monkeypatch.setattr(widget, "render_line", counting)
    return drawn


def table_on_screen(pilot: Any, table: QueueTable) -> list[list[tuple[str, object]]]:
    """The queue table's part of the terminal as the user sees it: text and styles (the
    cursor and the timers' colours are styles)."""
    region = table.region
    strips = pilot.app.screen._compositor.render_strips()[region.y : region.bottom]
    return [
        [(segment.text, segment.style) for segment in strip.crop(region.x, region.right)]
        for strip in strips
    ]


async def test_a_tick_draws_the_lines_that_changed_and_never_leaves_one_stale(
    crowded, agent, supervisor, make_app, clock: FixedClock, monkeypatch
) -> None:
    """Through minutes, crossings, cursor moves, marks and scrolling, the table on screen is
    what a full redraw shows; and a second in which one countdown turns draws a few lines, not
    the whole table (drawing every line each time was most of the console's idle CPU)."""
    drawn = lines_drawn(monkeypatch, QueueTable)
    # The crowd's countdowns all turn on the minute; this one turns on the half minute.
    odd = cases.open_case(supervisor, new_case(received_at=local(2026, 3, 9, 9, 52, 30)))
    total = OPEN + 4
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == total)
        screen, table = main_screen(pilot), queue(pilot)
        table.select_case(odd.id)  # on screen, among rows that turn on the minute
        screen.tick()
        await settle(pilot)
        # In business hours, one countdown turns: that line is drawn, not the other rows on screen.
        for _ in range(120):
            clock.advance(timedelta(seconds=1))
            drawn.clear()
            before = table._visible_lines()
            screen.tick()
            await pilot.pause()
            changed = sum(a != b for a, b in zip(before, table._visible_lines(), strict=True))
            if 0 < changed <= 3:
                break
        else:
            raise AssertionError("no countdown turned in two minutes: the test measures nothing")
        assert 0 < len(drawn) <= changed + 1, f"{len(drawn)} lines drawn for {changed} changed"

        steps: list[tuple[timedelta, tuple[str, ...]]] = [
            (timedelta(seconds=1), ()),
            (timedelta(minutes=1), ()),
            (timedelta(seconds=59), ("down", "down")),
            (timedelta(minutes=7), ("space",)),
            (timedelta(hours=6, minutes=29, seconds=50), ()),  # into the crossings
            (timedelta(seconds=20), ("down",)),
            (timedelta(minutes=3), ("pagedown",)),
            (timedelta(seconds=1), ("up", "space")),
            (timedelta(minutes=31), ("home",)),
            (timedelta(hours=3), ("x",)),  # the age columns: they too move with the clock
            (timedelta(minutes=2), ()),
            (timedelta(days=1), ()),
        ]
        for advance, keys in steps:
            clock.advance(advance)
            await pilot.press(*keys)
            screen.tick()
            await pilot.pause()
            shown = table_on_screen(pilot, table)
            table.refresh()  # every line drawn from scratch
            await pilot.pause()
            assert table_on_screen(pilot, table) == shown, f"stale after {advance} and {keys}"


class TableOnly(App[None]):
    """The queue table alone, in the console's styles: no detail pane or re-read redraws it
    behind its back."""

    CSS_PATH = style_paths()  # type: ignore[assignment]

    def compose(self) -> ComposeResult:
        yield QueueTable(id="queue")


async def test_the_table_alone_redraws_the_cursor_marks_and_unread_lines(
    crowded, agent, clock: FixedClock
) -> None:
    snapshot = QueueSnapshot(clock=clock)
    snapshot.load_all()
    unread: set[int] = set()
    app = TableOnly()
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(QueueTable)
        table.is_unread = lambda row: row.case_id in unread
        table.set_rows(snapshot.ordered, clock.now().timestamp())
        await pilot.pause()
        table.focus()
        await pilot.pause()
        # The cursor's bar runs unbroken through the coloured cells (severity, timers).
        backgrounds = {segment.style.bgcolor for segment in table.render_line(1) if segment.style}
        assert len(backgrounds) == 1, backgrounds
        assert backgrounds != {segment.style.bgcolor for segment in table.render_line(2)}
        for keys, action in [
            (("down", "down"), None),
            (("space",), None),
            (("up",), lambda: unread.add(table.rows[1].case_id)),
            (("end",), None),
            (("home", "space"), lambda: unread.clear()),
            ((), table.clear_marks),
        ]:
            await pilot.press(*keys)
            if action is not None:
                action()
                table.repaint_changed()
            await pilot.pause()
            shown = table_on_screen(pilot, table)
            table.refresh()
            await pilot.pause()
            assert table_on_screen(pilot, table) == shown, f"a stale line after {keys}"


async def test_under_the_wallboard_the_queue_draws_nothing_and_catches_up_on_return(
    crowded, supervisor, make_app, clock: FixedClock, monkeypatch
) -> None:
    """Covered by an opaque screen the queue still announces crossings but draws no line
    (Textual answers each line drawn below with a whole wallboard frame: 2.7% of a core at
    1,000 open cases); back on top, it shows now, not the moment it was covered."""
    from tests.tui.test_wallboard import open_wallboard

    asked: list[object] = []  # the table's requests to be drawn (a line, or all of it)
    refresh = QueueTable.refresh

    def counting(table: QueueTable, *regions: Any, **options: Any) -> Any:
        asked.append(regions)
        return refresh(table, *regions, **options)

    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == OPEN + 3)
        screen, table = main_screen(pilot), queue(pilot)
        await open_wallboard(pilot)
        monkeypatch.setattr(QueueTable, "refresh", counting)
        for advance in (timedelta(hours=6, minutes=29, seconds=50), timedelta(seconds=20)):
            clock.advance(advance)
            screen.tick()
            app.screen.tick()
            await pilot.pause()
        await settle(
            pilot, lambda: any(f"{crowded[1]} response at risk" in n for n in notifications(pilot))
        )
        assert asked == []
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert asked, "back on top, the queue was not drawn"
        shown = table_on_screen(pilot, table)
        table.refresh()
        await pilot.pause()
        assert table_on_screen(pilot, table) == shown
        now = clock.now().timestamp()
        assert [r.case_id for r in table.rows] == [
            r.case_id for r in screen.view.rows(app.snapshot.ordered, now, supervisor.actor)
        ]


async def test_crossings_toast_at_most_every_gap_and_every_one_is_logged(
    crowded, agent, supervisor, make_app, clock: FixedClock, monkeypatch
) -> None:
    """Through a business afternoon of a crowded desk, every crossing reaches the alerts log
    (F7) at once; toasts come at most every TOAST_GAP seconds, and the toasts together name or
    count every crossing, each once."""
    from wzdesk.tui.alert_log import console_alerts
    from wzdesk.tui.screens.main import TOAST_GAP, TOASTS_NAMED

    for i in range(15):  # a burst: their timers cross four seconds apart
        received = local(2026, 3, 9, 9, 59, i * 4)
        cases.open_case(supervisor, new_case(summary=f"Burst {i}", received_at=received))
    app = make_app(agent, refresh_seconds=3600, bell=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == OPEN + 3 + 15)
        screen = main_screen(pilot)
        toasts: list[tuple[float, str]] = []
        monkeypatch.setattr(
            screen, "notify", lambda text, **_: toasts.append((clock.now().timestamp(), text))
        )
        crossings, instants = 0, 0  # crossings, and the ticks that found any
        crossed = app.snapshot.crossed

        def counting(since: float, until: float) -> Any:
            nonlocal crossings, instants
            found = crossed(since, until)
            crossings += len(found)
            instants += bool(found)
            return found

        monkeypatch.setattr(app.snapshot, "crossed", counting)
        logged = len(console_alerts(app))
        for _ in range(8 * 360):  # Monday 10:00 to 18:00, a tick every 10 s
            clock.advance(timedelta(seconds=10))
            screen.tick()
            assert len(console_alerts(app)) - logged == crossings  # logged as they cross
        clock.advance(timedelta(seconds=TOAST_GAP))
        screen.tick()  # the last ones waiting are said
        assert crossings > 2 * TOASTS_NAMED, "too few crossings: the test measures nothing"
        times = sorted({at for at, _ in toasts})
        assert all(b - a >= TOAST_GAP for a, b in itertools.pairwise(times))
        named = sum(not text.startswith("…and") for _, text in toasts)
        counted = sum(int(text.split()[1]) for _, text in toasts if text.startswith("…and"))
        assert named + counted == crossings
        assert len(times) < instants  # some were said together, not as they came


def region_on_screen(pilot: Any, region: Any) -> list[str]:
    """The text of ``region`` of the terminal as the user sees it."""
    strips = pilot.app.screen._compositor.render_strips()[region.y : region.bottom]
    return [strip.crop(region.x, region.right).text for strip in strips]


async def check_live_lines(
    pilot: Any,
    clock: FixedClock,
    tick: Callable[[], None],
    scroller: Any,
    drawn: list[int],
    steps: list[tuple[timedelta, int]],
) -> None:
    """``scroller`` lists more lines than it shows: five minutes of ticks draw no more lines
    than it shows, and after each of ``steps`` (time, then a scroll) it shows what a full
    redraw shows."""
    from wzdesk.tui.widgets.live_lines import LiveLines

    body = scroller.query_one(LiveLines)
    assert body.source is not None
    lines = body.source.line_count()
    assert lines > 2 * scroller.size.height, "the list fits: the test measures nothing"
    drawn.clear()
    for _ in range(5):
        clock.advance(timedelta(minutes=1))
        tick()
        await pilot.pause()
    assert drawn, "no line was drawn in five minutes: the test measures nothing"
    assert len(set(drawn)) <= scroller.size.height, f"{len(set(drawn))} of {lines} lines drawn"
    for advance, scroll in steps:
        clock.advance(advance)
        scroller.scroll_to(y=max(0, scroller.scroll_y + scroll), animate=False, immediate=True)
        tick()
        await pilot.pause()
        shown = region_on_screen(pilot, scroller.region)
        body.refresh()  # every line drawn from scratch
        await pilot.pause()
        assert region_on_screen(pilot, scroller.region) == shown, f"stale after {advance}"


async def test_the_wide_breach_panel_draws_the_lines_in_view_and_never_leaves_one_stale(
    crowded, agent, make_app, clock: FixedClock, monkeypatch
) -> None:
    """At 180 columns and wider the breach panel lists every row at stake. Held in one Static,
    it was drawn whole, every line, each time a minute turned on a row in view (about 300 ms
    a time, and 28% of a core, at 10,000 open cases): now only the lines in view are drawn,
    and what the panel shows is what a full redraw shows, through minutes, crossings and
    scrolling."""
    from wzdesk.tui.widgets.live_lines import LiveLines
    from wzdesk.tui.widgets.sla_panel import SlaPanel

    drawn = lines_drawn(monkeypatch, LiveLines)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(200, 30)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == OPEN + 3)
        screen = main_screen(pilot)
        panel = screen.query_one("#sla-wide", SlaPanel)
        steps = [
            (timedelta(seconds=1), 0),
            (timedelta(minutes=1), 0),
            (timedelta(minutes=2), 12),  # scrolled down the list
            (timedelta(hours=6, minutes=29, seconds=50), 0),  # into the crossings
            (timedelta(seconds=20), 40),
            (timedelta(minutes=3), -25),
            (timedelta(hours=3), 0),
            (timedelta(days=1), -100),
        ]
        await check_live_lines(pilot, clock, screen.tick, panel, drawn, steps)


async def test_the_wallboard_s_every_row_list_draws_the_lines_in_view_and_never_leaves_one_stale(
    crowded, supervisor, make_app, clock: FixedClock, monkeypatch
) -> None:
    """The wallboard's every-row list (m) was one Static of up to 2,000 lines, rendered whole
    each time a time in it turned: 57% of a core at 9,899 open cases."""
    from wzdesk.tui.screens.wallboard import WallboardScreen
    from wzdesk.tui.widgets.live_lines import LiveLines

    drawn = lines_drawn(monkeypatch, LiveLines)
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == OPEN + 3)
        await pilot.press("f4")
        await settle(pilot, lambda: isinstance(app.screen, WallboardScreen))
        wallboard = app.screen
        await pilot.press("m")
        await settle(pilot)
        steps = [
            (timedelta(minutes=2), 30),
            (timedelta(hours=6, minutes=29, seconds=50), 0),  # into the crossings
            (timedelta(seconds=20), 45),
            (timedelta(minutes=3), -60),
            (timedelta(days=1), 0),
        ]
        listing = wallboard.query_one("#wb-list")
        await check_live_lines(pilot, clock, wallboard.tick, listing, drawn, steps)


async def test_a_list_that_grew_shorter_draws_blank_lines_until_it_is_laid_out_again() -> None:
    """Textual may ask for a line of the old height after the list shrank, before the next
    layout: a blank line, not an IndexError that takes the console down."""
    from rich.text import Text

    from wzdesk.tui.widgets.live_lines import LiveLines

    class Lines:
        def __init__(self, count: int) -> None:
            self.lines = [f"line {n}" for n in range(count)]

        def line_count(self) -> int:
            return len(self.lines)

        def line(self, index: int, now: float) -> Text:
            return Text(self.lines[index])

    class OneList(App[None]):
        def compose(self) -> ComposeResult:
            yield LiveLines(Text("…"), id="lines")

    app = OneList()
    async with app.run_test(size=(40, 10)) as pilot:
        body = app.query_one(LiveLines)
        body.show(Lines(6), 0.0)
        await pilot.pause()
        body.show(Lines(2), 0.0)
        assert body.render_line(4).text.strip() == ""
        await pilot.pause()
        assert [body.render_line(y).text.strip() for y in range(2)] == ["line 0", "line 1"]
