"""The queue: a virtual table of open cases drawn with Textual's Line API.

Only the lines on screen are rendered, so 10,000 rows cost what 40 do: first paint does not
measure cells (as the stock ``DataTable`` does), and the one-second tick recomputes countdowns
for the visible rows only. Rows are keyed by case id: a refresh that reorders or replaces rows
keeps the cursor on the same case and the viewport where it was.

The columns fit the width: on a narrow terminal the least needed ones give way (optional
columns first, then client, assignee, status) and severities shorten, so the summary keeps
room to be read.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wzdesk.core.sla import TimerState
from wzdesk.services.queue import QueueRow
from wzdesk.tui.formatting import COUNTDOWN_CELLS, short_countdown
from wzdesk.tui.widgets.own_style import OwnStyleOnce


@dataclass(frozen=True)
class Column:
    """A queue column; ``width`` 0 takes what is left; lower ``keep`` gives way first."""

    key: str
    title: str
    width: int
    keep: int
    optional: bool = False


COLUMNS: Sequence[Column] = (
    Column("marks", "", 2, 100),
    Column("ref", "Ref", 8, 100),
    Column("severity", "Sev", 8, 90),
    Column("client", "Client", 7, 40),
    Column("summary", "Summary", 0, 100),
    Column("status", "Status", 9, 50),
    Column("assignee", "Assignee", 9, 60),
    # Asked for with `x`: they outrank the client and status columns when room is short.
    Column("age", "Age", 5, 55, optional=True),
    Column("updated", "Updated", 7, 53, optional=True),
    Column("client_wrote", "Wrote", 7, 52, optional=True),
    Column("response", "Response", COUNTDOWN_CELLS, 95),
    Column("resolution", "Resolve", COUNTDOWN_CELLS, 95),
)
#: The summary keeps at least this many cells before other columns give way.
MIN_SUMMARY = 16
_STATUS_LABELS = {"waiting_client": "waiting", "escalated": "escalated"}
_SHORT_SEVERITY = {"critical": "crit", "major": "maj", "moderate": "mod", "minor": "min"}


def ago(seconds: float) -> str:
    """A compact age: ``45s``, ``12m``, ``5h``, ``3d``, ``7w``."""
    seconds = max(0.0, seconds)
    for unit, size in (("w", 7 * 86_400), ("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@lru_cache(maxsize=32)
def layout(
    width: int, extra: bool, ref_width: int = 0
) -> tuple[tuple[Column, ...], tuple[int, ...], bool]:
    """The columns that fit ``width`` cells, their widths, and whether severities shorten.

    ``ref_width``: the longest reference listed; the Ref column widens to it (a desk past
    WZ-99999 showed "WZ-6144…": which case a row is must never be cut). Cached: every line
    of every repaint asks (it was a tenth of drawing a line)."""
    columns = [c for c in COLUMNS if extra or not c.optional]
    short = False

    def sized(column: Column, short_sev: bool) -> int:
        if column.key == "severity" and short_sev:
            return 4
        if column.key == "ref":
            return max(column.width, ref_width)
        return column.width

    def widths(cols: list[Column], short_sev: bool) -> list[int]:
        fixed = [sized(c, short_sev) for c in cols if c.width]
        flexible = width - sum(fixed) - len(cols) - 1
        return [sized(c, short_sev) or max(0, flexible) for c in cols]

    while True:
        sizes = widths(columns, short)
        summary = sizes[[c.key for c in columns].index("summary")]
        if summary >= MIN_SUMMARY:
            return tuple(columns), tuple(sizes), short
        if not short and width < 100:
            short = True
            continue
        droppable = [c for c in columns if c.keep < 90]
        if not droppable:
            return tuple(columns), tuple(sizes), short
        columns.remove(min(droppable, key=lambda c: c.keep))


@lru_cache(maxsize=64)
def _without_background(style: Style) -> Style:
    return Style(
        color=style.color,
        bold=style.bold,
        dim=style.dim,
        italic=style.italic,
        underline=style.underline,
        strike=style.strike,
        reverse=style.reverse,
    )


def fit_cells(text: str, width: int) -> str:
    """``text`` in exactly ``width`` terminal cells: cut with "…", or padded with spaces.

    Counted in cells, not characters: a summary in Chinese or Japanese (two cells a
    character) counted by characters pushed every column after it along, and the row's
    end, its SLA timers, fell off the table.
    """
    if width <= 0:
        return ""
    if text.isascii():  # nearly every cell: one character, one cell
        return text[: width - 1] + "…" if len(text) > width else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def row_strip(
    cells: list[tuple[str, Style]], widths: Sequence[int], width: int, fill: Style
) -> Strip:
    """One line of the table: a space, then each cell fitted to its column with a space after
    it, padded with ``fill`` or cut to ``width`` cells.

    Neighbours of one style are one segment (most cells share the row's style), and the strip
    is made once at its known length: the compositor divides and crops every segment of every
    line again, and the queue is most of a frame (a screenful drew ~10% faster, ~20% at 200
    columns, than with a segment a cell and a separator)."""
    segments: list[Segment] = []
    run, run_style = " ", fill
    for (text, style), cell_width in zip(cells, widths, strict=True):
        fitted = fit_cells(text, cell_width)
        if style == run_style:
            run += fitted
        else:
            segments.append(Segment(run, run_style))
            run, run_style = fitted, style
        if run_style == fill:
            run += " "
        else:
            segments.append(Segment(run, run_style))
            run, run_style = " ", fill
    length = 1 + sum(widths) + len(widths)
    if length < width:
        if run_style != fill:
            segments.append(Segment(run, run_style))
            run, run_style = "", fill
        run += " " * (width - length)
    segments.append(Segment(run, run_style))
    if length > width:
        return Strip(segments, length).crop(0, width)
    return Strip(segments, max(width, 0))


class QueueTable(OwnStyleOnce, ScrollView, can_focus=True):
    """The queue of open cases, most urgent first (or as sorted)."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "jump(0)", "First", show=False),
        Binding("end,G", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "Open"),
        Binding("space", "mark", "Mark", show=False),
    ]

    COMPONENT_CLASSES = {
        "queue--header",
        "queue--cursor",
        "queue--marked",
        "queue--unread",
        "queue--critical",
        "queue--major",
        "queue--moderate",
        "queue--minor",
        "queue--breached",
        "queue--at-risk",
        "queue--paused",
        "queue--met",
        "queue--late",
        "queue--dim",
        "queue--empty",
    }

    DEFAULT_CSS = """
    QueueTable { height: 1fr; overflow-x: hidden; }
    """

    cursor = reactive(0, always_update=False, init=False, repaint=False)  # watch_cursor draws

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a case (or to none)."""

        table: QueueTable
        row: QueueRow | None

        @property
        def control(self) -> QueueTable:
            return self.table

    @dataclass
    class Left(Message):
        """A re-read the user did not ask for took the highlighted case out of the rows: the
        cursor now stands on ``now_on``, a case the user never chose."""

        table: QueueTable
        left: QueueRow
        now_on: QueueRow | None

        @property
        def control(self) -> QueueTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter (or a double click) on a case."""

        table: QueueTable
        row: QueueRow

        @property
        def control(self) -> QueueTable:
            return self.table

    @dataclass
    class MarksChanged(Message):
        """Rows were marked or unmarked (for bulk actions)."""

        table: QueueTable
        count: int

        @property
        def control(self) -> QueueTable:
            return self.table

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[QueueRow] = []
        self.now: float = 0.0
        self.marked: set[int] = set()
        self.extra_columns = False
        self.sort_title: tuple[str, bool] | None = None  # (column key, descending) to show
        self.empty_message = "Loading the queue…"
        self._wrapped: tuple[tuple[str, int], list[str]] = (("", 0), [""])
        self.is_unread: Callable[[QueueRow], bool] = lambda row: False
        self._index: dict[int, int] = {}
        # What the last drawing showed: the frame (size, scroll, header) and one key per
        # visible row; lines whose key is unchanged are not drawn again (see repaint_changed).
        self._drawn_frame: tuple[object, ...] | None = None
        self._drawn: tuple[tuple[object, ...], ...] = ()
        #: The rows list the last drawn body line came from: the app knows the first rows
        #: were on screen when a frame drew from the list it set (``WzdeskApp.post_display_hook``).
        self.drawn_rows: list[QueueRow] | None = None
        #: The longest reference in :attr:`rows` (the Ref column is at least that wide).
        self.ref_width = 0
        #: The Ref column is at least this wide (the widest reference the desk may list).
        self.ref_floor = 0

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[QueueRow], now: float, follow: bool = True) -> None:
        """Replace the rows, keeping the cursor on the same case and the viewport steady.

        ``follow``: announce the highlighted case if it changed (a filter the user set). A
        background refresh passes False, so the case an agent is reading never switches under
        them just because another agent resolved it — unless that case left the view, in which
        case the new highlighted row is announced (the detail and the actions must follow what
        the cursor shows).
        """
        selected = self.current_row
        offset_in_view = self.cursor - int(self.scroll_y)
        same = rows is self.rows  # the same list (a redraw after a crossing): index kept
        self.rows = rows
        self.now = now
        if not same:
            self._index = {row.case_id: i for i, row in enumerate(rows)}
            longest = max((len(row.ref) for row in rows), default=0)
            self.ref_width = max(longest, self.ref_floor)
        # Marks on rows this list hides (a filter) are kept, not dropped: they come back with
        # the rows (the screen drops those of cases that left the queue).
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        kept = selected is not None and selected.case_id in self._index
        if kept:
            assert selected is not None
            new_cursor = self._index[selected.case_id]
            self.set_reactive(QueueTable.cursor, new_cursor)
            self.scroll_to(y=max(0, new_cursor - offset_in_view), animate=False, immediate=True)
        else:
            self.set_reactive(QueueTable.cursor, min(self.cursor, max(0, len(rows) - 1)))
        if same:
            self.repaint_changed()  # a crossing: the row that crossed, not the whole table
        else:
            self._redraw()
        current = self.current_row
        moved = (selected is None) != (current is None) or (
            selected is not None and current is not None and selected.case_id != current.case_id
        )
        if moved and (follow or not kept):
            self.post_message(self.Highlighted(self, current))
        if moved and not follow and not kept and selected is not None:
            self.post_message(self.Left(self, selected, current))

    def tick(self, now: float) -> None:
        """A new second: recompute the visible rows' countdowns; repaint the lines that changed.

        Countdowns show minutes, so most ticks change nothing on screen and cost a few dozen
        bisects; when one does change, that line alone is drawn again (with 40 rows on screen
        some countdown turns about every second and a half, so drawing them all each time was
        most of the console's idle CPU).
        """
        self.now = now
        self.repaint_changed()

    def repaint_changed(self) -> None:
        """Mark for drawing only the lines whose content changed since the last drawing, or
        every line if the frame moved (size, scroll, header, columns).

        A line's key holds everything ``render_line`` reads that changes without the rows
        being replaced: the row object (a re-read makes a new one), cursor, mark, unread,
        countdowns, timer states and, when shown, the ages.
        """
        empty = "" if self.rows else self.empty_message
        shape = (self.size, int(self.scroll_y), self.sort_title, self.extra_columns)
        frame: tuple[object, ...] = (*shape, self.ref_width, empty)
        lines = self._visible_lines()
        if frame != self._drawn_frame or len(lines) != len(self._drawn):
            self.refresh()
        else:
            width = self.size.width
            for y, (before, after) in enumerate(zip(self._drawn, lines, strict=True), start=1):
                if before != after:
                    self.refresh(Region(0, y, width, 1))
        self._drawn_frame, self._drawn = frame, lines

    def _redraw(self) -> None:
        """Draw every line (new rows, a new order): the next diff starts from here."""
        self._drawn_frame = None
        self.refresh()

    def _visible_lines(self) -> tuple[tuple[object, ...], ...]:
        top = int(self.scroll_y)
        visible = self.rows[top : top + max(0, self.size.height - 1)]
        return tuple(self._line_key(index, row) for index, row in enumerate(visible, top))

    def _line_key(self, index: int, row: QueueRow) -> tuple[object, ...]:
        now = self.now
        key: tuple[object, ...] = (
            row,
            index == self.cursor,
            row.case_id in self.marked,
            self.is_unread(row),
            self._countdowns(row),
            row.response_state(now),
            row.resolution_state(now),
        )
        if self.extra_columns:
            wrote = row.client_wrote_at
            key += (
                ago(now - row.received_at),
                ago(now - row.updated_at),
                ago(now - wrote) if wrote else "",
            )
        return key

    def _countdowns(self, row: QueueRow) -> tuple[str, str]:
        now = self.now
        response = short_countdown(row.response_remaining(now), row.response_state(now))
        paused = row.paused_since is not None
        resolution = short_countdown(
            row.resolution_remaining(now), row.resolution_state(now), paused
        )
        return response, resolution

    @property
    def current_row(self) -> QueueRow | None:
        """The highlighted row, if any."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def select_case(self, case_id: int) -> bool:
        """Move the cursor to a case if it is in the current view."""
        if case_id not in self._index:
            return False
        self.cursor = self._index[case_id]
        return True

    def marked_rows(self) -> list[QueueRow]:
        """The marked rows this list shows, in queue order (a bulk action's cases)."""
        return [
            self.rows[self._index[i]]
            for i in sorted(self.marked & self._index.keys(), key=self._index.__getitem__)
        ]

    def marks_shown(self) -> tuple[int, int]:
        """(marked rows listed, marked rows the list hides)."""
        shown = len(self.marked & self._index.keys())
        return shown, len(self.marked) - shown

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self.repaint_changed()
            self.post_message(self.MarksChanged(self, 0))

    # -- movement -----------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.repaint_changed()  # two lines, unless the view scrolled
        self.post_message(self.Highlighted(self, self.current_row))

    def _scroll_cursor_into_view(self) -> None:
        body_height = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body_height:
            self.scroll_to(y=self.cursor - body_height + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 2))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def action_mark(self) -> None:
        """Mark (or unmark) the highlighted case for a bulk action, then move down."""
        row = self.current_row
        if row is None:
            return
        self.marked ^= {row.case_id}
        self.repaint_changed()
        self.post_message(self.MarksChanged(self, len(self.marked)))
        self.action_cursor(1)

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index
            if event.chain >= 2:
                self.action_select()

    # -- drawing ------------------------------------------------------------------------------

    def _empty_lines(self, width: int) -> list[str]:
        """The empty queue's message wrapped to the table (one cropped line cut the empty
        desk's "…Add clients with `wzdesk client add`, or try…" at 80 and 120 columns)."""
        key = (self.empty_message, width)
        if self._wrapped[0] != key:
            self._wrapped = (key, textwrap.wrap(self.empty_message, max(12, width - 4)) or [""])
        return self._wrapped[1]

    def render_line(self, y: int) -> Strip:
        if y:
            self.drawn_rows = self.rows
        width = self.size.width
        own = self.own_style
        columns, widths, short = layout(
            self.scrollable_content_region.width, self.extra_columns, self.ref_width
        )
        if y == 0:
            style = self.get_component_rich_style("queue--header")
            cells = [(self._title(c), style) for c in columns]
            return row_strip(cells, widths, width, style)
        index = int(self.scroll_y) + y - 1
        if not self.rows:
            message = self._empty_lines(width)
            if 2 <= y < 2 + len(message):
                style = self.get_component_rich_style("queue--empty")
                return (
                    Strip([Segment(f"  {message[y - 2]}", style)])
                    .extend_cell_length(width, own)
                    .crop(0, width)
                )
            return Strip.blank(width, own)
        if index >= len(self.rows):
            return Strip.blank(width, own)
        row = self.rows[index]
        base = own
        if row.case_id in self.marked:
            base = base + self.get_component_rich_style("queue--marked")
        if index == self.cursor:
            base = base + self.get_component_rich_style("queue--cursor")
        by_key = self._cells(row, base, short)
        return row_strip([by_key[c.key] for c in columns], widths, width, base)

    def _title(self, column: Column) -> str:
        if self.sort_title and self.sort_title[0] == column.key:
            return column.title + (" ▼" if self.sort_title[1] else " ▲")
        return column.title

    def _cells(self, row: QueueRow, base: Style, short: bool) -> dict[str, tuple[str, Style]]:
        now = self.now
        severity_style = base + self._ink(f"queue--{row.severity.value}")
        response_state = row.response_state(now)
        resolution_state = row.resolution_state(now)
        response_text, resolution_text = self._countdowns(row)
        dim = base + self._ink("queue--dim")
        mark = "✓" if row.case_id in self.marked else " "
        unread = self.is_unread(row)
        marks_style = base + self._ink("queue--unread") if unread else base
        severity = _SHORT_SEVERITY[row.severity.value] if short else row.severity.value
        cells = {
            "marks": (mark + ("●" if unread else " "), marks_style),
            "ref": (row.ref, base),
            "severity": (severity, severity_style),
            "client": (row.client_code, base),
            "summary": (row.summary, base),
            "status": (_STATUS_LABELS.get(row.status, row.status), base),
            "assignee": (row.assignee or "—", base if row.assignee else dim),
            "response": (response_text, base + self._timer_style(response_state, False)),
            "resolution": (
                resolution_text,
                base + self._timer_style(resolution_state, row.paused_since is not None),
            ),
        }
        if self.extra_columns:  # x: the ages
            cells["age"] = (ago(now - row.received_at), dim)
            cells["updated"] = (ago(now - row.updated_at), dim)
            wrote = row.client_wrote_at
            cells["client_wrote"] = (ago(now - wrote) if wrote else "—", dim)
        return cells

    def _timer_style(self, state: TimerState, paused: bool) -> Style:
        if paused and state is not TimerState.BREACHED:
            return self._ink("queue--paused")
        name = {
            TimerState.BREACHED: "queue--breached",
            TimerState.AT_RISK: "queue--at-risk",
            TimerState.MET: "queue--met",
            TimerState.LATE: "queue--late",
        }.get(state)
        return self._ink(name) if name else Style()

    def _ink(self, name: str) -> Style:
        """A component's colour and text style without its background: laid over a row, the
        row's own background (the cursor, a mark) must show through the coloured cells (it
        did not, and the cursor bar had holes at the severity and the timers)."""
        return _without_background(self.get_component_rich_style(name))

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
