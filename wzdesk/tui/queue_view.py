"""What the queue shows: the rows a filter keeps, in the order the user chose.

Pure (no Textual): the main screen owns one :class:`QueueView` and asks it for rows whenever the
snapshot or the view changes; tests can check filters and orders without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.queue import QueueCounts, QueueRow


class QuickFilter(Enum):
    """The queue's quick filters, each on a digit key (label, short label for narrow screens)."""

    ALL = ("0", "All", "All")
    MINE = ("1", "Mine", "Mine")
    UNASSIGNED = ("2", "Unassigned", "Unasg")
    BREACHED = ("3", "Breached", "Brch")
    AT_RISK = ("4", "At risk", "Risk")
    WAITING = ("5", "Waiting", "Wait")
    CRITICAL = ("6", "Critical", "Crit")
    MAJOR = ("7", "Major", "Maj")
    MODERATE = ("8", "Moderate", "Mod")
    MINOR = ("9", "Minor", "Min")

    @property
    def key(self) -> str:
        return self.value[0]

    @property
    def label(self) -> str:
        return self.value[1]

    @property
    def short_label(self) -> str:
        return self.value[2]

    def count(self, counts: QueueCounts) -> int:
        """This filter's count over the whole queue."""
        if self.severity is not None:
            return counts.by_severity.get(self.severity, 0)
        return {
            QuickFilter.ALL: counts.total,
            QuickFilter.MINE: counts.mine,
            QuickFilter.UNASSIGNED: counts.unassigned,
            QuickFilter.BREACHED: counts.breached,
            QuickFilter.AT_RISK: counts.at_risk,
            QuickFilter.WAITING: counts.waiting,
        }[self]

    @property
    def severity(self) -> Severity | None:
        try:
            return Severity(self.name.lower())
        except ValueError:
            return None

    def accepts(self, row: QueueRow, now: float, me: str) -> bool:
        """Whether a row passes this filter at ``now``."""
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


def _by_due(row: QueueRow, now: float) -> tuple[float, ...]:
    return (row.urgency(now), row.severity.rank, row.case_id)


#: Sort orders: key -> (label, the natural direction first, sort key). "due" is the snapshot's
#: own order (business time to the nearest due instant), the default.
SORTS: dict[str, tuple[str, Callable[[QueueRow, float], tuple[float | str, ...]]]] = {
    "due": ("due (most urgent first)", _by_due),
    "severity": ("severity", lambda r, now: (r.severity.rank, *_by_due(r, now))),
    "age": ("age (oldest first)", lambda r, now: (r.received_at, r.case_id)),
    "updated": ("last update (newest first)", lambda r, now: (-r.updated_at, r.case_id)),
    "client": ("client", lambda r, now: (r.client_code, *_by_due(r, now))),
    "client_wrote": (
        "client's last message (newest first)",
        lambda r, now: (-(r.client_wrote_at or 0.0), r.case_id),
    ),
}
#: The column whose title carries the sort arrow (the default order needs none).
SORT_COLUMNS = {k: k for k in SORTS if k != "due"}


@dataclass(frozen=True)
class QueueView:
    """A quick filter, the filter box's text, an assignee and a client, and a sort order."""

    quick: QuickFilter = QuickFilter.ALL
    text: str = ""
    assignee: str | None = None  # a login, or "" for unassigned
    client: str | None = None  # a client code
    sort: str = "due"
    reverse: bool = False
    #: The cases the filter box's query selects (from SQL), None until its answer arrives;
    #: ``plain``: the query is only words, so the row's own text (client and contact names)
    #: may match too, as the filter box always did.
    ids: frozenset[int] | None = None
    plain: bool = True

    @property
    def filtered(self) -> bool:
        """Does anything but the whole queue show?"""
        return (
            self.quick is not QuickFilter.ALL
            or bool(self.text.strip())
            or self.assignee is not None
            or self.client is not None
        )

    def describe(self) -> str:
        """``At risk + 'acme' · assignee kim · client ACME`` (empty for the whole queue)."""
        parts = []
        if self.quick is not QuickFilter.ALL:
            parts.append(self.quick.label)
        if self.text.strip():
            parts.append(f"'{self.text.strip()}'")
        if self.assignee is not None:
            parts.append(f"assignee {self.assignee or 'none'}")
        if self.client is not None:
            parts.append(f"client {self.client}")
        return " + ".join(parts)

    def _text_accepts(self, row: QueueRow, needle: str) -> bool:
        if not needle:
            return True
        if self.ids is not None and row.case_id in self.ids:
            return True
        return self.plain and needle in row.haystack

    def next_sort(self) -> QueueView:
        """The next sort order (its natural direction)."""
        keys = list(SORTS)
        return replace(self, sort=keys[(keys.index(self.sort) + 1) % len(keys)], reverse=False)

    def rows(self, ordered: list[QueueRow], now: float, me: str) -> list[QueueRow]:
        """The rows this view keeps, in its order (``ordered``: the snapshot, most urgent
        first)."""
        needle = self.text.strip().lower()
        rows = ordered
        if self.filtered:
            rows = [
                row
                for row in ordered
                if self.quick.accepts(row, now, me)
                and self._text_accepts(row, needle)
                and (self.assignee is None or row.assignee == (self.assignee or None))
                and (self.client is None or row.client_code == self.client)
            ]
        if self.sort != "due":
            key = SORTS[self.sort][1]
            rows = sorted(rows, key=lambda row: key(row, now))
        if self.reverse:
            rows = list(reversed(rows))
        return rows
