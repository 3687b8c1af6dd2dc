"""Statements compiled once (the import's hot path) store and read exactly what Peewee would."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import local
from wzdesk.store.models import AuditEntry, MailMessage
from wzdesk.store.prepared import PreparedGet, PreparedInsert, PreparedLookup

COLUMNS = (
    "message_key", "message_id", "direction", "outcome", "case", "from_address", "from_name",
    "subject", "in_reply_to", "references", "received_at", "imported_at", "size_bytes",
    "content_sha256", "imported_by",
)  # fmt: skip


def row(key: str) -> dict[str, object]:
    return {
        "message_key": key,
        "message_id": None,
        "direction": "in",
        "outcome": "quarantined",
        "case": None,
        "from_address": "ana@acme.example",
        "from_name": "Ana Díaz",
        "subject": "Café",
        "in_reply_to": None,
        "references": "",
        "received_at": local(2026, 3, 9, 9, 30),
        "imported_at": local(2026, 3, 9, 10, 0) + timedelta(microseconds=7),
        "size_bytes": 12_345_678_901,
        "content_sha256": "ab" * 32,
        "imported_by": "kim",
    }


def test_insert_is_compiled_once_and_stores_what_peewee_would(database, monkeypatch) -> None:
    insert = PreparedInsert(MailMessage, *COLUMNS)
    compiled = []
    real = MailMessage.insert
    monkeypatch.setattr(
        MailMessage, "insert", classmethod(lambda cls, *a, **k: compiled.append(1) or real(*a, **k))
    )
    first = insert(**row("a@x"))
    second = insert(**row("b@x"))
    assert len(compiled) == 1 and second == first + 1
    stored = MailMessage.get_by_id(second)
    for name, value in row("b@x").items():
        assert getattr(stored, name) == value, name
    lookup = PreparedLookup(MailMessage.id, MailMessage.message_key)
    assert (lookup("a@x"), lookup("b@x"), lookup("c@x")) == (first, second, None)
    got = PreparedGet(MailMessage)(first)
    assert got.received_at == local(2026, 3, 9, 9, 30) and got.received_at.tzinfo is not None
    assert PreparedGet(MailMessage)(999) is None


def test_every_column_must_be_given() -> None:
    with pytest.raises(ValueError, match="missing"):
        PreparedInsert(AuditEntry, "at", "actor")
