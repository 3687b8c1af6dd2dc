"""The queue's query keys: the ``/`` box speaks the query language, pinned views are tabs.

A mixin for :class:`~wzdesk.tui.screens.main.MainScreen` (which adds :data:`QUERY_BINDINGS`).
The box's text is checked as it is typed (a bad query shows its error, naming the token, under
the box); a good one runs in SQL in a thread worker once typing pauses (:data:`TYPING_PAUSE`),
the status line saying so meanwhile, and the queue keeps the cases it returns.
Pinned saved views (``wzdesk view add NAME --query Q --pin``) are tabs above the queue with
live counts, refreshed with the queue, after SLA crossings (the views on the clock) and every
half minute on a quiet desk; ``[`` and ``]`` switch tabs by putting the view's query in the
box.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, cast

from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.core.query import And, Query, QueryError, TextTerm, check_query
from wzdesk.services.search import case_only, context, queue_matches
from wzdesk.services.view_counts import KeptCount, Tab, count_tabs
from wzdesk.tui.workers import in_thread

if TYPE_CHECKING:
    from wzdesk.tui.screens.main import MainScreen

#: Seconds the box waits after a keystroke before its query runs. Each keystroke ran a search of
#: its own: typing "payroll" at a million cases ran seven at once ("p" alone reads 157,000
#: matches) and the queue changed 6 s later.
TYPING_PAUSE = 0.3

#: Seconds between two counts of the tabs when nothing is re-read (a quiet desk): a view on
#: the clock (``due:<2h``) changes its answer as time passes, and a view pinned elsewhere (the
#: CLI, another console) appears. Before, the tabs were counted only when a re-read found a
#: changed case.
TABS_RECOUNT_SECONDS = 30.0
#: After an SLA crossing the views on the clock (``at-risk``, ``breached:any``) are counted
#: again, at most this often: a desk of 50,000 open cases crosses about every 2 s, and
#: ``at-risk OR breached:any`` counted whole at most every 3 s took the console from 1.3 to
#: 2.5% of a core there (40 s in business hours); at most every 10 s, 1.5–1.8%.
TABS_CROSSING_SECONDS = 10.0

QUERY_BINDINGS = [
    Binding("left_square_bracket", "view_tab(-1)", "Previous view", show=False),
    Binding("right_square_bracket", "view_tab(1)", "Next view", show=False),
]


@dataclass
class QueryAnswered(Message):
    """The cases a filter-box query selects (or why it could not run)."""

    text: str
    ids: frozenset[int] | None
    plain: bool
    error: str | None = None
    #: The changed cases this answer has seen (they need no re-check after it).
    covered: frozenset[int] = frozenset()


@dataclass
class TabsCounted(Message):
    """The pinned views and their live counts; the answers kept to count them next time, and
    the changed cases those have seen."""

    tabs: list[Tab]
    kept: dict[str, KeptCount]
    covered: frozenset[int] | None


def is_plain(query: Query) -> bool:
    """Only words (no fields, phrases, sort or scope): the row's own text may match too."""
    if query.sort or query.scope != "open" or query.where is None:
        return False
    items = query.where.items if isinstance(query.where, And) else (query.where,)
    return all(isinstance(item, TextTerm) and not item.phrase for item in items)


def _ids(query: Query, now: datetime, me: str, among: frozenset[int] | None = None) -> list[int]:
    return queue_matches(query, context(now, me), among)


def _counted_tabs(
    now: datetime, me: str, changed: frozenset[int] | None, kept: dict[str, KeptCount]
) -> tuple[list[Tab], dict[str, KeptCount]]:
    return count_tabs(me, context(now, me), changed, kept, time.monotonic())


class QueueQuery:
    """The query side of the queue's filter box, and the pinned-view tabs (mixed in)."""

    _tabs: list[Tab] = []
    _tab: int | None = None
    #: When the tabs were last counted (monotonic seconds; None: not yet), and whether an SLA
    #: crossing has happened since.
    _tabs_counted_at: float | None = None
    _tabs_crossed: bool = False
    _typing: Timer | None = None
    #: The box's text whose cases are being looked for (the status line says so), if any.
    searching: str | None = None

    @property
    def _main(self) -> MainScreen:
        return cast("MainScreen", self)

    def run_filter_query(self, text: str) -> None:
        """Check the box's text; show its error, or run it in SQL."""
        from wzdesk.tui.widgets import FilterBar

        screen = self._main
        bar = screen.query_one("#filters", FilterBar)
        if self._typing is not None:
            self._typing.stop()  # a newer text: the one waiting will never be shown
            self._typing = None
        self.searching = None
        result = check_query(text)
        if isinstance(result, QueryError):
            bar.show_error(f"{result.reason}: {result.token!r} at position {result.position}")
            screen._show_rows()
            return
        bar.show_error(None)
        if not text.strip():
            screen.view = replace(screen.view, text="", ids=None, plain=True)
            screen._show_rows()
            return
        self.searching = text
        self._typing = screen.set_timer(TYPING_PAUSE, lambda: self._ask_whole(text, result))
        screen._show_rows()  # "searching …" until the answer comes

    @property
    def _unchecked(self) -> set[int]:
        """Cases re-read since the box's answer was worked out (per screen)."""
        found: set[int] = self.__dict__.setdefault("_unchecked_ids", set())
        return found

    def _ask_whole(self, text: str, query: Query) -> None:
        self._answer_query(text, query, frozenset(self._unchecked))

    @work(thread=True, exclusive=True, group="filter-query", exit_on_error=False)
    def _answer_query(self, text: str, query: Query, covered: frozenset[int]) -> None:
        screen = self._main
        worker = get_current_worker()
        try:
            found = in_thread(_ids, query, screen.wz.clock.now(), screen.wz.context.actor)
        except UserError as error:
            if not worker.is_cancelled:
                screen.post_message(QueryAnswered(text, None, False, str(error)))
            return
        if not worker.is_cancelled:
            answer = QueryAnswered(text, frozenset(found), is_plain(query), None, covered)
            screen.post_message(answer)

    def on_query_answered(self, message: QueryAnswered) -> None:
        from wzdesk.tui.widgets import FilterBar

        screen = self._main
        if screen.query_one("#filter-text", Input).value != message.text:
            return  # a later keystroke's answer is on its way
        if self.searching == message.text:
            self.searching = None
        self._unchecked.difference_update(message.covered)
        if message.error is not None:
            screen.query_one("#filters", FilterBar).show_error(message.error)
            screen._show_rows()
            return
        screen.view = replace(screen.view, text=message.text, ids=message.ids, plain=message.plain)
        screen._show_rows()

    def refresh_query(self, changed: set[int] | None = None) -> None:
        """The queue changed (``changed``: the cases re-read; None: everything): bring the
        box's answer up to date and recount the tabs.

        While a search for the box's text is pending it is left alone: re-running the last
        answered text instead cancelled it (one exclusive worker group) and its text never
        ran again. A query about the cases' own fields and text only (:func:`case_only`) asks
        about the changed cases alone: at a million cases a word's search costs 0.5 s, every
        3 s while agents write; anything else (due instants, dates, a contact's name) runs
        whole again."""
        screen = self._main
        text = screen.view.text
        if changed is None:
            self._unchecked.clear()  # a whole new snapshot: only a whole answer will do
        elif text.strip() or self.searching is not None:
            # Kept until an answer has seen them: a re-check cancelled by the next one (one
            # exclusive group) must not lose its cases.
            self._unchecked.update(changed)
        if text.strip() and self.searching is None:
            result = check_query(text)
            if not isinstance(result, QueryError):
                held = screen.view.ids
                if changed is not None and held is not None and case_only(result):
                    self._recheck_query(text, result, held, frozenset(self._unchecked))
                else:
                    self._ask_whole(text, result)
        self.count_tabs(changed)

    @work(thread=True, exclusive=True, group="filter-query", exit_on_error=False)
    def _recheck_query(
        self, text: str, query: Query, held: frozenset[int], changed: frozenset[int]
    ) -> None:
        """The answer for ``text`` with only the ``changed`` cases asked again."""
        screen = self._main
        worker = get_current_worker()
        try:
            found = in_thread(_ids, query, screen.wz.clock.now(), screen.wz.context.actor, changed)
        except UserError as error:
            if not worker.is_cancelled:
                screen.post_message(QueryAnswered(text, None, False, str(error)))
            return
        if not worker.is_cancelled:
            ids = (held - changed) | frozenset(found)
            screen.post_message(QueryAnswered(text, ids, is_plain(query), None, changed))

    @property
    def _tab_state(self) -> tuple[dict[str, KeptCount], set[int]]:
        """The pinned views' kept answers, and the cases changed since (per screen)."""
        kept: dict[str, KeptCount] = self.__dict__.setdefault("_kept_counts", {})
        pending: set[int] = self.__dict__.setdefault("_tab_pending", set())
        return kept, pending

    def count_tabs(self, changed: set[int] | None = None) -> None:
        """Recount the pinned views' tabs: ``changed``, the cases re-read (None: anything may
        have changed). A view about the cases' own fields and text asks about those cases
        only (:mod:`wzdesk.services.view_counts`); they stay pending until a count has seen
        them, as a count cancelled by the next re-read (one exclusive group) never reports."""
        kept, pending = self._tab_state
        if changed is None:
            kept.clear()
            pending.clear()
        else:
            pending.update(changed)
        asked = None if changed is None else frozenset(pending)
        self._tabs_counted_at = time.monotonic()
        self._tabs_crossed = False
        self._count_tabs(asked, dict(kept))

    def tabs_tick(self, crossed: bool) -> None:
        """Each second (the screen's tick; ``crossed``: an SLA threshold was crossed): count
        the tabs again, without a re-read, when the views on the clock may have changed or
        a while has passed (:data:`TABS_CROSSING_SECONDS`, :data:`TABS_RECOUNT_SECONDS`).
        The views about the cases' own fields are then counted from their kept answers."""
        if self._tabs_counted_at is None:
            return  # the first load counts them
        self._tabs_crossed = self._tabs_crossed or (crossed and self._on_the_clock())
        since = time.monotonic() - self._tabs_counted_at
        if since >= TABS_RECOUNT_SECONDS or (self._tabs_crossed and since >= TABS_CROSSING_SECONDS):
            self.count_tabs(set())

    def _on_the_clock(self) -> bool:
        """Whether a pinned view's answer can change while its cases do not (not
        :func:`case_only`: on the clock, or on a contact's fields)."""
        for tab in self._tabs:
            result = check_query(tab.query)
            if not isinstance(result, QueryError) and not case_only(result):
                return True
        return False

    @work(thread=True, exclusive=True, group="view-tabs", exit_on_error=False)
    def _count_tabs(self, changed: frozenset[int] | None, kept: dict[str, KeptCount]) -> None:
        screen = self._main
        worker = get_current_worker()
        try:
            tabs, kept_now = in_thread(
                _counted_tabs, screen.wz.clock.now(), screen.wz.context.actor, changed, kept
            )
        except UserError:
            return
        if not worker.is_cancelled:
            screen.post_message(TabsCounted(tabs, kept_now, changed))

    def on_tabs_counted(self, message: TabsCounted) -> None:
        kept, pending = self._tab_state
        kept.clear()
        kept.update(message.kept)
        if message.covered is not None:
            pending.difference_update(message.covered)
        self._tabs = message.tabs
        if self._tab is not None and self._tab >= len(self._tabs):
            self._tab = None
        self._draw_tabs()

    def _draw_tabs(self) -> None:
        from wzdesk.tui.widgets import FilterBar

        bar = self._main.query_one("#filters", FilterBar)
        bar.show_tabs([(tab.name, tab.count) for tab in self._tabs], self._tab)

    def action_view_tab(self, step: int) -> None:
        """``]`` the next pinned view, ``[`` the previous one (past the ends: the whole queue)."""
        if not self._tabs:
            self._main.notify("No pinned views: wzdesk view add NAME --query Q --pin", timeout=3)
            return
        positions: list[int | None] = [None, *range(len(self._tabs))]
        index = (positions.index(self._tab) + step) % len(positions)
        self._tab = positions[index]
        box = self._main.query_one("#filter-text", Input)
        box.value = "" if self._tab is None else self._tabs[self._tab].query
        self._draw_tabs()
