"""``services rates`` and ``services prepaid tiers`` in plain SQL, over the quick read-only
SQLite connection (issue 13: scripts start fast without Peewee).

The statements are the ones ``services.billing.rates`` and ``prepaid.list_tiers`` make through
the models (the same WHERE and ORDER BY, ties by id); the rows come back as records that
:mod:`wzdesk.services.billing.card_fields` reads as it reads model rows.
``tests/services/test_quick_reads.py`` compares both paths' output.
"""

from __future__ import annotations

from datetime import date

from wzdesk.store.quick_read import QuickReader, Record, records

_RATE = ("role", "day_rate_cents", "hour_rate_cents", "effective_from", "note", "created_by")
_TIER = ("min_hours_hundredths", "discount_bp")


def rates(reader: QuickReader, on: date | None = None) -> list[Record]:
    """Every ``service_rate`` row by effective date, then id; ``on``: only those effective on
    or before that day."""
    where, params = ("", ()) if on is None else (" WHERE effective_from <= ?", (on.isoformat(),))
    sql = f"SELECT {', '.join(_RATE)} FROM service_rate{where} ORDER BY effective_from, id"
    return records(reader.rows(sql, params), _RATE, dates=("effective_from",))


def tiers(reader: QuickReader) -> list[Record]:
    """Every volume-discount tier, smallest threshold first."""
    sql = f"SELECT {', '.join(_TIER)} FROM prepaid_tier ORDER BY min_hours_hundredths"
    return records(reader.rows(sql), _TIER)
