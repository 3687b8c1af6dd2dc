"""Changing the calendar from the console (supervisors): the holiday form (``a`` on the calendar
screen), and the what-if shown before any holiday is added or removed.

The what-if is the service's own dry run (``add_holiday(..., dry_run=True)``: the same work,
rolled back), run in a thread worker; saving runs the same service for real. So the table of
moved cases is exactly what saving then writes, unless another change lands in between (the
screen then says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from wzdesk.core.errors import UserError
from wzdesk.core.timefmt import parse_date
from wzdesk.services.context import ServiceContext
from wzdesk.services.retiming import CaseMove, Retiming
from wzdesk.tui.formatting import local_time
from wzdesk.tui.screens.prompts import GuardedPrompt, PromptTitle
from wzdesk.tui.workers import desk, in_thread

#: The what-if lists this many moved targets; the rest are counted (the CLI lists them all).
MAX_WHAT_IF_ROWS = 200
#: The service's field names, as the form labels them.
FIELD_LABELS = {"DATE": "Date", "--name": "Name", "--hours": "Hours"}
FORM_FIELDS = ("date", "name", "hours")


@dataclass(frozen=True)
class HolidayChange:
    """A holiday to add (or whose name and hours to change) or to remove."""

    day: date
    remove: bool = False
    name: str = ""
    #: The hours the desk keeps that day ("08:00-12:00"); "closed": closed all day.
    hours: str = "closed"

    @property
    def label(self) -> str:
        """``2026-12-24 “Christmas Eve” (open 08:00-12:00)``."""
        text = self.day.isoformat()
        if self.name:
            text += f" “{self.name}”"
        if not self.remove and self.hours != "closed":
            text += f" (open {self.hours})"
        return text


@dataclass(frozen=True)
class WhatIf:
    """A change and the cases it would re-time, with the support zone to show them in."""

    change: HolidayChange
    retiming: Retiming
    zone: ZoneInfo
    now: datetime


def run_change(ctx: ServiceContext, change: HolidayChange, dry_run: bool) -> Retiming:
    """Add or remove the holiday (or only say what it would do); call from a worker thread."""
    from wzdesk.services.calendar import add_holiday, remove_holiday

    if change.remove:
        return remove_holiday(ctx, change.day, dry_run=dry_run)
    return add_holiday(ctx, change.day, change.name, dry_run=dry_run, hours=change.hours).retiming


def what_if(ctx: ServiceContext, change: HolidayChange) -> WhatIf:
    """The dry run of ``change`` (call from a worker thread)."""
    from wzdesk.services.calendar import support_zone_at

    now = ctx.clock.now()
    return WhatIf(change, run_change(ctx, change, dry_run=True), support_zone_at(now), now)


def same_moves(one: Retiming, other: Retiming) -> bool:
    """Whether two re-timings move the same cases to the same due instants."""

    def key(retiming: Retiming) -> set[tuple[str, object]]:
        return {(move.ref, move.after) for move in retiming.moves}

    return key(one) == key(other)


def shift_text(seconds: float) -> str:
    """How far a due instant moves on the wall clock: ``+24h00m``, ``-2h30m``."""
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(round(abs(seconds) / 60), 60)
    return f"{sign}{hours}h{minutes:02d}m"


#: Rows that change a breach come first (they matter most when the list is cut short).
_BREACH_ORDER = {"newly breached": 0, "no longer breached": 1, "": 2}


def what_if_rows(
    moves: tuple[CaseMove, ...], zone: ZoneInfo, now: datetime, limit: int | None = None
) -> tuple[list[list[str]], int]:
    """One row per target whose due instant moves: case, target, due now, due after, shift,
    and whether it newly breaches or stops being breached; newly breached first, then no
    longer breached, then the rest, each in case order. Only the first ``limit`` rows are
    formatted (a holiday can move thousands of cases); the count is of all of them."""
    moved = []
    for move in moves:
        for target, before, after, shift in (
            ("response", move.before.response_due, move.after.response_due, move.response_shift),
            (
                "resolution",
                move.before.resolution_due,
                move.after.resolution_due,
                move.resolution_shift,
            ),
        ):
            if before == after:
                continue
            breach = (
                "newly breached"
                if target in move.newly_breached
                else "no longer breached"
                if target in move.no_longer_breached
                else ""
            )
            moved.append((move.ref, target, before, after, shift, breach))
    moved.sort(key=lambda row: _BREACH_ORDER[row[5]])  # stable: case order within each
    rows = [
        [
            ref,
            target,
            local_time(before, zone, now=now),
            local_time(after, zone, now=now),
            shift_text(shift),
            breach,
        ]
        for ref, target, before, after, shift, breach in moved[:limit]
    ]
    return rows, len(moved)


def what_if_summary(retiming: Retiming) -> str:
    """``3 cases move · 1 newly breached · 1 no longer breached`` (cases not closed: resolved
    ones keep their due instants too, as the queue's history and reports read them)."""
    moves = retiming.moves
    # In a few words: at 80x24 the box scrolls to its table, and a sentence here took three
    # lines and pushed the count out of sight (``wzdesk holidays ... --dry-run`` says more).
    waits = retiming.waits_recounted
    recounted = f"{waits} wait{'s' if waits != 1 else ''} after a breach recounted"
    if not moves:
        return "No case moves" + (f" · {recounted} (due instants stay)." if waits else ".")
    count = len(moves)
    parts = [f"{count} case{'s' if count != 1 else ''} move{'s' if count == 1 else ''}"]
    newly = sum(1 for move in moves if move.newly_breached)
    no_longer = sum(1 for move in moves if move.no_longer_breached)
    if newly:
        parts.append(f"{newly} newly breached")
    if no_longer:
        parts.append(f"{no_longer} no longer breached")
    if waits:
        parts.append(recounted)
    return " · ".join(parts)


def saved_text(change: HolidayChange, retiming: Retiming, existed: bool) -> str:
    """What the screen says after saving: ``Holiday 2026-12-24 added; 14 cases re-timed``."""
    verb = "removed" if change.remove else "updated" if existed else "added"
    count = len(retiming.moves)
    return (
        f"Holiday {change.day.isoformat()} {verb}; {count} case{'s' if count != 1 else ''} re-timed"
    )


class HolidayForm(GuardedPrompt[WhatIf]):
    """Date, optional name, optional hours kept that day. Ctrl+S runs the what-if (a dry run
    in a worker); a refusal shows under the field it names; the form closes with the what-if.
    Esc asks first when something is typed."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "What-if"),
        Binding("escape", "cancel", "Cancel"),
    ]

    @dataclass
    class Checked(Message):
        """The dry run's answer: the what-if, or the refusal."""

        what_if: WhatIf | None
        error: UserError | None = None

    def __init__(self, day: str = "", name: str = "", hours: str = "") -> None:
        super().__init__(classes="prompt")
        self.initial = {"date": day, "name": name, "hours": hours}
        self.busy = False
        #: The field a refusal stands under, and its value then: edited since, the refusal goes.
        self._refused: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        placeholders = {
            "date": "Date: YYYY-MM-DD",
            "name": "Name (optional), e.g. Christmas Eve",
            "hours": "Hours kept that day (optional), e.g. 08:00-12:00; empty: closed all day",
        }
        with Vertical(classes="prompt-box"):
            yield PromptTitle("Add a holiday or half-day")
            for name in FORM_FIELDS:
                yield Input(
                    self.initial[name], placeholder=placeholders[name], id=f"holiday-{name}"
                )
                yield Static("", id=f"holiday-{name}-error", classes="field-error", markup=False)
            yield Static("", id="holiday-error", classes="field-error", markup=False)
            yield Static(
                "Ctrl+S what-if (nothing is saved yet) · Esc cancel", classes="prompt-hint"
            )

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#holiday-date", Input), scroll_visible=False)

    def value(self, name: str) -> str:
        return self.query_one(f"#holiday-{name}", Input).value.strip()

    def show_error(self, error: UserError | None) -> None:
        """The refusal under the field it names (elsewhere: under the form); None clears."""
        for name in (*FORM_FIELDS, ""):
            self.query_one(f"#holiday-{name}-error" if name else "#holiday-error", Static).update(
                ""
            )
        self._refused = None
        if error is None:
            return
        label = FIELD_LABELS.get(error.field or "")
        if label is None:
            self.query_one("#holiday-error", Static).update(str(error))
        else:
            name = label.lower()
            self.query_one(f"#holiday-{name}-error", Static).update(f"{label}: {error.message}")
            self.set_focus(self.query_one(f"#holiday-{name}", Input))
            self._refused = (name, self.value(name))

    @on(Input.Changed)
    def edited(self, event: Input.Changed) -> None:
        """A refused field once edited loses its error: it no longer says what is there."""
        if self._refused is None or event.input.id != f"holiday-{self._refused[0]}":
            return
        if event.value.strip() != self._refused[1]:
            self.query_one(f"#holiday-{self._refused[0]}-error", Static).update("")
            self._refused = None

    def action_submit(self) -> None:
        if self.busy:
            return
        try:
            day = parse_date(self.value("date"), "DATE")
        except UserError as error:
            self.show_error(error)
            return
        self.show_error(None)
        self.busy = True
        self.query_one("#holiday-error", Static).update("Working out the what-if…")
        self.check(
            HolidayChange(day, name=self.value("name"), hours=self.value("hours") or "closed")
        )

    @work(thread=True, exclusive=True, group="holiday-what-if", exit_on_error=False)
    def check(self, change: HolidayChange) -> None:
        try:
            result = in_thread(what_if, desk(self).context, change)
        except UserError as error:
            self.post_message(self.Checked(None, error))
            return
        except Exception as error:  # the database went away: say so, keep the form
            first = str(error).splitlines()[0] if str(error) else repr(error)
            self.post_message(
                self.Checked(None, UserError(f"Cannot work out the what-if: {first}"))
            )
            return
        self.post_message(self.Checked(result))

    def on_holiday_form_checked(self, message: Checked) -> None:
        self.busy = False
        if message.what_if is None:
            self.show_error(message.error)
        else:
            self.dismiss(message.what_if)

    def has_unsaved_text(self) -> bool:
        """Esc and quitting ask first when the form holds something typed."""
        return any(self.value(name) for name in FORM_FIELDS)


class WhatIfScreen(ModalScreen[bool]):
    """Before saving: how many cases move, and each moved target (case, target, due now,
    due after, shift, newly breached or no longer breached). Save or Cancel."""

    BINDINGS = [
        Binding("ctrl+s", "answer(True)", "Save", priority=True),
        Binding("escape", "answer(False)", "Cancel", priority=True),
    ]

    def __init__(self, what: WhatIf) -> None:
        super().__init__(classes="prompt")
        self.what = what

    def compose(self) -> ComposeResult:
        change = self.what.change
        verb = "Remove" if change.remove else "Add"
        rows, total = what_if_rows(
            self.what.retiming.moves, self.what.zone, self.what.now, MAX_WHAT_IF_ROWS
        )
        with Vertical(classes="prompt-box", id="what-if-box"):
            yield PromptTitle(f"{verb} holiday {change.label}?")
            yield Static(f"What if: {what_if_summary(self.what.retiming)}", id="what-if-summary")
            if rows:
                table: DataTable[Text] = DataTable(id="what-if-table", cursor_type="row")
                for heading in ("Case", "Target", "Due now", "Due after", "Shift", ""):
                    table.add_column(heading)
                for row in rows:
                    style = "bold red" if row[5] == "newly breached" else ""
                    table.add_row(*(Text(cell, style=style) for cell in row))
                yield table
            if total > len(rows):  # the table scrolls: "and N more" after its visible part
                # read as N beyond what was on screen
                yield Static(
                    f"The table lists the first {len(rows)} of {total} moved targets (↑↓ "
                    f"scroll it); 'wzdesk holidays {'remove' if change.remove else 'add'} "
                    "--dry-run' lists them all",
                    id="what-if-cut",
                )
            elif len(rows) > 10:  # more than a small screen shows: say that it scrolls
                yield Static(f"The table lists all {total} moved targets (↑↓ scroll it)")
            with Horizontal(classes="prompt-buttons"):
                yield Button("Save", variant="primary", id="what-if-save")
                yield Button("Cancel", id="what-if-cancel")
            yield Static("Ctrl+S save · Esc cancel (nothing is written)", classes="prompt-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "what-if-save")

    def action_answer(self, save: bool) -> None:
        self.dismiss(save)
