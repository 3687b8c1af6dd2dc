"""The main screen: queue (with quick filters), breach panel and case detail, and every case
action by key."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from wzdesk.core.errors import Conflict, UserError
from wzdesk.core.rules import Action, Category, Classification, Role, Status, may
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.services import cases as case_service
from wzdesk.services.case_views import show_case
from wzdesk.services.directory import list_users
from wzdesk.tui.messages import QueueChanged
from wzdesk.tui.screens.prompts import Choice, ChoicePrompt, TextPrompt
from wzdesk.tui.screens.services_actions import SERVICES_ACTIONS, SERVICES_BINDINGS, ServicesActions
from wzdesk.tui.widgets import CaseDetail, FilterBar, QueueTable, QuickFilter, SlaPanel
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

#: Below this width the detail pane replaces the queue instead of sitting beside it.
NARROW_WIDTH = 130
DETAIL_DEBOUNCE = 0.12
ESCALATION_TARGETS = ["Tier 2", "Development", "Professional services", "Hosting / operations"]
CLASSIFICATIONS = [
    Choice(Classification.USER_ERROR.value, "User error", "Guidance or a workaround given"),
    Choice(Classification.BUG.value, "Bug or malfunction", "It did not work as intended"),
    Choice(Classification.WORKS_AS_DESIGNED.value, "Works as designed", "No defect"),
]


@dataclass
class DetailLoaded(Message):
    case: dict[str, Any] | None
    error: str | None = None


@dataclass
class ActionFinished(Message):
    ref: str
    message: str
    error: str | None = None
    conflict: bool = False


class MainScreen(ServicesActions, Screen[None]):
    """Queue on the left; breach panel and case detail on the right."""

    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("escape", "back", "Back", show=False),
        Binding("r", "reply", "Reply"),
        Binding("n", "note", "Note"),
        Binding("t", "take", "Take"),
        Binding("a", "assign", "Assign"),
        Binding("s", "status", "Status"),
        Binding("v", "severity", "Severity"),
        Binding("e", "escalate", "Escalate"),
        Binding("R", "resolve", "Resolve"),
        Binding("o", "reopen", "Reopen", show=False),
        Binding("c", "close_case", "Close", show=False),
        Binding("l", "log_call", "Call", show=False),
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
        self.quick = QuickFilter.ALL
        self.filter_text = ""
        self.case: dict[str, Any] | None = None
        self._pending_ref: str | None = None
        self._debounce: Timer | None = None
        self._last_tick = 0.0

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Horizontal(id="body"):
            with Vertical(id="queue-pane"):
                yield FilterBar(id="filters")
                yield QueueTable(id="queue")
                yield Static("Loading the queue…", id="queue-status")
            with Vertical(id="side-pane"):
                yield SlaPanel(id="sla")
                yield CaseDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sla", SlaPanel).border_title = "SLA"
        self.query_one("#detail", CaseDetail).border_title = "Case"
        self.query_one("#queue", QueueTable).border_title = "Queue"
        self.set_interval(1.0, self.tick)
        self.tick()
        if self.wz.role is Role.SUPERVISOR:
            self.add_class("-supervisor")
        if self.wz.role is Role.PHONE:
            self.call_after_refresh(self.wz.action_phone_intake)
        self.query_one("#queue", QueueTable).focus()
        self._apply_width(self.size.width)

    # -- layout ------------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH, "-narrow")

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
                self._show_rows()
            self.query_one("#queue", QueueTable).tick(epoch)
            self.query_one("#sla", SlaPanel).tick(book.at(now).calendar, now)
        self._last_tick = epoch

    def _announce(self, crossed: list[tuple[Any, str]]) -> None:
        for row, label in crossed[:5]:
            severity = "error" if "breached" in label else "warning"
            self.notify(
                f"{row.ref} {label} · {row.client_code} · {row.summary}",
                severity=severity,
                timeout=8,
            )
        if len(crossed) > 5:
            self.notify(f"…and {len(crossed) - 5} more cases crossed an SLA threshold", timeout=8)
        if self.wz.bell_on_breach:
            self.app.bell()

    def on_queue_changed(self, message: QueueChanged) -> None:
        """The app's worker re-read the database: redraw from the new snapshot."""
        self._show_rows(follow=False)
        if self.case is not None and self.case["id"] in message.changed and not message.initial:
            self.load_detail(self.case["ref"])  # someone changed the case being read
        if message.initial and self._pending_ref:
            self.open_case(self._pending_ref)

    def _show_rows(self, follow: bool = True) -> None:
        snapshot = self.wz.snapshot
        if snapshot is None:
            return
        now = self.wz.clock.now().timestamp()
        from wzdesk.tui.widgets.filter_bar import apply_filters

        rows = apply_filters(
            snapshot.ordered, self.quick, self.filter_text, now, self.wz.context.actor
        )
        table = self.query_one("#queue", QueueTable)
        table.set_rows(rows, now, follow)
        status = self.query_one("#queue-status", Static)
        if snapshot.partial:
            status.update(f"{len(rows):,} most urgent shown · loading the rest of the queue…")
            return
        counts = snapshot.counts(now, self.wz.context.actor)
        self.query_one("#filters", FilterBar).show(counts, self.quick)
        moment = self.wz.clock.now()
        calendar = snapshot.book.at(moment).calendar
        self.query_one("#sla", SlaPanel).set_rows(snapshot.ordered, calendar, moment)
        shown = f"{len(rows):,} of {counts.total:,} open cases"
        if self.quick is not QuickFilter.ALL or self.filter_text:
            shown += f" · filter: {self.quick.label}" + (
                f" + '{self.filter_text}'" if self.filter_text else ""
            )
        status.update(shown + f" · {self.wz.database_label}")
        table.border_title = f"Queue · {len(rows):,}"

    # -- filters ------------------------------------------------------------------------------

    def action_quick(self, name: str) -> None:
        self.quick = QuickFilter[name]
        self._show_rows()

    def set_quick_filter_by_name(self, name: str) -> None:
        self.action_quick(name)

    def filter_by_text(self, text: str) -> None:
        """Show the cases matching ``text`` (e.g. a client code from the palette)."""
        self.quick = QuickFilter.ALL
        self.query_one("#filter-text", Input).value = text
        self.filter_text = text
        self._show_rows()

    def action_focus_filter(self) -> None:
        self.query_one("#filter-text", Input).focus()

    @on(FilterBar.TextChanged)
    def filter_changed(self, message: FilterBar.TextChanged) -> None:
        self.filter_text = message.text
        self._show_rows()

    @on(Input.Submitted, "#filter-text")
    def filter_submitted(self) -> None:
        self.query_one("#queue", QueueTable).focus()

    def action_back(self) -> None:
        if self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            self.query_one("#queue", QueueTable).focus()
        elif self.focused is self.query_one("#filter-text", Input):
            self.query_one("#filter-text", Input).value = ""
            self.query_one("#queue", QueueTable).focus()
        elif self.quick is not QuickFilter.ALL:
            self.action_quick(QuickFilter.ALL.name)

    # -- the detail pane ------------------------------------------------------------------------

    @on(QueueTable.Highlighted)
    def row_highlighted(self, message: QueueTable.Highlighted) -> None:
        if message.row is None:
            return
        self._pending_ref = message.row.ref
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DETAIL_DEBOUNCE, lambda: self.load_detail(message.row.ref))

    @on(QueueTable.Selected)
    def row_selected(self, message: QueueTable.Selected) -> None:
        self.load_detail(message.row.ref)
        if self.has_class("-narrow"):
            self.add_class("-detail-open")
        self.query_one("#detail", CaseDetail).focus()

    def open_case(self, ref: str) -> None:
        """Show a case (also one not in the current queue view, e.g. a resolved one)."""
        self._pending_ref = ref
        snapshot = self.wz.snapshot
        if snapshot is not None:
            row = next((r for r in snapshot.ordered if r.ref == ref), None)
            if row is not None:
                table = self.query_one("#queue", QueueTable)
                if not table.select_case(row.case_id):
                    self.action_quick(QuickFilter.ALL.name)
                    self.query_one("#filter-text", Input).value = ""
                    table.select_case(row.case_id)
        self.load_detail(ref)
        if self.has_class("-narrow"):
            self.add_class("-detail-open")

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load_detail(self, ref: str) -> None:
        worker = get_current_worker()
        try:
            case = in_thread(show_case, ref, self.wz.clock.now())
        except UserError as error:
            if not worker.is_cancelled:
                self.post_message(DetailLoaded(None, str(error)))
            return
        if not worker.is_cancelled:
            self.post_message(DetailLoaded(case))

    def on_detail_loaded(self, message: DetailLoaded) -> None:
        if message.error:
            self.notify(message.error, severity="error")
            return
        self.case = message.case
        self.query_one("#detail", CaseDetail).show(message.case)
        self.refresh_bindings()

    # -- case actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only what the role may do and what the case's status allows."""
        if action in SERVICES_ACTIONS:
            return self.check_services_action(action)
        needs = {
            "reply": Action.REPLY,
            "note": Action.ADD_NOTE,
            "take": Action.ASSIGN,
            "assign": Action.ASSIGN,
            "status": Action.CHANGE_STATUS,
            "severity": Action.CHANGE_SEVERITY,
            "escalate": Action.ESCALATE,
            "resolve": Action.RESOLVE,
            "reopen": Action.REOPEN,
            "close_case": Action.CLOSE,
            "log_call": Action.LOG_CALL,
        }
        if action not in needs:
            return True
        if not may(self.wz.role, needs[action]):
            return False
        if self.case is None:
            return None  # shown greyed out until a case is selected
        status = Status(self.case["status"])
        if action in ("reopen", "close_case"):
            return status is Status.RESOLVED
        if action in ("take", "assign", "status", "escalate", "resolve"):
            return status.is_open
        return status is not Status.CLOSED

    def _run(self, label: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self.case is None:
            return
        ref, version = self.case["ref"], self.case["version"]
        self._act(label, ref, version, function, args, kwargs)

    @work(thread=True, group="actions", exit_on_error=False)
    def _act(
        self,
        label: str,
        ref: str,
        version: int,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        try:
            in_thread(function, self.wz.context, ref, *args, expected_version=version, **kwargs)
        except Conflict as error:
            self.post_message(ActionFinished(ref, label, str(error), conflict=True))
            return
        except UserError as error:
            self.post_message(ActionFinished(ref, label, str(error)))
            return
        self.post_message(ActionFinished(ref, label))

    def on_action_finished(self, message: ActionFinished) -> None:
        if message.conflict:
            self.notify(
                f"{message.ref} was changed by someone else; nothing of yours was saved. "
                "The fresh state is shown — check it and try again.",
                title="Conflict",
                severity="error",
                timeout=10,
            )
        elif message.error:
            self.notify(
                message.error, title=f"Could not {message.message.lower()}", severity="error"
            )
        else:
            self.notify(f"{message.ref}: {message.message}", timeout=3)
        self.load_detail(message.ref)
        self.wz.load_queue()

    # Each action asks what it needs with modal prompts, awaited in order inside a worker
    # (``push_screen_wait``), then hands the use case to ``_run``.

    @work(group="prompts", exclusive=True)
    async def action_reply(self) -> None:
        text = await self.app.push_screen_wait(
            TextPrompt(f"Reply to the client on {self._ref}", "The client sees this.", "Send")
        )
        if text:
            self._run("Reply sent", case_service.reply, text)

    @work(group="prompts", exclusive=True)
    async def action_note(self) -> None:
        text = await self.app.push_screen_wait(
            TextPrompt(f"Internal note on {self._ref}", "Only the support team sees this.", "Save")
        )
        if text:
            self._run("Note added", case_service.reply, text, internal=True)

    @work(group="prompts", exclusive=True)
    async def action_log_call(self) -> None:
        from wzdesk.tui.screens.prompts import CallPrompt

        call = await self.app.push_screen_wait(CallPrompt(f"Log a call on {self._ref}"))
        if call is not None:
            seconds, notes = call
            self._run("Call logged", case_service.log_call_on_case, notes, seconds)

    def action_take(self) -> None:
        self._run("Assigned to you", case_service.assign, self.wz.context.actor)

    @work(group="prompts", exclusive=True)
    async def action_assign(self) -> None:
        users = await asyncio.to_thread(in_thread, list_users)
        choices = [Choice("", "Unassigned", "Nobody owns the case")] + [
            Choice(u.login, f"{u.name} ({u.login})", u.role)
            for u in users
            if u.active and u.role != Role.PHONE.value
        ]
        login = await self.app.push_screen_wait(
            ChoicePrompt(f"Assign {self._ref} to", choices, current=self._field("assignee"))
        )
        if login is not None:
            self._run("Assignee changed", case_service.assign, login or None)

    @work(group="prompts", exclusive=True)
    async def action_status(self) -> None:
        choices = [
            Choice(Status.OPEN.value, "Open", "Being worked; the resolution clock runs"),
            Choice(
                Status.WAITING_CLIENT.value,
                "Waiting on client",
                "The resolution clock pauses until the client answers",
            ),
        ]
        status = await self.app.push_screen_wait(
            ChoicePrompt(f"Status of {self._ref}", choices, current=self._field("status"))
        )
        if status:
            self._run("Status changed", case_service.set_status, status)

    @work(group="prompts", exclusive=True)
    async def action_severity(self) -> None:
        choices = [
            Choice(s.value, s.value.capitalize(), SEVERITY_DESCRIPTIONS[s]) for s in Severity
        ]
        severity = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Severity of {self._ref} (targets are recomputed from when it was received)",
                choices,
                current=self._field("severity"),
            )
        )
        if severity:
            label = "Severity changed; targets recomputed"
            self._run(label, case_service.change_severity, severity)

    @work(group="prompts", exclusive=True)
    async def action_escalate(self) -> None:
        choices = [Choice(target, target, "") for target in ESCALATION_TARGETS]
        target = await self.app.push_screen_wait(ChoicePrompt(f"Escalate {self._ref} to", choices))
        if not target:
            return
        reason = await self.app.push_screen_wait(
            TextPrompt(
                f"Why escalate {self._ref} to {target}?", "The reason is recorded.", "Escalate"
            )
        )
        if reason:
            self._run(f"Escalated to {target}", case_service.escalate, target, reason)

    @work(group="prompts", exclusive=True)
    async def action_resolve(self) -> None:
        classification: str | None = None
        if self.case is not None and self.case["category"] == Category.UNEXPECTED:
            classification = await self.app.push_screen_wait(
                ChoicePrompt(f"What was {self._ref}?", CLASSIFICATIONS)
            )
            if not classification:
                return
        note = await self.app.push_screen_wait(
            TextPrompt(
                f"Resolve {self._ref}", "The resolution note is sent to the client.", "Resolve"
            )
        )
        if note:
            self._run("Resolved", case_service.resolve, note, classification)

    @work(group="prompts", exclusive=True)
    async def action_reopen(self) -> None:
        reason = await self.app.push_screen_wait(
            TextPrompt(f"Reopen {self._ref}", "Why? (optional)", "Reopen", required=False)
        )
        if reason is not None:
            self._run("Reopened", case_service.reopen, reason)

    def action_close_case(self) -> None:
        self._run("Closed", case_service.close)

    @property
    def _ref(self) -> str:
        return self.case["ref"] if self.case else ""

    def _field(self, name: str) -> str | None:
        return None if self.case is None else self.case.get(name)
