"""The audit trail (supervisors): who changed what, before and after, newest first."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from wzdesk.core.errors import UserError
from wzdesk.tui.formatting import local_time
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread

LIMIT = 200


def _brief(value: Any, width: int = 60) -> str:
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


class AuditScreen(Screen[None]):
    """The newest audit records (who, when, what, before → after)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f5", "reload", "Reload")]

    @dataclass
    class Loaded(Message):
        rows: list[dict[str, Any]]
        error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Loading the audit trail…", id="audit-status")
        yield DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = "Audit trail"
        table = self.query_one("#audit", DataTable)
        table.add_columns("When", "Who", "Action", "What", "Before", "After")
        self.set_focus(table, scroll_visible=False)
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="audit", exit_on_error=False)
    def load(self) -> None:
        from wzdesk.services.reports import AuditQuery, audit_entries

        try:
            rows = in_thread(audit_entries, desk(self).context, AuditQuery(limit=LIMIT))
            self.post_message(self.Loaded(rows))
        except UserError as error:
            self.post_message(self.Loaded([], str(error)))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(self.Loaded([], str(error).splitlines()[0] or repr(error)))

    def on_audit_screen_loaded(self, message: Loaded) -> None:
        from datetime import UTC, datetime

        table = self.query_one("#audit", DataTable)
        table.clear()
        now = desk(self).clock.now()
        for row in message.rows:
            at = datetime.fromisoformat(row["at"])  # in the support zone, with its offset
            table.add_row(  # Text: a str cell is read as markup, and these quote anything
                local_time(at, at.tzinfo or UTC, now=now),  # the year, when not this one
                Text(row["actor"]),
                Text(row["action"]),
                Text(f"{row['entity']} {row['entity_id']}"),
                Text(_brief(row["before"])),
                Text(_brief(row["after"])),
            )
        status = f"{len(message.rows)} newest records (at most {LIMIT}); `wzdesk audit` filters"
        if message.error:
            status = f"Cannot read the audit trail: {message.error}"
        self.query_one("#audit-status", Static).update(status)
