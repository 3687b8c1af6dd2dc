"""The quarantine: messages the import could not file on its own, each with its reason, held
(raw, in the attachment store) until an agent releases it into a new or an existing case, or
discards it. Every decision is audited; nothing is deleted."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import peewee

from wzdesk.core.bounds import check_limit, is_possible_id
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action, Status
from wzdesk.core.text import check_text, clean
from wzdesk.mail.config import MailSettings
from wzdesk.mail.parse import ParsedMessage, parse_message
from wzdesk.services.cases import acknowledge_case, get_case
from wzdesk.services.client_mail import Composer
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import client_admins, get_client
from wzdesk.services.mail_filing import (
    add_client_message,
    open_case_from_message,
    store_attachments,
)
from wzdesk.services.mail_settings import blob_store, mail_settings, new_case_choices
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.quarantine_fields import HELD, QUARANTINE_STATUSES
from wzdesk.services.quarantine_fields import quarantine_dict as quarantine_dict
from wzdesk.store.models import Case, Client, Contact, MailMessage, QuarantinedMail


def list_quarantine(statuses: tuple[str, ...] = (HELD,), limit: int | None = None) -> list[Any]:
    """Quarantined messages (newest first) with their message rows, in one query."""
    check_limit(limit)
    for status in statuses:
        if status not in QUARANTINE_STATUSES:
            raise InvalidInput(
                f"expected one of {', '.join(QUARANTINE_STATUSES)}, got {status!r}",
                field="--status",
            )
    return list(quarantine_query(statuses, limit))


def quarantine_query(statuses: tuple[str, ...], limit: int | None) -> peewee.ModelSelect[Any]:
    """:func:`list_quarantine`'s query (its plan is tested). Every status at once is read
    with no condition, so that a page of the quarantine's history is read from the end of
    its (held_at, id) index, not sorted out of every message ever held."""
    query = (
        QuarantinedMail.select(QuarantinedMail, MailMessage, Client)
        .join(MailMessage)
        .switch(QuarantinedMail)
        .join(Client, peewee.JOIN.LEFT_OUTER)
    )
    if set(statuses) != set(QUARANTINE_STATUSES):
        query = query.where(QuarantinedMail.status.in_(list(statuses)))
    query = query.order_by(QuarantinedMail.held_at.desc(), QuarantinedMail.id.desc())
    return query.limit(limit) if limit else query


def quarantine_detail(quarantine_id: int, zone: ZoneInfo) -> dict[str, Any]:
    """One quarantined message (any status) with its text, attachments and raw file's path."""
    held = (
        QuarantinedMail.get_or_none(QuarantinedMail.id == quarantine_id)
        if is_possible_id(quarantine_id)
        else None
    )
    if held is None:
        raise NotFound(f"no quarantined message {quarantine_id}", field="ID")
    result = quarantine_dict(held, zone)
    store = blob_store()
    if store.has(held.raw_sha256):
        parsed = parse_message(store.get(held.raw_sha256))
        result["body"] = parsed.body
        result["attachments"] = [
            {"filename": a.filename, "content_type": a.content_type, "size_bytes": a.size}
            for a in parsed.attachments
        ]
    result["raw_path"] = str(store.path_of(held.raw_sha256))
    return result


def held_count() -> int:
    """How many messages wait for a decision."""
    return QuarantinedMail.select().where(QuarantinedMail.status == HELD).count()


def held_preview(quarantine_id: int, limit: int = 4000) -> str:
    """A held message's text and attachment names, for an agent deciding what to do."""
    held = get_held(quarantine_id)
    store = blob_store()
    if not store.has(held.raw_sha256):
        return "(the raw message is missing from the attachment store)"
    parsed = parse_message(store.get(held.raw_sha256))
    names = ", ".join(a.filename for a in parsed.attachments)
    text = parsed.body.strip() or "(no text)"
    return text[:limit] + (f"\n\nAttachments: {names}" if names else "")


def get_held(quarantine_id: int) -> QuarantinedMail:
    """A quarantined message still waiting for a decision."""
    held = (
        QuarantinedMail.get_or_none(QuarantinedMail.id == quarantine_id)
        if is_possible_id(quarantine_id)
        else None
    )
    if held is None:
        raise NotFound(f"no quarantined message {quarantine_id}", field="ID")
    if held.status != HELD:
        raise InvalidInput(
            f"message {quarantine_id} was already {held.status} by {held.handled_by}", field="ID"
        )
    return held


def what_became_of(quarantine_id: int) -> str:
    """What became of a quarantined message, in words, for a screen whose list lost it while
    it was highlighted: ``discarded by sam``, ``released into WZ-1001 by kim``, or ``still
    held`` (it fell off a page of the newest)."""
    held = (
        QuarantinedMail.get_or_none(QuarantinedMail.id == quarantine_id)
        if is_possible_id(quarantine_id)
        else None
    )
    if held is None:
        return "no longer on record"
    if held.status == HELD:
        return "still held"
    case = held.case
    into = f" into {case.ref}" if case is not None else ""
    return f"{held.status}{into} by {held.handled_by}"


def suggested_contacts(held: QuarantinedMail) -> list[Contact]:
    """Whom a release into a new case could be for: the sender's client's admins."""
    if (client := held.client) is not None:
        return client_admins(client)
    sender = held.message.from_address
    if not sender:
        return []
    return list(
        Contact.select().where((Contact.email == sender) & Contact.is_admin & Contact.active)
    )


def _reparse(held: QuarantinedMail, settings: MailSettings) -> ParsedMessage:
    try:
        raw = blob_store(settings).get(held.raw_sha256)
    except (FileNotFoundError, ValueError):
        raise NotFound(
            f"the raw message {held.raw_sha256[:12]}… is missing from the attachment store "
            f"{settings.attachments_dir}",
            field="ID",
        ) from None
    parsed = parse_message(raw)
    if parsed.problem and not parsed.body:
        parsed.body = "(the message could not be read as email; its raw text is attached)"
    if parsed.problem:
        from wzdesk.mail.parse import ParsedAttachment

        parsed.attachments.append(ParsedAttachment("original.eml", "message/rfc822", raw))
    return parsed


def _mark(
    ctx: ServiceContext, held: QuarantinedMail, status: str, note: str, case: Case | None
) -> None:
    now = ctx.clock.now()
    QuarantinedMail.update(
        status=status, handled_at=now, handled_by=ctx.actor, note=note, case=case
    ).where(QuarantinedMail.id == held.id).execute()
    MailMessage.update(outcome=status, case=case).where(MailMessage.id == held.message_id).execute()
    ctx.audit(
        f"mail.{'release' if status == 'released' else 'discard'}",
        "quarantined_mail",
        held.id,
        {"status": HELD, "reason": held.reason_code},
        {"status": status, "case": case.ref if case else None, "note": note},
    )


def release_to_new_case(
    ctx: ServiceContext,
    quarantine_id: int,
    contact: str,
    *,
    client: str | None = None,
    severity: str | None = None,
    category: str | None = None,
    settings: MailSettings | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Open a case from a held message for a client admin (``contact``: their email)."""
    ctx.require(Action.HANDLE_MAIL)
    settings = settings or mail_settings()
    chosen_severity, chosen_category = new_case_choices(settings, severity, category)
    address = clean(contact or "").strip().lower()[:254]
    if "@" not in address:
        raise InvalidInput(f"expected the client admin's email, got {contact!r}", field="--contact")
    book = book or load_policy_book()
    with write_transaction():
        held = get_held(quarantine_id)
        query = Contact.select(Contact, Client).join(Client).where(Contact.email == address)
        if client:
            query = query.where(Contact.client == get_client(client))
        contacts = list(query)
        if not contacts:
            raise NotFound(f"no contact with email {address}", field="--contact")
        admins = [c for c in contacts if c.is_admin] or contacts  # open_case explains a refusal
        if len({c.client_id for c in admins}) > 1:
            codes = ", ".join(sorted(c.client.code for c in admins))
            raise InvalidInput(f"{address} is a contact of {codes}; add --client", field="--client")
        parsed = _reparse(held, settings)
        message: MailMessage = held.message
        case = open_case_from_message(
            ctx,
            parsed,
            admins[0],
            message.received_at,
            chosen_severity,
            chosen_category,
            book,
            on_behalf_of_sender=False,
        )
        store_attachments(parsed, case, message, blob_store(settings), ctx.clock.now())
        _mark(ctx, held, "released", f"released into a new case {case.ref}", case)
        acknowledge_case(ctx, case, Composer.load(book, settings))
    return case


def release_to_case(
    ctx: ServiceContext,
    quarantine_id: int,
    ref: str,
    *,
    settings: MailSettings | None = None,
    book: PolicyBook | None = None,
) -> Case:
    """Add a held message to an existing case as the client's message."""
    ctx.require(Action.HANDLE_MAIL)
    settings = settings or mail_settings()
    book = book or load_policy_book()
    with write_transaction():
        held = get_held(quarantine_id)
        try:
            case = get_case(ref)
        except NotFound as missing:  # the case is what --case named, not a REF argument
            raise NotFound(missing.message, field="--case") from None
        if case.status == Status.CLOSED:
            raise InvalidInput(
                f"{case.ref} is closed; release the message into a new case", field="--case"
            )
        parsed = _reparse(held, settings)
        message: MailMessage = held.message
        add_client_message(
            ctx, case, parsed, message.received_at, message, blob_store(settings), book
        )
        _mark(ctx, held, "released", f"released into {case.ref}", case)
    return Case.get_by_id(case.id)


def discard(ctx: ServiceContext, quarantine_id: int, reason: str) -> QuarantinedMail:
    """Set a held message aside for good (spam, a mistake). It stays on record."""
    ctx.require(Action.HANDLE_MAIL)
    reason = check_text(reason, "--reason", 2000, multiline=True)
    if not reason:
        raise InvalidInput("say why the message is discarded", field="--reason")
    with write_transaction():
        held = get_held(quarantine_id)
        _mark(ctx, held, "discarded", reason, None)
    return QuarantinedMail.get_by_id(quarantine_id)
