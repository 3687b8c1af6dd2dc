"""Clocks: the only place the current time comes from.

Logic never calls ``datetime.now()``; it is handed a :class:`Clock`. The command line builds one
from ``WZDESK_NOW`` (like ``GIT_COMMITTER_DATE`` for git) so scripts and tests are reproducible.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that always says the same instant (``WZDESK_NOW``, tests, snapshots).

    ``advance`` lets a test move time forward explicitly. (A plain class: scripts with
    ``WZDESK_NOW`` build one, and :mod:`dataclasses` costs a script's start 20 ms.)
    """

    def __init__(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = instant.astimezone(UTC)

    def __repr__(self) -> str:
        return f"FixedClock({self.instant.isoformat()!r})"

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        self.instant = self.instant + delta
