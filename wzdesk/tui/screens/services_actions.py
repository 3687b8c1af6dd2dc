"""Professional services keys on the main screen: the quote editor, moving a quote on, logging
time, and resolving a case as needing professional services.

A mixin for :class:`~wzdesk.tui.screens.main.MainScreen` (which adds
:data:`SERVICES_BINDINGS` to its bindings and asks :meth:`ServicesActions.check_services_action`
about these actions). Each action reads what it needs fresh in a thread, asks with modal prompts,
and runs the use case in a thread worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.binding import Binding
from textual.message import Message

from wzdesk.core.billing import QuoteStatus, next_moves
from wzdesk.core.errors import UserError
from wzdesk.core.money import display_amount
from wzdesk.core.rules import CLASSIFICATION_LABELS, Action, Category, Status, may
from wzdesk.services import cases as case_service
from wzdesk.services.billing.common import support_date
from wzdesk.services.billing.overview import case_services, editor_rates
from wzdesk.services.billing.quotes import move_quote
from wzdesk.tui.outcomes import said
from wzdesk.tui.screens.prompts import Choice, ChoicePrompt, TextPrompt
from wzdesk.tui.workers import in_thread

if TYPE_CHECKING:
    from wzdesk.tui.screens.main import MainScreen

#: The keys, shown in the footer and the help screen.
SERVICES_BINDINGS = [
    Binding("Q", "quote", "Quote"),
    Binding("P", "quote_move", "Quote status"),
    Binding("T", "log_time", "Log time"),
    Binding("H", "handoff", "Resolve → services"),
]
SERVICES_ACTIONS = {"quote", "quote_move", "log_time", "handoff"}
SERVICES_KEYS = {binding.key: binding.action for binding in SERVICES_BINDINGS}
#: Why P or T did nothing on a case (not offered there: no quote that can move on, none
#: approved); said when the key is pressed all the same.
SERVICES_REFUSALS = {
    "quote_move": "{ref} has no quote to move on (Q writes one)",
    "log_time": "{ref} has no approved quote; time is logged against one",
}
_MOVE_CHOICES = {
    "send": ("Send to the client", "Emailed to {send_to}; the case waits on the client"),
    "approve": ("Approved by the client (invoiced)", "Work may start; time is billed"),
    "decline": ("Declined by the client", "The quote is closed; the case is open again"),
    "start": ("Work started", "In progress"),
    "done": ("Work done", "The quote is finished"),
}
_HANDOFF_CLASSIFICATIONS = [  # the same choices as resolve (R)
    Choice(outcome.value, label, description)
    for outcome, (label, description) in CLASSIFICATION_LABELS.items()
]


def _prepaid_cover(data: dict[str, Any], quote: dict[str, Any]) -> str:
    """What the client's prepaid hours can pay for, as the approval checks it: the hours
    promised to its other open prepaid quotes are not free."""
    held = ""
    if data["prepaid_promised"]:
        held = f", {data['prepaid_promised']} ({data['prepaid_free_hours']} h free)"
    return (
        f"{data['client']} has {data['prepaid_hours']} h prepaid{held}; "
        f"the quote needs {quote['quoted_hours']} h"
    )


@dataclass
class ServicesDone(Message):
    """A services action finished (or was refused)."""

    ref: str
    message: str
    error: str | None = None


class ServicesActions:
    """The services keys of the main screen (mixed into it)."""

    @property
    def _screen(self) -> MainScreen:
        return cast("MainScreen", self)

    def check_services_action(self, action: str) -> bool | None:
        """Offer a services key only to roles that may use it, on a case that allows it."""
        screen = self._screen
        needs = {
            "quote": Action.QUOTE,
            "quote_move": Action.QUOTE,
            "log_time": Action.LOG_TIME,
            "handoff": Action.RESOLVE,
        }
        if not may(screen.wz.role, needs[action]):
            return False
        target = screen.selected_target()
        if target is None:
            return None
        status = target.status
        if action in ("quote", "handoff", "quote_move"):  # quotes move on open cases only
            if not status.is_open:
                return False
        if status is Status.CLOSED:  # closed is final; a resolved case still takes time
            return False
        if action in ("quote", "handoff"):
            return True
        states = self.quote_states_of(target.case_id)
        if states is None:
            return None  # not read yet (offered once it is; pressed now, the key still works)
        quotes = [QuoteStatus(state) for state in states]
        if action == "quote_move":  # a quote that can move on (P was offered on every case)
            return any(next_moves(quote) for quote in quotes) or None
        return any(quote.takes_time for quote in quotes) or None  # log_time

    def quote_states_of(self, case_id: int) -> list[str] | None:
        """The case's quotes' statuses, if the case pane has read them (None: not yet)."""
        case = self._screen.case
        if case is None or case["id"] != case_id:
            return None
        states: list[str] | None = case.get("quote_states")
        return states

    async def _services_of_case(self) -> dict[str, Any] | None:
        """The services data of the selected case (read at key press, before any prompt)."""
        screen = self._screen
        target = screen._target()  # held once if the highlight just fell on it
        if target is None:
            return None
        try:
            return await asyncio.to_thread(in_thread, case_services, target.ref)
        except UserError as error:
            screen.notify(str(error), severity="error")
            return None

    # -- Q: the quote editor -------------------------------------------------------------------

    @work(group="prompts", exclusive=True)
    async def action_quote(self) -> None:
        from wzdesk.tui.screens.quote import QuoteDraft, QuoteEditor

        screen = self._screen
        data = await self._services_of_case()
        if data is None:
            return
        draft = next((q for q in data["quotes"] if q["status"] == QuoteStatus.DRAFT), None)
        now = screen.wz.clock.now()
        rates_on, card = await asyncio.to_thread(
            in_thread, editor_rates, draft["id"] if draft else None, now
        )
        if draft is not None:
            opening = QuoteDraft.from_view(draft, card)
        else:
            opening = QuoteDraft(ref=data["case"], rates_on=rates_on, card=card)
        saved = await screen.app.push_screen_wait(QuoteEditor(opening))
        if saved:
            self._finished(data["case"], saved)

    # -- P: send, approve, decline, start, done ------------------------------------------------

    @work(group="prompts", exclusive=True)
    async def action_quote_move(self) -> None:
        screen = self._screen
        data = await self._services_of_case()
        if data is None:
            return
        movable = [q for q in data["quotes"] if q["next"]]
        if not movable:
            screen.notify(f"{data['case']} has no quote to move on (Q writes one)", timeout=4)
            return
        quote = await self._pick_quote(f"{data['case']}: which quote moves on?", movable)
        if quote is None:
            return
        choices = []
        for verb in quote["next"]:
            label, description = _MOVE_CHOICES[verb]
            if verb == "send":
                description = description.format(send_to=data["send_to"] or "nobody")
                if data["send_problem"]:
                    description = f"Cannot be sent: {data['send_problem']}"
            choices.append(Choice(verb, label, description))
            if verb == "approve":
                choices.append(
                    Choice(
                        "approve-prepaid",
                        "Approved, paid from prepaid hours",
                        _prepaid_cover(data, quote),
                    )
                )
        title = f"{quote['label']} is {quote['status'].replace('_', ' ')}: what next?"
        verb = await screen.app.push_screen_wait(ChoicePrompt(title, choices))
        if not verb:
            return
        prepaid = verb == "approve-prepaid"
        verb = "approve" if prepaid else verb
        label = f"{quote['label']} {_MOVE_CHOICES[verb][0].lower()}"
        self._services_run(data["case"], label, move_quote, quote["id"], verb, prepaid=prepaid)

    async def _pick_quote(self, title: str, quotes: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The quote to act on: the only one, else the user's pick (newest first). P and T
        acted on the newest alone, so an older sent quote could not be approved while a newer
        draft existed, nor time logged on an older approved one."""
        if len(quotes) == 1:
            return quotes[0]
        choices = [
            Choice(
                str(quote["id"]),
                f"{quote['label']} {quote['status'].replace('_', ' ')}",
                f"{quote['service_type'] or '—'}) {quote['service_type_name'] or 'no type yet'}"
                f"; total {display_amount(quote['total'])}",
            )
            for quote in quotes
        ]
        picked = await self._screen.app.push_screen_wait(ChoicePrompt(title, choices))
        return next((q for q in quotes if str(q["id"]) == picked), None)

    # -- T: time -----------------------------------------------------------------------------------

    @work(group="prompts", exclusive=True)
    async def action_log_time(self) -> None:
        from wzdesk.tui.screens.time_entry import TimeEntryPrompt

        screen = self._screen
        data = await self._services_of_case()
        if data is None:
            return
        taking = [QuoteStatus.APPROVED.value, QuoteStatus.IN_PROGRESS.value]
        open_quotes = [q for q in data["quotes"] if q["status"] in taking]
        if not open_quotes:
            screen.notify(
                f"{data['case']} has no approved quote; time is logged against one",
                severity="warning",
                timeout=5,
            )
            return
        quote = await self._pick_quote(f"{data['case']}: log time on which quote?", open_quotes)
        if quote is None:
            return
        now = screen.wz.clock.now()
        today = await asyncio.to_thread(in_thread, support_date, now)
        overrun = may(screen.wz.role, Action.ALLOW_OVERRUN)
        logged = await screen.app.push_screen_wait(TimeEntryPrompt(quote, today, overrun))
        if logged:
            self._finished(data["case"], logged)

    # -- H: resolve as needing professional services ------------------------------------------

    @work(group="prompts", exclusive=True)
    async def action_handoff(self) -> None:
        screen = self._screen
        target = screen._target()  # held once if the highlight just fell on it
        if target is None:
            return
        classification: str | None = None
        if target.category == Category.UNEXPECTED:
            classification = await screen.app.push_screen_wait(
                ChoicePrompt(f"What was {target.ref}?", _HANDOFF_CLASSIFICATIONS)
            )
            if not classification:
                return
        note = await screen.app.push_screen_wait(
            TextPrompt(
                f"Resolve {target.ref}: needs professional services",
                "The note goes to the client; a services case with a draft quote is opened.",
                "Resolve",
            )
        )
        if note:
            self._services_run(
                target.ref,
                "Resolved; services case opened",
                case_service.resolve,
                target.ref,
                note,
                classification,
                expected_version=target.version,
                needs_services=True,
            )

    # -- running and reporting -------------------------------------------------------------------

    def _services_run(
        self, ref: str, label: str, function: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> None:
        self._services_act(ref, label, function, args, kwargs)

    @work(thread=True, group="actions", exit_on_error=False)
    def _services_act(
        self,
        ref: str,
        label: str,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        screen = self._screen
        try:
            in_thread(function, screen.wz.context, *args, **kwargs)
        except UserError as error:
            screen.post_message(ServicesDone(ref, label, said(error)))
            return
        screen.post_message(ServicesDone(ref, label))

    def on_services_done(self, message: ServicesDone) -> None:
        if message.error:
            self._screen.notify(message.error, title="Not done", severity="error", timeout=8)
            self._screen.reload_detail(message.ref)
            return
        self._finished(message.ref, message.message)

    def _finished(self, ref: str, message: str) -> None:
        screen = self._screen
        screen.notify(f"{ref}: {message}", timeout=6 if "Warning" in message else 3)
        screen.reload_detail(ref)
        screen.wz.load_queue()
