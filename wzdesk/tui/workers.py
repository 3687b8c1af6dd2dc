"""Helpers for the console's thread workers and for reaching the app from its screens.

The database is touched in thread workers, each with a Peewee connection of its own (the one
exception: the queue's first rows, read before the first frame, ``WzdeskApp._read_first_screen``);
screens reach the app (the clock, the acting user, the snapshot) through :func:`desk`, typed
without importing ``app.py`` at run time (it imports the screens).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.message_pump import MessagePump

from wzdesk.services.context import connection

if TYPE_CHECKING:
    from wzdesk.tui.app import WzdeskApp

T = TypeVar("T")


def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``function`` with a database connection of this worker thread's own."""
    with connection():
        return function(*args, **kwargs)


def desk(node: MessagePump) -> WzdeskApp:
    """The running :class:`~wzdesk.tui.app.WzdeskApp` of a screen or widget."""
    return cast("WzdeskApp", node.app)
