"""The business calendar, read-only: each policy version's opening hours (per weekday, overnight
windows included) and targets, and the holidays and half-days. Opened from the palette
("Calendar: opening hours, holidays and half-days"); read in a thread worker. Changes are made
with ``wzdesk holidays`` and ``wzdesk policy set`` (both with ``--dry-run``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from wzdesk.core.calendar import format_week, parse_week
from wzdesk.tui.workers import in_thread

TITLE = "Calendar: opening hours, holidays and half-days"


def read_calendar() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every policy version and every holiday (call from a worker thread)."""
    from wzdesk.services.calendar import list_holidays, policy_versions

    return policy_versions(), [row.as_dict() for row in list_holidays()]


def _target(hours: float, days: int | None) -> str:
    return f"{days} open day(s)" if days else f"{hours:g}h"


def render_calendar(versions: list[dict[str, Any]], holidays: list[dict[str, Any]]) -> Group:
    """The versions, newest first, then the holidays and half-days."""
    parts: list[Any] = []
    for version in reversed(versions):
        week = format_week(parse_week([f"{d}={h}" for d, h in version["hours"].items()]))
        parts.append(
            Text.assemble(
                (f"Version {version['id']}", "bold reverse"),
                f" from {version['effective_from']} ({version['zone']})\n",
                ("Open ", "bold"),
                week,
            )
        )
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
        for column in ("severity", "response", "resolution", "counts"):
            table.add_column(column)
        for severity, target in version["targets"].items():
            table.add_row(
                severity,
                _target(target["response_hours"], target.get("response_days")),
                _target(target["resolution_hours"], target.get("resolution_days")),
                "24x7" if target["around_the_clock"] else "business hours",
            )
        parts.append(table)
    closed = Table(
        title="Holidays and half-days",
        title_justify="left",
        title_style="bold reverse",
        box=None,
        padding=(0, 2),
    )
    for column in ("date", "name", "open", "source"):
        closed.add_column(column)
    for row in holidays:
        closed.add_row(row["date"], row["name"], row["hours"] or "closed all day", row["source"])
    if not holidays:
        closed.add_row("—", "no holidays yet", "", "")
    parts.append(closed)
    return Group(*parts)


class CalendarScreen(Screen[None]):
    """Opening hours of every policy version, and the holidays and half-days."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    @dataclass
    class Loaded(Message):
        versions: list[dict[str, Any]]
        holidays: list[dict[str, Any]]
        error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="calendar-box"):
            yield Static("Loading the calendar…", id="calendar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#calendar-box").border_title = TITLE
        self.load()

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def load(self) -> None:
        try:
            versions, holidays = in_thread(read_calendar)
            self.post_message(self.Loaded(versions, holidays))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(self.Loaded([], [], str(error).splitlines()[0] or repr(error)))

    def on_calendar_screen_loaded(self, message: Loaded) -> None:
        shown = self.query_one("#calendar", Static)
        if message.error:
            shown.update(f"Cannot read the calendar: {message.error}")
        else:
            shown.update(render_calendar(message.versions, message.holidays))
