"""The wallboard (F4, ``wzdesk --wallboard``): the desk's SLA state for a wall or a team monitor.

Readable from across the room at 120x40: large figures per severity (breached, at risk, due
within the hour), the load per agent, breached cases nobody owns, the business clock, and
below them every breached or at-risk case naming the target at stake with its own time.

Nothing is dropped silently. The figures and counts are always complete; each severity's list
of cases is cut to fit the screen with a "+N more" line (``m`` lists every row, and the list
scrolls). On small terminals (80x24) the figures become a plain table so every severity's
counts still show.

Live: once a second the times of the rows shown are re-read from memory; the board is rebuilt
when the app's snapshot changes (:class:`~wzdesk.tui.messages.QueueChanged`) and when the
clock reaches the next instant at which any case crosses a threshold (turns at risk, breached,
or enters its last business hour). A rebuild walks every open case (in a thread); when that
costs more than :data:`REBUILD_FREE` the next one waits until the last one's cost is a
:data:`REBUILD_SHARE` of the time since, and the figures' title says "as of" the instant
they were counted while they lag behind.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
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
from wzdesk.services.queue import QueueRow, TargetReading
from wzdesk.tui.formatting import target_status
from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.widgets.key_bar import KeyBar
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
FIGURES = (("breached", "breached"), ("at_risk", "at risk"), ("due_soon", "due ≤1h"))
#: A rebuild cheaper than this runs whenever something crossed (small desks: every second).
REBUILD_FREE = 0.05
#: Dearer rebuilds (100,000 open cases: about half a second) take at most this share of the
#: time: a wall monitor must not spend a core on the desk it shows.
REBUILD_SHARE = 0.1


def due_soon(row: QueueRow, now: float) -> bool:
    """Whether ``row`` is *due within the hour* at ``now``.

    True when one of its targets is still running (not met, not paused, not breached) and has
    at most one business hour left (0 to 3,600 business seconds). Business time, not wall
    time: outside business hours the countdowns stand still, so at 19:00 a target with 40
    business minutes left (due at 08:40 the next business day) is due within the hour.
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
    each rebuild of the board then only compares instants.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[QueueRow, float, float]] = {}
        self._as_of = -math.inf

    def update(self, rows: Sequence[QueueRow], now: float) -> dict[int, tuple[float, float]]:
        """(response, resolution) entry instants of each row by case id (``inf``: the target
        is met, paused or breached; ``-inf``: already inside its last hour)."""
        if now < self._as_of:  # the clock went back (a test's clock): start over
            self._entries = {}
        self._as_of = now
        known, fresh = self._entries, {}
        for row in rows:
            entry = known.get(row.case_id)
            if entry is None or entry[0] is not row:
                entry = (row, *self._entry_instants(row, now))
            fresh[row.case_id] = entry
        self._entries = fresh
        return {
            case_id: (response, resolution) for case_id, (_, response, resolution) in fresh.items()
        }

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


def _next_change(
    rows: Sequence[QueueRow], entries: dict[int, tuple[float, float]], now: float
) -> float:
    """The next instant after ``now`` at which a row turns at risk, breached, or due within the
    hour (``inf`` when none will): the board is rebuilt then."""
    soonest = math.inf
    for row in rows:
        for instant, _ in row.transitions():
            if now < instant < soonest:
                soonest = instant
        for instant in entries[row.case_id]:
            if now < instant < soonest:
                soonest = instant
    return soonest


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


@dataclass
class Wallboard:
    """Everything the wallboard shows, built from the queue's rows at one instant."""

    board: BreachBoard
    figures: dict[Severity, SeverityFigures]
    agents: list[AgentLoad]
    unassigned_breached: list[tuple[QueueRow, TargetReading]]
    built_at: float
    next_change: float
    open_total: int = 0
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        rows: Sequence[QueueRow],
        now: float,
        users: dict[str, str],
        thresholds: Thresholds | None = None,
    ) -> Wallboard:
        """Group ``rows`` at ``now``; ``users``: login → name of everyone who takes cases (so
        an agent with no open case shows with zeros); ``thresholds``: kept between builds."""
        entries = (thresholds or Thresholds()).update(rows, now)
        board = BreachBoard([row for row in rows if _alarming(row, now)], now)
        figures = {severity: SeverityFigures() for severity in Severity}
        loads: dict[str | None, AgentLoad] = {login: AgentLoad(login) for login in users}
        for row in rows:
            figures[row.severity].open += 1
            figures[row.severity].due_soon += _is_due_soon(row, entries[row.case_id], now)
            load = loads.setdefault(row.assignee, AgentLoad(row.assignee))
            load.open += 1
        unassigned = []
        for severity, items in board.groups.items():
            breached, at_risk = board.counts[severity]
            figures[severity].breached, figures[severity].at_risk = breached, at_risk
            for row, reading in items:
                load = loads[row.assignee]
                if reading.state is TimerState.BREACHED:
                    load.breached += 1
                    if row.assignee is None:
                        unassigned.append((row, reading))
                else:
                    load.at_risk += 1
        agents = sorted(
            (load for load in loads.values() if load.login is not None),
            key=lambda a: (-a.breached, -a.at_risk, -a.open, users.get(a.login or "", a.login)),
        )
        if None in loads:
            agents.append(loads[None])
        return cls(
            board,
            figures,
            agents,
            unassigned,
            now,
            _next_change(rows, entries, now),
            len(rows),
            dict(users),
        )

    def stale(self, now: float) -> bool:
        """Whether a row has crossed a threshold since the board was built (or time went back)."""
        return now >= self.next_change or now < self.built_at

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
            f"  {figures.breached} breached · {figures.at_risk} at risk · "
            f"{figures.due_soon} due ≤1h · {figures.open} open",
            "dim" if not figures.breached + figures.at_risk else "",
        )
        return text

    def case_lines(self, now: float, shown: Sequence[int], every_row: bool = False) -> Text:
        """Each severity's heading, its first ``shown[i]`` cases, and "+N more" when cut (with
        where to see the rest: ``m``, or past the every-row limit the queue's filters)."""
        listed = {
            severity: [
                (row, row.at_stake(now) or built)
                for row, built in self.board.groups[severity][:count]
            ]
            for severity, count in zip(Severity, shown, strict=True)
        }
        lines = [
            (row, reading, target_status(reading.remaining, reading.state, reading.paused))
            for items in listed.values()
            for row, reading in items
        ]
        widths = (
            max((len(row.ref) for row, _, _ in lines), default=7),
            max((len(status) for _, _, status in lines), default=10),
            max((len(row.client_code) for row, _, _ in lines), default=4),
            max((len(row.assignee or "unassigned") for row, _, _ in lines), default=10),
        )
        text = Text()
        for severity in Severity:
            items = listed[severity]
            text.append_text(self.heading(severity))
            text.append("\n")
            for row, reading in items:
                text.append_text(case_line(row, reading, widths))
                text.append("\n")
            hidden = len(self.board.groups[severity]) - len(items)
            if hidden > 0:
                text.append(f"  +{hidden} more {severity.value}", "bold italic")
                where = "the queue's breached and at-risk filters" if every_row else "m: every row"
                text.append(f" ({where})\n", "dim")
        text.rstrip()
        return text

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
                str(load.open),
                Text(str(load.breached), "bold red" if load.breached else "dim"),
                Text(str(load.at_risk), "bold yellow" if load.at_risk else "dim"),
            )
        hidden = len(self.agents) - len(agents)
        if hidden > 0:
            table.add_row(Text(f"+{hidden} more", "bold italic"), "", "", "")
        return table

    def unassigned_text(self, now: float, limit: int | None, inline: bool = False) -> Text:
        """Breached cases nobody owns, called out (at most ``limit``, then "+N more"); ``inline``:
        on one line, the count first (it stays complete when the line is cut)."""
        count = len(self.unassigned_breached)
        if not count:
            return Text("No breached case is unassigned.", "green")
        text = Text(f"{count} breached case{'s' if count != 1 else ''} nobody owns", "bold red")
        shown = self.unassigned_breached if limit is None else self.unassigned_breached[:limit]
        if inline:
            text = Text(f"{count} unassigned breached: ", "bold red")
            text.append(" ".join(row.ref for row, _ in shown), "red")
            if count > len(shown):
                text.append(f" +{count - len(shown)} more", "bold italic")
            return text
        for row, built in shown:
            reading = row.at_stake(now) or built
            text.append(f"\n{row.ref} ", "bold")
            text.append(f"{row.severity.value} {reading.name} ", SEVERITY_STYLE[row.severity])
            text.append(target_status(reading.remaining, reading.state, reading.paused), "red")
            text.append(f" · {row.client_code}")
        if count > len(shown):
            text.append(f"\n+{count - len(shown)} more", "bold italic")
        return text

    def totals_text(self) -> Text:
        """``ALL  18 breached · 23 at risk · 1 due ≤1h · 110 open``."""
        totals = self.totals
        return Text.assemble(
            ("All  ", "bold"),
            (f"{totals.breached} breached", "bold red" if totals.breached else ""),
            f" · {totals.at_risk} at risk · {totals.due_soon} due ≤1h · {totals.open} open",
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
        self.thresholds = Thresholds()
        self._building = False
        self._shown: dict[str, str] = {}
        #: no rebuild before this (time.monotonic()): see REBUILD_SHARE
        self._rest_until = 0.0
        self._last_cost = 0.0  # seconds the last rebuild took
        #: the snapshot changed since the board was built (a re-read waiting for its rebuild)
        self._dirty = False

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
                yield Static("", id="wb-figures-total")
                yield Static("", id="wb-figures-table")
            with Vertical(id="wb-side"):
                with VerticalScroll(id="wb-agents"):
                    yield Static("", id="wb-agents-body")
                yield Static("", id="wb-unassigned")
        with VerticalScroll(id="wb-list"):
            yield Static("Loading the queue…", id="wb-list-body")
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
        self.query_one("#wb-list").focus()

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

    def _users_loaded(self, names: dict[str, str]) -> None:
        self.users = names
        self.regroup()

    # -- live ---------------------------------------------------------------------------------

    def on_queue_changed(self, message: QueueChanged) -> None:
        self._dirty = True
        if time.monotonic() >= self._rest_until:
            self.regroup()

    def regroup(self) -> None:
        """Rebuild the board from the app's snapshot (in a thread: at 10,000 open cases it takes
        tens of milliseconds), then redraw."""
        snapshot = self.wz.snapshot
        if snapshot is None or snapshot.partial:
            return
        self._building, self._dirty = True, False
        self._build(snapshot.ordered, self.wz.clock.now().timestamp())

    @work(thread=True, exclusive=True, group="wallboard", exit_on_error=False)
    def _build(self, rows: list[QueueRow], now: float) -> None:
        started = time.perf_counter()
        wallboard = Wallboard.build(rows, now, self.users, self.thresholds)
        cost = time.perf_counter() - started
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._built, wallboard, cost)

    def _built(self, wallboard: Wallboard, cost: float = 0.0) -> None:
        self._building = False
        self.wallboard = wallboard
        self._last_cost = cost
        rest = 0.0 if cost < REBUILD_FREE else cost / REBUILD_SHARE - cost
        self._rest_until = time.monotonic() + rest
        self.draw()

    def behind(self, now: float) -> bool:
        """Whether the board shown was counted before something changed since."""
        wallboard = self.wallboard
        return wallboard is not None and (self._dirty or wallboard.stale(now))

    def lagging(self, now: float) -> bool:
        """Behind, and not for the instant a cheap rebuild takes: the figures must say so."""
        return self.behind(now) and self._last_cost >= REBUILD_FREE

    def tick(self) -> None:
        """Once a second: rebuild when a row crossed a threshold, else redraw the times."""
        now = self.wz.clock.now().timestamp()
        due = self.wallboard is None or self.behind(now)
        if due and not self._building and time.monotonic() >= self._rest_until:
            self.regroup()  # also the first build, when the queue loaded nothing to announce
        self.draw()

    def on_resize(self, event: Resize) -> None:
        self._apply_size()
        self.call_after_refresh(self.draw)

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
            self.query_one(BusinessClock).show(self.wz.book.at(moment).calendar, moment)
        wallboard = self.wallboard
        if wallboard is None:
            return
        self._apply_size()
        now = moment.timestamp()
        title = "Cases at stake, by severity"
        if self.lagging(now):
            zone = moment.tzinfo if self.wz.book is None else self.wz.book.at(moment).calendar.zone
            counted = datetime.fromtimestamp(wallboard.built_at, zone).strftime("%H:%M:%S")
            title += f" · as of {counted} (recounting)"
        self.query_one("#wb-figures").border_title = title
        self._draw_figures(wallboard)
        side_lines = self.query_one("#wb-agents").scrollable_content_region.height
        compact = self.has_class("-compact")
        self._update(
            "#wb-agents-body",
            wallboard.agent_table(None if self.every_row else side_lines, compact),
        )
        self._update(
            "#wb-unassigned",
            wallboard.unassigned_text(now, None if self.every_row else 4, inline=compact),
        )
        sizes = [len(wallboard.board.groups[s]) for s in Severity]
        if self.every_row:
            shown = [min(size, EVERY_ROW_LIMIT) for size in sizes]
        else:
            lines = self.query_one("#wb-list").scrollable_content_region.height
            shown = allocate(sizes, lines)
        self._update("#wb-list-body", wallboard.case_lines(now, shown, self.every_row))

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

    def _update(self, selector: str, content: Text | Table) -> None:
        """Update a Static only when what it shows changed (a redraw a minute, not a second)."""
        if isinstance(content, Text):
            key = content.plain
        else:
            key = repr([[str(c) for c in column.cells] for column in content.columns])
        if self._shown.get(selector) != key:
            self._shown[selector] = key
            self.query_one(selector, Static).update(content)
