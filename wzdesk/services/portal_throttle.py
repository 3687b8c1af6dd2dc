"""Counting tries for the client portal's throttles, in the database.

Each counted try is a ``portal_attempt`` row under a key (``code-ask:email:ana@acme.example``,
``code-ask:ip:203.0.113.7`` ...). A throttle counts the key's rows inside its window, so it
holds across every worker process and every restart; a refused try is not counted, so a
throttle lifts by itself once the window has passed. Rows older than a day are pruned as new
ones come in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import peewee

from wzdesk.core.errors import UserError
from wzdesk.store.database import lock_for_transaction
from wzdesk.store.models import PortalAttempt

#: Nothing is counted over more than this; older rows go.
KEEP = timedelta(days=1)


class TooManyTries(UserError):
    """A throttle refused the try; ``retry_after`` seconds until it would be accepted."""

    exit_code = 2

    def __init__(self, message: str, retry_after: int, *, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    """At most ``count`` tries per ``window`` under one key."""

    count: int
    window: timedelta


def take(key: str, limit: Limit, now: datetime, what: str) -> None:
    """Count one try under ``key``, or refuse it (:class:`TooManyTries`) when the window is full.

    Call inside the use case's write transaction: on PostgreSQL the key's advisory lock makes
    two workers counting the same key at once see each other's rows.
    """
    key = key[:300]
    lock_for_transaction(f"portal-attempt:{key}")
    since = now - limit.window
    recent: list[datetime] = [
        row.at
        for row in PortalAttempt.select(PortalAttempt.at)
        .where((PortalAttempt.key == key) & (PortalAttempt.at > since))
        .order_by(PortalAttempt.at)
        .limit(limit.count)
    ]
    if len(recent) >= limit.count:
        oldest = recent[0]
        # The oldest try leaves the window at oldest + window (``at > since``), not a second
        # later: "+ 1" made a 1-hour window say "try again in 61 minutes".
        wait = max(1, math.ceil((oldest + limit.window - now).total_seconds()))
        minutes = max(1, (wait + 59) // 60)
        raise TooManyTries(
            f"too many {what}; try again in {minutes} minute{'s' if minutes != 1 else ''}", wait
        )
    PortalAttempt.insert(key=key, at=now).execute()
    PortalAttempt.delete().where(
        (PortalAttempt.key == key) & (PortalAttempt.at < now - KEEP)
    ).execute()


def count(key: str, window: timedelta, now: datetime) -> int:
    """How many tries ``key`` has inside ``window`` (for tests and the operator)."""
    total = (
        PortalAttempt.select(peewee.fn.COUNT(PortalAttempt.id))
        .where((PortalAttempt.key == key[:300]) & (PortalAttempt.at > now - window))
        .scalar()
    )
    return int(total or 0)
