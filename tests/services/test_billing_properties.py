"""Property tests of the services ledger on each backend: prepaid balances never drift over
random purchases and time entries, and rate changes never alter an existing quote.

Each example works on a client (or case) of its own in the same database, so examples do not
need a fresh database each.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import new_case
from wzdesk.core.billing import LineSpec, ServiceRole, Unit, hours_by_role, price_line
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import InvalidInput
from wzdesk.core.money import format_hundredths
from wzdesk.services import cases
from wzdesk.services.billing import prepaid, quotes, rates, time_log
from wzdesk.services.billing.common import support_date
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client, add_contact
from wzdesk.store.models import ALL_MODELS

PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_numbers = itertools.count(1)


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def new_client(ctx: ServiceContext) -> str:
    """A client of this example's own, with a primary admin who has an email address."""
    code = f"P{next(_numbers)}"
    add_client(ctx, code, f"Property client {code}")
    add_contact(ctx, code, "Ana Diaz", f"ana@{code.lower()}.example", None, admin_rank="primary")
    return code


def approved_prepaid_quote(ctx: ServiceContext, code: str, hours: int) -> int:
    """A quote of ``hours`` specialist hours, approved to draw on prepaid hours."""
    case = cases.open_case(
        ctx, new_case(client=code, contact=f"ana@{code.lower()}.example", category="services")
    )
    quote = quotes.new_quote(
        ctx, str(case.ref), "f", "Data load", [LineSpec(ServiceRole.SPECIALIST, hours, Unit.HOURS)]
    )
    quotes.move_quote(ctx, quote.id, "send")
    quotes.move_quote(ctx, quote.id, "approve", prepaid=True)
    return quote.id


operations = st.lists(
    st.tuples(st.sampled_from(["buy", "time"]), st.integers(1, 40_00)), min_size=1, max_size=12
)


@PROPERTY_SETTINGS
@given(first_purchase=st.integers(1_00, 40_00), steps=operations)
def test_prepaid_balance_never_drifts(
    supervisor: ServiceContext, first_purchase: int, steps: list[tuple[str, int]]
) -> None:
    code = new_client(supervisor)
    prepaid.buy(supervisor, code, first_purchase)
    quote_id = approved_prepaid_quote(supervisor, code, first_purchase)
    expected = first_purchase
    for kind, hours in steps:
        if kind == "buy":
            prepaid.buy(supervisor, code, hours)
            expected += hours
        elif hours > expected:
            before = counts()
            with pytest.raises(InvalidInput) as caught:
                time_log.log_time(supervisor, quote_id, "specialist", hours, allow_overrun=True)
            assert caught.value.field == "--hours"
            assert counts() == before
        else:
            time_log.log_time(supervisor, quote_id, "specialist", hours, allow_overrun=True)
            expected -= hours
        result = prepaid.balance(code)
        assert result["balance_hours"] == format_hundredths(expected)
        running = [line["balance"] for line in result["lines"]]
        assert running[-1] == result["balance_hours"]
        assert all(not value.startswith("-") for value in running)
        hours_in = sum(int(line["hours_in"].replace(".", "")) for line in result["lines"])
        hours_out = sum(int(line["hours_out"].replace(".", "")) for line in result["lines"])
        assert result["purchased_hours"] == format_hundredths(hours_in)
        assert result["used_hours"] == format_hundredths(hours_out)
        assert hours_in - hours_out == expected


line_specs = st.lists(
    st.builds(
        LineSpec,
        st.sampled_from(list(ServiceRole)),
        st.integers(1, 500_00),
        st.sampled_from(list(Unit)),
    ),
    min_size=1,
    max_size=6,
)


@PROPERTY_SETTINGS
@given(
    drafts=st.lists(st.tuples(line_specs, st.integers(0, 100_00)), min_size=1, max_size=3),
    role=st.sampled_from(list(ServiceRole)),
    day=st.integers(1, 5_000_00),
    hour=st.integers(1, 1_000_00),
)
def test_rate_changes_never_alter_existing_quotes(
    supervisor: ServiceContext,
    clock: FixedClock,
    drafts: list[tuple[list[LineSpec], int]],
    role: ServiceRole,
    day: int,
    hour: int,
) -> None:
    code = new_client(supervisor)
    case = cases.open_case(supervisor, new_case(client=code, contact=f"ana@{code.lower()}.example"))
    ref = str(case.ref)
    made = [quotes.new_quote(supervisor, ref, "a", "Scope", specs, off) for specs, off in drafts]
    views: dict[int, Any] = {q.id: quotes.show_quote(q.id) for q in made}
    today = support_date(clock.now())
    rates.set_rate(supervisor, role.value, day, hour, today + timedelta(days=1))
    clock.advance(timedelta(days=1))
    for quote in made:
        assert quotes.show_quote(quote.id) == views[quote.id]
    # Editing an older draft re-prices its lines on the card of the day it was made.
    specs, off = drafts[0]
    quotes.edit_quote(supervisor, made[0].id, lines=specs)
    edited = quotes.show_quote(made[0].id)
    assert edited["lines"] == views[made[0].id]["lines"]
    assert edited["total"] == views[made[0].id]["total"]
    # A quote made now uses the new rate for that role.
    fresh = quotes.new_quote(supervisor, ref, "a", "Scope", specs, off)
    new_card = rates.rate_card(support_date(clock.now()))
    assert new_card[role].day_cents == day and new_card[role].hour_cents == hour
    expected = [price_line(spec, new_card[spec.role]) for spec in specs]
    view = quotes.show_quote(fresh.id)
    assert [line["rate"] for line in view["lines"]] == [
        format_hundredths(line.rate_cents) for line in expected
    ]
    assert view["quoted_hours"] == format_hundredths(sum(hours_by_role(expected).values()))
