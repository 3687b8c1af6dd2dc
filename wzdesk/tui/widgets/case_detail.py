"""The case-detail pane: facts, SLA gauges, and the timeline in words.

The pane is redrawn in place (four ``Static`` widgets updated, never re-mounted), so showing
another case replaces what was there instead of adding to it. SLA times are re-read each minute
from the queue's in-memory row while the case is open, so "2h10m left" does not go stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wzdesk.core.sla import Severity, TimerState
from wzdesk.core.text import escape_controls
from wzdesk.core.timefmt import format_business_duration
from wzdesk.services.queue import QueueRow
from wzdesk.tui.formatting import call_length, local_time, target_status
from wzdesk.tui.widgets.services_section import ServicesSection
from wzdesk.tui.widgets.sla_panel import SEVERITY_STYLE

GAUGE_WIDTH = 12
_STATE_STYLE = {
    "breached": "bold red",
    "at_risk": "bold yellow",
    "met": "green",
    "late": "yellow",
    "pending": "",
}
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
    "mail_not_sent": ("✉ Not emailed", "bold red"),
    "reminder": ("⏰ Reminder to the client", "yellow"),
}
#: A delivery the server refused for some recipients: not the green "emailed".
_PARTLY_DELIVERED = ("✉ Emailed, but refused for some", "bold yellow")
#: Status values as people say them.
STATUS_WORDS = {
    "new": "new",
    "open": "open",
    "waiting_client": "waiting on client",
    "escalated": "escalated",
    "resolved": "resolved",
    "closed": "closed",
}


def _words(value: str | None) -> str:
    if not value:
        return "—"
    return STATUS_WORDS.get(value, value.replace("_", " "))


class _When:
    """Formats the case object's ISO instants in the support zone, with the year when it is
    not the current one."""

    def __init__(self, zone: ZoneInfo, now: datetime | None) -> None:
        self.zone, self.now = zone, now

    def __call__(self, text: str | None) -> str:
        if not text:
            return "—"
        return local_time(datetime.fromisoformat(text), self.zone, now=self.now)


def terminal_safe(value: Any) -> Any:
    """``value`` with every string's control characters shown, not sent to the terminal (text
    stored before it was cleaned on entry must not retitle or clear an agent's screen)."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, dict):
        return {key: terminal_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [terminal_safe(item) for item in value]
    return value


def gauge(elapsed: int, target: int, state: str) -> Text:
    """``███████░░░░░ 7h00m / 10h00m``: business time used against the target."""
    ratio = 0.0 if target <= 0 else min(1.0, elapsed / target)
    filled = round(ratio * GAUGE_WIDTH)
    style = _STATE_STYLE.get(state, "") or "blue"
    text = Text("█" * filled, style)
    text.append("░" * (GAUGE_WIDTH - filled), "dim")
    text.append(f" {format_business_duration(elapsed)} / {format_business_duration(target)}")
    return text


def facts_table(case: dict[str, Any], when: _When) -> Table:
    """Client, contact, channel, severity, status, assignee, escalation, when received."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    contact = case["contact_name"]
    if not case.get("contact_is_admin", True):
        contact += " (not an admin)"
    reach = " · ".join(filter(None, [case.get("contact_phone"), case.get("contact_email")]))
    # Names and free text go in as Text: a str cell is read as markup ("[/]" in a name
    # raised MarkupError, "[HR]" vanished).
    table.add_row("Client", Text(f"{case['client']} — {case.get('client_name', '')}"))
    table.add_row("Contact", Text(f"{contact}  {reach}"))
    table.add_row("Channel", f"{case['channel']} · {case['category']}")
    severity = Severity(case["severity"])
    table.add_row("Severity", Text(severity.value, SEVERITY_STYLE[severity]))
    status = _words(case["status"])
    table.add_row("Status", status + ("  ⏸ resolution clock paused" if case["paused"] else ""))
    table.add_row("Assignee", Text(case["assignee"] or "unassigned"))
    if case.get("escalated_to"):
        table.add_row(
            "Escalated",
            Text(f"to {case['escalated_to']}: {case.get('escalation_reason') or ''}"),
        )
    if case.get("classification"):
        table.add_row("Outcome", case["classification"].replace("_", " "))
    table.add_row("Received", when(case["received_at"]))
    if case["missing_fields"]:
        table.add_row(
            "Missing", Text(", ".join(case["missing_fields"]).replace("_", " "), "yellow")
        )
    if case.get("needs_contact"):
        table.add_row("", Text("needs a new contact: this one was deactivated", "yellow"))
    if case.get("links"):
        linked = ", ".join(f"{link['kind']} {link['ref']}" for link in case["links"])
        table.add_row("Linked", Text(linked))
    if case.get("client_flags"):
        table.add_row("Admins", Text(f"⚑ {case['client_flags']}  (C: client view)", "yellow"))
    return table


def sla_table(case: dict[str, Any], when: _When) -> Table:
    """Each target: due instant, its own state and time, a gauge; then the pauses."""
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    for timer in ("response", "resolution"):
        state = case[f"{timer}_state"]
        paused = timer == "resolution" and case["paused"]
        status = target_status(case[f"{timer}_remaining_seconds"], TimerState(state), paused)
        table.add_row(timer.capitalize(), Text(status, _STATE_STYLE.get(state, "")))
        due = "would fall due" if paused else "due"
        table.add_row("", Text(f"{due} {when(case[f'{timer}_due'])}", "dim"))
        table.add_row(
            "", gauge(case[f"{timer}_elapsed_seconds"], case[f"{timer}_target_seconds"], state)
        )
    for pause in case.get("pauses", []):
        end = when(pause["ended_at"]) if pause["ended_at"] else "now"
        table.add_row("Paused", f"{when(pause['started_at'])} → {end} ({_words(pause['reason'])})")
    return table


#: Lines of timeline the pane draws at most; older events are counted, not drawn. The pane
#: is one text, rendered whole: a case of 300 notes of 40 lines each (a pasted log, again and
#: again) held the console for 1.3 s when opened, and re-measured it at every layout.
TIMELINE_LINES = 2000


def timeline(
    events: list[dict[str, Any]], when: _When, ref: str = "", limit: int = TIMELINE_LINES
) -> Text:
    """Newest first, in words: who did what, calls with their length, status moves; at most
    about ``limit`` lines, then how many older events are not shown and where they are."""
    text = Text()
    lines = 0
    newest_first = list(reversed(events))  # what the agent needs next is on top
    for shown, event in enumerate(newest_first):
        if lines >= limit:
            older = len(newest_first) - shown
            text.append(f"+{older} older event{'s' if older != 1 else ''} not shown here", "italic")
            text.append(f" (`wzdesk case show {ref}` prints the whole timeline)\n", "dim")
            break
        lines += 1 + (len(event["body"].splitlines()) or 1 if event["body"] else 0)
        title, style = _EVENT_LOOK.get(event["kind"], (event["kind"], ""))
        if (event.get("data") or {}).get("delivery") == "partly_delivered":
            title, style = _PARTLY_DELIVERED  # the body names who was refused
        text.append(f"{when(event['at'])}  ", "dim")
        text.append(title, style)
        if event["duration_seconds"] is not None:
            text.append(f" {call_length(event['duration_seconds'])}", style)
        data = event.get("data") or {}
        if "from" in data and "to" in data:
            if event["kind"] == "status":
                before, after = _words(data["from"]), _words(data["to"])
            else:
                before, after = data["from"] or "—", data["to"] or "—"
            text.append(f"  {before} → {after}", "dim")
            if event["kind"] == "status" and data["from"] == "waiting_client":
                text.append("  (the resolution clock resumes)", "dim")
            elif event["kind"] == "status" and data["to"] == "waiting_client":
                text.append("  (the resolution clock pauses)", "dim")
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
        self.zone = ZoneInfo("UTC")
        self._when = _When(self.zone, None)
        self._sla_shown = ""

    def compose(self) -> ComposeResult:
        yield Static("Select a case in the queue.", id="detail-title")
        yield Static(id="detail-facts")
        yield Static(id="detail-sla")
        yield ServicesSection(id="detail-services")
        yield Static(id="detail-timeline")

    def show(
        self,
        case: dict[str, Any] | None,
        zone: ZoneInfo | None = None,
        now: datetime | None = None,
        empty: str = "Select a case in the queue.",
    ) -> None:
        """Show ``case`` (the case object of ``show_case``), or ``empty`` when there is none."""
        scroll_back = case is None or self.case is None or case["ref"] != self.case["ref"]
        case = terminal_safe(case)
        self.case = case
        if zone is not None:
            self.zone = zone
        self._when = _When(self.zone, now)
        self.query_one(ServicesSection).show_case(case)
        if case is None:
            self.query_one("#detail-title", Static).update(empty)
            for part in ("facts", "sla", "timeline"):
                self.query_one(f"#detail-{part}", Static).update("")
            self.border_title = "Case"
            self._sla_shown = ""
            return
        title = Text(f"{case['ref']}  ", "bold")
        title.append(case["summary"])
        self.border_title = f"{case['ref']} · v{case['version']}"
        self.query_one("#detail-title", Static).update(title)
        self.query_one("#detail-facts", Static).update(facts_table(case, self._when))
        self._show_sla()
        body = Text()
        for key, heading in (
            ("description", "Description"),
            ("steps_to_reproduce", "Steps to reproduce"),
            ("affected_users", "Affected users"),
        ):
            if case.get(key):
                body.append(f"{heading}\n", "bold")
                body.append(case[key] + "\n")
        body.append("Timeline\n", "bold")
        body.append_text(timeline(case.get("events", []), self._when, case["ref"]))
        self.query_one("#detail-timeline", Static).update(body)
        if scroll_back:
            self.scroll_home(animate=False)

    def _show_sla(self) -> None:
        assert self.case is not None
        case = self.case
        # Times show minutes: redraw only when a shown minute (or a state) changes.
        key = repr(
            [
                (case[f"{t}_state"], (case[f"{t}_remaining_seconds"] or 0) // 60, case[f"{t}_due"])
                for t in ("response", "resolution")
            ]
            + [case["ref"], case["version"]]
        )
        if key != self._sla_shown:
            self._sla_shown = key
            self.query_one("#detail-sla", Static).update(sla_table(case, self._when))

    def tick(self, row: QueueRow | None, now: float) -> None:
        """Re-read the SLA times from the queue's row for this case (memory only)."""
        case = self.case
        if case is None or row is None or row.case_id != case.get("id"):
            return
        for reading in row.readings(now):
            remaining = reading.remaining
            case[f"{reading.name}_state"] = reading.state.value
            case[f"{reading.name}_remaining_seconds"] = (
                None if remaining is None else int(remaining)  # as case_fields: toward zero
            )
            target = case[f"{reading.name}_target_seconds"]
            if remaining is not None:
                case[f"{reading.name}_elapsed_seconds"] = int(max(0.0, target - remaining))
        self._show_sla()
