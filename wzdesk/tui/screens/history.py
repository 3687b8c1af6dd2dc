"""Case history: every case, open and historical, newest first, searchable, a page at a time.

Opened from the palette ("History: all cases"), or scoped to one client or one contact (the
case detail's "client's history" and "contact's history"). Pages come from the database (SQL
does the ordering and paging, see :mod:`wzdesk.services.history`), read in a thread worker;
Enter opens the selected case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static, Tab, Tabs
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.services.history import (
    STATUS_FILTERS,
    HistoryPage,
    HistoryQuery,
    HistoryRow,
    history_page,
)
from wzdesk.tui.formatting import local_time
from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.widgets.search_box import SearchBox
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

SEARCH_DEBOUNCE = 0.25
STATUS_LABELS = {
    "new": "new",
    "open": "open",
    "waiting_client": "waiting",
    "escalated": "escalated",
    "resolved": "resolved",
    "closed": "closed",
}
STATUS_STYLE = {"resolved": "green", "closed": "dim"}


@dataclass
class HistoryLoaded(Message):
    """A page read by the worker (or why it could not be read)."""

    page: HistoryPage | None
    zone: ZoneInfo | None
    now: datetime
    error: str | None = None
    keep_ref: str | None = None
    at_end: bool = False  # put the cursor on the last row (paging backwards)


class HistoryTable(DataTable[Text]):
    """The page's rows; moving past the first or last row turns the page."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    @dataclass
    class TurnPage(Message):
        step: int  # +1 next page, -1 previous page

    def _move(self, step: int, move: Callable[[], None]) -> None:
        """Move within the page, or past its first or last row to the next page."""
        at_edge = self.cursor_row >= self.row_count - 1 if step > 0 else self.cursor_row <= 0
        if self.row_count and at_edge:
            self.post_message(self.TurnPage(step))
        else:
            move()

    def action_cursor_down(self) -> None:
        self._move(+1, super().action_cursor_down)

    def action_cursor_up(self) -> None:
        self._move(-1, super().action_cursor_up)

    def action_page_down(self) -> None:
        self._move(+1, super().action_page_down)

    def action_page_up(self) -> None:
        self._move(-1, super().action_page_up)


#: (key, heading, minimum terminal width to show it)
COLUMNS = [
    ("ref", "Ref", 0),
    ("received", "Received", 0),
    ("status", "Status", 0),
    ("severity", "Severity", 100),
    ("client", "Client", 0),
    ("contact", "Contact", 150),
    ("assignee", "Assignee", 100),
    ("ended", "Resolved/closed", 150),
    ("summary", "Summary", 0),
]


class HistoryScreen(Screen[None]):
    """Every case (or one client's, or one contact's), newest first, with a search box."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "focus_search", "Search"),
        Binding("right_square_bracket", "turn_page(1)", "Next page"),
        Binding("left_square_bracket", "turn_page(-1)", "Prev page"),
        *[
            Binding(str(number), f"status('{name}')", name.capitalize(), show=False)
            for number, name in enumerate(STATUS_FILTERS)
        ],
    ]

    def __init__(self, client: str | None = None, contact: str | None = None) -> None:
        """``client``: a client code; ``contact``: an email or phone number (within
        ``client`` when both are given). Without either, every case is listed."""
        super().__init__()
        self.client, self.contact = client, contact
        self.status = "all"
        self.text = ""
        self.page: HistoryPage | None = None
        self.zone: ZoneInfo | None = None
        self.now: datetime | None = None
        self._debounce: Timer | None = None

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="history-bar"):
            yield SearchBox(
                placeholder="Search: reference, client, summary, contact",
                id="search",
                then_focus="#history-table",
            )
            yield Tabs(
                *[Tab(name.capitalize(), id=f"status-{name}") for name in STATUS_FILTERS],
                id="status-tabs",
            )
        yield HistoryTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("Reading the history…", id="history-status", markup=False)  # quotes the search
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#history-table", HistoryTable).border_title = "History"
        self.set_focus(self.query_one("#search", Input), scroll_visible=False)
        self.load(0)

    # -- reading -------------------------------------------------------------------------------

    @property
    def query_now(self) -> HistoryQuery:
        return HistoryQuery(self.text, self.status, self.client, self.contact)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def load(self, offset: int, keep_ref: str | None = None, at_end: bool = False) -> None:
        """Read one page (and the count of matches) in a worker thread."""
        from wzdesk.services.policy_book import load_policy_book

        worker = get_current_worker()
        now = self.wz.clock.now()
        query = self.query_now
        try:
            book = self.wz.book or in_thread(load_policy_book)
            page = in_thread(history_page, query, offset)
        except UserError as error:
            if not worker.is_cancelled:
                self.post_message(HistoryLoaded(None, None, now, str(error)))
            return
        except Exception as error:  # the database went away: say so, keep the screen
            if not worker.is_cancelled:
                first = str(error).splitlines()[0] if str(error) else repr(error)
                self.post_message(HistoryLoaded(None, None, now, f"Cannot read cases: {first}"))
            return
        if not worker.is_cancelled and query == self.query_now:
            zone = book.at(now).calendar.zone
            self.post_message(HistoryLoaded(page, zone, now, None, keep_ref, at_end))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        status = self.query_one("#history-status", Static)
        if message.error or message.page is None:
            status.update(message.error or "")
            return
        self.page, self.zone, self.now = message.page, message.zone, message.now
        self._fill(message.keep_ref, message.at_end)

    def _fill(self, keep_ref: str | None = None, at_end: bool = False) -> None:
        """Show the page in columns fitted to the width (text cut with "…", never wrapped)."""
        page, zone, now = self.page, self.zone, self.now
        if page is None or zone is None or now is None:
            return
        table = self.query_one("#history-table", HistoryTable)
        keep_ref = keep_ref or self.selected_ref
        cells = [self._cells(row, zone, now) for row in page.rows]
        shown = [c for c in COLUMNS if self.size.width >= c[2]]
        widths = {key: len(heading) for key, heading, _ in shown}
        for row_cells in cells:
            for key in widths:
                widths[key] = max(widths[key], len(row_cells[key].plain))
        # Each column has one cell of padding either side; the summary takes what is left.
        fixed = sum(w + 2 for key, w in widths.items() if key != "summary")
        room = table.scrollable_content_region.width or self.size.width - 4
        scrollbar = 2 if len(page.rows) > table.scrollable_content_region.height else 0
        widths["summary"] = max(12, room - scrollbar - fixed - 2)
        for key in ("contact", "client", "assignee"):
            if key in widths:
                widths[key] = min(widths[key], 18)
        table.clear(columns=True)
        for key, heading, _ in shown:
            table.add_column(heading, key=key, width=widths[key])
        for row, row_cells in zip(page.rows, cells, strict=True):
            table.add_row(*[_cut(row_cells[key], widths[key]) for key, _, _ in shown], key=row.ref)
        refs = [row.ref for row in page.rows]
        if keep_ref in refs:
            table.move_cursor(row=refs.index(keep_ref))
        elif at_end and refs:
            table.move_cursor(row=len(refs) - 1)
        self._describe()

    @staticmethod
    def _cells(row: HistoryRow, zone: ZoneInfo, now: datetime) -> dict[str, Text]:
        return {
            "ref": Text(row.ref, "bold"),
            "received": Text(local_time(row.received_at, zone, now=now)),
            "status": Text(
                STATUS_LABELS.get(row.status, row.status), STATUS_STYLE.get(row.status, "")
            ),
            "severity": Text(row.severity),
            "client": Text(row.client_code),
            "contact": Text(row.contact_name),
            "assignee": Text(row.assignee or "—", "" if row.assignee else "dim"),
            "ended": Text(local_time(row.ended_at, zone, now=now) if row.ended_at else "—"),
            "summary": Text(row.summary),
        }

    def _describe(self) -> None:
        page = self.page
        if page is None:
            return
        scope = f" · {page.scope}" if page.scope else ""
        filters = [] if self.status == "all" else [self.status]
        if self.text.strip():
            filters.append(f"'{self.text.strip()}'")
        noun = "case" if page.total == 1 else "cases"
        verb = "match" if page.total > 1 else "matches"  # "no case matches", "1 case matches"
        what = f" {verb} {' + '.join(filters)}" if filters else ""
        table = self.query_one("#history-table", HistoryTable)
        table.border_title = f"History{scope} · {page.total:,} {noun}"
        if not page.total:
            text = f"No case{what or ' yet'}." + (" Esc clears the search." if self.text else "")
        else:
            first, last = page.offset + 1, page.offset + len(page.rows)
            order = "newest first"
            if page.pinned is not None and page.offset == 0 and len(page.rows) > 1:
                order = f"{page.pinned} first, then newest"  # the reference typed, whole
            text = (
                f"{page.total:,} {noun}{what} · {first:,}–{last:,}, page {page.page:,} of "
                # The key bar names [ ] and /: said here too, the line was cut at 80 columns.
                f"{page.pages:,} · {order} · Enter open · 0–3 status"
            )
        self.query_one("#history-status", Static).update(text)

    @property
    def selected_ref(self) -> str | None:
        table = self.query_one("#history-table", HistoryTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def on_resize(self, event: Resize) -> None:
        self._fill()

    def on_queue_changed(self, message: QueueChanged) -> None:
        """Someone changed cases: re-read this page (the cursor stays on its case)."""
        if self.page is not None and not message.initial:
            self.load(self.page.offset, self.selected_ref)

    # -- searching, filtering, paging ----------------------------------------------------------

    @on(Input.Changed, "#search")
    def search_changed(self, event: Input.Changed) -> None:
        """Search after typing pauses. Until the answer comes, the status line says what is
        being looked for: the rows and count on screen are the previous search's (a search
        scans every case: 0.6–1.7 s at a million cases), and a list that did not match the
        box without a word looked like the answer."""
        self.text = event.value
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(SEARCH_DEBOUNCE, lambda: self.load(0))
        wanted = self.text.strip()
        self.query_one("#history-status", Static).update(
            f"Looking for '{wanted}'…" if wanted else "Reading the history…"
        )

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        self.set_focus(self.query_one("#history-table", HistoryTable))

    @on(Tabs.TabActivated, "#status-tabs")
    def tab_activated(self, event: Tabs.TabActivated) -> None:
        name = (event.tab.id or "status-all").removeprefix("status-")
        if name != self.status:
            self.status = name
            self.load(0)

    def action_status(self, name: str) -> None:
        self.query_one("#status-tabs", Tabs).active = f"status-{name}"

    def action_turn_page(self, step: int) -> None:
        page = self.page
        if page is None:
            return
        offset = page.offset + step * page.limit
        if 0 <= offset < page.total:
            self.load(offset, at_end=step < 0)

    @on(HistoryTable.TurnPage)
    def turn_page(self, message: HistoryTable.TurnPage) -> None:
        self.action_turn_page(message.step)

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_back(self) -> None:
        """Esc: clear the search box if it holds text, else back to where history was opened."""
        search = self.query_one("#search", Input)
        if self.focused is search and search.value:
            search.value = ""
        else:
            self.app.pop_screen()

    @on(DataTable.RowSelected, "#history-table")
    def open_case(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.wz.show_case(str(event.row_key.value))


def _cut(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells with a trailing "…" (rows never wrap)."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(max(1, width - 1))
    cut.append("…")
    return cut
