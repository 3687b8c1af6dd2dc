"""Use cases on support cases: open, log a call, reply, assign, status, severity, escalate,
resolve, reopen, close.

Each one validates, checks the acting role, runs in one transaction, appends to the case's
timeline and the audit trail, and refuses a stale update: the caller says which ``version`` of
the case it read, and if another agent changed the case since, a :class:`Conflict` is raised
and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from wzdesk.core.case_sla import Deadlines, after_pause, compute_deadlines
from wzdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from wzdesk.core.rules import (
    DEDICATED_STATUS_COMMANDS,
    SETTABLE_STATUS_MOVES,
    Action,
    Category,
    Channel,
    Classification,
    Status,
    missing_recommended_fields,
)
from wzdesk.core.sla import Severity, SlaPolicy
from wzdesk.services.calendar import PolicyBook, load_policy_book
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import describe_admins, find_contact, get_client, get_user
from wzdesk.services.mail_outbox import queue_client_mail
from wzdesk.store.models import Case, CaseEvent, Contact, SlaPause, to_json

REF_PREFIX = "WZ-"
FIRST_CASE_NUMBER = 1001
#: A received time this far ahead of the clock is a typo, not a clock skew.
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_CALL_SECONDS = 12 * 3600


@dataclass(frozen=True)
class NewCase:
    """What an intake form or a script submits."""

    client: str
    contact: str  # email or phone of a client admin
    severity: str
    channel: str
    category: str
    summary: str
    description: str = ""
    steps_to_reproduce: str = ""
    affected_users: str = ""
    received_at: datetime | None = None
    tags: str = ""


# -- parsing the vocabularies -------------------------------------------------------------------


def parse_choice(enum: Any, value: str, field: str) -> Any:
    """``enum(value)`` or an InvalidInput naming the field and the choices."""
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise InvalidInput(f"expected one of {choices}, got {value!r}", field=field) from None


def _text(value: str, field: str, limit: int, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput("must not be empty", field=field)
    if len(text) > limit:
        raise InvalidInput(f"at most {limit} characters (got {len(text)})", field=field)
    return text


# -- reading ------------------------------------------------------------------------------------


def get_case(ref: str) -> Case:
    """A case by reference (``WZ-1042``, ``wz-1042`` or ``1042``)."""
    text = ref.strip().upper()
    if text.isdigit():
        text = REF_PREFIX + text
    case = Case.get_or_none(Case.ref == text)
    if case is None:
        raise NotFound(f"no case {ref!r}", field="REF")
    return case


def case_number(ref: str) -> int:
    return int(ref.removeprefix(REF_PREFIX))


# -- writing helpers ----------------------------------------------------------------------------


def _check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and case.version != expected_version:
        raise Conflict(
            f"{case.ref} changed since you read it (you had version {expected_version}, it is "
            f"now {case.version}); reload it and try again",
            field="version",
        )


def _save(ctx: ServiceContext, case: Case, changes: dict[str, Any]) -> Case:
    """Write ``changes`` only if nobody else wrote the case since it was read."""
    now = ctx.clock.now()
    updated = (
        Case.update(**changes, version=Case.version + 1, updated_at=now)
        .where((Case.id == case.id) & (Case.version == case.version))
        .execute()
    )
    if updated != 1:
        raise Conflict(
            f"{case.ref} was changed by someone else just now; reload it", field="version"
        )
    for name, value in changes.items():
        setattr(case, name, value)
    case.version += 1
    case.updated_at = now
    return case


def _event(
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


def _policy(book: PolicyBook, case: Case) -> SlaPolicy:
    return book.by_id(case.policy_id)


def _deadline_fields(deadlines: Deadlines) -> dict[str, datetime]:
    return {
        "response_due": deadlines.response_due,
        "response_at_risk_at": deadlines.response_at_risk_at,
        "resolution_due": deadlines.resolution_due,
        "resolution_at_risk_at": deadlines.resolution_at_risk_at,
    }


def _stored_deadlines(case: Case) -> Deadlines:
    return Deadlines(
        case.response_due, case.response_at_risk_at, case.resolution_due, case.resolution_at_risk_at
    )


def _end_pause(
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
        now = max(min(at, now), pause.started_at)
    SlaPause.update(ended_at=now).where(SlaPause.id == pause.id).execute()
    shifted = after_pause(
        _policy(book, case), Severity(case.severity), _stored_deadlines(case), pause.started_at, now
    )
    return {"paused_since": None, **_deadline_fields(shifted)}


def _start_pause(ctx: ServiceContext, case: Case, reason: str) -> None:
    SlaPause.create(case=case, started_at=ctx.clock.now(), reason=reason)


def _require_open(case: Case, doing: str) -> None:
    if not Status(case.status).is_open:
        hint = " (reopen it first)" if case.status == Status.RESOLVED else ""
        raise InvalidInput(f"{case.ref} is {case.status}; cannot {doing}{hint}", field="status")


# -- use cases ----------------------------------------------------------------------------------


def open_case(
    ctx: ServiceContext,
    new: NewCase,
    *,
    call_seconds: int | None = None,
    call_notes: str = "",
    book: PolicyBook | None = None,
    contact: Contact | None = None,
) -> Case:
    """Open a case for a client admin. With ``call_seconds`` it is a logged phone call.

    ``contact``: the ``new.contact`` already looked up, with its client (the mail import has
    it at hand and saves two queries a message).
    """
    known_contact = contact
    ctx.require(Action.LOG_CALL if call_seconds is not None else Action.OPEN_CASE)
    severity = parse_choice(Severity, new.severity, "--severity")
    channel = parse_choice(Channel, new.channel, "--channel")
    category = parse_choice(Category, new.category, "--category")
    summary = _text(new.summary, "--summary", 300, required=True)
    description = _text(new.description, "--description", 100_000)
    steps = _text(new.steps_to_reproduce, "--steps", 100_000)
    affected = _text(new.affected_users, "--affected-users", 10_000)
    tags = ",".join(sorted({t.strip().lower() for t in new.tags.split(",") if t.strip()}))
    now = ctx.clock.now()
    received_at = new.received_at or now
    if received_at.tzinfo is None:
        raise InvalidInput("needs a time zone offset", field="--received")
    if received_at > now + FUTURE_TOLERANCE:
        raise InvalidInput(
            "is in the future; a case cannot be received later than now", field="--received"
        )
    if call_seconds is not None and not 0 <= call_seconds <= MAX_CALL_SECONDS:
        raise InvalidInput("expected a call length between 0 and 12 hours", field="--duration")
    book = book or load_policy_book()
    with write_transaction():
        client = known_contact.client if known_contact else get_client(new.client)
        if not client.active:
            raise InvalidInput(f"client {client.code} is inactive", field="--client")
        contact = known_contact or find_contact(client, new.contact)
        if not contact.is_admin:
            raise PermissionDenied(
                f"{contact.name} is not a client admin of {client.code}; only client admins may "
                f"open cases. {describe_admins(client)}",
                field="--contact",
            )
        version_id, policy = book.version_at(received_at)
        deadlines = compute_deadlines(policy, severity, received_at)
        case = Case.create(
            client=client,
            contact=contact,
            channel=channel.value,
            category=category.value,
            severity=severity.value,
            status=Status.NEW.value,
            summary=summary,
            description=description,
            steps_to_reproduce=steps,
            affected_users=affected,
            tags=tags,
            policy=version_id,
            received_at=received_at,
            created_at=now,
            updated_at=now,
            **_deadline_fields(deadlines),
        )
        # The id is unique under any concurrency; the reference is derived from it.
        case.ref = f"{REF_PREFIX}{FIRST_CASE_NUMBER - 1 + case.id}"
        Case.update(ref=case.ref).where(Case.id == case.id).execute()
        missing = missing_recommended_fields(category, description, steps, affected)
        _event(
            ctx,
            case,
            "created",
            summary,
            data={"channel": channel.value, "missing": missing},
            at=received_at,
        )
        if call_seconds is not None:
            _event(
                ctx,
                case,
                "call",
                _text(call_notes, "--notes", 100_000),
                duration_seconds=call_seconds,
                at=received_at,
            )
        ctx.audit(
            "case.open",
            "case",
            case.ref,
            None,
            {
                "client": client.code,
                "contact": contact.id,
                "severity": severity.value,
                "channel": channel.value,
                "category": category.value,
                "received_at": received_at,
            },
        )
    return case


def reply(
    ctx: ServiceContext,
    ref: str,
    message: str,
    *,
    internal: bool = False,
    expected_version: int | None = None,
) -> Case:
    """A public reply (meets the response target) or an internal note (does not)."""
    ctx.require(Action.ADD_NOTE if internal else Action.REPLY)
    body = _text(message, "--message", 100_000, required=True)
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        if case.status == Status.CLOSED:
            raise InvalidInput(f"{case.ref} is closed", field="status")
        changes: dict[str, Any] = {}
        if not internal:
            if case.first_response_at is None:
                changes["first_response_at"] = ctx.clock.now()
            if case.status == Status.NEW:
                changes["status"] = Status.OPEN.value
        _save(ctx, case, changes)
        event = _event(ctx, case, "note" if internal else "reply", body, public=not internal)
        if not internal:
            queue_client_mail(ctx, case, event)
        ctx.audit(
            "case.note" if internal else "case.reply", "case", case.ref, None, {"length": len(body)}
        )
    return case


def log_call_on_case(
    ctx: ServiceContext,
    ref: str,
    notes: str,
    duration_seconds: int,
    expected_version: int | None = None,
) -> Case:
    """Record a phone call (with its length) on an existing case's timeline."""
    ctx.require(Action.LOG_CALL)
    body = _text(notes, "--notes", 100_000)
    if not 0 <= duration_seconds <= MAX_CALL_SECONDS:
        raise InvalidInput("expected a call length between 0 and 12 hours", field="--duration")
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        if case.status == Status.CLOSED:
            raise InvalidInput(f"{case.ref} is closed", field="status")
        _save(ctx, case, {})
        _event(ctx, case, "call", body, duration_seconds=duration_seconds)
        ctx.audit("case.call", "case", case.ref, None, {"duration_seconds": duration_seconds})
    return case


def assign(
    ctx: ServiceContext, ref: str, login: str | None, expected_version: int | None = None
) -> Case:
    """Assign to a console user (``None``: unassign). A new case becomes open."""
    ctx.require(Action.ASSIGN)
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        _require_open(case, "assign it")
        user = get_user(login) if login else None
        if user is not None and not user.active:
            raise InvalidInput(f"{user.login} is deactivated", field="--assignee")
        before = case.assignee.login if case.assignee_id else None
        after = user.login if user else None
        if before == after:
            return case
        changes: dict[str, Any] = {"assignee": user}
        if case.status == Status.NEW and user is not None:
            changes["status"] = Status.OPEN.value
        _save(ctx, case, changes)
        _event(ctx, case, "assign", data={"from": before, "to": after})
        ctx.audit("case.assign", "case", case.ref, {"assignee": before}, {"assignee": after})
    return case


def set_status(
    ctx: ServiceContext,
    ref: str,
    status: str,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Open / waiting on client moves; waiting pauses the resolution clock, open resumes it."""
    ctx.require(Action.CHANGE_STATUS)
    target = parse_choice(Status, status, "--status")
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        current = Status(case.status)
        if target == current:
            return case
        if target in DEDICATED_STATUS_COMMANDS and target not in SETTABLE_STATUS_MOVES[current]:
            command = DEDICATED_STATUS_COMMANDS[target]
            raise InvalidInput(
                f"use 'wzdesk case {command} {case.ref}' to make it {target.value}",
                field="--status",
            )
        if target not in SETTABLE_STATUS_MOVES[current]:
            raise InvalidInput(
                f"{case.ref} cannot go from {current.value} to {target.value}", field="--status"
            )
        changes: dict[str, Any] = {"status": target.value}
        if target == Status.WAITING_CLIENT:
            _start_pause(ctx, case, "waiting_client")
            changes["paused_since"] = ctx.clock.now()
        elif current == Status.WAITING_CLIENT:
            changes.update(_end_pause(ctx, case, book))
        _save(ctx, case, changes)
        _event(ctx, case, "status", data={"from": current.value, "to": target.value})
        ctx.audit(
            "case.status", "case", case.ref, {"status": current.value}, {"status": target.value}
        )
    return case


def change_severity(
    ctx: ServiceContext,
    ref: str,
    severity: str,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """New severity: both targets recomputed from received_at under the case's policy."""
    ctx.require(Action.CHANGE_SEVERITY)
    target = parse_choice(Severity, severity, "--severity")
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        if case.status == Status.CLOSED:
            raise InvalidInput(f"{case.ref} is closed", field="status")
        if target.value == case.severity:
            return case
        finished = [
            (p.started_at, p.ended_at)
            for p in SlaPause.select().where(
                (SlaPause.case == case) & SlaPause.ended_at.is_null(False)
            )
        ]
        before = {"severity": case.severity, **_deadline_fields(_stored_deadlines(case))}
        deadlines = compute_deadlines(_policy(book, case), target, case.received_at, finished)
        _save(ctx, case, {"severity": target.value, **_deadline_fields(deadlines)})
        _event(ctx, case, "severity", data={"from": before["severity"], "to": target.value})
        ctx.audit(
            "case.severity",
            "case",
            case.ref,
            before,
            {
                "severity": target.value,
                **_deadline_fields(deadlines),
            },
        )
    return case


def escalate(
    ctx: ServiceContext,
    ref: str,
    to: str,
    reason: str,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Escalate to another resource (tier 2, development, professional services)."""
    ctx.require(Action.ESCALATE)
    to = _text(to, "--to", 200, required=True)
    reason = _text(reason, "--reason", 10_000, required=True)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        _require_open(case, "escalate it")
        changes: dict[str, Any] = {
            "status": Status.ESCALATED.value,
            "escalated_to": to,
            "escalation_reason": reason,
        }
        if case.status == Status.WAITING_CLIENT:
            changes.update(_end_pause(ctx, case, book))
        before = {"status": case.status, "escalated_to": case.escalated_to}
        _save(ctx, case, changes)
        _event(ctx, case, "escalate", reason, data={"to": to})
        ctx.audit("case.escalate", "case", case.ref, before, {"escalated_to": to, "reason": reason})
    return case


def resolve(
    ctx: ServiceContext,
    ref: str,
    note: str,
    classification: str | None = None,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Resolve: meets the resolution target; ``unexpected`` cases need a classification."""
    ctx.require(Action.RESOLVE)
    note = _text(note, "--note", 100_000, required=True)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        _require_open(case, "resolve it")
        kind = None
        if case.category == Category.UNEXPECTED:
            if not classification:
                raise InvalidInput(
                    "an 'unexpected' case needs one: user_error, bug or works_as_designed",
                    field="--classification",
                )
            kind = parse_choice(Classification, classification, "--classification").value
        elif classification:
            raise InvalidInput(
                f"only 'unexpected' cases are classified ({case.ref} is {case.category})",
                field="--classification",
            )
        now = ctx.clock.now()
        changes: dict[str, Any] = {}
        if case.status == Status.WAITING_CLIENT:
            changes.update(_end_pause(ctx, case, book))
        changes.update(
            {
                "status": Status.RESOLVED.value,
                "resolved_at": now,
                "is_open": False,
                "classification": kind,
            }
        )
        if case.first_response_at is None:
            changes["first_response_at"] = now  # the resolution note is sent to the client
        before = {"status": case.status}
        _save(ctx, case, changes)
        _start_pause(ctx, case, "resolved")
        event = _event(ctx, case, "resolve", note, public=True, data={"classification": kind})
        queue_client_mail(ctx, case, event)
        ctx.audit(
            "case.resolve", "case", case.ref, before, {"status": "resolved", "classification": kind}
        )
    return case


def reopen(
    ctx: ServiceContext,
    ref: str,
    reason: str = "",
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Reopen a resolved case: the resolution clock resumes where it stopped."""
    ctx.require(Action.REOPEN)
    reason = _text(reason, "--reason", 10_000)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        if case.status != Status.RESOLVED:
            raise InvalidInput(
                f"{case.ref} is {case.status}; only a resolved case can be reopened", field="status"
            )
        changes = _end_pause(ctx, case, book)
        changes.update(
            {
                "status": Status.OPEN.value,
                "resolved_at": None,
                "is_open": True,
                "classification": None,
            }
        )
        _save(ctx, case, changes)
        _event(ctx, case, "reopen", reason)
        ctx.audit("case.reopen", "case", case.ref, {"status": "resolved"}, {"status": "open"})
    return case


def client_wrote(ctx: ServiceContext, case: Case, at: datetime, book: PolicyBook) -> str | None:
    """A client's message was added to ``case`` (inside the caller's transaction).

    A case waiting on the client goes back to open and a resolved one reopens; either way the
    resolution clock resumes from ``at`` (when the message arrived). Returns the status the case
    left, or ``None`` if it stayed. Refusing a closed case is the caller's job.
    """
    current = Status(case.status)
    if current not in (Status.WAITING_CLIENT, Status.RESOLVED):
        _save(ctx, case, {})  # a new version: an agent's screen shows the new message
        return None
    changes = _end_pause(ctx, case, book, at=at)
    changes["status"] = Status.OPEN.value
    if current == Status.RESOLVED:
        changes.update({"resolved_at": None, "is_open": True, "classification": None})
    _save(ctx, case, changes)
    if current == Status.RESOLVED:
        _event(ctx, case, "reopen", "The client wrote back.")
        ctx.audit("case.reopen", "case", case.ref, {"status": "resolved"}, {"status": "open"})
    else:
        _event(ctx, case, "status", data={"from": current.value, "to": Status.OPEN.value})
        ctx.audit("case.status", "case", case.ref, {"status": current.value}, {"status": "open"})
    return current.value


def close(ctx: ServiceContext, ref: str, expected_version: int | None = None) -> Case:
    """Close a resolved case. Closed is final."""
    ctx.require(Action.CLOSE)
    with write_transaction():
        case = get_case(ref)
        _check_version(case, expected_version)
        if case.status != Status.RESOLVED:
            raise InvalidInput(
                f"{case.ref} is {case.status}; only a resolved case can be closed", field="status"
            )
        now = ctx.clock.now()
        _save(ctx, case, {"status": Status.CLOSED.value, "closed_at": now})
        _event(ctx, case, "close")
        ctx.audit("case.close", "case", case.ref, {"status": "resolved"}, {"status": "closed"})
    return case
