"""Quotes on a case: scope, lines (role × hours or days at the rates of the day the quote was
made), an optional discount, and the moves draft → sent → approved / declined → in progress →
done, each on the case's timeline and in the audit trail.

Sending emails the quote to the client admin and puts the case in ``waiting_client`` (the
resolution clock pauses, as for any wait) in the same transaction; the client's answer
(approved or declined) puts it back to ``open``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import peewee

from wzdesk.core.billing import (
    QUOTE_MOVES,
    LineSpec,
    PricedLine,
    QuoteStatus,
    Rate,
    ServiceRole,
    ServiceType,
    parse_enum,
    price_line,
)
from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import HUNDRED, display_amount, format_hundredths
from wzdesk.core.rules import Action, Status
from wzdesk.services.billing.common import (
    case_of,
    check_quote_version,
    get_quote,
    newest_first,
    note_on_case,
    quote_label,
    save_quote,
    support_date,
)
from wzdesk.services.billing.prepaid import hours_left, lock_client, uncommitted_hours
from wzdesk.services.billing.quote_fields import priced_line, used_from
from wzdesk.services.billing.quote_fields import quote_view as view_of
from wzdesk.services.billing.quote_mail import queue_quote_mail, quote_recipient
from wzdesk.services.billing.rates import rate_card
from wzdesk.services.calendar import PolicyBook, load_policy_book, support_zone_at
from wzdesk.services.cases.records import (
    add_event,
    clean_text,
    get_case,
    require_open,
    save_case,
)
from wzdesk.services.cases.triage import set_status
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import Case, Quote, QuoteLine, TimeEntry

MAX_SCOPE = 20_000
MAX_LINES = 50
_DONE_TO = {
    "send": "sent",
    "approve": "approved",
    "decline": "declined",
    "start": "started",
    "done": "marked done",
}
_VERBS = {
    "send": "send",
    "approve": "record the approval of",
    "decline": "record the decline of",
    "start": "start work on",
    "done": "mark done",
}
_STAMPS = {
    "send": "sent_at",
    "approve": "approved_at",
    "decline": "declined_at",
    "start": "started_at",
    "done": "done_at",
}

# -- reading --------------------------------------------------------------------------------------


def priced_lines(quote_id: int) -> list[PricedLine]:
    """The quote's lines, in order, with the rates they were priced at."""
    rows = QuoteLine.select().where(QuoteLine.quote == quote_id)
    return [priced_line(row) for row in rows.order_by(QuoteLine.position, QuoteLine.id)]


def used_by_role(quote_id: int) -> dict[ServiceRole, int]:
    """Hours logged against the quote per role (hundredths)."""
    rows = cast(
        Iterable[tuple[str, int]],
        TimeEntry.select(TimeEntry.role, peewee.fn.SUM(TimeEntry.hours_hundredths))
        .where(TimeEntry.quote == quote_id)
        .group_by(TimeEntry.role)
        .tuples(),
    )
    return used_from(rows)


def quote_view(quote: Quote, zone: ZoneInfo | None = None) -> dict[str, Any]:
    """Everything about a quote, amounts as two-decimal strings (the JSON shape)."""
    zone = zone or support_zone_at(quote.created_at)
    return view_of(quote, priced_lines(quote.id), used_by_role(quote.id), zone)


def show_quote(quote_id: str | int) -> dict[str, Any]:
    """One quote's view by number (``12`` or ``Q-12``)."""
    return quote_view(get_quote(quote_id))


def quotes_of_case(ref: str) -> list[dict[str, Any]]:
    """Every quote on a case, newest first."""
    case = get_case(ref)
    zone = support_zone_at(case.received_at)
    return [
        quote_view(quote, zone)
        for quote in Quote.select().where(Quote.case == case).order_by(newest_first(Quote))
    ]


# -- writing --------------------------------------------------------------------------------------


def _check_lines(lines: Sequence[LineSpec]) -> None:
    if not lines:
        raise InvalidInput("a quote needs at least one line ROLE:QTY:h|d", field="--line")
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"at most {MAX_LINES} lines (got {len(lines)})", field="--line")


def _check_discount(discount: int) -> None:
    if not 0 <= discount <= 100 * HUNDRED:
        raise InvalidInput("expected a percentage from 0 to 100", field="--discount")


def insert_line(quote: Quote, position: int, spec: LineSpec, rate: Rate) -> PricedLine:
    """One line of ``quote``, keeping both of the role's rates (time is valued by the hour)."""
    QuoteLine.create(
        quote=quote,
        position=position,
        role=spec.role.value,
        quantity_hundredths=spec.quantity,
        unit=spec.unit.value,
        day_rate_cents=rate.day_cents,
        hour_rate_cents=rate.hour_cents,
    )
    return price_line(spec, rate)


def _write_lines(quote: Quote, lines: Sequence[LineSpec]) -> None:
    card = rate_card(quote.rates_on)
    QuoteLine.delete().where(QuoteLine.quote == quote.id).execute()
    for position, spec in enumerate(lines, start=1):
        insert_line(quote, position, spec, card[spec.role])


def _summary(view: dict[str, Any]) -> str:
    kind = f"{view['service_type']}) {view['service_type_name']}" if view["service_type"] else "—"
    return f"{view['label']} {view['status']}: {kind}; total {view['total']}"


def new_quote(
    ctx: ServiceContext,
    ref: str,
    service_type: str,
    scope: str,
    lines: Sequence[LineSpec],
    discount: int = 0,
) -> Quote:
    """A draft quote on an open case, priced at the rates in force today."""
    ctx.require(Action.QUOTE)
    kind = parse_enum(ServiceType, service_type, "--type")
    scope = clean_text(scope, "--scope", MAX_SCOPE, required=True)
    _check_lines(lines)
    _check_discount(discount)
    now = ctx.clock.now()
    with write_transaction():
        case = get_case(ref)
        require_open(case, "quote on it")
        quote = Quote.create(
            case=case,
            service_type=kind.value,
            scope=scope,
            status=QuoteStatus.DRAFT.value,
            discount_bp=discount,
            rates_on=support_date(now),
            created_at=now,
            created_by=ctx.actor,
            updated_at=now,
        )
        _write_lines(quote, lines)
        view = quote_view(quote)
        note_on_case(
            ctx, case, "quote", f"Quote {_summary(view)}.", {"quote": quote.id, "status": "draft"}
        )
        ctx.audit("quote.new", "quote", quote.id, None, view)
    return quote


def edit_quote(
    ctx: ServiceContext,
    quote_id: str | int,
    *,
    service_type: str | None = None,
    scope: str | None = None,
    lines: Sequence[LineSpec] | None = None,
    discount: int | None = None,
    expected_version: int | None = None,
) -> Quote:
    """Change a draft: its type, scope, lines (all replaced) or discount."""
    ctx.require(Action.QUOTE)
    changes: dict[str, Any] = {}
    if service_type is not None:
        changes["service_type"] = parse_enum(ServiceType, service_type, "--type").value
    if scope is not None:
        changes["scope"] = clean_text(scope, "--scope", MAX_SCOPE, required=True)
    if lines is not None:
        _check_lines(lines)
    if discount is not None:
        _check_discount(discount)
        changes["discount_bp"] = discount
    if not changes and lines is None:
        raise InvalidInput("give at least one of --type, --scope, --line, --discount", field="ID")
    with write_transaction():
        quote = get_quote(quote_id, for_update=True)
        check_quote_version(quote, expected_version)
        if quote.status != QuoteStatus.DRAFT:
            raise InvalidInput(
                f"{quote_label(quote.id)} is {quote.status}; only a draft can be changed "
                "(make a new quote instead)",
                field="ID",
            )
        case = case_of(quote)
        require_open(case, "change its quote")
        before = quote_view(quote)
        save_quote(ctx, quote, changes)
        if lines is not None:
            _write_lines(quote, lines)
        after = quote_view(quote)
        note_on_case(ctx, case, "quote", f"Quote {_summary(after)} (edited).", {"quote": quote.id})
        ctx.audit("quote.edit", "quote", quote.id, before, after)
    return quote


def move_quote(
    ctx: ServiceContext,
    quote_id: str | int,
    verb: str,
    *,
    prepaid: bool = False,
    expected_version: int | None = None,
    book: PolicyBook | None = None,
) -> Quote:
    """``send``, ``approve`` (``prepaid``: the work draws on the client's prepaid hours),
    ``decline``, ``start`` or ``done``."""
    ctx.require(Action.QUOTE)
    if verb not in QUOTE_MOVES:
        raise InvalidInput(f"expected one of {', '.join(QUOTE_MOVES)}, got {verb!r}", field="verb")
    if prepaid and verb != "approve":
        raise InvalidInput("only an approval can be paid from prepaid hours", field="--prepaid")
    sources, target = QUOTE_MOVES[verb]
    book = book or load_policy_book()
    now = ctx.clock.now()
    with write_transaction():
        quote = get_quote(quote_id, for_update=True)
        check_quote_version(quote, expected_version)
        if QuoteStatus(quote.status) not in sources:
            allowed = " or ".join(s.value for s in sources)
            raise InvalidInput(
                f"{quote_label(quote.id)} is {quote.status}; only a {allowed} quote can be "
                f"{_DONE_TO[verb]}",
                field="ID",
            )
        case = case_of(quote)
        # A closed case is final and a resolved one must be reopened first, as for making a
        # quote: no move may write the quote's events (or bill work) on it.
        require_open(case, f"{_VERBS[verb]} {quote_label(quote.id)} on it")
        before = quote_view(quote)
        if verb == "send":
            case = _send(ctx, quote, case, before, book, now)
        elif verb in ("approve", "decline"):
            if verb == "approve" and prepaid:
                _check_prepaid_cover(quote, case)
            if case.status == Status.WAITING_CLIENT:
                case = set_status(ctx, str(case.ref), Status.OPEN.value, book=book).case
        changes: dict[str, Any] = {"status": target.value, _STAMPS[verb]: now}
        if verb == "approve":
            changes["prepaid"] = prepaid
        save_quote(ctx, quote, changes)
        after = quote_view(quote)
        if verb != "send":  # sending wrote its own (public) event
            note_on_case(
                ctx,
                case,
                "quote",
                f"Quote {_summary(after)}.",
                {"quote": quote.id, "status": target.value},
            )
        ctx.audit(f"quote.{verb}", "quote", quote.id, {"status": before["status"]}, after)
    return quote


def _send(
    ctx: ServiceContext,
    quote: Quote,
    case: Case,
    view: dict[str, Any],
    book: PolicyBook,
    now: datetime,
) -> Case:
    """Email the quote to the client admin; the case waits on the client (clock paused)."""
    if not view["service_type"]:
        raise InvalidInput(
            f"{view['label']} has no service type yet (quote edit {quote.id} --type a..j)",
            field="--type",
        )
    if not view["lines"]:
        raise InvalidInput(f"{view['label']} has no lines yet", field="--line")
    if not view["scope"].strip():
        raise InvalidInput(f"{view['label']} has no scope yet", field="--scope")
    recipient = quote_recipient(case)
    if case.status != Status.WAITING_CLIENT:
        # The quote's email says what we wait for: no second "we need" email (it quoted the
        # last reply, unrelated), but the need on the status event, for the reminders.
        need = (
            f"Your answer to our quote {view['label']} (total {display_amount(view['total'])}), "
            "which we emailed to you: please reply to approve or decline it."
        )
        case = set_status(
            ctx,
            str(case.ref),
            Status.WAITING_CLIENT.value,
            book=book,
            need=need,
            notify_client=False,
        ).case
    save_case(ctx, case, {} if case.first_response_at else {"first_response_at": now})
    sent = dict(view, status=QuoteStatus.SENT.value)
    event = add_event(
        ctx,
        case,
        "quote",
        f"Quote {_summary(sent)}. Emailed to {recipient.name} <{recipient.email}>; "
        "waiting on the client's answer.",
        public=True,
        data={"quote": quote.id, "status": QuoteStatus.SENT.value, "to": recipient.email},
    )
    queue_quote_mail(ctx, case, sent, event)
    return case


def _check_prepaid_cover(quote: Quote, case: Case) -> None:
    """Approving as prepaid needs the client's prepaid hours to cover the quoted hours: the
    hours not yet logged *and* not already promised to its other open prepaid quotes (else
    two approvals could promise the same hours, and the second quote's work could never be
    logged)."""
    lock_client(case.client_id)
    needed = sum(line.hours for line in priced_lines(quote.id))
    free, promised = uncommitted_hours(case.client_id, excluding=quote.id)
    if free < needed:
        left = format_hundredths(hours_left(case.client_id))
        held = f" ({promised}; {format_hundredths(free)} free)" if promised else ""
        raise InvalidInput(
            f"{case.client.code} has {left} prepaid hours left{held}; "
            f"{quote_label(quote.id)} needs {format_hundredths(needed)} "
            "(buy more hours, or approve it without --prepaid)",
            field="--prepaid",
        )
