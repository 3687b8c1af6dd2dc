"""The end of a case's life: resolve (meets the resolution target), reopen, close (final)."""

from __future__ import annotations

from typing import Any

from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import Action, Category, Classification, Status
from wzdesk.services.cases.handoff import open_services_case
from wzdesk.services.cases.records import (
    Replied,
    add_event,
    check_version,
    clean_text,
    end_pause,
    get_case,
    parse_choice,
    require_open,
    save_case,
    start_pause,
)
from wzdesk.services.client_mail import Composer, Delivery, queue_case_mail
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import Case


def resolve(
    ctx: ServiceContext,
    ref: str,
    note: str,
    classification: str | None = None,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
    *,
    needs_services: bool = False,
) -> Replied:
    """Resolve: meets the resolution target; ``unexpected`` cases need a classification.

    The resolution note is emailed to the client (with how long a reply reopens the case).
    ``needs_services``: the answer is professional services work; a linked ``services`` case
    with a draft quote is opened in the same transaction (see :mod:`.handoff`).
    """
    ctx.require(Action.RESOLVE)
    note = clean_text(note, "--note", 100_000, required=True)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        require_open(case, "resolve it")
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
        composer = Composer.load(book)
        delivery = resolve_case(ctx, case, note, kind, book, composer)
        if needs_services:
            open_services_case(ctx, case, note, book)
    return Replied(case, delivery)


def resolve_case(
    ctx: ServiceContext,
    case: Case,
    note: str,
    classification: str | None,
    book: PolicyBook,
    composer: Composer,
    *,
    template: str = "resolved",
    extra: dict[str, str] | None = None,
    audit_action: str = "case.resolve",
) -> Delivery:
    """Resolve ``case`` inside the caller's transaction and email the client ``template``
    (the resolution note, or the auto-resolve notice)."""
    now = ctx.clock.now()
    changes: dict[str, Any] = {}
    if case.status == Status.WAITING_CLIENT:
        changes.update(end_pause(ctx, case, book))
    changes.update(
        {
            "status": Status.RESOLVED.value,
            "resolved_at": now,
            "is_open": False,
            "classification": classification,
        }
    )
    if case.first_response_at is None:
        changes["first_response_at"] = now  # the resolution note is sent to the client
    before = {"status": case.status}
    save_case(ctx, case, changes, book)
    start_pause(ctx, case, "resolved")
    event = add_event(
        ctx, case, "resolve", note, public=True, data={"classification": classification}
    )
    values = {
        "resolution_note": note,
        "reopen_hint": composer.reopen_hint(),
        **composer.agent_values(ctx.actor),
        **(extra or {}),
    }
    delivery = queue_case_mail(ctx, case, template, values, event=event, composer=composer)
    ctx.audit(
        audit_action,
        "case",
        case.ref,
        before,
        {"status": "resolved", "classification": classification, "email": delivery.text},
    )
    return delivery


def reopen(
    ctx: ServiceContext,
    ref: str,
    reason: str = "",
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Reopen a resolved case: the resolution clock resumes where it stopped."""
    ctx.require(Action.REOPEN)
    reason = clean_text(reason, "--reason", 10_000)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        if case.status != Status.RESOLVED:
            raise InvalidInput(
                f"{case.ref} is {case.status}; only a resolved case can be reopened", field="status"
            )
        changes = end_pause(ctx, case, book)
        changes.update(
            {
                "status": Status.OPEN.value,
                "resolved_at": None,
                "is_open": True,
                "classification": None,
            }
        )
        save_case(ctx, case, changes, book)
        add_event(ctx, case, "reopen", reason)
        ctx.audit("case.reopen", "case", case.ref, {"status": "resolved"}, {"status": "open"})
    return case


def close(ctx: ServiceContext, ref: str, expected_version: int | None = None) -> Replied:
    """Close a resolved case. Closed is final; the client is told (``delivery``)."""
    ctx.require(Action.CLOSE)
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        if case.status != Status.RESOLVED:
            raise InvalidInput(
                f"{case.ref} is {case.status}; only a resolved case can be closed", field="status"
            )
        delivery = close_case(ctx, case)
    return Replied(case, delivery)


def close_case(ctx: ServiceContext, case: Case, note: str = "") -> Delivery:
    """Close a resolved ``case`` inside the caller's transaction and tell the client."""
    now = ctx.clock.now()
    save_case(ctx, case, {"status": Status.CLOSED.value, "closed_at": now})
    event = add_event(ctx, case, "close", note)
    delivery = queue_case_mail(ctx, case, "closed", event=event)
    ctx.audit(
        "case.close",
        "case",
        case.ref,
        {"status": "resolved"},
        {"status": "closed", "email": delivery.text},
    )
    return delivery
