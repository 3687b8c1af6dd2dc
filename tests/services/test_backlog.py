"""The backlog counted cumulatively (each day adds what came in and what was resolved and
reopened since the day before) against the direct count at each day's end: received by
then, less the cases a "resolved" pause covers then. Over any period and step (hypothesis),
with cases resolved, reopened, resolved again, and a pause that ended before it started (two
consoles' clocks apart)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import load_policy_book
from wzdesk.services.reports import Period, backlog_report
from wzdesk.services.sla_history import day_start
from wzdesk.store.models import Case, SlaPause

FIRST = date(2026, 2, 23)
TODAY = date(2026, 3, 9)  # the clock fixture's Monday


def _at(clock: FixedClock, instant: datetime) -> None:
    clock.advance(instant - clock.now())


def _direct(instant: datetime) -> int:
    """The rule, asked plainly at one instant."""
    received = Case.select().where(Case.received_at <= instant).count()
    resolved = (
        SlaPause.select()
        .where(
            (SlaPause.reason == "resolved")
            & (SlaPause.started_at <= instant)
            & (SlaPause.ended_at.is_null() | (SlaPause.ended_at > instant))
        )
        .count()
    )
    return int(received - resolved)


@pytest.fixture
def history(agent: ServiceContext, acme: str, clock: FixedClock) -> None:
    """Two weeks of cases: some resolved, some reopened and resolved again, one pause whose
    end was written a day before its start."""
    now = clock.now()
    refs = []
    for index in range(14):
        received = local(2026, 2, 23, 9, 0) + timedelta(days=index, hours=index % 5)
        _at(clock, received)
        refs.append(str(cases.open_case(agent, new_case(received_at=received)).ref))
        if index % 3 == 0:
            _at(clock, received + timedelta(hours=2))
            cases.resolve(agent, refs[-1], "Fixed")
        if index % 6 == 0:
            _at(clock, received + timedelta(days=1, hours=1))
            cases.reopen(agent, refs[-1], "Not fixed")
            _at(clock, received + timedelta(days=2))
            cases.resolve(agent, refs[-1], "Fixed now")
    _at(clock, now)
    pause = SlaPause.select().where(SlaPause.reason == "resolved").order_by(SlaPause.id).first()
    assert pause is not None
    SlaPause.update(ended_at=pause.started_at - timedelta(days=1, minutes=1)).where(
        SlaPause.id == pause.id
    ).execute()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.integers(0, 19).map(lambda days: FIRST - timedelta(days=2) + timedelta(days=days)),
    length=st.integers(1, 12),
    every=st.integers(1, 7),
)
def test_the_cumulative_backlog_is_the_direct_count(
    history: None, supervisor: ServiceContext, start: date, length: int, every: int
) -> None:
    zone = load_policy_book().at(supervisor.clock.now()).calendar.zone
    end = start + timedelta(days=length)
    rows = backlog_report(supervisor, Period(start, end), None, every)
    assert bool(rows) is (start <= TODAY)  # a period wholly after today has no row
    for row in rows:
        day = date.fromisoformat(row["date"])
        assert start <= day < end, row
        instant = min(day_start(day + timedelta(days=1), zone), supervisor.clock.now())
        assert row["open"] == _direct(instant), row
    assert all(date.fromisoformat(row["date"]) <= TODAY for row in rows)


def test_a_pause_never_ends_before_it_started(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    """A reopen written by a console whose clock is a minute behind the one that resolved."""
    ref = str(cases.open_case(agent, new_case(received_at=clock.now())).ref)
    clock.advance(timedelta(hours=1))
    cases.resolve(agent, ref, "Fixed")
    clock.advance(timedelta(minutes=-1))
    cases.reopen(agent, ref, "Not fixed")
    pause = SlaPause.get(SlaPause.reason == "resolved")
    assert pause.ended_at == pause.started_at


def test_a_period_wholly_in_the_future_has_no_row(supervisor: ServiceContext) -> None:
    """A review saw ``--from 2027-01-01 --to 2027-01-08`` print today's count under today's
    date, outside the period; every other report gives no rows. Today's own row stays."""
    week = timedelta(days=7)
    assert backlog_report(supervisor, Period(TODAY + timedelta(days=1), TODAY + week)) == []
    assert backlog_report(supervisor, Period(TODAY + week, TODAY + 2 * week), None, 7) == []
    assert [row["date"] for row in backlog_report(supervisor, Period(TODAY, TODAY + week))] == [
        TODAY.isoformat()
    ]
