"""Working a case: who owns it, its status, its severity, and escalation."""

from __future__ import annotations

from typing import Any

from wzdesk.core.case_sla import compute_deadlines
from wzdesk.core.errors import InvalidInput
from wzdesk.core.rules import DEDICATED_STATUS_COMMANDS, SETTABLE_STATUS_MOVES, Action, Status
from wzdesk.core.sla import Severity
from wzdesk.services.cases.handoff import is_professional_services, open_draft_quote
from wzdesk.services.cases.records import (
    Replied,
    add_event,
    check_version,
    clean_line,
    clean_text,
    deadline_fields,
    end_pause,
    get_case,
    parse_choice,
    policy_of,
    require_open,
    save_case,
    start_pause,
    stored_deadlines,
)
from wzdesk.services.client_mail import Composer, queue_case_mail
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import get_user
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import Case, CaseEvent, SlaPause


def assign(
    ctx: ServiceContext, ref: str, login: str | None, expected_version: int | None = None
) -> Case:
    """Assign to a console user (``None``: unassign). A new case becomes open."""
    ctx.require(Action.ASSIGN)
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        require_open(case, "assign it")
        user = get_user(login) if login else None
        if user is not None and not user.active:
            raise InvalidInput(f"{user.login} is deactivated", field="--assignee")
        before = current.login if (current := case.assignee) is not None else None
        after = user.login if user else None
        if before == after:
            return case
        changes: dict[str, Any] = {"assignee": user}
        if case.status == Status.NEW and user is not None:
            changes["status"] = Status.OPEN.value
        save_case(ctx, case, changes)
        add_event(ctx, case, "assign", data={"from": before, "to": after})
        ctx.audit("case.assign", "case", case.ref, {"assignee": before}, {"assignee": after})
    return case


def set_status(
    ctx: ServiceContext,
    ref: str,
    status: str,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
    need: str = "",
    *,
    notify_client: bool = True,
) -> Replied:
    """Open / waiting on client moves; waiting pauses the resolution clock, open resumes it.

    Waiting on the client emails them what we need (``need``, else the last public reply):
    ``delivery`` says whether it was queued, and to whom (the console said "Status changed"
    whether the client was emailed or could not be). A use case whose own email already says
    what we wait for (a sent quote) passes ``notify_client=False``: a second email would ask
    for something else. ``need`` is kept on the status event all the same, so the waiting
    reminders ask for the same thing.
    """
    ctx.require(Action.CHANGE_STATUS)
    target = parse_choice(Status, status, "--status")
    need = clean_text(need, "--need", 10_000)
    if need and target != Status.WAITING_CLIENT:
        raise InvalidInput("only goes with --status waiting_client", field="--need")
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        current = Status(case.status)
        if target == current:
            return Replied(case)
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
            start_pause(ctx, case, "waiting_client")
            changes["paused_since"] = ctx.clock.now()
        elif current == Status.WAITING_CLIENT:
            changes.update(end_pause(ctx, case, book))
        save_case(ctx, case, changes, book)
        event = add_event(
            ctx,
            case,
            "status",
            need,
            data={"from": current.value, "to": target.value},
        )
        after: dict[str, Any] = {"status": target.value}
        delivery = None
        if target == Status.WAITING_CLIENT and notify_client:
            composer = Composer.load(book)
            delivery = queue_case_mail(
                ctx,
                case,
                "waiting",
                {"need": need or what_we_need(case), **composer.agent_values(ctx.actor)},
                event=event,
                composer=composer,
            )
            after["email"] = delivery.text
        ctx.audit("case.status", "case", case.ref, {"status": current.value}, after)
    return Replied(case, delivery)


def what_we_need(case: Case) -> str:
    """The last public reply (what the agent asked), else a plain request for details."""
    last = (
        CaseEvent.select(CaseEvent.body)
        .where((CaseEvent.case == case) & (CaseEvent.kind == "reply"))
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        .first()
    )
    if last is not None and str(last.body).strip():
        return str(last.body).strip()
    return "Please reply with any details that can help us resolve it."


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
        check_version(case, expected_version)
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
        before = {"severity": case.severity, **deadline_fields(stored_deadlines(case))}
        deadlines = compute_deadlines(policy_of(book, case), target, case.received_at, finished)
        save_case(ctx, case, {"severity": target.value, **deadline_fields(deadlines)}, book)
        add_event(ctx, case, "severity", data={"from": before["severity"], "to": target.value})
        ctx.audit(
            "case.severity",
            "case",
            case.ref,
            before,
            {
                "severity": target.value,
                **deadline_fields(deadlines),
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
    """Escalate to another resource (tier 2, development, professional services).

    Escalating to professional services opens a draft quote on the case (the hand-off).
    """
    ctx.require(Action.ESCALATE)
    to = clean_line(to, "--to", 200, required=True)
    reason = clean_text(reason, "--reason", 10_000, required=True)
    book = book or load_policy_book()
    with write_transaction():
        case = get_case(ref)
        check_version(case, expected_version)
        require_open(case, "escalate it")
        changes: dict[str, Any] = {
            "status": Status.ESCALATED.value,
            "escalated_to": to,
            "escalation_reason": reason,
        }
        was_waiting = case.status == Status.WAITING_CLIENT
        if was_waiting:
            changes.update(end_pause(ctx, case, book))
        before = {"status": case.status, "escalated_to": case.escalated_to}
        save_case(ctx, case, changes, book)
        if was_waiting:  # the timeline says the wait (and the clock's pause) ended
            data = {"from": Status.WAITING_CLIENT.value, "to": Status.ESCALATED.value}
            add_event(ctx, case, "status", data=data)
        add_event(ctx, case, "escalate", reason, data={"to": to})
        ctx.audit("case.escalate", "case", case.ref, before, {"escalated_to": to, "reason": reason})
        if is_professional_services(to):
            open_draft_quote(ctx, case, reason, "escalation")
    return case
