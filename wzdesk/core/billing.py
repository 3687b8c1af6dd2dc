"""Professional services as arithmetic: roles and rates, service types, quote totals, time
against a quote, prepaid hours with volume-discount tiers.

The policy: "All services requests are scoped and quoted", at published role rates ("subject to
change"), and services "can also be purchased in advance with volume discounts available".
Everything here is pure and exact: amounts in cents, quantities and percentages in hundredths
(see :mod:`wzdesk.core.money`).

Rounding happens in one place per figure a person is billed: a quote's **total** is the exact
sum of its lines (quantity × rate, kept to a hundredth of a cent) less the discount, rounded
half-up to the cent **once**. Line amounts and the subtotal are shown rounded the same way, and
the discount shown is the subtotal shown minus the total, so the printed figures add up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import HUNDRED, parse_hundredths, round_half_up
from wzdesk.core.values import Value

E = TypeVar("E", bound=StrEnum)

#: A consulting day. The policy's rates imply it: $1,200/day is 8 × $150/h, $1,000/day is
#: 8 × $125/h. (Not the SLA's 10-hour support day: that one counts the desk's opening hours.)
HOURS_PER_DAY = 8
#: Logging time past this share of a role's quoted hours warns (percent).
WARNING_PERCENT = 80
#: The largest quantity on one quote line or time entry, in hundredths (a typo guard).
MAX_QUANTITY = 10_000 * HUNDRED


class ServiceRole(StrEnum):
    """Who does the work, as the policy's rate card names them (keys for scripts)."""

    COORDINATOR = "coordinator"
    SPECIALIST = "specialist"
    PROGRAMMER = "programmer"


ROLE_NAMES: Mapping[ServiceRole, str] = {
    ServiceRole.COORDINATOR: "Project Coordinator / Business Analyst",
    ServiceRole.SPECIALIST: "Implementation Specialist / Consultant",
    ServiceRole.PROGRAMMER: "Programmer Analyst / Developer",
}


class Rate(Value):
    """A role's day and hour rates, in cents."""

    _fields = ("day_cents", "hour_cents")
    day_cents: int
    hour_cents: int

    def __init__(self, day_cents: int, hour_cents: int) -> None:
        self._set(day_cents=day_cents, hour_cents=hour_cents)

    def for_unit(self, unit: Unit) -> int:
        """The rate a quantity in ``unit`` is priced at."""
        return self.day_cents if unit is Unit.DAYS else self.hour_cents


#: The shipped rate card, from the policy ("subject to change": rates are data after this).
DEFAULT_RATES: Mapping[ServiceRole, Rate] = {
    ServiceRole.COORDINATOR: Rate(1_200_00, 150_00),
    ServiceRole.SPECIALIST: Rate(1_000_00, 125_00),
    ServiceRole.PROGRAMMER: Rate(1_000_00, 125_00),
}


class ServiceType(StrEnum):
    """The policy's professional services, a) to j)."""

    A = "a"
    B = "b"
    C = "c"
    D = "d"
    E = "e"
    F = "f"
    G = "g"
    H = "h"
    I = "i"  # noqa: E741 (the policy's own letter)
    J = "j"


SERVICE_TYPE_NAMES: Mapping[ServiceType, str] = {
    ServiceType.A: "New feature configuration, configuration tweaks and policy adjustments",
    ServiceType.B: "New suite or module implementation",
    ServiceType.C: "Training",
    ServiceType.D: "Guidance on unique, client specific processes and configuration",
    ServiceType.E: "Data/error corrections caused by the client",
    ServiceType.F: "Data loads and mass data changes",
    ServiceType.G: "Report and extract tweaks",
    ServiceType.H: "Custom extract, analytic or report development",
    ServiceType.I: "Paid application enhancements",
    ServiceType.J: "Interfaces and integrations with third party applications",
}


class Unit(StrEnum):
    """What a quote line's quantity counts."""

    HOURS = "h"
    DAYS = "d"


_UNIT_WORDS = {"h": Unit.HOURS, "hour": Unit.HOURS, "hours": Unit.HOURS, "d": Unit.DAYS}
_UNIT_WORDS |= {"day": Unit.DAYS, "days": Unit.DAYS}


class QuoteStatus(StrEnum):
    """A quote's life: draft → sent → approved / declined; approved → in progress → done."""

    DRAFT = "draft"
    SENT = "sent"
    APPROVED = "approved"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def takes_time(self) -> bool:
        """Work may be logged against it (approved and not finished)."""
        return self in (QuoteStatus.APPROVED, QuoteStatus.IN_PROGRESS)

    @property
    def is_final(self) -> bool:
        return self in (QuoteStatus.DECLINED, QuoteStatus.DONE)


#: Each move: the verb scripts use, the statuses it starts from, the status it leads to.
QUOTE_MOVES: Mapping[str, tuple[frozenset[QuoteStatus], QuoteStatus]] = {
    "send": (frozenset({QuoteStatus.DRAFT}), QuoteStatus.SENT),
    "approve": (frozenset({QuoteStatus.SENT}), QuoteStatus.APPROVED),
    "decline": (frozenset({QuoteStatus.SENT}), QuoteStatus.DECLINED),
    "start": (frozenset({QuoteStatus.APPROVED}), QuoteStatus.IN_PROGRESS),
    "done": (frozenset({QuoteStatus.IN_PROGRESS}), QuoteStatus.DONE),
}


def next_moves(status: QuoteStatus) -> list[str]:
    """The verbs that may follow ``status``, in the order of the contract."""
    return [verb for verb, (sources, _) in QUOTE_MOVES.items() if status in sources]


# -- parsing the vocabularies ----------------------------------------------------------------------


def parse_enum(kind: type[E], text: str, field: str) -> E:
    """``kind(text)`` (case and spaces ignored) or an InvalidInput naming field and choices."""
    try:
        return kind(text.strip().lower())
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise InvalidInput(f"expected one of {choices}, got {text!r}", field=field) from None


def parse_unit(text: str, field: str) -> Unit:
    """``h``/``hours`` or ``d``/``days``."""
    unit = _UNIT_WORDS.get(text.strip().lower())
    if unit is None:
        raise InvalidInput(f"expected h (hours) or d (days), got {text!r}", field=field)
    return unit


def parse_quantity(text: str, field: str) -> int:
    """Hours or days: more than zero, at most two decimals, in hundredths."""
    return parse_hundredths(text, field, what="a quantity", maximum=MAX_QUANTITY)


class LineSpec(Value):
    """One quote line as asked for: role × quantity in a unit (priced later)."""

    _fields = ("role", "quantity", "unit")
    role: ServiceRole
    quantity: int  # hundredths
    unit: Unit

    def __init__(self, role: ServiceRole, quantity: int, unit: Unit) -> None:
        self._set(role=role, quantity=quantity, unit=unit)


def parse_line_spec(text: str, field: str = "--line") -> LineSpec:
    """``ROLE:QTY:h|d``, e.g. ``programmer:12.5:h`` or ``coordinator:2:d``."""
    parts = text.split(":")
    if len(parts) != 3:
        raise InvalidInput(
            f"expected ROLE:QTY:h|d such as programmer:12.5:h, got {text!r}", field=field
        )
    role = parse_enum(ServiceRole, parts[0], field)
    return LineSpec(role, parse_quantity(parts[1], field), parse_unit(parts[2], field))


# -- quotes ---------------------------------------------------------------------------------------


class PricedLine(Value):
    """A quote line with the rate it was priced at (the role's rate when the quote was made)."""

    _fields = ("role", "quantity", "unit", "rate_cents")
    role: ServiceRole
    quantity: int  # hundredths of the unit
    unit: Unit
    rate_cents: int  # per unit

    def __init__(self, role: ServiceRole, quantity: int, unit: Unit, rate_cents: int) -> None:
        self._set(role=role, quantity=quantity, unit=unit, rate_cents=rate_cents)

    @property
    def exact_amount(self) -> int:
        """quantity × rate, exactly, in hundredths of a cent."""
        return self.quantity * self.rate_cents

    @property
    def amount_cents(self) -> int:
        """The line's amount as shown: rounded half-up to the cent."""
        return round_half_up(self.exact_amount, HUNDRED)

    @property
    def hours(self) -> int:
        """The hours the line buys, in hundredths (a day is :data:`HOURS_PER_DAY` hours)."""
        return self.quantity * (HOURS_PER_DAY if self.unit is Unit.DAYS else 1)


class QuoteTotals(Value):
    """What a quote comes to, in cents; ``subtotal - discount == total`` always."""

    _fields = ("subtotal_cents", "discount_cents", "total_cents")
    subtotal_cents: int
    discount_cents: int
    total_cents: int

    def __init__(self, subtotal_cents: int, discount_cents: int, total_cents: int) -> None:
        self._set(
            subtotal_cents=subtotal_cents, discount_cents=discount_cents, total_cents=total_cents
        )


def price_line(spec: LineSpec, rate: Rate) -> PricedLine:
    """Price a line at ``rate`` (the role's rate card entry the quote keeps)."""
    return PricedLine(spec.role, spec.quantity, spec.unit, rate.for_unit(spec.unit))


def quote_totals(lines: Iterable[PricedLine], discount: int = 0) -> QuoteTotals:
    """Subtotal, discount and total of ``lines`` with ``discount`` (hundredths of a percent).

    The total is the exact sum of the lines less the discount, rounded half-up to the cent
    once; the subtotal is the exact sum rounded the same way; the discount is their difference.
    """
    return discounted(sum(line.exact_amount for line in lines), discount)


def discounted(exact: int, discount: int) -> QuoteTotals:
    """``exact`` (hundredths of a cent) less ``discount`` (hundredths of a percent), rounded
    half-up to the cent once."""
    full = 100 * HUNDRED
    if not 0 <= discount <= full:
        raise ValueError("a discount lies between 0 and 100 percent")
    subtotal = round_half_up(exact, HUNDRED)
    total = round_half_up(exact * (full - discount), HUNDRED * full)
    return QuoteTotals(subtotal, subtotal - total, total)


def hours_by_role(lines: Iterable[PricedLine]) -> dict[ServiceRole, int]:
    """Quoted hours per role (hundredths), in rate-card order."""
    totals: dict[ServiceRole, int] = {}
    for line in lines:
        totals[line.role] = totals.get(line.role, 0) + line.hours
    return {role: totals[role] for role in ServiceRole if role in totals}


# -- time against a quote --------------------------------------------------------------------------


class RoleUsage(Value):
    """Time used against one role's quoted hours (hundredths)."""

    _fields = ("role", "quoted", "used")
    role: ServiceRole
    quoted: int
    used: int

    def __init__(self, role: ServiceRole, quoted: int, used: int) -> None:
        self._set(role=role, quoted=quoted, used=used)

    @property
    def percent(self) -> int:
        """Whole percent used (rounded half-up); 0 when nothing was quoted."""
        return round_half_up(self.used * 100, self.quoted) if self.quoted else 0

    @property
    def at_warning(self) -> bool:
        """At or past :data:`WARNING_PERCENT` of the quoted hours."""
        return self.used * 100 >= WARNING_PERCENT * self.quoted

    @property
    def overrun(self) -> bool:
        """Past the quoted hours."""
        return self.used > self.quoted


def usage(quoted: Mapping[ServiceRole, int], used: Mapping[ServiceRole, int]) -> list[RoleUsage]:
    """Used against quoted for every role on the quote (and any logged without a line)."""
    roles = [r for r in ServiceRole if r in quoted or r in used]
    return [RoleUsage(r, quoted.get(r, 0), used.get(r, 0)) for r in roles]


def hours_still_quoted(quoted: Mapping[ServiceRole, int], used: Mapping[ServiceRole, int]) -> int:
    """The hours a quote still promises (hundredths): each role's quoted hours not yet logged.

    A role logged past its quote (an allowed overrun) promises nothing more, and its excess
    does not free another role's hours: each role is held to its own line.
    """
    return sum(max(0, hours - used.get(role, 0)) for role, hours in quoted.items())


def time_amount(hours: int, hour_rate_cents: int) -> int:
    """The value of ``hours`` (hundredths) at an hour rate, rounded half-up to the cent."""
    return round_half_up(hours * hour_rate_cents, HUNDRED)


# -- prepaid hours ---------------------------------------------------------------------------------


class Tier(Value):
    """A volume discount: buying at least ``min_hours`` (hundredths) earns ``discount``."""

    _fields = ("min_hours", "discount")
    min_hours: int
    discount: int  # hundredths of a percent

    def __init__(self, min_hours: int, discount: int) -> None:
        self._set(min_hours=min_hours, discount=discount)


def tier_for(tiers: Iterable[Tier], hours: int) -> Tier | None:
    """The best tier a purchase of ``hours`` reaches (the one with the highest threshold)."""
    reached = [tier for tier in tiers if tier.min_hours <= hours]
    return max(reached, key=lambda tier: tier.min_hours) if reached else None


class PrepaidPrice(Value):
    """What a block of hours costs: list price, the tier's discount, the price paid (cents)."""

    _fields = ("list_cents", "discount_cents", "price_cents", "discount")
    list_cents: int
    discount_cents: int
    price_cents: int
    discount: int  # hundredths of a percent

    def __init__(
        self, list_cents: int, discount_cents: int, price_cents: int, discount: int
    ) -> None:
        self._set(
            list_cents=list_cents,
            discount_cents=discount_cents,
            price_cents=price_cents,
            discount=discount,
        )


def prepaid_price(hours: int, hour_rate_cents: int, tiers: Sequence[Tier]) -> PrepaidPrice:
    """Price ``hours`` at ``hour_rate_cents`` after the volume tier reached, rounded once."""
    tier = tier_for(tiers, hours)
    discount = tier.discount if tier else 0
    totals = discounted(hours * hour_rate_cents, discount)
    return PrepaidPrice(totals.subtotal_cents, totals.discount_cents, totals.total_cents, discount)


def running_balance(movements: Iterable[tuple[int, int]]) -> list[int]:
    """The balance after each (hours in, hours out) movement, oldest first."""
    balance, after = 0, []
    for hours_in, hours_out in movements:
        balance += hours_in - hours_out
        after.append(balance)
    return after
