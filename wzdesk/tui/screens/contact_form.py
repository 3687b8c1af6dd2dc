"""A small form for a new contact (a caller the phone intake did not find): client, name,
phone, email, whether they are a client admin. Ctrl+S saves, Esc cancels."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static


@dataclass(frozen=True)
class NewContact:
    """What the form holds."""

    client: str
    name: str
    phone: str
    email: str
    is_admin: bool


class NewContactForm(ModalScreen[NewContact | None]):
    """Client code, name, phone, email, admin; the caller's search text fills phone or email."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Add contact", priority=True),
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
            yield Label("New contact (the caller)", classes="prompt-title")
            yield Static("Ctrl+S add · Esc cancel", classes="prompt-hint")
            yield Input(self.client, placeholder="Client code, e.g. ACME", id="new-client")
            yield Input(name, placeholder="Name", id="new-name")
            yield Input(self.typed if looks_like_phone else "", placeholder="Phone", id="new-phone")
            yield Input(self.typed if looks_like_email else "", placeholder="Email", id="new-email")
            yield Checkbox("Client admin (may open cases)", id="new-admin")
            yield Static(self.error, id="new-error", classes="field-error")

    def on_mount(self) -> None:
        if self.previous is not None:
            for name in ("client", "name", "phone", "email"):
                self.query_one(f"#new-{name}", Input).value = getattr(self.previous, name)
            self.query_one("#new-admin", Checkbox).value = self.previous.is_admin
        self.query_one("#new-client" if not self.client else "#new-name", Input).focus()

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

    def action_cancel(self) -> None:
        self.dismiss(None)
