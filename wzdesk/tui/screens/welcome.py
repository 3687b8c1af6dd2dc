"""First run on an empty database: offer demo data, or start empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wzdesk.tui.screens.prompts import PromptTitle


class WelcomeScreen(ModalScreen[bool]):
    """Returns True to load demo data."""

    BINDINGS = [
        Binding("d", "choose(True)", "Load demo data"),
        Binding("enter,escape", "choose(False)", "Start empty"),
    ]

    def __init__(self, database_label: str) -> None:
        super().__init__(classes="prompt")
        self.database_label = database_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt-box"):
            yield PromptTitle("Welcome to wzdesk")
            yield Static(
                f"This database has no cases yet ({self.database_label}).\n\n"
                "[b]d[/b]  Load demo data: 20 clients with their admins, 7 console users and "
                "300 cases placed around now — some breached, some at risk, some waiting on "
                "the client, some resolved.\n"
                "[b]Enter[/b]  Start empty: add clients and contacts with `wzdesk client add` and "
                "`wzdesk contact add`, then log calls with F2.\n\n"
                "Tip: `wzdesk --demo` keeps demo data in a separate database."
            )

    def action_choose(self, load: bool) -> None:
        self.dismiss(load)
