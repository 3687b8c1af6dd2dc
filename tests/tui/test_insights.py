"""The console's insights (F8), audit trail (palette) and SLA explain (E), as the user sees them.

The seeded desk (tests/tui/conftest.py), Monday 9 March 2026 10:00:
* week of 2 March: two critical cases — one breached (no reply), one replied late after 11
  business hours (Fri 09:00 → Mon 10:00): response compliance 0%, resolution none yet;
* week of 9 March: a moderate case replied in 1.5 h and a minor one resolved (replied) in 2 h —
  response 100%, resolution 100% (the resolved one); three more still pending;
* backlog now: 6 open of 7.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from textual.command import CommandPalette

from tests.tui.helpers import highlighted, line_with, notifications, screen_text, settle
from wzdesk.tui.screens.audit import AuditScreen
from wzdesk.tui.screens.explain import ExplainScreen
from wzdesk.tui.screens.insights import InsightsScreen
from wzdesk.tui.screens.main import MainScreen

SIZE = (160, 70)


def _loaded(pilot: Any, text: str) -> bool:
    return text in screen_text(pilot)


async def test_f8_shows_insights_tables_beside_charts(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    async with insights_open(make_app, supervisor) as pilot:
        last_week = line_with(pilot, "2026-03-02")
        assert "0.0%" in last_week and "—" in last_week
        this_week = line_with(pilot, "2026-03-09")
        assert this_week.count("100.0%") == 2
        # The median response is over the cases answered: the critical one of two.
        assert "1 of 2" in line_with(pilot, "critical")
        assert "11h00m" in line_with(pilot, "critical")
        assert "1h30m" in line_with(pilot, "moderate")  # 08:30 → 10:00
        assert "Answered" in line_with(pilot, "Median response")
        assert "Compliance per week" in screen_text(pilot)  # the chart's title
        assert "Backlog" in screen_text(pilot)
        assert "Median response by severity" in screen_text(pilot)
        table = pilot.app.screen.query_one("#backlog-table")
        # This week is not over: its row is today's count so far, dated today (it was dated
        # Sunday 15 March, days ahead of the clock).
        assert table.get_row_at(table.row_count - 1) == ["2026-03-09 (now)", 6]
        await pilot.press("f8")  # again: back to the queue
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_f5_says_the_figures_are_being_read_again_until_they_are(
    desk: dict[str, str], supervisor: Any, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million cases insights take over a second: after F5 the old figures stayed under
    the line that introduced them, with nothing said, until the new ones replaced them."""
    import threading

    from wzdesk.services import reports

    release = threading.Event()
    real = reports.insights

    def slow(*args: Any, **kwargs: Any) -> Any:
        release.wait(10)
        return real(*args, **kwargs)

    async with insights_open(make_app, supervisor) as pilot:
        monkeypatch.setattr(reports, "insights", slow)
        await pilot.press("f5")
        await pilot.pause()  # not settle(): it waits for the worker, held until released
        assert _loaded(pilot, "Reloading insights…")
        assert not _loaded(pilot, "SLA compliance = met on time")
        assert "11h00m" in line_with(pilot, "critical")  # the figures still shown meanwhile
        release.set()
        await settle(pilot, lambda: _loaded(pilot, "SLA compliance = met on time"))
        assert not _loaded(pilot, "Reloading insights…")


async def test_weeks_and_severities_without_figures_are_not_drawn_as_zero(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    """Seen at 200×50 on the demo desk: ten weeks with no case drew the compliance lines along
    0% (the table said "—"), and a severity nobody had answered would get a 0 h bar."""
    async with insights_open(make_app, supervisor) as pilot:
        table = pilot.app.screen.query_one("#response-table")
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        assert ["major", "0 of 1", "—", "—"] in rows  # nobody answered the major case yet
        assert "None answered yet: major" in screen_text(pilot)


async def test_a_chart_title_is_never_dropped_for_its_note(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    """Seen at 120×40: the response chart's title carried "; none answered yet: major", was too
    long for the chart, and plotext dropped it whole: bars without a word. The note is a line
    under the chart now, at every width the charts are drawn at."""
    async with insights_open(
        make_app, supervisor, size=(110, 40)
    ) as pilot:  # the narrowest side by side
        for width in (110, 120, 80):
            await pilot.resize_terminal(width, 40)
            await pilot.pause(0.2)
            drawn = str(pilot.app.screen.query_one("#response-chart").render())
            assert "Median response by severity" in drawn, width
            note = pilot.app.screen.query_one("#response-note")
            assert str(note.render()) == "None answered yet: major"
            assert note.region.y >= pilot.app.screen.query_one("#response-chart").region.bottom


def test_a_week_without_a_figure_is_a_gap_in_the_line() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from wzdesk.tui.screens.insights import runs_with_values

    assert runs_with_values([None, None, 0.5, 1.0, None, 0.0]) == [
        [(2, 0.5), (3, 1.0)],
        [(5, 0.0)],  # a real 0% stays
    ]
    assert runs_with_values([None, None]) == []

    @given(st.lists(st.one_of(st.none(), st.floats(0, 1)), max_size=20))
    def pieces_are_the_weeks_with_values(values: list[float | None]) -> None:
        runs = runs_with_values(values)
        assert [point for run in runs for point in run] == [
            (i, v) for i, v in enumerate(values) if v is not None
        ]
        for before, after in zip(runs, runs[1:], strict=False):  # a gap between two pieces
            assert any(values[i] is None for i in range(before[-1][0] + 1, after[0][0]))
        for run in runs:  # no gap inside one
            assert [i for i, _ in run] == list(range(run[0][0], run[-1][0] + 1))

    pieces_are_the_weeks_with_values()


async def test_f8_is_refused_to_agents(desk: dict[str, str], agent: Any, make_app: Any) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("f8")
        await settle(pilot, lambda: notifications(pilot))
        assert isinstance(pilot.app.screen, MainScreen)
        assert "may not view reports" in notifications(pilot)[-1]


async def open_audit_trail(pilot: Any) -> None:
    """From the queue, through the palette, until the audit trail's records are in."""
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.press("ctrl+p")
    await settle(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await pilot.press(*"audit trail")
    await pilot.pause(0.4)
    await pilot.press("enter")
    await settle(pilot, lambda: isinstance(pilot.app.screen, AuditScreen))
    await settle(pilot, lambda: _loaded(pilot, "newest records"))


async def test_palette_opens_the_audit_trail(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit_trail(pilot)
        resolved = line_with(pilot, f"case {desk['resolved']}")
        assert "case.resolve" in resolved and "sam" in resolved
        assert '{"status": "new"}' in resolved  # before → after
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))


async def test_the_audit_trail_says_the_year_of_a_record_from_another_year(
    desk: dict[str, str], supervisor: Any, clock: Any, make_app: Any
) -> None:
    """Read in January, December's records said "Mon 09 Mar 14:00", with no year."""
    from datetime import timedelta

    clock.advance(timedelta(days=300))  # January 2027; the records are of March 2026
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await open_audit_trail(pilot)
        resolved = line_with(pilot, f"case {desk['resolved']}")
        assert " 2026 " in resolved, resolved


async def explain_highlighted(pilot: Any) -> str:
    """Press E on the highlighted case and wait for its explanation; its reference."""
    ref = highlighted(pilot)
    assert ref
    await pilot.press("E")
    await settle(pilot, lambda: isinstance(pilot.app.screen, ExplainScreen))
    await settle(pilot, lambda: _loaded(pilot, "Response: target"))
    assert pilot.app.screen.ref == ref
    return ref


async def test_e_explains_the_selected_case(
    desk: dict[str, str], agent: Any, make_app: Any
) -> None:
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: highlighted(pilot) == desk["breached"])
        await explain_highlighted(pilot)
        # Critical, received Fri 6 March 12:00: 4 business hours, due Fri 16:00, breached.
        assert "due Fri 06 Mar 16:00 — breached at Fri 06 Mar 16:00" in screen_text(pilot)
        assert "Resolution: target 24h00m" in screen_text(pilot)
        assert "night, weekend" in screen_text(pilot) or "weekend, night" in screen_text(pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
        await pilot.press("down")
        await settle(pilot, lambda: highlighted(pilot) != desk["breached"])
        other = await explain_highlighted(pilot)
        assert other in screen_text(pilot)


@asynccontextmanager
async def insights_open(
    make_app: Any, supervisor: Any, size: tuple[int, int] = SIZE
) -> AsyncIterator[Any]:
    """The console as ``supervisor`` at ``size``, on the insights screen (F8), loaded."""
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=size) as pilot:
        await open_insights(pilot)
        yield pilot


async def open_insights(pilot: Any) -> None:
    await settle(pilot, lambda: isinstance(pilot.app.screen, MainScreen))
    await pilot.press("f8")
    await settle(pilot, lambda: isinstance(pilot.app.screen, InsightsScreen))
    await settle(pilot, lambda: _loaded(pilot, "SLA compliance = met on time"))


async def test_at_80_columns_each_chart_goes_under_its_table(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    """Seen at 80×24: beside the 52-cell table each chart had 19 cells, too few for a week's
    tick, and plotext's legend covered the compliance line."""
    async with insights_open(make_app, supervisor, size=(80, 24)) as pilot:
        for name in ("compliance", "backlog", "response"):
            table = pilot.app.screen.query_one(f"#{name}-table").region
            chart = pilot.app.screen.query_one(f"#{name}-chart").region
            assert chart.width >= 70, name
            assert chart.y >= table.bottom, name  # under the table, not beside it
        await pilot.resize_terminal(160, 50)
        await pilot.pause(0.2)
        for name in ("compliance", "backlog", "response"):
            table = pilot.app.screen.query_one(f"#{name}-table").region
            chart = pilot.app.screen.query_one(f"#{name}-chart").region
            assert chart.x >= table.right and chart.y == table.y, name  # wide: beside again


async def test_the_compliance_legend_is_under_the_chart_not_over_its_lines(
    desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    async with insights_open(make_app, supervisor) as pilot:
        chart = pilot.app.screen.query_one("#compliance-chart")
        drawn = str(chart.render())
        assert "response" not in drawn and "resolution" not in drawn  # nothing over the data
        legend = pilot.app.screen.query_one("#compliance-note")
        assert legend.region.y >= chart.region.bottom
        assert "━━ response   ━━ resolution" in line_with(pilot, "━━ response")


@pytest.mark.parametrize("size", [(80, 24), (120, 40), SIZE, (240, 60)])
async def test_the_compliance_chart_labels_the_current_week_and_its_steps_are_even(
    size: tuple[int, int], desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    """Seen at 80×24 and 120×40: the last week, the current one, had no label (the axis ended
    on its tick and plotext dropped a label past the edge); with room made for it, plotext
    dropped whichever labels collided instead. Every week is labelled, or every other week
    counting back from the current one."""
    import re
    from datetime import date, timedelta

    async with insights_open(make_app, supervisor, size=size) as pilot:
        chart = pilot.app.screen.query_one("#compliance-chart")
        drawn = str(chart.render()).splitlines()
        axis = next(i for i, line in enumerate(drawn) if "└" in line)
        labels = re.findall(r"\d\d-\d\d", drawn[axis + 1])
        assert labels and labels[-1] == "03-09", drawn[axis + 1]  # Monday 9 March: this week
        weeks = [date(2026, 3, 9) - timedelta(weeks=n) for n in range(12)][::-1]
        every = [week.strftime("%m-%d") for week in weeks]
        assert labels in (every, every[1::2]), labels


def test_backlog_ticks_are_whole_counts_in_a_round_step() -> None:
    """Plotext's own ticks labelled a count of open cases 84.2 and 101.0."""
    from hypothesis import given
    from hypothesis import strategies as st

    from wzdesk.tui.screens.insights import whole_ticks

    assert whole_ticks(101) == [0, 25, 50, 75, 100, 125]
    assert whole_ticks(0) == [0, 1]

    @given(st.integers(0, 10**9))
    def ticks_cover_the_count(top: int) -> None:
        ticks = whole_ticks(top)
        step = ticks[1] - ticks[0]
        assert ticks[0] == 0 and 2 <= len(ticks) <= 6
        assert ticks == list(range(0, ticks[-1] + 1, step))  # whole, evenly spaced
        assert ticks[-1] >= top > ticks[-2] or top == 0  # covers it, a step at most past it
        digits = str(step).rstrip("0")
        assert digits in ("1", "2", "25", "5")  # a round step

    ticks_cover_the_count()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), SIZE, (240, 60)])
async def test_the_backlog_chart_labels_today_and_its_steps_are_even(
    size: tuple[int, int], desk: dict[str, str], supervisor: Any, make_app: Any
) -> None:
    """Seen in a review at 120×40: under the backlog's bars the labels skipped weeks unevenly
    (09-20 09-27 10-11 10-18 11-01 …) and today's bar, the last, had none. Labelled as the
    compliance chart above it: every bar, or every other one counting back from today's."""
    import re

    async with insights_open(make_app, supervisor, size=size) as pilot:
        table = pilot.app.screen.query_one("#backlog-table")
        dates = [str(table.get_row_at(row)[0])[5:10] for row in range(table.row_count)]
        assert dates[-1] == "03-09"  # today, Monday 9 March
        chart = pilot.app.screen.query_one("#backlog-chart")
        drawn = str(chart.render()).splitlines()
        axis = next(i for i, line in enumerate(drawn) if "└" in line)
        labels = re.findall(r"\d\d-\d\d", drawn[axis + 1])
        assert labels and labels[-1] == "03-09", drawn[axis + 1]
        assert labels in (dates, dates[1::2]), labels
