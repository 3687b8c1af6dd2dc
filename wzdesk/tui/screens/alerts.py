"""Alerts in one place: those this console raised (cases crossing into at risk or breached while
it was open) and those ``wzdesk notify`` sent by email, newest first. Enter opens the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from wzdesk.core.errors import UserError
from wzdesk.tui.alert_log import console_alerts, console_alerts_raised
from wzdesk.tui.formatting import local_time
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread

LIMIT = 200


@dataclass(frozen=True)
class AlertRow:
    """One alert, whichever raised it."""

    at: datetime
    source: str  # "console" | "notify"
    ref: str | None
    text: str
    to: str


def notify_alerts(limit: int = LIMIT) -> list[AlertRow]:
    """Alerts ``wzdesk notify`` sent (call from a worker thread)."""
    from datetime import UTC

    from wzdesk.services.alerts import alert_dict, recent_alerts

    rows = []
    for item in (alert_dict(row, UTC) for row in in_thread(recent_alerts, limit)):  # type: ignore[arg-type]
        rows.append(
            AlertRow(
                datetime.fromisoformat(item["at"]),
                "notify",
                item["case"],
                item["summary"],
                item["to"],
            )
        )
    return rows


class AlertsScreen(Screen[None]):
    """Every alert, newest first: raised here, and emailed by ``wzdesk notify``."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("f5", "reload", "Reload"),
        Binding("enter", "open_case", "Open case"),
    ]

    @dataclass
    class Loaded(Message):
        rows: list[AlertRow]
        error: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AlertRow] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Loading alerts…", id="alerts-status")
        yield DataTable(id="alerts", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#alerts", DataTable)
        table.add_columns("When", "From", "Case", "Alert", "To")
        self.set_focus(table, scroll_visible=False)
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="alerts", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(self.Loaded(notify_alerts()))
        except UserError as error:
            self.post_message(self.Loaded([], str(error)))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(
                self.Loaded([], str(error).splitlines()[0] if str(error) else repr(error))
            )

    def on_alerts_screen_loaded(self, message: Loaded) -> None:
        raised = [
            AlertRow(a.at, "console", a.ref, a.text, "this console")
            for a in console_alerts(self.app)
        ]
        self.rows = sorted([*raised, *message.rows], key=lambda r: r.at, reverse=True)
        zone, now = self._zone(), desk(self).clock.now()
        table = self.query_one("#alerts", DataTable)
        table.clear()
        for row in self.rows:
            table.add_row(  # Text: a str cell is read as markup (summaries, names)
                local_time(row.at, zone, now=now),  # the year, when not this one
                row.source,
                row.ref or "—",
                Text(row.text),
                Text(row.to),
            )
        count = console_alerts_raised(self.app)
        kept = f" (the newest {len(raised):,} listed)" if count > len(raised) else ""
        status = (
            f"{count:,} raised by this console{kept} · {len(message.rows)} sent by "
            f"'wzdesk notify' (newest {LIMIT})"
        )
        if message.error:
            status += f" · cannot read notify's alerts: {message.error}"
        if not self.rows:
            status += " · no alerts yet"
        self.query_one("#alerts-status", Static).update(status)

    def _zone(self) -> Any:
        book = desk(self).book
        moment = desk(self).clock.now()
        return book.at(moment).calendar.zone if book is not None else moment.tzinfo

    def action_open_case(self) -> None:
        table = self.query_one("#alerts", DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= len(self.rows):
            return
        ref = self.rows[table.cursor_row].ref
        if ref:
            desk(self).show_case(ref)

    @on(DataTable.RowSelected, "#alerts")
    def selected(self) -> None:
        self.action_open_case()
