"""Small forms for contacts: a new one (a caller the phone intake did not find: client, name,
phone, email, whether they are a client admin) and editing one (name, email, phone, admin,
primary/backup; saved through the contacts service, a refusal shown in the form naming the
field). Ctrl+S saves, Esc cancels."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static

from wzdesk.core.errors import UserError
from wzdesk.tui.screens.prompts import GuardedPrompt, PromptTitle
from wzdesk.tui.workers import desk, in_thread


@dataclass(frozen=True)
class NewContact:
    """What the form holds."""

    client: str
    name: str
    phone: str
    email: str
    is_admin: bool


class NewContactForm(GuardedPrompt[NewContact]):
    """Client code, name, phone, email, admin; the caller's search text fills phone or email."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Add contact"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, typed: str = "", client: str = "", previous: NewContact | None = None, error: str = ""
    ) -> None:
        super().__init__(classes="prompt")
        self.typed = typed.strip()
        self.client = client
        self.previous = previous  # what was typed before a refusal, kept
        self.error = error

    def compose(self) -> ComposeResult:
        looks_like_email = "@" in self.typed
        looks_like_phone = sum(ch.isdigit() for ch in self.typed) >= 7
        name = "" if looks_like_email or looks_like_phone else self.typed
        with Vertical(classes="prompt-box"):
            yield PromptTitle("New contact (the caller)")
            yield Static("Ctrl+S add · Esc cancel", classes="prompt-hint")
            # Under the title, not below the fields: at 80x24 the form is taller than the
            # screen, and an error at its foot was never seen (Ctrl+S seemed to do nothing).
            yield Static(self.error, id="new-error", classes="field-error", markup=False)
            yield Input(self.client, placeholder="Client code, e.g. ACME", id="new-client")
            yield Input(name, placeholder="Name", id="new-name")
            yield Input(self.typed if looks_like_phone else "", placeholder="Phone", id="new-phone")
            yield Input(self.typed if looks_like_email else "", placeholder="Email", id="new-email")
            yield Checkbox("Client admin (may open cases)", id="new-admin")

    def _entered(self) -> tuple[str, ...]:
        return (
            *(
                self.query_one(f"#new-{name}", Input).value
                for name in ("client", "name", "phone", "email")
            ),
            str(self.query_one("#new-admin", Checkbox).value),
        )

    def on_mount(self) -> None:
        self._as_opened: tuple[str, ...] | None = None
        self.call_after_refresh(self._note_as_opened)
        if self.previous is not None:
            for name in ("client", "name", "phone", "email"):
                self.query_one(f"#new-{name}", Input).value = getattr(self.previous, name)
            self.query_one("#new-admin", Checkbox).value = self.previous.is_admin
        self.set_focus(
            self.query_one("#new-client" if not self.client else "#new-name", Input),
            scroll_visible=False,
        )

    def show_error(self, text: str) -> None:
        self.query_one("#new-error", Static).update(text)

    def action_save(self) -> None:
        values = {
            name: self.query_one(f"#new-{name}", Input).value.strip()
            for name in ("client", "name", "phone", "email")
        }
        if not values["client"] or not values["name"]:
            self.show_error("Client and name are needed")
            return
        if not values["phone"] and not values["email"]:
            self.show_error("A phone number or an email is needed")
            return
        admin = self.query_one("#new-admin", Checkbox).value
        self.dismiss(NewContact(is_admin=admin, **values))

    def _note_as_opened(self) -> None:
        self._as_opened = self._entered()

    def has_unsaved_text(self) -> bool:
        """Something typed since the form opened (what it filled in itself is no one's work):
        Esc asks first (:class:`GuardedPrompt`)."""
        return self._as_opened is not None and self._entered() != self._as_opened


#: The service's field names, as the edit form labels them.
FIELD_LABELS = {
    "--name": "Name",
    "--email": "Email",
    "--phone": "Phone",
    "--rank": "Primary/backup",
    "--no-admin": "Client admin",
    "CONTACT": "Contact",
}
_FIELD_INPUTS = {"--name": "#edit-name", "--email": "#edit-email", "--phone": "#edit-phone"}
RANK_CHOICES = [("Neither primary nor backup", ""), ("Primary", "primary"), ("Backup", "backup")]


def edit_changes(card: dict[str, Any], entered: dict[str, Any]) -> dict[str, Any]:
    """Only what the user changed, in the service's keywords (what they left alone is kept,
    so someone else's change to another field is not overwritten)."""
    changes: dict[str, Any] = {}
    for name in ("name", "email", "phone"):
        if entered[name] != (card[name] or ""):
            changes[name] = entered[name] or None
    if entered["rank"] != (card["rank"] or ""):
        changes["admin_rank"] = entered["rank"] or None
    if entered["is_admin"] != card["is_admin"]:
        changes["is_admin"] = entered["is_admin"]
    return changes


def save_contact(ctx: Any, card: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Edit the contact through the service (one transaction, audited); its fields after."""
    from wzdesk.services.contacts import edit_contact
    from wzdesk.services.people_views import contact_card

    edit_contact(ctx, f"#{card['id']}", **changes)
    return contact_card(f"#{card['id']}")


class EditContactForm(GuardedPrompt[dict[str, Any]]):
    """A contact's name, email, phone, admin flag and rank, prefilled; Ctrl+S saves through the
    service and closes with the contact as saved; a refusal stays in the form, naming the
    field. Esc asks first when something was changed (:class:`GuardedPrompt`)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save contact"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, card: dict[str, Any]) -> None:
        super().__init__(classes="prompt")
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        with Vertical(classes="prompt-box"):
            yield PromptTitle(f"Edit contact {card['name']} · {card['client']}")
            yield Static("Ctrl+S save · Esc cancel", classes="prompt-hint")
            # Under the title, as in the new-contact form: at 80x24 an error at the foot was
            # below the fold, and Ctrl+S seemed to do nothing.
            yield Static("", id="edit-error", classes="field-error", markup=False)
            yield Input(card["name"], placeholder="Name", id="edit-name")
            yield Input(card["email"] or "", placeholder="Email", id="edit-email")
            yield Input(card["phone"] or "", placeholder="Phone", id="edit-phone")
            yield Checkbox(
                "Client admin (may open cases)", value=bool(card["is_admin"]), id="edit-admin"
            )
            yield Select(RANK_CHOICES, value=card["rank"] or "", allow_blank=False, id="edit-rank")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#edit-name", Input), scroll_visible=False)

    def entered(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: self.query_one(f"#edit-{name}", Input).value.strip()
            for name in ("name", "email", "phone")
        }
        values["is_admin"] = self.query_one("#edit-admin", Checkbox).value
        rank = self.query_one("#edit-rank", Select).value
        values["rank"] = rank if isinstance(rank, str) else ""
        return values

    def show_error(self, text: str) -> None:
        self.query_one("#edit-error", Static).update(text)

    def action_save(self) -> None:
        changes = edit_changes(self.card, self.entered())
        if not changes:
            self.show_error("Nothing changed")
            return
        self.save(changes)

    @work(group="save", exclusive=True, exit_on_error=False)
    async def save(self, changes: dict[str, Any]) -> None:
        ctx = desk(self).context
        try:
            saved = await asyncio.to_thread(in_thread, save_contact, ctx, self.card, changes)
        except UserError as error:
            label = FIELD_LABELS.get(error.field or "", error.field)
            self.show_error(f"{label}: {error.message}" if label else error.message)
            if error.field in _FIELD_INPUTS:
                self.set_focus(self.query_one(_FIELD_INPUTS[error.field], Input))
            return
        self.dismiss(saved)

    def has_unsaved_text(self) -> bool:
        return bool(edit_changes(self.card, self.entered()))
