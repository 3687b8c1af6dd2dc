"""Holidays and calendar changes apply to every case: adding or removing a holiday re-times every
case whose clock spans it, closed ones too (audited, one transaction), and the dry run predicts
exactly what saving then does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import NotFound
from wzdesk.services import cases
from wzdesk.services.calendar import (
    PolicyChange,
    add_holiday,
    change_policy,
    list_holidays,
    remove_holiday,
)
from wzdesk.services.case_views import show_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.reports import Period, sla_report
from wzdesk.services.sla_history import explain_case
from wzdesk.store.models import AuditEntry, Case

MONDAY = date(2026, 3, 9)


def _stored(ref: str) -> tuple[object, ...]:
    case = Case.get(Case.ref == ref)
    return (
        case.response_due,
        case.response_at_risk_at,
        case.resolution_due,
        case.resolution_at_risk_at,
        case.updated_at,
        case.version,
    )


@pytest.fixture
def desk(supervisor: ServiceContext, acme: str, clock: FixedClock) -> dict[str, str]:
    """Three cases received before Monday 9 March 11:00 (the clock is moved there)."""
    friday = cases.open_case(
        supervisor, new_case(severity="major", received_at=local(2026, 3, 6, 10))
    )
    monday = cases.open_case(
        supervisor, new_case(severity="critical", received_at=local(2026, 3, 9, 9))
    )
    closed = cases.open_case(
        supervisor, new_case(severity="critical", received_at=local(2026, 3, 9, 9, 30))
    )
    cases.resolve(supervisor, closed.ref, "Fixed.")
    cases.close(supervisor, closed.ref)
    clock.advance(timedelta(hours=1))  # Monday 11:00
    return {"friday": friday.ref, "monday": monday.ref, "closed": closed.ref}


def test_adding_a_holiday_re_times_the_cases_that_span_it(
    supervisor: ServiceContext, desk: dict[str, str], clock: FixedClock
) -> None:
    # Friday's major case: 10 business hours from Fri 10:00 -> Mon 10:00: breached at 11:00.
    assert Case.get(Case.ref == desk["friday"]).response_due == local(2026, 3, 9, 10)
    row = add_holiday(supervisor, MONDAY, "Closed Monday")
    moves = {move.ref: move for move in row.retiming.moves}
    assert set(moves) == set(desk.values())  # the closed case too
    friday = Case.get(Case.ref == desk["friday"])
    assert friday.response_due == local(2026, 3, 10, 10)  # Tuesday 10:00 now
    assert friday.updated_at == clock.now()
    assert moves[desk["friday"]].response_shift == 24 * 3600
    assert moves[desk["friday"]].no_longer_breached == ["response"]
    # Monday's critical case, received on the new holiday: the clock starts Tuesday 08:00.
    monday = Case.get(Case.ref == desk["monday"])
    assert monday.response_due == local(2026, 3, 10, 12)
    # The closed case, received then too, answered and resolved at once: still met.
    assert Case.get(Case.ref == desk["closed"]).response_due == local(2026, 3, 10, 12)
    closed = moves[desk["closed"]]
    assert (closed.response_after, closed.resolution_after) == ("met", "met")
    audited = {e.entity_id for e in AuditEntry.select().where(AuditEntry.action == "case.retime")}
    assert audited == set(desk.values())


def test_a_holiday_added_after_a_close_re_times_the_closed_case(
    agent: ServiceContext, supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    """The review's r3: two critical cases received Mon 16 November 09:00, answered, resolved
    Thu 10:00 (due Wed 13:00: late), the second closed; then Tue 17 becomes a holiday (due
    Thu 13:00: met). The closed one stayed late in its stored state, the list and report sla,
    while explain, sla events and the report as of before the close said met."""
    refs = []
    for _ in range(2):
        clock.advance(local(2026, 11, 16, 9) - clock.now())
        refs.append(str(cases.open_case(agent, new_case()).ref))
        clock.advance(timedelta(minutes=30))
        cases.reply(agent, refs[-1], "On it")
        clock.advance(local(2026, 11, 19, 10) - clock.now())
        cases.resolve(agent, refs[-1], "Fixed.")
    clock.advance(timedelta(minutes=10))
    cases.close(agent, refs[1])
    clock.advance(local(2026, 11, 20, 10) - clock.now())
    retimed = add_holiday(supervisor, date(2026, 11, 17), "Holiday").retiming
    assert {move.ref for move in retimed.moves} == set(refs)
    assert all(m.resolution_before == "late" for m in retimed.moves)
    assert all(m.resolution_after == "met" for m in retimed.moves)
    period = Period(date(2026, 11, 16), date(2026, 11, 17))
    for ref in refs:
        assert Case.get(Case.ref == ref).resolution_due == local(2026, 11, 19, 13)
        shown = show_case(ref, clock.now())
        assert (shown["resolution_due"], shown["resolution_state"]) == (
            "2026-11-19T13:00:00-05:00",
            "met",
        )
        explained = explain_case(supervisor, ref)["targets"][1]
        assert (explained["due"], explained["state"]) == (shown["resolution_due"], "met")
    counts = [
        (r["resolution"]["met"], r["resolution"]["late"]) for r in sla_report(supervisor, period)
    ]
    rebuilt = sla_report(supervisor, period, all_in_python=True)
    assert counts == [(r["resolution"]["met"], r["resolution"]["late"]) for r in rebuilt]
    assert counts == [(2, 0)]


def test_removing_the_holiday_puts_them_back_and_breaches_again(
    supervisor: ServiceContext, desk: dict[str, str]
) -> None:
    original = {ref: _stored(ref)[:4] for ref in desk.values()}
    add_holiday(supervisor, MONDAY)
    retiming = remove_holiday(supervisor, MONDAY)
    assert {ref: _stored(ref)[:4] for ref in desk.values()} == original
    friday = next(m for m in retiming.moves if m.ref == desk["friday"])
    assert friday.newly_breached == ["response"]
    assert friday.response_shift == -24 * 3600


def test_a_holiday_no_clock_spans_moves_nothing(
    supervisor: ServiceContext, desk: dict[str, str]
) -> None:
    before = {ref: _stored(ref) for ref in desk.values()}
    row = add_holiday(supervisor, date(2026, 4, 3), "Good Friday")
    assert row.retiming.moves == ()
    assert {ref: _stored(ref) for ref in desk.values()} == before


@pytest.mark.parametrize("holiday", [date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 12)])
def test_the_dry_run_predicts_exactly_what_saving_does(
    supervisor: ServiceContext, desk: dict[str, str], holiday: date
) -> None:
    before = {ref: _stored(ref) for ref in desk.values()}
    audits = AuditEntry.select().count()
    dry = add_holiday(supervisor, holiday, "What if", dry_run=True)
    # Nothing was written: no holiday, same deadlines, no audit.
    assert list_holidays() == []
    assert {ref: _stored(ref) for ref in desk.values()} == before
    assert AuditEntry.select().count() == audits
    assert dry.retiming.dry_run
    saved = add_holiday(supervisor, holiday, "What if")
    assert saved.retiming.moves == dry.retiming.moves
    for move in saved.retiming.moves:
        stored = _stored(move.ref)
        assert stored[:4] == (
            move.after.response_due,
            move.after.response_at_risk_at,
            move.after.resolution_due,
            move.after.resolution_at_risk_at,
        )
    # And the same for removing it again.
    dry_removal = remove_holiday(supervisor, holiday, dry_run=True)
    assert [h.date for h in list_holidays()] == [holiday]
    assert remove_holiday(supervisor, holiday).moves == dry_removal.moves


def test_removing_an_unknown_holiday_is_refused_even_on_a_dry_run(
    supervisor: ServiceContext,
) -> None:
    with pytest.raises(NotFound):
        remove_holiday(supervisor, MONDAY, dry_run=True)


def test_a_policy_version_re_times_no_case_received_before_it(
    supervisor: ServiceContext, desk: dict[str, str], clock: FixedClock
) -> None:
    change = PolicyChange(
        effective_from=clock.now() + timedelta(hours=1), office_hours="09:00-17:00"
    )
    created, retiming = change_policy(supervisor, change, dry_run=True)
    assert retiming.moves == () and retiming.dry_run
    assert created["hours"]["mon"] == "09:00-17:00"
    _, saved = change_policy(supervisor, change)
    assert saved.moves == ()


def test_a_half_day_agrees_in_sla_due_case_show_and_the_console_queue(
    supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    from wzdesk.core.sla import Severity
    from wzdesk.services.calendar import load_policy_book
    from wzdesk.services.case_views import show_case
    from wzdesk.services.queue import QueueSnapshot

    case = cases.open_case(
        supervisor, new_case(severity="critical", received_at=local(2026, 3, 9, 9))
    )
    row = add_holiday(supervisor, date(2026, 3, 10), "Offsite", hours="08:00-12:00")
    assert row.hours == "08:00-12:00"
    (move,) = row.retiming.moves
    expected = local(2026, 3, 12, 9)  # Mon 9h + Tue 4h + Wed 10h + Thu 1h
    assert move.after.resolution_due == expected
    policy = load_policy_book().at(case.received_at)
    assert policy.resolution_due(Severity.CRITICAL, case.received_at) == expected  # sla due
    shown = show_case(case.ref, clock.now())
    assert shown["resolution_due"] == expected.isoformat()  # case show
    queue = QueueSnapshot(clock=clock)
    queue.load_all()
    (queued,) = queue.rows.values()
    assert queued.resolution_due == expected.timestamp()  # the console's queue


def test_importing_holidays_re_times_too(
    supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    from wzdesk.services.calendar import import_holidays

    # Minor, 20 business days to resolve from Monday 9 March 09:00: due Monday 6 April 09:00
    # without holidays; Ontario's Good Friday (3 April) pushes it to Tuesday 7 April.
    case = cases.open_case(supervisor, new_case(severity="minor", received_at=local(2026, 3, 9, 9)))
    assert case.resolution_due == local(2026, 4, 6, 9)
    import_holidays(supervisor, "CA", "ON", [2026])
    moved = Case.get(Case.ref == case.ref)
    assert moved.resolution_due == local(2026, 4, 7, 9)
    assert moved.updated_at == clock.now()
    assert AuditEntry.select().where(AuditEntry.action == "case.retime").count() == 1
