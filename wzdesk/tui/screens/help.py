"""The help screen: every key binding, grouped by where it works."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

#: The single source for the help screen and the README's key table.
KEYS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Anywhere",
        [
            ("F1 / ?", "This help"),
            ("F2", "Log a phone call (opens the intake form, the call timer starts)"),
            ("F3", "New case typed in by an agent (portal / email)"),
            ("F4", "Wallboard: the breach panel full screen (again to leave)"),
            ("F6", "Mail quarantine: release held mail into a case, or discard it"),
            (
                "Ctrl+P",
                "Command palette: open a case by reference, jump to a client, filters, actions",
            ),
            ("Ctrl+R", "Re-read the database now"),
            ("Ctrl+Q", "Quit"),
        ],
    ),
    (
        "Queue",
        [
            ("↑ ↓ / j k", "Move"),
            ("PgUp PgDn, Home End / g G", "Page, first, last"),
            ("Enter", "Open the case (full screen on narrow terminals)"),
            ("/", "Filter box: reference, client or text (Enter back to the queue, Esc clears)"),
            (
                "0–9",
                "Quick filters: 0 all, 1 mine, 2 unassigned, 3 breached, 4 at risk, 5 waiting, "
                "6 critical, 7 major, 8 moderate, 9 minor",
            ),
            ("Esc", "Back: close the case, clear the filter"),
            ("q", "Quit"),
        ],
    ),
    (
        "Case actions (queue or case)",
        [
            ("r", "Reply to the client (meets the response target)"),
            ("n", "Internal note (the client does not see it)"),
            ("t", "Take: assign to me"),
            ("a", "Assign to someone (or unassign)"),
            ("s", "Status: open / waiting on client (pauses the resolution clock)"),
            ("v", "Severity, with the policy's descriptions (targets recomputed)"),
            ("e", "Escalate: to whom and why"),
            ("R", "Resolve (unexpected cases ask for a classification)"),
            ("o", "Reopen a resolved case"),
            ("c", "Close a resolved case"),
            ("l", "Log a call on this case"),
        ],
    ),
    (
        "Professional services (queue or case)",
        [
            (
                "Q",
                "Quote editor: the case's draft, or a new quote (role, quantity, unit, live total)",
            ),
            (
                "P",
                "Move the quote on: send (emails the client admin; the case waits), approve "
                "(invoiced or from prepaid hours), decline, start, done",
            ),
            ("T", "Log time on the approved quote (warns from 80% of a role's hours)"),
            (
                "H",
                "Resolve as needing professional services: opens a services case with a draft "
                "quote",
            ),
            (
                "Ctrl+N / Ctrl+D",
                "In the quote editor: add a line / remove the line with the cursor",
            ),
        ],
    ),
    (
        "Mail quarantine (F6)",
        [
            ("n", "Release into a new case (pick one of the client's admins)"),
            ("c", "Release into an existing case (type its reference)"),
            ("d", "Discard (type why; the message stays on record)"),
            ("F5", "Reload"),
        ],
    ),
    (
        "Forms and prompts",
        [
            ("Tab / Shift+Tab", "Next / previous field"),
            ("Ctrl+S", "Submit"),
            ("Esc", "Cancel"),
            ("1–9", "Pick an option in a choice list"),
        ],
    ),
]


def keys_table() -> Table:
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for group, keys in KEYS:
        table.add_row(f"[reverse] {group} [/]", "")
        for key, what in keys:
            table.add_row(key, what)
        table.add_row("", "")
    return table


class HelpScreen(ModalScreen[None]):
    """Every binding."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table())

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "wzdesk · keys (Esc closes)"
