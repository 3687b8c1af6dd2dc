"""Schema versions and the migrations between them.

A release must upgrade an old database in place and never lose it, so:

* each migration is a function of its own, applied once, in order, in one transaction, and
  recorded in ``wzdesk_schema``;
* migrations describe tables with frozen snapshots (never the live models, which move on);
* a SQLite file is copied aside (``<file>.before-v<N>``) before an upgrade touches it;
* concurrent starters are serialised (``BEGIN IMMEDIATE`` on SQLite, an advisory lock on
  PostgreSQL), so two consoles opening a new database at once do not both migrate it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import peewee
from playhouse.migrate import PostgresqlMigrator, SchemaMigrator, SqliteMigrator, migrate

from wzdesk.core.billing import DEFAULT_RATES
from wzdesk.core.calendar import DEFAULT_WEEK, DEFAULT_ZONE
from wzdesk.core.case_sla import RESPONSE_RUNNING, paused_left
from wzdesk.core.errors import InvalidInput
from wzdesk.core.sla import DEFAULT_AT_RISK_RATIO, DEFAULT_TARGETS, Severity
from wzdesk.store import done_order
from wzdesk.store.calendar_rows import BEGINNING, built_policies
from wzdesk.store.fields import IsoDateField, UTCDateTimeField
from wzdesk.store.location import DatabaseTarget
from wzdesk.store.schema_version import SCHEMA_VERSION, stored_version
from wzdesk.store.stored_values import epoch_from_db

_ADVISORY_LOCK_KEY = 0x77_7A_64_6B  # "wzdk"

Migration = Callable[[peewee.Database], None]


def _snapshot(
    database: peewee.Database, name: str, fields: dict[str, peewee.Field], **meta: object
) -> type[peewee.Model]:
    """A throwaway model bound to ``database``: a frozen description of one table."""
    attrs: dict[str, object] = dict(fields)
    attrs["Meta"] = type("Meta", (), {"database": database, "table_name": name, **meta})
    return type(f"Snapshot_{name}", (peewee.Model,), attrs)


def _v1_calendar_policy_audit(database: peewee.Database) -> None:
    """Settings, holidays, versioned SLA policy (seeded with the policy's table), audit."""
    setting = _snapshot(
        database,
        "setting",
        {
            "key": peewee.CharField(primary_key=True, max_length=100),
            "value": peewee.TextField(),
        },
    )
    holiday = _snapshot(
        database,
        "holiday",
        {
            "day": IsoDateField(unique=True),
            "name": peewee.CharField(max_length=200, default=""),
            "source": peewee.CharField(max_length=50, default="manual"),
            "created_at": UTCDateTimeField(),
        },
    )
    policy = _snapshot(
        database,
        "policy_version",
        {
            "effective_from": UTCDateTimeField(index=True),
            "zone_name": peewee.CharField(max_length=64),
            "week_json": peewee.TextField(),
            "at_risk_ratio": peewee.FloatField(),
            "note": peewee.TextField(default=""),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100, default=""),
        },
    )
    target = _snapshot(
        database,
        "policy_target",
        {
            "policy": peewee.ForeignKeyField(policy, on_delete="CASCADE"),
            "severity": peewee.CharField(max_length=20),
            "response_seconds": peewee.IntegerField(),
            "resolution_seconds": peewee.IntegerField(),
            "around_the_clock": peewee.BooleanField(default=False),
        },
        indexes=((("policy", "severity"), True),),
    )
    audit = _snapshot(
        database,
        "audit_entry",
        {
            "at": UTCDateTimeField(index=True),
            "actor": peewee.CharField(max_length=100),
            "action": peewee.CharField(max_length=50),
            "entity": peewee.CharField(max_length=50),
            "entity_id": peewee.CharField(max_length=100),
            "before_json": peewee.TextField(null=True),
            "after_json": peewee.TextField(null=True),
        },
        indexes=((("entity", "entity_id"), False),),
    )
    database.create_tables([setting, holiday, policy, target, audit])
    seeded = policy.create(
        effective_from=BEGINNING,
        zone_name=DEFAULT_ZONE,
        week_json=json.dumps([list(map(list, day)) for day in DEFAULT_WEEK]),
        at_risk_ratio=DEFAULT_AT_RISK_RATIO,
        note="Shipped defaults from the client-support policy",
        created_at=datetime.now(UTC),
        created_by="wzdesk",
    )
    for severity, targets in DEFAULT_TARGETS.items():
        target.create(
            policy=seeded,
            severity=severity.value,
            response_seconds=targets.response_seconds,
            resolution_seconds=targets.resolution_seconds,
            around_the_clock=targets.around_the_clock,
        )


def _v2_cases(database: peewee.Database) -> None:
    """Clients, contacts, console users, cases with their timeline and SLA pauses."""
    client = _snapshot(
        database,
        "client",
        {
            "code": peewee.CharField(max_length=32, unique=True),
            "name": peewee.CharField(max_length=200),
            "active": peewee.BooleanField(default=True),
            "created_at": UTCDateTimeField(),
        },
    )
    contact = _snapshot(
        database,
        "contact",
        {
            "client": peewee.ForeignKeyField(client, on_delete="CASCADE"),
            "name": peewee.CharField(max_length=200),
            "email": peewee.CharField(max_length=254, null=True, index=True),
            "phone": peewee.CharField(max_length=40, null=True),
            "phone_digits": peewee.CharField(max_length=20, null=True, index=True),
            "is_admin": peewee.BooleanField(default=False),
            "admin_rank": peewee.CharField(max_length=10, null=True),
            "active": peewee.BooleanField(default=True),
            "created_at": UTCDateTimeField(),
        },
    )
    user = _snapshot(
        database,
        "user",
        {
            "login": peewee.CharField(max_length=100, unique=True),
            "name": peewee.CharField(max_length=200),
            "role": peewee.CharField(max_length=20),
            "active": peewee.BooleanField(default=True),
            "created_at": UTCDateTimeField(),
        },
    )
    policy = _snapshot(database, "policy_version", {})
    case = _snapshot(
        database,
        "case",
        {
            "ref": peewee.CharField(max_length=20, unique=True, null=True),
            "client": peewee.ForeignKeyField(client, on_delete="RESTRICT"),
            "contact": peewee.ForeignKeyField(contact, on_delete="RESTRICT"),
            "channel": peewee.CharField(max_length=10),
            "category": peewee.CharField(max_length=20),
            "severity": peewee.CharField(max_length=10),
            "status": peewee.CharField(max_length=20, index=True),
            "assignee": peewee.ForeignKeyField(user, null=True, on_delete="SET NULL"),
            "escalated_to": peewee.CharField(max_length=200, null=True),
            "escalation_reason": peewee.TextField(null=True),
            "classification": peewee.CharField(max_length=30, null=True),
            "summary": peewee.CharField(max_length=300),
            "description": peewee.TextField(default=""),
            "steps_to_reproduce": peewee.TextField(default=""),
            "affected_users": peewee.TextField(default=""),
            "tags": peewee.TextField(default=""),
            "policy": peewee.ForeignKeyField(policy, on_delete="RESTRICT"),
            "received_at": UTCDateTimeField(),
            "first_response_at": UTCDateTimeField(null=True),
            "resolved_at": UTCDateTimeField(null=True),
            "closed_at": UTCDateTimeField(null=True),
            "response_due": UTCDateTimeField(),
            "response_at_risk_at": UTCDateTimeField(),
            "resolution_due": UTCDateTimeField(),
            "resolution_at_risk_at": UTCDateTimeField(),
            "paused_since": UTCDateTimeField(null=True),
            "is_open": peewee.BooleanField(default=True),
            "version": peewee.IntegerField(default=1),
            "created_at": UTCDateTimeField(),
            "updated_at": UTCDateTimeField(),
        },
        indexes=(
            (("is_open", "response_due"), False),
            (("is_open", "resolution_due"), False),
            (("is_open", "assignee"), False),
            (("client", "is_open"), False),
        ),
    )
    event = _snapshot(
        database,
        "case_event",
        {
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "at": UTCDateTimeField(),
            "author": peewee.CharField(max_length=100),
            "kind": peewee.CharField(max_length=20),
            "public": peewee.BooleanField(default=False),
            "body": peewee.TextField(default=""),
            "duration_seconds": peewee.IntegerField(null=True),
            "data_json": peewee.TextField(null=True),
        },
        indexes=((("case", "at"), False),),
    )
    pause = _snapshot(
        database,
        "sla_pause",
        {
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "started_at": UTCDateTimeField(),
            "ended_at": UTCDateTimeField(null=True),
            "reason": peewee.CharField(max_length=20),
        },
    )
    database.create_tables([client, contact, user, case, event, pause])


def _v3_mail(database: peewee.Database) -> None:
    """The email channel: imported/sent messages, the quarantine, attachments, the outbox."""
    client = _snapshot(database, "client", {})
    case = _snapshot(database, "case", {})
    event = _snapshot(database, "case_event", {})
    message = _snapshot(
        database,
        "mail_message",
        {
            "message_key": peewee.CharField(max_length=255, unique=True),
            "message_id": peewee.TextField(null=True),
            "direction": peewee.CharField(max_length=3),
            "outcome": peewee.CharField(max_length=20),
            "case": peewee.ForeignKeyField(case, null=True, on_delete="SET NULL"),
            "from_address": peewee.CharField(max_length=254, null=True),
            "from_name": peewee.CharField(max_length=200, default=""),
            "subject": peewee.TextField(default=""),
            "in_reply_to": peewee.TextField(null=True),
            "references": peewee.TextField(default=""),
            "received_at": UTCDateTimeField(),
            "imported_at": UTCDateTimeField(),
            "size_bytes": peewee.BigIntegerField(default=0),
        },
    )
    quarantine = _snapshot(
        database,
        "quarantined_mail",
        {
            "message": peewee.ForeignKeyField(message, unique=True, on_delete="CASCADE"),
            "reason_code": peewee.CharField(max_length=30),
            "reason": peewee.TextField(),
            "raw_sha256": peewee.CharField(max_length=64),
            "raw_size": peewee.BigIntegerField(),
            "client": peewee.ForeignKeyField(client, null=True, on_delete="SET NULL"),
            "status": peewee.CharField(max_length=12, index=True),
            "held_at": UTCDateTimeField(),
            "handled_at": UTCDateTimeField(null=True),
            "handled_by": peewee.CharField(max_length=100, null=True),
            "note": peewee.TextField(default=""),
            "case": peewee.ForeignKeyField(case, null=True, on_delete="SET NULL"),
        },
    )
    attachment = _snapshot(
        database,
        "attachment",
        {
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "message": peewee.ForeignKeyField(message, null=True, on_delete="SET NULL"),
            "filename": peewee.CharField(max_length=255),
            "content_type": peewee.CharField(max_length=127),
            "size_bytes": peewee.BigIntegerField(),
            "sha256": peewee.CharField(max_length=64, index=True),
            "created_at": UTCDateTimeField(),
        },
    )
    outbound = _snapshot(
        database,
        "outbound_mail",
        {
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "event": peewee.ForeignKeyField(event, null=True, on_delete="SET NULL"),
            "message_id": peewee.TextField(),
            "sender": peewee.CharField(max_length=254),
            "recipients": peewee.TextField(),
            "subject": peewee.TextField(),
            "raw": peewee.TextField(),
            "status": peewee.CharField(max_length=12),
            "attempts": peewee.IntegerField(default=0),
            "next_attempt_at": UTCDateTimeField(),
            "claimed_at": UTCDateTimeField(null=True),
            "last_error": peewee.TextField(null=True),
            "transport": peewee.CharField(max_length=20, null=True),
            "created_at": UTCDateTimeField(),
            "sent_at": UTCDateTimeField(null=True),
        },
        indexes=((("status", "next_attempt_at"), False),),
    )
    database.create_tables([message, quarantine, attachment, outbound])


def _v4_case_updated_index(database: peewee.Database) -> None:
    """Index ``case.updated_at``: every console re-reads "cases changed since" every 3 s."""
    database.execute_sql('CREATE INDEX IF NOT EXISTS "case_updated_at" ON "case" ("updated_at")')


def _console_reading(database: peewee.Database) -> None:
    """What the console needs to read a desk at a glance: when the client last wrote on each
    case (a queue column and sort), which version of a case each user last opened (the
    "changed since you looked" marker), and calls that opened no case (a non-admin caller)."""
    migrate(_migrator(database).add_column("case", "client_wrote_at", UTCDateTimeField(null=True)))
    # Backfill: the newest client message, else when the case came in (the client wrote then).
    database.execute_sql(
        'UPDATE "case" SET client_wrote_at = COALESCE('
        '(SELECT MAX(e."at") FROM case_event e WHERE e.case_id = "case".id '
        "AND e.kind = 'client_message'), received_at)"
    )
    client = _snapshot(database, "client", {})
    contact = _snapshot(database, "contact", {})
    case = _snapshot(database, "case", {})
    seen = _snapshot(
        database,
        "case_seen",
        {
            "login": peewee.CharField(max_length=100),
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "version": peewee.IntegerField(),
            "seen_at": UTCDateTimeField(),
        },
        indexes=((("login", "case"), True),),
    )
    call = _snapshot(
        database,
        "call_log",
        {
            "client": peewee.ForeignKeyField(client, on_delete="CASCADE"),
            "contact": peewee.ForeignKeyField(contact, null=True, on_delete="SET NULL"),
            "caller": peewee.CharField(max_length=200),
            "at": UTCDateTimeField(index=True),
            "duration_seconds": peewee.IntegerField(),
            "notes": peewee.TextField(default=""),
            "author": peewee.CharField(max_length=100),
        },
    )
    database.create_tables([seen, call])


def _services_billing(database: peewee.Database) -> None:
    """Professional services: rates (seeded with the policy's rate card), quotes and their
    lines, time entries, prepaid purchases and volume-discount tiers (none shipped)."""
    client = _snapshot(database, "client", {})
    case = _snapshot(database, "case", {})
    rate = _snapshot(
        database,
        "service_rate",
        {
            "role": peewee.CharField(max_length=20),
            "day_rate_cents": peewee.BigIntegerField(),
            "hour_rate_cents": peewee.BigIntegerField(),
            "effective_from": IsoDateField(),
            "note": peewee.TextField(default=""),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100, default=""),
        },
        indexes=((("role", "effective_from"), False),),
    )
    quote = _snapshot(
        database,
        "quote",
        {
            "case": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "service_type": peewee.CharField(max_length=1, null=True),
            "scope": peewee.TextField(default=""),
            "status": peewee.CharField(max_length=12, index=True),
            "discount_bp": peewee.IntegerField(default=0),
            "rates_on": IsoDateField(),
            "prepaid": peewee.BooleanField(default=False),
            "origin": peewee.CharField(max_length=20, default="manual"),
            "origin_case": peewee.ForeignKeyField(
                case, null=True, on_delete="SET NULL", backref="handed_off"
            ),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
            "sent_at": UTCDateTimeField(null=True),
            "approved_at": UTCDateTimeField(null=True),
            "declined_at": UTCDateTimeField(null=True),
            "started_at": UTCDateTimeField(null=True),
            "done_at": UTCDateTimeField(null=True),
            "version": peewee.IntegerField(default=1),
            "updated_at": UTCDateTimeField(),
        },
    )
    line = _snapshot(
        database,
        "quote_line",
        {
            "quote": peewee.ForeignKeyField(quote, on_delete="CASCADE"),
            "position": peewee.IntegerField(),
            "role": peewee.CharField(max_length=20),
            "quantity_hundredths": peewee.BigIntegerField(),
            "unit": peewee.CharField(max_length=1),
            "day_rate_cents": peewee.BigIntegerField(),
            "hour_rate_cents": peewee.BigIntegerField(),
        },
    )
    entry = _snapshot(
        database,
        "time_entry",
        {
            "quote": peewee.ForeignKeyField(quote, on_delete="RESTRICT"),
            "author": peewee.CharField(max_length=100),
            "role": peewee.CharField(max_length=20),
            "work_date": IsoDateField(index=True),
            "hours_hundredths": peewee.BigIntegerField(),
            "hour_rate_cents": peewee.BigIntegerField(),
            "amount_cents": peewee.BigIntegerField(),
            "note": peewee.TextField(default=""),
            "prepaid": peewee.BooleanField(default=False),
            "overrun_allowed_by": peewee.CharField(max_length=100, null=True),
            "created_at": UTCDateTimeField(),
        },
    )
    purchase = _snapshot(
        database,
        "prepaid_purchase",
        {
            "client": peewee.ForeignKeyField(client, on_delete="RESTRICT"),
            "hours_hundredths": peewee.BigIntegerField(),
            "role": peewee.CharField(max_length=20),
            "hour_rate_cents": peewee.BigIntegerField(),
            "discount_bp": peewee.IntegerField(default=0),
            "list_cents": peewee.BigIntegerField(),
            "price_cents": peewee.BigIntegerField(),
            "bought_on": IsoDateField(index=True),
            "note": peewee.TextField(default=""),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
        },
    )
    tier = _snapshot(
        database,
        "prepaid_tier",
        {
            "min_hours_hundredths": peewee.BigIntegerField(unique=True),
            "discount_bp": peewee.IntegerField(),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
        },
    )
    database.create_tables([rate, quote, line, entry, purchase, tier])
    seeded_at = datetime.now(UTC)
    for role, card in DEFAULT_RATES.items():
        rate.create(
            role=role.value,
            day_rate_cents=card.day_cents,
            hour_rate_cents=card.hour_cents,
            effective_from=BEGINNING.date(),
            note="Shipped defaults from the client-support policy",
            created_at=seeded_at,
            created_by="wzdesk",
        )


def _history_received_index(database: peewee.Database) -> None:
    """Index ``case.received_at`` (with the id as tie-break): the console's history lists every
    case newest first, one page at a time; without it each page sorts 100,000 rows."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "case_received_at_id" ON "case" ("received_at", "id")'
    )


def _analyze_where_analyzed(database: peewee.Database, *indexes: str) -> None:
    """SQLite: statistics for new ``indexes`` where the planner has them for the others (a
    fresh file has none until the demo or a backup analyses it; then a new index without
    them looks more selective than it is)."""
    if database.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).fetchone():
        for index in indexes:
            database.execute_sql(f'ANALYZE "{index}"')


def _migrator(database: peewee.Database) -> SchemaMigrator:
    if isinstance(database, peewee.PostgresqlDatabase):
        return PostgresqlMigrator(database)
    return SqliteMigrator(database)


def _identity_and_audit_origin(database: peewee.Database) -> None:
    """Who may act: the OS login or PostgreSQL role a console user signs in as
    (``user.identity``, when it is not the login), and the identity behind every audit record
    (``audit_entry.authenticated_as``: the supervisor behind an impersonation, the login that
    imported a client's email)."""
    migrator = _migrator(database)
    migrate(
        migrator.add_column("user", "identity", peewee.CharField(max_length=100, null=True)),
        migrator.add_index("user", ("identity",), True),
        migrator.add_column(
            "audit_entry", "authenticated_as", peewee.CharField(max_length=100, null=True)
        ),
    )


def _mail_content_and_importer(database: peewee.Database) -> None:
    """A message's content hash (a reused Message-ID with other content is not a duplicate)
    and who imported it."""
    migrator = _migrator(database)
    migrate(
        migrator.add_column(
            "mail_message", "content_sha256", peewee.CharField(max_length=64, null=True)
        ),
        migrator.add_column(
            "mail_message", "imported_by", peewee.CharField(max_length=100, null=True)
        ),
    )


#: The alert rules a new desk starts with (issue 11): at risk to the owner, breaches and
#: unassigned critical cases to the supervisors.
DEFAULT_ALERT_RULES = (
    ("at_risk", "", "assignee", None),
    ("breached", "", "supervisors", None),
    ("unassigned", "critical", "supervisors", 30),
)


def _reaching_people(database: peewee.Database) -> None:
    """Every message reaches people: outgoing mail of any kind (a case is optional), message
    templates, canned replies, alert rules (seeded), once-only notifications, policy-update
    subscribers, and console users' email address and signature."""
    migrator = _migrator(database)
    migrate(
        migrator.add_column("user", "email", peewee.CharField(max_length=254, null=True)),
        migrator.add_column("user", "signature", peewee.TextField(default="")),
        migrator.add_column(
            "outbound_mail", "kind", peewee.CharField(max_length=30, default="reply")
        ),
        migrator.add_column(
            "outbound_mail", "audience", peewee.CharField(max_length=12, default="client")
        ),
        migrator.drop_not_null("outbound_mail", "case_id"),
    )
    case = _snapshot(database, "case", {})
    contact = _snapshot(database, "contact", {})
    template = _snapshot(
        database,
        "message_template",
        {
            "name": peewee.CharField(max_length=50, unique=True),
            "subject": peewee.TextField(),
            "body": peewee.TextField(),
            "updated_at": UTCDateTimeField(),
            "updated_by": peewee.CharField(max_length=100),
        },
    )
    macro = _snapshot(
        database,
        "macro",
        {
            "name": peewee.CharField(max_length=60, unique=True),
            "body": peewee.TextField(),
            "created_by": peewee.CharField(max_length=100),
            "updated_at": UTCDateTimeField(),
            "updated_by": peewee.CharField(max_length=100),
        },
    )
    rule = _snapshot(
        database,
        "alert_rule",
        {
            "event": peewee.CharField(max_length=20),
            "severities": peewee.CharField(max_length=100, default=""),
            "recipients": peewee.CharField(max_length=500),
            "minutes": peewee.IntegerField(null=True),
            "active": peewee.BooleanField(default=True),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
        },
    )
    notification = _snapshot(
        database,
        "notification",
        {
            "key": peewee.CharField(max_length=255, unique=True),
            "kind": peewee.CharField(max_length=30),
            "case": peewee.ForeignKeyField(case, null=True, on_delete="CASCADE"),
            "rule_id": peewee.IntegerField(null=True),
            "recipients": peewee.TextField(default=""),
            "summary": peewee.TextField(default=""),
            "created_at": UTCDateTimeField(index=True),
            "created_by": peewee.CharField(max_length=100),
        },
    )
    subscriber = _snapshot(
        database,
        "policy_subscriber",
        {
            "email": peewee.CharField(max_length=254, unique=True),
            "contact": peewee.ForeignKeyField(contact, null=True, on_delete="SET NULL"),
            "subscribed_at": UTCDateTimeField(),
            "unsubscribed_at": UTCDateTimeField(null=True),
            "updated_by": peewee.CharField(max_length=100),
        },
    )
    database.create_tables([template, macro, rule, notification, subscriber])
    for event, severities, recipients, minutes in DEFAULT_ALERT_RULES:
        rule.create(
            event=event,
            severities=severities,
            recipients=recipients,
            minutes=minutes,
            active=True,
            created_at=datetime.now(UTC),
            created_by="wzdesk",
        )


#: SQLite: the FTS5 table, its triggers and the backfill (frozen: later changes add a migration).
_FULLTEXT_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_text USING fts5("
    "case_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')",
    'CREATE TRIGGER IF NOT EXISTS case_text_case_insert AFTER INSERT ON "case" BEGIN '
    "INSERT INTO case_text (rowid, case_id, body) VALUES (-new.id, new.id, "
    "new.summary || ' ' || new.description || ' ' || new.steps_to_reproduce); END",
    "CREATE TRIGGER IF NOT EXISTS case_text_case_update "
    'AFTER UPDATE OF summary, description, steps_to_reproduce ON "case" BEGIN '
    "DELETE FROM case_text WHERE rowid = -old.id; "
    "INSERT INTO case_text (rowid, case_id, body) VALUES (-new.id, new.id, "
    "new.summary || ' ' || new.description || ' ' || new.steps_to_reproduce); END",
    'CREATE TRIGGER IF NOT EXISTS case_text_case_delete AFTER DELETE ON "case" BEGIN '
    "DELETE FROM case_text WHERE rowid = -old.id; END",
    "CREATE TRIGGER IF NOT EXISTS case_text_event_insert AFTER INSERT ON case_event "
    "WHEN new.body <> '' BEGIN "
    "INSERT INTO case_text (rowid, case_id, body) VALUES (new.id, new.case_id, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS case_text_event_update AFTER UPDATE OF body ON case_event "
    "BEGIN DELETE FROM case_text WHERE rowid = old.id; "
    "INSERT INTO case_text (rowid, case_id, body) SELECT new.id, new.case_id, new.body "
    "WHERE new.body <> ''; END",
    "CREATE TRIGGER IF NOT EXISTS case_text_event_delete AFTER DELETE ON case_event BEGIN "
    "DELETE FROM case_text WHERE rowid = old.id; END",
    "INSERT INTO case_text (rowid, case_id, body) SELECT -id, id, "
    "summary || ' ' || description || ' ' || steps_to_reproduce FROM \"case\"",
    "INSERT INTO case_text (rowid, case_id, body) SELECT id, case_id, body FROM case_event "
    "WHERE body <> ''",
)

#: PostgreSQL: GIN indexes on the ``tsvector`` expressions (no new column; the index is built
#: over existing rows here and kept by PostgreSQL). ``store/fulltext.py`` queries the very same
#: expressions, so the planner uses them.
_FULLTEXT_POSTGRES = (
    'CREATE INDEX IF NOT EXISTS case_search_text ON "case" USING GIN ('
    "to_tsvector('simple', coalesce(summary, '') || ' ' || coalesce(description, '') || ' ' "
    "|| coalesce(steps_to_reproduce, '')))",
    "CREATE INDEX IF NOT EXISTS case_event_search_text ON case_event USING GIN ("
    "to_tsvector('simple', coalesce(body, '')))",
)


def _full_text(database: peewee.Database) -> None:
    """Full text over summary, description, steps and the timeline (``store/fulltext.py``):
    an FTS5 table kept by triggers on SQLite, GIN indexes on ``tsvector`` expressions on
    PostgreSQL; existing cases are indexed here."""
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    for statement in _FULLTEXT_POSTGRES if postgres else _FULLTEXT_SQLITE:
        database.execute_sql(statement)


def _saved_views(database: peewee.Database) -> None:
    """Saved views: a named query, personal or shared, optionally pinned as a queue tab."""
    view = _snapshot(
        database,
        "saved_view",
        {
            "name": peewee.CharField(max_length=60),
            "query": peewee.TextField(),
            "owner": peewee.CharField(max_length=100),
            "shared": peewee.BooleanField(default=False),
            "pinned": peewee.BooleanField(default=False),
            "created_at": UTCDateTimeField(),
        },
        indexes=((("owner", "name"), True),),
    )
    database.create_tables([view])


def _holiday_hours(database: peewee.Database) -> None:
    """Calendar exceptions: a holiday may keep some hours (``holiday.hours_json``, a list of
    ``[start, end]`` seconds since local midnight, e.g. Christmas Eve 08:00-12:00); NULL, as
    every holiday so far, closes the whole day."""
    migrator = _migrator(database)
    migrate(migrator.add_column("holiday", "hours_json", peewee.TextField(null=True)))


def _target_days(database: peewee.Database) -> None:
    """Business-day targets counted in open days (``policy_target.response_days`` and
    ``resolution_days``: due the same time of day N open days later); NULL, as every target so
    far, counts business seconds."""
    migrator = _migrator(database)
    migrate(
        migrator.add_column("policy_target", "response_days", peewee.IntegerField(null=True)),
        migrator.add_column("policy_target", "resolution_days", peewee.IntegerField(null=True)),
    )


def _clients_contacts_links(database: peewee.Database) -> None:
    """Client and contact upkeep: admins' training, cases flagged for a new contact, links
    between cases, and merges (undoable)."""
    migrator = _migrator(database)
    case = _snapshot(database, "case", {})
    contact = _snapshot(database, "contact", {})
    if isinstance(database, peewee.PostgresqlDatabase):
        migrate(
            migrator.add_column("case", "needs_contact", peewee.BooleanField(default=False)),
            migrator.add_column(
                "case",
                "merged_into_id",
                peewee.ForeignKeyField(
                    case,
                    field=case._meta.primary_key,  # type: ignore[call-overload]
                    null=True,
                    on_delete="SET NULL",
                ),
            ),
        )
    else:
        # Plain ALTER TABLE: Peewee's SQLite migrator rebuilds a table for a NOT NULL column,
        # and dropping "case" while timeline rows reference it fails the foreign keys (and a
        # rebuilt table loses its full-text triggers). SQLite accepts both columns in place.
        database.execute_sql(
            'ALTER TABLE "case" ADD COLUMN "needs_contact" INTEGER NOT NULL DEFAULT 0'
        )
        database.execute_sql(
            'ALTER TABLE "case" ADD COLUMN "merged_into_id" INTEGER '
            'REFERENCES "case" ("id") ON DELETE SET NULL'
        )
        database.execute_sql(
            'CREATE INDEX IF NOT EXISTS "case_merged_into_id" ON "case" ("merged_into_id")'
        )
    training = _snapshot(
        database,
        "contact_training",
        {
            "contact": peewee.ForeignKeyField(contact, on_delete="CASCADE"),
            "trained_on": IsoDateField(),
            "trained_by": peewee.CharField(max_length=200),
            "topic": peewee.TextField(default=""),
            "recorded_at": UTCDateTimeField(),
            "recorded_by": peewee.CharField(max_length=100),
        },
    )
    link = _snapshot(
        database,
        "case_link",
        {
            "source": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "target": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "kind": peewee.CharField(max_length=20),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
        },
        indexes=((("source", "target"), True),),
    )
    merge = _snapshot(
        database,
        "case_merge",
        {
            "duplicate": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "primary": peewee.ForeignKeyField(case, on_delete="CASCADE"),
            "moved_json": peewee.TextField(),
            "duplicate_before_json": peewee.TextField(),
            "primary_before_json": peewee.TextField(),
            "merged_at": UTCDateTimeField(),
            "merged_by": peewee.CharField(max_length=100),
            "undone_at": UTCDateTimeField(null=True),
            "undone_by": peewee.CharField(max_length=100, null=True),
        },
    )
    database.create_tables([training, link, merge])


def _queue_order_index(database: peewee.Database) -> None:
    """Index the open cases by the instant their next target falls due (the response target
    until the first response, when it comes first; then resolution): the order of the
    console's first screen (``QueueSnapshot.load_top``). Without it that query scanned every
    case and sorted them to return forty rows. Partial (open cases only) and on the very
    expression the query orders by, which both SQLite and PostgreSQL match structurally."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "case_open_next_due" ON "case" ((CASE WHEN '
        "((first_response_at IS NULL) AND (response_due < resolution_due)) "
        "THEN response_due ELSE resolution_due END)) WHERE is_open"
    )


def _client_api(database: peewee.Database) -> None:
    """The client API's credentials (per-client tokens, kept as SHA-256 digests), and one
    client's cases in urgency order from an index (the API's case list: without it, the
    list walks every client's open cases to find one client's first page)."""
    for due in ("response_due", "resolution_due"):
        database.execute_sql(
            f'CREATE INDEX IF NOT EXISTS "case_client_id_is_open_{due}" '
            f'ON "case" ("client_id", "is_open", "{due}")'
        )
    client = _snapshot(database, "client", {})
    token = _snapshot(
        database,
        "api_token",
        {
            "client": peewee.ForeignKeyField(client, on_delete="CASCADE"),
            "label": peewee.CharField(max_length=100, default=""),
            "prefix": peewee.CharField(max_length=20),
            "secret_sha256": peewee.CharField(max_length=64, unique=True),
            "created_at": UTCDateTimeField(),
            "created_by": peewee.CharField(max_length=100),
            "revoked_at": UTCDateTimeField(null=True),
            "revoked_by": peewee.CharField(max_length=100, null=True),
            "last_used_at": UTCDateTimeField(null=True),
        },
    )
    database.create_tables([token])


def _portal_sign_in(database: peewee.Database) -> None:
    """The client portal's sign-in: one-time codes (hashed), sessions (hashed ids, a CSRF token
    each) and the counted tries its throttles read."""
    contact = _snapshot(database, "contact", {})
    code = _snapshot(
        database,
        "portal_code",
        {
            "contact": peewee.ForeignKeyField(contact, on_delete="CASCADE"),
            "email": peewee.CharField(max_length=254, index=True),
            "salt": peewee.CharField(max_length=32),
            "code_hash": peewee.CharField(max_length=64),
            "created_at": UTCDateTimeField(),
            "expires_at": UTCDateTimeField(),
            "used_at": UTCDateTimeField(null=True),
            "attempts": peewee.IntegerField(default=0),
        },
    )
    session = _snapshot(
        database,
        "portal_session",
        {
            "token_hash": peewee.CharField(max_length=64, unique=True),
            "contact": peewee.ForeignKeyField(contact, on_delete="CASCADE"),
            "csrf": peewee.CharField(max_length=64),
            "created_at": UTCDateTimeField(),
            "last_seen_at": UTCDateTimeField(),
            "expires_at": UTCDateTimeField(),
            "ended_at": UTCDateTimeField(null=True),
            "ip": peewee.CharField(max_length=64, default=""),
        },
    )
    attempt = _snapshot(
        database,
        "portal_attempt",
        {"key": peewee.CharField(max_length=300), "at": UTCDateTimeField()},
        indexes=((("key", "at"), False),),
    )
    database.create_tables([code, session, attempt])


def _report_indexes(database: peewee.Database) -> None:
    """Index what the period reports count at many instants: the resolution pauses by reason
    and by when they started and ended (the backlog counts the cases resolved at each day's
    end: without them a scan of every pause per day, 84 days took 21 s at a million cases),
    and the timeline by kind and instant (a report looks for severity changes after its
    instant: a scan of every event, twice for the console's insights)."""
    for table, name, columns in (
        ("sla_pause", "sla_pause_reason_started_at", '"reason", "started_at"'),
        ("sla_pause", "sla_pause_reason_ended_at", '"reason", "ended_at"'),
        ("case_event", "case_event_kind_at", '"kind", "at"'),
    ):
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


#: The search's two streams of open cases, most urgent first (``urgency.first_in_order``):
#: the running ones by next due instant (on an expression written apart from
#: ``case_open_next_due``'s, ``queries.running_next_due``), and the paused ones by frozen time
#: left; an open case has a time left exactly when it is paused (``core.case_sla.paused_left``),
#: so the two split the open cases by that column. Each index carries the columns filters
#: test most (the pause, status, severity, assignee, client), which SQLite judges on the index
#: before it reads a row: a walk for ``--severity major`` passed 7 ms of other severities' rows
#: at a million cases, one for ``status:waiting_client`` over the running cases 160 ms (0.3 ms
#: and 5 ms on these); the client came with schema 31 (:func:`_stream_client_column`). SQLite
#: and PostgreSQL match partial indexes and expressions structurally: the queries repeat these
#: conditions and this expression word for word.
RUNNING_NEXT_DUE_INDEX = (
    'CREATE INDEX IF NOT EXISTS "case_running_next_due" ON "case" ((CASE WHEN '
    "((response_due < resolution_due) AND (first_response_at IS NULL)) "
    'THEN response_due ELSE resolution_due END), "paused_since", "status", "severity", '
    '"assignee_id", "client_id") WHERE is_open AND (paused_left IS NULL)'
)
PAUSED_LEFT_INDEX = (
    'CREATE INDEX IF NOT EXISTS "case_paused_left" ON "case" '
    '("paused_left", "paused_since", "status", "severity", "assignee_id", "client_id"){include} '
    "WHERE (paused_left IS NOT NULL)"
)
#: Only open cases have a time left, so the condition does not repeat ``is_open``: PostgreSQL
#: multiplied the two columns' shares and expected 2,000 paused cases where 20,435 were,
#: then sorted them all rather than walk the index. It judges a filter on the index only in
#: an index-only scan, which needs the id
#: too: ``-status:waiting_client`` read all 20,435 paused rows at a million cases to find
#: none (55 ms; 3 ms index-only). SQLite keeps the row id in every index already.
PAUSED_LEFT_INCLUDE = ' INCLUDE ("id")'


def _paused_order(database: peewee.Database) -> None:
    """A paused case's frozen time left (``case.paused_left``, business seconds; see
    :func:`wzdesk.core.case_sla.paused_left`), filled in for the cases paused now, and an
    index for each of the search's two streams. Without them ``case list --at-risk`` sorted
    every at-risk case at a million cases: the paused ones' stale due instants came first in
    SQL's order."""
    migrator = _migrator(database)
    migrate(migrator.add_column("case", "paused_left", peewee.DoubleField(null=True)))
    paused = database.execute_sql(
        "SELECT id, policy_id, severity, first_response_at, paused_since, resolution_due "
        'FROM "case" WHERE is_open AND (paused_since IS NOT NULL)'
    ).fetchall()
    try:
        built = built_policies(lambda sql: database.execute_sql(sql).fetchall()) if paused else []
    except (ValueError, KeyError, TypeError):  # a policy row this wzdesk cannot read
        built = []
    policies = {version_id: policy for _, version_id, policy in built}
    marker = "%s" if isinstance(database, peewee.PostgresqlDatabase) else "?"
    severities = {severity.value: severity for severity in Severity}
    for case_id, policy_id, severity, answered, since, due in paused:
        left: float | None = RESPONSE_RUNNING  # read first and ranked exactly, if unreadable
        policy = policies.get(int(policy_id))
        if policy is not None and severity in severities:
            calendar = policy.calendar_for(severities[severity])
            left = paused_left(  # waits begun once breached: migration 32 adds them
                calendar, True, answered is not None, epoch_from_db(since), epoch_from_db(due), 0.0
            )
        database.execute_sql(
            f'UPDATE "case" SET paused_left = {marker} WHERE id = {marker}', (left, case_id)
        )
    database.execute_sql(RUNNING_NEXT_DUE_INDEX)
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    database.execute_sql(PAUSED_LEFT_INDEX.format(include=PAUSED_LEFT_INCLUDE if postgres else ""))
    # Statistics for the new indexes where the planner has them for the others: without,
    # SQLite judged is:paused cheaper through the (is_open, assignee) index and a sort (147 ms
    # at a million cases, against 4 ms on the new index). Tens of milliseconds at that size.
    if isinstance(database, peewee.PostgresqlDatabase):
        database.execute_sql('ANALYZE "case"')
    else:
        _analyze_where_analyzed(database, "case_running_next_due", "case_paused_left")


#: The outbox's messages still to go (``mail outbox list``): a partial index, since they are
#: a handful among every message the desk ever sent, and SQLite's statistics cannot say so
#: (two statuses, half the rows each, as far as ``sqlite_stat1`` knows): with only the
#: (status, next attempt) index it read the whole outbox in id order to list 200 pending
#: messages, 0.45 s at a million sent. The queries repeat the condition word for word, with
#: the statuses written out (``quick_mail.status_in``): SQLite matches a partial index only
#: against literal values, never bound parameters.
UNSENT_OUTBOX_INDEX = (
    'CREATE INDEX IF NOT EXISTS "outbound_mail_unsent" ON "outbound_mail" ("id") '
    "WHERE status IN ('pending', 'sending', 'failed')"
)


def _outbox_unsent_index(database: peewee.Database) -> None:
    """:data:`UNSENT_OUTBOX_INDEX`, with its statistics where the planner has them for the
    others (a fresh SQLite file has none until the demo or a backup analyses it)."""
    database.execute_sql(UNSENT_OUTBOX_INDEX)
    if isinstance(database, peewee.PostgresqlDatabase):
        return  # its statistics of the status column already tell the planner
    _analyze_where_analyzed(database, "outbound_mail_unsent")


def _mail_history_indexes(database: peewee.Database) -> None:
    """Index what reads the mail's history by something other than its case: a contact's
    latest messages (the contact view: every message the desk sent and received was read
    and sorted, 259–395 ms for the busiest contact of a million messages on SQLite), and
    the quarantine newest first (``mail quarantine list --all``: every message ever held,
    sorted for a page)."""
    for table, name, columns in (
        ("mail_message", "mail_message_from_address_received_at", '"from_address", "received_at"'),
        ("quarantined_mail", "quarantined_mail_held_at_id", '"held_at", "id"'),
    ):
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


def _audit_actor_index(database: peewee.Database) -> None:
    """Index the audit trail by who acted, then when: ``audit --user LOGIN`` walked the
    instants' index newest first and read every later entry of everyone else on the way
    (the whole trail for a login gone quiet: someone who left, a client's address)."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "audit_entry_actor_at_id" '
        'ON "audit_entry" ("actor", "at", "id")'
    )


#: SQLite: the trigram table the history's search looks texts up in (``store/substring.py``):
#: an FTS5 table over the references and summaries, its content read from the case table,
#: kept by triggers (frozen: later changes add a migration). Peewee's ``save`` writes every
#: column, so an update re-indexes only when the reference or the summary did change: without
#: the ``WHEN``, every status change and assignment would (what migration 25 stops the
#: full-text trigger doing: about 30 µs a save).
_TRIGRAMS_SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_trigram USING fts5("
    "ref, summary, content = 'case', content_rowid = 'id', tokenize = 'trigram')",
    'CREATE TRIGGER IF NOT EXISTS case_trigram_insert AFTER INSERT ON "case" BEGIN '
    "INSERT INTO case_trigram (rowid, ref, summary) VALUES (new.id, new.ref, new.summary); END",
    'CREATE TRIGGER IF NOT EXISTS case_trigram_update AFTER UPDATE OF ref, summary ON "case" '
    "WHEN old.ref IS NOT new.ref OR old.summary IS NOT new.summary "
    "BEGIN INSERT INTO case_trigram (case_trigram, rowid, ref, summary) "
    "VALUES ('delete', old.id, old.ref, old.summary); "
    "INSERT INTO case_trigram (rowid, ref, summary) VALUES (new.id, new.ref, new.summary); END",
    'CREATE TRIGGER IF NOT EXISTS case_trigram_delete AFTER DELETE ON "case" BEGIN '
    "INSERT INTO case_trigram (case_trigram, rowid, ref, summary) "
    "VALUES ('delete', old.id, old.ref, old.summary); END",
    "INSERT INTO case_trigram (case_trigram) VALUES ('rebuild')",
)
_TRIGRAM_EXTENSION = "CREATE EXTENSION IF NOT EXISTS pg_trgm"
#: PostgreSQL: a GIN index of ``pg_trgm``'s trigrams over the same two columns, which the
#: planner uses for ``ILIKE '%text%'`` by itself.
_TRIGRAMS_POSTGRES = (
    'CREATE INDEX IF NOT EXISTS "case_ref_summary_trigram" ON "case" '
    "USING GIN (ref gin_trgm_ops, summary gin_trgm_ops)"
)


def _history_trigrams(database: peewee.Database) -> None:
    """Index the references' and summaries' trigrams for the history's search, which matches
    any part of them: without an index it read every case to count the matches (0.5–0.8 s at
    a million cases on SQLite, 0.8–1.4 s on PostgreSQL, at each search)."""
    index_history_trigrams(database)


def index_history_trigrams(database: peewee.Database) -> None:
    """Build the history's trigram index if it is missing (migration 24, and after a restore
    on PostgreSQL, which leaves it out: ``dumps.restorable``).

    Where the database cannot (a SQLite library older than 3.34 has no trigram tokenizer; a
    PostgreSQL server without the ``pg_trgm`` extension, or a role that may not create it),
    it is left out and the search reads every case, as before."""
    if isinstance(database, peewee.PostgresqlDatabase):
        try:
            with database.atomic():  # a savepoint: a refusal must not end the upgrade
                database.execute_sql(_TRIGRAM_EXTENSION)
        except peewee.DatabaseError:
            return
        database.execute_sql(_TRIGRAMS_POSTGRES)
        return
    try:
        database.execute_sql(_TRIGRAMS_SQLITE[0])
    except peewee.OperationalError:  # "no such tokenizer: trigram"
        return
    for statement in _TRIGRAMS_SQLITE[1:]:
        database.execute_sql(statement)


#: SQLite: the full-text trigger on a case's texts (migration 11's), re-made to fire only when
#: a text changed (frozen).
_FULLTEXT_ON_CHANGE_SQLITE = (
    "DROP TRIGGER IF EXISTS case_text_case_update",
    "CREATE TRIGGER case_text_case_update "
    'AFTER UPDATE OF summary, description, steps_to_reproduce ON "case" '
    "WHEN old.summary IS NOT new.summary OR old.description IS NOT new.description "
    "OR old.steps_to_reproduce IS NOT new.steps_to_reproduce BEGIN "
    "DELETE FROM case_text WHERE rowid = -old.id; "
    "INSERT INTO case_text (rowid, case_id, body) VALUES (-new.id, new.id, "
    "new.summary || ' ' || new.description || ' ' || new.steps_to_reproduce); END",
)


def _full_text_on_change(database: peewee.Database) -> None:
    """Re-index a case's texts (SQLite's FTS5 table) only when one of them changed. Peewee's
    ``save`` writes every column, so each status change, assignment and reply re-indexed the
    summary, description and steps: about 30 µs a save (20,000 saves: 0.71–0.74 s, 0.08–0.12 s
    without). PostgreSQL's GIN index is on an expression and kept by the server."""
    if isinstance(database, peewee.PostgresqlDatabase):
        return
    for statement in _FULLTEXT_ON_CHANGE_SQLITE:
        database.execute_sql(statement)


def _history_status_index(database: peewee.Database) -> None:
    """Index the cases by status, then newest first: the history's resolved and closed lists
    walked the received-at index past every newer case of another status to fill a page (at a
    million cases 157 ms for the first page of the closed ones, which are the oldest; 0.6 ms
    along this index). Statistics too, where the planner has them for the others."""
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "case_status_received_at_id" '
        'ON "case" ("status", "received_at", "id")'
    )
    if not isinstance(database, peewee.PostgresqlDatabase):
        _analyze_where_analyzed(database, "case_status_received_at_id")


def _done_order_index(database: peewee.Database) -> None:
    """Index the done cases in the search's order (:mod:`wzdesk.store.done_order`): a list of
    resolved or closed cases, most urgent first, sorted every match for its first page (at a
    million cases ``case list --status closed`` 2.0 s on SQLite, 0.3 s on PostgreSQL).
    Statistics too, where the planner has them for the others."""
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    for statement in done_order.index_statements(postgres):
        database.execute_sql(statement)
    if not postgres:
        _analyze_where_analyzed(database, done_order.TIMED_INDEX, done_order.MET_INDEX)


#: The index a view's count reads instead of the cases' rows: open or not, status, assignee and
#: severity first (the seeks of ``status:open assignee:me``, and SQLite's skip-scan to a
#: severity), then what the SLA terms test (``due:`` asks the running timers: the resolved
#: instant, and the policy when its horizons differ by policy). A count of ``sev:major
#: -is:paused`` read every case's row (0.34 s warm, 5.7 s cold at a million cases on SQLite);
#: along this index 33–42 ms.
VIEW_COUNT_INDEX = "case_view_count"
VIEW_COUNT_COLUMNS = (
    "is_open",
    "status",
    "assignee_id",
    "severity",
    "paused_since",
    "paused_left",
    "first_response_at",
    "response_due",
    "resolution_due",
    "response_at_risk_at",
    "resolution_at_risk_at",
    "resolved_at",
    "policy_id",
)


def _view_count_index(database: peewee.Database) -> None:
    """Index what saved views test (:data:`VIEW_COUNT_COLUMNS`): ``view list`` counts each
    view's matches, and the console counts its pinned views on the clock at every re-read;
    both read each match's row to test a few of its columns. Statistics too, where the
    planner has them for the others."""
    columns = ", ".join(f'"{column}"' for column in VIEW_COUNT_COLUMNS)
    database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{VIEW_COUNT_INDEX}" ON "case" ({columns})')
    if not isinstance(database, peewee.PostgresqlDatabase):
        _analyze_where_analyzed(database, VIEW_COUNT_INDEX)


def _pause_instant_indexes(database: peewee.Database) -> None:
    """Index the pauses by when they started and when they ended, whatever their reason: a
    report asks which cases have a pause starting or ending after its instant (usually none),
    and the (reason, instant) indexes cannot answer that without the reason, so both backends
    read every pause (90–127 ms of a week's SLA report at a million cases, 920,124 pauses).
    Statistics too, where the planner has them for the others."""
    for name, column in (
        ("sla_pause_started_at", "started_at"),
        ("sla_pause_ended_at", "ended_at"),
    ):
        database.execute_sql(f'CREATE INDEX IF NOT EXISTS "{name}" ON "sla_pause" ("{column}")')
    if not isinstance(database, peewee.PostgresqlDatabase):
        _analyze_where_analyzed(database, "sla_pause_started_at", "sla_pause_ended_at")


#: The notification kinds of alerts to the support team (frozen: ``sent_fields.ALERT_KINDS``).
_ALERT_KINDS = ("alert_at_risk", "alert_breach", "alert_unassigned")


def _alert_claims_per_person(database: peewee.Database) -> None:
    """Alerts claimed per person and event, not per rule: two rules matching one crossing
    (``severity critical`` and ``all cases``, both to the supervisors) each claimed an alert
    of their own, and so alerted the same people twice. ``alert_claim`` holds one key per
    person alerted of an event (:class:`wzdesk.store.models.AlertClaim`), and
    ``notification.rules`` every rule an alert was sent for.

    The alerts already sent are claimed here for the people they went to, so that an upgrade
    does not send them again; the records themselves stay as they were (one per rule)."""
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    migrator = _migrator(database)
    # Safe to run again (a test re-runs the migrations from an earlier one): the column, the
    # table and the claims are each made only when missing.
    if "rules" not in {column.name for column in database.get_columns("notification")}:
        migrate(migrator.add_column("notification", "rules", peewee.TextField(default="")))
    database.execute_sql(
        "UPDATE notification SET rules = CAST(rule_id AS TEXT) "
        "WHERE rule_id IS NOT NULL AND rules = ''"
    )
    case = _snapshot(database, "case", {})
    claim = _snapshot(
        database,
        "alert_claim",
        {
            "key": peewee.CharField(max_length=255, unique=True),
            "case": peewee.ForeignKeyField(case, null=True, on_delete="CASCADE"),
        },
    )
    database.create_tables([claim])
    marker = "%s" if postgres else "?"
    minutes = {
        int(rule_id): rule_minutes
        for rule_id, rule_minutes in database.execute_sql(
            "SELECT id, minutes FROM alert_rule WHERE minutes IS NOT NULL"
        ).fetchall()
    }
    sent = database.execute_sql(
        "SELECT key, case_id, recipients FROM notification "
        f"WHERE kind IN ({', '.join(marker for _ in _ALERT_KINDS)})",
        _ALERT_KINDS,
    ).fetchall()
    for key, case_id, recipients in sent:
        event = _alert_event_of(str(key), minutes)
        if event is None or case_id is None:
            continue
        # The event itself (the key notify checks), then each person alerted of it.
        claim.insert(key=event[:255], case=case_id).on_conflict_ignore().execute()
        for login in _logins_alerted(str(recipients or "")):
            suffix = f"to:{login}" if login else "none"
            claim.insert(key=f"{event}:{suffix}"[:255], case=case_id).on_conflict_ignore().execute()


def _alert_event_of(key: str, minutes: dict[int, int]) -> str | None:
    """The event an alert keyed per rule was about, as ``AlertClaim`` keys it: from
    ``alert:<rule>:<case>:<timer>:<event>:<due>`` or ``alert:<rule>:<case>:unassigned`` (the
    rule's minutes, when it is still there); None for anything else."""
    parts = key.split(":")
    if parts[0] != "alert" or not all(part.isdigit() for part in parts[1:3]):
        return None
    rule, case = int(parts[1]), int(parts[2])
    if len(parts) == 6 and parts[3] in ("response", "resolution"):
        if parts[4] in ("at_risk", "breached") and parts[5].lstrip("-").isdigit():
            return f"alert:{case}:{parts[3]}:{parts[4]}:{parts[5]}"
    if len(parts) == 4 and parts[3] == "unassigned" and rule in minutes:
        return f"alert:{case}:unassigned:{minutes[rule]}"
    return None


def _logins_alerted(recipients: str) -> list[str]:
    """The logins in an alert's ``recipients`` (``kim <kim@x.example>, pat (no email on
    file)``); one empty login for ``nobody (no console user matches the rule)``."""
    if not recipients.strip() or recipients == "nobody (no console user matches the rule)":
        return [""]
    return [part.split(" ")[0] for part in recipients.split(", ") if part.strip()]


def _stream_client_column(database: peewee.Database) -> None:
    """The client in both stream indexes (:data:`RUNNING_NEXT_DUE_INDEX`,
    :data:`PAUSED_LEFT_INDEX`). ``client:ATL`` (a client view, one client among twenty) walked
    the running stream reading each case's row to learn its client: about 4,200 rows read
    at random for a page of 50 at a million cases (70-100 ms on SQLite, 50-65 ms on
    PostgreSQL), where the other filters are judged on the index."""
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    for index in ("case_running_next_due", "case_paused_left"):
        database.execute_sql(f'DROP INDEX IF EXISTS "{index}"')
    database.execute_sql(RUNNING_NEXT_DUE_INDEX)
    database.execute_sql(PAUSED_LEFT_INDEX.format(include=PAUSED_LEFT_INCLUDE if postgres else ""))
    if postgres:
        database.execute_sql('ANALYZE "case"')
    else:
        _analyze_where_analyzed(database, "case_running_next_due", "case_paused_left")


def _paused_after_due(database: peewee.Database) -> None:
    """``case.resolution_paused_after_due``: the business seconds of the finished pauses that
    began once the case's resolution target was breached. The clock stood still through them,
    but nothing kept them, so a breached case's overdue time ran on through every later wait
    on the client (due Monday 14:00, waiting from 15:00 to Tuesday 10:00: overdue 6h, not 1h).

    Filled in from the pauses already kept: a pause that began before the resolution due
    instant pushed it past its end, so the finished pauses that begin at or after the stored
    instant are exactly those. A paused case among them has its frozen time left
    (``paused_left``) written anew. Can run again (a test re-runs migrations)."""
    columns = {column.name for column in database.get_columns("case")}
    if "resolution_paused_after_due" not in columns:
        # Plain ALTER TABLE, not Peewee's migrator: its SQLite one rebuilds the table for a
        # NOT NULL column, and dropping the old "case" cascades to every pause, event and
        # message of every case (a test found the pauses gone).
        kind = "DOUBLE PRECISION" if isinstance(database, peewee.PostgresqlDatabase) else "REAL"
        database.execute_sql(
            f'ALTER TABLE "case" ADD COLUMN "resolution_paused_after_due" {kind} NOT NULL DEFAULT 0'
        )
    rows = database.execute_sql(
        "SELECT c.id, c.policy_id, c.severity, c.is_open, c.first_response_at, c.paused_since, "
        'c.resolution_due, p.started_at, p.ended_at FROM "case" c '
        "JOIN sla_pause p ON p.case_id = c.id WHERE p.ended_at IS NOT NULL "
        "AND p.started_at >= c.resolution_due AND p.ended_at > p.started_at"
    ).fetchall()
    if not rows:
        return
    try:
        built = built_policies(lambda sql: database.execute_sql(sql).fetchall())
    except (ValueError, KeyError, TypeError):  # a policy row this wzdesk cannot read
        return
    policies = {version_id: policy for _, version_id, policy in built}
    severities = {severity.value: severity for severity in Severity}
    totals: dict[int, float] = {}
    frozen: dict[int, float | None] = {}
    for case_id, policy_id, severity, is_open, answered, since, due, started, ended in rows:
        policy = policies.get(int(policy_id))
        if policy is None or severity not in severities:
            continue
        calendar = policy.calendar_for(severities[severity])
        positions = calendar.positions_epoch([epoch_from_db(started), epoch_from_db(ended)])
        total = totals[int(case_id)] = totals.get(int(case_id), 0.0) + positions[1] - positions[0]
        frozen[int(case_id)] = paused_left(
            calendar,
            bool(is_open),
            answered is not None,
            None if since is None else epoch_from_db(since),
            epoch_from_db(due),
            total,
        )
    marker = "%s" if isinstance(database, peewee.PostgresqlDatabase) else "?"
    for case_id, total in totals.items():
        database.execute_sql(
            f'UPDATE "case" SET resolution_paused_after_due = {marker}, paused_left = {marker} '
            f"WHERE id = {marker}",
            (total, frozen[case_id], case_id),
        )


#: Every migration, in order; version N is MIGRATIONS[N - 1]. Append only.
MIGRATIONS: list[Migration] = [
    _v1_calendar_policy_audit,
    _v2_cases,
    _v3_mail,
    _v4_case_updated_index,
    _console_reading,
    _services_billing,
    _history_received_index,
    _identity_and_audit_origin,
    _mail_content_and_importer,
    _reaching_people,
    _full_text,
    _saved_views,
    _holiday_hours,
    _target_days,
    _clients_contacts_links,
    _queue_order_index,
    _client_api,
    _portal_sign_in,
    _report_indexes,
    _paused_order,
    _outbox_unsent_index,
    _mail_history_indexes,
    _audit_actor_index,
    _history_trigrams,
    _full_text_on_change,
    _history_status_index,
    _done_order_index,
    _view_count_index,
    _pause_instant_indexes,
    _alert_claims_per_person,
    _stream_client_column,
    _paused_after_due,
]
LATEST_VERSION = len(MIGRATIONS)
if LATEST_VERSION != SCHEMA_VERSION:  # pragma: no cover - caught by the first test that runs
    raise RuntimeError(
        f"MIGRATIONS holds {LATEST_VERSION} migrations but store/schema_version.py says "
        f"SCHEMA_VERSION = {SCHEMA_VERSION}: bump it with the migration you appended"
    )


def _schema_table(database: peewee.Database) -> type[peewee.Model]:
    return _snapshot(
        database,
        "wzdesk_schema",
        {
            "version": peewee.IntegerField(primary_key=True),
            "applied_at": UTCDateTimeField(),
        },
    )


def _version_column(schema: type[peewee.Model]) -> peewee.Field:
    column: peewee.Field = schema._meta.fields["version"]
    return column


def current_version(database: peewee.Database) -> int:
    """The schema version of ``database`` (0 for an empty database)."""
    return stored_version(database)


def upgrade(database: peewee.Database, target: DatabaseTarget) -> int:
    """Apply every pending migration; return the number applied."""
    found = current_version(database)
    if found == LATEST_VERSION:
        return 0
    if found > LATEST_VERSION:
        raise InvalidInput(
            f"this database is at schema version {found}, newer than this wzdesk "
            f"understands ({LATEST_VERSION}); upgrade wzdesk",
            field="--db",
        )
    if found > 0 and target.backend == "sqlite" and target.location != ":memory:":
        _copy_aside(database, Path(target.location).expanduser(), found)
    applied = 0
    schema = _schema_table(database)
    with _exclusive(database):
        schema.create_table(safe=True)
        version = schema.select(peewee.fn.MAX(_version_column(schema))).scalar() or 0
        for number in range(version + 1, LATEST_VERSION + 1):
            MIGRATIONS[number - 1](database)
            schema.create(version=number, applied_at=datetime.now(UTC))
            applied += 1
    return applied


def _exclusive(database: peewee.Database) -> peewee._atomic:
    """One transaction that only one starter at a time may hold."""
    if isinstance(database, peewee.PostgresqlDatabase):
        transaction = database.atomic()

        class _Locked:
            def __enter__(self) -> None:
                transaction.__enter__()
                database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))

            def __exit__(self, *exc: Any) -> None:
                transaction.__exit__(*exc)

        return _Locked()  # type: ignore[return-value]
    return database.atomic("IMMEDIATE")


def _copy_aside(database: peewee.Database, path: Path, version: int) -> Path:
    """Copy a SQLite database to ``<file>.before-v<N+1>`` with the online backup API."""
    backup_path = path.with_name(f"{path.name}.before-v{version + 1}")
    backup_path.unlink(missing_ok=True)
    os.close(os.open(backup_path, os.O_CREAT | os.O_WRONLY, 0o600))  # as private as the original
    destination = sqlite3.connect(backup_path)
    try:
        database.connection().backup(destination)
    finally:
        destination.close()
    return backup_path
