"""Filing client email: thread it into its case, open a case for a client admin, or hold it in
the quarantine with the reason. Nothing is dropped.

Each message is filed in a transaction of its own, keyed by its Message-ID: a crash leaves every
message either fully filed or not at all, and running the import again finishes the job without
filing anything twice (a duplicate changes nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import peewee

from wzdesk.core.errors import UserError
from wzdesk.core.rules import Action, Category, Status, may
from wzdesk.core.sla import Severity
from wzdesk.mail.blobs import BlobStore
from wzdesk.mail.config import MailSettings
from wzdesk.mail.parse import ParsedMessage, parse_message
from wzdesk.mail.sources import RawMessage
from wzdesk.services.cases import REF_PREFIX, acknowledge_case
from wzdesk.services.client_mail import Composer
from wzdesk.services.context import ServiceContext, locked, write_transaction
from wzdesk.services.directory import describe_admins
from wzdesk.services.mail_filing import (
    add_client_message,
    open_case_from_message,
    record_message,
    store_attachments,
)
from wzdesk.services.mail_settings import blob_store, mail_settings, new_case_choices
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.related import follow_merges
from wzdesk.store.database import db
from wzdesk.store.models import Case, Client, Contact, MailMessage, QuarantinedMail
from wzdesk.store.prepared import PreparedGet, PreparedInsert, PreparedLookup

#: The statements every message runs, compiled once (see :mod:`wzdesk.store.prepared`).
_message_with_key = PreparedLookup(MailMessage.id, MailMessage.message_key)
_content_of_key = PreparedLookup(MailMessage.content_sha256, MailMessage.message_key)
_case_of_message = PreparedLookup(MailMessage.case, MailMessage.message_key)
_case_by_id = PreparedGet(Case)
_insert_held = PreparedInsert(
    QuarantinedMail,
    "message", "reason_code", "reason", "raw_sha256", "raw_size", "client", "status", "held_at",
    "handled_at", "handled_by", "note", "case",
)  # fmt: skip

_REF = re.compile(rf"\b{REF_PREFIX}(\d{{1,9}})\b", re.IGNORECASE)

OUTCOMES = ("imported", "threaded", "quarantined", "duplicate")


@dataclass(frozen=True)
class Filed:
    """Where one message went."""

    outcome: str  # imported (opened a case) | threaded | quarantined | duplicate
    ref: str | None = None
    reason: str | None = None
    quarantine_id: int | None = None


@dataclass
class ImportSummary:
    """Counts of one import (``imported``: messages that opened a new case)."""

    imported: int = 0
    threaded: int = 0
    quarantined: int = 0
    duplicates: int = 0

    def count(self, filed: Filed) -> None:
        if filed.outcome == "duplicate":
            self.duplicates += 1
        else:
            setattr(self, filed.outcome, getattr(self, filed.outcome) + 1)

    def as_dict(self) -> dict[str, int]:
        """The command line's summary."""
        return {
            "imported": self.imported,
            "threaded": self.threaded,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
        }


class _Hold(Exception):
    """Internal: this message goes to the quarantine with this reason."""

    def __init__(self, code: str, reason: str, client: Client | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.client = code, reason, client


def human_size(size: int) -> str:
    """``1.5 MB``-style sizes for reasons people read."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def subject_refs(subject: str) -> list[str]:
    """Case references in a subject, in order (``WZ-1042``)."""
    return list(dict.fromkeys(f"{REF_PREFIX}{int(n)}" for n in _REF.findall(subject)))


class MailImporter:
    """Files raw messages one by one (each in its own transaction)."""

    def __init__(
        self,
        ctx: ServiceContext,
        *,
        settings: MailSettings | None = None,
        severity: str | None = None,
        category: str | None = None,
        book: PolicyBook | None = None,
    ) -> None:
        ctx.require(Action.IMPORT_MAIL)
        self.ctx = ctx
        self.settings = settings or mail_settings()
        self.severity: Severity
        self.category: Category
        self.severity, self.category = new_case_choices(self.settings, severity, category)
        self.book = book or load_policy_book()
        self.composer = Composer.load(self.book, self.settings)
        self.store: BlobStore = blob_store(self.settings)
        self.store.clean_temporary()  # what an import killed mid-write left behind
        self._contacts: dict[str, list[Contact]] = {}
        self._clients: dict[int, Client] = {}

    def refresh(self) -> None:
        """Forget what was read from the database (contacts, the policy): a watcher calls this
        between rounds so that changes made meanwhile apply."""
        self.book = load_policy_book()
        self.composer = Composer.load(self.book, self.settings)
        self._contacts.clear()
        self._clients.clear()
        self.store.clean_temporary()

    def contacts_with(self, address: str) -> list[Contact]:
        """Every contact with this email address, with their clients (read once per batch;
        strangers are not remembered, so the memory used stays bounded by the directory)."""
        found = self._contacts.get(address)
        if found is None:
            found = list(
                Contact.select(Contact, Client).join(Client).where(Contact.email == address)
            )
            if found:
                self._contacts[address] = found
        return found

    # -- one message ---------------------------------------------------------------------------

    def file(self, raw: RawMessage) -> Filed:
        """File one message. Only a database failure (or a crash) escapes; then nothing of this
        message was written."""
        oversized = len(raw.data) > self.settings.max_message_bytes
        parsed = parse_message(raw.data, headers_only=oversized)
        try:
            return self._file(raw, parsed, oversized, forced=None)
        except peewee.IntegrityError:
            if self._known(parsed.key):  # another importer filed it at the same moment
                return Filed("duplicate")
            raise
        except peewee.DatabaseError:
            raise
        except UserError as error:  # e.g. open_case refused: the client is inactive
            return self._file(raw, parsed, oversized, forced=_Hold("refused", str(error)))
        except Exception as error:  # a bug must not stop the batch: keep it for an agent
            hold = _Hold("error", f"could not be filed: {type(error).__name__}: {error}")
            return self._file(raw, parsed, oversized, forced=hold)

    def _known(self, key: str) -> bool:
        return _message_with_key(key) is not None

    def _reused_id(self, parsed: ParsedMessage) -> _Hold | None:
        """A message whose key is taken: ``None`` if it is the same message (a duplicate),
        else it is another message reusing the Message-ID: re-keyed by its content, and held
        with the reason. (Messages imported before content hashes were kept count as the
        same.)"""
        known = _content_of_key(parsed.key)
        if known is None or known == parsed.content_sha256:
            return None
        first = MailMessage.get(MailMessage.message_key == parsed.key)
        parsed.key = f"reused:{parsed.content_sha256}"
        return _Hold(
            "reused_id",
            f"another message already has Message-ID <{parsed.message_id}> (from "
            f"{first.from_address or 'no sender'}, subject {first.subject[:80]!r}, imported "
            f"{first.imported_at:%Y-%m-%d %H:%M} UTC); this one says something else, so it is "
            "not a duplicate",
        )

    def _file(
        self, raw: RawMessage, parsed: ParsedMessage, oversized: bool, forced: _Hold | None
    ) -> Filed:
        now = self.ctx.clock.now()
        arrived = parsed.received_at(now)
        with write_transaction():
            if parsed.old_key is not None and self._known(parsed.old_key):
                return Filed("duplicate")  # filed when its key was its raw bytes
            if self._known(parsed.key):
                reused = self._reused_id(parsed)
                if reused is None:
                    return Filed("duplicate")
                forced = forced or reused
                if self._known(parsed.key):  # this other message was filed already
                    return Filed("duplicate")
            try:
                if forced is not None:
                    raise forced
                return self._route(raw, parsed, oversized, arrived)
            except _Hold as hold:
                return self._quarantine(raw, parsed, arrived, hold)

    def _route(
        self, raw: RawMessage, parsed: ParsedMessage, oversized: bool, arrived: datetime
    ) -> Filed:
        if parsed.problem:
            raise _Hold("unparseable", parsed.problem)
        if oversized:
            raise _Hold(
                "oversized",
                f"the message is {human_size(len(raw.data))}; the limit is "
                f"{human_size(self.settings.max_message_bytes)}",
            )
        if parsed.automatic:
            raise _Hold("automatic", f"an automatic message ({parsed.automatic}), not the client")
        refs = subject_refs(parsed.subject)
        case = self._case_named(refs) or self._case_answered(parsed.thread_ids)
        if case is not None and case.merged_into_id is not None:
            case = follow_merges(case)  # a merged duplicate's mail lands on its primary
            case.client = Client.get_by_id(case.client_id)
        if case is not None:
            return self._thread(parsed, case, arrived)
        if refs:
            raise _Hold("unknown_case", f"the subject names {refs[0]}, which does not exist")
        return self._open(parsed, arrived)

    # -- threading -----------------------------------------------------------------------------

    def _case_named(self, refs: list[str]) -> Case | None:
        if not refs:
            return None
        cases = {c.ref: c for c in Case.select(Case, Client).join(Client).where(Case.ref.in_(refs))}
        return next((cases[r] for r in refs if r in cases), None)

    def _case_answered(self, thread_ids: list[str]) -> Case | None:
        if not thread_ids:
            return None
        for key in [i for i in thread_ids if len(i) <= 250][:60]:  # the nearest answered wins
            case_id = _case_of_message(key)
            if case_id is not None:
                case: Case | None = _case_by_id(case_id)
                if case is not None:
                    if case.client_id not in self._clients:
                        self._clients[case.client_id] = Client.get_by_id(case.client_id)
                    case.client = self._clients[case.client_id]
                return case
        return None

    def _thread(self, parsed: ParsedMessage, case: Case, arrived: datetime) -> Filed:
        sender = parsed.from_address
        client = case.client
        case = _locked_again(case)
        if sender is None:
            raise _Hold("no_sender", f"the message has no sender address; it is about {case.ref}")
        contact = next(
            (c for c in self.contacts_with(sender) if c.client_id == case.client_id and c.active),
            None,
        )
        if contact is None:
            raise _Hold(
                "unknown_sender",
                f"{sender} wrote about {case.ref} but is not a contact of {client.code}, "
                f"the case's client. {describe_admins(client)}",
                client,
            )
        if case.status == Status.CLOSED:
            raise _Hold(
                "closed_case",
                f"{case.ref} is closed; release the message into a new case or another one",
                client,
            )
        self._check_rights(case, client)
        self._check_attachments(parsed, client)
        message = self._record(parsed, arrived, "threaded", case)
        add_client_message(self.ctx, case, parsed, arrived, message, self.store, self.book)
        return Filed("threaded", case.ref)

    # -- a new case ----------------------------------------------------------------------------

    def _open(self, parsed: ParsedMessage, arrived: datetime) -> Filed:
        sender = parsed.from_address
        if sender is None:
            raise _Hold("no_sender", "the message has no sender (From) address")
        contacts = self.contacts_with(sender)
        if not contacts:
            raise _Hold("unknown_sender", f"{sender} is not a contact of any client")
        admins = [c for c in contacts if c.is_admin and c.active and c.client.active]
        if not admins:
            contact = contacts[0]
            raise _Hold(
                "not_admin",
                f"{contact.name} <{sender}> is a contact of {contact.client.code} but not an "
                f"active client admin; only client admins may open cases. "
                f"{describe_admins(contact.client)}",
                contact.client,
            )
        if len(admins) > 1:
            codes = ", ".join(sorted(c.client.code for c in admins))
            raise _Hold(
                "ambiguous_sender",
                f"{sender} is a client admin of several clients ({codes}); release the message "
                "naming the client",
            )
        admin = admins[0]
        self._check_attachments(parsed, admin.client)
        case = open_case_from_message(
            self.ctx, parsed, admin, arrived, self.severity, self.category, self.book
        )
        message = self._record(parsed, arrived, "opened", case)
        store_attachments(parsed, case, message, self.store, self.ctx.clock.now())
        opening = (  # the message just recorded: what the acknowledgment answers
            MailMessage(
                message_id=parsed.message_id,
                subject=parsed.subject,
                references=" ".join(parsed.references),
                from_address=parsed.from_address,
            )
            if parsed.message_id
            else None
        )
        acknowledge_case(self.ctx, case, self.composer, thread=opening)
        return Filed("imported", case.ref)

    # -- holding -------------------------------------------------------------------------------

    def _check_rights(self, case: Case, client: Client) -> None:
        """An import does with a client's message only what the importer may do by hand: the
        sender of a file is not authenticated, so a message that would reopen a resolved case
        or take one out of waiting, imported by someone who may not do that (phone staff),
        waits for an agent."""
        needed = {Status.RESOLVED: Action.REOPEN, Status.WAITING_CLIENT: Action.CHANGE_STATUS}
        action = needed.get(Status(case.status))
        if action is not None and not may(self.ctx.role, action):
            raise _Hold(
                "needs_agent",
                f"{case.ref} is {case.status}; filing this message would {action.value}, which "
                f"{self.ctx.actor} ({self.ctx.role.value}) may not do. An agent can release it "
                "into the case",
                client,
            )

    def _check_attachments(self, parsed: ParsedMessage, client: Client) -> None:
        limit = self.settings.max_attachment_bytes
        for attachment in parsed.attachments:
            if attachment.size > limit:
                raise _Hold(
                    "oversized",
                    f"attachment {attachment.filename!r} is {human_size(attachment.size)}; "
                    f"the limit is {human_size(limit)}",
                    client,
                )

    def _record(
        self, parsed: ParsedMessage, arrived: datetime, outcome: str, case: Case | None
    ) -> int:
        now = self.ctx.clock.now()
        message = record_message(parsed, arrived, outcome, case, now, self.ctx.actor)
        after = {
            "outcome": outcome,
            "case": case.ref if case else None,
            "from": parsed.from_address,
            "message_key": parsed.key,
            "content_sha256": parsed.content_sha256,
        }
        self.ctx.audit("mail.import", "mail", message, None, after)
        return message

    def _quarantine(
        self, raw: RawMessage, parsed: ParsedMessage, arrived: datetime, hold: _Hold
    ) -> Filed:
        digest = self.store.put(raw.data)
        message = self._record(parsed, arrived, "quarantined", None)
        held = _insert_held(
            message=message,
            reason_code=hold.code,
            reason=hold.reason,
            raw_sha256=digest,
            raw_size=len(raw.data),
            client=hold.client,
            status="held",
            held_at=self.ctx.clock.now(),
            handled_at=None,
            handled_by=None,
            note="",
            case=None,
        )
        return Filed("quarantined", reason=hold.reason, quarantine_id=held)


# -- batches ----------------------------------------------------------------------------------


def import_messages(
    ctx: ServiceContext,
    messages: Iterable[RawMessage],
    *,
    settings: MailSettings | None = None,
    severity: str | None = None,
    category: str | None = None,
    on_filed: Callable[[RawMessage, Filed], None] | None = None,
) -> ImportSummary:
    """File every message; one bad message never stops the rest."""
    importer = MailImporter(ctx, settings=settings, severity=severity, category=category)
    summary = ImportSummary()
    for raw in messages:
        filed = importer.file(raw)
        summary.count(filed)
        if on_filed is not None:
            on_filed(raw, filed)
    return summary


def _locked_again(case: Case) -> Case:
    """The case read again and locked for this transaction, on PostgreSQL (its client kept):
    under READ COMMITTED an agent's write between the importer's read and its own made the
    guarded UPDATE refuse, and the client's reply went to the quarantine as "changed by
    someone else just now" (a third of them, with four agents writing). SQLite's write
    transaction already holds every other writer off."""
    if not db.obj.for_update:
        return case
    fresh: Case = locked(Case.select().where(Case.id == case.id)).get()
    fresh.client = case.client
    return fresh
