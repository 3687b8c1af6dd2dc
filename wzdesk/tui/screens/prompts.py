"""Small modal prompts the case actions use: text, a choice with descriptions, a call."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option


class TextPrompt(ModalScreen[str | None]):
    """A multi-line message (reply, note, reason). Ctrl+S sends, Escape cancels."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Send", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, hint: str, verb: str, required: bool = True) -> None:
        super().__init__(classes="prompt")
        self.title_text, self.hint, self.verb, self.required = title, hint, verb, required

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label(self.title_text, classes="prompt-title")
            yield Static(
                f"{self.hint}  Ctrl+S {self.verb.lower()} · Esc cancel", classes="prompt-hint"
            )
            yield TextArea(id="prompt-text")
            yield Static("", id="prompt-error", classes="field-error")
            with Horizontal(classes="prompt-buttons"):
                yield Button(self.verb, variant="primary", id="prompt-ok")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if self.required and not text:
            self.query_one("#prompt-error", Static).update(
                "Write something first (it must not be empty)."
            )
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#prompt-ok")
    def ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#prompt-cancel")
    def cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    description: str


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one option (arrows/Enter, or its number); descriptions help choose."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[Choice], current: str | None = None) -> None:
        super().__init__(classes="prompt")
        self.title_text, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        options = []
        for number, choice in enumerate(self.choices, start=1):
            marker = " (current)" if choice.value == self.current else ""
            prompt = f"[b]{number}[/b] {choice.label}{marker}"
            if choice.description:
                prompt += f"\n   [dim]{choice.description}[/dim]"
            options.append(Option(prompt, id=choice.value or "-"))
        with Vertical(classes="prompt-box"):
            yield Label(self.title_text, classes="prompt-title")
            yield OptionList(*options, id="choices")
            yield Static("Enter choose · 1–9 jump · Esc cancel", classes="prompt-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.focus()
        values = [c.value for c in self.choices]
        if self.current in values:
            option_list.highlighted = values.index(self.current)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(self.choices):
                event.stop()
                self.dismiss(self.choices[index].value)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        value = event.option.id or ""
        self.dismiss("" if value == "-" else value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CallPrompt(ModalScreen[tuple[int, str] | None]):
    """A call on an existing case: its length in minutes and notes."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__(classes="prompt")
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label(self.title_text, classes="prompt-title")
            yield Label("Call length (minutes)")
            yield Input(placeholder="5", id="call-minutes", type="number")
            yield Label("Notes")
            yield TextArea(id="call-notes")
            yield Static("", id="prompt-error", classes="field-error")
            yield Static("Ctrl+S save · Esc cancel", classes="prompt-hint")

    def on_mount(self) -> None:
        self.query_one("#call-minutes", Input).focus()

    def action_submit(self) -> None:
        raw = self.query_one("#call-minutes", Input).value.strip() or "0"
        try:
            minutes = float(raw)
        except ValueError:
            minutes = -1
        if not 0 <= minutes <= 720:
            self.query_one("#prompt-error", Static).update(
                "Call length: minutes between 0 and 720."
            )
            return
        self.dismiss((int(minutes * 60), self.query_one("#call-notes", TextArea).text.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
