"""Insights (supervisors, F8): SLA compliance per week, the backlog at each week's end and the
median response by severity, each as a table beside a terminal chart (``textual-plotext``),
over the last twelve weeks as of the console's clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static
from textual_plotext import PlotextPlot

from wzdesk.core.errors import UserError
from wzdesk.core.timefmt import format_business_duration, format_percent
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread

WEEKS = 12

#: Below this width each chart goes under its table: beside the 52-cell table it had 19 cells
#: at 80 columns, too few for a week's tick, and plotext drew its legend over the line.
STACK_BELOW = 110

#: Cells a week needs on the compliance chart to label it ("03-09" and room either side);
#: below that, every other week is labelled.
LABEL_CELLS = 7

#: The compliance lines' colours, given to plotext and to the legend under the chart (its own
#: legend sits inside the plot, top left, where a desk meeting its targets draws its line).
SERIES_COLOURS = {"response": (0, 130, 200), "resolution": (60, 180, 75)}

#: A chart's note, under it like the legend: in the title, plotext dropped a title too long for
#: the chart's width, whole.
NO_TARGET_COUNTED = "No target counted in these weeks."


def legend_markup() -> str:
    """The compliance chart's legend, each name after a stroke in its line's colour."""
    return "   ".join(
        f"[rgb({r},{g},{b})]━━[/] {name}" for name, (r, g, b) in SERIES_COLOURS.items()
    )


def percent(value: float | None) -> str:
    """``0.875`` as ``87.5%`` (:func:`format_percent`); no figure as ``—``."""
    return "—" if value is None else format_percent(value)


def duration(value: float | None) -> str:
    return "—" if value is None else format_business_duration(value)


def week_ticks(weeks: int, width: int) -> list[int]:
    """The weeks a chart ``width`` cells wide labels: every one, or where they would not fit
    every other one counting back from the current (last) week, which is always labelled.

    Left to itself plotext dropped labels that collided or passed the edge, and the current
    week's, at the right edge, was the one missing at 80 and 120 columns."""
    step = 1 if width >= LABEL_CELLS * (weeks + 2) else 2
    return [week for week in range(weeks) if (weeks - 1 - week) % step == 0]


def whole_ticks(top: int, most: int = 6) -> list[int]:
    """Axis ticks for a count: 0 up to at least ``top`` in a round whole step (1, 2, 2.5 or 5
    times a power of ten), at most ``most`` of them. Plotext's own ticks put a count of open
    cases at 84.2 and 101.0."""
    top = max(top, 1)
    power = 1
    while True:
        for tenths in (10, 20, 25, 50):
            if power * tenths % 10:
                continue  # 2.5: not a whole step
            size = power * tenths // 10
            steps = -(-top // size)  # ceiling
            if steps + 1 <= most:
                return list(range(0, steps * size + 1, size))
        power *= 10


def runs_with_values(values: list[float | None]) -> list[list[tuple[int, float]]]:
    """The chart's line pieces: each run of consecutive weeks that have a value, as (week
    index, value). A week with no case counted is a gap in the line; drawn as 0% it read as
    "every target missed" that week (the table beside it says "—")."""
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append((index, value))
    if current:
        runs.append(current)
    return runs


class Chart(PlotextPlot):
    """A plot that lets go of the app's theme signal when it closes. PlotextPlot subscribes
    with a callback that holds the plot, which the signal's weak keys cannot free: every F8
    kept its three plots, and their screen's tables, for good (~0.5 MB an opening)."""

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)


class InsightsScreen(Screen[None]):
    """Compliance, backlog and response times: tables beside charts."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f5", "reload", "Reload")]

    DEFAULT_CSS = """
    InsightsScreen .insight { height: 16; }
    InsightsScreen .insight DataTable { width: 52; }
    InsightsScreen .insight .chart { width: 1fr; }
    InsightsScreen .insight .note { height: auto; padding: 0 0 0 8; }
    InsightsScreen.-stacked .insight { layout: vertical; height: auto; }
    InsightsScreen.-stacked .insight DataTable { height: auto; }
    InsightsScreen.-stacked .insight .chart { width: 100%; height: 16; margin: 0 0 1 0; }
    """

    @dataclass
    class Loaded(Message):
        data: dict[str, Any] | None
        error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Loading insights…", id="insights-status")
        with VerticalScroll():
            for name in ("compliance", "backlog", "response"):
                with Horizontal(classes="insight"):
                    yield DataTable(id=f"{name}-table", cursor_type="row", zebra_stripes=True)
                    with Vertical(classes="chart"):
                        yield Chart(id=f"{name}-chart")
                        note = Static(id=f"{name}-note", classes="note")
                        note.display = False  # until there is something to say
                        yield note
        yield KeyBar()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < STACK_BELOW, "-stacked")

    def on_mount(self) -> None:
        self.sub_title = f"Insights · last {WEEKS} weeks"
        self.query_one("#compliance-table", DataTable).add_columns(
            "Week of", "Cases", "Response", "Resolution"
        )
        self.query_one("#backlog-table", DataTable).add_columns("End of", "Open cases")
        self.query_one("#response-table", DataTable).add_columns(
            "Severity", "Answered", "Median response", "p90"
        )
        self.load()

    def action_reload(self) -> None:
        # The figures stay on screen until the new ones come (a second or more at a million
        # cases); the line above them says they are being read again.
        self.query_one("#insights-status", Static).update("Reloading insights…")
        self.load()

    @work(thread=True, exclusive=True, group="insights", exit_on_error=False)
    def load(self) -> None:
        from wzdesk.services.reports import insights

        try:
            self.post_message(self.Loaded(in_thread(insights, desk(self).context, WEEKS)))
        except UserError as error:
            self.post_message(self.Loaded(None, str(error)))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(self.Loaded(None, str(error).splitlines()[0] or repr(error)))

    def on_insights_screen_loaded(self, message: Loaded) -> None:
        status = self.query_one("#insights-status", Static)
        if message.data is None:
            status.update(f"Cannot compute insights: {message.error}")
            return
        data = message.data
        status.update(
            "SLA compliance = met on time / (met + late + breached and open), cases received "
            "each week · `wzdesk report` exports the same figures"
        )
        self._compliance(data["compliance"])
        self._backlog(data["backlog"], data["today"])
        self._response(data["response"])

    def _compliance(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#compliance-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                row["week"], row["cases"], percent(row["response"]), percent(row["resolution"])
            )
        plot = self.query_one("#compliance-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        labels = [row["week"][5:] for row in rows]
        plotted = False
        for key in ("response", "resolution"):
            for run in runs_with_values([row[key] for row in rows]):
                weeks, values = zip(*run, strict=True)
                plt.plot(
                    list(weeks),
                    [value * 100 for value in values],
                    marker="braille",
                    color=SERIES_COLOURS[key],
                )
                plotted = True
        ticks = week_ticks(len(rows), plot.size.width)
        plt.xticks([float(week) for week in ticks], [labels[week] for week in ticks])
        plt.xlim(0, max(len(rows) - 1, 1))
        plt.ylim(0, 100)
        plt.title("Compliance per week (%)")
        self._note("compliance", legend_markup() if plotted else NO_TARGET_COUNTED)
        plot.refresh()

    def _note(self, name: str, text: str) -> None:
        """The line under a chart (a legend, or why something is not drawn), which wraps: in
        the chart's title plotext dropped a title too long for the chart's width, whole."""
        note = self.query_one(f"#{name}-note", Static)
        note.update(text)
        note.display = bool(text)

    def _backlog(self, rows: list[dict[str, Any]], today: str) -> None:
        table = self.query_one("#backlog-table", DataTable)
        table.clear()
        for row in rows:
            # The day not over yet is counted up to now: say so beside its date.
            table.add_row(row["date"] + (" (now)" if row["date"] == today else ""), row["open"])
        plot = self.query_one("#backlog-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        counts = [row["open"] for row in rows]
        # Labelled as the compliance chart is: given the labels as bar names, plotext dropped
        # whichever collided, so weeks went unlabelled unevenly and today's bar had none.
        plt.bar(list(range(len(rows))), counts)
        ticks = week_ticks(len(rows), plot.size.width)
        plt.xticks([float(week) for week in ticks], [rows[week]["date"][5:] for week in ticks])
        plt.xlim(-0.5, len(rows) - 0.5)  # each bar whole, centred on its label
        ticks = whole_ticks(max(counts, default=0))
        plt.yticks([float(tick) for tick in ticks], [str(tick) for tick in ticks])
        plt.ylim(0, ticks[-1])
        plt.title("Backlog: open cases at each week's end")
        plot.refresh()

    def _response(self, rows: list[dict[str, Any]]) -> None:
        table = self.query_one("#response-table", DataTable)
        table.clear()
        for row in rows:
            # The median is over the cases answered: "Cases" beside it counted the unanswered
            # too (2 critical, a median of 11h00m taken over the one answered).
            table.add_row(
                row["severity"],
                f"{row['answered']} of {row['cases']}",
                duration(row["median_seconds"]),
                duration(row["p90_seconds"]),
            )
        plot = self.query_one("#response-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        answered = [row for row in rows if row["median_seconds"] is not None]
        if answered:
            plt.bar(
                [row["severity"] for row in answered],
                [row["median_seconds"] / 3600 for row in answered],
            )
        plt.title("Median response by severity (business hours)")
        unanswered = [row["severity"] for row in rows if row["median_seconds"] is None]
        # No bar at all, rather than a bar of 0 h ("answered at once"): the note says why.
        self._note("response", f"None answered yet: {', '.join(unanswered)}" if unanswered else "")
        plot.refresh()
