"""The quote editor: service type, scope, lines (role, quantity, unit) and a discount, with the
total recomputed on every keystroke from the rate card the quote is priced with.

It saves through the quote use cases in a thread worker; a refusal is shown in the form (naming
the field) and nothing is written, so the agent fixes it and saves again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static, TextArea

from wzdesk.core.billing import (
    ROLE_NAMES,
    SERVICE_TYPE_NAMES,
    LineSpec,
    Rate,
    ServiceRole,
    Unit,
    parse_quantity,
    price_line,
    quote_totals,
)
from wzdesk.core.errors import InvalidInput, UserError
from wzdesk.core.money import display_amount, display_money, format_hundredths, parse_percent
from wzdesk.services.billing.quotes import edit_quote, new_quote, show_quote
from wzdesk.tui.screens.prompts import PromptTitle
from wzdesk.tui.workers import desk, in_thread

UNIT_CHOICES = [("hours", Unit.HOURS.value), ("days", Unit.DAYS.value)]
MAX_EDITOR_LINES = 20


@dataclass
class QuoteDraft:
    """What the editor opens with: a case's new quote, or a draft to change."""

    ref: str
    rates_on: date
    card: dict[ServiceRole, Rate]
    quote_id: int | None = None
    version: int | None = None
    service_type: str | None = None
    scope: str = ""
    lines: list[LineSpec] = field(default_factory=list)
    discount: int = 0

    @classmethod
    def from_view(cls, view: dict[str, Any], card: dict[ServiceRole, Rate]) -> QuoteDraft:
        """A draft quote's view (``quote_view``) in the editor's terms."""
        return cls(
            ref=view["case"],
            rates_on=date.fromisoformat(view["rates_on"]),
            card=card,
            quote_id=view["id"],
            version=view["version"],
            service_type=view["service_type"],
            scope=view["scope"],
            lines=[
                LineSpec(
                    ServiceRole(line["role"]),
                    parse_quantity(line["quantity"], "quantity"),
                    Unit(line["unit"]),
                )
                for line in view["lines"]
            ],
            discount=parse_percent(view["discount_percent"], "discount"),
        )


class LineRow(Horizontal):
    """One quote line: role, quantity, unit, and its amount."""

    def __init__(self, spec: LineSpec | None, number: int) -> None:
        super().__init__(classes="quote-line", id=f"line-{number}")
        self.spec = spec

    def compose(self) -> ComposeResult:
        role = self.spec.role.value if self.spec else ServiceRole.SPECIALIST.value
        yield Select(
            [(f"{r.value} · {ROLE_NAMES[r]}", r.value) for r in ServiceRole],
            value=role,
            allow_blank=False,
            classes="line-role",
            compact=True,
        )
        yield Input(
            format_hundredths(self.spec.quantity) if self.spec else "",
            placeholder="quantity",
            classes="line-qty",
            compact=True,
        )
        unit = self.spec.unit.value if self.spec else Unit.HOURS.value
        yield Select(UNIT_CHOICES, value=unit, allow_blank=False, classes="line-unit", compact=True)
        yield Static("", classes="line-amount")


class QuoteEditor(ModalScreen[str | None]):
    """Edit a draft quote (or write a new one). Ctrl+S saves, Esc cancels."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+n", "add_line", "Add a line", priority=True),
        Binding("ctrl+d", "remove_line", "Remove the line", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, draft: QuoteDraft) -> None:
        super().__init__(classes="prompt")
        self.draft = draft
        self._numbers = 0

    def compose(self) -> ComposeResult:
        draft = self.draft
        what = f"Quote Q-{draft.quote_id}" if draft.quote_id else "New quote"
        with Vertical(classes="prompt-box quote-box"):
            yield PromptTitle(f"{what} on {draft.ref} (draft)")
            yield Static(
                f"Rates in force on {draft.rates_on.isoformat()}. Ctrl+N add a line · Ctrl+D "
                "remove the line with the cursor · Ctrl+S save · Esc cancel",
                classes="prompt-hint",
            )
            yield Static(
                "", id="quote-error", classes="field-error", markup=False
            )  # high up: in sight at 80x24
            with Horizontal(classes="form-row"):
                yield Label("Service type", classes="form-label")
                yield Select(
                    [(f"{t.value}) {name}", t.value) for t, name in SERVICE_TYPE_NAMES.items()],
                    prompt="Choose the policy's service type",
                    value=draft.service_type or Select.NULL,
                    id="quote-type",
                    compact=True,
                )
            yield Label("Scope")
            yield TextArea(draft.scope, id="quote-scope", compact=True)
            with Horizontal(id="quote-lines-head"):
                yield Label("Lines: role · quantity · unit · amount")
                yield Static("", id="quote-total")  # the live total, beside the lines it sums
            with VerticalScroll(id="quote-lines"):
                opening: list[LineSpec | None] = [*draft.lines] or [None]
                for spec in opening:
                    yield self._new_row(spec)
            with Horizontal(classes="form-row"):
                yield Label("Discount %", classes="form-label")
                yield Input(
                    format_hundredths(draft.discount) if draft.discount else "",
                    placeholder="0",
                    id="quote-discount",
                    compact=True,
                )

    def _new_row(self, spec: LineSpec | None) -> LineRow:
        self._numbers += 1
        return LineRow(spec, self._numbers)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#quote-type", Select), scroll_visible=False)
        self.call_after_refresh(self.recompute)

    # -- reading the form ----------------------------------------------------------------------

    def _rows(self) -> list[LineRow]:
        return list(self.query(LineRow))

    def _read_line(self, row: LineRow, number: int) -> LineSpec:
        role = str(row.query_one(".line-role", Select).value)
        quantity = parse_quantity(
            row.query_one(".line-qty", Input).value, f"Line {number} quantity"
        )
        return LineSpec(
            ServiceRole(role), quantity, Unit(str(row.query_one(".line-unit", Select).value))
        )

    def _read_discount(self) -> int:
        text = self.query_one("#quote-discount", Input).value.strip()
        return parse_percent(text or "0", "Discount")

    def read_form(self) -> tuple[str, str, list[LineSpec], int]:
        """Type, scope, lines, discount; an InvalidInput naming the console's field."""
        kind = self.query_one("#quote-type", Select).value
        if kind is Select.NULL:
            raise InvalidInput("choose one of a) to j)", field="Service type")
        scope = self.query_one("#quote-scope", TextArea).text.strip()
        if not scope:
            raise InvalidInput("say what the work covers", field="Scope")
        rows = self._rows()
        if not rows:
            raise InvalidInput("a quote needs at least one line (Ctrl+N)", field="Lines")
        specs = [self._read_line(row, number) for number, row in enumerate(rows, start=1)]
        return str(kind), scope, specs, self._read_discount()

    # -- the live total ------------------------------------------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def changed(self) -> None:
        self.recompute()

    def recompute(self) -> None:
        """Line amounts and the totals from what is typed so far (bad cells say why)."""
        priced, problems, unpriced = [], [], []
        for number, row in enumerate(self._rows(), start=1):
            amount = row.query_one(".line-amount", Static)
            try:
                spec = self._read_line(row, number)
            except UserError as error:
                amount.update(Text("—", "dim"))
                if row.query_one(".line-qty", Input).value.strip():
                    problems.append(str(error))
                    unpriced.append(number)
                continue
            line = price_line(spec, self.draft.card[spec.role])
            priced.append(line)
            amount.update(display_money(line.amount_cents))
        try:
            discount = self._read_discount()
        except UserError as error:
            problems.append(str(error))
            discount = 0
        totals = quote_totals(priced, discount)
        text = Text()
        if discount:  # without one, the subtotal is the total: said once (fits 80 columns)
            text.append("Subtotal ", "dim")
            text.append(display_money(totals.subtotal_cents))
            text.append(f" · discount {format_hundredths(discount)}% ", "dim")
            text.append(display_money(totals.discount_cents))
            text.append(" · ")
        text.append("Total ", "dim")
        text.append(display_money(totals.total_cents), "bold")
        if unpriced:  # the sum leaves those lines out: it is not the quote's total yet
            listed = ", ".join(str(number) for number in unpriced)
            plural = "s" if len(unpriced) > 1 else ""
            text.append(f"\nline{plural} {listed} left out", "red")
        self.query_one("#quote-total", Static).update(text)
        self.query_one("#quote-error", Static).update("\n".join(problems))

    # -- actions ---------------------------------------------------------------------------------

    async def action_add_line(self) -> None:
        if len(self._rows()) >= MAX_EDITOR_LINES:
            self.query_one("#quote-error", Static).update(
                f"Lines: at most {MAX_EDITOR_LINES} in the editor"
            )
            return
        row = self._new_row(None)
        await self.query_one("#quote-lines", VerticalScroll).mount(row)
        self.set_focus(row.query_one(".line-role", Select))
        self.recompute()

    async def action_remove_line(self) -> None:
        focused = self.focused
        chain = focused.ancestors_with_self if focused is not None else []
        row = next((node for node in chain if isinstance(node, LineRow)), None)
        if row is None:
            self.query_one("#quote-error", Static).update("Put the cursor on a line to remove it.")
            return
        await row.remove()
        rows = self._rows()
        if rows:
            self.set_focus(rows[-1].query_one(".line-qty", Input))
        self.recompute()

    def action_save(self) -> None:
        try:
            form = self.read_form()
        except UserError as error:
            self.query_one("#quote-error", Static).update(str(error))
            return
        self.query_one("#quote-error", Static).update("Saving…")
        self.save(*form)

    @work(thread=True, exclusive=True, group="quote-save", exit_on_error=False)
    def save(self, kind: str, scope: str, specs: list[LineSpec], discount: int) -> None:
        draft, context = self.draft, desk(self).context
        try:
            if draft.quote_id is None:
                quote = in_thread(new_quote, context, draft.ref, kind, scope, specs, discount)
            else:
                quote = in_thread(
                    edit_quote,
                    context,
                    draft.quote_id,
                    service_type=kind,
                    scope=scope,
                    lines=specs,
                    discount=discount,
                    expected_version=draft.version,
                )
            view = in_thread(show_quote, quote.id)
        except UserError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        message = f"{view['label']} saved (draft): total {display_amount(view['total'])}"
        self.app.call_from_thread(self.dismiss, message)

    def _refused(self, error: str) -> None:
        self.query_one("#quote-error", Static).update(f"Not saved: {error}")

    def action_cancel(self) -> None:
        self.dismiss(None)
