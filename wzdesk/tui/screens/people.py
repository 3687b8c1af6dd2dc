"""The client view (``C``) and the contact view (``K``): who a case's client and contact are,
read-only, full screen. A client: admins (rank, training), contacts, open and past cases and
the two-admin flags with whom to ask. A contact: their cases, calls and messages; ``e`` edits
the contact."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from wzdesk.core.errors import UserError
from wzdesk.core.rules import Action, may
from wzdesk.tui.formatting import markup_text
from wzdesk.tui.widgets.key_bar import KeyBar
from wzdesk.tui.workers import desk, in_thread


def _when(moment: datetime | None, zone: Any) -> str:
    return "—" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def shown_of(count: int, shown: int, which: str, more: str = "") -> str:
    """``(12)``, or ``(4,942; the 50 oldest shown, ...)`` when not every one is listed."""
    if shown >= count:
        return f"({count:,})"
    return f"({count:,}; the {shown:,} {which} shown{more})"


def _cases(
    lines: list[str],
    title: str,
    cases: list[dict[str, Any]],
    zone: Any,
    count: int,
    which: str,
    more: str = "",
) -> None:
    lines.append(f"\n[b]{title}[/b] {shown_of(count, len(cases), which, more)}")
    for case in cases:
        severity = markup_text(f"[{case['severity']}]")  # markup would take "[minor]" for a style
        lines.append(
            f"  {case['ref']}  {_when(case['received_at'], zone)}  {severity} "
            f"{case['status']}  {markup_text(case['summary'])}"
        )
    if not cases:
        lines.append("  none")


def untrained(view: dict[str, Any]) -> list[str]:
    """The names of a client view's admins with no training on record."""
    return [admin["name"] for admin in view["admins"] if admin["trained_on"] is None]


def client_text(view: dict[str, Any], zone: Any, may_quote: bool = True) -> str:
    """The client view as markup lines (the Q line only for a role that may quote: it was
    offered to phone staff, whose Q did nothing)."""
    state = "" if view["active"] else "  (deactivated)"
    lines = [f"[b]Client {view['code']}[/b] · {markup_text(view['name'])}{state}"]
    if view["flags"]:
        ask = f"; ask {markup_text(view['ask'])}" if view["ask"] else "; no contact on file to ask"
        lines.append(f"[b red]⚑ {markup_text('; '.join(view['flags']))}{ask}[/]")
        if untrained(view) and may_quote:
            lines.append("Q writes a training quote (professional services) on an open case")
    else:
        lines.append("two-admin rule: met (primary, backup, trained)")
    lines.append("\n[b]Admins[/b]")
    for admin in view["admins"]:
        trained = admin["trained_on"].isoformat() if admin["trained_on"] else "not trained"
        reach = " · ".join(filter(None, [admin["email"], admin["phone"]]))
        name, rank = markup_text(admin["name"]), admin["rank"] or "admin"
        lines.append(f"  {name}  {rank}  {markup_text(reach)}  {trained}")
    if not view["admins"]:
        lines.append("  none")
    lines.append("\n[b]Contacts[/b]")
    for person in view["contacts"]:
        marks = ("admin " if person["is_admin"] else "") + ("" if person["active"] else "inactive")
        reach = " · ".join(filter(None, [person["email"], person["phone"]]))
        lines.append(f"  {markup_text(person['name'])}  {markup_text(reach)}  {marks}".rstrip())
    _cases(
        lines,
        "Open cases",
        view["open_cases"],
        zone,
        view["open_count"],
        "oldest",
        "; f in the queue lists them all",
    )
    _cases(
        lines,
        "Past cases",
        view["past_cases"],
        zone,
        view["past_count"],
        "latest",
        "; h: the history has every one",
    )
    return "\n".join(lines)


def contact_text(view: dict[str, Any], zone: Any) -> str:
    """The contact view as markup lines."""
    role = view["rank"] or ("admin" if view["is_admin"] else "not an admin")
    state = "" if view["active"] else "  (deactivated)"
    lines = [f"[b]{markup_text(view['name'])}[/b] · {view['client']} · {role}{state}"]
    lines.append("  " + markup_text(" · ".join(filter(None, [view["email"], view["phone"]]))))
    for training in view["trainings"]:
        by, topic = markup_text(training["by"]), markup_text(training["topic"])
        lines.append(f"  trained {training['date'].isoformat()} by {by} {topic}")
    _cases(lines, "Cases", view["cases"], zone, view["case_count"], "latest")
    lines.append(f"\n[b]Calls[/b] {shown_of(view['call_count'], len(view['calls']), 'latest')}")
    for call in view["calls"]:
        minutes = (call["seconds"] or 0) // 60
        lines.append(
            f"  {_when(call['at'], zone)}  {call['ref'] or 'no case'}  {minutes} min  "
            f"{markup_text(call['notes'])}"
        )
    shown = shown_of(view["message_count"], len(view["messages"]), "latest")
    lines.append(f"\n[b]Messages[/b] {shown}")
    for message in view["messages"]:
        lines.append(
            f"  {_when(message['at'], zone)}  {message['ref'] or message['outcome']}  "
            f"{markup_text(message['subject'])}"
        )
    return "\n".join(lines)


class Hanging:
    """An item's line that wraps under its own text, two cells in from where it starts."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.text.cell_len <= options.max_width - 2:  # fits: as it reads, two cells in
            yield Text("  ") + self.text
            return
        lines = self.text.wrap(console, max(10, options.max_width - 4))
        for index, line in enumerate(lines):
            yield Text("    " if index else "  ") + line


def indented(markup: str) -> Group:
    """The view's lines, an item's (two spaces in) wrapping under itself: at 80 columns an
    admin's "not trained" and a case's summary wrapped to the screen's edge, where they read
    as items of their own."""
    lines: list[RenderableType] = []
    for line in markup.split("\n"):
        item = line.startswith("  ")
        text = Text.from_markup(line[2:] if item else line)
        lines.append(Hanging(text) if item else text)
    return Group(*lines)


class PeopleScreen(Screen[None]):
    """A client or contact view, read in a worker; Esc goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f5", "reload", "Reload")]

    @dataclass
    class Loaded(Message):
        text: str
        data: dict[str, Any] | None = None

    def __init__(
        self, title: str, read: Callable[[], dict[str, Any]], render: Callable[..., str]
    ) -> None:
        super().__init__()
        self.view_title = title
        self.read = read
        self.render_view = render
        self.data: dict[str, Any] | None = None  # the view as last read

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="people"):
            yield Static(f"Loading {self.view_title}…", id="people-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self.view_title
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def load(self) -> None:
        app = desk(self)
        moment = app.clock.now()
        zone = app.book.at(moment).calendar.zone if app.book is not None else moment.tzinfo
        data = None
        try:
            data = in_thread(self.read)
            text = self.text_of(data, zone)
        except UserError as error:
            text = f"[b red]{markup_text(str(error))}[/]"
        except Exception as error:  # the database went away: say so, keep the screen
            text = f"[b red]cannot read: {str(error).splitlines()[0] if str(error) else error!r}[/]"
        self.post_message(self.Loaded(text, data))

    def text_of(self, data: dict[str, Any], zone: Any) -> str:
        """The view's markup (a subclass adds what only some roles are offered)."""
        return self.render_view(data, zone)

    def on_people_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        self.query_one("#people-body", Static).update(indented(message.text))


class ContactScreen(PeopleScreen):
    """The contact view, where ``e`` edits the contact (name, email, phone, admin, rank)."""

    BINDINGS = [Binding("e", "edit_contact", "Edit contact")]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit_contact":
            return may(desk(self).role, Action.MANAGE_CLIENTS)
        return True

    @work(group="prompts", exclusive=True)
    async def action_edit_contact(self) -> None:
        from wzdesk.tui.screens.contact_form import EditContactForm

        if self.data is None:
            self.notify("The contact is still loading", severity="warning", timeout=2)
            return
        saved = await self.app.push_screen_wait(EditContactForm(self.data))
        if saved is not None:
            self.notify(f"Contact saved: {saved['name']} · {saved['client']}", timeout=3)
            self.action_reload()


class ClientScreen(PeopleScreen):
    """The client view, where ``Q`` writes the training quote for untrained admins on an open
    case of the client (the case the view was opened from, if open; else one picked), and
    ``h`` opens the history of the client's cases (the view lists only the latest)."""

    BINDINGS = [
        Binding("Q", "training_quote", "Training quote"),
        Binding("h", "history", "Client's history"),
    ]

    def __init__(
        self,
        title: str,
        read: Callable[[], dict[str, Any]],
        render: Callable[..., str],
        case_ref: str | None = None,
        code: str = "",
    ) -> None:
        super().__init__(title, read, render)
        self.case_ref = case_ref
        self.code = code

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "training_quote":
            return may(desk(self).role, Action.QUOTE)
        return True

    def text_of(self, data: dict[str, Any], zone: Any) -> str:
        return self.render_view(data, zone, may_quote=may(desk(self).role, Action.QUOTE))

    def action_history(self) -> None:
        """``h``: every case of the client, in the history (the view says it has every one)."""
        from wzdesk.tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(client=self.code))

    @work(group="prompts", exclusive=True)
    async def action_training_quote(self) -> None:
        import asyncio

        from wzdesk.core.billing import ServiceType
        from wzdesk.services.billing.overview import case_services, editor_rates
        from wzdesk.tui.screens.prompts import Choice, ChoicePrompt
        from wzdesk.tui.screens.quote import QuoteDraft, QuoteEditor

        view = self.data
        if view is None:
            self.notify("The client is still loading", severity="warning", timeout=2)
            return
        names = untrained(view)
        if not names:
            self.notify(f"Every admin of {view['code']} is trained: no training quote needed.")
            return
        cases = [case["ref"] for case in view["open_cases"]]
        if not cases:
            self.notify(
                f"A quote belongs to a case, and {view['code']} has no open case: open one for "
                "the training (F3), then press Q here.",
                severity="warning",
                timeout=10,
            )
            return
        ref: str | None = self.case_ref if view["from_case_open"] else None
        if ref is None and len(cases) == 1:
            ref = cases[0]
        if ref is None:
            ref = await self.app.push_screen_wait(
                ChoicePrompt(
                    f"Training quote for {view['code']}: on which open case?",
                    [
                        Choice(case["ref"], case["ref"], case["summary"])
                        for case in view["open_cases"]
                    ],
                )
            )
            if not ref:
                return
        now = desk(self).clock.now()
        try:
            services = await asyncio.to_thread(in_thread, case_services, ref)
            draft = next((q for q in services["quotes"] if q["status"] == "draft"), None)
            rates_on, card = await asyncio.to_thread(
                in_thread, editor_rates, draft["id"] if draft else None, now
            )
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        if draft is not None:  # one draft per case: carry on with it
            self.notify(f"{ref} already has a draft quote: it opens for editing.", timeout=5)
            opening = QuoteDraft.from_view(draft, card)
        else:
            who = ", ".join(names)
            opening = QuoteDraft(
                ref=ref,
                rates_on=rates_on,
                card=card,
                service_type=ServiceType.C.value,
                scope=f"Training for the client administrators of {view['code']}: {who}.",
            )
        saved = await self.app.push_screen_wait(QuoteEditor(opening))
        if saved:
            self.notify(f"{ref}: {saved}", timeout=5)
            self.action_reload()


def client_screen(code: str, case_ref: str | None = None) -> PeopleScreen:
    from wzdesk.services.people_views import client_view

    return ClientScreen(
        f"Client {code}", lambda: client_view(code, case_ref), client_text, case_ref, code
    )


def contact_screen(contact_id: int, name: str = "contact") -> PeopleScreen:
    from wzdesk.services.people_views import contact_view

    return ContactScreen(name, lambda: contact_view(f"#{contact_id}"), contact_text)
