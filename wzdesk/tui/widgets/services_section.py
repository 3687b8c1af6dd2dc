"""The services section of the case detail: the case's quotes (lines, status, totals), time
used against what each role was quoted, and the client's prepaid hours.

It reads its own data in a thread worker whenever the detail pane shows a case (a new case
version included, so a quote or time entry by another agent appears on the next re-read).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from wzdesk.core.errors import UserError
from wzdesk.core.money import display_amount
from wzdesk.core.rules import Action, may
from wzdesk.services.billing.overview import case_services
from wzdesk.tui.workers import desk, in_thread

BAR_WIDTH = 12
_STATUS_STYLE = {
    "draft": "yellow",
    "sent": "cyan",
    "approved": "bold green",
    "declined": "dim",
    "in_progress": "bold blue",
    "done": "green",
}
#: Quotes after the newest live one are listed one line each; older ones beyond this are
#: counted, not shown.
MAX_OLDER = 3


def hours_bar(used: str, quoted: str) -> Text:
    """``███████░░░░░ 8.50 / 10.00 h`` (red past the quote, yellow from 80%)."""
    used_value, quoted_value = Decimal(used), Decimal(quoted)
    ratio = min(Decimal(1), used_value / quoted_value) if quoted_value else Decimal(1)
    filled = round(ratio * BAR_WIDTH)
    if used_value > quoted_value:
        style = "bold red"
    elif used_value * 100 >= 80 * quoted_value:
        style = "bold yellow"
    else:
        style = "blue"
    text = Text("█" * filled, style)
    text.append("░" * (BAR_WIDTH - filled), "dim")
    text.append(f" {used} / {quoted} h")
    return text


def current_quote(quotes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The quote the keys act on: the newest one that is neither declined nor done."""
    return next((q for q in quotes if q["status"] not in ("declined", "done")), None)


def quote_table(quote: dict[str, Any]) -> Table:
    """One quote in full: lines, totals and, once approved, time used per role."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(style="dim", no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(justify="right", no_wrap=True)
    for line in quote["lines"]:
        table.add_row(
            line["role"],
            f"{line['quantity']} {line['unit']} × {display_amount(line['rate'])}",
            display_amount(line["amount"]),
        )
    if not quote["lines"]:
        table.add_row("", Text("no lines yet (Q to edit)", "yellow"), "")
    if quote["discount"] != "0.00":
        table.add_row("", "subtotal", display_amount(quote["subtotal"]))
        table.add_row(
            "", f"discount {quote['discount_percent']}%", display_amount(quote["discount"])
        )
    table.add_row("", Text("total", "bold"), Text(display_amount(quote["total"]), "bold"))
    if quote["status"] in ("approved", "in_progress", "done"):
        table.add_row(Text("time used", "bold"), "", "")
        for row in quote["usage"]:
            table.add_row(row["role"], "", hours_bar(row["used_hours"], row["quoted_hours"]))
    return table


@dataclass
class ServicesLoaded(Message):
    """The worker read the case's services (or failed to)."""

    ref: str
    data: dict[str, Any] | None
    error: str | None = None


class ServicesSection(Static):
    """Quotes, time used vs quoted, prepaid hours: part of the case detail pane."""

    DEFAULT_CSS = """
    ServicesSection { height: auto; margin: 0 0 1 0; }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.ref: str | None = None
        self.data: dict[str, Any] | None = None

    @property
    def loaded(self) -> bool:
        """The data shown is that of the case in the pane."""
        return self.data is not None and self.data["case"] == self.ref

    def show_case(self, case: dict[str, Any] | None) -> None:
        """The detail pane shows ``case`` (or nothing): read its services."""
        if case is None:
            self.ref, self.data = None, None
            self.update("")
            return
        if case["ref"] != self.ref:
            self.data = None
            self.update(Text("Professional services: reading…", "dim"))
        self.ref = case["ref"]
        self.load(case["ref"])

    @work(thread=True, exclusive=True, group="services-section", exit_on_error=False)
    def load(self, ref: str) -> None:
        worker = get_current_worker()
        try:
            data = in_thread(case_services, ref)
        except UserError as error:
            if not worker.is_cancelled:
                self.post_message(ServicesLoaded(ref, None, str(error)))
            return
        if not worker.is_cancelled:
            self.post_message(ServicesLoaded(ref, data))

    def on_services_loaded(self, message: ServicesLoaded) -> None:
        message.stop()
        if message.ref != self.ref:
            return  # the pane moved on to another case
        if message.error:
            self.update(Text(f"Professional services: {message.error}", "red"))
            return
        self.data = message.data
        self.update(self.render_services())

    def on_resize(self) -> None:
        if self.loaded:  # the heading's lines depend on the width
            self.update(self.render_services())

    def _heading(self, data: dict[str, Any]) -> list[Text]:
        """ "Professional services", the client's prepaid hours and how many of them open
        prepaid quotes still hold ("12.10 h promised to Q-1": not free to promise again), each
        beside the one before when it fits, else on a line of its own (wrapped at a space,
        "24.50 h" lost its "h" to the next line at 120×40)."""
        width = self.content_size.width
        parts = [f"{data['client']} prepaid: {data['prepaid_hours']} h"]
        if data["prepaid_promised"]:
            parts[0] += ","
            parts.append(data["prepaid_promised"])
        lines = [Text("Professional services", "bold")]
        gap = "  "  # after the title; one space after "…h,"
        for part in parts:
            if width and len(lines[-1]) + len(gap) + len(part) > width:
                lines.append(Text(part, "dim"))
            else:
                lines[-1].append(f"{gap}{part}", "dim")
            gap = " "
        return lines

    def render_services(self) -> Text | Table:
        data = self.data
        assert data is not None
        grid = Table.grid(padding=(0, 1))
        grid.add_column()
        for row in self._heading(data):
            grid.add_row(row)
        quotes = data["quotes"]
        live = current_quote(quotes)
        if not quotes:
            hint = ". Q: new quote" if may(desk(self).role, Action.QUOTE) else ""
            grid.add_row(Text(f"No quote yet{hint}", "dim"))
            return grid
        featured = live or quotes[0]
        grid.add_row(self._title(featured))
        if featured["scope"]:
            grid.add_row(Text(featured["scope"].splitlines()[0], "italic"))
        grid.add_row(quote_table(featured))
        if featured["status"] == "draft" and data.get("send_problem"):
            grid.add_row(Text(f"Cannot send: {data['send_problem']}", "yellow"))
        others = [q for q in quotes if q is not featured]
        for quote in others[:MAX_OLDER]:
            grid.add_row(self._title(quote, brief=True))
        if len(others) > MAX_OLDER:
            grid.add_row(Text(f"…and {len(others) - MAX_OLDER} older quotes not shown", "dim"))
        return grid

    @staticmethod
    def _title(quote: dict[str, Any], brief: bool = False) -> Text:
        title = Text(f"{quote['label']} ", "bold")
        status = quote["status"]
        title.append(status.replace("_", " "), _STATUS_STYLE.get(status, ""))
        kind = quote["service_type"]
        title.append(f"  {kind}) {quote['service_type_name']}" if kind else "  type not set")
        if quote["prepaid"]:
            title.append("  · prepaid", "cyan")
        if brief:
            title.append(f"  {display_amount(quote['total'])}", "dim")
        return title
