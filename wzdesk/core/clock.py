"""Clocks: the only place the current time comes from.

Logic never calls ``datetime.now()``; it is handed a :class:`Clock`. The command line builds one
from ``WZDESK_NOW`` (like ``GIT_COMMITTER_DATE`` for git) so scripts and tests are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class FixedClock:
    """A clock that always says the same instant (``WZDESK_NOW``, tests, snapshots).

    ``advance`` lets a test move time forward explicitly.
    """

    instant: datetime

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")
        self.instant = self.instant.astimezone(UTC)

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward (or back, with a negative delta)."""
        self.instant = self.instant + delta
