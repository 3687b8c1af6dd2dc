"""The services arithmetic: exact money, quote totals rounded once, tiers, time against quotes.

The property tests compare against an independent reference in :class:`fractions.Fraction`
(exact rationals), rounding half-up with :mod:`decimal`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wzdesk.core.billing import (
    DEFAULT_RATES,
    HOURS_PER_DAY,
    QUOTE_MOVES,
    LineSpec,
    PricedLine,
    QuoteStatus,
    RoleUsage,
    ServiceRole,
    ServiceType,
    Tier,
    Unit,
    hours_by_role,
    next_moves,
    parse_line_spec,
    prepaid_price,
    price_line,
    quote_totals,
    running_balance,
    tier_for,
    time_amount,
)
from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import (
    display_money,
    format_cents,
    parse_cents,
    parse_percent,
    round_half_up,
)


def reference_cents(value: Fraction) -> int:
    """``value`` dollars rounded half-up to the cent, computed without the code under test."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return int((exact * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


lines_strategy = st.lists(
    st.builds(
        PricedLine,
        st.sampled_from(list(ServiceRole)),
        st.integers(1, 1_000_00),  # 0.01 to 1,000.00 hours or days
        st.sampled_from(list(Unit)),
        st.integers(1, 5_000_00),  # $0.01 to $5,000.00 a unit
    ),
    min_size=1,
    max_size=12,
)


@given(lines_strategy, st.integers(0, 100_00))
def test_total_is_the_sum_of_lines_after_discount_rounded_half_up_once(
    lines: list[PricedLine], discount: int
) -> None:
    exact_sum = sum(Fraction(line.quantity, 100) * Fraction(line.rate_cents, 100) for line in lines)
    after_discount = exact_sum * (1 - Fraction(discount, 100_00))
    totals = quote_totals(lines, discount)
    assert totals.total_cents == reference_cents(after_discount)
    assert totals.subtotal_cents == reference_cents(exact_sum)
    assert totals.subtotal_cents - totals.discount_cents == totals.total_cents
    assert 0 <= totals.total_cents <= totals.subtotal_cents


def test_rounding_happens_once_not_per_line() -> None:
    # Two lines of 0.01 h at $0.50: each is half a cent. Rounded per line they would make
    # 2 cents; the exact sum is 1 cent.
    half_cent = PricedLine(ServiceRole.PROGRAMMER, 1, Unit.HOURS, 50)
    assert half_cent.amount_cents == 1  # shown rounded half-up
    assert quote_totals([half_cent, half_cent]).total_cents == 1
    # A discount applies to the exact sum: 3 × 0.5 cent = 1.5 cents, less 10% = 1.35 → 1.
    assert quote_totals([half_cent] * 3, 10_00).total_cents == 1


def test_policy_example_quote() -> None:
    card = DEFAULT_RATES
    lines = [
        price_line(
            LineSpec(ServiceRole.COORDINATOR, 1_00, Unit.DAYS), card[ServiceRole.COORDINATOR]
        ),
        price_line(
            LineSpec(ServiceRole.SPECIALIST, 10_00, Unit.HOURS), card[ServiceRole.SPECIALIST]
        ),
        price_line(
            LineSpec(ServiceRole.PROGRAMMER, 2_60, Unit.HOURS), card[ServiceRole.PROGRAMMER]
        ),
    ]
    totals = quote_totals(lines)
    assert format_cents(totals.total_cents) == "2775.00"
    assert display_money(totals.total_cents) == "$2,775.00"
    assert hours_by_role(lines) == {
        ServiceRole.COORDINATOR: HOURS_PER_DAY * 100,
        ServiceRole.SPECIALIST: 10_00,
        ServiceRole.PROGRAMMER: 2_60,
    }
    with_discount = quote_totals(lines, parse_percent("12.5", "--discount"))
    assert (with_discount.subtotal_cents, with_discount.discount_cents) == (277500, 34687)
    assert with_discount.total_cents == 242813  # 2428.125 rounds half-up


def test_shipped_rates_are_the_policys() -> None:
    assert DEFAULT_RATES[ServiceRole.COORDINATOR].day_cents == 1_200_00
    assert DEFAULT_RATES[ServiceRole.COORDINATOR].hour_cents == 150_00
    for role in (ServiceRole.SPECIALIST, ServiceRole.PROGRAMMER):
        assert (DEFAULT_RATES[role].day_cents, DEFAULT_RATES[role].hour_cents) == (1_000_00, 125_00)
    # The day rate is eight hours' worth, for every role of the shipped card.
    for rate in DEFAULT_RATES.values():
        assert rate.day_cents == HOURS_PER_DAY * rate.hour_cents
    assert [t.value for t in ServiceType] == list("abcdefghij")


@pytest.mark.parametrize(
    ("text", "cents"), [("1200", 120000), ("125.5", 12550), ("0.01", 1), (".5", 50), ("7.", 700)]
)
def test_parse_cents(text: str, cents: int) -> None:
    assert parse_cents(text, "--day") == cents


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("125.505", "at most two decimals"),
        ("-5", "must not be negative"),
        ("0", "more than zero"),
        ("abc", "expected an amount"),
        ("nan", "expected an amount"),
        ("1,200", "expected an amount"),
        ("100000000", "at most"),
        # Decimal's other spellings, which nobody means as an amount (QA finding 9):
        ("1e3", "expected an amount such as 12.50, got '1e3'"),
        ("1E2", "expected an amount"),
        ("1_0", "expected an amount"),
        ("+5", "expected an amount"),
        ("Infinity", "expected an amount"),
        ("١٢", "expected an amount"),
    ],
)
def test_parse_cents_refuses_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_cents(text, "--hour")
    assert caught.value.field == "--hour"
    assert message in caught.value.message


def test_percent_bounds() -> None:
    assert parse_percent("0", "--discount") == 0
    assert parse_percent("100", "--discount") == 100_00
    for bad in ("100.01", "-1", "5.555", "1E2", "1e1"):
        with pytest.raises(InvalidInput):
            parse_percent(bad, "--discount")


def test_line_specs() -> None:
    assert parse_line_spec("programmer:12.5:h") == LineSpec(
        ServiceRole.PROGRAMMER, 12_50, Unit.HOURS
    )
    assert parse_line_spec("Coordinator:2:days") == LineSpec(
        ServiceRole.COORDINATOR, 2_00, Unit.DAYS
    )
    for bad, message in [
        ("programmer:0:h", "more than zero"),
        ("programmer:-1:h", "negative"),
        ("boss:1:h", "expected one of coordinator, specialist, programmer"),
        ("programmer:1:weeks", "expected h (hours) or d (days)"),
        ("programmer:1", "ROLE:QTY:h|d"),
        ("programmer:1.001:h", "at most two decimals"),
        ("programmer:1e1:h", "expected a quantity such as 12.50, got '1e1'"),
        ("programmer:1_0:h", "expected a quantity such as 12.50, got '1_0'"),
    ]:
        with pytest.raises(InvalidInput) as caught:
            parse_line_spec(bad)
        assert caught.value.field == "--line"
        assert message in caught.value.message, bad


def test_quote_moves_follow_the_contract() -> None:
    assert next_moves(QuoteStatus.DRAFT) == ["send"]
    assert next_moves(QuoteStatus.SENT) == ["approve", "decline"]
    assert next_moves(QuoteStatus.APPROVED) == ["start"]
    assert next_moves(QuoteStatus.IN_PROGRESS) == ["done"]
    assert next_moves(QuoteStatus.DECLINED) == next_moves(QuoteStatus.DONE) == []
    assert {target for _, target in QUOTE_MOVES.values()} == set(QuoteStatus) - {QuoteStatus.DRAFT}


def test_usage_warning_and_overrun() -> None:
    assert not RoleUsage(ServiceRole.PROGRAMMER, 10_00, 7_99).at_warning
    assert RoleUsage(ServiceRole.PROGRAMMER, 10_00, 8_00).at_warning
    assert RoleUsage(ServiceRole.PROGRAMMER, 10_00, 8_00).percent == 80
    assert not RoleUsage(ServiceRole.PROGRAMMER, 10_00, 10_00).overrun
    assert RoleUsage(ServiceRole.PROGRAMMER, 10_00, 10_01).overrun
    assert time_amount(1_50, 125_00) == 187_50


def test_tiers() -> None:
    tiers = [Tier(40_00, 5_00), Tier(80_00, 10_00), Tier(160_00, 12_50)]
    assert tier_for(tiers, 39_99) is None
    assert tier_for(tiers, 40_00) == tiers[0]
    assert tier_for(tiers, 100_00) == tiers[1]
    assert tier_for(list(reversed(tiers)), 500_00) == tiers[2]
    price = prepaid_price(80_00, 125_00, tiers)
    assert (price.list_cents, price.discount_cents, price.price_cents) == (
        10_000_00,
        1_000_00,
        9_000_00,
    )
    assert prepaid_price(10_00, 125_00, []).discount_cents == 0


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)), max_size=50))
def test_running_balance_is_the_cumulative_sum(movements: list[tuple[int, int]]) -> None:
    after = running_balance(movements)
    assert len(after) == len(movements)
    if movements:
        assert after[-1] == sum(i for i, _ in movements) - sum(o for _, o in movements)


@given(st.integers(0, 10**12), st.integers(1, 10**6))
def test_round_half_up_matches_decimal(numerator: int, denominator: int) -> None:
    exact = Decimal(numerator) / Decimal(denominator)
    assert round_half_up(numerator, denominator) == int(
        exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    )
