"""Calls that open no case: a caller who is not a client admin, or a call that needs no case.

The policy lets only client admins open cases, but a phone-line agent still takes every call:
such a call is kept on the client's record (who called, when, how long, what was said), so no
call goes unlogged and the client's admins can be told.
"""

from __future__ import annotations

from datetime import datetime

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action
from wzdesk.services.cases import FUTURE_TOLERANCE, MAX_CALL_SECONDS
from wzdesk.services.cases.records import clean_text
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import find_contact, get_client
from wzdesk.store.models import CallLog


def log_call_without_case(
    ctx: ServiceContext,
    client_code: str,
    caller: str,
    duration_seconds: int,
    notes: str = "",
    *,
    contact_key: str | None = None,
    at: datetime | None = None,
) -> CallLog:
    """Keep a call on the client's record (``contact_key``: the caller's email or phone, when
    they are a known contact)."""
    ctx.require(Action.LOG_CALL)
    caller = clean_text(caller, "--caller", 200, required=True)
    notes = clean_text(notes, "--notes", 100_000)
    if not 0 <= duration_seconds <= MAX_CALL_SECONDS:
        raise InvalidInput("expected a call length between 0 and 12 hours", field="--duration")
    now = ctx.clock.now()
    at = at or now
    if at > now + FUTURE_TOLERANCE:
        raise InvalidInput("is in the future; a call cannot come in later than now", field="--at")
    with write_transaction():
        client = get_client(client_code)
        contact = find_contact(client, contact_key) if contact_key else None
        call = CallLog.create(
            client=client,
            contact=contact,
            caller=caller,
            at=at,
            duration_seconds=duration_seconds,
            notes=notes,
            author=ctx.actor,
        )
        ctx.audit(
            "call.log",
            "client",
            client.code,
            None,
            {"caller": caller, "contact": contact.id if contact else None, "at": at},
        )
    return call
