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
from wzdesk.services.queue import QueueCounts, QueueRow, QueueSnapshot, queue_order


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
    def follows_the_clock(self) -> bool:
        """Does a row's membership change when a target crosses a threshold?"""
        return self in (QuickFilter.BREACHED, QuickFilter.AT_RISK)

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


#: Sort orders: key -> (label, the natural direction first, sort key). "due" is the snapshot's
#: own order (business time to the nearest due instant), the default.
SORTS: dict[str, tuple[str, Callable[[QueueRow, float], tuple[float | str, ...]]]] = {
    "due": ("due (most urgent first)", queue_order),
    "severity": ("severity", lambda r, now: (r.severity.rank, *queue_order(r, now))),
    "age": ("age (oldest first)", lambda r, now: (r.received_at, r.case_id)),
    "updated": ("last update (newest first)", lambda r, now: (-r.updated_at, r.case_id)),
    "client": ("client", lambda r, now: (r.client_code, *queue_order(r, now))),
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

    def keeps(self, row: QueueRow, now: float, me: str) -> bool:
        """Whether ``row`` passes every filter of this view at ``now``."""
        return (
            self.quick.accepts(row, now, me)
            and self._text_accepts(row, self.text.strip().lower())
            and (self.assignee is None or row.assignee == (self.assignee or None))
            and (self.client is None or row.client_code == self.client)
        )

    def sort_key(self, row: QueueRow, now: float) -> tuple[float | str, ...]:
        return SORTS[self.sort][1](row, now)

    def rows(self, ordered: list[QueueRow], now: float, me: str) -> list[QueueRow]:
        """The rows this view keeps, in its order (``ordered``: the snapshot, most urgent
        first)."""
        rows = ordered
        if self.filtered:
            rows = [row for row in ordered if self.keeps(row, now, me)]
        if self.sort != "due":
            rows = sorted(rows, key=lambda row: self.sort_key(row, now))
        if self.reverse:
            rows = list(reversed(rows))
        return rows


class ShownRows:
    """The view's rows, kept from one second to the next so that a threshold crossing costs
    the rows that crossed, not the queue (issue 13).

    While the snapshot keeps the same rows in the same order (no re-read, no full recompute)
    and the view is unchanged, a crossing cannot change which rows a filter keeps unless the
    filter is "breached" or "at risk", nor their order (business countdowns all move
    together). So the list is reused as is, or, for those two filters, patched with the rows
    the snapshot logged in :attr:`QueueSnapshot.moved` since the last call: each is dropped or
    put in place by bisection. Anything else computes the list from scratch.
    """

    def __init__(self) -> None:
        self._view: QueueView | None = None
        self._ordered: list[QueueRow] | None = None
        self._generation = -1
        self._me = ""
        self._moved_seen = 0
        self._rows: list[QueueRow] = []
        self._ids: set[int] = set()

    def rows(self, view: QueueView, snapshot: QueueSnapshot, now: float, me: str) -> list[QueueRow]:
        """The rows ``view`` shows of ``snapshot`` at ``now``; the same list object when
        nothing changed (callers may keep indexes into it), a new one otherwise."""
        if (
            view != self._view
            or snapshot.ordered is not self._ordered
            or snapshot.generation != self._generation
            or me != self._me
            or len(snapshot.moved) < self._moved_seen
        ):
            self._view, self._ordered, self._me = view, snapshot.ordered, me
            self._generation = snapshot.generation
            self._rows = view.rows(snapshot.ordered, now, me)
            self._ids = {row.case_id for row in self._rows}
        elif view.quick.follows_the_clock and len(snapshot.moved) > self._moved_seen:
            self._patch(view, snapshot, now, me)
        self._moved_seen = len(snapshot.moved)
        return self._rows

    def _patch(self, view: QueueView, snapshot: QueueSnapshot, now: float, me: str) -> None:
        rows, ids = list(self._rows), self._ids
        for case_id in dict.fromkeys(snapshot.moved[self._moved_seen :]):
            row = snapshot.rows.get(case_id)
            keep = row is not None and view.keeps(row, now, me)
            if case_id in ids and not keep:
                rows.pop(next(i for i, shown in enumerate(rows) if shown.case_id == case_id))
                ids.discard(case_id)
            elif row is not None and keep and case_id not in ids:
                rows.insert(_place(rows, row, view, now), row)
                ids.add(case_id)
        self._rows = rows


def _place(rows: list[QueueRow], row: QueueRow, view: QueueView, now: float) -> int:
    """Where ``row`` goes in ``rows`` (sorted by the view's key, reversed if it says so)."""
    key = view.sort_key(row, now)
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        other = view.sort_key(rows[mid], now)
        before = other > key if view.reverse else other < key
        if before:
            lo = mid + 1
        else:
            hi = mid
    return lo
