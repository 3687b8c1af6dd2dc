"""The outbox: every outgoing message (replies, notices, alerts) on its way.

A message is written to the outbox **in the transaction of what caused it** (see
:mod:`wzdesk.services.client_mail`): a reply and its outgoing message exist together or not at
all. :func:`deliver_due` then sends what is due, outside any transaction (a slow SMTP
server must not hold the database), claiming each message first so two senders never send the
same one. A failed send is retried with exponential backoff and shown on the case's timeline;
after :data:`MAX_ATTEMPTS` (or a permanent refusal) it stays in the outbox as ``failed`` until an
agent retries it. Nothing is ever dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import peewee

from wzdesk.core.bounds import check_limit, is_possible_id
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.mail.compose import address_of, compose_message, new_message_id
from wzdesk.mail.config import MailSettings
from wzdesk.mail.transport import DeliveryError, Sent, Transport, transport_for
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.mail_settings import mail_settings
from wzdesk.services.sent_fields import OUTBOX_STATUSES, newest_first
from wzdesk.services.sent_fields import outbox_dict as outbox_dict
from wzdesk.store.models import Case, CaseEvent, MailMessage, OutboundMail, to_json
from wzdesk.store.prepared import PreparedInsert
from wzdesk.store.quick_mail import status_in

#: The timeline author of delivery events.
MAILER = "wzdesk-mail"
MAX_ATTEMPTS = 8
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
#: A message claimed this long ago by a sender that never reported back is tried again.
STALE_CLAIM = timedelta(minutes=10)


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


#: The outbox's two inserts, compiled once (the mail import acknowledges every new case).
_insert_message = PreparedInsert(
    MailMessage,
    "message_key", "message_id", "direction", "outcome", "case", "from_address", "from_name",
    "subject", "in_reply_to", "references", "received_at", "imported_at", "size_bytes",
    "content_sha256", "imported_by",
)  # fmt: skip
_insert_outbound = PreparedInsert(
    OutboundMail,
    "case", "event", "message_id", "sender", "recipients", "subject", "raw", "status",
    "attempts", "next_attempt_at", "claimed_at", "last_error", "transport", "created_at",
    "sent_at", "kind", "audience",
)  # fmt: skip


#: What an agent writes and sends (a reply, a resolution note, a quote): a person's message,
#: which the client's autoresponder may answer like any other. Every other kind is written by
#: wzdesk on its own (RFC 3834 ``Auto-Submitted``; see :func:`auto_submitted`).
PERSONAL_KINDS = frozenset({"reply", "resolved", "quote_sent"})


def auto_submitted(kind: str, answers_a_message: bool) -> str | None:
    """The ``Auto-Submitted`` value of a message of ``kind``: None for an agent's own words;
    ``auto-replied`` for an automatic answer to the client's message (the acknowledgment of
    an email), ``auto-generated`` for any other notice or alert."""
    if kind in PERSONAL_KINDS:
        return None
    return "auto-replied" if answers_a_message else "auto-generated"


def enqueue(
    ctx: ServiceContext,
    *,
    case: Case | None,
    recipients: Sequence[str],
    subject: str,
    body: str,
    kind: str,
    audience: str = "client",
    event: CaseEvent | None = None,
    thread: MailMessage | None = None,
    settings: MailSettings | None = None,
) -> int:
    """Write one message to the outbox, inside the caller's transaction; return its id.

    ``thread``: the client's message this one answers (In-Reply-To and References). A message
    to a client about a case is also put in the Message-ID index, so that the client's answer
    threads back to the case even if their mail program drops the reference from the subject.
    """
    settings = settings or mail_settings()
    now = ctx.clock.now()
    message_id = new_message_id(case.ref if case else kind, settings.mail_from)
    thread_id = thread.message_id if thread else None  # messages we answer have one
    references = [*thread.references.split(), thread_id][-20:] if thread and thread_id else []
    raw = compose_message(
        sender=settings.mail_from,
        to=recipients,
        subject=subject,
        body=body,
        message_id=message_id,
        date=now,
        in_reply_to=thread_id,
        references=references,
        ref=case.ref if case else None,
        auto_submitted=auto_submitted(kind, kind == "acknowledgment" and thread_id is not None),
    )
    if case is not None and audience == "client":
        _insert_message(
            message_key=message_id,
            message_id=message_id,
            direction="out",
            outcome="queued",
            case=case,
            from_address=address_of(settings.mail_from).lower()[:254],
            from_name="",
            subject=subject,
            in_reply_to=thread_id,
            references=" ".join(references),
            received_at=now,
            imported_at=now,
            size_bytes=len(raw),
            content_sha256=None,  # our own message: its Message-ID is ours alone
            imported_by=None,
        )
    return _insert_outbound(
        case=case,
        event=event,
        message_id=message_id,
        sender=address_of(settings.mail_from),
        recipients=",".join(recipients),
        subject=subject,
        raw=raw.decode("ascii", "replace"),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        claimed_at=None,
        last_error=None,
        transport=None,
        created_at=now,
        sent_at=None,
        kind=kind,
        audience=audience,
    )


# -- sending ------------------------------------------------------------------------------------


#: How a message kind reads in a sentence ("Emailed the acknowledgment to ...").
KIND_WORDS = {
    "reply": "the reply",
    "resolved": "the resolution note",
    "acknowledgment": "the acknowledgment",
    "waiting": "the waiting-on-you notice",
    "reminder": "the reminder",
    "auto_resolved": "the auto-resolve notice",
    "closed": "the closing notice",
    "policy_update": "the policy update",
    "alert_at_risk": "the at-risk alert",
    "alert_breach": "the breach alert",
    "alert_unassigned": "the unassigned-case alert",
}


def kind_words(kind: str) -> str:
    """``the acknowledgment``; ``the quote sent message`` for a kind not listed."""
    return KIND_WORDS.get(kind, f"the {kind.replace('_', ' ')} message")


@dataclass
class DeliveryReport:
    """What one :func:`deliver_due` pass did, and where each message went."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)
    #: One entry per message tried: id, case, kind, to, status and where (or why not).
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: How many due messages the pass read (its batch was full when this is its limit).
    looked_at: int = 0
    #: How many of those it had not tried earlier in the same run (see :func:`deliver_all_due`).
    fresh: int = 0
    #: Messages still due when :func:`deliver_all_due` stopped (None: not counted).
    remaining: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}

    def add(self, other: DeliveryReport) -> None:
        """Count ``other``'s pass in this one (a run of several batches)."""
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.notes += other.notes
        self.messages += other.messages


def _claim(row: OutboundMail, now: datetime) -> bool:
    with write_transaction():
        condition = (OutboundMail.id == row.id) & (OutboundMail.status == row.status)
        if row.claimed_at is None:
            condition &= OutboundMail.claimed_at.is_null()
        else:
            condition &= OutboundMail.claimed_at == row.claimed_at
        claimed = OutboundMail.update(status="sending", claimed_at=now).where(condition).execute()
        return bool(claimed == 1)


def _timeline(
    case_id: int | None, at: datetime, kind: str, body: str, data: dict[str, Any]
) -> None:
    if case_id is None:  # a message about no case (a policy update): the outbox records it
        return
    CaseEvent.create(
        case=case_id, at=at, author=MAILER, kind=kind, body=body, data_json=to_json(data)
    )


def _is_due(now: datetime) -> peewee.Expression:
    """Pending and its time has come, or claimed by a sender that never reported back."""
    return ((OutboundMail.status == "pending") & (OutboundMail.next_attempt_at <= now)) | (
        (OutboundMail.status == "sending") & (OutboundMail.claimed_at < now - STALE_CLAIM)
    )


def count_due(ctx: ServiceContext) -> int:
    """How many outgoing messages are due now."""
    return int(OutboundMail.select().where(_is_due(ctx.clock.now())).count())


def deliver_due(
    ctx: ServiceContext,
    transport: Transport | None = None,
    *,
    limit: int = 200,
    settings: MailSettings | None = None,
    skip: set[int] | None = None,
) -> DeliveryReport:
    """Send the outgoing messages that are due, at most ``limit`` of them (one batch: what a
    round of ``mail watch`` or a portal page sends; :func:`deliver_all_due` sends them all).

    ``skip``: ids already tried in this run, left alone; the ones tried now are added."""
    now = ctx.clock.now()
    settings = settings or mail_settings()
    transport = transport or transport_for(settings)
    due = list(
        OutboundMail.select()
        .where(_is_due(now))
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id)
        .limit(limit)
    )
    report = DeliveryReport(looked_at=len(due))
    refs = _refs_of(due)
    for row in due:
        if skip is not None:
            if row.id in skip:
                continue
            skip.add(row.id)
        report.fresh += 1
        if not _claim(row, now):
            continue  # another sender took it
        recipients = row.recipients.split(",")
        entry = {
            "id": row.id,
            "case": refs.get(row.case_id),
            "kind": row.kind,
            "to": recipients,
        }
        try:
            sent = transport.send(row.sender, recipients, row.raw.encode("ascii", "replace"))
            if sent.refused and set(recipients) <= set(sent.refused):
                raise DeliveryError(
                    "recipients refused: " + refused_words(sent),
                    permanent=all(a.startswith("5") for a in sent.refused.values()),
                )
        except DeliveryError as error:
            gave_up = _record_failure(ctx, row, str(error), error.permanent)
            report.failed += gave_up
            report.retrying += not gave_up
            report.notes.append(f"#{row.id} to {row.recipients}: {error}")
            status = "failed" if gave_up else "retrying"
            report.messages.append({**entry, "status": status, "where": str(error)})
            continue
        _record_success(ctx, row, transport.name, sent)
        report.sent += 1
        if sent.refused:
            report.notes.append(f"#{row.id} to {row.recipients}: refused for {refused_words(sent)}")
        report.messages.append(
            {
                **entry,
                "status": "sent",
                "transport": transport.name,
                "where": sent.note,
                "refused": dict(sent.refused),
            }
        )
    return report


def deliver_all_due(
    ctx: ServiceContext,
    transport: Transport | None = None,
    *,
    batch: int = 200,
    settings: MailSettings | None = None,
) -> DeliveryReport:
    """Send everything due, a batch at a time (``mail outbox send``: a cron job must be able
    to trust that the outbox was drained, not that 200 of it went).

    Stops when a batch was not full (nothing more was due) or held only messages this run
    already tried: a failed try re-schedules its message, and on a slow run (or a clock that
    moved) it can fall due again; trying it again in the same run could loop for as long as
    the server fails. ``remaining`` says how many are still due when it stops."""
    settings = settings or mail_settings()
    transport = transport or transport_for(settings)
    report = DeliveryReport()
    tried: set[int] = set()
    while True:
        part = deliver_due(ctx, transport, limit=batch, settings=settings, skip=tried)
        report.add(part)
        if part.looked_at < batch or part.fresh == 0:
            break
    report.remaining = count_due(ctx)
    return report


def refused_words(sent: Sent) -> str:
    """``raj@acme.example: 550 5.1.1 No such user; ...``: who was refused, and the answer."""
    return "; ".join(f"{address}: {answer}" for address, answer in sent.refused.items())


def partial_delivery(recipients: Sequence[str], sent: Sent) -> str | None:
    """``delivered to ana@...; refused for raj@...: 550 ...`` when the server refused some of
    the recipients, else None. Kept as the message's ``last_error``: the outbox list, ``case
    show`` and the console show it beside a message that is otherwise sent."""
    if not sent.refused:
        return None
    took = [address for address in recipients if address not in sent.refused]
    return f"delivered to {', '.join(took)}; refused for {refused_words(sent)}"


def _refs_of(rows: list[OutboundMail]) -> dict[int | None, str]:
    ids = {row.case_id for row in rows if row.case_id is not None}
    if not ids:
        return {}
    found = Case.select(Case.id, Case.ref).where(Case.id.in_(list(ids)))
    return {case.id: str(case.ref) for case in found}


def _record_success(ctx: ServiceContext, row: OutboundMail, how: str, sent: Sent) -> None:
    now = ctx.clock.now()
    recipients = row.recipients.split(",")
    partial = partial_delivery(recipients, sent)
    took = [address for address in recipients if address not in sent.refused]
    with write_transaction():
        OutboundMail.update(
            status="sent",
            sent_at=now,
            transport=how,
            attempts=row.attempts + 1,
            last_error=partial[:2000] if partial else None,
        ).where(OutboundMail.id == row.id).execute()
        MailMessage.update(outcome="sent").where(
            (MailMessage.message_key == row.message_id) & (MailMessage.direction == "out")
        ).execute()
        body = f"Emailed {kind_words(row.kind)} to {', '.join(took)} {sent.note}"
        if sent.refused:
            body += f"; the server refused it for {refused_words(sent)}"
        data: dict[str, Any] = {
            "outbox_id": row.id,
            "message_id": row.message_id,
            "transport": how,
            "kind": row.kind,
            "delivery": "partly_delivered" if sent.refused else "delivered",
        }
        if sent.refused:
            data["refused"] = dict(sent.refused)
        _timeline(row.case_id, now, "mail_sent", body + ".", data)
        after: dict[str, Any] = {"transport": how}
        if sent.refused:
            after["refused"] = dict(sent.refused)
        ctx.audit("mail.sent", "outbound_mail", row.id, None, after)


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
            f"Could not email {kind_words(row.kind)} to {row.recipients.replace(',', ', ')}: "
            f"{error}. {what}",
            {
                "outbox_id": row.id,
                "attempts": attempts,
                "gave_up": gave_up,
                "error": error[:500],
                "kind": row.kind,
                "delivery": "failed" if gave_up else "retrying",
            },
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


def list_outbox(
    statuses: tuple[str, ...] = ("pending", "sending", "failed"), limit: int | None = None
) -> list[OutboundMail]:
    """Outgoing messages in the given states, at most ``limit`` (None: all).

    The messages still to go (none sent among ``statuses``) come oldest first, the order
    they go out in; a list with the sent ones is the outbox's history, newest first (see
    :func:`sent_fields.newest_first`): the outbox keeps every message, so its oldest are
    a year back on a desk in use, and a limit cut from that end would show nothing recent.
    Every status at once is read with no condition, so a page walks the primary key from
    its end whatever the outbox holds."""
    return list(outbox_query(statuses, limit))


def outbox_query(statuses: tuple[str, ...], limit: int | None) -> peewee.ModelSelect[OutboundMail]:
    """:func:`list_outbox`'s query (its plan is tested)."""
    check_limit(limit)
    for status in statuses:
        if status not in OUTBOX_STATUSES:
            raise InvalidInput(
                f"expected one of {', '.join(OUTBOX_STATUSES)}, got {status!r}", field="--status"
            )
    query = OutboundMail.select(OutboundMail, Case).join(Case, peewee.JOIN.LEFT_OUTER)
    if set(statuses) != set(OUTBOX_STATUSES):  # written out: see quick_mail.status_in
        query = query.where(peewee.NodeList((OutboundMail.status, peewee.SQL(status_in(statuses)))))
    order = OutboundMail.id.desc() if newest_first(statuses) else OutboundMail.id
    query = query.order_by(order)
    return query if limit is None else query.limit(limit)


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
