"""Replies that reach the client by email.

A public reply (or resolution note) on a case the client reaches us by email is written to the
outbox **in the reply's own transaction**: the reply and its outgoing message exist together or
not at all. :func:`deliver_due` then sends what is due, outside any transaction (a slow SMTP
server must not hold the database), claiming each message first so two senders never send the
same one. A failed send is retried with exponential backoff and shown on the case's timeline;
after :data:`MAX_ATTEMPTS` (or a permanent refusal) it stays in the outbox as ``failed`` until an
agent retries it. Nothing is ever dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wzdesk.core.bounds import is_possible_id
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action, Channel
from wzdesk.core.timefmt import format_instant
from wzdesk.mail.compose import address_of, compose_message, new_message_id, reply_subject
from wzdesk.mail.config import MailSettings
from wzdesk.mail.transport import DeliveryError, Transport, transport_for
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.mail_settings import mail_settings
from wzdesk.store.models import Case, CaseEvent, MailMessage, OutboundMail, to_json

#: The timeline author of delivery events.
MAILER = "wzdesk-mail"
MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
#: A message claimed this long ago by a sender that never reported back is tried again.
STALE_CLAIM = timedelta(minutes=10)
STATUSES = ("pending", "sending", "sent", "failed")


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4 … minutes, at most 1 h."""
    return min(BACKOFF_FIRST * (1 << max(0, attempts - 1)), BACKOFF_CAP)


def last_client_message(case: Case | int) -> MailMessage | None:
    """The newest message the client sent on the case (what a reply answers)."""
    message: MailMessage | None = (
        MailMessage.select()
        .where(
            (MailMessage.case == case)
            & (MailMessage.direction == "in")
            & MailMessage.message_id.is_null(False)
        )
        .order_by(MailMessage.received_at.desc(), MailMessage.id.desc())
        .first()
    )
    return message


def reaches_client_by_email(case: Case) -> bool:
    """An email case, or one the client has written to by email."""
    if case.channel == Channel.EMAIL:
        return True
    return bool(
        MailMessage.select()
        .where((MailMessage.case == case) & (MailMessage.direction == "in"))
        .exists()
    )


def _body(case: Case, event: CaseEvent) -> str:
    text = event.body.strip()
    if event.kind == "resolve":
        text = f"Your case {case.ref} is resolved.\n\n{text}"
    return (
        f"{text}\n\n-- \nSupport case {case.ref}: {case.summary}\n"
        f"To add to this case, reply to this message and keep [{case.ref}] in the subject."
    )


def queue_client_mail(
    ctx: ServiceContext, case: Case, event: CaseEvent, settings: MailSettings | None = None
) -> OutboundMail | None:
    """Queue ``event`` (a public reply) for the client, inside the caller's transaction.

    Does nothing for a case the client does not reach us on by email.
    """
    if not reaches_client_by_email(case):
        return None
    last = last_client_message(case)
    recipients = [a for a in (case.contact.email, last.from_address if last else None) if a]
    recipients = list(dict.fromkeys(recipients))
    if not recipients:
        CaseEvent.create(
            case=case,
            at=ctx.clock.now(),
            author=MAILER,
            kind="mail_failed",
            body="This reply was not emailed: the contact has no email address.",
        )
        return None
    body = _body(case, event)
    return queue_mail(ctx, case, event, recipients, body, last=last, settings=settings)


def queue_mail(
    ctx: ServiceContext,
    case: Case,
    event: CaseEvent,
    recipients: list[str],
    body: str,
    *,
    last: MailMessage | None,
    subject: str | None = None,
    settings: MailSettings | None = None,
) -> OutboundMail:
    """Put one message about ``case`` in the outbox (inside the caller's transaction).

    It answers ``last`` (the client's newest message, if any) so the client's reply threads
    back into the case; ``subject`` defaults to a reply subject carrying the case reference.
    """
    settings = settings or mail_settings()
    now = ctx.clock.now()
    message_id = new_message_id(case.ref, settings.mail_from)
    last_id = last.message_id if last else None  # the query asks for messages that have one
    references = [*last.references.split(), last_id][-20:] if last and last_id else []
    subject = subject or reply_subject(case.ref, case.summary, last.subject if last else None)
    raw = compose_message(
        sender=settings.mail_from,
        to=recipients,
        subject=subject,
        body=body,
        message_id=message_id,
        date=now,
        in_reply_to=last_id,
        references=references,
        ref=case.ref,
    )
    MailMessage.create(
        message_key=message_id,
        message_id=message_id,
        direction="out",
        outcome="queued",
        case=case,
        from_address=address_of(settings.mail_from).lower()[:254],
        subject=subject,
        in_reply_to=last_id,
        references=" ".join(references),
        received_at=now,
        imported_at=now,
        size_bytes=len(raw),
    )
    return OutboundMail.create(
        case=case,
        event=event,
        message_id=message_id,
        sender=address_of(settings.mail_from),
        recipients=",".join(recipients),
        subject=subject,
        raw=raw.decode("ascii", "replace"),
        status="pending",
        next_attempt_at=now,
        created_at=now,
    )


# -- sending ------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


def _claim(row: OutboundMail, now: datetime) -> bool:
    with write_transaction():
        condition = (OutboundMail.id == row.id) & (OutboundMail.status == row.status)
        if row.claimed_at is None:
            condition &= OutboundMail.claimed_at.is_null()
        else:
            condition &= OutboundMail.claimed_at == row.claimed_at
        claimed = OutboundMail.update(status="sending", claimed_at=now).where(condition).execute()
        return bool(claimed == 1)


def _timeline(case_id: int, at: datetime, kind: str, body: str, data: dict[str, Any]) -> None:
    CaseEvent.create(
        case=case_id, at=at, author=MAILER, kind=kind, body=body, data_json=to_json(data)
    )


def deliver_due(
    ctx: ServiceContext,
    transport: Transport | None = None,
    *,
    limit: int = 200,
    settings: MailSettings | None = None,
) -> DeliveryReport:
    """Send every outgoing message that is due (pending and its time has come)."""
    now = ctx.clock.now()
    settings = settings or mail_settings()
    transport = transport or transport_for(settings)
    due = list(
        OutboundMail.select()
        .where(
            ((OutboundMail.status == "pending") & (OutboundMail.next_attempt_at <= now))
            | ((OutboundMail.status == "sending") & (OutboundMail.claimed_at < now - STALE_CLAIM))
        )
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id)
        .limit(limit)
    )
    report = DeliveryReport()
    for row in due:
        if not _claim(row, now):
            continue  # another sender took it
        recipients = row.recipients.split(",")
        try:
            note = transport.send(row.sender, recipients, row.raw.encode("ascii", "replace"))
        except DeliveryError as error:
            gave_up = _record_failure(ctx, row, str(error), error.permanent)
            report.failed += gave_up
            report.retrying += not gave_up
            report.notes.append(f"#{row.id} to {row.recipients}: {error}")
            continue
        _record_success(ctx, row, transport.name, note)
        report.sent += 1
    return report


def _record_success(ctx: ServiceContext, row: OutboundMail, how: str, note: str) -> None:
    now = ctx.clock.now()
    with write_transaction():
        OutboundMail.update(
            status="sent", sent_at=now, transport=how, attempts=row.attempts + 1, last_error=None
        ).where(OutboundMail.id == row.id).execute()
        MailMessage.update(outcome="sent").where(
            (MailMessage.message_key == row.message_id) & (MailMessage.direction == "out")
        ).execute()
        _timeline(
            row.case_id,
            now,
            "mail_sent",
            f"Emailed to {row.recipients.replace(',', ', ')} {note}.",
            {"outbox_id": row.id, "message_id": row.message_id, "transport": how},
        )
        ctx.audit("mail.sent", "outbound_mail", row.id, None, {"transport": how})


def _record_failure(ctx: ServiceContext, row: OutboundMail, error: str, permanent: bool) -> bool:
    """Write down a failed try; return whether we gave up (status ``failed``)."""
    now = ctx.clock.now()
    attempts = row.attempts + 1
    gave_up = permanent or attempts >= MAX_ATTEMPTS
    wait = backoff(attempts)
    with write_transaction():
        OutboundMail.update(
            status="failed" if gave_up else "pending",
            attempts=attempts,
            last_error=error[:2000],
            next_attempt_at=now if gave_up else now + wait,
            claimed_at=None,
        ).where(OutboundMail.id == row.id).execute()
        if gave_up:
            what = (
                f"Not sent: gave up after {attempts} tries. "
                f"'wzdesk mail outbox retry {row.id}' sends it again."
            )
        else:
            minutes = int(wait.total_seconds() // 60)
            what = f"Will try again in {minutes} min (try {attempts} of {MAX_ATTEMPTS})."
        _timeline(
            row.case_id,
            now,
            "mail_failed",
            f"Could not email the message to {row.recipients.replace(',', ', ')}: {error}. {what}",
            {"outbox_id": row.id, "attempts": attempts, "gave_up": gave_up, "error": error[:500]},
        )
        ctx.audit(
            "mail.send_failed",
            "outbound_mail",
            row.id,
            None,
            {"attempts": attempts, "gave_up": gave_up, "error": error[:500]},
        )
    return gave_up


# -- the outbox for people ----------------------------------------------------------------------


def outbox_dict(row: OutboundMail, zone: ZoneInfo) -> dict[str, Any]:
    """The JSON shape of an outgoing message."""
    return {
        "id": row.id,
        "case": row.case.ref,
        "to": row.recipients.split(","),
        "subject": row.subject,
        "message_id": row.message_id,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": format_instant(row.next_attempt_at, zone)
        if row.status == "pending"
        else None,
        "last_error": row.last_error,
        "transport": row.transport,
        "created_at": format_instant(row.created_at, zone),
        "sent_at": format_instant(row.sent_at, zone),
    }


def list_outbox(statuses: tuple[str, ...] = ("pending", "sending", "failed")) -> list[OutboundMail]:
    """Outgoing messages in the given states, oldest first."""
    for status in statuses:
        if status not in STATUSES:
            raise InvalidInput(
                f"expected one of {', '.join(STATUSES)}, got {status!r}", field="--status"
            )
    return list(
        OutboundMail.select(OutboundMail, Case)
        .join(Case)
        .where(OutboundMail.status.in_(list(statuses)))
        .order_by(OutboundMail.id)
    )


def retry(ctx: ServiceContext, outbox_id: int) -> OutboundMail:
    """Send a message the outbox gave up on again (or a pending one now)."""
    ctx.require(Action.REPLY)
    now = ctx.clock.now()
    with write_transaction():
        row = (
            OutboundMail.get_or_none(OutboundMail.id == outbox_id)
            if is_possible_id(outbox_id)
            else None
        )
        if row is None:
            raise NotFound(f"no outgoing message {outbox_id}", field="ID")
        if row.status not in ("failed", "pending"):
            raise InvalidInput(f"message {outbox_id} is {row.status}", field="ID")
        OutboundMail.update(status="pending", attempts=0, next_attempt_at=now).where(
            OutboundMail.id == row.id
        ).execute()
        ctx.audit(
            "mail.retry", "outbound_mail", row.id, {"status": row.status}, {"status": "pending"}
        )
    return OutboundMail.get_by_id(outbox_id)
