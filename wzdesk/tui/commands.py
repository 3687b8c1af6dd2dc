"""The command palette (Ctrl+P): open a case by reference, jump to a client, filters, actions,
the case history."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from wzdesk.tui.formatting import literal

if TYPE_CHECKING:
    from textual.app import App

    from wzdesk.tui.app import WzdeskApp

_FILTERS = [
    ("ALL", "Show all open cases"),
    ("MINE", "Show my cases"),
    ("UNASSIGNED", "Show unassigned cases"),
    ("BREACHED", "Show breached cases"),
    ("AT_RISK", "Show cases at risk"),
    ("WAITING", "Show cases waiting on the client"),
    ("CRITICAL", "Show critical cases"),
    ("MAJOR", "Show major cases"),
    ("MODERATE", "Show moderate cases"),
    ("MINOR", "Show minor cases"),
]
_ACTIONS = [
    ("Log a phone call", "phone_intake"),
    ("New case", "new_case"),
    ("Wallboard (breach panel full screen)", "wallboard"),
    ("Alerts: raised here and sent by notify", "alerts"),
    ("Insights: SLA compliance per week, backlog, response times", "insights"),
    ("Audit trail: who changed what, before and after", "audit"),
    ("Help: every key", "help"),
    ("Refresh from the database", "refresh_now"),
]


def open_history(app: App[object], client: str | None = None) -> None:
    """Show the case history: every case, or one client's (also `h` in the client view)."""
    from wzdesk.tui.screens.history import HistoryScreen

    app.push_screen(HistoryScreen(client=client))


HISTORY = "History: all cases, open and historical"
CALENDAR = "Calendar: opening hours, holidays and half-days"


def open_calendar(app: App[object]) -> None:
    """Show the business calendar (supervisors change the holidays there, what-if first)."""
    from wzdesk.tui.screens.calendar import CalendarScreen

    app.push_screen(CalendarScreen())


def open_client_view(app: App[object], code: str) -> None:
    """The client view (the same screen as ``C`` on a case)."""
    from wzdesk.tui.screens.people import client_screen

    app.push_screen(client_screen(code))


def open_contact_view(app: App[object], contact_id: int, name: str) -> None:
    """The contact view (the same screen as ``K`` on a case)."""
    from wzdesk.tui.screens.people import contact_screen

    app.push_screen(contact_screen(contact_id, name))


def _contacts(text: str) -> list[tuple[int, str, str]]:
    """(id, name, client code) of contacts matching ``text`` (worker thread)."""
    from wzdesk.services.context import connection
    from wzdesk.services.directory import search_contacts

    with connection():
        return [(c.id, c.name, c.client.code) for c in search_contacts(text, limit=5)]


def _lookup(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Cases whose reference matches, and clients whose code or name matches (worker thread)."""
    from wzdesk.services.case_views import find_refs
    from wzdesk.services.context import connection
    from wzdesk.services.directory import find_clients

    with connection():
        return find_refs(text), find_clients(text)


def filter_queue(app: App[object], text: str) -> None:
    """Put a query (a saved view's, or one typed in the palette) in the queue's ``/`` box."""
    from wzdesk.tui.screens.main import MainScreen

    main = next((s for s in app.screen_stack if isinstance(s, MainScreen)), None)
    if main is not None:
        main.filter_by_text(text)


def _views(login: str) -> list[tuple[str, str]]:
    """(name, query) of the saved views ``login`` sees (worker thread)."""
    from wzdesk.services.context import connection
    from wzdesk.services.views import visible_views

    with connection():
        return [(view.name, view.query) for view in visible_views(login)]


def _is_query(text: str) -> bool:
    """Typed text that reads as a query (a field, a negation, a phrase, OR) and parses."""
    from wzdesk.core.query import QueryError, check_query

    looks = any(mark in text for mark in (":", '"', " OR ", "(")) or text.startswith("-")
    return looks and not isinstance(check_query(text), QueryError)


class CaseCommands(Provider):
    """wzdesk's commands for the palette."""

    @property
    def wz(self) -> WzdeskApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        for label, action in _ACTIONS:
            yield DiscoveryHit(label, partial(self.app.run_action, action))
        yield DiscoveryHit(HISTORY, partial(open_history, self.app))
        yield DiscoveryHit(CALENDAR, partial(open_calendar, self.app))
        for name, label in _FILTERS:
            yield DiscoveryHit(label, partial(self.wz.set_quick_filter, name))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, action in _ACTIONS:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, literal(label, matcher), partial(self.app.run_action, action))
        score = matcher.match(HISTORY)
        if score > 0:
            yield Hit(score, literal(HISTORY, matcher), partial(open_history, self.app))
        score = matcher.match(CALENDAR)
        if score > 0:
            yield Hit(score, literal(CALENDAR, matcher), partial(open_calendar, self.app))
        for name, label in _FILTERS:
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, literal(label, matcher), partial(self.wz.set_quick_filter, name))
        if len(query.strip()) < 2:
            return
        if _is_query(query.strip()):
            text = f"Filter the queue: {query.strip()}"
            yield Hit(
                0.95, literal(text), partial(filter_queue, self.app, query.strip()), text=text
            )
        for name, view_query in await asyncio.to_thread(_views, self.wz.context.actor):
            label = f"View: {name} · {view_query}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    literal(label, matcher),
                    partial(filter_queue, self.app, view_query),
                    text=label,
                )
        cases, clients = await asyncio.to_thread(_lookup, query)
        for ref, summary in cases:
            text = f"Open {ref} · {summary}"
            yield Hit(
                1.0 if ref.lower() == query.strip().lower() else 0.9,
                literal(text),
                partial(self.wz.show_case, ref),
                text=text,
            )
        for code, name in clients:
            text = f"Client {code} · {name}: show its open cases"
            yield Hit(0.8, literal(text), partial(self.wz.filter_by_client, code), text=text)
            text = f"Client {code} · {name}: history (every case, open and closed)"
            yield Hit(0.75, literal(text), partial(open_history, self.app, code), text=text)
            text = f"Client {code} · {name}: client view (admins, contacts, cases, flags)"
            yield Hit(0.74, literal(text), partial(open_client_view, self.app, code), text=text)
        for contact_id, name, code in await asyncio.to_thread(_contacts, query):
            text = f"Contact {name} · {code}: contact view (cases, calls, messages)"
            yield Hit(
                0.7,
                literal(text),
                partial(open_contact_view, self.app, contact_id, name),
                text=text,
            )
