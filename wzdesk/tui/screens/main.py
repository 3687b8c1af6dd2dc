"""The main screen: the queue (quick filters, filter box, sort, marks), the breach panel and the
case detail; every case action by key (see :mod:`wzdesk.tui.screens.case_actions`).

Which case is selected is never in doubt: when the case is shown full screen (narrow terminals,
or a case that is not in the queue: just opened, resolved, found in history) it is that case;
otherwise it is the queue's highlighted row, and the detail pane follows the highlight. Every
action acts on that case.

Layouts by width: below 100 columns the queue alone (Enter shows the case full screen); from 100
the queue beside the case with the breach panel above it; from 180 three columns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.services.billing.overview import quote_states
from wzdesk.services.case_views import show_case
from wzdesk.services.queue import QueueRow
from wzdesk.services.reading import mark_seen
from wzdesk.tui.alert_log import record_console_alert
from wzdesk.tui.backup_age import BackupAge
from wzdesk.tui.client_flags import ClientFlags
from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.queue_view import SORT_COLUMNS, SORTS, QueueView, QuickFilter, ShownRows
from wzdesk.tui.screens.case_actions import (
    CASE_ACTION_BINDINGS,
    CASE_ACTIONS,
    KEY_TO_ACTION,
    ActionFinished,
    BulkFinished,
    CaseActions,
    Target,
    bulk_notice,
    finished_notice,
)
from wzdesk.tui.screens.prompts import Choice, ChoicePrompt
from wzdesk.tui.screens.queue_query import QUERY_BINDINGS, QueueQuery
from wzdesk.tui.screens.services_actions import (
    SERVICES_ACTIONS,
    SERVICES_BINDINGS,
    SERVICES_KEYS,
    SERVICES_REFUSALS,
    ServicesActions,
)
from wzdesk.tui.textual_fixes import forget_closed_watchers
from wzdesk.tui.widgets import BusinessClock, CaseDetail, FilterBar, QueueTable, SlaPanel
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

#: Below this width the case replaces the queue instead of sitting beside it.
NARROW_WIDTH = 100
#: From this width the breach panel gets a column of its own.
WIDE_WIDTH = 180
DETAIL_DEBOUNCE = 0.12
#: Seconds (of the console's clock) between two toasts about SLA crossings; crossings in
#: between wait and are said together. On a desk of 50,000 open cases one case crosses every
#: two seconds or so: a toast each time kept three stacked over the screen's foot all day.
TOAST_GAP = 15.0
#: Crossings a toast names one by one; the rest are counted ("…and 12 more").
TOASTS_NAMED = 5


@dataclass
class DetailLoaded(Message):
    """A case object read for the detail pane (or why it could not be)."""

    ref: str
    case: dict[str, Any] | None
    error: str | None = None


@dataclass
class CaseRead(Message):
    """The user's reading of a case was recorded (the queue's marker for it can go)."""

    case_id: int


class MainScreen(QueueQuery, ServicesActions, CaseActions, Screen[None]):
    """Queue, breach panel and case detail."""

    #: Focused when the screen comes up, before its first frame (by default Textual focused the
    #: first focusable widget, the filter box: the first frame offered no case keys, and a key
    #: typed as the console opened went into the filter).
    AUTO_FOCUS = "#queue"

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "back", "Back", show=False),
        *CASE_ACTION_BINDINGS,
        Binding("b", "bulk", "Bulk", show=False),
        Binding("f", "filter_menu", "Filter by", show=False),
        Binding("greater_than_sign", "next_sort", "Sort", show=False),
        Binding("less_than_sign", "reverse_sort", "Reverse sort", show=False),
        Binding("x", "toggle_columns", "Columns", show=False),
        Binding("h", "history", "History", show=False),
        *QUERY_BINDINGS,
        Binding("C", "client_view", "Client", show=False),
        Binding("K", "contact_view", "Contact", show=False),
        *SERVICES_BINDINGS,
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("q", "app.quit", "Quit", show=False),
        *[
            Binding(quick.key, f"quick('{quick.name}')", quick.label, show=False)
            for quick in QuickFilter
        ],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view = QueueView()
        self._shown = ShownRows()  # the view's rows, patched (not recomputed) at a crossing
        self.case: dict[str, Any] | None = None  # the case object in the detail pane
        self.full_ref: str | None = None  # the case shown full screen, if any
        self._pending_ref: str | None = None  # opened before it reached the queue
        self._debounce: Timer | None = None
        self._last_tick = 0.0
        self._behind = False  # crossings while covered: the rows follow when back on top
        self._unsaid: list[tuple[QueueRow, str]] = []  # crossings logged, not yet toasted
        self._said_at = -math.inf  # when crossings were last toasted (console clock)
        #: (the case that left, the case id the cursor fell on) after a re-read took the
        #: highlighted case away: the next case action there is held once (see _target)
        self._fell_on: tuple[str, int] | None = None
        self._acted_on: int | None = None  # the case of the user's last action

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            with Vertical(id="queue-pane"):
                yield FilterBar(id="filters")
                yield QueueTable(id="queue")
                yield Static(
                    "Loading the queue…", id="queue-status", markup=False
                )  # quotes the filter
                if BackupAge.wanted(self.wz.role):
                    yield BackupAge(id="backup-age")
                if ClientFlags.wanted(self.wz.role):
                    yield ClientFlags(id="client-flags")
            with Vertical(id="side-pane"):
                yield SlaPanel(id="sla")
                yield CaseDetail(id="detail")
            with Vertical(id="sla-pane"):
                yield SlaPanel(id="sla-wide", per_group=None)
        # Narrow, or with a case full screen, there is no breach panel and so no business
        # clock: outside business hours the countdowns stood still with nothing saying why.
        yield BusinessClock(id="clock-line")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.query_one("#detail", CaseDetail).border_title = "Case"
        queue = self.query_one("#queue", QueueTable)
        queue.border_title = "Queue"
        queue.is_unread = self._is_unread
        self.set_interval(1.0, self.tick)
        self.tick()
        if self.wz.snapshot is not None:  # read before the first frame: draw its rows in it
            self._show_rows(follow=False)
            self._follow(queue.current_row)  # and say the case pane is reading the first
        if self.wz.role.value == "supervisor":
            self.add_class("-supervisor")
        self.set_focus(queue)  # now, not once the frame is drawn (see AUTO_FOCUS)
        self._apply_width(self.size.width)

    def on_screen_resume(self) -> None:
        """Back from a prompt or another screen: let go of what the closed one watched, and
        bring the rows and times up to now (they stood still while covered)."""
        self.set_timer(1.0, lambda: forget_closed_watchers(self.app))  # once it has closed
        self.tick()

    # -- layout ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        narrow, wide = width < NARROW_WIDTH, width >= WIDE_WIDTH
        self.set_class(narrow, "-narrow")
        self._show_clock_line()
        was_wide = self.has_class("-wide")
        self.set_class(wide, "-wide")
        if wide != was_wide:  # the breach panel in its own column (all rows), or above the case
            self._show_rows(follow=False)
        if not narrow and self.full_ref is not None and self._row_of(self.full_ref):
            self._leave_full_screen()

    def _show_clock_line(self) -> None:
        """The business clock above the key bar when no breach panel is shown (a narrow
        terminal, a case full screen), while the desk is closed (styles/main.tcss); kept up
        to date only then."""
        book = self.wz.book
        if book is not None and (self.has_class("-narrow") or self.has_class("-detail-open")):
            now = self.wz.clock.now()
            self.query_one("#clock-line", BusinessClock).show(book, now)

    def _sla_panel(self) -> SlaPanel:
        """The breach panel on screen: its own column when wide, else above the case (only
        the one shown is kept current)."""
        return self.query_one("#sla-wide" if self.has_class("-wide") else "#sla", SlaPanel)

    @property
    def is_full_screen(self) -> bool:
        return self.full_ref is not None

    def _enter_full_screen(self, ref: str) -> None:
        if self._debounce is not None:  # a highlight's pending load must not replace this case
            self._debounce.stop()
            self._debounce = None
        self.full_ref = ref
        self.add_class("-detail-open")
        self._show_clock_line()
        self.set_focus(self.query_one("#detail", CaseDetail))
        self.refresh_bindings()

    def _leave_full_screen(self) -> None:
        self.full_ref = None
        self.remove_class("-detail-open")
        queue = self.query_one("#queue", QueueTable)
        self.set_focus(queue)
        self._follow(queue.current_row)
        self.refresh_bindings()

    # -- what is selected ---------------------------------------------------------------------

    def selected_target(self) -> Target | None:
        """The case every action acts on: the full-screen case, else the highlighted row."""
        case = self.case
        if self.full_ref is not None:
            if case is not None and case["ref"] == self.full_ref:
                return Target.from_case(case)
            return None  # still loading: nothing to act on yet
        row = self.query_one("#queue", QueueTable).current_row
        if row is None:
            return None
        if case is not None and case["id"] == row.case_id and case["version"] >= row.version:
            return Target.from_case(case)
        return Target.from_row(row)

    def _row_of(self, ref: str) -> QueueRow | None:
        snapshot = self.wz.snapshot
        if snapshot is None:
            return None
        return next((r for r in snapshot.ordered if r.ref == ref), None)

    def _is_unread(self, row: QueueRow) -> bool:
        snapshot = self.wz.snapshot
        return snapshot is not None and snapshot.unread(row)

    # -- keys ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what the role may do and what applies to the selected case."""
        if action in CASE_ACTIONS:
            return self.case_action_state(action)
        if action in SERVICES_ACTIONS:
            return self.check_services_action(action)
        if action == "bulk":
            return bool(self.query_one("#queue", QueueTable).marks_shown()[0]) or None
        return True

    def explain_refused_key(self, event: events.Key) -> bool:
        """A case action key that did nothing says why (refused by role or by status); asked
        by the app in key order (:class:`~wzdesk.tui.typeahead.ExplainsRefusals`)."""
        name = KEY_TO_ACTION.get(event.character or "")
        if name is not None and not self.case_action_state(name):
            self.notify(self.refusal(name), severity="warning", timeout=5)
            return True
        services = SERVICES_KEYS.get(event.character or "")
        target = self.selected_target()
        if (
            services in SERVICES_REFUSALS
            and target is not None
            and self.check_services_action(services) is None
        ):
            if self.quote_states_of(target.case_id) is None:
                # Not offered only because the case pane has not read its quotes yet: the
                # action reads them itself, and refuses with its reason if none applies.
                getattr(self, f"action_{services}")()
            else:
                self.notify(SERVICES_REFUSALS[services].format(ref=target.ref), timeout=5)
            return True
        return False

    # -- live data ---------------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: countdowns of visible rows, notifications for threshold crossings."""
        now = self.wz.clock.now()
        epoch = now.timestamp()
        snapshot = self.wz.snapshot
        book = self.wz.book
        if snapshot is not None and book is not None:
            crossed = snapshot.crossed(self._last_tick or epoch, epoch)
            if crossed:
                self._announce(crossed)
            self._toast(epoch)
            if self._covered():
                self._behind = self._behind or bool(crossed)
            else:
                if crossed or self._behind:
                    self._behind = False
                    self._show_rows(follow=False)
                self.query_one("#queue", QueueTable).tick(epoch)
                self.tabs_tick(bool(crossed))
                self._sla_panel().tick(book, now)
                self._show_clock_line()
                if self.case is not None:
                    row = snapshot.rows.get(int(self.case["id"]))
                    self.query_one("#detail", CaseDetail).tick(row, epoch)
        self._last_tick = epoch

    def _covered(self) -> bool:
        """Under an opaque screen (the wallboard, insights): nothing drawn here is seen, and
        Textual answers each line drawn on the screen below by redrawing the whole top screen
        (a countdown turning under the wallboard cost a full wallboard frame). Crossings are
        still announced; the rows follow when this screen is back on top."""
        top = self.app.screen
        return top is not self and top.styles.background.a == 1

    def _announce(self, crossed: list[tuple[QueueRow, str]]) -> None:
        """Log every crossing for the alerts screen (F7) now; toast them as ``_toast`` lets."""
        for row, label in crossed:
            record_console_alert(
                self.app,
                self.wz.clock.now(),
                row.ref,
                f"{row.ref} {label} · {row.client_code} · {row.summary}",
                "error" if "breached" in label else "warning",
            )
        self._unsaid.extend(crossed)

    def _toast(self, epoch: float) -> None:
        """Say the crossings not yet said, unless a toast about crossings came less than
        :data:`TOAST_GAP` seconds ago (the first crossing after a quiet spell is said at once).
        A case closed in the meantime is not toasted (it is in the alerts log)."""
        if not self._unsaid or 0 <= epoch - self._said_at < TOAST_GAP:
            return
        snapshot = self.wz.snapshot
        unsaid, self._unsaid = self._unsaid, []
        said = [(r, label) for r, label in unsaid if snapshot is None or r.case_id in snapshot.rows]
        if not said:
            return
        self._said_at = epoch
        for row, label in said[:TOASTS_NAMED]:
            severity: SeverityLevel = "error" if "breached" in label else "warning"
            self.notify(
                f"{row.ref} {label} · {row.client_code} · {row.summary}",
                severity=severity,
                timeout=8,
            )
        if len(said) > TOASTS_NAMED:
            more = len(said) - TOASTS_NAMED
            self.notify(
                f"…and {more:,} more cases crossed an SLA threshold (F7: alerts)", timeout=8
            )
        if self.wz.bell_on_breach:
            self.app.bell()

    def on_queue_changed(self, message: QueueChanged) -> None:
        """The app's worker re-read the database: redraw from the new snapshot."""
        outside = message.outside or frozenset()
        if message.outside_only:  # resolved or closed cases: not in the queue or its tabs
            if self.case is not None and self.case["id"] in outside:
                self.reload_detail(self.case["ref"])  # a resolved case being read changed
            return
        self._show_rows(follow=False)
        if message.changed or message.initial:
            self.refresh_query(None if message.initial else message.changed)
        if message.initial:
            if self.is_current:
                self.wz.first_rows_set(self.query_one("#queue", QueueTable))
            else:  # under a form or the wallboard: the rows are not drawn until it closes
                self.call_after_refresh(self.wz.first_screen_shown)
            self._follow(self.query_one("#queue", QueueTable).current_row)
        if self._pending_ref is not None and self._row_of(self._pending_ref) is not None:
            ref, self._pending_ref = self._pending_ref, None
            self.open_case(ref)
        elif self.case is not None and self.case["id"] in message.changed | outside:
            self.reload_detail(self.case["ref"])  # someone changed the case being read

    def load_failed(self, error: str) -> None:
        """The database could not be read. With no queue read yet, the table and the status
        line say so until a read succeeds (they said "Loading the queue…" while none was
        loading, and the toast that said why was gone in seconds)."""
        if self.wz.snapshot is not None:
            return  # the rows last read stay, and the toast says the re-read failed
        said = f"Cannot read the database: {error}. Trying again every few seconds…"
        table = self.query_one("#queue", QueueTable)
        table.empty_message = said
        table.refresh()
        self.query_one("#queue-status", Static).update(said, layout=False)

    def _show_rows(self, follow: bool = True) -> None:
        snapshot = self.wz.snapshot
        if snapshot is None:
            return
        now = self.wz.clock.now().timestamp()
        me = self.wz.context.actor
        rows = self._shown.rows(self.view, snapshot, now, me)
        table = self.query_one("#queue", QueueTable)
        table.sort_title = (
            (SORT_COLUMNS[self.view.sort], self.view.reverse)
            if self.view.sort in SORT_COLUMNS
            else None
        )
        table.empty_message = self._empty_message(snapshot.partial, bool(snapshot.ordered))
        table.ref_floor = snapshot.widest_ref
        table.set_rows(rows, now, follow)
        status = self.query_one("#queue-status", Static)
        self._show_clock_line()
        if snapshot.partial:
            status.update(
                f"{len(rows):,} most urgent shown · loading the rest of the queue…", layout=False
            )
            return
        counts = snapshot.counts(now, me)
        self.query_one("#filters", FilterBar).show(counts, self.view.quick)
        moment = self.wz.clock.now()
        self._sla_panel().follow(snapshot, snapshot.book, moment)
        shown = f"{len(rows):,} of {counts.total:,} open"
        if self.view.filtered:
            shown += f" · {self.view.describe()} (Esc clears)"
        if self.view.sort != "due" or self.view.reverse:
            shown += f" · by {SORTS[self.view.sort][0]}" + (
                " reversed" if self.view.reverse else ""
            )
        if self.searching is not None:
            shown += f" · looking for '{self.searching.strip()}'…"
        table.marked &= snapshot.rows.keys()  # a case that left the queue is no longer marked
        listed, hidden = table.marks_shown()
        if listed:
            shown += f" · {listed} marked (b: bulk)"
        if hidden:  # kept for when the filter lets them back; no bulk action reaches them
            shown += f" · {hidden} marked out of view"  # short: the line is one line
        status.update(shown + f" · {self.wz.database_label}", layout=False)  # one line, always
        title = f"Queue · {len(rows):,}"
        if table.border_title != title:  # setting it, even to the same text, repaints the table
            table.border_title = title

    def _empty_message(self, loading: bool, any_open: bool) -> str:
        if loading:
            return "Loading the queue…"
        if self.view.filtered and any_open:
            return (
                "No open case matches this filter (resolved and closed cases: h, the history). "
                "Esc clears it."
            )
        if self.wz.desk_is_empty:
            return (
                "No cases yet. F2 logs a phone call, F3 opens a case. Add clients with "
                "`wzdesk client add`, or try `wzdesk --demo`."
            )
        return "No open cases: the queue is clear. F2 logs a call, F3 opens a case."

    # -- filters, sort, columns ------------------------------------------------------------------

    def action_quick(self, name: str) -> None:
        self.view = replace(self.view, quick=QuickFilter[name])
        self._show_rows()

    def set_quick_filter_by_name(self, name: str) -> None:
        self.action_quick(name)

    def filter_by_text(self, text: str) -> None:
        """Show the cases matching ``text`` (e.g. a client code from the palette)."""
        self.view = replace(self.view, quick=QuickFilter.ALL, text=text, ids=None, plain=True)
        self.query_one("#filter-text", Input).value = text
        self._show_rows()

    def filter_by_client(self, code: str | None) -> None:
        self.view = replace(self.view, client=code)
        self._show_rows()

    def action_focus_filter(self) -> None:
        """/: the filter box, in sight. From a case shown full screen the queue comes back
        first: the box was focused behind the case, and what was typed filtered a queue
        nobody could see."""
        if self.is_full_screen:
            self._leave_full_screen()
        self.set_focus(self.query_one("#filter-text", Input))

    @on(FilterBar.TextChanged)
    def filter_changed(self, message: FilterBar.TextChanged) -> None:
        self.run_filter_query(message.text)  # the query runs in SQL (queue_query.py)

    @on(Input.Submitted, "#filter-text")
    def filter_submitted(self) -> None:
        self.set_focus(self.query_one("#queue", QueueTable))

    def action_next_sort(self) -> None:
        self.view = self.view.next_sort()
        self.notify(f"Sorted by {SORTS[self.view.sort][0]}", timeout=2)
        self._show_rows()

    def action_reverse_sort(self) -> None:
        self.view = replace(self.view, reverse=not self.view.reverse)
        self._show_rows()

    def action_history(self) -> None:
        from wzdesk.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen())

    @work(group="people", exclusive=True)
    async def action_client_view(self) -> None:
        """C: the selected case's client (admins, contacts, cases, flags)."""
        await self._open_people("client")

    @work(group="people", exclusive=True)
    async def action_contact_view(self) -> None:
        """K: the selected case's contact (their cases, calls, messages)."""
        await self._open_people("contact")

    async def _open_people(self, which: str) -> None:
        import asyncio

        from wzdesk.services.people_views import people_of_case
        from wzdesk.tui.screens.people import client_screen, contact_screen

        target = self.selected_target()
        if target is None:
            self.notify("Select a case first", severity="warning", timeout=2)
            return
        try:
            code, contact_id = await asyncio.to_thread(in_thread, people_of_case, target.ref)
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        if which == "client":
            self.app.push_screen(client_screen(code, target.ref))
        else:
            self.app.push_screen(contact_screen(contact_id, f"Contact on {target.ref}"))

    def action_toggle_columns(self) -> None:
        table = self.query_one("#queue", QueueTable)
        table.extra_columns = not table.extra_columns
        table.refresh()
        if table.extra_columns:
            self.notify("Columns: age, last update, client's last message", timeout=2)

    @work(group="prompts", exclusive=True)
    async def action_filter_menu(self) -> None:
        """Filter by any assignee or by client (or clear those)."""
        choice = await self.app.push_screen_wait(
            ChoicePrompt(
                "Filter the queue by",
                [
                    Choice("assignee", "Assignee…", "Anyone's cases, or the unassigned ones"),
                    Choice("client", "Client…", "One client's open cases"),
                    Choice("clear", "Clear", "Show every assignee and client again"),
                ],
            )
        )
        if choice == "clear":
            self.view = replace(self.view, assignee=None, client=None)
        elif choice == "assignee":
            choices = await self._assignee_choices()
            login = await self.app.push_screen_wait(ChoicePrompt("Cases assigned to", choices))
            if login is None:
                return
            self.view = replace(self.view, assignee=login)
        elif choice == "client":
            snapshot = self.wz.snapshot
            clients = sorted(
                {(r.client_code, r.client_name) for r in snapshot.ordered} if snapshot else set()
            )
            code = await self.app.push_screen_wait(
                ChoicePrompt(
                    "Open cases of client", [Choice(c, f"{c} · {name}", "") for c, name in clients]
                )
            )
            if not code:
                return
            self.view = replace(self.view, client=code)
        else:
            return
        self._show_rows()

    def action_back(self) -> None:
        """Esc: leave the full-screen case, else clear the filter box, else every filter."""
        filter_box = self.query_one("#filter-text", Input)
        if self.is_full_screen:
            self._leave_full_screen()
        elif self.focused is filter_box or self.view.text:
            filter_box.value = ""
            self.view = replace(self.view, text="", ids=None, plain=True)
            self.set_focus(self.query_one("#queue", QueueTable))
            self._show_rows()
        elif self.view.filtered:
            self.view = replace(self.view, quick=QuickFilter.ALL, assignee=None, client=None)
            self._show_rows()
        else:
            self.query_one("#queue", QueueTable).clear_marks()

    # -- the detail pane ------------------------------------------------------------------------

    @on(QueueTable.Highlighted)
    def row_highlighted(self, message: QueueTable.Highlighted) -> None:
        if self._fell_on is not None and (
            message.row is None or message.row.case_id != self._fell_on[1]
        ):
            self._fell_on = None  # the user moved on: the highlight is theirs again
        self._follow(message.row)

    @on(QueueTable.Left)
    def row_left(self, message: QueueTable.Left) -> None:
        """The highlighted case left the list under the user (another agent resolved it, took
        it out of "Mine", changed its severity; it crossed out of "At risk"…): said, and the
        case the cursor fell on is not acted on by the next key without a second press. (A
        take meant for WZ-1137 took its unassigned neighbour, with nothing on screen saying
        WZ-1137 had gone.)"""
        if message.left.case_id == self._acted_on:
            return  # the user's own action took it out: they know
        ref = message.left.ref
        if message.now_on is None:
            self.notify(f"{ref} left this list.", timeout=6)
            return
        self._fell_on = (ref, message.now_on.case_id)
        self.notify(
            f"{ref} left this list; the highlight is now on {message.now_on.ref}.",
            severity="warning",
            timeout=8,
        )

    def _target(self) -> Target | None:
        """The selected case, unless the highlight fell on it when another case left the list
        and the user has not moved since: that key is held once, and said why."""
        target = super()._target()
        fell_on, self._fell_on = self._fell_on, None
        if target is not None and fell_on is not None and target.case_id == fell_on[1]:
            self.notify(
                f"{fell_on[0]} left this list, and the highlight moved to {target.ref}: "
                f"nothing done. Press the key again to act on {target.ref}.",
                severity="warning",
                timeout=8,
            )
            return None
        if target is not None:
            self._acted_on = target.case_id
        return target

    def _follow(self, row: QueueRow | None) -> None:
        """The detail pane shows the highlighted case (debounced while the cursor moves)."""
        self.refresh_bindings()
        if self.is_full_screen:
            return
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if row is None:
            self.case = None
            self.query_one("#detail", CaseDetail).show(None, empty=self._no_case_text())
            return
        ref = row.ref
        if self.case is None:  # nothing shown yet (the console opening): not "Select a case"
            self.query_one("#detail", CaseDetail).show(None, empty=f"Loading {ref}…")
        self._debounce = self.set_timer(DETAIL_DEBOUNCE, lambda: self.load_detail(ref))

    def _no_case_text(self) -> str:
        snapshot = self.wz.snapshot
        if snapshot is not None and not snapshot.partial and not snapshot.ordered:
            return "No case to show."
        return "Select a case in the queue."

    @on(QueueTable.Selected)
    def row_selected(self, message: QueueTable.Selected) -> None:
        if self.has_class("-narrow"):
            self._enter_full_screen(message.row.ref)
            self.load_detail(message.row.ref)
        else:
            self.set_focus(self.query_one("#detail", CaseDetail))

    @on(QueueTable.MarksChanged)
    def marks_changed(self) -> None:
        self._show_rows(follow=False)
        self.refresh_bindings()

    def action_bulk(self) -> None:
        table = self.query_one("#queue", QueueTable)
        targets = [Target.from_row(row) for row in table.marked_rows()]
        current = table.current_row
        if current is not None and current.case_id in table.marked:
            self._acted_on = current.case_id  # if the bulk action takes it out: the user's doing
        if targets:
            self.bulk(targets)

    def open_case(self, ref: str) -> None:
        """Show a case by reference (palette, after intake, history).

        In the queue: move the cursor to it (clearing filters that hide it). Not in the queue
        (resolved, closed, or not loaded yet): show it full screen, and move to it in the queue
        when it arrives there.
        """
        table = self.query_one("#queue", QueueTable)
        row = self._row_of(ref.upper())
        if row is not None and not self.has_class("-narrow"):
            if not table.select_case(row.case_id):
                self.view = QueueView(sort=self.view.sort, reverse=self.view.reverse)
                self.query_one("#filter-text", Input).value = ""
                self._show_rows(follow=False)
                table.select_case(row.case_id)
            if self.is_full_screen:
                self._leave_full_screen()
            self.load_detail(row.ref)
            self.set_focus(table)
            return
        if row is None:
            self._pending_ref = ref.upper()
        self._enter_full_screen(ref.upper())
        if self.case is None or self.case["ref"] != ref.upper():
            self.case = None  # the case shown before is not the one opened: say what comes
            self.query_one("#detail", CaseDetail).show(None, empty=f"Loading {ref.upper()}…")
        self.load_detail(ref)

    def reload_detail(self, ref: str) -> None:
        """Read ``ref`` again if it is still the case the user wants. Reading one they have
        left (opened another, moved the cursor) started a load that cancelled the load of the
        one they went to (one exclusive worker), and its own answer was not wanted: the
        detail said "Loading…" for good."""
        if self._still_wanted(ref):
            self.load_detail(ref)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, ref: str) -> None:
        worker = get_current_worker()
        now = self.wz.clock.now()
        try:
            case = in_thread(show_case, ref, now)
            # for the key bar: P and T are offered where a quote can move on / takes time
            case["quote_states"] = in_thread(quote_states, case["id"])
        except UserError as error:
            if not worker.is_cancelled:
                self.post_message(DetailLoaded(ref, None, str(error)))
            return
        if worker.is_cancelled:
            return
        self.post_message(DetailLoaded(ref, case))
        try:
            in_thread(mark_seen, self.wz.context.actor, case["id"], case["version"], now)
        except Exception:  # a read marker is a convenience: never an error for the agent
            return
        snapshot = self.wz.snapshot
        if snapshot is not None:
            snapshot.note_seen(case["id"], case["version"])
            self.post_message(CaseRead(case["id"]))

    def on_case_read(self, message: CaseRead) -> None:
        self.query_one("#queue", QueueTable).repaint_changed()  # its "changed since" marker goes

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            if self._still_wanted(message.ref.upper()):
                self.case = None  # not "Loading…" for good: why it is not shown
                self.query_one("#detail", CaseDetail).show(
                    None, empty=f"Cannot show {message.ref.upper()}: {message.error}"
                )
            return
        case = message.case
        assert case is not None
        if not self._still_wanted(case["ref"]):
            return  # the user moved on while it loaded
        self.case = case
        self.query_one("#detail", CaseDetail).show(
            case, ZoneInfo(case["zone"]), self.wz.clock.now()
        )
        self.refresh_bindings()

    def _still_wanted(self, ref: str) -> bool:
        if self.full_ref is not None:
            return ref == self.full_ref
        row = self.query_one("#queue", QueueTable).current_row
        return row is not None and row.ref == ref

    # -- after an action ------------------------------------------------------------------------

    def on_action_finished(self, message: ActionFinished) -> None:
        self.keep_unsaved(message)
        text, title, severity, timeout = finished_notice(message)
        self.notify(text, title=title or "", severity=severity, timeout=timeout)
        self.reload_detail(message.target.ref)
        self.wz.load_queue()

    def on_bulk_finished(self, message: BulkFinished) -> None:
        text, severity = bulk_notice(message)
        self.notify(text, title="Bulk action", severity=severity, timeout=10)
        table = self.query_one("#queue", QueueTable)
        done = set(message.done)
        table.marked -= {r.case_id for r in table.marked_rows() if r.ref in done}
        table.repaint_changed()
        self.wz.load_queue()
