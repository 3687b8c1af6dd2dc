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
    #: resolved and closed cases found changed (None: a whole load, any may have): not in the
    #: queue, but a case's detail or the history may show them
    outside: frozenset[int] | None = frozenset()


@dataclass
class QueueChanged(Message, bubble=False):
    """The app's note to each screen that the snapshot changed."""

    changed: set[int]
    initial: bool = False
    #: resolved and closed cases found changed (None: a whole load, any may have): not in the
    #: queue, but a case's detail or the history may show them
    outside: frozenset[int] | None = frozenset()

    @property
    def outside_only(self) -> bool:
        """Only cases outside the queue changed: its rows need no redraw."""
        return not self.changed and not self.initial and bool(self.outside)


@dataclass
class LoadFailed(Message):
    """A re-read of the database failed (the console keeps running and retries)."""

    error: str
