"""The mail quarantine: messages the import could not file on its own, with the reason; an agent
releases each into a new case or an existing one, or discards it (with a reason)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.core.rules import Action, may
from wzdesk.tui.screens.prompts import Choice, ChoicePrompt, TextPrompt
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

#: The screen shows the newest held messages; the rest wait their turn (``mail quarantine list``).
PAGE = 500
OTHER = "\x00other"


@dataclass(frozen=True)
class HeldRow:
    """One held message as the table shows it."""

    id: int
    sender: str
    subject: str
    reason: str
    received: str
    admins: tuple[tuple[str, str], ...]  # (email, "Name (rank)") of the sender's client


@dataclass
class QuarantineLoaded(Message):
    rows: list[HeldRow]
    total: int
    error: str | None = None


@dataclass
class PreviewLoaded(Message):
    quarantine_id: int
    text: str


@dataclass
class DecisionMade(Message):
    message: str
    error: str | None = None


def _short(instant: str | None) -> str:
    if not instant:
        return "—"
    return datetime.fromisoformat(instant).strftime("%a %d %b %H:%M")


def fetch_held(now: datetime) -> tuple[list[HeldRow], int]:
    """The newest held messages and how many are held in all (runs in a worker thread)."""
    from wzdesk.services.calendar import load_policy_book
    from wzdesk.services.mail_quarantine import (
        held_count,
        list_quarantine,
        quarantine_dict,
        suggested_contacts,
    )

    zone = load_policy_book().at(now).calendar.zone
    rows = []
    for held in list_quarantine(limit=PAGE):
        shown = quarantine_dict(held, zone)
        admins = tuple(
            (c.email, f"{c.name} ({c.admin_rank or 'admin'})")
            for c in suggested_contacts(held)
            if c.email
        )
        rows.append(
            HeldRow(
                held.id,
                shown["from"] or "(no sender)",
                shown["subject"] or "(no subject)",
                shown["reason"],
                _short(shown["received_at"]),
                admins,
            )
        )
    return rows, held_count()


def fetch_preview(quarantine_id: int) -> str:
    """The held message's text, for the agent to decide (runs in a worker thread)."""
    from wzdesk.services.mail_quarantine import held_preview

    return held_preview(quarantine_id)


class LinePrompt(ModalScreen[str | None]):
    """One line of text (a case reference, an email address). Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, hint: str, placeholder: str = "") -> None:
        super().__init__(classes="prompt")
        self.title_text, self.hint, self.placeholder = title, hint, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield Label(self.title_text, classes="prompt-title")
            yield Input(placeholder=self.placeholder, id="line")
            yield Static("", id="prompt-error", classes="field-error")
            yield Static(f"{self.hint}  Enter accept · Esc cancel", classes="prompt-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update("Type something first.")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuarantineScreen(Screen[None]):
    """Held mail, newest first: sender, subject, reason, when it arrived; decide by key."""

    BINDINGS = [
        Binding("n", "release_new", "New case"),
        Binding("c", "release_case", "Into case"),
        Binding("d", "discard", "Discard"),
        Binding("f5", "reload", "Reload"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, HeldRow] = {}

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[str] = DataTable(
            id="quarantine-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static("", id="quarantine-preview")
        yield Static("Loading the quarantine…", id="quarantine-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#quarantine-table", DataTable)
        table.border_title = "Quarantined mail"
        table.add_columns("#", "From", "Subject", "Reason", "Received")
        self.query_one("#quarantine-preview", Static).border_title = "Message"
        table.focus()
        self.load()

    # -- reading ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="quarantine", exit_on_error=False)
    def load(self) -> None:
        worker = get_current_worker()
        try:
            rows, total = in_thread(fetch_held, self.wz.clock.now())
        except Exception as error:  # the database went away: say so, keep the screen
            if not worker.is_cancelled:
                self.post_message(QuarantineLoaded([], 0, str(error).splitlines()[0]))
            return
        if not worker.is_cancelled:
            self.post_message(QuarantineLoaded(rows, total))

    def on_quarantine_loaded(self, message: QuarantineLoaded) -> None:
        status = self.query_one("#quarantine-status", Static)
        if message.error:
            status.update(f"Cannot read the quarantine: {message.error}")
            return
        table = self.query_one("#quarantine-table", DataTable)
        keep = self._selected_id()
        table.clear()
        self.rows = {row.id: row for row in message.rows}
        for row in message.rows:
            table.add_row(
                str(row.id), row.sender, row.subject, row.reason, row.received, key=str(row.id)
            )
        shown = len(message.rows)
        more = f" (newest {shown} shown)" if message.total > shown else ""
        status.update(
            f"{message.total:,} held{more} · n new case · c into a case · d discard · Esc back"
            if message.total
            else "Nothing held: every message found its case."
        )
        table.border_title = f"Quarantined mail · {message.total:,}"
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        if not self.rows:
            self.query_one("#quarantine-preview", Static).update("")
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#quarantine-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            row = self.rows.get(int(event.row_key.value))
            if row is not None:
                self.query_one("#quarantine-preview", Static).update(f"Held: {row.reason}")
                self.load_preview(row.id)

    @work(thread=True, exclusive=True, group="quarantine-preview", exit_on_error=False)
    def load_preview(self, quarantine_id: int) -> None:
        worker = get_current_worker()
        try:
            text = in_thread(fetch_preview, quarantine_id)
        except Exception as error:
            text = f"(cannot show the message: {error})"
        if not worker.is_cancelled:
            self.post_message(PreviewLoaded(quarantine_id, text))

    def on_preview_loaded(self, message: PreviewLoaded) -> None:
        row = self.rows.get(message.quarantine_id)
        if row is not None and self._selected_id() == row.id:
            preview = self.query_one("#quarantine-preview", Static)
            preview.update(f"Held: {row.reason}\n\n{message.text}")

    def _selected_id(self) -> int | None:
        table = self.query_one("#quarantine-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def _selected(self) -> HeldRow | None:
        selected = self._selected_id()
        return self.rows.get(selected) if selected is not None else None

    # -- deciding -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("release_new", "release_case", "discard"):
            if not may(self.wz.role, Action.HANDLE_MAIL):
                return False
            return True if self.rows else None
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_release_new(self) -> None:
        row = self._selected()
        if row is None:
            return

        def with_contact(email: str | None) -> None:
            if email == OTHER:
                self.app.push_screen(
                    LinePrompt(
                        f"Open a case from message {row.id} for",
                        "The client admin's email address.",
                        "ana@client.example",
                    ),
                    self._then("release_new", row.id),
                )
            elif email:
                self._decide("release_new", row.id, email)

        choices = [Choice(email, label, email) for email, label in row.admins]
        choices.append(Choice(OTHER, "Another client admin…", "Type their email address"))
        self.app.push_screen(
            ChoicePrompt(f"Open a case from “{row.subject}” for", choices), with_contact
        )

    def action_release_case(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.app.push_screen(
            LinePrompt(
                f"Add message {row.id} to which case?",
                "It is added as the client's message.",
                "WZ-1042",
            ),
            self._then("release_case", row.id),
        )

    def action_discard(self) -> None:
        row = self._selected()
        if row is None:
            return
        self.app.push_screen(
            TextPrompt(
                f"Discard message {row.id} from {row.sender}?",
                "Say why (it is audited; the message stays on record).",
                "Discard",
            ),
            self._then("discard", row.id),
        )

    def _then(self, what: str, quarantine_id: int) -> Callable[[str | None], None]:
        """A prompt's callback: decide with the answer, unless the prompt was cancelled."""

        def decide(answer: str | None) -> None:
            if answer:
                self._decide(what, quarantine_id, answer)

        return decide

    @work(thread=True, group="quarantine-decide", exit_on_error=False)
    def _decide(self, what: str, quarantine_id: int, value: str) -> None:
        from wzdesk.services import mail_quarantine as quarantine

        ctx = self.wz.context
        try:
            if what == "release_new":
                case: Any = in_thread(quarantine.release_to_new_case, ctx, quarantine_id, value)
                done = f"Message {quarantine_id} opened {case.ref}"
            elif what == "release_case":
                case = in_thread(quarantine.release_to_case, ctx, quarantine_id, value)
                done = f"Message {quarantine_id} added to {case.ref}"
            else:
                in_thread(quarantine.discard, ctx, quarantine_id, value)
                done = f"Message {quarantine_id} discarded"
        except UserError as error:
            self.post_message(DecisionMade("", str(error)))
            return
        self.post_message(DecisionMade(done))

    def on_decision_made(self, message: DecisionMade) -> None:
        if message.error:
            self.notify(message.error, title="Not done", severity="error", timeout=8)
        else:
            self.notify(message.message, timeout=4)
            self.wz.load_queue()  # a new or reopened case shows in the queue
        self.load()
