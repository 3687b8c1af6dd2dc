"""``services rates``, ``services prepaid tiers``, ``services quote show|list`` and ``services
balance`` in plain SQL, over the quick read-only connection (issue 13: scripts start
fast without Peewee).

The statements are the ones ``services.billing.rates``, ``prepaid.list_tiers``,
``quotes.show_quote|quotes_of_case`` and ``prepaid.balance`` make through the models (the same
WHERE and ORDER BY, ties by id); the rows come back as records that
:mod:`wzdesk.services.billing.card_fields` and :mod:`~wzdesk.services.billing.quote_fields`
read as they read model rows.
``tests/services/test_quick_reads.py`` compares both paths' output.
"""

from __future__ import annotations

from datetime import date

from wzdesk.store.quick_read import QuickReader, Record, records
from wzdesk.store.stored_values import instant_from_db

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


_QUOTE = (
    "id",
    "service_type",
    "scope",
    "status",
    "discount_bp",
    "rates_on",
    "prepaid",
    "origin",
    "created_at",
    "created_by",
    "sent_at",
    "approved_at",
    "declined_at",
    "started_at",
    "done_at",
    "version",
)


def quotes(reader: QuickReader, quote: int | None = None, case: int | None = None) -> list[Record]:
    """The quote numbered ``quote``, or every quote on ``case``, newest first; each with its
    ``case`` (``ref``, ``received_at``, ``client.code``) and ``origin_case`` (``ref``, or
    None)."""
    columns = ", ".join(f"q.{name}" for name in _QUOTE)
    where, params = ("q.id = ?", (quote,)) if case is None else ("q.case_id = ?", (case,))
    found = reader.rows(
        f"SELECT {columns}, c.ref, c.received_at, cl.code, o.ref FROM quote AS q "
        'JOIN "case" AS c ON q.case_id = c.id JOIN client AS cl ON c.client_id = cl.id '
        'LEFT OUTER JOIN "case" AS o ON q.origin_case_id = o.id '
        f"WHERE {where} ORDER BY q.id DESC",
        params,
    )
    result = []
    for row in found:
        [values] = records([row[: len(_QUOTE)]], _QUOTE, dates=("rates_on",))
        ref, received, code, origin = row[len(_QUOTE) :]
        case_row = Record(ref=ref, received_at=instant_from_db(received), client=Record(code=code))
        origin_case = None if origin is None else Record(ref=origin)
        result.append(Record(**vars(values), case=case_row, origin_case=origin_case))
    return result


_LINE = ("role", "quantity_hundredths", "unit", "day_rate_cents", "hour_rate_cents")


def quote_lines(reader: QuickReader, quote: int) -> list[Record]:
    """The quote's lines in order (``quotes.priced_lines``)."""
    sql = f"SELECT {', '.join(_LINE)} FROM quote_line WHERE quote_id = ? ORDER BY position, id"
    return records(reader.rows(sql, (quote,)), _LINE)


def hours_used(reader: QuickReader, quote: int) -> list[tuple[str, int]]:
    """(role, hours logged in hundredths) against the quote (``quotes.used_by_role``)."""
    sql = "SELECT role, SUM(hours_hundredths) FROM time_entry WHERE quote_id = ? GROUP BY role"
    return [(str(role), int(total)) for role, total in reader.rows(sql, (quote,))]


_PURCHASE = (
    "id",
    "bought_on",
    "created_at",
    "hours_hundredths",
    "price_cents",
    "discount_bp",
    "note",
    "created_by",
)
_DRAW = ("id", "quote_id", "work_date", "created_at", "hours_hundredths", "role", "note", "author")


def purchases(reader: QuickReader, client: int) -> list[Record]:
    """The client's purchases of prepaid hours (in no particular order: the balance sorts)."""
    sql = f"SELECT {', '.join(_PURCHASE)} FROM prepaid_purchase WHERE client_id = ?"
    return records(reader.rows(sql, (client,)), _PURCHASE, dates=("bought_on",))


def draws(reader: QuickReader, client: int) -> list[Record]:
    """The time logged on the client's cases that drew on its prepaid hours, each with its
    ``quote.case.ref``."""
    columns = ", ".join(f"t.{name}" for name in _DRAW)
    found = reader.rows(
        f"SELECT {columns}, c.ref FROM time_entry AS t JOIN quote AS q ON t.quote_id = q.id "
        'JOIN "case" AS c ON q.case_id = c.id WHERE c.client_id = ? AND t.prepaid',
        (client,),
    )
    entries = records([row[:-1] for row in found], _DRAW, dates=("work_date",))
    return [
        Record(**vars(entry), quote=Record(case=Record(ref=row[-1])))
        for entry, row in zip(entries, found, strict=True)
    ]


def open_prepaid_quotes(reader: QuickReader, client: int) -> list[Record]:
    """The client's prepaid quotes that are approved or in progress, oldest first, each with
    ``id``, ``status`` and its case's ``ref`` (``prepaid.promises``)."""
    found = reader.rows(
        'SELECT q.id, q.status, c.ref FROM quote AS q JOIN "case" AS c ON q.case_id = c.id '
        "WHERE c.client_id = ? AND q.prepaid AND q.status IN ('approved', 'in_progress') "
        "ORDER BY q.id",
        (client,),
    )
    return records(found, ("id", "status", "ref"))
