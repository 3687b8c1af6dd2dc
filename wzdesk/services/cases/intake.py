"""Opening a case: from a portal form, an email, or a phone call (with the call on its timeline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from wzdesk.core.case_sla import compute_deadlines
from wzdesk.core.errors import InvalidInput, PermissionDenied
from wzdesk.core.rules import Action, Category, Channel, Status, missing_recommended_fields
from wzdesk.core.sla import Severity
from wzdesk.core.text import clean
from wzdesk.core.timefmt import check_instant
from wzdesk.services.cases.records import (
    FIRST_CASE_NUMBER,
    REF_PREFIX,
    add_event,
    clean_line,
    clean_text,
    deadline_fields,
    parse_choice,
)
from wzdesk.services.client_mail import LOOK_UP, Composer, Delivery, LookUp, queue_case_mail
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.services.directory import describe_admins, find_contact, get_client
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.store.models import Case, CaseEvent, Contact, MailMessage

#: A received time this far ahead of the clock is a typo, not a clock skew.
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_CALL_SECONDS = 12 * 3600
MAX_TAGS = 20
MAX_TAG_LENGTH = 40


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


def parse_tags(text: str) -> str:
    """``"Billing, urgent"`` as stored: lower-case, sorted, distinct, comma-separated; at most
    20 tags of 40 characters (tags are labels to filter on, not notes)."""
    tags = sorted({t.strip().lower() for t in clean(text or "").split(",") if t.strip()})
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"at most {MAX_TAGS} tags (got {len(tags)})", field="--tags")
    for tag in tags:
        if len(tag) > MAX_TAG_LENGTH:
            raise InvalidInput(
                f"a tag has at most {MAX_TAG_LENGTH} characters (got {tag[:20]!r}…)", field="--tags"
            )
    return ",".join(tags)


def open_case(
    ctx: ServiceContext,
    new: NewCase,
    *,
    call_seconds: int | None = None,
    call_notes: str = "",
    internal_note: str = "",
    book: PolicyBook | None = None,
    contact: Contact | None = None,
    acknowledge: bool = True,
    composer: Composer | None = None,
) -> Case:
    """Open a case for a client admin. With ``call_seconds`` it is a logged phone call.

    ``internal_note``: kept on the case as an internal note, in the same transaction (the
    new-case form records there who raised a case opened for an admin on their behalf).

    ``contact``: the ``new.contact`` already looked up, with its client (the mail import has
    it at hand and saves two queries a message). The contact is sent an acknowledgment (unless
    they are turned off for the channel); the mail import says ``acknowledge=False`` and sends
    it once the client's message is on record, so that it answers that message.
    """
    known_contact = contact
    ctx.require(Action.LOG_CALL if call_seconds is not None else Action.OPEN_CASE)
    severity = parse_choice(Severity, new.severity, "--severity")
    channel = parse_choice(Channel, new.channel, "--channel")
    category = parse_choice(Category, new.category, "--category")
    summary = clean_line(new.summary, "--summary", 300, required=True)
    description = clean_text(new.description, "--description", 100_000)
    steps = clean_text(new.steps_to_reproduce, "--steps", 100_000)
    affected = clean_text(new.affected_users, "--affected-users", 10_000)
    tags = parse_tags(new.tags)
    now = ctx.clock.now()
    received_at = new.received_at or now
    if received_at.tzinfo is None:
        raise InvalidInput("needs a time zone offset", field="--received")
    check_instant(received_at, "--received")
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
        if not contact.active:
            raise PermissionDenied(
                f"{contact.name} is no longer a contact of {client.code} (deactivated). "
                f"{describe_admins(client)}",
                field="--contact",
            )
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
            client_wrote_at=received_at,
            **deadline_fields(deadlines),
        )
        # The id is unique under any concurrency; the reference is derived from it.
        case.ref = f"{REF_PREFIX}{FIRST_CASE_NUMBER - 1 + case.id}"
        Case.update(ref=case.ref).where(Case.id == case.id).execute()
        missing = missing_recommended_fields(category, description, steps, affected)
        created = add_event(
            ctx,
            case,
            "created",
            summary,
            data={"channel": channel.value, "missing": missing},
            at=received_at,
        )
        if call_seconds is not None:
            add_event(
                ctx,
                case,
                "call",
                clean_text(call_notes, "--notes", 100_000),
                duration_seconds=call_seconds,
                at=received_at,
            )
        if internal_note:
            note = clean_text(internal_note, "--notes", 100_000)
            add_event(ctx, case, "note", note, at=received_at)
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
        if acknowledge:
            # A case just opened has no client message on record yet: nothing to look up.
            acknowledge_case(ctx, case, composer or Composer.load(book), created, thread=None)
    return case


def acknowledge_case(
    ctx: ServiceContext,
    case: Case,
    composer: Composer,
    created: CaseEvent | None = None,
    thread: MailMessage | None | LookUp = LOOK_UP,
) -> Delivery | None:
    """Queue the acknowledgment of a new case (inside the caller's transaction); ``None`` when
    acknowledgments are off for the case's channel. ``created``: the case's "created" event,
    which the message answers (when the caller has it); ``thread``: the client's message that
    opened it, when the caller has it at hand (else it is looked up)."""
    if not composer.notices.acknowledges(case.channel):
        return None
    return queue_case_mail(
        ctx, case, "acknowledgment", event=created, composer=composer, thread=thread
    )
