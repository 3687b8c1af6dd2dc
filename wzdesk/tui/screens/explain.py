"""SLA explain for one case: per target, the policy, the due instant, every business interval that
counted, what was skipped (nights, weekends, holidays, pauses) and what met or breached it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from wzdesk.core.errors import UserError
from wzdesk.core.timefmt import format_business_duration
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread


def _short(instant: str | None) -> str:
    """``2026-03-02T14:00:00-05:00`` as ``Mon 02 Mar 14:00``."""
    if instant is None:
        return "—"
    from datetime import datetime

    return datetime.fromisoformat(instant).strftime("%a %d %b %H:%M")


def _since(when: str) -> str:
    """A policy version's start: "the start", or an instant as :func:`_short` shows it."""
    return when if when == "the start" else _short(when)


def explanation_view(result: dict[str, Any]) -> list[Text | Table]:
    """The explanation as rich renderables (no Textual: testable on its own)."""
    policy = result["policy"]
    parts: list[Text | Table] = [
        Text.assemble(
            (f"{result['ref']}", "bold"),
            f" · {result['severity']} · {result['status'].replace('_', ' ')} · received "
            f"{_short(result['received_at'])} · as of {_short(result['as_of'])}\n",
            f"Policy version {policy['version']} (in force from {_since(policy['from'])}), "
            f"at risk at {round(policy['at_risk_ratio'] * 100)}%"
            + (" · counts 24×7" if policy["around_the_clock"] else ""),
        )
    ]
    for change in result["severity_changes"]:
        parts.append(
            Text(
                f"Severity {change['from']} → {change['to']} at {_short(change['at'])}: "
                "both targets recomputed from the received time"
            )
        )
    for target in result["targets"]:
        outcome = target["outcome"]
        headline = (
            f"\n{target['target'].capitalize()}: target "
            f"{format_business_duration(target['target_seconds'])}, due {_short(target['due'])} "
            f"— {target['state'].replace('_', ' ')}"
        )
        if outcome is not None:
            headline += f" at {_short(outcome['at'])}"
            if outcome["event"] is not None:
                headline += f" ({outcome['event']['kind']} by {outcome['event']['author']})"
        parts.append(Text(headline, style="bold"))
        table = Table(box=None, padding=(0, 2), show_edge=False)
        table.add_column("From")
        table.add_column("To")
        table.add_column("Counted", justify="right")
        table.add_column("Skipped")
        rows = [
            (i["start"], i["end"], format_business_duration(i["seconds"]), "")
            for i in target["intervals"]
        ]
        rows += [(s["start"], s["end"], "", ", ".join(s["reasons"])) for s in target["skipped"]]
        for start, end, counted, skipped in sorted(rows):
            table.add_row(_short(start), _short(end), counted, Text(skipped))  # holiday names
        table.add_row(
            "", "total", format_business_duration(target["elapsed_seconds"]), "", style="bold"
        )
        parts.append(table)
    return parts


class ExplainScreen(Screen[None]):
    """How one case's response and resolution targets were counted."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f5", "reload", "Reload")]

    @dataclass
    class Loaded(Message):
        result: dict[str, Any] | None
        error: str | None = None

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="explain-box"):
            yield Static(f"Explaining {self.ref}…", id="explain")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"SLA explain · {self.ref}"
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def load(self) -> None:
        from wzdesk.services.sla_history import explain_case

        try:
            result = in_thread(explain_case, desk(self).context, self.ref)
            self.post_message(self.Loaded(result))
        except UserError as error:
            self.post_message(self.Loaded(None, str(error)))
        except Exception as error:  # the database went away: say so, keep the screen
            self.post_message(self.Loaded(None, str(error).splitlines()[0] or repr(error)))

    def on_explain_screen_loaded(self, message: Loaded) -> None:
        from rich.console import Group

        view = self.query_one("#explain", Static)
        if message.result is None:
            view.update(Text(f"Cannot explain {self.ref}: {message.error}", style="bold red"))
            return
        view.update(Group(*explanation_view(message.result)))
