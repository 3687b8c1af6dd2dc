"""What the console shows of professional services on a case, read in one worker call."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from wzdesk.core.billing import Rate, ServiceRole
from wzdesk.core.errors import UserError
from wzdesk.core.money import format_hundredths
from wzdesk.services.billing.common import get_quote, support_date
from wzdesk.services.billing.prepaid import hours_left, uncommitted_hours
from wzdesk.services.billing.quote_mail import quote_recipient
from wzdesk.services.billing.quotes import quotes_of_case
from wzdesk.services.billing.rates import rate_card
from wzdesk.services.cases.records import get_case
from wzdesk.store.models import Quote


def case_services(ref: str) -> dict[str, Any]:
    """The case's quotes (newest first), its client's prepaid hours (and how many of them
    open prepaid quotes still hold), and who a sent quote would be emailed to (or why it
    could not be)."""
    case = get_case(ref)
    send_to: str | None
    send_problem: str | None
    try:
        admin = quote_recipient(case)
        send_to = f"{admin.name} <{admin.email}>"
    except UserError as error:
        send_to = None
        send_problem = error.message
    else:
        send_problem = None
    free, promised = uncommitted_hours(case.client_id)
    return {
        "case": case.ref,
        "client": case.client.code,
        "quotes": quotes_of_case(str(case.ref)),
        "prepaid_hours": format_hundredths(hours_left(case.client_id)),
        "prepaid_free_hours": format_hundredths(free),
        "prepaid_promised": promised,
        "send_to": send_to,
        "send_problem": send_problem,
    }


def editor_rates(quote_id: int | None, now: datetime) -> tuple[date, dict[ServiceRole, Rate]]:
    """The rate card a quote is priced with: its own day's, or today's for a new quote."""
    day = get_quote(quote_id).rates_on if quote_id is not None else support_date(now)
    return day, rate_card(day)


def quote_states(case_id: int) -> list[str]:
    """The statuses of a case's quotes (one indexed read): enough for the console to offer
    ``P`` (a quote that can move on) and ``T`` (an approved one) only where they apply."""
    return [str(quote.status) for quote in Quote.select(Quote.status).where(Quote.case == case_id)]
