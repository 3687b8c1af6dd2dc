"""Saved views: a named query, personal or shared with the desk, optionally pinned as a tab.

A view's query is checked when saved (a bad one is refused naming its token), and read back
as text, so a relative term such as ``updated:today`` stays relative.
"""

from __future__ import annotations

import re
from datetime import datetime

from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from wzdesk.core.query import MAX_QUERY, QueryError, parse_query
from wzdesk.core.rules import Role
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.search import SearchContext, count_cases
from wzdesk.store.models import SavedView

_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,60}$")


def _name(text: str) -> str:
    name = " ".join((text or "").split())
    if not _NAME.match(name):
        raise InvalidInput("expected 1 to 60 printable characters", field="NAME")
    return name


def _query(text: str) -> str:
    query = (text or "").strip()
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"at most {MAX_QUERY} characters", field="--query")
    try:
        parse_query(query)
    except QueryError as error:
        raise InvalidInput(
            f"{error.reason}: {error.token!r} at position {error.position}", field="--query"
        ) from None
    return query


def visible_views(login: str) -> list[SavedView]:
    """The views ``login`` sees: their own and every shared one; pinned first, then by name."""
    return list(
        SavedView.select()
        .where((SavedView.owner == login) | (SavedView.shared == True))  # noqa: E712
        .order_by(SavedView.pinned.desc(), SavedView.name, SavedView.owner)
    )


def pinned_views(login: str) -> list[SavedView]:
    """The views shown as queue tabs for ``login``."""
    return [view for view in visible_views(login) if view.pinned]


def view_count(view: SavedView, search: SearchContext) -> int:
    """How many cases the view matches now (its tab's live count)."""
    return count_cases(view.query, search)


def find_view(login: str, name: str) -> SavedView:
    """``login``'s own view called ``name``, else the shared one of that name."""
    name = _name(name)
    own = SavedView.get_or_none((SavedView.owner == login) & (SavedView.name == name))
    if own is not None:
        return own
    shared = list(
        SavedView.select().where((SavedView.name == name) & (SavedView.shared == True))  # noqa: E712
    )
    if not shared:
        raise NotFound(f"no view {name!r}", field="NAME")
    return shared[0]


def add_view(
    ctx: ServiceContext, name: str, query: str, *, shared: bool = False, pinned: bool = False
) -> SavedView:
    """Save a query under a name (personal unless ``shared``; ``pinned``: a queue tab)."""
    name, query = _name(name), _query(query)
    with write_transaction():
        if (
            SavedView.select()
            .where((SavedView.owner == ctx.actor) & (SavedView.name == name))
            .exists()
        ):
            raise InvalidInput(f"you already have a view {name!r}", field="NAME")
        now: datetime = ctx.clock.now()
        view = SavedView.create(
            name=name, query=query, owner=ctx.actor, shared=shared, pinned=pinned, created_at=now
        )
        ctx.audit(
            "view.add", "saved_view", f"{ctx.actor}/{name}", None,
            {"query": query, "shared": shared, "pinned": pinned},
        )  # fmt: skip
    return view


def remove_view(ctx: ServiceContext, name: str) -> None:
    """Delete a view: your own, or (supervisors) a shared one."""
    with write_transaction():
        view = find_view(ctx.actor, name)
        if view.owner != ctx.actor and ctx.role != Role.SUPERVISOR:
            raise PermissionDenied(
                f"{ctx.actor} ({ctx.role.value}) may not remove {view.owner}'s shared view"
            )
        SavedView.delete().where(SavedView.id == view.id).execute()
        ctx.audit(
            "view.remove", "saved_view", f"{view.owner}/{view.name}",
            {"query": view.query, "shared": view.shared, "pinned": view.pinned}, None,
        )  # fmt: skip
