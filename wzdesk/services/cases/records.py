"""One case record: finding it, writing it under the version check, its timeline and pauses.

Every use case in this package reads a case with :func:`get_case`, refuses a stale caller with
:func:`check_version`, and writes with :func:`save_case`, which bumps ``version`` only if no
other agent wrote the case in between. The helpers here are shared by the use cases; they do
not open transactions (the use case does).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from wzdesk.core.case_sla import Deadlines, after_pause, paused_left
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.refs import REF_PREFIX as REF_PREFIX  # re-exported: the package names it
from wzdesk.core.refs import ref_text
from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity, SlaPolicy
from wzdesk.core.text import check_text
from wzdesk.core.values import Value
from wzdesk.services import versioning
from wzdesk.services.case_filter import parse_choice as parse_choice  # the package names it
from wzdesk.services.context import ServiceContext, locked_for_writing
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import Case, CaseEvent, SlaPause, to_json

if TYPE_CHECKING:  # reading a case does not load the mail composer
    from wzdesk.services.client_mail import Delivery

FIRST_CASE_NUMBER = 1001


class Replied(Value):
    """A public message on a case (or an internal note) and what became of its email: the
    faces say "queued to ..." or "not sent: ..." from ``delivery``, never just "sent"."""

    _fields = ("case", "delivery")
    case: Case
    delivery: Delivery | None  # None: an internal note, nothing to send

    def __init__(self, case: Case, delivery: Delivery | None = None) -> None:
        self._set(case=case, delivery=delivery)


# -- parsing the vocabularies -------------------------------------------------------------------


def clean_text(value: str, field: str, limit: int, required: bool = False) -> str:
    """Multi-line text a case stores (descriptions, notes, replies): see
    :func:`wzdesk.core.text.check_text`."""
    return check_text(value, field, limit, required=required, multiline=True)


def clean_line(value: str, field: str, limit: int, required: bool = False) -> str:
    """One-line text a case stores (summary, escalation target)."""
    return check_text(value, field, limit, required=required)


# -- reading ------------------------------------------------------------------------------------


def get_case(ref: str, *, lock: bool = True) -> Case:
    """A case by reference (``WZ-1042``, ``wz-1042`` or ``1042``); inside a use case's write
    transaction, locked until it ends (see :func:`context.write_transaction`) unless ``lock``
    is False (a use case that locks several cases in one order reads first which ones)."""
    query = Case.select().where(Case.ref == ref_text(ref))
    case: Case | None = (locked_for_writing(query) if lock else query).first()
    if case is None:
        raise NotFound(f"no case {ref!r}", field="REF")
    return case


def case_number(ref: str) -> int:
    return int(ref.removeprefix(REF_PREFIX))


# -- writing helpers ----------------------------------------------------------------------------


def check_version(case: Case, expected_version: int | None) -> None:
    versioning.check_version(str(case.ref), case.version, expected_version)


def save_case(
    ctx: ServiceContext, case: Case, changes: dict[str, Any], book: PolicyBook | None = None
) -> Case:
    """Write ``changes`` only if nobody else wrote the case since it was read; a change to
    what a paused case's frozen time left hangs on writes that anew (``book``: the policy
    book, read when needed and not given)."""
    if PAUSED_LEFT_INPUTS & changes.keys():
        changes = {**changes, "paused_left": _paused_left_after(case, changes, book)}
    return versioning.save_versioned(ctx, case, changes, str(case.ref))


#: The fields ``case.paused_left`` is computed from (:func:`wzdesk.core.case_sla.paused_left`).
PAUSED_LEFT_INPUTS = frozenset(
    {
        "is_open",
        "first_response_at",
        "paused_since",
        "resolution_due",
        "resolution_paused_after_due",
        "severity",
        "policy",
    }
)


def _paused_left_after(
    case: Case, changes: dict[str, Any], book: PolicyBook | None
) -> float | None:
    """The case's ``paused_left`` once ``changes`` are written."""

    def after(name: str) -> Any:
        return changes[name] if name in changes else getattr(case, name)

    paused_since = after("paused_since")
    if not after("is_open") or paused_since is None:
        return None
    book = book or load_policy_book()
    policy = changes.get("policy", case.policy_id)
    calendar = book.by_id(int(getattr(policy, "id", policy))).calendar_for(
        Severity(after("severity"))
    )
    due = after("resolution_due").timestamp()
    responded = after("first_response_at") is not None
    after_due = float(after("resolution_paused_after_due"))
    return paused_left(calendar, True, responded, paused_since.timestamp(), due, after_due)


def add_event(
    ctx: ServiceContext,
    case: Case,
    kind: str,
    body: str = "",
    public: bool = False,
    duration_seconds: int | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    return CaseEvent.create(
        case=case,
        at=at or ctx.clock.now(),
        author=ctx.actor,
        kind=kind,
        public=public,
        body=body,
        duration_seconds=duration_seconds,
        data_json=None if data is None else to_json(data),
    )


def policy_of(book: PolicyBook, case: Case) -> SlaPolicy:
    return book.by_id(case.policy_id)


def deadline_fields(deadlines: Deadlines) -> dict[str, datetime | float]:
    return {
        "response_due": deadlines.response_due,
        "response_at_risk_at": deadlines.response_at_risk_at,
        "resolution_due": deadlines.resolution_due,
        "resolution_at_risk_at": deadlines.resolution_at_risk_at,
        "resolution_paused_after_due": deadlines.resolution_paused_after_due,
    }


def stored_deadlines(case: Case) -> Deadlines:
    return Deadlines(
        case.response_due,
        case.response_at_risk_at,
        case.resolution_due,
        case.resolution_at_risk_at,
        float(case.resolution_paused_after_due),
    )


def end_pause(
    ctx: ServiceContext, case: Case, book: PolicyBook, at: datetime | None = None
) -> dict[str, Any]:
    """Close the ongoing pause (if any) and return the shifted resolution deadlines.

    ``at``: when the pause ended, if not now (a client's email that arrived a while ago).
    """
    pause = (
        SlaPause.select()
        .where((SlaPause.case == case) & SlaPause.ended_at.is_null())
        .order_by(SlaPause.started_at.desc())
        .first()
    )
    if pause is None:
        return {"paused_since": None}
    now = ctx.clock.now()
    if at is not None:
        now = min(at, now)
    # Never before it started: two consoles' clocks a little apart could write a pause that
    # ended before it began (the backlog corrects for those already written).
    now = max(now, pause.started_at)
    SlaPause.update(ended_at=now).where(SlaPause.id == pause.id).execute()
    shifted = after_pause(
        policy_of(book, case),
        Severity(case.severity),
        stored_deadlines(case),
        pause.started_at,
        now,
    )
    return {"paused_since": None, **deadline_fields(shifted)}


def start_pause(ctx: ServiceContext, case: Case, reason: str) -> None:
    SlaPause.create(case=case, started_at=ctx.clock.now(), reason=reason)


def require_open(case: Case, doing: str) -> None:
    if not Status(case.status).is_open:
        hint = " (reopen it first)" if case.status == Status.RESOLVED else ""
        raise InvalidInput(f"{case.ref} is {case.status}; cannot {doing}{hint}", field="status")
