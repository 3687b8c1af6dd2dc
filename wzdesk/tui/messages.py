"""Messages the app and its screens exchange about the shared queue snapshot.

Their own module (not ``app.py``) so that screens can receive them without importing the app,
which imports the screens.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class QueueRefreshed(Message):
    """The snapshot changed (initial load or a refresh found changes)."""

    changed: set[int]
    initial: bool = False
    loaded: bool = False  # the worker finished (re-arm the refresh timer)
    completed: bool = False  # the whole queue is loaded now (after the first screen)


@dataclass
class QueueChanged(Message, bubble=False):
    """The app's note to each screen that the snapshot changed."""

    changed: set[int]
    initial: bool = False


@dataclass
class LoadFailed(Message):
    """A re-read of the database failed (the console keeps running and retries)."""

    error: str
