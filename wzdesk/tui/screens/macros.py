"""Canned replies in the console: a picker that returns the chosen reply filled in for the case
(the agent then edits it before sending), and a command-palette provider for the reply editor."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from wzdesk.core.errors import UserError
from wzdesk.tui.formatting import literal, markup_text
from wzdesk.tui.screens.prompts import PromptTitle
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.screens.reply import ReplyEditor


@dataclass(frozen=True)
class MacroEntry:
    """A canned reply as the picker lists it."""

    name: str
    body: str

    @property
    def first_line(self) -> str:
        line = self.body.splitlines()[0] if self.body else ""
        return line if len(line) <= 70 else line[:69] + "…"


@dataclass
class MacroFilled(Message):
    """A canned reply filled in for a case (``error``: why it could not be)."""

    text: str | None
    error: str | None = None


def fill_for(node: MessagePump, name: str, ref: str) -> MacroFilled:
    """Canned reply ``name`` filled in for case ``ref`` as the console user (worker thread)."""
    from wzdesk.services.macros import fill_macro

    try:
        return MacroFilled(in_thread(fill_macro, desk(node).context, name, ref))
    except UserError as error:
        return MacroFilled(None, str(error))


def load_macros() -> list[MacroEntry]:
    """Every canned reply (call from a worker thread)."""
    from wzdesk.services.macros import list_macros

    return [MacroEntry(m.name, m.body) for m in in_thread(list_macros)]


class MacroPicker(ModalScreen[str | None]):
    """Pick a canned reply for case ``ref``: type to narrow, Enter to take it. Dismisses with
    the text filled in for the case (``None`` on Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @dataclass
    class Loaded(Message):
        entries: list[MacroEntry]
        error: str | None = None

    def __init__(self, ref: str) -> None:
        super().__init__(classes="prompt")
        self.ref = ref
        self.entries: list[MacroEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(f"Canned reply for {self.ref}")
            yield Static("↑↓ choose · Enter fill in and edit · Esc cancel", classes="prompt-hint")
            yield Input(placeholder="type to narrow by name or text", id="macro-filter")
            yield Static("", id="prompt-error", classes="field-error", markup=False)
            yield OptionList(id="macro-list")
            yield Static("", id="macro-preview", markup=False)  # the macro's text, as written

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#macro-filter", Input), scroll_visible=False)
        self.load()

    @work(thread=True, exclusive=True, group="macros", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(self.Loaded(load_macros()))
        except UserError as error:
            self.post_message(self.Loaded([], str(error)))

    def on_macro_picker_loaded(self, message: Loaded) -> None:
        self.entries = message.entries
        if message.error:
            self._error(message.error)
        self._show()

    def _visible(self) -> list[MacroEntry]:
        text = self.query_one("#macro-filter", Input).value.strip().lower()
        return [e for e in self.entries if text in e.name or text in e.body.lower()]

    def _show(self) -> None:
        options = self.query_one("#macro-list", OptionList)
        options.clear_options()
        visible = self._visible()
        if not self.entries:
            self._error("No canned replies yet: add one with 'wzdesk macro add NAME --body …'.")
        for entry in visible:
            options.add_option(
                Option(
                    f"[b]{markup_text(entry.name)}[/b]  [dim]{markup_text(entry.first_line)}[/dim]",
                    id=entry.name,
                )
            )
        if visible:
            options.highlighted = 0
            self._preview(visible[0])
        else:
            self.query_one("#macro-preview", Static).update("")

    def _preview(self, entry: MacroEntry) -> None:
        self.query_one("#macro-preview", Static).update(entry.body)

    def _error(self, text: str) -> None:
        self.query_one("#prompt-error", Static).update(text)

    @on(Input.Changed, "#macro-filter")
    def narrowed(self) -> None:
        self._show()

    @on(Input.Submitted, "#macro-filter")
    def take_highlighted(self) -> None:
        options = self.query_one("#macro-list", OptionList)
        visible = self._visible()
        if visible and options.highlighted is not None:
            self.fill(visible[options.highlighted].name)

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key in ("down", "up") and self.focused is self.query_one("#macro-filter"):
            options = self.query_one("#macro-list", OptionList)
            self.set_focus(options)

    @on(OptionList.OptionHighlighted, "#macro-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        entry = next((e for e in self.entries if e.name == event.option.id), None)
        if entry is not None:
            self._preview(entry)

    @on(OptionList.OptionSelected, "#macro-list")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.fill(event.option.id)

    @work(thread=True, exclusive=True, group="macros", exit_on_error=False)
    def fill(self, name: str) -> None:
        self.post_message(fill_for(self, name, self.ref))

    def on_macro_filled(self, message: MacroFilled) -> None:
        if message.error:
            self._error(message.error)
            return
        self.dismiss(message.text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MacroCommands(Provider):
    """The palette (Ctrl+P) inside the reply editor: "Canned reply: NAME" inserts it."""

    async def _entries(self) -> list[MacroEntry]:
        return await asyncio.to_thread(load_macros)

    def _editor(self) -> ReplyEditor | None:
        """The reply editor the palette was opened over (it has ``insert_macro``)."""
        return self.screen if hasattr(self.screen, "insert_macro") else None  # type: ignore[return-value]

    async def discover(self) -> Hits:
        editor = self._editor()
        if editor is None:
            return
        for entry in await self._entries():
            yield DiscoveryHit(
                literal(f"Canned reply: {entry.name}"),
                partial(editor.insert_macro, entry.name),
                help=markup_text(entry.first_line),
            )

    async def search(self, query: str) -> Hits:
        editor = self._editor()
        if editor is None:
            return
        matcher = self.matcher(query)
        for entry in await self._entries():
            label = f"Canned reply: {entry.name}"
            score = max(matcher.match(label), matcher.match(entry.body[:200]) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    literal(label, matcher),
                    partial(editor.insert_macro, entry.name),
                    help=markup_text(entry.first_line),
                )
