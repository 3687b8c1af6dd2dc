"""The conversation on a case: public replies, internal notes, calls, the client writing back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action, Status
from wzdesk.services.cases.intake import MAX_CALL_SECONDS
from wzdesk.services.cases.records import (
    Replied,
    add_event,
    check_version,
    clean_text,
    end_pause,
    get_case,
    save_case,
)
from wzdesk.services.client_mail import Composer, queue_case_mail
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.policy_book import PolicyBook
from wzdesk.store.models import Case


def reply(
    ctx: ServiceContext,
    ref: str,
    message: str,
    *,
    internal: bool = False,
    expected_version: int | None = None,
) -> Replied:
    """A public reply (meets the response target) or an internal note (does not).

    A public reply is emailed to the client whatever the channel (queued in this transaction);
    the result says to whom, or why it was not sent (no email on file).
    """
    ctx.require(Action.ADD_NOTE if internal else Action.REPLY)
    body = clean_text(message, "--message", 100_000, required=True)
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        if case.status == Status.CLOSED:
            raise InvalidInput(f"{case.ref} is closed", field="status")
        changes: dict[str, Any] = {}
        if not internal:
            if case.first_response_at is None:
                changes["first_response_at"] = ctx.clock.now()
            if case.status == Status.NEW:
                changes["status"] = Status.OPEN.value
        save_case(ctx, case, changes)
        event = add_event(ctx, case, "note" if internal else "reply", body, public=not internal)
        delivery = None
        if not internal:
            composer = Composer.load()
            delivery = queue_case_mail(
                ctx,
                case,
                "reply",
                {"message": body, **composer.agent_values(ctx.actor)},
                event=event,
                composer=composer,
            )
        ctx.audit(
            "case.note" if internal else "case.reply",
            "case",
            case.ref,
            None,
            {"length": len(body), **({"email": delivery.text} if delivery else {})},
        )
    return Replied(case, delivery)


def log_call_on_case(
    ctx: ServiceContext,
    ref: str,
    notes: str,
    duration_seconds: int,
    expected_version: int | None = None,
) -> Case:
    """Record a phone call (with its length) on an existing case's timeline."""
    ctx.require(Action.LOG_CALL)
    body = clean_text(notes, "--notes", 100_000)
    if not 0 <= duration_seconds <= MAX_CALL_SECONDS:
        raise InvalidInput("expected a call length between 0 and 12 hours", field="--duration")
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        if case.status == Status.CLOSED:
            raise InvalidInput(f"{case.ref} is closed", field="status")
        save_case(ctx, case, {})
        add_event(ctx, case, "call", body, duration_seconds=duration_seconds)
        ctx.audit("case.call", "case", case.ref, None, {"duration_seconds": duration_seconds})
    return case


def client_wrote(ctx: ServiceContext, case: Case, at: datetime, book: PolicyBook) -> str | None:
    """A client's message was added to ``case`` (inside the caller's transaction).

    A case waiting on the client goes back to open and a resolved one reopens; either way the
    resolution clock resumes from ``at`` (when the message arrived). Returns the status the case
    left, or ``None`` if it stayed. Refusing a closed case is the caller's job.
    """
    current = Status(case.status)
    wrote = {"client_wrote_at": max(at, case.client_wrote_at or at)}
    if current not in (Status.WAITING_CLIENT, Status.RESOLVED):
        save_case(ctx, case, wrote)  # a new version: an agent's screen shows the new message
        return None
    changes = {**wrote, **end_pause(ctx, case, book, at=at)}
    changes["status"] = Status.OPEN.value
    if current == Status.RESOLVED:
        changes.update({"resolved_at": None, "is_open": True, "classification": None})
    save_case(ctx, case, changes)
    if current == Status.RESOLVED:
        add_event(ctx, case, "reopen", "The client wrote back.")
        ctx.audit("case.reopen", "case", case.ref, {"status": "resolved"}, {"status": "open"})
    else:
        add_event(ctx, case, "status", data={"from": current.value, "to": Status.OPEN.value})
        ctx.audit("case.status", "case", case.ref, {"status": current.value}, {"status": "open"})
    return current.value
