"""The SLA / breach panel: breached and at-risk cases by severity, and the business clock."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.queue import QueueRow
from wzdesk.tui.formatting import countdown, local_time

SEVERITY_STYLE = {
    Severity.CRITICAL: "bold red",
    Severity.MAJOR: "bold dark_orange",
    Severity.MODERATE: "bold blue",
    Severity.MINOR: "dim",
}


class BusinessClock(Static):
    """``Open · Mon 09 Mar 10:42 EDT · closes 18:00`` (or when it next opens)."""

    _shown = ""

    def show(self, calendar: BusinessCalendar, now: datetime) -> None:
        zone = calendar.zone
        local = now.astimezone(zone)
        # Minutes, not seconds: the clock redraws once a minute, not every tick.
        stamp = local.strftime("%a %d %b %H:%M %Z")
        is_open = calendar.is_open(now)
        if is_open:
            closes = calendar.next_closing(now)
            text = f"● Open · {stamp} · closes {local_time(closes, zone, with_date=False)}"
        else:
            opens = calendar.next_opening(now)
            text = f"○ Closed · {stamp} · countdowns stopped · opens {local_time(opens, zone)}"
        if text != self._shown:
            self._shown = text
            self.set_class(not is_open, "-closed")
            self.update(text)


class BreachBoard:
    """Breached and at-risk rows grouped by severity, ordered by due instant.

    Built when the queue changes (refresh, or a row crossing a threshold); each tick then only
    computes countdowns for the rows actually shown.
    """

    def __init__(self, rows: list[QueueRow], now: float) -> None:
        self.groups: dict[Severity, list[tuple[QueueRow, TimerState]]] = {s: [] for s in Severity}
        for row in rows:
            state = row.worst_state(now)
            if state in (TimerState.BREACHED, TimerState.AT_RISK):
                self.groups[row.severity].append((row, state))
        for items in self.groups.values():
            items.sort(key=lambda item: item[0].urgency(now))
        self.counts = {
            severity: (
                sum(1 for _, s in items if s is TimerState.BREACHED),
                sum(1 for _, s in items if s is TimerState.AT_RISK),
            )
            for severity, items in self.groups.items()
        }

    @property
    def totals(self) -> tuple[int, int]:
        return (
            sum(b for b, _ in self.counts.values()),
            sum(r for _, r in self.counts.values()),
        )

    def render(self, now: float, limit: int | None) -> Text:
        """Counts per severity, then the rows soonest-to-breach (most overdue) first."""
        text = Text()
        shown = 0
        for severity in Severity:
            items = self.groups[severity]
            if not items:
                continue
            breached, at_risk = self.counts[severity]
            text.append(f"{severity.value.upper()}", SEVERITY_STYLE[severity])
            text.append(f"  {breached} breached · {at_risk} at risk\n", "dim")
            for row, state in items:
                if limit is not None and shown >= limit:
                    break
                style = "red" if state is TimerState.BREACHED else "yellow"
                remaining = _nearest_remaining(row, now)
                text.append(f"  {countdown(remaining, state):>9} ", style)
                text.append(f"{row.ref:<9} {row.client_code:<6} ")
                text.append(f"{row.assignee or 'unassigned':<10} ", "" if row.assignee else "dim")
                text.append(f"{row.summary}\n")
                shown += 1
        if not text.plain:
            text.append("No case is breached or at risk.", "green")
        return text


def _nearest_remaining(row: QueueRow, now: float) -> float:
    values = [row.resolution_remaining(now)]
    response = row.response_remaining(now)
    if response is not None:
        values.append(response)
    return min(values)


class SlaPanel(Vertical):
    """The breach panel: the business clock, then the :class:`BreachBoard`."""

    DEFAULT_CSS = """
    SlaPanel { height: auto; }
    SlaPanel #sla-body { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, id: str | None = None, limit: int | None = 8) -> None:
        super().__init__(id=id)
        self.limit = limit
        self.board: BreachBoard | None = None
        self._shown = ""

    def compose(self) -> ComposeResult:
        yield BusinessClock(id="business-clock")
        yield Static(id="sla-body")

    def set_rows(self, rows: list[QueueRow], calendar: BusinessCalendar, now: datetime) -> None:
        """Regroup (when the queue changed or a row crossed a threshold) and redraw now."""
        self.board = BreachBoard(rows, now.timestamp())
        breached, at_risk = self.board.totals
        self.border_title = f"SLA · {breached} breached · {at_risk} at risk"
        self.tick(calendar, now)

    def tick(self, calendar: BusinessCalendar, now: datetime) -> None:
        """Redraw the clock and the countdowns of the rows shown."""
        self.query_one(BusinessClock).show(calendar, now)
        if self.board is not None:
            text = self.board.render(now.timestamp(), self.limit)
            if text.plain != self._shown:  # countdowns show minutes: a redraw a minute at most
                self._shown = text.plain
                self.query_one("#sla-body", Static).update(text)
