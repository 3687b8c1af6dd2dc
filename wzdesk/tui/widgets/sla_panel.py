"""The SLA / breach panel: breached and at-risk cases by severity, and the business clock.

Each row names the target at stake (response or resolution) with that target's own time; a
minus sign or "overdue" appears only for a breached target. Nothing is dropped silently: a
group cut short by the panel's size ends with "+N more", the counts are always complete, and
when the panel is too short for its lines its bottom edge says how many cases are out of view
("↓ 27 cases below"): at 120×40 the moderate and minor groups had been below the edge with
only a scroll bar to say so.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widget import Widget

from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.policy_book import PolicyBook
from wzdesk.services.queue import RESORT_SECONDS, QueueRow, QueueSnapshot, TargetReading
from wzdesk.tui.formatting import local_time, target_status
from wzdesk.tui.widgets.live_lines import LiveLines, out_of_view

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.MAJOR: "bold dark_orange",
    Severity.MODERATE: "bold blue",
    Severity.MINOR: "dim",
}
TARGET_LABEL = {"response": "response", "resolution": "resolution"}


class BusinessClock(Widget):
    """``● Open · Wed 11 Mar 10:42 EDT · closes 18:00`` (or when it next opens), in the longest
    form that fits on one line.

    The breach panel's scroll bar appears once the board is counted and takes a cell: the
    line, a cell too wide then, wrapped ("18:00" alone on a second line) and pushed the board
    down a line. Open, the clock drops the date, then the weekday, rather than wrap. Closed, it
    never drops "countdowns stopped" (why no time moves): at its narrowest it breaks the line
    before "opens", not inside a phrase. A severity counted 24x7 keeps counting while the
    office is closed, and the clock says so (:func:`closed_forms`)."""

    DEFAULT_CSS = "BusinessClock { height: auto; }"

    _forms: tuple[str, ...] = ("",)

    @property
    def text(self) -> str:
        """The form shown at the clock's present width."""
        return self._form_for(self.content_size.width)

    def show(self, book: PolicyBook, now: datetime) -> None:
        """The clock at ``now`` by the office calendar in force, saying, when it is closed,
        which countdowns stopped: a severity counted 24x7 (:meth:`PolicyBook.around_the_clock`)
        runs on."""
        calendar = book.at(now).calendar
        zone = calendar.zone
        local = now.astimezone(zone)
        # Minutes, not seconds: the clock redraws once a minute, not every tick.
        day, clock = local.strftime("%a %d %b"), local.strftime("%H:%M %Z")
        is_open = calendar.is_open(now)
        if is_open:
            closes = f"closes {local_time(calendar.next_closing(now), zone, with_date=False)}"
            forms: tuple[str, ...] = (
                f"● Open · {day} {clock} · {closes}",
                f"● Open · {day[:3]} {clock} · {closes}",
                f"● Open · {clock} · {closes}",
                f"● Open · {closes}",
            )
        else:
            opens = f"opens {local_time(calendar.next_opening(now), zone, now=now)}"
            forms = closed_forms(f"{day} {clock}", clock, opens, book.around_the_clock(now))
        if forms != self._forms:
            width = self.content_size.width
            lines_before = self._lines(self._form_for(width), width)
            self._forms = forms
            self.set_class(not is_open, "-closed")
            self.refresh(layout=self._lines(self._form_for(width), width) != lines_before)

    def _form_for(self, width: int) -> str:
        return next((form for form in self._forms if _widest(form) <= width), self._forms[-1])

    def _lines(self, form: str, width: int) -> int:
        if width <= 0 or not form:
            return 1
        return len(Text(form).wrap(self.app.console, width))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._lines(self._form_for(width), width)

    def render(self) -> Text:
        return Text(self.text)


def closed_forms(
    day_clock: str, clock: str, opens: str, around: tuple[Severity, ...]
) -> tuple[str, ...]:
    """The closed clock's forms, longest first: which countdowns stopped, and why no time
    moves, is never dropped; a narrower form breaks the line between phrases, not inside one.

    ``around``: the severities counted 24x7. Their countdowns run while the office is closed,
    so the clock says "office-hours countdowns stopped · critical runs 24x7" (or, with every
    severity 24x7, that they all run) rather than that the countdowns stopped."""
    if not around:
        stopped = "countdowns stopped"
        return (
            f"○ Closed · {day_clock} · {stopped} · {opens}",
            f"○ Closed · {clock} · {stopped} · {opens}",
            f"○ Closed · {stopped} · {opens}",
            f"○ Closed · {stopped}\n  {opens}",
        )
    if len(around) == len(Severity):
        runs = "every severity runs 24×7"
        return (
            f"○ Closed · {day_clock} · {runs} · {opens}",
            f"○ Closed · {clock} · {runs} · {opens}",
            f"○ Closed · {runs} · {opens}",
            f"○ Closed · {runs}\n  {opens}",
        )
    names = ", ".join(severity.value for severity in around)
    runs = f"{names} {'runs' if len(around) == 1 else 'run'} 24×7"
    stopped = "office-hours countdowns stopped"
    return (
        f"○ Closed · {day_clock} · {stopped} · {runs} · {opens}",
        f"○ Closed · {clock} · {stopped} · {runs} · {opens}",
        f"○ Closed · {stopped} · {runs} · {opens}",
        f"○ Closed · {stopped} · {runs}\n  {opens}",
        f"○ Closed · {stopped}\n  {runs} · {opens}",
        f"○ Closed · {stopped}\n  {runs}\n  {opens}",
        f"○ Closed\n  {stopped}\n  {runs}\n  {opens}",
    )


def _widest(form: str) -> int:
    return max(cell_len(line) for line in form.split("\n"))


def _order(item: tuple[QueueRow, TargetReading]) -> tuple[bool, float]:
    """Breached first, most overdue first; then at risk, least time left first."""
    reading = item[1]
    return (reading.state is not TimerState.BREACHED, reading.remaining or 0.0)


class BreachBoard:
    """Breached and at-risk rows grouped by severity, each with the target at stake.

    Built when the queue is loaded; then kept up to date row by row (:meth:`update`) as rows
    cross thresholds or change; each tick only re-reads the targets of the rows actually shown.

    A row is placed by its target's time left when it is placed, and the others' times have
    run on since: the groups are sorted again every :data:`RESORT_SECONDS` (:meth:`resort`), so
    the order drifts by at most that much business time, like the queue's.
    """

    def __init__(self, rows: Iterable[QueueRow], now: float) -> None:
        self._place(rows, now)
        #: the snapshot, its generation and how much of its ``moved`` log this board applied
        self.source: QueueSnapshot | None = None
        self.generation = -1
        self.applied = 0

    def _place(self, rows: Iterable[QueueRow], now: float) -> None:
        self.groups: dict[Severity, list[tuple[QueueRow, TargetReading]]] = {
            s: [] for s in Severity
        }
        #: case id -> the row's entry in its group (what :meth:`update` takes out)
        self._entries: dict[int, tuple[QueueRow, TargetReading]] = {}
        for row in rows:
            reading = row.at_stake(now)
            if reading is not None:
                entry = (row, reading)
                self.groups[row.severity].append(entry)
                self._entries[row.case_id] = entry
        for items in self.groups.values():
            items.sort(key=_order)
        self.counts = {
            severity: (
                sum(1 for _, r in items if r.state is TimerState.BREACHED),
                sum(1 for _, r in items if r.state is TimerState.AT_RISK),
            )
            for severity, items in self.groups.items()
        }
        self.sorted_at = now

    def resort(self, now: float) -> bool:
        """Every :data:`RESORT_SECONDS` (or when the clock went back): the rows on the board
        read again and sorted (the cost of the rows at stake, a few times an hour). Whether
        it did."""
        if 0 <= now - self.sorted_at < RESORT_SECONDS:
            return False
        self._place([row for row, _ in self._entries.values()], now)
        return True

    def update(self, rows: dict[int, QueueRow], ids: Iterable[int], now: float) -> None:
        """Re-read only the rows ``ids`` (gone from ``rows``: taken out): each moves to its
        place among the others, and the counts are adjusted. The cost follows the number of
        rows that changed, not the size of the queue."""
        for case_id in ids:
            old = self._entries.pop(case_id, None)
            if old is not None:
                self._take_out(old)
            row = rows.get(case_id)
            reading = None if row is None else row.at_stake(now)
            if row is None or reading is None:
                continue
            entry = (row, reading)
            bisect.insort(self.groups[row.severity], entry, key=_order)
            self._entries[case_id] = entry
            self._count(row.severity, reading, 1)

    def reading_of(self, case_id: int) -> TargetReading | None:
        """The target at stake of a row on the board, as placed (None: not on the board)."""
        entry = self._entries.get(case_id)
        return None if entry is None else entry[1]

    def _take_out(self, entry: tuple[QueueRow, TargetReading]) -> None:
        row, reading = entry
        items = self.groups[row.severity]
        # The entries' order is fixed when they are placed: find by position, then identity.
        index = bisect.bisect_left(items, _order(entry), key=_order)
        while items[index] is not entry:
            index += 1
        del items[index]
        self._count(row.severity, reading, -1)

    def _count(self, severity: Severity, reading: TargetReading, step: int) -> None:
        breached, at_risk = self.counts[severity]
        if reading.state is TimerState.BREACHED:
            breached += step
        else:
            at_risk += step
        self.counts[severity] = (breached, at_risk)

    @property
    def totals(self) -> tuple[int, int]:
        """(breached, at risk) over every severity."""
        return (
            sum(b for b, _ in self.counts.values()),
            sum(r for _, r in self.counts.values()),
        )

    def line_count(self, per_group: int | None) -> int:
        """The lines :meth:`line` draws: per severity with rows at stake, a heading, its rows
        (at most ``per_group``) and "+N more" when cut; or one line saying there are none."""
        lines = 0
        for items in self.groups.values():
            if items:
                shown = len(items) if per_group is None else min(per_group, len(items))
                lines += 1 + shown + (shown < len(items))
        return max(lines, 1)

    def cases_on_lines(self, start: int, stop: int, per_group: int | None) -> int:
        """How many cases lines ``start`` to ``stop`` (excluded) of :meth:`line` stand for: one
        a row, N a "+N more" line, none a heading."""
        cases, index = 0, 0
        for items in self.groups.values():
            if not items:
                continue
            index += 1  # the heading
            shown = len(items) if per_group is None else min(per_group, len(items))
            cases += max(0, min(stop, index + shown) - max(start, index))
            index += shown
            if shown < len(items):
                if start <= index < stop:
                    cases += len(items) - shown
                index += 1
        return cases

    def line(self, index: int, now: float, per_group: int | None, width: int | None = None) -> Text:
        """Line ``index`` of the board as of ``now``: only a row's own line reads its timers,
        so a panel listing every row costs what its screen shows, not what the queue holds.
        ``width``: the cells a line has (a "+N more" line's hint is shortened to fit)."""
        for severity in Severity:
            items = self.groups[severity]
            if not items:
                continue
            if index == 0:
                breached, at_risk = self.counts[severity]
                text = Text(severity.value.upper(), SEVERITY_STYLE[severity])
                text.append(f"  {breached:,} breached · {at_risk:,} at risk", "dim")
                return text
            index -= 1
            shown = len(items) if per_group is None else min(per_group, len(items))
            if index < shown:
                return _row_line(items[index][0], now)
            index -= shown
            if shown < len(items):
                if index == 0:
                    text = Text(f"  +{len(items) - shown:,} more {severity.value}", "italic")
                    # The hint, shortened rather than cut: "+16333 more moderate (F4, then m:
                    # every …" at 120 columns on a million cases.
                    hint = next(
                        (h for h in MORE_HINTS if width is None or text.cell_len + len(h) <= width),
                        "",
                    )
                    text.append(hint, "dim")
                    return text
                index -= 1
        if index == 0 and not any(self.groups.values()):
            return Text("No case is breached or at risk.", "green")
        return Text()


def _row_line(row: QueueRow, now: float) -> Text:
    """``  WZ-1042 response overdue 3h12m · ACME · kim · Payroll export fails``."""
    reading = row.at_stake(now)
    if reading is None:  # crossed back (e.g. answered) since the board was built: the next
        return Text()  # update of the board takes it out
    style = "red" if reading.state is TimerState.BREACHED else "yellow"
    status = target_status(reading.remaining, reading.state, reading.paused)
    text = Text(f"  {row.ref:<8} ", "bold")
    text.append(f"{TARGET_LABEL[reading.name]} {status}", style)
    text.append(f" · {row.client_code} · ")
    text.append(f"{row.assignee or 'unassigned'}", "" if row.assignee else "dim")
    text.append(f" · {row.summary}")
    return text


#: Where to see the rows a group leaves out, longest first (the first that fits is shown).
MORE_HINTS = (" (F4, then m: every case)", " (F4, then m)", " (F4)")

#: What the panel says before its first count.
LOADING = "Breaches: counted once the queue is in…"  # fits a 40-cell panel


@dataclass(frozen=True)
class BoardView:
    """The board as the panel lists it (a :class:`~wzdesk.tui.widgets.live_lines.LineSource`):
    at most ``per_group`` rows a severity (None: every row)."""

    board: BreachBoard
    per_group: int | None
    #: the cells a line has now (the panel's width changes with the terminal's)
    width: Callable[[], int] | None = None

    def line_count(self) -> int:
        return self.board.line_count(self.per_group)

    def line(self, index: int, now: float) -> Text:
        width = None if self.width is None else self.width() or None
        return self.board.line(index, now, self.per_group, width)

    def cases_on_lines(self, start: int, stop: int) -> int:
        return self.board.cases_on_lines(start, stop, self.per_group)


class SlaPanel(VerticalScroll):
    """The breach panel: the business clock, then the :class:`BreachBoard` (scrolls)."""

    DEFAULT_CSS = """
    SlaPanel { height: auto; scrollbar-size-vertical: 1; }
    """

    def __init__(self, id: str | None = None, per_group: int | None = 3) -> None:
        super().__init__(id=id)
        self.per_group = per_group
        self.board: BreachBoard | None = None

    def compose(self) -> ComposeResult:
        yield BusinessClock(id="business-clock")
        # Until the whole queue is in, nothing can be counted: an empty panel read as "nothing
        # breached" while a million-case desk loaded for seconds.
        yield LiveLines(Text(LOADING, "dim"), id="sla-body")

    def on_mount(self) -> None:
        if self.board is None:
            self.border_title = "SLA · …"

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._say_out_of_view()

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_out_of_view)

    def _say_out_of_view(self) -> None:
        """The bottom edge: how many cases are above and below the panel's view (nothing when
        every line is in view)."""
        if self.board is None or not self.is_mounted:
            return
        subtitle = out_of_view(self, self.query_one(LiveLines))
        if self.border_subtitle != subtitle:  # setting it, even unchanged, repaints the panel
            self.border_subtitle = subtitle

    def set_rows(self, rows: list[QueueRow], book: PolicyBook, now: datetime) -> None:
        """Regroup (when the queue changed or a row crossed a threshold) and redraw now."""
        self.board = BreachBoard(rows, now.timestamp())
        breached, at_risk = self.board.totals
        self.border_title = f"SLA · {breached:,} breached · {at_risk:,} at risk"
        self._show(book, now)

    def follow(self, snapshot: QueueSnapshot, book: PolicyBook, now: datetime) -> None:
        """Bring the board up to ``snapshot`` and redraw: only the rows that crossed a threshold
        since the last call are re-read; a new load or re-read of the queue regroups all."""
        board = self.board
        moved = snapshot.moved
        if (
            board is None
            or board.source is not snapshot
            or board.generation != snapshot.generation
            or board.applied > len(moved)
        ):
            self.set_rows(snapshot.ordered, book, now)
            board = self.board
            assert board is not None
        else:
            changed = moved[board.applied :]
            board.update(snapshot.rows, changed, now.timestamp())
            resorted = board.resort(now.timestamp())
            breached, at_risk = board.totals
            title = f"SLA · {breached:,} breached · {at_risk:,} at risk"
            if self.border_title != title:  # setting it, even unchanged, repaints the panel
                self.border_title = title
            if changed or resorted:
                self._show(book, now)
            else:
                self.tick(book, now)
        board.source, board.generation, board.applied = snapshot, snapshot.generation, len(moved)

    def _show(self, book: PolicyBook, now: datetime) -> None:
        assert self.board is not None
        self.query_one(BusinessClock).show(book, now)
        lines = self.query_one(LiveLines)
        view = BoardView(self.board, self.per_group, lambda: lines.size.width)
        lines.show(view, now.timestamp())
        self.call_after_refresh(self._say_out_of_view)  # once the new lines are laid out

    def tick(self, book: PolicyBook, now: datetime) -> None:
        """Redraw the clock, and the times of the rows in view that changed."""
        self.query_one(BusinessClock).show(book, now)
        self.query_one(LiveLines).tick(now.timestamp(), self)
