"""What every part of the web face is built with (its own module: the app imports the parts,
the parts need this, and neither imports the other's module)."""

from __future__ import annotations

from dataclasses import dataclass

from wzdesk.core.clock import Clock

#: What a request is told when SQLite's busy timeout ran out (another process held the write
#: lock: a restore, a long import): 503, nothing was done, and when to ask again.
BUSY_WORDS = "the database is busy (another wzdesk holds it: a restore, a long import); try again"
BUSY_RETRY_SECONDS = 10


@dataclass(frozen=True)
class WebConfig:
    """The clock every request's instants come from (frozen by ``WZDESK_NOW`` or a test)."""

    clock: Clock
