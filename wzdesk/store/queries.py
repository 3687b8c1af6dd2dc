"""Queue-wide questions as indexed SQL conditions on the stored deadlines.

"Which cases are breached / at risk right now?" never needs the calendar: the deadlines are
stored, so the answer is a comparison with ``now`` that the database does for the whole queue.
A paused resolution clock is judged at the instant it paused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import peewee

from wzdesk.store.models import Case


def tuples(query: peewee.SelectBase) -> Iterable[tuple[Any, ...]]:
    """A query's rows as plain tuples (typed: Peewee's stubs type rows as model instances)."""
    return cast(Iterable[tuple[Any, ...]], query.tuples())


def response_breached(now: datetime) -> peewee.Expression:
    """Past the response due instant with no reply yet (a late reply is late, not overdue)."""
    return (Case.response_due < now) & Case.first_response_at.is_null()


def response_late() -> peewee.Expression:
    """Answered, but only after the response due instant."""
    return Case.first_response_at.is_null(False) & (Case.first_response_at > Case.response_due)


def resolution_breached(now: datetime) -> peewee.Expression:
    """Past the resolution due instant (a paused clock judged when it paused)."""
    return (Case.resolution_due < now) & (
        Case.paused_since.is_null() | (Case.paused_since > Case.resolution_due)
    )


def breached(now: datetime) -> peewee.Expression:
    """Open cases past a due instant they have not met."""
    return Case.is_open & (response_breached(now) | resolution_breached(now))


def at_risk(now: datetime) -> peewee.Expression:
    """Open cases past an at-risk instant, not (yet) breached."""
    response = Case.first_response_at.is_null() & (Case.response_at_risk_at <= now)
    resolution = (Case.resolution_at_risk_at <= now) & (
        Case.paused_since.is_null() | (Case.paused_since >= Case.resolution_at_risk_at)
    )
    overdue = response_breached(now) | resolution_breached(now)
    condition: peewee.Expression = Case.is_open & (response | resolution) & ~overdue
    return condition
