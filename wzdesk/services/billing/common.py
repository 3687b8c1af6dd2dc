"""What the services use cases share: the support-zone date, finding a quote, locking a row,
and telling the case (its timeline, and a new version so other consoles re-read it)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

import peewee

from wzdesk.core.bounds import is_possible_id
from wzdesk.core.errors import NotFound
from wzdesk.services import versioning
from wzdesk.services.billing.quote_fields import parse_quote_id
from wzdesk.services.billing.quote_fields import quote_label as quote_label
from wzdesk.services.calendar import support_zone_at
from wzdesk.services.cases.records import add_event, save_case
from wzdesk.services.context import ServiceContext, locked, locked_for_writing
from wzdesk.store.models import BaseModel, Case, CaseEvent, Quote


def support_date(instant: datetime) -> date:
    """The calendar date of ``instant`` in the support time zone."""
    return instant.astimezone(support_zone_at(instant)).date()


def get_quote(quote_id: str | int, field: str = "ID", *, for_update: bool = False) -> Quote:
    """A quote by number, with its case; locked for the transaction if asked."""
    number = parse_quote_id(quote_id, field)
    query = Quote.select().where(Quote.id == number)
    quote: Quote | None = None
    if is_possible_id(number):  # a number beyond 64 bits is no quote (and SQLite's overflow)
        quote = (locked(query) if for_update else query).first()
    if quote is None:
        raise NotFound(f"no quote {quote_label(number)}", field=field)
    return quote


def case_of(quote: Quote) -> Case:
    """The quote's case, read afresh (a use case writes it under its version check), and
    locked with the quote inside a write transaction (:func:`context.write_transaction`)."""
    case: Case = locked_for_writing(Case.select().where(Case.id == quote.case_id)).get()
    return case


def newest_first(model: type[BaseModel]) -> peewee.Ordering:
    """``ORDER BY id DESC`` (ids grow with time)."""
    return cast(peewee.Field, model.id).desc()


def check_quote_version(quote: Quote, expected_version: int | None) -> None:
    versioning.check_version(quote_label(quote.id), quote.version, expected_version)


def save_quote(ctx: ServiceContext, quote: Quote, changes: dict[str, Any]) -> Quote:
    """Write ``changes`` only if nobody else wrote the quote since it was read."""
    return versioning.save_versioned(ctx, quote, changes, quote_label(quote.id))


def note_on_case(
    ctx: ServiceContext,
    case: Case,
    kind: str,
    body: str,
    data: dict[str, Any],
    public: bool = False,
) -> CaseEvent:
    """A services event on the case's timeline; the case gets a new version, so consoles that
    show it re-read it (and a stale action on it is refused)."""
    save_case(ctx, case, {})
    return add_event(ctx, case, kind, body, public=public, data=data)
