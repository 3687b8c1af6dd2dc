"""Peewee models: the current shape of every table.

The migrations in :mod:`wzdesk.store.migrations` build these tables step by step; a test checks
that a database built by the migrations matches these models column for column.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import peewee

from wzdesk.store.database import db
from wzdesk.store.fields import IsoDateField, UTCDateTimeField
from wzdesk.store.stored_values import hours_from_json, week_from_json


class BaseModel(peewee.Model):
    """Binds every model to the deferred database proxy.

    The annotations below name what Peewee adds at run time (the implicit ``id`` primary key
    and a ``<name>_id`` attribute per foreign key), so the type checker knows them too.
    """

    id: peewee.AutoField[int]

    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    """Small key/value settings (e.g. whether the first-run announcement was made)."""

    key = peewee.CharField(primary_key=True, max_length=100)
    value = peewee.TextField()


class Holiday(BaseModel):
    """A date on which the desk is closed and business time does not count."""

    day = IsoDateField(unique=True)
    name = peewee.CharField(max_length=200, default="")
    source = peewee.CharField(max_length=50, default="manual")  # "manual" or "holidays:CA-ON"
    created_at = UTCDateTimeField()
    # NULL: closed all day; else the hours the desk keeps that day, [[start, end], ...] in
    # seconds since local midnight (a half-day: Christmas Eve 08:00-12:00).
    hours_json = peewee.TextField(null=True)

    @property
    def hours(self) -> tuple[tuple[int, int], ...] | None:
        """The hours kept that day, or None when the desk is closed all day."""
        return hours_from_json(self.hours_json)


class PolicyVersion(BaseModel):
    """One version of the SLA policy, in force from ``effective_from`` until the next one.

    A case keeps the version in force when it was received, so versions are never edited in
    place: a change is a new row with a later effective instant.
    """

    effective_from = UTCDateTimeField(index=True)
    zone_name = peewee.CharField(max_length=64)
    week_json = peewee.TextField()  # seven lists of [start, end] seconds since midnight
    at_risk_ratio = peewee.FloatField()
    note = peewee.TextField(default="")
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100, default="")

    @property
    def week(self) -> tuple[tuple[tuple[int, int], ...], ...]:
        """The weekly opening hours as the calendar wants them."""
        return week_from_json(self.week_json)


class PolicyTarget(BaseModel):
    """Response and resolution targets for one severity within a policy version."""

    policy = peewee.ForeignKeyField(PolicyVersion, backref="targets", on_delete="CASCADE")
    policy_id: peewee.IntegerField[int]  # the key behind ``policy``
    severity = peewee.CharField(max_length=20)
    response_seconds = peewee.IntegerField()
    resolution_seconds = peewee.IntegerField()
    around_the_clock = peewee.BooleanField(default=False)
    # A target in open days ("same time of day N open days later"); NULL: count the seconds
    # above (which then hold the nominal N x 10 business hours).
    response_days = peewee.IntegerField(null=True)
    resolution_days = peewee.IntegerField(null=True)

    class Meta:
        indexes = ((("policy", "severity"), True),)


class AuditEntry(BaseModel):
    """The append-only audit trail: who did what, when, with before and after."""

    at = UTCDateTimeField(index=True)
    actor = peewee.CharField(max_length=100)
    action = peewee.CharField(max_length=50)
    entity = peewee.CharField(max_length=50)
    entity_id = peewee.CharField(max_length=100)
    before_json = peewee.TextField(null=True)
    after_json = peewee.TextField(null=True)
    #: Who was signed in, when not ``actor``: the supervisor behind an impersonation, the login
    #: that imported a client's email (``actor`` is then the client's address).
    authenticated_as = peewee.CharField(max_length=100, null=True)

    class Meta:
        indexes = (
            (("entity", "entity_id"), False),
            # One login's entries newest first (``audit --user``): walking the instants'
            # index passed every later entry of everyone else (migration _audit_actor_index).
            (("actor", "at", "id"), False),
        )


class Client(BaseModel):
    """A customer organisation of the vendor."""

    code = peewee.CharField(max_length=32, unique=True)
    name = peewee.CharField(max_length=200)
    active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField()


class Contact(BaseModel):
    """A person at a client. Only client admins may open cases."""

    client = peewee.ForeignKeyField(Client, backref="contacts", on_delete="CASCADE")
    client_id: peewee.IntegerField[int]  # the key behind ``client``
    name = peewee.CharField(max_length=200)
    email = peewee.CharField(max_length=254, null=True, index=True)  # stored lower-case
    phone = peewee.CharField(max_length=40, null=True)
    phone_digits = peewee.CharField(max_length=20, null=True, index=True)  # last 10 digits
    is_admin = peewee.BooleanField(default=False)
    admin_rank = peewee.CharField(max_length=10, null=True)  # "primary" | "backup" | None
    active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField()


class ContactTraining(BaseModel):
    """A client admin's training, as data: when, by whom, on what."""

    contact = peewee.ForeignKeyField(Contact, backref="trainings", on_delete="CASCADE")
    contact_id: peewee.IntegerField[int]  # the key behind ``contact``
    trained_on = IsoDateField()
    trained_by = peewee.CharField(max_length=200)
    topic = peewee.TextField(default="")
    recorded_at = UTCDateTimeField()
    recorded_by = peewee.CharField(max_length=100)


class User(BaseModel):
    """A console user: an agent, phone-line staff or a supervisor."""

    login = peewee.CharField(max_length=100, unique=True)
    name = peewee.CharField(max_length=200)
    role = peewee.CharField(max_length=20)
    active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField()
    #: The OS login (SQLite) or PostgreSQL role (PostgreSQL) this user signs in as, when it is
    #: not the login itself.
    identity = peewee.CharField(max_length=100, null=True, unique=True)
    email = peewee.CharField(max_length=254, null=True)  # where `wzdesk notify` alerts go
    signature = peewee.TextField(default="")  # ends the user's replies to clients


class Case(BaseModel):
    """A support case. Deadlines are stored so queue-wide SLA questions are indexed lookups."""

    # WZ-1042: derived from the id, so NULL only inside open_case's transaction, between the
    # insert and the update that sets it; everywhere else a case has a reference.
    ref: peewee.CharField[str] = peewee.CharField(max_length=20, unique=True, null=True)  # type: ignore[assignment]
    client = peewee.ForeignKeyField(Client, backref="cases", on_delete="RESTRICT")
    client_id: peewee.IntegerField[int]  # the key behind ``client``
    contact = peewee.ForeignKeyField(Contact, backref="cases", on_delete="RESTRICT")
    contact_id: peewee.IntegerField[int]  # the key behind ``contact``
    channel = peewee.CharField(max_length=10)
    category = peewee.CharField(max_length=20)
    severity = peewee.CharField(max_length=10)
    status = peewee.CharField(max_length=20, index=True)
    assignee = peewee.ForeignKeyField(User, null=True, backref="cases", on_delete="SET NULL")
    assignee_id: peewee.IntegerField[int | None]  # the key behind ``assignee``
    escalated_to = peewee.CharField(max_length=200, null=True)
    escalation_reason = peewee.TextField(null=True)
    classification = peewee.CharField(max_length=30, null=True)
    summary = peewee.CharField(max_length=300)
    description = peewee.TextField(default="")
    steps_to_reproduce = peewee.TextField(default="")
    affected_users = peewee.TextField(default="")
    tags = peewee.TextField(default="")  # comma-separated
    policy = peewee.ForeignKeyField(PolicyVersion, on_delete="RESTRICT")
    policy_id: peewee.IntegerField[int]  # the key behind ``policy``
    received_at = UTCDateTimeField()
    first_response_at = UTCDateTimeField(null=True)
    resolved_at = UTCDateTimeField(null=True)
    closed_at = UTCDateTimeField(null=True)
    response_due = UTCDateTimeField()
    response_at_risk_at = UTCDateTimeField()
    resolution_due = UTCDateTimeField()
    resolution_at_risk_at = UTCDateTimeField()
    paused_since = UTCDateTimeField(null=True)
    #: An open paused case's frozen business seconds left on its resolution target
    #: (``core.case_sla.paused_left``), else NULL: the search's order for paused cases, and
    #: its split of the open cases into running and paused (every use case keeps it true).
    paused_left = peewee.DoubleField(null=True)
    #: Business seconds of finished pauses begun once the resolution target was breached
    #: (``core.case_sla.Deadlines.resolution_paused_after_due``): they push no due instant (a
    #: pause cannot un-breach), but the clock stood still, so overdue time leaves them out.
    resolution_paused_after_due = peewee.DoubleField(default=0.0)
    is_open = peewee.BooleanField(default=True)  # not resolved and not closed
    version = peewee.IntegerField(default=1)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField(index=True)  # consoles poll "changed since"
    client_wrote_at = UTCDateTimeField(null=True)  # the client's last message (or when it came in)
    #: Its contact was deactivated while it was open: someone must pick a new contact.
    needs_contact = peewee.BooleanField(default=False)
    #: The case this one was merged into (a closed duplicate points at its primary).
    merged_into = peewee.ForeignKeyField(
        "self", null=True, backref="merged_duplicates", on_delete="SET NULL"
    )
    merged_into_id: peewee.IntegerField[int | None]  # the key behind ``merged_into``

    class Meta:
        indexes = (
            (("is_open", "response_due"), False),
            (("is_open", "resolution_due"), False),
            (("is_open", "assignee"), False),
            (("client", "is_open"), False),
            (("received_at", "id"), False),  # the history, newest first
            (("status", "received_at", "id"), False),  # and by status (resolved, closed)
            # One client's cases, most urgent first (the client API's list).
            (("client", "is_open", "response_due"), False),
            (("client", "is_open", "resolution_due"), False),
            # What saved views test, counted without the rows (migrations.VIEW_COUNT_COLUMNS).
            (
                (
                    "is_open",
                    "status",
                    "assignee",
                    "severity",
                    "paused_since",
                    "paused_left",
                    "first_response_at",
                    "response_due",
                    "resolution_due",
                    "response_at_risk_at",
                    "resolution_at_risk_at",
                    "resolved_at",
                    "policy",
                ),
                False,
            ),
        )


class CaseEvent(BaseModel):
    """One entry on a case's timeline."""

    case = peewee.ForeignKeyField(Case, backref="events", on_delete="CASCADE")
    case_id: peewee.IntegerField[int]  # the key behind ``case``
    at = UTCDateTimeField()
    author = peewee.CharField(max_length=100)
    kind = peewee.CharField(max_length=20)
    public = peewee.BooleanField(default=False)
    body = peewee.TextField(default="")
    duration_seconds = peewee.IntegerField(null=True)
    data_json = peewee.TextField(null=True)

    class Meta:
        indexes = (
            (("case", "at"), False),
            (("kind", "at"), False),  # severity changes after an instant (as-of reports)
        )


class CaseSeen(BaseModel):
    """The version of a case a console user last opened: what changed since is marked."""

    login = peewee.CharField(max_length=100)
    case = peewee.ForeignKeyField(Case, on_delete="CASCADE")
    case_id: peewee.IntegerField[int]  # the key behind ``case``
    version = peewee.IntegerField()
    seen_at = UTCDateTimeField()

    class Meta:
        indexes = ((("login", "case"), True),)


class CallLog(BaseModel):
    """A phone call that opened no case (e.g. a caller who is not a client admin), kept on the
    client's record so that no call goes unlogged."""

    client = peewee.ForeignKeyField(Client, backref="calls", on_delete="CASCADE")
    client_id: peewee.IntegerField[int]  # the key behind ``client``
    contact = peewee.ForeignKeyField(Contact, null=True, backref="calls", on_delete="SET NULL")
    contact_id: peewee.IntegerField[int | None]  # the key behind ``contact``
    caller = peewee.CharField(max_length=200)  # as the caller gave their name
    at = UTCDateTimeField(index=True)
    duration_seconds = peewee.IntegerField()
    notes = peewee.TextField(default="")
    author = peewee.CharField(max_length=100)


class SlaPause(BaseModel):
    """A span during which the case's resolution clock stood still."""

    case = peewee.ForeignKeyField(Case, backref="pauses", on_delete="CASCADE")
    case_id: peewee.IntegerField[int]  # the key behind ``case``
    started_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(null=True)
    reason = peewee.CharField(max_length=20)  # "waiting_client" | "resolved"

    class Meta:
        # The backlog counts the cases resolved at each day's end from the first two; a report
        # asks for pauses starting or ending after its instant, whatever the reason, along the
        # last two (migration _pause_instant_indexes).
        indexes = (
            (("reason", "started_at"), False),
            (("reason", "ended_at"), False),
            (("started_at",), False),
            (("ended_at",), False),
        )


class MailMessage(BaseModel):
    """One email in or out: the Message-ID index behind idempotent import and threading.

    ``message_key`` is the Message-ID (without angle brackets), or ``sha256:<hex>`` of the raw
    message when it has none; importing a message whose key is already here changes nothing.
    """

    message_key = peewee.CharField(max_length=255, unique=True)
    message_id = peewee.TextField(null=True)  # as written, None when the message had none
    direction = peewee.CharField(max_length=3)  # "in" | "out"
    outcome = peewee.CharField(max_length=20)  # opened | threaded | quarantined | released | ...
    case = peewee.ForeignKeyField(Case, null=True, backref="mail", on_delete="SET NULL")
    case_id: peewee.IntegerField[int | None]  # the key behind ``case``
    from_address = peewee.CharField(max_length=254, null=True)  # lower-case
    from_name = peewee.CharField(max_length=200, default="")
    subject = peewee.TextField(default="")
    in_reply_to = peewee.TextField(null=True)
    references = peewee.TextField(default="")  # space-separated Message-IDs
    received_at = UTCDateTimeField()
    imported_at = UTCDateTimeField()
    size_bytes = peewee.BigIntegerField(default=0)
    #: SHA-256 of what the message says (see :func:`wzdesk.mail.parse.content_digest`): the
    #: same Message-ID with other content is another message, not a duplicate.
    content_sha256 = peewee.CharField(max_length=64, null=True)
    imported_by = peewee.CharField(max_length=100, null=True)  # the login that imported it

    class Meta:
        # A contact's latest messages (the contact view), among every message the desk
        # sent and received (migration _mail_history_indexes).
        indexes = ((("from_address", "received_at"), False),)


class QuarantinedMail(BaseModel):
    """A message that could not be filed on its own, kept (raw) until an agent decides."""

    message = peewee.ForeignKeyField(
        MailMessage, unique=True, backref="quarantine", on_delete="CASCADE"
    )
    message_id: peewee.IntegerField[int]  # the key behind ``message``
    reason_code = peewee.CharField(max_length=30)
    reason = peewee.TextField()
    raw_sha256 = peewee.CharField(max_length=64)  # the raw message in the attachment store
    raw_size = peewee.BigIntegerField()
    client = peewee.ForeignKeyField(Client, null=True, on_delete="SET NULL")  # sender's, if known
    client_id: peewee.IntegerField[int | None]  # the key behind ``client``
    status = peewee.CharField(max_length=12, index=True)  # held | released | discarded
    held_at = UTCDateTimeField()
    handled_at = UTCDateTimeField(null=True)
    handled_by = peewee.CharField(max_length=100, null=True)
    note = peewee.TextField(default="")  # why it was discarded, where it was released
    case = peewee.ForeignKeyField(Case, null=True, on_delete="SET NULL")  # released into
    case_id: peewee.IntegerField[int | None]  # the key behind ``case``

    class Meta:
        # The quarantine's history newest first (``mail quarantine list --all``), read from
        # the end of this index (migration _mail_history_indexes).
        indexes = ((("held_at", "id"), False),)


class Attachment(BaseModel):
    """A file that came with a client's email, stored once by content (sha256)."""

    case = peewee.ForeignKeyField(Case, backref="attachments", on_delete="CASCADE")
    case_id: peewee.IntegerField[int]  # the key behind ``case``
    message = peewee.ForeignKeyField(
        MailMessage, null=True, backref="attachments", on_delete="SET NULL"
    )
    message_id: peewee.IntegerField[int | None]  # the key behind ``message``
    filename = peewee.CharField(max_length=255)
    content_type = peewee.CharField(max_length=127)
    size_bytes = peewee.BigIntegerField()
    sha256 = peewee.CharField(max_length=64, index=True)
    created_at = UTCDateTimeField()


class OutboundMail(BaseModel):
    """A message on its way (a reply, a notice, an alert): written with what caused it, sent
    (and retried) later. ``case`` is empty for a message about no case (a policy update)."""

    case = peewee.ForeignKeyField(Case, null=True, backref="outbound_mail", on_delete="CASCADE")
    case_id: peewee.IntegerField[int | None]  # the key behind ``case`` (none: a policy notice)
    event = peewee.ForeignKeyField(CaseEvent, null=True, on_delete="SET NULL")
    event_id: peewee.IntegerField[int | None]  # the key behind ``event``
    message_id = peewee.TextField()
    sender = peewee.CharField(max_length=254)
    recipients = peewee.TextField()  # comma-separated addresses
    subject = peewee.TextField()
    # The whole message, exactly as it is sent. (The name hides Model.raw, a raw-SQL helper
    # this model never needs; renaming the column is not worth a migration.)
    raw = peewee.TextField()  # type: ignore[assignment]
    status = peewee.CharField(max_length=12)  # pending | sending | sent | failed
    attempts = peewee.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField()
    claimed_at = UTCDateTimeField(null=True)
    last_error = peewee.TextField(null=True)
    transport = peewee.CharField(max_length=20, null=True)  # how it went: smtp | maildir
    created_at = UTCDateTimeField()
    sent_at = UTCDateTimeField(null=True)
    kind = peewee.CharField(max_length=30, default="reply")  # the template it was written from
    audience = peewee.CharField(max_length=12, default="client")  # client | staff | subscriber

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)


class ServiceRate(BaseModel):
    """A role's professional services rates from a date on; a change is a new row (history)."""

    role = peewee.CharField(max_length=20)
    day_rate_cents = peewee.BigIntegerField()
    hour_rate_cents = peewee.BigIntegerField()
    effective_from = IsoDateField()
    note = peewee.TextField(default="")
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100, default="")

    class Meta:
        indexes = ((("role", "effective_from"), False),)


class Quote(BaseModel):
    """A scoped, priced proposal for services work on a case; its lines keep their rates."""

    case = peewee.ForeignKeyField(Case, backref="quotes", on_delete="CASCADE")
    case_id: int  # the key behind ``case``
    service_type = peewee.CharField(max_length=1, null=True)  # a..j; None on a fresh hand-off
    scope = peewee.TextField(default="")
    status = peewee.CharField(max_length=12, index=True)
    discount_bp = peewee.IntegerField(default=0)  # hundredths of a percent
    rates_on = IsoDateField()  # the day whose rates price the lines
    prepaid = peewee.BooleanField(default=False)  # approved to draw on the client's hours
    origin = peewee.CharField(max_length=20, default="manual")  # manual|escalation|resolution
    origin_case = peewee.ForeignKeyField(
        Case, null=True, backref="handed_off_quotes", on_delete="SET NULL"
    )
    origin_case_id: int | None  # the key behind ``origin_case``
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)
    sent_at = UTCDateTimeField(null=True)
    approved_at = UTCDateTimeField(null=True)
    declined_at = UTCDateTimeField(null=True)
    started_at = UTCDateTimeField(null=True)
    done_at = UTCDateTimeField(null=True)
    version = peewee.IntegerField(default=1)
    updated_at = UTCDateTimeField()


class QuoteLine(BaseModel):
    """Role × quantity (hours or days) at the role's rates in force when the quote was made."""

    quote = peewee.ForeignKeyField(Quote, backref="lines", on_delete="CASCADE")
    quote_id: int  # the key behind ``quote``
    position = peewee.IntegerField()
    role = peewee.CharField(max_length=20)
    quantity_hundredths = peewee.BigIntegerField()
    unit = peewee.CharField(max_length=1)  # h | d
    day_rate_cents = peewee.BigIntegerField()
    hour_rate_cents = peewee.BigIntegerField()


class TimeEntry(BaseModel):
    """Work logged against an approved quote: who, which role, which day, how long."""

    quote = peewee.ForeignKeyField(Quote, backref="time_entries", on_delete="RESTRICT")
    quote_id: int  # the key behind ``quote``
    author = peewee.CharField(max_length=100)
    role = peewee.CharField(max_length=20)
    work_date = IsoDateField(index=True)
    hours_hundredths = peewee.BigIntegerField()
    hour_rate_cents = peewee.BigIntegerField()  # the quote's hour rate for the role
    amount_cents = peewee.BigIntegerField()
    note = peewee.TextField(default="")
    prepaid = peewee.BooleanField(default=False)  # drawn from the client's prepaid hours
    overrun_allowed_by = peewee.CharField(max_length=100, null=True)
    created_at = UTCDateTimeField()


class PrepaidPurchase(BaseModel):
    """Hours a client bought in advance, at a role's hour rate less the volume tier reached."""

    client = peewee.ForeignKeyField(Client, backref="prepaid_purchases", on_delete="RESTRICT")
    client_id: int  # the key behind ``client``
    hours_hundredths = peewee.BigIntegerField()
    role = peewee.CharField(max_length=20)
    hour_rate_cents = peewee.BigIntegerField()
    discount_bp = peewee.IntegerField(default=0)
    list_cents = peewee.BigIntegerField()
    price_cents = peewee.BigIntegerField()
    bought_on = IsoDateField(index=True)
    note = peewee.TextField(default="")
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)


class PrepaidTier(BaseModel):
    """A volume discount on prepaid hours: at least ``min_hours`` earns ``discount_bp``."""

    min_hours_hundredths = peewee.BigIntegerField(unique=True)
    discount_bp = peewee.IntegerField()
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)


class MessageTemplate(BaseModel):
    """A supervisor's text for one outgoing message (the shipped text applies without a row)."""

    name = peewee.CharField(max_length=50, unique=True)
    subject = peewee.TextField()
    body = peewee.TextField()
    updated_at = UTCDateTimeField()
    updated_by = peewee.CharField(max_length=100)


class Macro(BaseModel):
    """A canned reply: a named text with placeholders, filled in for a case and then edited."""

    name = peewee.CharField(max_length=60, unique=True)
    body = peewee.TextField()
    created_by = peewee.CharField(max_length=100)
    updated_at = UTCDateTimeField()
    updated_by = peewee.CharField(max_length=100)


class AlertRule(BaseModel):
    """Which SLA event alerts whom: data a supervisor edits (``wzdesk alert rule ...``)."""

    event = peewee.CharField(max_length=20)  # at_risk | breached | unassigned
    severities = peewee.CharField(max_length=100, default="")  # comma-separated; empty: all
    recipients = peewee.CharField(max_length=500)  # assignee | supervisors | login,login
    minutes = peewee.IntegerField(null=True)  # unassigned: after this many business minutes
    active = peewee.BooleanField(default=True)
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)


class Notification(BaseModel):
    """Something sent at most once (an alert, a reminder, a policy notice), keyed so that a
    second process, or the same one after a restart, finds it already done.

    The row is written in the transaction that queues the message: claimed and sent together.
    """

    key = peewee.CharField(max_length=255, unique=True)
    kind = peewee.CharField(max_length=30)
    case = peewee.ForeignKeyField(Case, null=True, backref="notifications", on_delete="CASCADE")
    case_id: peewee.IntegerField[int | None]  # the key behind ``case``
    rule_id = peewee.IntegerField(null=True)  # the (first) alert rule, kept if it is removed
    rules = peewee.TextField(default="")  # every alert rule that matched: "1,4"
    recipients = peewee.TextField(default="")
    summary = peewee.TextField(default="")
    created_at = UTCDateTimeField(index=True)
    created_by = peewee.CharField(max_length=100)


class AlertClaim(BaseModel):
    """One event alerted (``alert:<case>:<timer>:<event>:<due epoch>``, a case's timer
    crossing into at risk or breached for one due instant; ``alert:<case>:unassigned:<minutes>``,
    a case left unassigned for a rule's minutes), and each person alerted of it, whichever
    alert rules matched (the event's key and ``:to:<login>``; ``:none`` when no console user
    matched). An event is alerted once: its own key is claimed first, so a later round finds
    it claimed whoever its people are by then (the case's next owner is not sent it again).

    The key is unique and inserted in the transaction that records the alert
    (:class:`Notification`, one row per alert sent, keyed by its first claim) and queues its
    messages: a second ``notify`` process, or a second rule, finds the person claimed.
    """

    key = peewee.CharField(max_length=255, unique=True)
    case = peewee.ForeignKeyField(Case, null=True, backref="alert_claims", on_delete="CASCADE")
    case_id: peewee.IntegerField[int | None]  # the key behind ``case``


class PolicySubscriber(BaseModel):
    """An address that asked for notices of support policy updates."""

    email = peewee.CharField(max_length=254, unique=True)  # lower-case
    contact = peewee.ForeignKeyField(Contact, null=True, on_delete="SET NULL")
    contact_id: peewee.IntegerField[int | None]  # the key behind ``contact``
    subscribed_at = UTCDateTimeField()
    unsubscribed_at = UTCDateTimeField(null=True)
    updated_by = peewee.CharField(max_length=100)


class CaseLink(BaseModel):
    """A link between two cases, stored once and shown on both (``kind`` reads from ``source``
    to ``target``: source is a duplicate-of / caused-by / related to target)."""

    source = peewee.ForeignKeyField(Case, backref="links_out", on_delete="CASCADE")
    source_id: peewee.IntegerField[int]  # the key behind ``source``
    target = peewee.ForeignKeyField(Case, backref="links_in", on_delete="CASCADE")
    target_id: peewee.IntegerField[int]  # the key behind ``target``
    kind = peewee.CharField(max_length=20)  # related | duplicate-of | caused-by
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)

    class Meta:
        indexes = ((("source", "target"), True),)


class CaseMerge(BaseModel):
    """A merge of a duplicate into a primary, with what it moved and both rows as they were,
    so a supervisor can undo it exactly."""

    duplicate = peewee.ForeignKeyField(Case, backref="merges_from", on_delete="CASCADE")
    duplicate_id: peewee.IntegerField[int]  # the key behind ``duplicate``
    primary = peewee.ForeignKeyField(Case, backref="merges_into", on_delete="CASCADE")
    primary_id: peewee.IntegerField[int]  # the key behind ``primary``
    moved_json = peewee.TextField()  # {"case_event": [ids], "mail_message": [ids], ...}
    duplicate_before_json = peewee.TextField()
    primary_before_json = peewee.TextField()
    merged_at = UTCDateTimeField()
    merged_by = peewee.CharField(max_length=100)
    undone_at = UTCDateTimeField(null=True)
    undone_by = peewee.CharField(max_length=100, null=True)


def to_json(value: Any) -> str:
    """JSON for audit snapshots (dates and instants as ISO text)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        return str(obj)

    return json.dumps(value, default=default, sort_keys=True)


class SavedView(BaseModel):
    """A named query: personal to its owner or shared with the desk, optionally pinned as a
    queue tab (``wzdesk view ...``, the console's tabs)."""

    name = peewee.CharField(max_length=60)
    query = peewee.TextField()
    owner = peewee.CharField(max_length=100)  # the login that saved it
    shared = peewee.BooleanField(default=False)
    pinned = peewee.BooleanField(default=False)
    created_at = UTCDateTimeField()

    class Meta:
        indexes = ((("owner", "name"), True),)


class ApiToken(BaseModel):
    """A client's credential for the API (``wzdesk client token create``): only the SHA-256 of
    the secret is kept, so a copy of the database cannot call the API; ``prefix`` (the first
    characters of the secret) lets people tell tokens apart in lists and logs."""

    client = peewee.ForeignKeyField(Client, backref="api_tokens", on_delete="CASCADE")
    client_id: peewee.IntegerField[int]  # the key behind ``client``
    label = peewee.CharField(max_length=100, default="")
    prefix = peewee.CharField(max_length=20)
    secret_sha256 = peewee.CharField(max_length=64, unique=True)
    created_at = UTCDateTimeField()
    created_by = peewee.CharField(max_length=100)
    revoked_at = UTCDateTimeField(null=True)
    revoked_by = peewee.CharField(max_length=100, null=True)
    last_used_at = UTCDateTimeField(null=True)


class PortalCode(BaseModel):
    """A one-time sign-in code sent to a client admin for the portal: only its salted hash is
    kept, it expires, it is used once, and a few wrong tries kill it."""

    contact = peewee.ForeignKeyField(Contact, on_delete="CASCADE")
    contact_id: peewee.IntegerField[int]  # the key behind ``contact``
    email = peewee.CharField(max_length=254, index=True)  # lower-case, as it was asked for
    salt = peewee.CharField(max_length=32)
    code_hash = peewee.CharField(max_length=64)
    created_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    used_at = UTCDateTimeField(null=True)
    attempts = peewee.IntegerField(default=0)


class PortalSession(BaseModel):
    """A signed-in client admin in the portal: the cookie holds a random id, the row only its
    hash (a copy of the database signs nobody in)."""

    token_hash = peewee.CharField(max_length=64, unique=True)
    contact = peewee.ForeignKeyField(Contact, on_delete="CASCADE")
    contact_id: peewee.IntegerField[int]  # the key behind ``contact``
    csrf = peewee.CharField(max_length=64)  # the forms' token, bound to this session
    created_at = UTCDateTimeField()
    last_seen_at = UTCDateTimeField()
    expires_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(null=True)
    ip = peewee.CharField(max_length=64, default="")


class PortalAttempt(BaseModel):
    """One counted try (a code asked for an address or from an address, a code tried): the
    portal's throttles count these rows, so they hold across worker processes."""

    key = peewee.CharField(max_length=300)
    at = UTCDateTimeField()

    class Meta:
        indexes = ((("key", "at"), False),)


ALL_MODELS: list[type[BaseModel]] = [
    Setting,
    Holiday,
    PolicyVersion,
    PolicyTarget,
    AuditEntry,
    Client,
    Contact,
    ContactTraining,
    User,
    Case,
    CaseEvent,
    SlaPause,
    CaseSeen,
    CallLog,
    MailMessage,
    QuarantinedMail,
    Attachment,
    OutboundMail,
    ServiceRate,
    Quote,
    QuoteLine,
    TimeEntry,
    PrepaidPurchase,
    PrepaidTier,
    MessageTemplate,
    Macro,
    AlertRule,
    Notification,
    AlertClaim,
    PolicySubscriber,
    SavedView,
    CaseLink,
    CaseMerge,
    ApiToken,
    PortalCode,
    PortalSession,
    PortalAttempt,
]
