"""The wallboard (F4, ``wzdesk --wallboard``): the desk's SLA state for a wall or a team monitor.

Readable from across the room at 120x40: large figures per severity (breached, at risk, due
within the hour), the load per agent, breached cases nobody owns, the business clock, and
below them every breached or at-risk case naming the target at stake with its own time.

Nothing is dropped silently. The figures and counts are always complete; each severity's list
of cases is cut to fit the screen with a "+N more" line (``m`` lists every row, and the list
scrolls). On small terminals (80x24) the figures become a plain table so every severity's
counts still show.

Live, at the cost of what changed: once a second the snapshot is brought to the clock and
only the rows that crossed a threshold (turned at risk or breached, per the snapshot's log) or
entered their last business hour (a heap of those instants), or that a re-read changed, move
between the groups and counters. The times of the rows shown are re-read from memory. A whole
recount (every open case, in a thread) runs only when the snapshot is loaded anew (a new
policy version, the clock going back); when that costs more than :data:`REBUILD_FREE` the
next one waits until the last one's cost is a :data:`REBUILD_SHARE` of the time since, and the
figures' title says "as of" the instant they were counted while they lag behind.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.widgets import Digits, Header, Static
from textual.worker import get_current_worker

from wzdesk.core.rules import Role
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.queue import RESORT_SECONDS, QueueRow, QueueSnapshot, TargetReading
from wzdesk.tui.formatting import target_status
from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.widgets.live_lines import LiveLines, out_of_view
from wzdesk.tui.widgets.sla_panel import SEVERITY_STYLE, BreachBoard, BusinessClock
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

#: "Due within the hour": at most this much business time left on a running target.
DUE_SOON_SECONDS = 3600.0
#: Below this terminal width or height the large figures give way to a plain table.
COMPACT_WIDTH, COMPACT_HEIGHT = 100, 32
#: Large figures fit four digits; a bigger count switches to the plain table.
DIGITS_LIMIT = 9999
#: With ``m`` (every row) a group still stops here, with "+N more" (a wall is not a report).
EVERY_ROW_LIMIT = 500
#: Lines under the unassigned count in its box (``max-height: 7`` in wallboard.tcss, less the
#: border and the count's own line).
UNASSIGNED_LINES = 4
FIGURES = (("breached", "breached"), ("at_risk", "at risk"), ("due_soon", "due ≤1h"))
#: A rebuild cheaper than this runs whenever something crossed (small desks: every second).
REBUILD_FREE = 0.05
#: Dearer rebuilds (100,000 open cases: about half a second) take at most this share of the
#: time: a wall monitor must not spend a core on the desk it shows.
REBUILD_SHARE = 0.1
#: A count that failed is tried again after this many seconds.
RETRY_SECONDS = 10.0


def due_soon(row: QueueRow, now: float) -> bool:
    """Whether ``row`` is *due within the hour* at ``now``.

    True when one of its targets is still running (not met, not paused, not breached) and has
    at most one business hour left (0 to 3,600 business seconds). Business time, not wall
    time: outside business hours the office-hours countdowns stand still, so at 19:00 a target
    with 40 business minutes left (due at 08:40 the next business day) is due within the hour.
    A severity counted 24x7 runs on while the office is closed: its hour is the next 60 minutes.
    """
    return any(
        reading.state in (TimerState.PENDING, TimerState.AT_RISK)
        and not reading.paused
        and reading.remaining is not None
        and 0 <= reading.remaining <= DUE_SOON_SECONDS
        for reading in row.readings(now)
    )


class Thresholds:
    """When each row's running targets enter their last business hour, as wall-clock instants.

    That instant depends only on the row (its due instant and calendar), not on when it is
    asked, so the business-time arithmetic, the costly part, runs once per version of a row;
    deciding whether a row is due within the hour then only compares instants.
    """

    def __init__(self, known: dict[int, tuple[QueueRow, float, float]] | None = None) -> None:
        #: case id -> (the row as computed, response entry, resolution entry)
        self._entries: dict[int, tuple[QueueRow, float, float]] = dict(known or {})

    def entry(self, row: QueueRow, now: float) -> tuple[float, float]:
        """(response, resolution) entry instants of ``row`` (``inf``: the target is met, paused
        or breached; ``-inf``: already inside its last hour when first computed)."""
        cached = self._entries.get(row.case_id)
        if cached is None or cached[0] is not row:
            cached = (row, *self._entry_instants(row, now))
            self._entries[row.case_id] = cached
        return cached[1], cached[2]

    def forget(self, case_id: int) -> None:
        self._entries.pop(case_id, None)

    def known(self) -> dict[int, tuple[QueueRow, float, float]]:
        """A copy of what was computed (a recount in a thread starts from it)."""
        return dict(self._entries)

    def keep_only(self, rows: Sequence[QueueRow]) -> None:
        """Drop the rows that left (after a recount)."""
        alive = {row.case_id for row in rows}
        self._entries = {k: v for k, v in self._entries.items() if k in alive}

    @staticmethod
    def _entry_instants(row: QueueRow, now: float) -> tuple[float, float]:
        instants = []
        for reading in row.readings(now):
            running = reading.state in (TimerState.PENDING, TimerState.AT_RISK)
            if not running or reading.paused or reading.remaining is None:
                instants.append(math.inf)
            elif reading.remaining <= DUE_SOON_SECONDS:
                instants.append(-math.inf)
            else:
                instants.append(
                    row.calendar.add_business_seconds_epoch(
                        now, reading.remaining - DUE_SOON_SECONDS
                    )
                )
        return instants[0], instants[1]


def _is_due_soon(row: QueueRow, entries: tuple[float, float], now: float) -> bool:
    """:func:`due_soon` from the cached entry instants (comparisons only)."""
    response, resolution = entries
    return response <= now <= row.response_due or resolution <= now <= row.resolution_due


def _alarming(row: QueueRow, now: float) -> bool:
    """At risk or breached (comparisons only): :meth:`QueueRow.worst_state` inlined, as the
    board is rebuilt over every open case."""
    if not row.responded and now >= row.response_at_risk_at:
        return True
    reading = row.paused_since if row.paused_since is not None else now
    return reading >= row.resolution_at_risk_at


def allocate(sizes: Sequence[int], lines: int) -> list[int]:
    """How many rows of each group to show in ``lines`` lines.

    Every group takes a heading line, its rows, and a "+N more" line when it is cut. Rows are
    dealt one per group in turn (most severe first), so a long group cannot push the others
    off the screen. When even the headings do not fit, no row is shown (the list scrolls).
    """
    shown = [0] * len(sizes)
    used = sum(1 + (1 if size else 0) for size in sizes)
    dealt = True
    while dealt:
        dealt = False
        for i, size in enumerate(sizes):
            if shown[i] < size:
                # One more row costs a line, unless it is the last one: it replaces "+1 more".
                extra = 0 if shown[i] + 1 == size else 1
                if extra == 0 or used + extra <= lines:
                    shown[i] += 1
                    used += extra
                    dealt = True
    return shown


@dataclass
class SeverityFigures:
    """One severity's counts: each open case counted once, by its target most at stake."""

    open: int = 0
    breached: int = 0
    at_risk: int = 0
    due_soon: int = 0


@dataclass
class AgentLoad:
    """Open cases of one assignee (``None``: unassigned), and how many are at stake."""

    login: str | None
    open: int = 0
    breached: int = 0
    at_risk: int = 0


class Wallboard:
    """Everything the wallboard shows, counted once from the queue's rows, then kept up to date
    row by row (:meth:`update`, :meth:`follow`): the cost of a second follows the rows that
    changed, not the open cases."""

    def __init__(
        self, rows: Sequence[QueueRow], now: float, users: dict[str, str], thresholds: Thresholds
    ) -> None:
        self.names = dict(users)
        self.thresholds = thresholds
        self.board = BreachBoard([row for row in rows if _alarming(row, now)], now)
        #: the unassigned rows at stake (the breached ones are called out)
        self.unassigned = BreachBoard(
            [row for row in rows if row.assignee is None and _alarming(row, now)], now
        )
        self.figures = {severity: SeverityFigures() for severity in Severity}
        self.loads: dict[str | None, AgentLoad] = {login: AgentLoad(login) for login in users}
        #: case id -> (the row as counted, its state on the board, due within the hour)
        self._counted: dict[int, tuple[QueueRow, TimerState | None, bool]] = {}
        #: (instant, case id, version): rows entering their last business hour, soonest first
        self._entering: list[tuple[float, int, int]] = []
        #: rows counted or re-counted since the first count (a measure of work, for tests)
        self.touched = 0
        #: the instant the board was counted, and the one it was last brought up to
        self.built_at = self.as_of = now
        #: the snapshot followed, its generation and how much of its ``moved`` log is applied
        self.source: QueueSnapshot | None = None
        self.generation = -1
        self.applied = 0
        states = {
            row.case_id: reading.state
            for items in self.board.groups.values()
            for row, reading in items
        }
        for row in rows:
            self._add(row, states.get(row.case_id), self._due_soon(row, now, schedule=True), 1)
        self._board_counts()

    @classmethod
    def build(
        cls,
        rows: Sequence[QueueRow],
        now: float,
        users: dict[str, str],
        thresholds: Thresholds | None = None,
    ) -> Wallboard:
        """Count ``rows`` at ``now``; ``users``: login -> name of everyone who takes cases (so
        an agent with no open case shows with zeros); ``thresholds``: carried over from an
        earlier count (only new rows are computed)."""
        thresholds = thresholds or Thresholds()
        wallboard = cls(rows, now, users, thresholds)
        thresholds.keep_only(rows)
        return wallboard

    # -- keeping up ---------------------------------------------------------------------------

    def follows(self, snapshot: QueueSnapshot) -> bool:
        """Whether :meth:`follow` can bring this board up to ``snapshot`` (else: recount)."""
        return (
            self.source is snapshot
            and self.generation == snapshot.generation
            and self.applied <= len(snapshot.moved)
        )

    def follow(self, snapshot: QueueSnapshot, now: float) -> None:
        """Apply what the snapshot logged since the last call and the rows that entered their
        last hour by ``now`` (the snapshot is already advanced to ``now``)."""
        moved = snapshot.moved
        ids = list(moved[self.applied :])
        self.applied = len(moved)
        ids.extend(self._entered(snapshot.rows, now))
        if ids:
            self.update(snapshot.rows, ids, now)
        self.board.resort(now)
        self.unassigned.resort(now)
        self.as_of = now

    def _entered(self, rows: dict[int, QueueRow], now: float) -> list[int]:
        """Rows whose running target entered its last business hour by ``now``."""
        heap, entered = self._entering, []
        while heap and heap[0][0] <= now:
            _, case_id, version = heapq.heappop(heap)
            if self._current(rows, case_id, version):
                entered.append(case_id)
        if len(heap) > 64 + 4 * len(self._counted):  # stale entries of re-read rows: compact
            self._entering = [e for e in heap if self._current(rows, e[1], e[2])]
            heapq.heapify(self._entering)
        return entered

    @staticmethod
    def _current(rows: dict[int, QueueRow], case_id: int, version: int) -> bool:
        row = rows.get(case_id)
        return row is not None and row.version == version

    def update(self, rows: dict[int, QueueRow], ids: Sequence[int], now: float) -> None:
        """Count the rows ``ids`` again as ``rows`` holds them at ``now`` (gone from ``rows``:
        taken out). Each leaves the figures, the loads and the lists as it was counted and
        enters them as it is."""
        ids = list(dict.fromkeys(ids))
        self.board.update(rows, ids, now)
        unassigned = {
            case_id: row
            for case_id in ids
            if (row := rows.get(case_id)) is not None and row.assignee is None
        }
        self.unassigned.update(unassigned, ids, now)
        for case_id in ids:
            old = self._counted.pop(case_id, None)
            if old is not None:
                self._add(*old, -1)
            row = rows.get(case_id)
            if row is None:
                self.thresholds.forget(case_id)
                continue
            reading = self.board.reading_of(case_id)
            fresh = old is None or old[0] is not row
            soon = self._due_soon(row, now, schedule=fresh)
            self._add(row, None if reading is None else reading.state, soon, 1)
            self.touched += 1
        self._board_counts()

    def _due_soon(self, row: QueueRow, now: float, schedule: bool) -> bool:
        """Whether ``row`` is due within the hour at ``now``; ``schedule``: a new row or
        version, whose entries into the last hour go on the heap."""
        entries = self.thresholds.entry(row, now)
        if schedule:
            for instant in entries:
                if now < instant < math.inf:
                    heapq.heappush(self._entering, (instant, row.case_id, row.version))
        return _is_due_soon(row, entries, now)

    def _add(self, row: QueueRow, state: TimerState | None, soon: bool, step: int) -> None:
        figures = self.figures[row.severity]
        figures.open += step
        figures.due_soon += step * soon
        load = self.loads.get(row.assignee)
        if load is None:
            load = self.loads[row.assignee] = AgentLoad(row.assignee)
        load.open += step
        load.breached += step * (state is TimerState.BREACHED)
        load.at_risk += step * (state is TimerState.AT_RISK)
        if step < 0 and row.assignee is not None and load.open == 0:
            if row.assignee not in self.names:  # nobody the desk lists: gone with its last case
                del self.loads[row.assignee]
        if step > 0:
            self._counted[row.case_id] = (row, state, soon)

    def _board_counts(self) -> None:
        for severity, (breached, at_risk) in self.board.counts.items():
            self.figures[severity].breached = breached
            self.figures[severity].at_risk = at_risk

    def name_users(self, users: dict[str, str]) -> None:
        """Everyone who takes cases, by login (an agent with no open case shows with zeros)."""
        self.names = dict(users)
        for login in users:
            self.loads.setdefault(login, AgentLoad(login))

    # -- what is shown ------------------------------------------------------------------------

    @property
    def open_total(self) -> int:
        return len(self._counted)

    @property
    def agents(self) -> list[AgentLoad]:
        """Agents by breached, at risk, open cases (then name); the unassigned load last."""
        users = self.names
        agents = sorted(
            (load for load in self.loads.values() if load.login is not None),
            key=lambda a: (-a.breached, -a.at_risk, -a.open, users.get(a.login or "", a.login)),
        )
        if None in self.loads and self.loads[None].open:
            agents.append(self.loads[None])
        return agents

    @property
    def unassigned_count(self) -> int:
        """Breached cases nobody owns."""
        return sum(breached for breached, _ in self.unassigned.counts.values())

    def unassigned_breached(self, limit: int | None) -> list[tuple[QueueRow, TargetReading]]:
        """The first ``limit`` breached cases nobody owns (most severe, most overdue first)."""
        found: list[tuple[QueueRow, TargetReading]] = []
        for severity in Severity:
            breached = self.unassigned.counts[severity][0]
            items = self.unassigned.groups[severity][:breached]  # breached come first
            found.extend(items if limit is None else items[: limit - len(found)])
            if limit is not None and len(found) >= limit:
                break
        return found

    @property
    def totals(self) -> SeverityFigures:
        total = SeverityFigures()
        for figures in self.figures.values():
            total.open += figures.open
            total.breached += figures.breached
            total.at_risk += figures.at_risk
            total.due_soon += figures.due_soon
        return total

    # -- text ---------------------------------------------------------------------------------

    def heading(self, severity: Severity) -> Text:
        figures = self.figures[severity]
        text = Text(severity.value.upper(), SEVERITY_STYLE[severity])
        text.append(
            f"  {figures.breached:,} breached · {figures.at_risk:,} at risk · "
            f"{figures.due_soon:,} due ≤1h · {figures.open:,} open",
            "dim" if not figures.breached + figures.at_risk else "",
        )
        return text

    def case_list(self, now: float, shown: Sequence[int], every_row: bool = False) -> CaseList:
        """Each severity's heading, its first ``shown[i]`` cases, and "+N more" when cut (with
        where to see the rest: ``m``, or past the every-row limit the queue's filters); the
        columns sized to the cases listed, as of ``now``."""
        lines: list[tuple[Severity, int, tuple[QueueRow, TargetReading] | None]] = []
        cells: list[tuple[str, str, str, str]] = []
        for severity, count in zip(Severity, shown, strict=True):
            items = self.board.groups[severity]
            lines.append((severity, HEADING, None))
            for row, built in items[:count]:
                lines.append((severity, 0, (row, built)))
                # The time as placed, not read again (up to 2,000 rows are listed, and each
                # reading costs calendar look-ups), and as wide as it gets before the list is
                # made again: an overdue time that gained a digit meanwhile ("9h59m" to
                # "10h00m") pushed the rest of its row a cell right of the others.
                status = _widest_status(built)
                cells.append((row.ref, status, row.client_code, row.assignee or "unassigned"))
            hidden = len(items) - min(count, len(items))
            if hidden > 0:
                lines.append((severity, hidden, None))
        ref_w, status_w, client_w, assignee_w = (
            max((len(values[column]) for values in cells), default=default)
            for column, default in enumerate((7, 10, 4, 10))
        )
        return CaseList(self, lines, (ref_w, status_w, client_w, assignee_w), every_row)

    def agent_table(self, lines: int | None, compact: bool = False) -> Table:
        """The load per agent in ``lines`` lines (a heading, the agents, "+N more" when cut);
        ``compact``: short headings for a narrow panel."""
        limit = None if lines is None or len(self.agents) + 1 <= lines else max(1, lines - 2)
        table = Table(box=None, padding=(0, 1), pad_edge=False, collapse_padding=True)
        table.add_column("Agent", no_wrap=True, overflow="ellipsis", max_width=32)
        for heading, short in (("Open", "Open"), ("Breached", "Brch"), ("At risk", "Risk")):
            table.add_column(short if compact else heading, justify="right", no_wrap=True)
        agents = self.agents if limit is None else self.agents[:limit]
        for load in agents:
            if load.login is None:
                name = "unassigned"
            elif compact or load.login not in self.names or self.names[load.login] == load.login:
                name = load.login
            else:
                name = f"{self.names[load.login]} ({load.login})"
            table.add_row(
                Text(name, "italic" if load.login is None else ""),
                f"{load.open:,}",
                Text(f"{load.breached:,}", "bold red" if load.breached else "dim"),
                Text(f"{load.at_risk:,}", "bold yellow" if load.at_risk else "dim"),
            )
        hidden = len(self.agents) - len(agents)
        if hidden > 0:
            table.add_row(Text(f"+{hidden:,} more", "bold italic"), "", "", "")
        return table

    def unassigned_text(
        self, now: float, limit: int | None, inline: bool = False, width: int | None = None
    ) -> Text:
        """Breached cases nobody owns, called out in at most ``limit`` lines under the count:
        the cases, or one line fewer and "+N more" (the box fits the count and four lines: it
        listed four cases and its "+N more" fell below its border). ``inline``: on one line
        of ``width`` cells, the count first, then the references that fit and "+N more" (at
        80x24 the line was cut inside a reference: "5 unassigned breached: WZ-121…")."""
        count = self.unassigned_count
        if not count:
            return Text("No breached case is unassigned.", "green")
        text = Text(f"{count:,} breached case{'s' if count != 1 else ''} nobody owns", "bold red")
        if limit is not None and count > limit and not inline:
            limit = max(0, limit - 1)  # the last line says how many more
        shown = self.unassigned_breached(limit)
        if inline:
            text = Text(f"{count:,} unassigned breached", "bold red")
            room = None if width is None else width - text.cell_len
            listed = 0
            for row, _ in shown:
                piece = f"{': ' if not listed else ' '}{row.ref}"
                rest = count - listed - 1
                more = len(f" +{rest:,} more") if rest else 0
                if room is not None and len(piece) + more > room:
                    break  # whole references only; with none, the count alone
                text.append(piece, "red")
                listed += 1
                if room is not None:
                    room -= len(piece)
            if listed and count > listed:
                text.append(f" +{count - listed:,} more", "bold italic")
            return text
        for row, built in shown:
            reading = row.at_stake(now) or built
            text.append(f"\n{row.ref} ", "bold")
            text.append(f"{row.severity.value} {reading.name} ", SEVERITY_STYLE[row.severity])
            text.append(target_status(reading.remaining, reading.state, reading.paused), "red")
            text.append(f" · {row.client_code}")
        if count > len(shown):
            text.append(f"\n+{count - len(shown):,} more", "bold italic")
        return text

    def totals_text(self) -> Text:
        """``ALL  18 breached · 23 at risk · 1 due ≤1h · 110 open``."""
        totals = self.totals
        return Text.assemble(
            ("All  ", "bold"),
            (f"{totals.breached:,} breached", "bold red" if totals.breached else ""),
            f" · {totals.at_risk:,} at risk · {totals.due_soon:,} due ≤1h · {totals.open:,} open",
        )

    def figures_table(self) -> Table:
        """The figures as a plain table (small terminals)."""
        table = Table(box=None, padding=(0, 1), show_edge=False)
        table.add_column("", no_wrap=True)
        for label in ("open", "breached", "at risk", "due ≤1h"):
            table.add_column(label, justify="right", no_wrap=True)
        for severity, figures in self.figures.items():
            table.add_row(
                Text(severity.value.upper(), SEVERITY_STYLE[severity]),
                str(figures.open),
                Text(str(figures.breached), "bold red" if figures.breached else "dim"),
                Text(str(figures.at_risk), "bold yellow" if figures.at_risk else "dim"),
                Text(str(figures.due_soon), "bold" if figures.due_soon else "dim"),
            )
        totals = self.totals
        table.add_row(
            Text("ALL", "bold"),
            str(totals.open),
            str(totals.breached),
            str(totals.at_risk),
            str(totals.due_soon),
        )
        return table


#: The longest a made list is shown: until the board's re-sort, and the tick that does it.
LIST_LIFE = RESORT_SECONDS + 60


def _widest_status(reading: TargetReading) -> str:
    """A row's time as placed, or as it reads :data:`LIST_LIFE` later if that is wider: the
    list is made again by then (at the board's re-sort). Only an overdue time grows, and a
    paused one stands still."""
    shown = target_status(reading.remaining, reading.state, reading.paused)
    if reading.state is not TimerState.BREACHED or reading.paused or reading.remaining is None:
        return shown
    later = target_status(reading.remaining - LIST_LIFE, reading.state, reading.paused)
    return later if len(later) > len(shown) else shown


def case_line(row: QueueRow, reading: TargetReading, widths: tuple[int, int, int, int]) -> Text:
    """``WZ-1042  response    overdue 3h12m  ACME  kim  Payroll export fails``: the target at
    stake and its own time (``widths``: of the reference, time, client and assignee)."""
    ref_width, status_width, client_width, assignee_width = widths
    breached = reading.state is TimerState.BREACHED
    status = target_status(reading.remaining, reading.state, reading.paused)
    text = Text("  ")
    text.append(f"{row.ref:<{ref_width}}  ", "bold")
    text.append(f"{reading.name:<10}  ")
    text.append(f"{status:<{status_width}}", "bold red" if breached else "yellow")
    text.append(f"  {row.client_code:<{client_width}}  ")
    text.append(
        f"{row.assignee or 'unassigned':<{assignee_width}}", "" if row.assignee else "italic"
    )
    text.append(f"  {row.summary}")
    return text


#: A :class:`CaseList` line that is a severity's heading (otherwise a row, or "+N more").
HEADING = -1


@dataclass(frozen=True)
class CaseList:
    """The wallboard's cases at stake as listed (a
    :class:`~wzdesk.tui.widgets.live_lines.LineSource`): made again when the board or the
    room on screen changes; in between, each line reads its own row's time when drawn.

    ``lines``: per line, the severity, then :data:`HEADING`, 0 with the row and its reading
    as placed, or the number of rows hidden ("+N more").
    """

    wallboard: Wallboard
    lines: list[tuple[Severity, int, tuple[QueueRow, TargetReading] | None]]
    widths: tuple[int, int, int, int]
    every_row: bool

    def line_count(self) -> int:
        return len(self.lines)

    def cases_on_lines(self, start: int, stop: int) -> int:
        """Cases lines ``start`` to ``stop`` stand for: a row one, "+N more" N."""
        return sum(
            (1 if entry is not None else kind)
            for _, kind, entry in self.lines[start:stop]
            if kind != HEADING
        )

    def line(self, index: int, now: float) -> Text:
        severity, kind, entry = self.lines[index]
        if kind == HEADING:
            return self.wallboard.heading(severity)
        if entry is not None:
            row, built = entry
            return case_line(row, row.at_stake(now) or built, self.widths)
        text = Text(f"  +{kind:,} more {severity.value}", "bold italic")
        where = "the queue's breached and at-risk filters" if self.every_row else "m: every row"
        text.append(f" ({where})", "dim")
        return text


#: What the boxes say until the first count.
COUNTING = "[dim]Counted once the queue is in…[/]"


class WallboardScreen(Screen[None]):
    """Figures per severity, load per agent, unassigned breaches, and every case at stake."""

    BINDINGS = [
        Binding("escape,f4,w", "app.wallboard", "Back to the queue"),
        Binding("m", "every_row", "Every row / fit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.wallboard: Wallboard | None = None
        self.every_row = False
        self.users: dict[str, str] = {}
        self._building = False
        self._shown: dict[str, str] = {}
        self._lines: dict[str, int] = {}  # lines each Static was last given (its height)
        self._list_shape: tuple[object, ...] | None = None  # what the case list was made from
        #: no recount before this (time.monotonic()): see REBUILD_SHARE
        self._rest_until = 0.0
        self._last_cost = 0.0  # seconds the last recount took

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield BusinessClock(id="business-clock")
        with Horizontal(id="wb-top"):
            with Vertical(id="wb-figures"):
                with Horizontal(classes="fig-head"):
                    yield Static("", classes="fig-label")
                    for _, label in FIGURES:
                        yield Static(label, classes="fig-title")
                for severity in Severity:
                    with Horizontal(classes="fig-row"):
                        yield Static("", id=f"fig-{severity.value}", classes="fig-label")
                        for key, _ in FIGURES:
                            yield Digits("", id=f"fig-{severity.value}-{key}", classes=key)
                # Until the whole queue is in, nothing is counted: empty boxes said nothing
                # of why, for seconds on a big desk.
                yield Static(COUNTING, id="wb-figures-total")
                yield Static(COUNTING, id="wb-figures-table")
            with Vertical(id="wb-side"):
                with VerticalScroll(id="wb-agents"):
                    yield Static(COUNTING, id="wb-agents-body")
                yield Static(COUNTING, id="wb-unassigned")
        with VerticalScroll(id="wb-list"):
            yield LiveLines(Text("Loading the queue…"), id="wb-list-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#wb-figures").border_title = "Cases at stake, by severity"
        self.query_one("#wb-agents").border_title = "Load per agent"
        self.query_one("#wb-unassigned").border_title = "Unassigned and breached"
        self.query_one("#wb-list").border_title = "Breached and at risk, most overdue first"
        self._apply_size()
        self.set_interval(1.0, self.tick)
        self.load_users()
        self.regroup()
        self.set_focus(self.query_one("#wb-list"), scroll_visible=False)
        self.watch(self.query_one("#wb-list"), "scroll_y", self._say_out_of_view, init=False)
        self.watch(self.query_one("#wb-agents"), "scroll_y", self._say_agents_out_of_view)

    @work(thread=True, exclusive=True, group="wallboard-users", exit_on_error=False)
    def load_users(self) -> None:
        """Who takes cases (so an agent with no open case still shows, with zeros)."""
        from wzdesk.services.directory import list_users

        try:
            users = in_thread(list_users)
        except Exception:  # the names are a nicety: logins still show
            return
        names = {u.login: u.name for u in users if u.active and u.role != Role.PHONE.value}
        self.app.call_from_thread(self._users_loaded, names)

    # -- live ---------------------------------------------------------------------------------

    def on_queue_changed(self, message: QueueChanged) -> None:
        self.tick()  # a re-read: its rows are in the snapshot's log once it is advanced

    def regroup(self) -> None:
        """Count every open case again from the app's snapshot (in a thread: at 100,000 open
        cases it takes about half a second), then follow it row by row."""
        snapshot = self.wz.snapshot
        if snapshot is None or snapshot.partial:
            return
        now = self.wz.clock.now().timestamp()
        snapshot.advance(now)  # the log starts here: the count includes what it holds so far
        known = None if self.wallboard is None else self.wallboard.thresholds.known()
        self._building = True
        log = (snapshot, snapshot.generation, len(snapshot.moved))
        self._build(log, snapshot.ordered, now, known)

    @work(thread=True, exclusive=True, group="wallboard", exit_on_error=False)
    def _build(
        self,
        log: tuple[QueueSnapshot, int, int],
        rows: list[QueueRow],
        now: float,
        known: dict[int, tuple[QueueRow, float, float]] | None,
    ) -> None:
        """Count ``rows`` (the snapshot's order at ``now``); ``log``: the snapshot, its
        generation and the length of its log then (what the board follows from)."""
        started = time.perf_counter()
        try:
            wallboard = Wallboard.build(rows, now, self.users, Thresholds(known))
        except Exception as error:  # a bug: say so and try again, never sit "recounting"
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._build_failed, error)
            return
        wallboard.source, wallboard.generation, wallboard.applied = log
        cost = time.perf_counter() - started
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._built, wallboard, cost)

    def _build_failed(self, error: Exception) -> None:
        """A count that failed leaves the board as it was, says why, and is tried again later
        (before, the board waited for that count for good, still saying "recounting")."""
        self._building = False
        self._rest_until = time.monotonic() + RETRY_SECONDS
        self.notify(f"The wallboard could not count the queue: {error!r}", severity="error")

    def _built(self, wallboard: Wallboard, cost: float = 0.0) -> None:
        self._building = False
        if wallboard.names != self.users:  # the names came while it was counting
            wallboard.name_users(self.users)
        self.wallboard = wallboard
        self._last_cost = cost
        rest = 0.0 if cost < REBUILD_FREE else cost / REBUILD_SHARE - cost
        self._rest_until = time.monotonic() + rest
        self.tick()

    def behind(self) -> bool:
        """Whether the board shown cannot follow the snapshot row by row (it was loaded anew,
        or the clock went back) and waits for a recount."""
        wallboard, snapshot = self.wallboard, self.wz.snapshot
        return wallboard is not None and (snapshot is None or not wallboard.follows(snapshot))

    def lagging(self) -> bool:
        """Behind, and not for the instant a cheap recount takes: the figures must say so."""
        return self.behind() and self._last_cost >= REBUILD_FREE

    def tick(self) -> None:
        """Once a second: move the rows that crossed a threshold or changed, then redraw the
        times; a recount only when the snapshot cannot be followed."""
        snapshot = self.wz.snapshot
        wallboard = self.wallboard
        if snapshot is not None and not snapshot.partial:
            now = self.wz.clock.now().timestamp()
            snapshot.advance(now)  # idempotent: the queue's own tick may have done it
            if wallboard is not None and wallboard.follows(snapshot):
                wallboard.follow(snapshot, now)
            elif not self._building and time.monotonic() >= self._rest_until:
                self.regroup()  # also the first count
        self.draw()

    def _users_loaded(self, names: dict[str, str]) -> None:
        self.users = names
        if self.wallboard is not None:
            self.wallboard.name_users(names)
            self.draw()
        else:
            self.tick()

    def on_resize(self, event: Resize) -> None:
        self._apply_size()
        self.call_after_refresh(self.draw)
        self.call_after_refresh(self._say_out_of_view)
        self.call_after_refresh(self._say_agents_out_of_view)

    def _apply_size(self) -> None:
        width, height = self.size
        big = (
            self.wallboard is not None
            and max(max(f.breached, f.at_risk, f.due_soon) for f in self.wallboard.figures.values())
            > DIGITS_LIMIT
        )
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT or big, "-compact")

    def action_every_row(self) -> None:
        self.every_row = not self.every_row
        self.notify(
            "Every case at stake listed (scroll)" if self.every_row else "Fitted to the screen",
            timeout=2,
        )
        self.draw()

    # -- drawing ------------------------------------------------------------------------------

    def draw(self) -> None:
        moment = self.wz.clock.now()
        if self.wz.book is not None:
            self.query_one(BusinessClock).show(self.wz.book, moment)
        wallboard = self.wallboard
        if wallboard is None:
            return
        self._apply_size()
        now = moment.timestamp()
        title = "Cases at stake, by severity"
        if self.lagging():
            zone = moment.tzinfo if self.wz.book is None else self.wz.book.at(moment).calendar.zone
            counted = datetime.fromtimestamp(wallboard.as_of, zone).strftime("%H:%M:%S")
            title += f" · as of {counted} (recounting)"
        panel = self.query_one("#wb-figures")
        if panel.border_title != title:  # setting it, even unchanged, repaints the panel
            panel.border_title = title
        self._draw_figures(wallboard)
        side_lines = self.query_one("#wb-agents").scrollable_content_region.height
        compact = self.has_class("-compact")
        if self._update(
            "#wb-agents-body",
            wallboard.agent_table(None if self.every_row else side_lines, compact),
        ):
            self.call_after_refresh(self._say_agents_out_of_view)  # not every second
        self._update(
            "#wb-unassigned",
            # Fitted in every mode: the box does not scroll (listing every case, with m, cut
            # them at its border without a word); the list below names them all.
            wallboard.unassigned_text(
                now,
                UNASSIGNED_LINES,
                inline=compact,
                width=self.query_one("#wb-unassigned").content_size.width or None,
            ),
        )
        sizes = [len(wallboard.board.groups[s]) for s in Severity]
        if self.every_row:
            shown = [min(size, EVERY_ROW_LIMIT) for size in sizes]
        else:
            lines = self.query_one("#wb-list").scrollable_content_region.height
            shown = allocate(sizes, lines)
        self._draw_list(wallboard, now, shown)

    def _draw_list(self, wallboard: Wallboard, now: float, shown: list[int]) -> None:
        """The list made again when the board changed (rows moved, re-sorted) or the room on
        screen did; otherwise only the times of the lines in view are redrawn."""
        shape = (wallboard, wallboard.touched, wallboard.board.sorted_at, shown, self.every_row)
        body = self.query_one("#wb-list-body", LiveLines)
        if shape != self._list_shape:
            self._list_shape = shape
            body.show(wallboard.case_list(now, shown, self.every_row), now)
            self.call_after_refresh(self._say_out_of_view)  # once the new lines are laid out
        else:
            body.tick(now, self.query_one("#wb-list"))

    def _say_agents_out_of_view(self) -> None:
        """The agents' box, listing every agent (``m``): how many are above and below its view
        (fitted, its last line says "+N more")."""
        box = self.query_one("#wb-agents")
        subtitle = ""
        if self.wallboard is not None and self.every_row:
            agents = len(self.wallboard.agents)
            top = int(box.scroll_y)  # line 0 is the heading; agent i is line 1 + i
            above = max(0, min(agents, top - 1))
            below = max(0, agents - max(0, top + box.scrollable_content_region.height - 1))
            parts = [f"↑ {above:,} above"] if above else []
            if below:
                parts.append(f"↓ {below:,} {'agent' if below == 1 else 'agents'} below")
            subtitle = " · ".join(parts)
        if box.border_subtitle != subtitle:  # setting it, even unchanged, repaints the box
            box.border_subtitle = subtitle

    def _say_out_of_view(self) -> None:
        """The list's bottom edge: how many cases are above and below its view."""
        scroller = self.query_one("#wb-list")
        subtitle = out_of_view(scroller, self.query_one("#wb-list-body", LiveLines))
        if scroller.border_subtitle != subtitle:  # setting it, even unchanged, repaints
            scroller.border_subtitle = subtitle

    def _draw_figures(self, wallboard: Wallboard) -> None:
        self._update("#wb-figures-table", wallboard.figures_table())
        self._update("#wb-figures-total", wallboard.totals_text())
        for severity, figures in wallboard.figures.items():
            label = Text(severity.value.upper(), SEVERITY_STYLE[severity])
            label.append(f"\n{figures.open} open", "dim")
            self._update(f"#fig-{severity.value}", label)
            for key, _ in FIGURES:
                value = str(getattr(figures, key))
                digits = self.query_one(f"#fig-{severity.value}-{key}", Digits)
                if digits.value != value:
                    digits.update(value)
                digits.set_class(value == "0", "-zero")

    def _update(self, selector: str, content: Text | Table) -> bool:
        """Update a Static only when what it shows changed (a redraw a minute, not a second),
        and re-lay out the screen only when its height may have changed (at 50,000 open cases
        the counts change every two seconds or so; each layout of the whole screen cost more
        than keeping the board itself). Whether it changed."""
        if isinstance(content, Text):
            key = content.plain
            lines = key.count("\n") + 1
        else:
            key = repr([[str(c) for c in column.cells] for column in content.columns])
            lines = content.row_count + int(content.show_header)
        if self._shown.get(selector) != key:
            self._shown[selector] = key
            layout = self._lines.get(selector) != lines
            self._lines[selector] = lines
            self.query_one(selector, Static).update(content, layout=layout)
            return True
        return False
