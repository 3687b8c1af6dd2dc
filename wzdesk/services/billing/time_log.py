"""Time against an approved quote: who, which role, which day, how long.

Each role's logged hours are held to what the quote covers for that role: past 80 % the entry
is logged with a warning; past 100 % it is refused unless a supervisor allows the overrun (and
the entry says who did). Work on a quote approved as prepaid draws the client's prepaid hours
down, and is refused if it would overdraw them: the hours the client's other open prepaid
quotes still hold are promised to those, not free for this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from wzdesk.core.billing import (
    QuoteStatus,
    RoleUsage,
    ServiceRole,
    hours_by_role,
    parse_enum,
    time_amount,
)
from wzdesk.core.errors import InvalidInput, PermissionDenied
from wzdesk.core.money import format_cents, format_hundredths
from wzdesk.core.rules import Action, Status, may
from wzdesk.services.billing.common import (
    case_of,
    get_quote,
    note_on_case,
    quote_label,
    support_date,
)
from wzdesk.services.billing.prepaid import hours_left, lock_client, uncommitted_hours
from wzdesk.services.billing.quotes import priced_lines, used_by_role
from wzdesk.services.cases.records import clean_text
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import QuoteLine, TimeEntry

#: How far back a time entry may be dated (a typo guard, not a policy).
MAX_DAYS_BACK = 366


@dataclass(frozen=True)
class TimeLogged:
    """A logged entry and where its role now stands against the quote."""

    entry: TimeEntry
    usage: RoleUsage
    warning: str | None
    case_ref: str
    client_code: str

    def as_dict(self) -> dict[str, Any]:
        entry = self.entry
        return {
            "id": entry.id,
            "quote": quote_label(entry.quote_id),
            "case": self.case_ref,
            "client": self.client_code,
            "author": entry.author,
            "role": entry.role,
            "date": entry.work_date.isoformat(),
            "hours": format_hundredths(entry.hours_hundredths),
            "rate": format_cents(entry.hour_rate_cents),
            "amount": format_cents(entry.amount_cents),
            "prepaid": entry.prepaid,
            "overrun_allowed_by": entry.overrun_allowed_by,
            "note": entry.note,
            "role_used_hours": format_hundredths(self.usage.used),
            "role_quoted_hours": format_hundredths(self.usage.quoted),
            "percent_used": self.usage.percent,
            "warning": self.warning,
        }


def _describe(usage: RoleUsage, label: str) -> str:
    return (
        f"{usage.role.value} has used {usage.percent}% of the hours quoted on {label} "
        f"({format_hundredths(usage.used)} of {format_hundredths(usage.quoted)} h)"
    )


def log_time(
    ctx: ServiceContext,
    quote_id: str | int,
    role: str,
    hours: int,
    work_date: date | None = None,
    note: str = "",
    *,
    allow_overrun: bool = False,
) -> TimeLogged:
    """Log ``hours`` (hundredths) of ``role`` work on an approved quote."""
    ctx.require(Action.LOG_TIME)
    if allow_overrun and not may(ctx.role, Action.ALLOW_OVERRUN):
        raise PermissionDenied(
            f"{ctx.actor} ({ctx.role.value}) may not {Action.ALLOW_OVERRUN.value}; "
            "ask a supervisor",
            field="--allow-overrun",
        )
    which = parse_enum(ServiceRole, role, "--role")
    note = clean_text(note, "--note", 10_000)
    if hours <= 0:
        raise InvalidInput("must be more than zero", field="--hours")
    today = support_date(ctx.clock.now())
    day = work_date or today
    if day > today:
        raise InvalidInput(f"is after today ({today.isoformat()})", field="--date")
    if (today - day).days > MAX_DAYS_BACK:
        raise InvalidInput(f"is more than {MAX_DAYS_BACK} days ago", field="--date")
    with write_transaction():
        quote = get_quote(quote_id, "QUOTE", for_update=True)
        label = quote_label(quote.id)
        case = case_of(quote)
        if case.status == Status.CLOSED:  # closed is final; a resolved case still takes
            # the time of work done before it was resolved (its quote stays approved)
            raise InvalidInput(
                f"{case.ref} is closed; time cannot be logged on {label} "
                "(open a new case for more work)",
                field="QUOTE",
            )
        if not QuoteStatus(quote.status).takes_time:
            hint = " (approve it first)" if quote.status == QuoteStatus.SENT else ""
            raise InvalidInput(
                f"{label} is {quote.status}; time is logged against an approved quote{hint}",
                field="QUOTE",
            )
        # Work starts once the quote is approved (its email says so): an earlier date is a
        # typo, and would land in an accounting period that may be exported already.
        if quote.approved_at is not None and day < (approved := support_date(quote.approved_at)):
            raise InvalidInput(
                f"is before {label} was approved ({approved.isoformat()}); work on it starts "
                "once it is approved",
                field="--date",
            )
        quoted = hours_by_role(priced_lines(quote.id))
        if which not in quoted:
            roles = ", ".join(r.value for r in quoted)
            raise InvalidInput(
                f"{label} has no {which.value} line (its roles: {roles})", field="--role"
            )
        usage = RoleUsage(which, quoted[which], used_by_role(quote.id).get(which, 0) + hours)
        if usage.overrun and not allow_overrun:
            raise InvalidInput(
                f"would bring {which.value} to {format_hundredths(usage.used)} h of the "
                f"{format_hundredths(usage.quoted)} h quoted on {label} ({usage.percent}%); "
                "a supervisor may allow the overrun (--allow-overrun)",
                field="--hours",
            )
        if quote.prepaid:
            lock_client(case.client_id)
            # The hours other open prepaid quotes still hold are theirs, not this entry's.
            left, promised = uncommitted_hours(case.client_id, excluding=quote.id)
            if hours > left:
                free = f"{format_hundredths(max(left, 0))} h left"
                if promised:
                    unlogged = format_hundredths(hours_left(case.client_id))
                    free = (
                        f"{format_hundredths(max(left, 0))} h free ({unlogged} h left, {promised})"
                    )
                raise InvalidInput(
                    f"would overdraw {case.client.code}'s prepaid hours: {free}, "
                    f"{format_hundredths(hours)} h logged",
                    field="--hours",
                )
        rate = (
            QuoteLine.select(QuoteLine.hour_rate_cents)
            .where((QuoteLine.quote == quote.id) & (QuoteLine.role == which.value))
            .scalar()
        )
        entry = TimeEntry.create(
            quote=quote,
            author=ctx.actor,
            role=which.value,
            work_date=day,
            hours_hundredths=hours,
            hour_rate_cents=rate,
            amount_cents=time_amount(hours, rate),
            note=note,
            prepaid=quote.prepaid,
            overrun_allowed_by=ctx.actor if usage.overrun else None,
            created_at=ctx.clock.now(),
        )
        warning = None
        if usage.overrun:
            warning = f"over the quote, allowed by {ctx.actor}: {_describe(usage, label)}"
        elif usage.at_warning:
            warning = _describe(usage, label)
        logged = TimeLogged(entry, usage, warning, str(case.ref), case.client.code)
        details = logged.as_dict()
        body = f"{format_hundredths(hours)} h {which.value} on {label} ({day.isoformat()})"
        note_on_case(ctx, case, "time", body + (f": {note}" if note else ""), details)
        ctx.audit("time.log", "time_entry", entry.id, None, details)
    return logged
