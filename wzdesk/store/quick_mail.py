"""``alert list``, ``mail outbox list`` and ``mail quarantine list`` in plain SQL, over the
quick read-only connection (issue 13: scripts start fast without Peewee).

The statements are the ones ``services.alerts.recent_alerts``,
``services.mail_outbox.list_outbox`` and ``services.mail_quarantine.list_quarantine`` make
through the models (the same WHERE and ORDER BY, ties by id); each row comes back as a record
with its case's reference (``row.case.ref``, or ``row.case`` None), which
:mod:`wzdesk.services.sent_fields` and :mod:`~wzdesk.services.quarantine_fields` shape as they
shape model rows.
``tests/services/test_quick_reads.py`` compares both paths' output.
"""

from __future__ import annotations

from collections.abc import Sequence

from wzdesk.store.quick_read import QuickReader, Record, records, records_with

#: Every status an outgoing message can have (``sent_fields.OUTBOX_STATUSES``; the store does
#: not import the services).
STATUSES = ("pending", "sending", "sent", "failed")
_ALERT = ("id", "kind", "rule_id", "rules", "recipients", "summary", "created_at", "created_by")
_OUTGOING = (
    "id",
    "kind",
    "audience",
    "recipients",
    "subject",
    "message_id",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "transport",
    "created_at",
    "sent_at",
)


def _with_case(table: str, names: Sequence[str], where: str) -> str:
    """The columns ``names`` of ``table`` and the reference of the case each row is about."""
    columns = ", ".join(f"t.{name}" for name in names)
    return (
        f'SELECT {columns}, c.ref FROM {table} AS t LEFT OUTER JOIN "case" AS c '
        f"ON t.case_id = c.id WHERE {where}"
    )


def _marks(values: Sequence[str]) -> str:
    return ", ".join("?" for _ in values)


def recent_alerts(reader: QuickReader, kinds: Sequence[str], limit: int) -> list[Record]:
    """The newest ``limit`` alerts (notifications of ``kinds``), newest first."""
    sql = _with_case("notification", _ALERT, f"t.kind IN ({_marks(kinds)})")
    sql += " ORDER BY t.created_at DESC, t.id DESC LIMIT ?"
    return records_with(reader.rows(sql, (*kinds, limit)), _ALERT, "case", "ref")


def status_in(statuses: Sequence[str]) -> str:
    """``IN ('pending', 'sending', 'failed')``: the statuses written out, not bound, so that
    SQLite can match the outbox's partial index (``migrations.UNSENT_OUTBOX_INDEX``) against
    them. Only the outbox's own statuses (:data:`STATUSES`) are written; anything else is
    refused, so nothing typed reaches the SQL."""
    for status in statuses:
        if status not in STATUSES:
            raise ValueError(f"not an outbox status: {status!r}")
    return "IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def outgoing(
    reader: QuickReader, statuses: Sequence[str], newest_first: bool, limit: int | None
) -> list[Record]:
    """The outgoing messages in ``statuses`` (every one, with no condition, when those are
    all :data:`STATUSES`), oldest or newest first, at most ``limit`` (None: all)."""
    everything = set(statuses) == set(STATUSES)
    sql = _with_case(
        "outbound_mail", _OUTGOING, "1=1" if everything else f"t.status {status_in(statuses)}"
    )
    sql += " ORDER BY t.id DESC" if newest_first else " ORDER BY t.id"
    params: tuple[object, ...] = ()
    if limit is not None:
        sql, params = sql + " LIMIT ?", (limit,)
    return records_with(reader.rows(sql, params), _OUTGOING, "case", "ref")


#: Every status a quarantined message can have (``quarantine_fields.QUARANTINE_STATUSES``).
HELD_STATUSES = ("held", "released", "discarded")
_HELD = (
    "id",
    "status",
    "reason_code",
    "reason",
    "raw_size",
    "held_at",
    "handled_by",
    "handled_at",
    "note",
)
_MESSAGE = ("from_address", "from_name", "subject", "message_id", "received_at")


def quarantined(reader: QuickReader, statuses: Sequence[str], limit: int | None) -> list[Record]:
    """The quarantined messages in ``statuses``, newest first (at most ``limit``), each with
    its ``message`` (the mail row), ``client`` (the sender's: its code) and ``case`` (the one
    it was released into: its reference)."""
    columns = [f"q.{name}" for name in _HELD] + [f"m.{name}" for name in _MESSAGE]
    sql = (
        f"SELECT {', '.join(columns)}, cl.code, c.ref FROM quarantined_mail AS q "
        "JOIN mail_message AS m ON q.message_id = m.id "
        "LEFT OUTER JOIN client AS cl ON q.client_id = cl.id "
        'LEFT OUTER JOIN "case" AS c ON q.case_id = c.id '
    )
    params: tuple[object, ...] = ()
    if set(statuses) != set(HELD_STATUSES):  # every status: no condition (see list_quarantine)
        sql, params = sql + f"WHERE q.status IN ({_marks(statuses)}) ", tuple(statuses)
    sql += "ORDER BY q.held_at DESC, q.id DESC"
    if limit:
        sql, params = sql + " LIMIT ?", (*params, limit)
    found = []
    for row in reader.rows(sql, params):
        [held] = records([row[: len(_HELD)]], _HELD)
        [message] = records([row[len(_HELD) : -2]], _MESSAGE)
        code, ref = row[-2], row[-1]
        client = None if code is None else Record(code=code)
        case = None if ref is None else Record(ref=ref)
        found.append(Record(**vars(held), message=message, client=client, case=case))
    return found
