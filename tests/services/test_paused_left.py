"""``case.paused_left``: the frozen time left the search orders paused cases by.

The search trusts it: a stale value would rank a paused case wrongly or let it fall past a
page it belongs on (``urgency.first_in_order`` stops reading the paused cases at a value). So
every use case that moves what it is computed from writes it anew, and the migration fills it
in for the cases paused when it runs. The reference is :func:`core.case_sla.paused_left` over
the row as stored now."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import peewee
import pytest

from tests.conftest import new_case
from wzdesk.core.case_sla import RESPONSE_RUNNING, paused_left
from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity
from wzdesk.services import cases, search
from wzdesk.services.calendar import add_holiday, load_policy_book
from wzdesk.services.context import ServiceContext
from wzdesk.services.demo import generate
from wzdesk.services.quick_case_reads import quick_case_list
from wzdesk.store.database import open_database
from wzdesk.store.migrations import MIGRATIONS, _paused_order
from wzdesk.store.models import Case


def _expected(case: Case) -> float | None:
    calendar = load_policy_book().by_id(case.policy_id).calendar_for(Severity(case.severity))
    return paused_left(
        calendar,
        bool(case.is_open),
        case.first_response_at is not None,
        None if case.paused_since is None else case.paused_since.timestamp(),
        case.resolution_due.timestamp(),
        case.resolution_paused_after_due,
    )


def _assert_true_everywhere() -> int:
    """Every case's stored value is the reference's (to the rounding of two conversions);
    returns how many cases store one."""
    stored = 0
    for case in Case.select():
        expected = _expected(case)
        if expected is None:
            assert case.paused_left is None, case.ref
        else:
            assert case.paused_left == pytest.approx(expected, abs=1e-6), case.ref
            stored += 1
    return stored


def _left(ref: str) -> Any:
    return Case.get(Case.ref == ref).paused_left


def test_each_use_case_keeps_it_true(
    supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    answered = cases.open_case(supervisor, new_case(severity="major")).ref
    unanswered = cases.open_case(supervisor, new_case(severity="minor")).ref
    cases.reply(supervisor, answered, "Could you send the log?")
    clock.advance(timedelta(hours=2))
    cases.set_status(supervisor, answered, "waiting_client")
    cases.set_status(supervisor, unanswered, "waiting_client")
    assert _left(answered) > 0  # answered and paused: its frozen time left
    assert _left(unanswered) == RESPONSE_RUNNING  # its response target runs: read first
    assert _assert_true_everywhere() == 2

    clock.advance(timedelta(hours=1))
    cases.change_severity(supervisor, answered, "critical")  # a new target while paused
    assert _assert_true_everywhere() == 2
    cases.reply(supervisor, unanswered, "Which version are you on?")  # answered while paused
    assert _left(unanswered) > 0
    assert _assert_true_everywhere() == 2

    before = _left(answered)
    # A holiday on the day it came in: the time it had used before the pause is given back.
    add_holiday(supervisor, date(2026, 3, 9), "Closed Monday")
    assert _left(answered) != before
    assert _assert_true_everywhere() == 2

    clock.advance(timedelta(hours=1))
    cases.set_status(supervisor, answered, "open")  # the client answered: running again
    assert _left(answered) is None
    cases.resolve(supervisor, unanswered, "Fixed in 4.2.")
    assert _left(unanswered) is None
    cases.reopen(supervisor, unanswered, "Still failing")
    assert _assert_true_everywhere() == 0


def test_the_demo_writes_it(database: peewee.Database, clock: FixedClock) -> None:
    generate(clock, 300)
    assert _assert_true_everywhere() > 10


def test_the_migration_fills_it_in_for_the_cases_paused_then(
    database: peewee.Database, database_url: str, clock: FixedClock
) -> None:
    generate(clock, 300)
    expected = {case.id: case.paused_left for case in Case.select()}
    assert sum(left is not None for left in expected.values()) > 10
    # Back to the schema before the column: the migration runs again on the next open.
    for index in ("case_running_next_due", "case_paused_left", "case_view_count"):
        database.execute_sql(f'DROP INDEX "{index}"')
    database.execute_sql('ALTER TABLE "case" DROP COLUMN paused_left')
    # That migration and the later ones run again (theirs are CREATE ... IF NOT EXISTS).
    version = MIGRATIONS.index(_paused_order) + 1
    database.execute_sql(f"DELETE FROM wzdesk_schema WHERE version >= {version}")
    database.close()
    open_database(database_url)
    after = {case.id: case.paused_left for case in Case.select()}
    assert after.keys() == expected.keys()
    for case_id, left in expected.items():
        assert after[case_id] == (None if left is None else pytest.approx(left, abs=1e-6))


def test_a_page_of_at_risk_cases_reads_a_page_not_the_paused_ones(
    database: peewee.Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13's count of work: the cases ranked for a page of 20 at-risk cases. Before the
    paused cases had their own stream, every at-risk case that paused long ago sorted first by
    its stale due instant, and the search ranked them all (here about 200 paused ones)."""
    generate(clock, 1200)
    later = clock.now() + timedelta(days=20)  # the paused cases' due instants are long past
    # Half the answered open cases paused, all at risk: after the at-risk instant, before due.
    answered = Case.select().where(Case.is_open & Case.first_response_at.is_null(False))
    for case in list(answered)[::2]:
        since = case.resolution_at_risk_at + (case.resolution_due - case.resolution_at_risk_at) / 2
        Case.update(paused_since=since, paused_left=None).where(Case.id == case.id).execute()
    for case in Case.select().where(Case.paused_since.is_null(False)):
        Case.update(paused_left=_expected(case)).where(Case.id == case.id).execute()
    ranked: list[int] = []
    reading = search._urgency_rows

    def counted(case_ids: Any) -> Any:
        ranked.extend(case_ids)
        return reading(case_ids)

    monkeypatch.setattr(search, "_urgency_rows", counted)
    ctx = search.SearchContext(later, "kim", load_policy_book())
    page = search.search_ids("is:at-risk", ctx, 20)
    everything = search.search_ids("is:at-risk", ctx, None)
    at_risk_paused = Case.select().where(Case.id.in_(everything) & Case.paused_since.is_null(False))
    assert at_risk_paused.count() >= 150  # the pile the old walk had to rank
    assert page == everything[:20]
    assert len(ranked) - len(everything) < 150  # the page's rounds, not every at-risk case


@pytest.mark.parametrize("hours", [0, 3, 30, 24 * 12])
def test_pages_agree_with_ranking_every_match(
    database: peewee.Database, clock: FixedClock, hours: int
) -> None:
    """The two streams against ranking every match (``first_in_order`` with no limit), and
    the matches against the plain condition (no streams, no walk from now). A few cases are
    set waiting on the client before any reply, as the console allows: their response
    target runs on while paused."""
    generate(clock, 600)
    unanswered = Case.select().where(
        Case.is_open & Case.first_response_at.is_null() & Case.paused_since.is_null()
    )
    for case in list(unanswered)[:12]:
        Case.update(
            paused_since=case.received_at + timedelta(minutes=30), paused_left=RESPONSE_RUNNING
        ).where(Case.id == case.id).execute()
    ctx = search.SearchContext(clock.now() + timedelta(hours=hours), "kim", load_policy_book())
    for query in ("", "is:at-risk", "at-risk sev:minor", "is:paused", "-is:paused", "sev:major"):
        everything = search.search_ids(query, ctx, None)
        assert set(everything) == set(search.search_ids(query, ctx, None, ordered=False))
        for limit in (1, 7, 20, 90):
            assert search.search_ids(query, ctx, limit) == everything[:limit], (query, limit)


def _paused_at_risk_and_late(clock: FixedClock) -> list[Case]:
    """A demo desk where 200 answered open cases are paused: every other one midway between
    its resolution's at-risk and due instants (at risk), the others an hour after it fell
    due (breached while paused, a negative time left); returns the latter."""
    generate(clock, 600)
    answered = Case.select().where(Case.is_open & Case.first_response_at.is_null(False))
    late = []
    for index, case in enumerate(list(answered.order_by(Case.id))[:200]):
        risk, due = case.resolution_at_risk_at, case.resolution_due
        since = risk + (due - risk) / 2 if index % 2 else due + timedelta(hours=1)
        Case.update(paused_since=since).where(Case.id == case.id).execute()
        if not index % 2:
            late.append(Case.get_by_id(case.id))
    for case in Case.select().where(Case.paused_since.is_null(False)):
        Case.update(paused_left=_expected(case)).where(Case.id == case.id).execute()
    return late


def test_at_risk_skips_no_paused_case_its_condition_takes(
    supervisor: ServiceContext,
    database_url: str,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``at-risk`` carries a term implied by the rest (``queries._frozen_in_time``) so that the
    paused cases' walk skips the breached ones on the index. Against the condition without
    it: long after the pauses, and at instants before a late pause began (a clock set back:
    then that case is at risk, though its stored time left is negative)."""
    from wzdesk.store import queries

    late = _paused_at_risk_and_late(clock)
    instants = [clock.now() + timedelta(days=40)]
    for case in late[:3]:  # midway between its at-risk and due instants, before its pause
        instants.append(
            case.resolution_at_risk_at + (case.resolution_due - case.resolution_at_risk_at) / 2
        )
    for index, instant in enumerate(instants):
        ctx = search.SearchContext(instant, "kim", load_policy_book())
        for query in ("at-risk", "at-risk sev:major", "-at-risk"):
            found = search.search_ids(query, ctx, None)
            for limit in (1, 20, 90):
                assert search.search_ids(query, ctx, limit) == found[:limit], (query, limit)
            with monkeypatch.context() as patch:
                patch.setattr(queries, "_frozen_in_time", lambda now: peewee.SQL("1=1"))
                plain = search.search_ids(query, ctx, None, ordered=False)
            assert set(found) == set(plain), query
            if query == "at-risk" and index == 0:
                paused = Case.select().where(Case.id.in_(found) & Case.paused_since.is_null(False))
                assert paused.count() >= 50  # the paused ones at risk are found
            if query == "at-risk" and index > 0:
                assert late[index - 1].id in found  # the clock-set-back case is found
            quick = quick_case_list(database_url, "sam", instant, None, None, None, query)
            refs = {case.id: case.ref for case in Case.select(Case.id, Case.ref)}
            assert quick is not None  # the quick path: the same page
            assert [row["ref"] for row in quick.rows] == [refs[i] for i in found], query
