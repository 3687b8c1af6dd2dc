"""Pinned views' live counts, kept up to date case by case.

A pinned view's tab shows how many cases the queue lists for it (open cases: resolved and
closed ones are in the history), and the console refreshes the tabs at every re-read of the
queue (every 3 s while agents write). Counted afresh, one view of a
common word cost 0.4–1.2 s of database time at a million cases, per console and per view, on
every re-read. A query that depends on the cases' own rows alone (:func:`case_only`) cannot
change its answer for a case that did not change, so its count is kept as the cases it matched
once plus the changed cases' current answers: each re-read asks about the changed cases only.
A query on the clock or on a contact (``due:<2h``, ``updated:today``, ``contact:``) is counted
whole each time.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from wzdesk.core.errors import UserError
from wzdesk.core.query import parse_query
from wzdesk.services.search import SearchContext, case_only, queue_count, queue_matches
from wzdesk.services.views import pinned_views

#: The kept answer is read afresh once this many cases have changed their answer since (the
#: two delta sets stay small), or when a re-read brings more changed cases than this ...
REBASE_AFTER = 5000
#: ... or once it is this many seconds old: a case removed from the database (retention) is
#: never among the changed cases, and would otherwise stay counted.
REBASE_SECONDS = 600.0


@dataclass(frozen=True)
class KeptCount:
    """The cases a query matched when last read whole (sorted, 8 bytes each), and the changed
    cases' answers since: ``added`` match now and were not in it, ``removed`` were and do not."""

    query: str
    matched: array[int]
    added: frozenset[int]
    removed: frozenset[int]
    read_at: float

    @property
    def count(self) -> int:
        return len(self.matched) - len(self.removed) + len(self.added)

    def _had(self, case_id: int) -> bool:
        index = bisect_left(self.matched, case_id)
        return index < len(self.matched) and self.matched[index] == case_id

    def with_answers(self, asked: Iterable[int], matching: Collection[int]) -> KeptCount:
        """The count once each of the ``asked`` cases matches exactly when it is in
        ``matching``. Idempotent: asking about a case twice, or about one whose answer did not
        change, leaves the count right."""
        added, removed = set(self.added), set(self.removed)
        for case_id in asked:
            had = self._had(case_id)
            if case_id in matching:
                removed.discard(case_id)
                if not had:
                    added.add(case_id)
            else:
                added.discard(case_id)
                if had:
                    removed.add(case_id)
        return KeptCount(
            self.query, self.matched, frozenset(added), frozenset(removed), self.read_at
        )

    def stale(self, at: float) -> bool:
        return (
            len(self.added) + len(self.removed) > REBASE_AFTER or at - self.read_at > REBASE_SECONDS
        )


def read_whole(query: str, search: SearchContext, at: float) -> KeptCount:
    """The open cases ``query`` matches now, kept for counting."""
    matched = array("q", sorted(queue_matches(query, search)))
    return KeptCount(query, matched, frozenset(), frozenset(), at)


@dataclass(frozen=True)
class Tab:
    """A pinned view as its tab shows it: ``count`` None when its query cannot run."""

    name: str
    query: str
    count: int | None


def count_tabs(
    login: str,
    search: SearchContext,
    changed: Collection[int] | None,
    kept: dict[str, KeptCount],
    at: float,
) -> tuple[list[Tab], dict[str, KeptCount]]:
    """``login``'s pinned views with their counts, and the kept answers to pass next time.

    ``changed``: the cases re-read since ``kept`` was worked out (None: anything may have
    changed, read every view whole); ``at``: seconds on a monotonic clock, for
    :data:`REBASE_SECONDS`."""
    tabs: list[Tab] = []
    kept_now: dict[str, KeptCount] = {}
    for view in pinned_views(login):
        try:
            count, held = count_view(view.query, search, changed, kept.get(view.query), at)
        except UserError:
            count, held = None, None
        tabs.append(Tab(view.name, view.query, count))
        if held is not None:
            kept_now[view.query] = held
    return tabs, kept_now


def count_view(
    query: str,
    search: SearchContext,
    changed: Collection[int] | None,
    held: KeptCount | None,
    at: float,
) -> tuple[int, KeptCount | None]:
    """One view's count, and its kept answer (None for a query counted whole each time)."""
    if not case_only(parse_query(query)):
        return queue_count(query, search), None
    if held is None or changed is None or len(changed) > REBASE_AFTER or held.stale(at):
        held = read_whole(query, search, at)
    elif changed:
        asked = sorted(changed)
        held = held.with_answers(asked, set(queue_matches(query, search, asked)))
    return held.count, held
