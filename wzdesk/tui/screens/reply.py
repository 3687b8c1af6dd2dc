"""The reply editor: the agent's public reply, with canned replies (Ctrl+T, or the palette)
to start from and edit, and a plain statement of whether it will be emailed at all."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from wzdesk.tui.screens.macros import MacroCommands, MacroFilled, MacroPicker, fill_for
from wzdesk.tui.screens.prompts import PromptTitle, TextPrompt


def delivery_hint(case: dict[str, Any], what: str = "this") -> str:
    """Whether a public message on ``case`` (a ``show_case`` dict) will reach the client:
    a reply (``this``), a resolution note."""
    if case.get("contact_email"):
        return f"The client sees {what}: it is emailed to {case['contact_email']}."
    name = case.get("contact_name") or "the contact"
    phone = case.get("contact_phone")
    reason = f"no email on file for {name}; " + (f"call {phone}" if phone else "no phone either")
    return f"Stored on the case but not sent: {reason}."


class ReplyEditor(TextPrompt):
    """A public reply on one case. Ctrl+S sends, Ctrl+T inserts a canned reply, Esc cancels
    (asking first if something was typed)."""

    COMMANDS = {MacroCommands}
    BINDINGS = [Binding("ctrl+t", "canned", "Canned reply", priority=True)]

    def __init__(self, case: dict[str, Any], text: str = "", kept: bool = False) -> None:
        super().__init__(
            f"Reply to the client on {case['ref']} · {case['summary']}",
            "Ctrl+T canned reply ·",  # shown by compose() below, with the delivery line
            "Send",
            text=text,
            kept=kept,
        )
        self.case = case

    @property
    def ref(self) -> str:
        return str(self.case["ref"])

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            yield Static(delivery_hint(self.case), id="reply-delivery", markup=False)
            yield Static("Ctrl+T canned reply · Ctrl+S send · Esc cancel", classes="prompt-hint")
            yield self.kept_line()
            yield Static(
                "", id="prompt-error", classes="field-error", markup=False
            )  # above the text: in sight
            yield TextArea(self.initial, id="prompt-text")
            with Horizontal(classes="prompt-buttons"):
                yield Button("Send", variant="primary", id="prompt-ok")
                yield Button("Canned reply", id="reply-canned")
                yield Button("Cancel", id="prompt-cancel")

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def insert_text(self, text: str | None) -> None:
        """Put a filled-in canned reply where the cursor is (the agent edits it after)."""
        if not text:
            return
        area = self.query_one(TextArea)
        area.insert(text)
        self.set_focus(area)

    def action_canned(self) -> None:
        self.app.push_screen(MacroPicker(self.ref), self.insert_text)

    @work(thread=True, exclusive=True, group="macros", exit_on_error=False)
    def insert_macro(self, name: str) -> None:
        """Fill canned reply ``name`` for this case and insert it (the palette's action)."""
        self.post_message(fill_for(self, name, self.ref))

    def on_macro_filled(self, message: MacroFilled) -> None:
        if message.error:
            self.query_one("#prompt-error", Static).update(message.error)
            return
        self.insert_text(message.text)

    @on(Button.Pressed, "#reply-canned")
    def canned(self) -> None:
        self.action_canned()
