"""Phone intake (and new portal/email cases): log a call as a case in seconds, by keyboard.

The received time is stamped when the form opens (editable) and a call timer runs. The caller
is found by phone number or name as you type; the form says at once whether the caller is a
client admin and, if not, who the admins are. The "complete and fulsome" checklist updates as
fields are filled. Ctrl+S creates the case; errors show next to the field at fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from wzdesk.core.errors import InvalidInput, UserError
from wzdesk.core.rules import CATEGORY_LABELS, Category, Channel, missing_recommended_fields
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.services.cases import NewCase, open_case
from wzdesk.services.directory import describe_admins, search_contacts
from wzdesk.tui.formatting import call_timer
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

RECEIVED_FORMAT = "%Y-%m-%d %H:%M"
LOOKUP_DEBOUNCE = 0.15
#: Service error fields → the form's error labels.
FIELD_ERRORS = {
    "--contact": "caller",
    "--client": "caller",
    "--summary": "summary",
    "--description": "description",
    "--received": "received",
    "--severity": "severity",
    "--category": "category",
    "--steps": "steps",
    "--affected-users": "affected",
    "--duration": "received",
    "--channel": "channel",
}


@dataclass(frozen=True)
class Caller:
    """A contact found by the lookup."""

    contact_key: str  # email or phone, as the service wants it
    client_code: str
    label: str
    is_admin: bool
    admins: str  # who the client's admins are (for non-admins)


@dataclass
class CallersFound(Message):
    query: str
    callers: list[Caller]


@dataclass
class CaseOpened(Message):
    ref: str


@dataclass
class IntakeFailed(Message):
    field: str | None
    error: str


def _find_callers(text: str) -> list[Caller]:
    callers = []
    for contact in search_contacts(text, limit=8):
        client = contact.client
        rank = f"admin ({contact.admin_rank})" if contact.admin_rank else "admin"
        label = (
            f"{contact.name} · {client.code} {client.name} · "
            f"{' · '.join(filter(None, [contact.phone, contact.email]))} · "
            f"{rank if contact.is_admin else 'NOT an admin'}"
        )
        callers.append(
            Caller(
                contact.email or contact.phone or "",
                client.code,
                label,
                contact.is_admin,
                "" if contact.is_admin else describe_admins(client),
            )
        )
    return callers


class IntakeScreen(Screen[str | None]):
    """The call form (``channel="phone"``) or the new-case form (portal/email)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create case", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, channel: str = "phone") -> None:
        super().__init__()
        self.channel = channel
        self.caller: Caller | None = None
        self.callers: list[Caller] = []
        self.opened_at: datetime | None = None
        self._lookup: Timer | None = None
        self._submitting = False

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    @property
    def is_call(self) -> bool:
        return self.channel == Channel.PHONE.value

    def compose(self) -> ComposeResult:
        title = "Log a phone call" if self.is_call else "New case (portal / email)"
        with VerticalScroll(id="intake"):
            with Horizontal(id="intake-head"):
                yield Label(title, id="intake-title")
                if self.is_call:
                    yield Static("☎ 00:00", id="call-timer")
                yield Label("Received", classes="inline-label")
                yield Input(id="received", classes="received")
            yield Static("", id="error-received", classes="field-error")
            if not self.is_call:
                yield Label("Channel")
                yield OptionList(
                    Option("Portal (in-app case system)", id="portal"),
                    Option("Email", id="email"),
                    id="channel",
                )
            yield Label("Caller: type a phone number or a name, ↓ to pick, Enter takes the first")
            yield Input(placeholder="e.g. 416 555 0101 or Ana Diaz", id="caller-search")
            yield OptionList(id="caller-list")
            yield Static("", id="caller-info")
            yield Static("", id="error-caller", classes="field-error")
            with Horizontal(id="intake-choices"):
                with Vertical():
                    yield Label("Severity")
                    yield OptionList(
                        *[Option(s.value.capitalize(), id=s.value) for s in Severity], id="severity"
                    )
                    yield Static("", id="severity-help", classes="hint")
                with Vertical():
                    yield Label("Category")
                    yield OptionList(
                        *[Option(CATEGORY_LABELS[c], id=c.value) for c in Category], id="category"
                    )
            yield Label("Summary")
            yield Input(placeholder="One line: what is wrong or needed", id="summary")
            yield Static("", id="error-summary", classes="field-error")
            yield Label("Description")
            yield TextArea(id="description")
            with Vertical(id="unexpected-fields"):
                yield Label("Steps to reproduce")
                yield TextArea(id="steps")
                yield Label("Affected users")
                yield Input(placeholder="Who is affected, how many", id="affected")
            yield Static("", id="checklist")
            yield Static("", id="error-form", classes="field-error")
        yield Footer()

    def on_mount(self) -> None:
        now = self.wz.clock.now()
        self.opened_at = now
        zone = self._zone
        self.query_one("#received", Input).value = now.astimezone(zone).strftime(RECEIVED_FORMAT)
        self.query_one("#severity", OptionList).highlighted = 2  # moderate: the usual case
        self.query_one("#category", OptionList).highlighted = 0
        if not self.is_call:
            self.query_one("#channel", OptionList).highlighted = 0
        self.query_one("#caller-list", OptionList).display = False
        self.query_one("#intake").border_title = "Esc cancels · Ctrl+S creates the case"
        self.set_interval(1.0, self._tick)
        self._update_checklist()
        self.query_one("#caller-search", Input).focus()

    @property
    def _zone(self) -> Any:
        book = self.wz.book
        from zoneinfo import ZoneInfo

        return book.at(self.wz.clock.now()).calendar.zone if book else ZoneInfo("America/Toronto")

    def _tick(self) -> None:
        if self.is_call and self.opened_at is not None:
            elapsed = (self.wz.clock.now() - self.opened_at).total_seconds()
            self.query_one("#call-timer", Static).update(f"☎ {call_timer(elapsed)}")

    # -- caller lookup ------------------------------------------------------------------------

    @on(Input.Changed, "#caller-search")
    def caller_typed(self, event: Input.Changed) -> None:
        if self._lookup is not None:
            self._lookup.stop()
        text = event.value
        self._lookup = self.set_timer(LOOKUP_DEBOUNCE, lambda: self.lookup(text))

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def lookup(self, text: str) -> None:
        callers = in_thread(_find_callers, text) if text.strip() else []
        if not get_current_worker().is_cancelled:
            self.post_message(CallersFound(text, callers))

    def on_callers_found(self, message: CallersFound) -> None:
        self.callers = message.callers
        option_list = self.query_one("#caller-list", OptionList)
        option_list.clear_options()
        option_list.add_options([Option(c.label, id=str(i)) for i, c in enumerate(message.callers)])
        option_list.display = bool(message.callers)
        if message.query.strip() and not message.callers:
            self.query_one("#caller-info", Static).update("[yellow]No contact matches.[/]")

    @on(Input.Submitted, "#caller-search")
    def take_first_caller(self) -> None:
        if self.callers:
            self._choose_caller(self.callers[0])

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.focused is self.query_one("#caller-search", Input):
            option_list = self.query_one("#caller-list", OptionList)
            if option_list.display:
                event.stop()
                option_list.focus()
                option_list.highlighted = 0

    @on(OptionList.OptionSelected, "#caller-list")
    def caller_picked(self, event: OptionList.OptionSelected) -> None:
        self._choose_caller(self.callers[int(event.option.id or 0)])

    def _choose_caller(self, caller: Caller) -> None:
        self.caller = caller
        info = self.query_one("#caller-info", Static)
        if caller.is_admin:
            info.update(f"[green]✔[/] {caller.label}")
        else:
            info.update(
                f"[yellow]⚠ {caller.label}[/]\nOnly client admins may open cases. {caller.admins}"
            )
        self.query_one("#caller-list", OptionList).display = False
        self.query_one("#error-caller", Static).update("")
        self._update_checklist()
        self.query_one("#severity", OptionList).focus()

    # -- the rest of the form -----------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#severity")
    def severity_moved(self, event: OptionList.OptionHighlighted) -> None:
        severity = Severity(event.option.id or "moderate")
        self.query_one("#severity-help", Static).update(SEVERITY_DESCRIPTIONS[severity])

    @on(OptionList.OptionHighlighted, "#category")
    def category_moved(self, event: OptionList.OptionHighlighted) -> None:
        self.query_one("#unexpected-fields").display = event.option.id == Category.UNEXPECTED.value
        self._update_checklist()

    @on(OptionList.OptionSelected, "#severity")
    @on(OptionList.OptionSelected, "#category")
    @on(OptionList.OptionSelected, "#channel")
    def option_chosen(self) -> None:
        self.focus_next()

    @on(Input.Changed)
    @on(TextArea.Changed)
    def field_changed(self) -> None:
        self._update_checklist()

    def _selected(self, list_id: str) -> str:
        option_list = self.query_one(list_id, OptionList)
        index = option_list.highlighted
        if index is None:
            return ""
        return option_list.get_option_at_index(index).id or ""

    def _category(self) -> Category:
        return Category(self._selected("#category") or Category.QUESTION.value)

    def _update_checklist(self) -> None:
        if not self.is_mounted:
            return
        summary = self.query_one("#summary", Input).value.strip()
        missing = missing_recommended_fields(
            self._category(),
            self.query_one("#description", TextArea).text,
            self.query_one("#steps", TextArea).text,
            self.query_one("#affected", Input).value,
        )
        items = [
            ("client", self.caller is not None),
            ("client admin", self.caller is not None and self.caller.is_admin),
            ("summary", bool(summary)),
            ("severity", True),
            ("description", "description" not in missing),
        ]
        if self._category() is Category.UNEXPECTED:
            items += [
                ("steps to reproduce", "steps_to_reproduce" not in missing),
                ("affected users", "affected_users" not in missing),
            ]
        marks = "  ".join(
            f"[green]✔ {name}[/]" if ok else f"[yellow]✗ {name}[/]" for name, ok in items
        )
        self.query_one("#checklist", Static).update(f"Complete and fulsome: {marks}")

    # -- submit -------------------------------------------------------------------------------

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            assert isinstance(error, Static)
            error.update("")

    def _show_error(self, field: str | None, message: str) -> None:
        target = FIELD_ERRORS.get(field or "", "form")
        self.query_one(f"#error-{target}", Static).update(f"⚠ {message}")

    def _parse_received(self) -> datetime:
        text = self.query_one("#received", Input).value.strip()
        try:
            # Wall time in the support zone, which is attached on the next line.
            naive = datetime.strptime(text, RECEIVED_FORMAT)  # noqa: DTZ007
        except ValueError:
            raise InvalidInput(
                f"expected {RECEIVED_FORMAT.replace('%', '')} in support time, got {text!r}",
                field="--received",
            ) from None
        return naive.replace(tzinfo=self._zone)

    def action_submit(self) -> None:
        if self._submitting:
            return
        self._clear_errors()
        try:
            received = self._parse_received()
        except UserError as error:
            self._show_error(error.field, error.message)
            return
        if self.caller is None:
            self._show_error("--contact", "Pick the caller first (type a phone number or name).")
            self.query_one("#caller-search", Input).focus()
            return
        channel = self._selected("#channel") if not self.is_call else Channel.PHONE.value
        new = NewCase(
            client=self.caller.client_code,
            contact=self.caller.contact_key,
            severity=self._selected("#severity") or Severity.MODERATE.value,
            channel=channel or Channel.PORTAL.value,
            category=self._category().value,
            summary=self.query_one("#summary", Input).value,
            description=self.query_one("#description", TextArea).text,
            steps_to_reproduce=self.query_one("#steps", TextArea).text,
            affected_users=self.query_one("#affected", Input).value,
            received_at=received,
        )
        seconds = None
        if self.is_call and self.opened_at is not None:
            seconds = int((self.wz.clock.now() - self.opened_at).total_seconds())
        self._submitting = True
        self.create(new, seconds)

    @work(thread=True, exit_on_error=False)
    def create(self, new: NewCase, call_seconds: int | None) -> None:
        try:
            case = in_thread(
                open_case, self.wz.context, new, call_seconds=call_seconds, book=self.wz.book
            )
        except UserError as error:
            self.post_message(IntakeFailed(error.field, error.message))
            return
        self.post_message(CaseOpened(case.ref))

    def on_intake_failed(self, message: IntakeFailed) -> None:
        self._submitting = False
        self._show_error(message.field, message.error)

    def on_case_opened(self, message: CaseOpened) -> None:
        what = "Call logged as" if self.is_call else "Opened"
        self.app.notify(f"{what} {message.ref}", timeout=5)
        self.dismiss(message.ref)

    def action_cancel(self) -> None:
        self.dismiss(None)
