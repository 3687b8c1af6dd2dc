"""Quick filters with live counts, and the ``/`` filter box."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.queue import QueueCounts, QueueRow


class QuickFilter(Enum):
    """The queue's quick filters, each on a digit key."""

    ALL = ("0", "All")
    MINE = ("1", "Mine")
    UNASSIGNED = ("2", "Unassigned")
    BREACHED = ("3", "Breached")
    AT_RISK = ("4", "At risk")
    WAITING = ("5", "Waiting")
    CRITICAL = ("6", "Critical")
    MAJOR = ("7", "Major")
    MODERATE = ("8", "Moderate")
    MINOR = ("9", "Minor")

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]

    def count(self, counts: QueueCounts) -> int:
        return {
            QuickFilter.ALL: counts.total,
            QuickFilter.MINE: counts.mine,
            QuickFilter.UNASSIGNED: counts.unassigned,
            QuickFilter.BREACHED: counts.breached,
            QuickFilter.AT_RISK: counts.at_risk,
            QuickFilter.WAITING: counts.waiting,
        }.get(self, counts.by_severity.get(self.severity, 0) if self.severity else 0)

    @property
    def severity(self) -> Severity | None:
        try:
            return Severity(self.name.lower())
        except ValueError:
            return None

    def accepts(self, row: QueueRow, now: float, me: str) -> bool:
        if self is QuickFilter.ALL:
            return True
        if self is QuickFilter.MINE:
            return row.assignee == me
        if self is QuickFilter.UNASSIGNED:
            return row.assignee is None
        if self is QuickFilter.BREACHED:
            return row.worst_state(now) is TimerState.BREACHED
        if self is QuickFilter.AT_RISK:
            return row.worst_state(now) is TimerState.AT_RISK
        if self is QuickFilter.WAITING:
            return row.status == Status.WAITING_CLIENT
        return row.severity is self.severity


def apply_filters(
    rows: list[QueueRow], quick: QuickFilter, text: str, now: float, me: str
) -> list[QueueRow]:
    """The rows a quick filter and the filter box (reference, client, summary text) keep."""
    needle = text.strip().lower()
    if quick is QuickFilter.ALL and not needle:
        return rows
    return [
        row
        for row in rows
        if quick.accepts(row, now, me) and (not needle or needle in row.haystack)
    ]


class FilterBar(Vertical):
    """``0 All 214 · 1 Mine 12 · …`` (wrapping on narrow terminals) and the filter box."""

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar #quick { width: 1fr; height: auto; }
    FilterBar Input { width: 1fr; height: 1; border: none; padding: 0 1; }
    """

    @dataclass
    class TextChanged(Message):
        text: str

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.active = QuickFilter.ALL
        self._counts = QueueCounts()

    def compose(self) -> ComposeResult:
        yield Static(id="quick")
        yield Input(placeholder="/ filter: ref, client, text", id="filter-text")

    def show(self, counts: QueueCounts, active: QuickFilter) -> None:
        """Redraw the quick filters with their counts, the active one highlighted."""
        if (
            counts == self._counts
            and active is self.active
            and self.query_one("#quick", Static).content
        ):
            return
        self._counts, self.active = counts, active
        parts = []
        for quick in QuickFilter:
            label = f"[b]{quick.key}[/b] {quick.label} {quick.count(counts)}"
            if quick is active:
                parts.append(f"[reverse] {label} [/]")
            elif quick is QuickFilter.BREACHED and counts.breached:
                parts.append(f"[$error] {label} [/]")
            elif quick is QuickFilter.AT_RISK and counts.at_risk:
                parts.append(f"[$warning] {label} [/]")
            else:
                parts.append(f" {label} ")
        self.query_one("#quick", Static).update("".join(parts))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.TextChanged(event.value))
