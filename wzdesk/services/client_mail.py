"""Every message to a client, written from its template and queued in the caller's transaction.

A public reply, a resolution note, an acknowledgment, a notice: whatever the channel the case
came in by (portal, email, phone), the message goes to the case's contact by email (and to
whoever of the client last wrote to the case), with the case reference in the subject and the
threading headers that bring the answer back. A contact with no email address gets nothing:
the case's timeline says so ("not sent: no email on file for Ana Diaz; call ..."), and the
:class:`Delivery` returned to the face says so too. Nothing claims "sent" when nothing was
queued.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from enum import Enum
from typing import Any

from wzdesk.core.rules import CATEGORY_LABELS, Category
from wzdesk.core.sla import SEVERITY_DESCRIPTIONS, Severity
from wzdesk.core.templates import render
from wzdesk.core.wording import hours_in_words, instant_in_words, target_in_words
from wzdesk.mail.compose import address_of, reply_subject
from wzdesk.mail.config import MailSettings
from wzdesk.services.context import ServiceContext
from wzdesk.services.mail_outbox import MAILER, enqueue, kind_words, last_client_message
from wzdesk.services.mail_settings import mail_settings
from wzdesk.services.notice_settings import NoticeSettings, load_notice_settings
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.templates import TemplateText, template_text
from wzdesk.store.models import Case, CaseEvent, Contact, MailMessage, User, to_json

STATUS_WORDS = {
    "new": "new",
    "open": "open",
    "waiting_client": "waiting on you",
    "escalated": "escalated",
    "resolved": "resolved",
    "closed": "closed",
}


@dataclass(frozen=True)
class Delivery:
    """What became of one message: queued (to whom) or not sent (and why)."""

    kind: str
    queued: bool
    recipients: tuple[str, ...] = ()
    outbox_id: int | None = None
    reason: str = ""

    @property
    def text(self) -> str:
        """``queued to ana@acme.example (outbox #3)`` or ``not sent: ...``."""
        if self.queued:
            return f"queued to {', '.join(self.recipients)} (outbox #{self.outbox_id})"
        return self.reason

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "queued": self.queued,
            "to": list(self.recipients),
            "outbox_id": self.outbox_id,
            "note": self.text,
        }


@dataclass(frozen=True)
class Composer:
    """What every message to a client is written with (read once, reused for a batch)."""

    book: PolicyBook
    settings: MailSettings
    notices: NoticeSettings
    _users: dict[str, User | None] = field(default_factory=dict, compare=False)
    _texts: dict[str, TemplateText] = field(default_factory=dict, compare=False)

    @classmethod
    def load(
        cls,
        book: PolicyBook | None = None,
        settings: MailSettings | None = None,
        notices: NoticeSettings | None = None,
    ) -> Composer:
        return cls(
            book or load_policy_book(),
            settings or mail_settings(),
            notices or load_notice_settings(),
        )

    @property
    def team(self) -> str:
        """The support team's name: the display name of ``WZDESK_MAIL_FROM``."""
        return parseaddr(self.settings.mail_from)[0].strip() or "The support team"

    def desk_values(self, at: datetime) -> dict[str, str]:
        """Placeholders about the desk itself (no case)."""
        policy = self.book.at(at)
        return {
            "team": self.team,
            "support_email": address_of(self.settings.mail_from),
            "support_phone": self.notices.support_phone,
            "support_hours": hours_in_words(policy.calendar.week, policy.calendar.zone_name),
        }

    def case_values(self, case: Case, thread_subject: str | None = None) -> dict[str, str]:
        """Every case placeholder for ``case`` (instants in words, in the support zone)."""
        policy = self.book.by_id(case.policy_id)
        severity = Severity(case.severity)
        targets = policy.targets[severity]
        zone = policy.calendar.zone
        owner = case.assignee if case.assignee_id else None
        assignee = owner.name if owner is not None else "unassigned"
        ref = str(case.ref)
        return {
            **self.desk_values(case.received_at),
            "support_hours": hours_in_words(policy.calendar.week, policy.calendar.zone_name),
            "ref": ref,
            "summary": case.summary,
            "description": case.description,
            "client_code": case.client.code,
            "client_name": case.client.name,
            "contact_name": case.contact.name,
            "severity": severity.value,
            "severity_description": SEVERITY_DESCRIPTIONS[severity],
            "status": STATUS_WORDS.get(case.status, case.status),
            "channel": case.channel,
            "category": CATEGORY_LABELS[Category(case.category)],
            "received": instant_in_words(case.received_at, zone),
            "response_due": instant_in_words(case.response_due, zone),
            "resolution_due": instant_in_words(case.resolution_due, zone),
            "response_target": target_in_words(targets.response_seconds, targets.around_the_clock),
            "resolution_target": target_in_words(
                targets.resolution_seconds, targets.around_the_clock
            ),
            "thread_subject": thread_subject or reply_subject(ref, case.summary, None),
            "how_to_reply": (
                f"To add to this case, reply to this message and keep [{ref}] in the subject."
            ),
            "assignee_name": assignee,
        }

    def agent_values(self, login: str) -> dict[str, str]:
        """``agent_name`` and ``signature`` of the console user writing."""
        if login not in self._users:
            self._users[login] = User.get_or_none(User.login == login)
        user = self._users[login]
        if user is None:
            return {"agent_name": self.team, "signature": self.team}
        name = str(user.name)
        signature = str(user.signature).strip() or f"{name}\n{self.team}"
        return {"agent_name": name, "signature": signature}

    def text(self, name: str) -> TemplateText:
        """Template ``name`` as it is now (read once per composer: a batch sees one version)."""
        if name not in self._texts:
            self._texts[name] = template_text(name)
        return self._texts[name]

    def render(self, name: str, values: Mapping[str, str]) -> tuple[str, str]:
        """The subject and body of template ``name`` filled with ``values``."""
        return render_text(self.text(name), values)

    def reopen_hint(self) -> str:
        days = self.notices.reopen_days
        if days is None:
            return "If this does not solve the problem, reply to this message and the case reopens."
        return (
            "If this does not solve the problem, reply to this message within "
            f"{days} day{'s' if days != 1 else ''} and the case reopens; after that it is closed."
        )


def render_text(text: TemplateText, values: Mapping[str, str]) -> tuple[str, str]:
    """The subject and body of ``text`` filled with ``values`` (the subject on one line)."""
    subject = " ".join(render(text.subject, values, field="subject").split())
    return subject, render(text.body, values, field="body")


def not_sent_reason(contact: Contact) -> str:
    """``not sent: no email on file for Ana Diaz; call +1 416 555 0101``."""
    if contact.phone:
        return f"not sent: no email on file for {contact.name}; call {contact.phone}"
    return f"not sent: no email on file for {contact.name}, and no phone number either"


class LookUp(Enum):
    """The caller does not know the client's last message on the case."""

    LOOK_UP = "look up"


#: ``thread=LOOK_UP``: find the client's last message on the case (the default).
LOOK_UP = LookUp.LOOK_UP


def client_recipients(case: Case, last: MailMessage | None | LookUp = LOOK_UP) -> list[str]:
    """The case's contact, and whoever of the client last wrote to the case by email.

    The last writer is copied only while they are an active contact of the case's own client
    (what threading asks of a sender). An agent may release a held message from a stranger or
    another client's admin into the case: that files its text, it does not make its sender
    someone the client's case correspondence may go to."""
    if isinstance(last, LookUp):
        last = last_client_message(case)
    found = [a for a in (case.contact.email, last.from_address if last else None) if a]
    unique = list(dict.fromkeys(found))
    if len(unique) > 1 and not _is_clients_contact(case, unique[-1]):
        unique.pop()
    return unique


def _is_clients_contact(case: Case, address: str) -> bool:
    """Whether ``address`` is on file for an active contact of ``case``'s client."""
    return (
        Contact.select(Contact.id)
        .where(
            (Contact.client == case.client_id)
            & (Contact.email == address.lower())
            & (Contact.active == True)  # noqa: E712 (peewee builds SQL from ==)
        )
        .exists()
    )


def queue_case_mail(
    ctx: ServiceContext,
    case: Case,
    template: str,
    extra: Mapping[str, str] | None = None,
    *,
    event: CaseEvent | None = None,
    composer: Composer | None = None,
    thread: MailMessage | None | LookUp = LOOK_UP,
    to: list[str] | None = None,
) -> Delivery:
    """Write template ``template`` for ``case``'s client and queue it, in the caller's
    transaction; or, when the client has no email address, note on the timeline that it was
    not sent and why. ``extra``: the message's own placeholders (``message``, ``need`` ...).
    ``thread``: the client's last message on the case when the caller knows it (or that there
    is none: a new case), else it is looked up. ``to``: other recipients than the case's
    contact and its last writer (a quote goes to a client admin)."""
    composer = composer or Composer.load()
    last = last_client_message(case) if isinstance(thread, LookUp) else thread
    recipients = to if to is not None else client_recipients(case, last)
    if not recipients:
        reason = not_sent_reason(case.contact)
        CaseEvent.create(
            case=case,
            at=ctx.clock.now(),
            author=MAILER,
            kind="mail_not_sent",
            public=False,
            body=f"{kind_words(template).capitalize()} was {reason}.",
            data_json=to_json(
                {"kind": template, "delivery": "not_sent", "event_id": event.id if event else None}
            ),
        )
        return Delivery(template, False, reason=reason)
    thread_subject = reply_subject(str(case.ref), case.summary, last.subject if last else None)
    values = {**composer.case_values(case, thread_subject), **(extra or {})}
    subject, body = composer.render(template, values)
    outbox_id = enqueue(
        ctx,
        case=case,
        recipients=recipients,
        subject=subject,
        body=body,
        kind=template,
        event=event,
        thread=last,
        settings=composer.settings,
    )
    return Delivery(template, True, tuple(recipients), outbox_id)


def queue_plain_mail(
    ctx: ServiceContext,
    template: str,
    values: Mapping[str, str],
    recipients: Sequence[str],
    composer: Composer,
    *,
    case: Case | None = None,
    audience: str = "staff",
) -> int:
    """A message that answers nothing: an alert to console users (``audience`` staff) or a
    notice to a subscriber (about no case); not indexed for the client's answers."""
    subject, body = composer.render(template, values)
    return enqueue(
        ctx,
        case=case,
        recipients=recipients,
        subject=subject,
        body=body,
        kind=template,
        audience=audience,
        settings=composer.settings,
    )
