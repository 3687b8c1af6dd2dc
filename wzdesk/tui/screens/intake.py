"""Phone intake (and new portal/email cases): log a call as a case in seconds, by keyboard.

The received time is stamped when the form opens (editable, in the support zone it names) and a
call timer runs. The caller is found by phone number or name as you type; the form says at once
whether the caller is a client admin. A caller who is not one is still logged: the case is opened
for an admin the caller names, or the call is kept on the client's record without a case. The
"complete and fulsome" checklist updates as fields are filled. Digits pick in the option lists.
Ctrl+S creates the case; errors show next to the field at fault; Esc asks before it throws away
a timed call or typed text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from wzdesk.core.calendar import DEFAULT_ZONE
from wzdesk.core.errors import InvalidInput, UserError
from wzdesk.core.rules import (
    CATEGORY_LABELS,
    Action,
    Category,
    Channel,
    may,
    missing_recommended_fields,
)
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.services.calls import log_call_without_case
from wzdesk.services.cases import NewCase, open_case
from wzdesk.services.directory import client_admins, search_contacts
from wzdesk.tui.formatting import call_timer, markup_text
from wzdesk.tui.screens.prompts import UNSAVED_CALL_SECONDS, ConfirmPrompt
from wzdesk.tui.widgets.key_bar import KeyBar
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
    "--caller": "caller",
    "--at": "received",
    "--channel": "channel",
}


@dataclass(frozen=True)
class Admin:
    """One of a client's admins, as the intake form offers them."""

    contact_key: str  # email or phone, as the service wants it
    label: str  # "Ana Diaz (primary) · +1 416 555 0101 · ana@acme.example"


@dataclass(frozen=True)
class Caller:
    """A contact found by the lookup."""

    contact_key: str  # email or phone, as the service wants it
    client_code: str
    name: str
    label: str
    is_admin: bool
    admins: tuple[Admin, ...] = ()  # the client's admins (offered when the caller is not one)


@dataclass
class CallersFound(Message):
    query: str
    callers: list[Caller]


@dataclass
class CaseOpened(Message):
    """Saved: a case (``ref``), or only a call on the client's record (``note`` says so)."""

    ref: str | None
    note: str | None = None


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
        admins: tuple[Admin, ...] = ()
        if not contact.is_admin:
            admins = tuple(
                Admin(
                    admin.email or admin.phone or "",
                    f"{admin.name} ({admin.admin_rank or 'admin'}) · "
                    + " · ".join(filter(None, [admin.phone, admin.email])),
                )
                for admin in client_admins(client)
            )
        callers.append(
            Caller(
                contact.email or contact.phone or "",
                client.code,
                contact.name,
                label,
                contact.is_admin,
                admins,
            )
        )
    return callers


class IntakeScreen(Screen[str | None]):
    """The call form (``channel="phone"``) or the new-case form (portal/email)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Create case"),
        Binding("ctrl+n", "add_contact", "New contact"),
        Binding("ctrl+e", "edit_caller", "Edit caller", priority=True),  # over Input's "end"
        # The same key in the portal / email form, where nobody called (see check_action).
        Binding("ctrl+e", "edit_caller_as_contact", "Edit contact", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, channel: str = "phone") -> None:
        super().__init__()
        self.channel = channel
        self.caller: Caller | None = None
        self.callers: list[Caller] = []
        self.opened_at: datetime | None = None
        self._lookup: Timer | None = None
        self._chosen_from: str | None = None  # the search text the caller was picked from
        self._submitting = False

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    @property
    def is_call(self) -> bool:
        return self.channel == Channel.PHONE.value

    @property
    def who(self) -> str:
        """Whom the form is about: a caller on a call; the contact who raised it otherwise."""
        return "caller" if self.is_call else "contact"

    @property
    def _lookup_by(self) -> str:
        return "number or name" if self.is_call else "email, name or number"

    @property
    def may_add_contacts(self) -> bool:
        """Phone staff may not (``Action.MANAGE_CLIENTS``): Ctrl+N is not offered them, and
        the form's hints say whom to ask instead (the key was offered, and refused only at
        its save, out of sight at 80x24)."""
        return may(self.wz.role, Action.MANAGE_CLIENTS)

    def _adding_hint(self, what: str) -> str:
        """``Ctrl+N adds them as a contact``, or whom to ask when the role may not."""
        if self.may_add_contacts:
            return f"Ctrl+N adds {what}"
        return f"ask an agent or a supervisor to add {what}"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_contact":
            return self.may_add_contacts
        # Editing a contact is managing clients too: Ctrl+E is not offered to phone staff
        # (it was, and its save was refused below the fold at 80x24).
        if action == "edit_caller":
            return self.is_call and self.may_add_contacts
        if action == "edit_caller_as_contact":
            return not self.is_call and self.may_add_contacts
        return True

    def action_edit_caller_as_contact(self) -> None:
        self.action_edit_caller()

    @property
    def unsaved_label(self) -> str:
        return "the call you are logging" if self.is_call else "the case you are typing"

    def compose(self) -> ComposeResult:
        title = "Log a phone call" if self.is_call else "New case (portal / email)"
        with VerticalScroll(id="intake"):
            with Horizontal(id="intake-head"):
                yield Label(title, id="intake-title")
                if self.is_call:
                    yield Static("☎ 00:00", id="call-timer")
                yield Label("Received", classes="inline-label", id="received-label")
                yield Input(id="received", classes="received")
            yield Static("", id="error-received", classes="field-error", markup=False)
            if not self.is_call:
                yield Label("Channel")
                yield OptionList(
                    Option("[b]1[/b] Portal (in-app case system)", id="portal"),
                    Option("[b]2[/b] Email", id="email"),
                    id="channel",
                )
            if self.is_call:
                yield Label(
                    "Caller: type a phone number or a name, ↓ to pick, Enter takes the first"
                )
                yield Input(placeholder="e.g. 416 555 0101 or Ana Diaz", id="caller-search")
            else:
                yield Label(
                    "Raised by (a client admin): type an email, a name or a phone number, ↓ to "
                    "pick, Enter takes the first"
                )
                yield Input(placeholder="e.g. ana@acme.example or Ana Diaz", id="caller-search")
            yield OptionList(id="caller-list")
            yield Static("", id="caller-info")
            yield OptionList(id="behalf")
            yield Static("", id="error-caller", classes="field-error", markup=False)
            with Horizontal(id="intake-choices"):
                with Vertical():
                    yield Label("Severity (1–4)")
                    yield OptionList(
                        *[
                            Option(f"[b]{n}[/b] {s.value.capitalize()}", id=s.value)
                            for n, s in enumerate(Severity, start=1)
                        ],
                        id="severity",
                    )
                    yield Static("", id="severity-help", classes="hint")
                with Vertical():
                    yield Label("Category (1–4)")
                    yield OptionList(
                        *[
                            Option(f"[b]{n}[/b] {CATEGORY_LABELS[c]}", id=c.value)
                            for n, c in enumerate(Category, start=1)
                        ],
                        id="category",
                    )
            yield Label("Summary")
            yield Input(placeholder="One line: what is wrong or needed", id="summary")
            yield Static("", id="error-summary", classes="field-error", markup=False)
            yield Label("Description" if not self.is_call else "Description / call notes")
            yield TextArea(id="description")
            with Vertical(id="unexpected-fields"):
                yield Label("Steps to reproduce")
                yield TextArea(id="steps")
                yield Label("Affected users")
                yield Input(placeholder="Who is affected, how many", id="affected")
            yield Static("", id="checklist")
            yield Static("", id="error-form", classes="field-error", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        now = self.wz.clock.now()
        self.opened_at = now
        zone = self._zone
        local = now.astimezone(zone)
        self.query_one("#received", Input).value = local.strftime(RECEIVED_FORMAT)
        self.query_one("#received-label", Label).update(f"Received ({local.strftime('%Z')})")
        self.query_one("#severity", OptionList).highlighted = 2  # moderate: the usual case
        self.query_one("#category", OptionList).highlighted = 0
        if not self.is_call:
            self.query_one("#channel", OptionList).highlighted = 0
        self.query_one("#caller-list", OptionList).display = False
        self.query_one("#behalf", OptionList).display = False
        self.query_one("#intake").border_title = "Esc cancels · Ctrl+S creates the case"
        self.set_interval(1.0, self._tick)
        self._update_checklist()
        self.set_focus(self.query_one("#caller-search", Input), scroll_visible=False)

    @property
    def _zone(self) -> ZoneInfo:
        book = self.wz.book
        if book is None:
            return ZoneInfo(DEFAULT_ZONE)
        return book.at(self.wz.clock.now()).calendar.zone

    def call_seconds(self) -> int:
        """How long the call has run (the form opened when the phone was answered)."""
        if self.opened_at is None:
            return 0
        return max(0, int((self.wz.clock.now() - self.opened_at).total_seconds()))

    def _tick(self) -> None:
        if self.is_call:
            self.query_one("#call-timer", Static).update(f"☎ {call_timer(self.call_seconds())}")

    def has_unsaved_text(self) -> bool:
        """Typed text, a chosen caller, or a call timed for a while: not thrown away silently."""
        typed = any(
            self.query_one(f"#{name}", Input).value.strip()
            for name in ("caller-search", "summary", "affected")
        ) or any(
            self.query_one(f"#{name}", TextArea).text.strip() for name in ("description", "steps")
        )
        timed = self.is_call and self.call_seconds() >= UNSAVED_CALL_SECONDS
        return typed or self.caller is not None or timed

    # -- caller lookup ------------------------------------------------------------------------

    @on(Input.Changed, "#caller-search")
    def caller_typed(self, event: Input.Changed) -> None:
        if self._lookup is not None:
            self._lookup.stop()
        text = event.value
        if not text.strip():
            self.query_one("#caller-info", Static).update(self._caller_text())
        self._lookup = self.set_timer(LOOKUP_DEBOUNCE, lambda: self.lookup(text))

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False)
    def lookup(self, text: str) -> None:
        callers = in_thread(_find_callers, text) if text.strip() else []
        if not get_current_worker().is_cancelled:
            self.post_message(CallersFound(text, callers))

    def on_callers_found(self, message: CallersFound) -> None:
        if message.query != self.query_one("#caller-search", Input).value:
            return  # typed on since: a newer lookup is coming
        if message.query == self._chosen_from:
            return  # a late answer to the search the caller was already picked from
        self.callers = message.callers
        option_list = self.query_one("#caller-list", OptionList)
        option_list.clear_options()
        option_list.add_options(
            [Option(markup_text(c.label), id=str(i)) for i, c in enumerate(message.callers)]
        )
        option_list.display = bool(message.callers)
        info = self.query_one("#caller-info", Static)
        if message.query.strip() and not message.callers:
            info.update(
                f"[yellow]No contact matches.[/] Check the {self._lookup_by}; if the "
                f"{self.who} is new, {self._adding_hint('them as a contact')}."
            )
        else:
            info.update(self._caller_text())  # a stale "no match" never stays

    @work(group="prompts", exclusive=True)
    async def action_add_contact(self) -> None:
        """Ctrl+N: add the caller the lookup did not find, then pick them."""
        import asyncio

        from wzdesk.core.errors import UserError
        from wzdesk.services.directory import add_contact
        from wzdesk.tui.screens.contact_form import NewContactForm

        search = self.query_one("#caller-search", Input)
        client = self.caller.client_code if self.caller is not None else ""
        form = NewContactForm(search.value, client)
        while True:
            entered = await self.app.push_screen_wait(form)
            if entered is None:
                return
            try:
                contact = await asyncio.to_thread(
                    in_thread,
                    add_contact,
                    self.wz.context,
                    entered.client,
                    entered.name,
                    entered.email or None,
                    entered.phone or None,
                    entered.is_admin,
                )
            except UserError as error:
                form = NewContactForm(search.value, entered.client, entered, str(error))
                continue
            break
        self.notify(f"{contact.name} added to {entered.client.upper()}", timeout=3)
        search.value = contact.email or contact.phone or contact.name
        self.set_focus(search)

    @work(group="prompts", exclusive=True)
    async def action_edit_caller(self) -> None:
        """Ctrl+E: edit the picked caller (name, email, phone, admin, rank), then pick them as
        saved."""
        import asyncio

        from wzdesk.core.errors import UserError
        from wzdesk.services.people_views import contact_card
        from wzdesk.tui.screens.contact_form import EditContactForm

        caller = self.caller
        if caller is None:
            self.notify(
                f"Pick a {self.who} first: Ctrl+E edits the picked {self.who}", severity="warning"
            )
            return
        try:
            card = await asyncio.to_thread(
                in_thread, contact_card, caller.contact_key, caller.client_code
            )
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        saved = await self.app.push_screen_wait(EditContactForm(card))
        if saved is None:
            return
        self.notify(f"Contact saved: {saved['name']} · {saved['client']}", timeout=3)
        key = saved["email"] or saved["phone"] or saved["name"]
        found = await asyncio.to_thread(in_thread, _find_callers, key)
        again = next((c for c in found if c.client_code == saved["client"]), None)
        search = self.query_one("#caller-search", Input)
        search.value = key
        if again is not None:  # picked as saved (an admin now, or no longer)
            self._choose_caller(again)
        else:
            self.caller = None
            self.query_one("#caller-info", Static).update("")

    @on(Input.Submitted, "#caller-search")
    def take_first_caller(self) -> None:
        if self.callers:
            self._choose_caller(self.callers[0])

    def on_key(self, event: events.Key) -> None:
        focused = self.focused
        if event.key == "down" and focused is self.query_one("#caller-search", Input):
            option_list = self.query_one("#caller-list", OptionList)
            if option_list.display:
                event.stop()
                self.set_focus(option_list)
                option_list.highlighted = 0
            return
        digit = event.character
        if isinstance(focused, OptionList) and digit and digit in "123456789":
            index = int(digit) - 1
            if index < focused.option_count:
                event.stop()
                focused.highlighted = index
                focused.action_select()

    @on(OptionList.OptionSelected, "#caller-list")
    def caller_picked(self, event: OptionList.OptionSelected) -> None:
        self._choose_caller(self.callers[int(event.option.id or 0)])

    def _caller_text(self) -> str:
        """The picked caller, in markup: their name and label are escaped, so that a name
        such as "Ana [HR]" is shown whole, not taken for a style."""
        caller = self.caller
        if caller is None:
            return ""
        if caller.is_admin:
            return f"[green]✔[/] {markup_text(caller.label)}"
        name = markup_text(caller.name)
        warning = (
            f"[yellow]⚠ {name} is not a client admin of {caller.client_code}[/]: "
            "only client admins may open cases. "
        )
        if self.is_call:
            return warning + (
                "Open it for an admin the caller names, or log the call on the client's record "
                "(below)."
            )
        if not caller.admins:  # nobody to open it for, and no call to log
            return warning + (
                f"{caller.client_code} has no client admin on record: "
                f"{self._adding_hint('one')} first."
            )
        return warning + f"Open it for an admin of {caller.client_code} (below)."

    def _choose_caller(self, caller: Caller) -> None:
        self.caller = caller
        self._chosen_from = self.query_one("#caller-search", Input).value
        self.query_one("#caller-info", Static).update(self._caller_text())
        self.query_one("#caller-list", OptionList).display = False
        self.query_one("#error-caller", Static).update("")
        behalf = self.query_one("#behalf", OptionList)
        behalf.clear_options()
        if caller.is_admin:
            behalf.display = False
            self.set_focus(self.query_one("#severity", OptionList))
        else:
            options = [
                Option(
                    f"[b]{n}[/b] Open the case for {markup_text(admin.label)}", id=f"admin:{n - 1}"
                )
                for n, admin in enumerate(caller.admins, start=1)
            ]
            if self.is_call:  # a message that raised nothing is not a call to log
                options.append(
                    Option(
                        f"[b]{len(options) + 1}[/b] Log the call only, on {caller.client_code}'s "
                        "record (no case)",
                        id="log-only",
                    )
                )
            behalf.add_options(options)
            behalf.display = bool(options)
            if options:
                behalf.highlighted = 0
                self.set_focus(behalf)
        self._update_checklist()

    @on(OptionList.OptionSelected, "#behalf")
    def behalf_chosen(self) -> None:
        self._update_checklist()
        self.set_focus(self.query_one("#severity", OptionList))

    def _behalf(self) -> Admin | str | None:
        """For a non-admin caller: the admin the case is opened for, or "log-only"."""
        if self.caller is None or self.caller.is_admin:
            return None
        choice = self._selected("#behalf")
        if choice.startswith("admin:"):
            return self.caller.admins[int(choice.removeprefix("admin:"))]
        return choice or None

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
        if index is None or not option_list.display and list_id == "#behalf":
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
        behalf = self._behalf()
        admin_ok = self.caller is not None and (self.caller.is_admin or isinstance(behalf, Admin))
        items = [
            ("client", self.caller is not None),
            ("client admin", admin_ok),
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
        note = "  (logging the call only: no case)" if behalf == "log-only" else ""
        self.query_one("#checklist", Static).update(f"Complete and fulsome: {marks}{note}")

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
        caller = self.caller
        if caller is None:
            self._show_error(
                "--contact",
                "Pick the caller first (type a phone number or name)."
                if self.is_call
                else "Pick who raised it first (type an email, a name or a phone number).",
            )
            self.set_focus(self.query_one("#caller-search", Input))
            return
        seconds = self.call_seconds() if self.is_call else None
        notes = self.query_one("#description", TextArea).text
        behalf = self._behalf()
        if behalf == "log-only":
            self._submitting = True
            self.log_only(caller, received, seconds or 0, notes)
            return
        contact_key = caller.contact_key
        behalf_note = ""
        if isinstance(behalf, Admin):
            contact_key = behalf.contact_key
            if self.is_call:
                behalf_note = f"Caller: {caller.name} (not a client admin), for {behalf.label}."
            else:
                behalf_note = (
                    f"Raised by {caller.name} (not a client admin of {caller.client_code}), "
                    f"opened for {behalf.label}."
                )
        elif not caller.is_admin:
            if self.is_call:
                message = "Choose an admin to open the case for, or log the call only."
            elif caller.admins:
                message = "Choose an admin to open the case for: only client admins may open cases."
            else:
                message = (
                    f"{caller.client_code} has no client admin on record: only client admins may "
                    f"open cases ({self._adding_hint('a contact')})."
                )
            self._show_error("--contact", message)
            self.set_focus(self.query_one("#behalf" if caller.admins else "#caller-search"))
            return
        channel = self._selected("#channel") if not self.is_call else Channel.PHONE.value
        new = NewCase(
            client=caller.client_code,
            contact=contact_key,
            severity=self._selected("#severity") or Severity.MODERATE.value,
            channel=channel or Channel.PORTAL.value,
            category=self._category().value,
            summary=self.query_one("#summary", Input).value,
            description=notes,
            steps_to_reproduce=self.query_one("#steps", TextArea).text,
            affected_users=self.query_one("#affected", Input).value,
            received_at=received,
        )
        self._submitting = True
        self.create(new, seconds, behalf_note)

    @work(thread=True, exit_on_error=False)
    def create(self, new: NewCase, call_seconds: int | None, behalf_note: str) -> None:
        """Open the case; ``behalf_note`` (who raised a case opened for an admin) goes on the
        call when there is one, else into an internal note, in the case's transaction."""
        try:
            case = in_thread(
                open_case,
                self.wz.context,
                new,
                call_seconds=call_seconds,
                call_notes=behalf_note if call_seconds is not None else "",
                internal_note=behalf_note if call_seconds is None else "",
                book=self.wz.book,
            )
        except UserError as error:
            self.post_message(IntakeFailed(error.field, error.message))
            return
        self.post_message(CaseOpened(case.ref))

    @work(thread=True, exit_on_error=False)
    def log_only(self, caller: Caller, received: datetime, seconds: int, notes: str) -> None:
        try:
            in_thread(
                log_call_without_case,
                self.wz.context,
                caller.client_code,
                caller.name,
                seconds,
                notes,
                contact_key=caller.contact_key,
                at=received,
            )
        except UserError as error:
            self.post_message(IntakeFailed(error.field, error.message))
            return
        self.post_message(
            CaseOpened(None, f"{caller.name}'s call logged on {caller.client_code}'s record")
        )

    def on_intake_failed(self, message: IntakeFailed) -> None:
        self._submitting = False
        self._show_error(message.field, message.error)

    def on_case_opened(self, message: CaseOpened) -> None:
        if message.ref is None:
            self.app.notify(message.note or "Call logged", timeout=5)
            self.dismiss(None)
            return
        what = "Call logged as" if self.is_call else "Opened"
        self.app.notify(f"{what} {message.ref}", timeout=5)
        self.dismiss(message.ref)

    def action_cancel(self) -> None:
        if not self.has_unsaved_text():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        what = "the call and what you typed" if self.is_call else "what you typed"
        self.app.push_screen(
            ConfirmPrompt(f"Throw away {what}?", "Nothing of this form is saved yet.", "Discard"),
            answered,
        )
