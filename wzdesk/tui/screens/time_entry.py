"""Logging time on an approved quote: role, hours, day, note; it shows, as the hours are
typed, where the role will stand against what was quoted (a warning from 80%, a refusal past
100% unless a supervisor ticks "allow the overrun")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, Static

from wzdesk.core.billing import RoleUsage, ServiceRole, parse_quantity
from wzdesk.core.errors import UserError
from wzdesk.core.money import format_hundredths
from wzdesk.core.timefmt import parse_date
from wzdesk.services.billing.time_log import log_time
from wzdesk.tui.screens.prompts import PromptTitle
from wzdesk.tui.workers import desk, in_thread


def _hundredths(text: str) -> int:
    return int(Decimal(text) * 100)


class TimeEntryPrompt(ModalScreen[str | None]):
    """Log work on an approved quote. Ctrl+S logs it, Esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Log"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, quote: dict[str, Any], today: date, may_allow_overrun: bool) -> None:
        super().__init__(classes="prompt")
        self.quote = quote
        self.today = today
        self.may_allow_overrun = may_allow_overrun
        self.usage = {
            ServiceRole(row["role"]): (
                _hundredths(row["quoted_hours"]),
                _hundredths(row["used_hours"]),
            )
            for row in quote["usage"]
            if row["quoted_hours"] != "0.00"
        }

    def compose(self) -> ComposeResult:
        quote = self.quote
        with Vertical(classes="prompt-box"):
            yield PromptTitle(f"Log time on {quote['label']} ({quote['case']})")
            yield Static("Ctrl+S log · Esc cancel", classes="prompt-hint")
            with Horizontal(classes="form-row"):
                yield Label("Role", classes="form-label")
                yield Select(
                    [(role.value, role.value) for role in self.usage],
                    value=next(iter(self.usage)).value,
                    allow_blank=False,
                    id="time-role",
                    compact=True,
                )
            with Horizontal(classes="form-row"):
                yield Label("Hours", classes="form-label")
                yield Input(placeholder="e.g. 1.5", id="time-hours", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Day worked", classes="form-label")
                yield Input(self.today.isoformat(), id="time-date", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("Note", classes="form-label")
                yield Input(placeholder="what was done (optional)", id="time-note", compact=True)
            if self.may_allow_overrun:
                yield Checkbox(
                    "Allow an overrun past the quoted hours (supervisor)",
                    id="time-overrun",
                    compact=True,
                )
            yield Static("", id="time-usage")
            yield Static("", id="time-error", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#time-hours", Input), scroll_visible=False)
        self.show_usage()

    @on(Input.Changed)
    @on(Select.Changed)
    def changed(self) -> None:
        self.show_usage()

    def _role(self) -> ServiceRole:
        return ServiceRole(str(self.query_one("#time-role", Select).value))

    def show_usage(self) -> None:
        """Used vs quoted for the role, before and with the hours typed so far."""
        role = self._role()
        quoted, used = self.usage[role]
        text = Text(
            f"{role.value}: {format_hundredths(used)} of {format_hundredths(quoted)} h used"
        )
        raw = self.query_one("#time-hours", Input).value.strip()
        try:
            hours = parse_quantity(raw, "Hours") if raw else 0
        except UserError:
            hours = 0
        if hours:
            after = RoleUsage(role, quoted, used + hours)
            style = "bold red" if after.overrun else "bold yellow" if after.at_warning else ""
            text.append(f"; with this entry {format_hundredths(after.used)} h ({after.percent}%)")
            if after.overrun:
                text.append(" — past the quote", style)
                if not self.may_allow_overrun:
                    text.append(": a supervisor must allow it", style)
            elif after.at_warning:
                text.append(" — 80% or more of the quote", style)
        self.query_one("#time-usage", Static).update(text)

    def action_save(self) -> None:
        error = self.query_one("#time-error", Static)
        try:
            hours = parse_quantity(self.query_one("#time-hours", Input).value, "Hours")
            day = parse_date(self.query_one("#time-date", Input).value, "Day worked")
        except UserError as problem:
            error.update(str(problem))
            return
        allow = self.may_allow_overrun and self.query_one("#time-overrun", Checkbox).value
        note = self.query_one("#time-note", Input).value
        error.update("Logging…")
        self.save(self._role().value, hours, day, note, allow)

    @work(thread=True, exclusive=True, group="time-save", exit_on_error=False)
    def save(self, role: str, hours: int, day: date, note: str, allow: bool) -> None:
        context = desk(self).context
        try:
            logged = in_thread(
                log_time, context, self.quote["id"], role, hours, day, note, allow_overrun=allow
            )
        except UserError as problem:
            self.app.call_from_thread(self._refused, str(problem))
            return
        message = f"Logged {format_hundredths(hours)} h {role} on {self.quote['label']}"
        if logged.warning:
            message += f". Warning: {logged.warning}"
        self.app.call_from_thread(self.dismiss, message)

    def _refused(self, problem: str) -> None:
        self.query_one("#time-error", Static).update(f"Not logged: {problem}")

    def action_cancel(self) -> None:
        self.dismiss(None)
