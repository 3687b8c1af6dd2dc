"""Live status for the client portal: what a page polls every few seconds.

Kept apart from :func:`wzdesk.services.client_side.client_case` on purpose: a page open on a
desk polls every few seconds, and a case *read* is audited; a poll returns only what already
shows on the page the client opened (status, timers, how many timeline entries), for the
scope's own cases, and is not audited again.
"""

from __future__ import annotations

from typing import Any

from wzdesk.core.errors import NotFound
from wzdesk.core.timefmt import format_instant
from wzdesk.services.case_fields import timers
from wzdesk.services.client_side import ClientScope, scoped_case
from wzdesk.services.client_side.books import policy_book
from wzdesk.services.client_side.cases import public_event_count, public_status
from wzdesk.store.models import Case

#: Most cases one poll may ask about (a page of the list).
MAX_REFS = 100


def _status(case: Case, timeline: int | None, book: Any, now: Any) -> dict[str, Any]:
    zone = book.by_id(case.policy_id).calendar.zone
    reading = timers(case, book, now)
    result: dict[str, Any] = {
        "ref": case.ref,
        "status": public_status(case.status),
        "severity": case.severity,
        "response_due": format_instant(reading.response.due, zone),
        "resolution_due": format_instant(reading.resolution.due, zone),
        "response_state": reading.response.state.value,
        "resolution_state": reading.resolution.state.value,
        "paused": reading.paused,
        "updated_at": format_instant(case.updated_at, zone),
        "zone": zone.key,
    }
    if timeline is not None:
        result["timeline"] = timeline
    return result


def cases_status(scope: ClientScope, refs: list[str]) -> list[dict[str, Any]]:
    """The status of those of ``refs`` that are the scope's client's cases (others are left
    out, exactly like references that do not exist)."""
    wanted = [str(ref)[:40].strip().upper() for ref in refs[:MAX_REFS] if str(ref).strip()]
    if not wanted:
        return []
    now = scope.clock.now()
    book = policy_book()
    found = Case.select().where(Case.ref.in_(wanted) & (Case.client == scope.client_id))
    return [_status(case, None, book, now) for case in found]


def case_status(scope: ClientScope, ref: str) -> dict[str, Any] | None:
    """One case's status and the length of its public timeline (the page reloads the timeline
    when it grows); ``None`` unless it is the scope's client's case."""
    try:
        case = scoped_case(scope, ref)
    except NotFound:
        return None
    return _status(case, public_event_count(case), policy_book(), scope.clock.now())
