"""The case-detail pane: facts, SLA gauges, and the timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wzdesk.core.sla import Severity
from wzdesk.core.timefmt import format_business_duration
from wzdesk.tui.formatting import call_timer
from wzdesk.tui.widgets.services_section import ServicesSection
from wzdesk.tui.widgets.sla_panel import SEVERITY_STYLE

GAUGE_WIDTH = 16
_STATE_STYLE = {"breached": "bold red", "at_risk": "bold yellow", "met": "green", "pending": ""}
_EVENT_LOOK = {
    "reply": ("↩ Reply to client", "green"),
    "note": ("✎ Internal note", "yellow"),
    "call": ("☎ Call", "cyan"),
    "created": ("● Opened", "bold"),
    "client_message": ("✉ Client wrote", "magenta"),
    "status": ("⇄ Status", "dim"),
    "severity": ("! Severity", "dim"),
    "assign": ("→ Assigned", "dim"),
    "escalate": ("⇑ Escalated", "bold magenta"),
    "resolve": ("✔ Resolved", "bold green"),
    "reopen": ("↺ Reopened", "bold"),
    "close": ("■ Closed", "dim"),
    "mail_sent": ("✉ Emailed to the client", "green"),
    "mail_failed": ("✉ Email not delivered", "bold red"),
    "quote": ("$ Quote", "bold cyan"),
    "time": ("◷ Time logged", "cyan"),
    "handoff": ("⇒ Professional services", "bold magenta"),
}


def _when(text: str | None) -> str:
    if not text:
        return "—"
    return datetime.fromisoformat(text).strftime("%a %d %b %H:%M")


def gauge(elapsed: int, target: int, state: str) -> Text:
    """``███████░░░░░ 7h00m / 10h00m``: business time used against the target."""
    ratio = 0.0 if target <= 0 else min(1.0, elapsed / target)
    filled = round(ratio * GAUGE_WIDTH)
    style = _STATE_STYLE.get(state, "") or "blue"
    text = Text("█" * filled, style)
    text.append("░" * (GAUGE_WIDTH - filled), "dim")
    text.append(f" {format_business_duration(elapsed)} / {format_business_duration(target)}")
    return text


def facts_table(case: dict[str, Any]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    contact = case["contact_name"]
    if not case.get("contact_is_admin", True):
        contact += " (not an admin)"
    reach = " · ".join(filter(None, [case.get("contact_phone"), case.get("contact_email")]))
    table.add_row("Client", f"{case['client']} — {case.get('client_name', '')}")
    table.add_row("Contact", f"{contact}  {reach}")
    table.add_row("Channel", f"{case['channel']} · {case['category']}")
    severity = Severity(case["severity"])
    table.add_row("Severity", Text(severity.value, SEVERITY_STYLE[severity]))
    status = case["status"].replace("_", " ")
    table.add_row("Status", status + ("  ⏸ resolution clock paused" if case["paused"] else ""))
    table.add_row("Assignee", case["assignee"] or "unassigned")
    if case.get("escalated_to"):
        table.add_row(
            "Escalated", f"to {case['escalated_to']}: {case.get('escalation_reason') or ''}"
        )
    if case.get("classification"):
        table.add_row("Outcome", case["classification"].replace("_", " "))
    table.add_row("Received", _when(case["received_at"]))
    if case["missing_fields"]:
        table.add_row(
            "Missing", Text(", ".join(case["missing_fields"]).replace("_", " "), "yellow")
        )
    return table


def sla_table(case: dict[str, Any]) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for timer in ("response", "resolution"):
        state = case[f"{timer}_state"]
        remaining = case[f"{timer}_remaining_seconds"]
        label = state.replace("_", " ")
        if remaining is not None:
            label += f" · {format_business_duration(remaining)} left"
        if timer == "resolution" and case["paused"]:
            label += " · paused"
        table.add_row(
            timer.capitalize(),
            Text(f"due {_when(case[f'{timer}_due'])} · {label}", _STATE_STYLE.get(state, "")),
        )
        table.add_row(
            "", gauge(case[f"{timer}_elapsed_seconds"], case[f"{timer}_target_seconds"], state)
        )
    for pause in case.get("pauses", []):
        end = _when(pause["ended_at"]) if pause["ended_at"] else "now"
        reason = pause["reason"].replace("_", " ")
        table.add_row("Paused", f"{_when(pause['started_at'])} → {end} ({reason})")
    return table


def timeline(events: list[dict[str, Any]]) -> Text:
    text = Text()
    for event in reversed(events):  # newest first: what the agent needs next is on top
        title, style = _EVENT_LOOK.get(event["kind"], (event["kind"], ""))
        text.append(f"{_when(event['at'])}  ", "dim")
        text.append(title, style)
        if event["duration_seconds"] is not None:
            text.append(f" {call_timer(event['duration_seconds'])}", style)
        data = event.get("data") or {}
        if "from" in data and "to" in data:
            text.append(f"  {data['from'] or '—'} → {data['to'] or '—'}", "dim")
        elif event["kind"] == "escalate" and data.get("to"):
            text.append(f"  to {data['to']}", "dim")
        text.append(f"  by {event['author']}\n", "dim")
        if event["body"]:
            for line in event["body"].splitlines() or [""]:
                text.append("  │ ", style or "dim")
                text.append(line + "\n")
    return text


class CaseDetail(VerticalScroll, can_focus=True):
    """Everything about one case, loaded by the screen in a worker."""

    DEFAULT_CSS = """
    CaseDetail Static { height: auto; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.case: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Static("Select a case in the queue.", id="detail-title")
        yield Static(id="detail-facts")
        yield Static(id="detail-sla")
        yield ServicesSection(id="detail-services")
        yield Static(id="detail-timeline")

    def show(self, case: dict[str, Any] | None) -> None:
        self.case = case
        self.query_one(ServicesSection).show_case(case)
        if case is None:
            self.query_one("#detail-title", Static).update("Select a case in the queue.")
            for part in ("facts", "sla", "timeline"):
                self.query_one(f"#detail-{part}", Static).update("")
            self.border_title = "Case"
            return
        title = Text(f"{case['ref']}  ", "bold")
        title.append(case["summary"])
        self.border_title = f"{case['ref']} · v{case['version']}"
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-facts", Static).update(facts_table(case))
        self.query_one("#detail-sla", Static).update(sla_table(case))
        body = Text()
        if case.get("description"):
            body.append("Description\n", "bold")
            body.append(case["description"] + "\n")
        if case.get("steps_to_reproduce"):
            body.append("Steps to reproduce\n", "bold")
            body.append(case["steps_to_reproduce"] + "\n")
        if case.get("affected_users"):
            body.append("Affected users\n", "bold")
            body.append(case["affected_users"] + "\n")
        body.append("Timeline\n", "bold")
        body.append_text(timeline(case.get("events", [])))
        self.query_one("#detail-timeline", Static).update(body)
