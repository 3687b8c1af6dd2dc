"""The help screen: every key the acting role may use, grouped by where it works, and the
legend of the queue's timer cells.

:data:`KEYS` is the single source for this screen and for the README's key table (a test
checks that the README prints exactly :func:`readme_key_table`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from wzdesk.core.rules import Action, Role, may
from wzdesk.tui.formatting import LEGEND
from wzdesk.tui.screens.case_actions import CASE_ACTIONS
from wzdesk.tui.workers import desk


@dataclass(frozen=True)
class KeyHelp:
    """One key: what it does, and the permission it needs (None: everyone)."""

    key: str
    what: str
    needs: Action | None = None


def _case(name: str, what: str) -> KeyHelp:
    action = CASE_ACTIONS[name]
    return KeyHelp(action.key, what, action.needs)


KEYS: list[tuple[str, list[KeyHelp]]] = [
    (
        "Anywhere",
        [
            KeyHelp("F1 / ?", "This help (the keys your role may use)"),
            KeyHelp("F2", "Log a phone call (the intake form; the call timer starts)"),
            KeyHelp("F3", "New case typed in by an agent (portal / email)"),
            KeyHelp("F4", "Wallboard: breached and at-risk cases full screen (again to leave)"),
            KeyHelp("F6", "Mail quarantine: mail held back and why (agents release or discard it)"),
            KeyHelp("F7", "Alerts: those this console raised and those 'wzdesk notify' emailed"),
            KeyHelp(
                "F8",
                "Insights: compliance per week, backlog, median response by severity (tables "
                "and charts; the audit trail is in the palette)",
                Action.VIEW_REPORTS,
            ),
            KeyHelp("Ctrl+P", "Command palette: open a case by reference, a client, filters"),
            KeyHelp("Ctrl+R", "Re-read the database now"),
            KeyHelp("Ctrl+Q", "Quit (asks first if a form holds text you typed)"),
        ],
    ),
    (
        "Queue",
        [
            KeyHelp("↑ ↓ / j k", "Move"),
            KeyHelp("PgUp PgDn, Home End / g G", "Page, first, last"),
            KeyHelp("Enter", "Open the case (full screen on narrow terminals)"),
            KeyHelp(
                "/",
                "Filter box: reference, client, text or a query such as sev:critical at-risk "
                "(an error names the bad token; Enter back to the queue)",
            ),
            KeyHelp("[ / ]", "Previous / next pinned saved view (tabs with live counts)"),
            KeyHelp(
                "0–9",
                "Quick filters: 0 all, 1 mine, 2 unassigned, 3 breached, 4 at risk, 5 waiting, "
                "6 critical, 7 major, 8 moderate, 9 minor",
            ),
            KeyHelp("f", "Filter by any assignee, or by client"),
            KeyHelp(
                "> / <", "Sort by the next column (due, severity, age, update, client…) / reverse"
            ),
            KeyHelp("x", "More columns: age, last update, the client's last message"),
            KeyHelp(
                "Space",
                "Mark or unmark the case (for a bulk action) and move to the next",
                Action.ASSIGN,
            ),
            KeyHelp(
                "b",
                "Bulk action on the marked cases: take, assign, status, severity",
                Action.ASSIGN,
            ),
            KeyHelp("h", "History: every case, open and historical, with search"),
            KeyHelp("Esc", "Back: leave the full-screen case, clear the filter box, then filters"),
            KeyHelp("q", "Quit"),
        ],
    ),
    (
        "Case actions (on the selected case: the highlighted row, or the case full screen)",
        [
            _case("reply", "Reply to the client (meets the response target)"),
            _case("note", "Internal note (the client does not see it)"),
            _case("take", "Take: assign to me (asks first if someone else has it)"),
            _case("assign", "Assign to someone (or unassign)"),
            _case(
                "status",
                "Status: open / waiting on client (pauses the resolution clock; emails the "
                "client what we need, and says to whom)",
            ),
            _case("severity", "Severity, with the policy's descriptions (targets recomputed)"),
            _case("escalate", "Escalate: to whom and why"),
            _case("resolve", "Resolve (unexpected cases ask for a classification)"),
            _case("reopen", "Reopen a resolved case"),
            _case("close_case", "Close a resolved case (asks first: closing is final)"),
            _case("log_call", "Log a call on this case (timed from when you press l)"),
            _case(
                "explain",
                "Explain the SLA: every business interval that counted, what was skipped, "
                "what met or breached each target",
            ),
            _case(
                "link",
                "Link to another case (type its reference): related, duplicate of, caused by; "
                "shown on both",
            ),
            _case(
                "merge",
                "Merge with another case of the client (type its reference, pick the duplicate, "
                "confirm naming both); a supervisor can unmerge",
            ),
        ],
    ),
    (
        "Client and contact (on the selected case)",
        [
            KeyHelp("C", "Client view: admins, contacts, open and past cases, two-admin flags"),
            KeyHelp("K", "Contact view: the case's contact, their cases, calls and messages"),
            KeyHelp(
                "Q",
                "In the client view, when an admin is untrained: the training quote (service "
                "type C, scope naming them) on the case it was opened from, or an open case",
                Action.QUOTE,
            ),
            KeyHelp("h", "In the client view: the history of every case of the client"),
            KeyHelp(
                "e",
                "In the contact view: edit the contact (name, email, phone, admin, primary/backup)",
                Action.MANAGE_CLIENTS,
            ),
        ],
    ),
    (
        "Professional services (on the selected case)",
        [
            KeyHelp(
                "Q",
                "Quote editor: the case's draft, or a new quote (role, quantity, unit, live total)",
                Action.QUOTE,
            ),
            KeyHelp(
                "P",
                "Move the quote on: send (emails the client admin; the case waits), approve "
                "(invoiced or from prepaid hours), decline, start, done (asks which quote first "
                "when several could move)",
                Action.QUOTE,
            ),
            KeyHelp(
                "T",
                "Log time on the approved quote (asks which when several are approved or in "
                "progress; warns from 80% of a role's hours)",
                Action.LOG_TIME,
            ),
            KeyHelp(
                "H",
                "Resolve as needing professional services: opens a services case with a draft "
                "quote",
                Action.RESOLVE,
            ),
            KeyHelp(
                "Ctrl+N / Ctrl+D",
                "In the quote editor: add a line / remove the line with the cursor",
                Action.QUOTE,
            ),
        ],
    ),
    (
        "Reply editor (r)",
        [
            KeyHelp(
                "Ctrl+T",
                "Canned reply: pick one, filled in for the case, then edit it",
                Action.REPLY,
            ),
            KeyHelp("Ctrl+P", "Palette: 'Canned reply: NAME' inserts that one", Action.REPLY),
            KeyHelp(
                "Ctrl+S",
                "Send (the editor says first whether the client can be emailed)",
                Action.REPLY,
            ),
        ],
    ),
    (
        "Mail quarantine (F6)",
        [
            KeyHelp("↑ ↓ / j k", "Move"),
            KeyHelp(
                "n",
                "Release into a new case (pick the admin, severity, category)",
                Action.HANDLE_MAIL,
            ),
            KeyHelp("c", "Release into an existing case (type its reference)", Action.HANDLE_MAIL),
            KeyHelp("d", "Discard (type why; the message stays on record)", Action.HANDLE_MAIL),
            KeyHelp("F5", "Reload"),
            KeyHelp("Esc", "Back to the queue"),
        ],
    ),
    (
        "Wallboard (F4)",
        [
            KeyHelp("m", "Every breached and at-risk case (the list scrolls), or fit the screen"),
            KeyHelp("Esc / F4 / w", "Back to the queue"),
        ],
    ),
    (
        "History (h)",
        [
            KeyHelp(
                "/",
                "Search: reference (a whole one first), client, summary or contact "
                "(focused when history opens; Enter: to the list)",
            ),
            KeyHelp(
                "0–3",
                "Status, in the list (Enter leaves the search): "
                "0 all, 1 open, 2 resolved, 3 closed",
            ),
            KeyHelp("[ / ]", "Previous / next page (moving past the first or last row too)"),
            KeyHelp("Enter", "Open the case"),
            KeyHelp("Esc", "Back"),
        ],
    ),
    (
        "Calendar (palette)",
        [
            KeyHelp(
                "a",
                "Add a holiday or half-day (date, name, hours kept that day); the what-if first",
                Action.MANAGE_CALENDAR,
            ),
            KeyHelp(
                "d", "Remove the highlighted holiday; the what-if first", Action.MANAGE_CALENDAR
            ),
            KeyHelp(
                "Ctrl+S / Esc",
                "In the what-if (which cases' due instants move, by how much, which newly "
                "breach or stop being breached): save the change / cancel, nothing is written",
                Action.MANAGE_CALENDAR,
            ),
            KeyHelp("Esc", "Back"),
        ],
    ),
    (
        "Forms and prompts",
        [
            KeyHelp("Tab / Shift+Tab", "Next / previous field"),
            KeyHelp("Ctrl+S", "Submit"),
            KeyHelp("Esc", "Cancel (asks first if you typed something or a call is timed)"),
            KeyHelp("1–9", "Pick an option in a choice list (severity, category, …)"),
            KeyHelp(
                "Ctrl+N",
                "In the call (F2) and new-case (F3) forms: add someone the lookup did not find "
                "as a contact",
                Action.MANAGE_CLIENTS,
            ),
            KeyHelp(
                "Ctrl+E",
                "In the call (F2) and new-case (F3) forms: edit the picked contact (name, "
                "email, phone, admin, primary/backup)",
                Action.MANAGE_CLIENTS,
            ),
        ],
    ),
]


def keys_for(role: Role) -> list[tuple[str, list[KeyHelp]]]:
    """The groups of keys ``role`` may use."""
    return [
        (group, [k for k in keys if k.needs is None or may(role, k.needs)]) for group, keys in KEYS
    ]


def keys_table(role: Role) -> Group:
    """The help screen: a small table per group of keys, then the legend."""
    parts: list[Table] = []
    sections = [(group, [(k.key, k.what) for k in keys]) for group, keys in keys_for(role)]
    sections.append(("Queue timers", list(LEGEND)))
    for group, rows in sections:
        table = Table(
            title=group,
            title_justify="left",
            title_style="bold reverse",
            show_header=False,
            box=None,
            padding=(0, 2),
        )
        table.add_column(style="bold", no_wrap=True, min_width=12)
        table.add_column(ratio=1)
        for key, what in rows:
            table.add_row(key, what)
        parts.append(table)
    return Group(*parts)


def readme_key_table() -> str:
    """The README's key table (every key, whatever the role; the help filters by role)."""
    lines = ["| where | key | does |", "|---|---|---|"]
    for group, keys in KEYS:
        where = group.split(" (")[0].lower()
        for index, key in enumerate(keys):
            label = " / ".join(f"`{part.strip()}`" for part in key.key.split(" / "))
            lines.append(f"| {where if index == 0 else ''} | {label} | {key.what} |")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    """Every key the acting role may use, and the legend."""

    BINDINGS = [Binding("escape,q,f1,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(keys_table(desk(self).role))

    def on_mount(self) -> None:
        role = desk(self).role.value
        article = "an" if role[0] in "aeiou" else "a"
        self.query_one(
            "#help-box"
        ).border_title = f"wzdesk · keys for {article} {role} (Esc closes)"
