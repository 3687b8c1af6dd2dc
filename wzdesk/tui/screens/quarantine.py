"""The mail quarantine (F6): messages the import could not file on its own, with the reason; an
agent releases each into a new case or an existing one, or discards it (with a reason).

The list is re-read every few seconds in a worker, like the queue (mail import runs beside the
console), and the cursor stays on its message. When that message leaves the list (released or
discarded from another console or ``wzdesk mail quarantine``), the highlight moves to the one
that took its place and the screen says so, naming both: a silent move had the user act on a
message they never picked. Every decision acts on the message that was selected when the key
was pressed, and each prompt's title names that message; a refused discard opens its prompt
again with the reason as typed and the refusal in it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, Static
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.core.rules import CATEGORY_LABELS, Action, Category, may
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.tui.formatting import local_time
from wzdesk.tui.screens.prompts import Choice, ChoicePrompt, PromptTitle, TextPrompt
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.widgets.notice_line import NoticeLine
from wzdesk.tui.workers import desk, in_thread

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

#: The screen shows the newest held messages; the rest wait their turn (``mail quarantine list``).
PAGE = 500
OTHER = "\x00other"
#: The table's short reasons (the preview shows the full one, with the admins to write to).
REASON_LABELS = {
    "not_admin": "not an admin",
    "unknown_sender": "unknown sender",
    "no_sender": "no sender",
    "ambiguous_sender": "several clients",
    "automatic": "automatic",
    "closed_case": "case closed",
    "unknown_case": "no such case",
    "unparseable": "unreadable",
    "oversized": "too large",
    "refused": "refused",
    "error": "filing failed",
}
DECISION_KEYS = {"n": "release into a new case", "c": "release into a case", "d": "discard"}


@dataclass(frozen=True)
class HeldRow:
    """One held message as the table shows it."""

    id: int
    sender: str
    subject: str
    reason: str
    reason_code: str
    received: datetime
    admins: tuple[tuple[str, str], ...]  # (email, "Name (rank)") of the sender's client

    @property
    def label(self) -> str:
        """How prompts name the message, short enough for an 80-column prompt:
        ``#12 “Report is wrong”``."""
        subject = self.subject if len(self.subject) <= 26 else self.subject[:25] + "…"
        return f"#{self.id} “{subject}”"


@dataclass(frozen=True)
class HeldList:
    """What one re-read of the quarantine found."""

    rows: list[HeldRow]
    total: int
    zone: ZoneInfo
    severity: str  # the mail settings' defaults for a new case
    category: str
    #: What became of the watched message (the one highlighted when the read began), if it
    #: is not among ``rows``: "discarded by sam".
    fates: dict[int, str] = field(default_factory=dict)


@dataclass
class QuarantineLoaded(Message):
    held: HeldList | None
    error: str | None = None


@dataclass
class PreviewLoaded(Message):
    quarantine_id: int
    text: str


@dataclass
class DecisionMade(Message):
    """A decision's outcome: ``message`` when done, else the refusal (``error``, and the
    service's ``field`` at fault) with what was asked, so that a discard's reason is kept."""

    message: str
    error: str | None = None
    what: str = ""
    row: HeldRow | None = None
    value: str = ""
    field: str | None = None


def fetch_held(now: datetime, watched: int | None = None) -> HeldList:
    """The newest held messages and how many are held in all, and what became of ``watched``
    if it is not among them (runs in a worker thread)."""
    from wzdesk.services.mail_quarantine import (
        held_count,
        list_quarantine,
        suggested_contacts,
        what_became_of,
    )
    from wzdesk.services.mail_settings import mail_settings
    from wzdesk.services.policy_book import load_policy_book

    zone = load_policy_book().at(now).calendar.zone
    rows = []
    for held in list_quarantine(limit=PAGE):
        message = held.message
        admins = tuple(
            (c.email, f"{c.name} ({c.admin_rank or 'admin'})")
            for c in suggested_contacts(held)
            if c.email
        )
        rows.append(
            HeldRow(
                held.id,
                message.from_address or "(no sender)",
                message.subject or "(no subject)",
                held.reason,
                held.reason_code,
                message.received_at,
                admins,
            )
        )
    settings = mail_settings()
    fates: dict[int, str] = {}
    if watched is not None and all(row.id != watched for row in rows):
        fates[watched] = what_became_of(watched)
    return HeldList(
        rows, held_count(), zone, settings.default_severity, settings.default_category, fates
    )


def fetch_preview(quarantine_id: int) -> str:
    """The held message's text, for the agent to decide (runs in a worker thread)."""
    from wzdesk.services.mail_quarantine import held_preview

    return held_preview(quarantine_id)


#: The services' field names (the CLI's options), as the quarantine's prompts name them.
FIELD_NAMES = {"--reason": "Reason", "--contact": "Client admin", "--case": "Case"}


def refusal(row: HeldRow, error: str, field: str | None) -> str:
    """A refused decision in the screen's words: the field at fault by its name here, and the
    message by its number when the message itself is the trouble (decided elsewhere)."""
    if field == "ID":
        return f"Message #{row.id}: {error}; nothing done."
    return f"{FIELD_NAMES[field]}: {error}" if field in FIELD_NAMES else error


class LinePrompt(ModalScreen[str | None]):
    """One line of text (a case reference, an email address). Enter accepts, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, title: str, hint: str, placeholder: str = "", *, value: str = "", error: str = ""
    ) -> None:
        """``value`` and ``error``: asked again after a refusal, the line as typed and why."""
        super().__init__(classes="prompt")
        self.title_text, self.hint, self.placeholder = title, hint, placeholder
        self.value, self.error = value, error

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle(self.title_text)
            yield Input(self.value, placeholder=self.placeholder, id="line")
            yield Static(self.error, id="prompt-error", classes="field-error", markup=False)
            yield Static(f"{self.hint}  Enter accept · Esc cancel", classes="prompt-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input), scroll_visible=False)

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update("Type something first.")
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


#: Columns, left to right: the received time stays visible, the text columns give way.
COLUMNS = ("#", "Received", "From", "Subject", "Reason")


def column_widths(width: int, rows: Sequence[tuple[str, ...]]) -> list[int]:
    """Widths that fit ``width`` cells: number and received time in full, the sender up to 30,
    subject and reason share the rest (each cell has one cell of padding either side)."""
    natural = [max([len(heading)] + [len(r[i]) for r in rows]) for i, heading in enumerate(COLUMNS)]
    number, received = natural[0], natural[1]
    sender = min(natural[2], 30, max(12, width // 5))
    rest = max(16, width - 2 * len(COLUMNS) - number - received - sender)
    reason = natural[4] if natural[4] <= rest // 2 else max(8, rest * 2 // 5)
    subject = max(8, min(natural[3], rest - reason))
    return [number, received, sender, subject, reason]


class QuarantineScreen(Screen[None]):
    """Held mail, newest first: when it came, sender, subject, reason; decide by key."""

    BINDINGS = [
        Binding("n", "release_new", "New case"),
        Binding("c", "release_case", "Into case"),
        Binding("d", "discard", "Discard"),
        Binding("j", "cursor('down')", "Down", show=False),
        Binding("k", "cursor('up')", "Up", show=False),
        Binding("f5", "reload", "Reload"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, HeldRow] = {}
        self.held: HeldList | None = None
        self._timer: Timer | None = None
        #: Messages this screen is deciding: when one leaves the list, it is no news.
        self._deciding: set[int] = set()
        #: The message the highlight moved to when its own left; moving off it ends the notice.
        self._moved_to: int | None = None

    @property
    def wz(self) -> WzdeskApp:
        return desk(self)

    def compose(self) -> ComposeResult:
        yield Header()
        table: DataTable[Text] = DataTable(
            id="quarantine-table", cursor_type="row", zebra_stripes=True
        )
        yield table
        yield Static("", id="quarantine-preview", markup=False)  # a client's mail, as written
        yield NoticeLine(id="quarantine-notice")
        yield Static("Loading the quarantine…", id="quarantine-status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#quarantine-table", DataTable)
        table.border_title = "Quarantined mail"
        self.query_one("#quarantine-preview", Static).border_title = "Message"
        self.set_focus(table, scroll_visible=False)
        self.load()

    # -- reading (live: re-armed after each read, one pending read at a time) ----------------

    def load(self) -> None:
        """Re-read the list in a worker, watching the highlighted message (so that if it has
        gone, the screen can say what became of it)."""
        self._read(self._selected_id())

    @work(thread=True, exclusive=True, group="quarantine", exit_on_error=False)
    def _read(self, watched: int | None) -> None:
        worker = get_current_worker()
        try:
            held = in_thread(fetch_held, self.wz.clock.now(), watched)
        except Exception as error:  # the database went away: say so, keep the screen
            if not worker.is_cancelled:
                first = str(error).splitlines()[0] if str(error) else repr(error)
                self.post_message(QuarantineLoaded(None, first))
            return
        if not worker.is_cancelled:
            self.post_message(QuarantineLoaded(held))

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(max(self.wz.refresh_seconds, 0.1), self.load)

    def on_quarantine_loaded(self, message: QuarantineLoaded) -> None:
        self._schedule()
        status = self.query_one("#quarantine-status", Static)
        if message.held is None:
            status.update(f"Cannot read the quarantine: {message.error}. Retrying…")
            return
        changed = self.held is None or message.held.rows != self.held.rows
        before = self._selected()
        self.held = message.held
        self.rows = {row.id: row for row in message.held.rows}
        if changed:
            self._fill()
        if before is not None and before.id not in self.rows:
            self._left(before, message.held.fates.get(before.id, "no longer held"))
        total, shown = message.held.total, len(message.held.rows)
        more = f" (newest {shown} shown)" if total > shown else ""
        keys = (
            "n new case · c into a case · d discard"
            if may(self.wz.role, Action.HANDLE_MAIL)
            else "agents and supervisors release or discard it"
        )
        status.update(
            f"{total:,} held{more} · {keys} · Esc back"
            if total
            else "Nothing held: every message found its case."
        )
        self.query_one(
            "#quarantine-table", DataTable
        ).border_title = f"Quarantined mail · {total:,}"
        if not self.rows:
            self.query_one("#quarantine-preview", Static).update("")
        self.refresh_bindings()

    def _fill(self) -> None:
        """Rebuild the table to fit the width; the cursor stays on its message (or, if that
        message was decided elsewhere, on the one that took its place)."""
        held = self.held
        if held is None:
            return
        table = self.query_one("#quarantine-table", DataTable)
        keep, index = self._selected_id(), table.cursor_row
        cells = [
            (
                str(row.id),
                local_time(row.received, held.zone, now=self.wz.clock.now()),
                row.sender,
                row.subject,
                REASON_LABELS.get(row.reason_code, row.reason),
            )
            for row in held.rows
        ]
        room = table.scrollable_content_region.width or self.size.width - 4
        scrollbar = 2 if len(cells) > table.scrollable_content_region.height else 0
        widths = column_widths(room - scrollbar, cells)
        table.clear(columns=True)
        for heading, width in zip(COLUMNS, widths, strict=True):
            table.add_column(heading, width=width)
        for row, values in zip(held.rows, cells, strict=True):
            texts = []
            for value, width in zip(values, widths, strict=True):
                text = Text(value)
                text.truncate(width, overflow="ellipsis")
                texts.append(text)
            table.add_row(*texts, key=str(row.id))
        if keep in self.rows:
            table.move_cursor(row=table.get_row_index(str(keep)))
        elif held.rows:
            table.move_cursor(row=min(index, len(held.rows) - 1))

    def _left(self, gone: HeldRow, fate: str) -> None:
        """The highlighted message left the list: name it, how it left, and where the
        highlight is now (unless this screen's own decision took it away: that one is
        announced when it is done)."""
        if gone.id in self._deciding:
            return
        now = self._selected()
        self._moved_to = now.id if now is not None else None
        where = f"now on {now.label}" if now is not None else "nothing is highlighted"
        text = f"{gone.label} left the quarantine ({fate}); {where}."
        self.query_one(NoticeLine).say(text)

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fill)

    @on(DataTable.RowHighlighted, "#quarantine-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        if (
            self._moved_to is not None
            and event.row_key.value is not None
            and int(event.row_key.value) == self._selected_id() != self._moved_to
        ):  # the user moved on from where the highlight landed (not a refill's passing row)
            self._moved_to = None
            self.query_one(NoticeLine).say("")
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

    def action_cursor(self, direction: str) -> None:
        table = self.query_one("#quarantine-table", DataTable)
        if direction == "down":
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    # -- deciding -----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("release_new", "release_case", "discard"):
            if not may(self.wz.role, Action.HANDLE_MAIL):
                return False
            return True if self.rows else None
        return True

    def explain_refused_key(self, event: events.Key) -> bool:
        """A decision key the role may not use says why (it is not offered in the footer);
        asked by the app in key order (:class:`~wzdesk.tui.typeahead.ExplainsRefusals`)."""
        if event.key not in DECISION_KEYS or may(self.wz.role, Action.HANDLE_MAIL):
            return False
        self.notify(
            f"{self.wz.context.actor} ({self.wz.role.value}) may not "
            f"{DECISION_KEYS[event.key]}: agents and supervisors decide on held mail.",
            severity="warning",
        )
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    @work(group="prompts", exclusive=True)
    async def action_release_new(self) -> None:
        """Whom the case is for, then its severity and category; then release."""
        row, held = self._selected(), self.held
        if row is None or held is None:
            return
        choices = [Choice(email, label, email) for email, label in row.admins]
        choices.append(Choice(OTHER, "Another client admin…", "Type their email address"))
        email = await self.app.push_screen_wait(
            ChoicePrompt(f"New case from {row.label} for", choices)
        )
        if email == OTHER:
            email = await self.app.push_screen_wait(
                LinePrompt(
                    f"New case from {row.label} for",
                    "The client admin's email address.",
                    "ana@client.example",
                )
            )
        if not email or self._gone_meanwhile(row):
            return
        severity = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Severity of the case from {row.label}",
                [Choice(s.value, s.value.capitalize(), SEVERITY_DESCRIPTIONS[s]) for s in Severity],
                current=held.severity,
            )
        )
        if not severity or self._gone_meanwhile(row):
            return
        category = await self.app.push_screen_wait(
            ChoicePrompt(
                f"Category of the case from {row.label}",
                [Choice(c.value, CATEGORY_LABELS[c], "") for c in Category],
                current=held.category,
            )
        )
        if category:
            self._deciding.add(row.id)
            self._decide("release_new", row, email, severity=severity, category=category)

    def _gone_meanwhile(self, row: HeldRow) -> bool:
        """Whether ``row`` left the quarantine while its new-case questions were open (decided
        elsewhere, as the last reload saw): then say so and ask nothing more, since no answer
        could open the case (the next prompt opened, and the last answer was refused)."""
        if row.id in self.rows:
            return False
        self.notify(
            f"{row.label} left the quarantine meanwhile: no case was opened from it.",
            severity="warning",
        )
        return True

    def action_release_case(self) -> None:
        row = self._selected()
        if row is not None:
            self.ask_release_case(row)

    def ask_release_case(self, row: HeldRow, ref: str = "", error: str = "") -> None:
        """Which case to add ``row`` to (again after a refusal: ``ref`` as typed, and
        ``error`` saying why it was refused)."""
        self.app.push_screen(
            LinePrompt(
                f"Add {row.label} to which case?",
                "It is added as the client's message.",
                "WZ-1042",
                value=ref,
                error=error,
            ),
            self._then("release_case", row),
        )

    def action_discard(self) -> None:
        row = self._selected()
        if row is not None:
            self.ask_discard(row)

    def ask_discard(self, row: HeldRow, reason: str = "", error: str = "") -> None:
        """The discard prompt for ``row`` (again after a refusal: ``reason`` as typed, and
        ``error`` saying why it was refused)."""
        self.app.push_screen(
            TextPrompt(
                f"Discard {row.label}?",
                f"From {row.sender}. Say why (it is audited; the message stays on record).",
                "Discard",
                text=reason,
                kept=bool(reason),
                error=error,
            ),
            self._then("discard", row),
        )

    def _then(self, what: str, row: HeldRow) -> Callable[[str | None], None]:
        """A prompt's callback: decide on ``row`` (the message the prompt was opened for,
        wherever the highlight is now) with the answer, unless the prompt was cancelled."""

        def decide(answer: str | None) -> None:
            if answer:
                self._deciding.add(row.id)
                self._decide(what, row, answer)

        return decide

    @work(thread=True, group="quarantine-decide", exit_on_error=False)
    def _decide(self, what: str, row: HeldRow, value: str, **options: str) -> None:
        from wzdesk.services import mail_quarantine as quarantine

        ctx, quarantine_id = self.wz.context, row.id
        try:
            if what == "release_new":
                case: Any = in_thread(
                    quarantine.release_to_new_case, ctx, quarantine_id, value, **options
                )
                done = f"Message #{quarantine_id} opened {case.ref} ({case.severity})"
            elif what == "release_case":
                case = in_thread(quarantine.release_to_case, ctx, quarantine_id, value)
                done = f"Message #{quarantine_id} added to {case.ref}"
            else:
                in_thread(quarantine.discard, ctx, quarantine_id, value)
                done = f"Message #{quarantine_id} discarded"
        except UserError as error:
            self.post_message(DecisionMade("", error.message, what, row, value, error.field))
            return
        self.post_message(DecisionMade(done, what=what, row=row))

    def on_decision_made(self, message: DecisionMade) -> None:
        row = message.row
        if message.error and row is not None:
            self._deciding.discard(row.id)
            said = refusal(row, message.error, message.field)
            self.notify(said, title="Not done", severity="error", timeout=8)
            if message.field == "ID":
                pass  # the message was decided elsewhere: no answer can succeed, ask nothing
            elif message.what == "discard":  # the reason as typed, the refusal above it
                self.ask_discard(row, message.value, said)
            elif message.what == "release_case":  # the reference as typed, the refusal under
                self.ask_release_case(row, message.value, said)
        else:
            self.notify(message.message, timeout=4)
            self.wz.load_queue()  # a new or reopened case shows in the queue
        self.load()
