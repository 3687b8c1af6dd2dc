"""Small modal prompts the case actions use: text, a choice with descriptions, a confirmation,
and a call with its running timer.

Every prompt's title names the case it acts on, so the user can check it before submitting, and
none throws typed text away without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from wzdesk.core.clock import Clock
from wzdesk.tui.formatting import call_timer, markup_text

#: A call timed this long is worth a question before Esc throws it away.
UNSAVED_CALL_SECONDS = 5


class PromptTitle(Label):
    """A prompt's or a form's title, shown as written: titles quote summaries, names and mail
    subjects, and markup read "Payroll [/b] totals" as a closing tag (MarkupError: the console
    closed) and "Re: [WZ-1096] broken" as a style (the reference vanished). Every title is one
    of these, so no screen passes data through markup by mistake."""

    def __init__(self, text: str) -> None:
        super().__init__(text, classes="prompt-title", markup=False)


class ConfirmPrompt(ModalScreen[bool]):
    """A yes/no question: ``y`` or Enter says yes, ``n`` or Esc says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", priority=True),
        Binding("n,escape", "answer(False)", "No", priority=True),
    ]

    def __init__(self, title: str, detail: str = "", yes: str = "Yes") -> None:
        super().__init__(classes="prompt")
        self.title_text, self.detail, self.yes = title, detail, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            if self.detail:
                yield Static(self.detail, classes="prompt-detail", markup=False)
            yield Static(f"y {self.yes.lower()} · n or Esc: no", classes="prompt-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


ResultT = TypeVar("ResultT")


class GuardedPrompt(ModalScreen[ResultT | None], Generic[ResultT]):
    """A prompt holding typed text: Esc asks before throwing it away."""

    def has_unsaved_text(self) -> bool:
        """Whether cancelling now would lose something the user typed."""
        return False

    def action_cancel(self) -> None:
        if not self.has_unsaved_text():
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmPrompt("Discard what you typed?", "It is not saved anywhere.", "Discard"),
            answered,
        )


#: Above a text kept from a try that was refused (the case changed meanwhile, or a rule).
KEPT_TEXT = "Not saved yet: your text from the last try, which was refused. Check it, then send."


class TextPrompt(GuardedPrompt[str]):
    """A multi-line message (reply, note, reason). Ctrl+S sends, Esc cancels (asking first if
    something was typed).

    No form's Ctrl+S is a priority binding: it reaches the form through the focused field,
    after the keys typed before it. As a priority binding it ran as it arrived, before the
    words queued ahead of it reached the field, and saved a note empty or cut short."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Send"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        title: str,
        hint: str,
        verb: str,
        required: bool = True,
        text: str = "",
        kept: bool = False,
        error: str = "",
    ) -> None:
        """``kept``: ``text`` is what the user wrote for a try that was not saved; ``error``:
        why that try was refused (shown above the text)."""
        super().__init__(classes="prompt")
        self.title_text, self.hint, self.verb, self.required = title, hint, verb, required
        self.initial, self.kept, self.error = text, kept, error

    def kept_line(self) -> Static:
        """Says the text below is a refused try's, not saved (hidden when it is not)."""
        line = Static(KEPT_TEXT, id="prompt-kept", classes="field-error", markup=False)
        line.display = self.kept
        return line

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            yield Static(
                f"{self.hint}  Ctrl+S {self.verb.lower()} · Esc cancel", classes="prompt-hint"
            )
            yield self.kept_line()
            yield Static(
                self.error, id="prompt-error", classes="field-error", markup=False
            )  # above the text: in sight
            yield TextArea(self.initial, id="prompt-text")
            with Horizontal(classes="prompt-buttons"):
                yield Button(self.verb, variant="primary", id="prompt-ok")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea), scroll_visible=False)

    def has_unsaved_text(self) -> bool:
        return bool(self.query_one(TextArea).text.strip())

    def action_submit(self) -> None:
        text = self.query_one(TextArea).text.strip()
        if self.required and not text:
            self.query_one("#prompt-error", Static).update(
                "Write something first (it must not be empty)."
            )
            return
        self.dismiss(text)

    @on(Button.Pressed, "#prompt-ok")
    def ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#prompt-cancel")
    def cancel(self) -> None:
        self.action_cancel()


@dataclass(frozen=True)
class Choice:
    """One option of a :class:`ChoicePrompt`."""

    value: str
    label: str
    description: str


class ChoicePrompt(ModalScreen[str | None]):
    """Pick one option (arrows and Enter, or its number 1–9); descriptions help choose."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, choices: list[Choice], current: str | None = None) -> None:
        super().__init__(classes="prompt")
        self.title_text, self.choices, self.current = title, choices, current

    def compose(self) -> ComposeResult:
        options = []
        for number, choice in enumerate(self.choices, start=1):
            marker = " (current)" if choice.value == self.current else ""
            key = f"[b]{number}[/b] " if number <= 9 else "  "
            prompt = f"{key}{markup_text(choice.label)}{marker}"  # names from the database
            if choice.description:
                prompt += f"\n   [dim]{markup_text(choice.description)}[/dim]"
            options.append(Option(prompt, id=choice.value or "-"))
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            yield OptionList(*options, id="choices")
            yield Static("Enter choose · 1–9 pick · Esc cancel", classes="prompt-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        self.set_focus(option_list, scroll_visible=False)
        values = [c.value for c in self.choices]
        if self.current in values:
            option_list.highlighted = values.index(self.current)

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character in "123456789":
            index = int(event.character) - 1
            if index < len(self.choices):
                event.stop()
                self.dismiss(self.choices[index].value)

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        value = event.option.id or ""
        self.dismiss("" if value == "-" else value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CallPrompt(GuardedPrompt[tuple[int, str]]):
    """A call on an existing case: a timer runs from when the prompt opened; type the length in
    minutes to override it. Notes below."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, clock: Clock) -> None:
        super().__init__(classes="prompt")
        self.title_text = title
        self.clock = clock
        self.started: datetime = clock.now()

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            yield Static("☎ 00:00 timing the call", id="call-running")
            yield Static("Ctrl+S save · Esc cancel", classes="prompt-hint")
            yield Label("Call length in minutes (leave empty to use the timer)")
            yield Input(placeholder="e.g. 5", id="call-minutes", type="number")
            yield Static("", id="prompt-error", classes="field-error", markup=False)
            yield Label("Notes")
            yield TextArea(id="call-notes")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.set_focus(self.query_one("#call-notes", TextArea), scroll_visible=False)

    def elapsed(self) -> int:
        """Whole seconds since the prompt opened."""
        return max(0, int((self.clock.now() - self.started).total_seconds()))

    def _tick(self) -> None:
        self.query_one("#call-running", Static).update(
            f"☎ {call_timer(self.elapsed())} timing the call"
        )

    def has_unsaved_text(self) -> bool:
        """Typed notes or length, or a call already timed for a while (not thrown away)."""
        return bool(
            self.query_one("#call-notes", TextArea).text.strip()
            or self.query_one("#call-minutes", Input).value.strip()
            or self.elapsed() >= UNSAVED_CALL_SECONDS
        )

    def action_submit(self) -> None:
        raw = self.query_one("#call-minutes", Input).value.strip()
        error = self.query_one("#prompt-error", Static)
        if raw:
            try:
                minutes = float(raw)
            except ValueError:
                minutes = -1
            if not 0 < minutes <= 720:
                error.update("Call length: minutes above 0 and at most 720.")
                return
            seconds = round(minutes * 60)
        else:
            seconds = self.elapsed()
            if seconds <= 0:
                error.update("Type the call's length, or let the timer run while you talk.")
                return
        notes = self.query_one("#call-notes", TextArea).text.strip()
        self.dismiss((seconds, notes))
