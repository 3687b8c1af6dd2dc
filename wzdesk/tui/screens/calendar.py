"""The business calendar: each policy version's opening hours (per weekday, overnight windows
included) and targets, and the holidays and half-days. Opened from the palette ("Calendar: opening
hours, holidays and half-days"); read in a thread worker.

Supervisors change the holidays here: ``a`` adds a holiday or half-day (a small form), ``d``
removes the highlighted one. Before saving, the what-if (the service's dry run, in a worker) shows
which cases' due instants move, by how much, and which newly breach or stop being breached;
Save runs the same change for real, Cancel writes nothing. Policy versions change with
``wzdesk policy set`` (also with ``--dry-run``).

The calendar is re-read every few seconds in a worker (``wzdesk holidays add|remove`` and other
consoles change it while the screen is open), and at once after a refused change, so the list
never shows a holiday that is gone: it was read once, and a removal refused because the holiday
had gone left it listed (every later ``d`` refused again). The cursor stays on its holiday by
date; if that holiday goes, the screen says so and names the one highlighted now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static
from textual.worker import get_current_worker

from wzdesk.core.calendar import format_week, parse_week
from wzdesk.core.errors import UserError
from wzdesk.core.rules import Action, may
from wzdesk.tui.screens.calendar_change import (
    FIELD_LABELS,
    HolidayChange,
    HolidayForm,
    WhatIf,
    WhatIfScreen,
    run_change,
    same_moves,
    saved_text,
    what_if,
)
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.widgets.notice_line import NoticeLine
from wzdesk.tui.workers import desk, in_thread

TITLE = "Calendar: opening hours, holidays and half-days"
#: The keys that change the calendar, and what a role that may not use them is told.
CHANGE_KEYS = {"a": "add a holiday", "d": "remove a holiday"}


def read_calendar() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every policy version and every holiday (call from a worker thread)."""
    from wzdesk.services.calendar import list_holidays, policy_versions

    return policy_versions(), [row.as_dict() for row in list_holidays()]


def _target(hours: float, days: int | None) -> str:
    return f"{days} open day(s)" if days else f"{hours:g}h"


def render_versions(versions: list[dict[str, Any]]) -> Group:
    """The versions, newest first: each one's week and targets."""
    parts: list[Any] = []
    for version in reversed(versions):
        week = format_week(parse_week([f"{d}={h}" for d, h in version["hours"].items()]))
        parts.append(
            Text.assemble(
                (f"Version {version['id']}", "bold reverse"),
                f" from {version['from']} ({version['zone']})\n",
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
    return Group(*parts)


class CalendarScreen(Screen[None]):
    """Opening hours of every policy version, and the holidays and half-days (a table whose
    highlighted row ``d`` removes; ``a`` adds one; supervisors only, what-if first)."""

    BINDINGS = [
        Binding("a", "add_holiday", "Add holiday"),
        Binding("d", "remove_holiday", "Remove holiday"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    @dataclass
    class Loaded(Message):
        versions: list[dict[str, Any]]
        holidays: list[dict[str, Any]]
        error: str | None = None

    @dataclass
    class Done(Message):
        """A what-if worked out (``what_if``), a change saved (``saved``), or a refusal."""

        what_if: WhatIf | None = None
        saved: str | None = None
        error: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.holidays: dict[str, dict[str, Any]] = {}
        #: What the last save said (tests and the status line read it).
        self.last_saved: str | None = None
        self._read: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        self._timer: Timer | None = None
        #: Dates this screen removed: their leaving the list is no news (the save said it).
        self._removed_here: set[str] = set()
        #: The holiday the cursor moved to when its own went; moving off it ends the notice.
        self._moved_to: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="calendar-box"):
            yield Static("Loading the calendar…", id="calendar")
        holidays: DataTable[str] = DataTable(id="holidays", cursor_type="row", zebra_stripes=True)
        for column in ("date", "name", "open", "source"):
            holidays.add_column(column, key=column)
        yield holidays
        yield NoticeLine(id="calendar-notice")
        status = Static("", id="calendar-status")
        status.display = False  # a blank line above the key bar until there is something to say
        yield status
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#calendar-box").border_title = TITLE
        self.query_one("#holidays").border_title = "Holidays and half-days"
        self.set_focus(self.query_one("#holidays"), scroll_visible=False)
        self.load()

    @property
    def may_change(self) -> bool:
        return may(desk(self).role, Action.MANAGE_CALENDAR)

    @work(thread=True, exclusive=True, group="calendar", exit_on_error=False)
    def load(self) -> None:
        try:
            versions, holidays = in_thread(read_calendar)
            self.post_message(self.Loaded(versions, holidays))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(self.Loaded([], [], str(error).splitlines()[0] or repr(error)))

    def _schedule(self) -> None:
        """Re-read after ``refresh_seconds``, armed once each read is in: reads never pile up."""
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(max(desk(self).refresh_seconds, 0.1), self.load)

    def on_calendar_screen_loaded(self, message: Loaded) -> None:
        self._schedule()
        shown = self.query_one("#calendar", Static)
        if message.error:
            shown.update(f"Cannot read the calendar: {message.error}. Retrying…")
            self._read = None
            return
        read = (message.versions, message.holidays)
        if read == self._read:
            return  # nothing changed: the table keeps its scroll and cursor as they are
        self._read = read
        shown.update(render_versions(message.versions))
        table = self.query_one("#holidays", DataTable)
        keep, index = self.selected_date(), table.cursor_row
        gone = self.holidays.get(keep) if keep is not None else None
        table.clear()
        self.holidays = {row["date"]: row for row in message.holidays}
        for row in message.holidays:
            table.add_row(  # Text: a str cell is read as markup ("[/]" in a name closed it)
                row["date"],
                Text(row["name"]),
                Text(row["hours"] or "closed all day"),
                Text(row["source"]),
                key=row["date"],
            )
        if not message.holidays:
            table.add_row("—", "no holidays yet", "", "")
        elif keep in self.holidays:
            table.move_cursor(row=table.get_row_index(keep))
        else:
            table.move_cursor(row=min(index, len(message.holidays) - 1))
        if gone is not None and keep not in self.holidays:
            self._gone(gone)
        self.refresh_bindings()

    def _gone(self, holiday: dict[str, Any]) -> None:
        """The highlighted holiday left the list: name it and the one highlighted now (unless
        this screen removed it: the save said so)."""
        if holiday["date"] in self._removed_here:
            return
        now = self.selected_date()
        self._moved_to = now
        where = f"now on {_label(self.holidays[now])}" if now else "no holidays left"
        text = (
            f"Holiday {_label(holiday)} is no longer in the calendar (removed elsewhere); {where}."
        )
        self.query_one(NoticeLine).say(text)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        if self._moved_to is not None and key is not None and key == self.selected_date():
            if key != self._moved_to:  # the user moved on (not a refill's passing row)
                self._moved_to = None
                self.query_one(NoticeLine).say("")

    def selected_date(self) -> str | None:
        """The highlighted holiday's date (ISO), if any."""
        table = self.query_one("#holidays", DataTable)
        if not self.holidays or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return key if key in self.holidays else None

    # -- changing the holidays (supervisors): the what-if, then Save or Cancel ----------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("add_holiday", "remove_holiday"):
            if not self.may_change:
                return False
            return None if action == "remove_holiday" and not self.holidays else True
        return True

    def explain_refused_key(self, event: events.Key) -> bool:
        """A change key the role may not use says why (it is not offered in the key bar), and
        so does ``d`` with no holiday to remove; asked by the app in key order
        (:class:`~wzdesk.tui.typeahead.ExplainsRefusals`)."""
        if event.key not in CHANGE_KEYS:
            return False
        if self.may_change:
            if event.key != "d" or self.holidays:
                return False
            self.status("No holiday to remove: the calendar lists none.")
            return True
        wz = desk(self)
        self.notify(
            f"{wz.context.actor} ({wz.role.value}) may not {CHANGE_KEYS[event.key]}: "
            "supervisors change the calendar.",
            severity="warning",
        )
        return True

    def action_add_holiday(self) -> None:
        self.app.push_screen(HolidayForm(), self._confirm)

    def action_remove_holiday(self) -> None:
        selected = self.selected_date()
        if selected is None:
            return
        row = self.holidays[selected]
        change = HolidayChange(date.fromisoformat(selected), remove=True, name=row["name"])
        self.status(f"Working out what removing {selected} would do…")
        self.check_removal(change)

    @work(thread=True, exclusive=True, group="calendar-change", exit_on_error=False)
    def check_removal(self, change: HolidayChange) -> None:
        worker = get_current_worker()
        try:
            result = in_thread(what_if, desk(self).context, change)
        except Exception as error:
            self.post_message(self.Done(error=_first_line(error)))
            return
        if not worker.is_cancelled:  # a second d replaced this one: show only the newest
            self.post_message(self.Done(what_if=result))

    def _confirm(self, result: WhatIf | None) -> None:
        """Show the what-if; Save runs the change, Cancel writes nothing."""
        if result is None:
            return

        def answered(save: bool | None) -> None:
            if save:
                self.status(f"Saving holiday {result.change.day.isoformat()}…")
                if result.change.remove:
                    self._removed_here.add(result.change.day.isoformat())
                self.save(result)
            else:
                self.status("Nothing saved.")

        self.app.push_screen(WhatIfScreen(result), answered)

    @work(thread=True, exclusive=True, group="calendar-change", exit_on_error=False)
    def save(self, previewed: WhatIf) -> None:
        change = previewed.change
        existed = change.day.isoformat() in self.holidays
        try:
            retiming = in_thread(run_change, desk(self).context, change, False)
        except Exception as error:
            self.post_message(self.Done(error=_first_line(error)))
            return
        text = saved_text(change, retiming, existed)
        if not same_moves(retiming, previewed.retiming):
            text += " (not what the what-if showed: the desk changed meanwhile)"
        self.post_message(self.Done(saved=text))

    def on_calendar_screen_done(self, message: Done) -> None:
        if message.error is not None:
            self._removed_here.clear()  # a refused removal removed nothing here
            self.status(f"Not done: {message.error}")
            self.notify(message.error, title="Not done", severity="error", timeout=8)
            self.load()  # refused because the calendar changed, maybe: show it as it is
        elif message.what_if is not None:
            self.status("")
            self._confirm(message.what_if)
        elif message.saved is not None:
            self.last_saved = message.saved
            self.status(message.saved)
            self.notify(message.saved, timeout=6)
            self.load()
            desk(self).load_queue()  # the queue's timers follow the new due instants

    def status(self, text: str) -> None:
        line = self.query_one("#calendar-status", Static)
        line.update(text)
        line.display = bool(text)


def _label(holiday: dict[str, Any]) -> str:
    """``2026-12-25 “Christmas Day”`` (the date alone when it has no name)."""
    return f"{holiday['date']} “{holiday['name']}”" if holiday["name"] else holiday["date"]


def _first_line(error: Exception) -> str:
    if isinstance(error, UserError):
        label = FIELD_LABELS.get(error.field or "")
        return f"{label}: {error.message}" if label else str(error)
    return str(error).splitlines()[0] if str(error) else repr(error)
