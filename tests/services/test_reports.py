"""Reports read a fixed number of queries whatever the number of cases."""

from __future__ import annotations

from datetime import date, timedelta

import peewee
import pytest
from playhouse.test_utils import count_queries

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.reports import (
    Period,
    backlog_report,
    channels_report,
    clients_report,
    nearest_rank,
    sla_report,
)
from wzdesk.services.sla_history import EventQuery, event_rows
from wzdesk.store import fulltext

PERIOD = Period(date(2026, 3, 1), date(2026, 3, 10))


def _queries(run: object) -> int:
    with count_queries() as counted:
        run()  # type: ignore[operator]
    return counted.count


def test_query_counts_do_not_grow_with_cases(
    supervisor: ServiceContext, agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    counts = []
    for batch in range(2):
        for i in range(3 + 5 * batch):
            made = cases.open_case(
                agent, new_case(received_at=local(2026, 3, 2, 9, 0) + timedelta(minutes=i))
            )
            if i % 2:
                cases.reply(agent, str(made.ref), "On it")
        counts.append(
            (
                _queries(lambda: sla_report(supervisor, PERIOD, "severity")),
                _queries(
                    lambda: list(
                        event_rows(supervisor, EventQuery(None, *PERIOD.__dict__.values()))
                    )
                ),
                _queries(lambda: channels_report(supervisor, PERIOD)),
                _queries(lambda: clients_report(supervisor, PERIOD)),
                _queries(
                    lambda: backlog_report(supervisor, Period(date(2026, 3, 2), date(2026, 3, 4)))
                ),
            )
        )
    assert counts[0] == counts[1]
    # report sla: policy book (3), the ids of cases with pauses or severity changes after now,
    # the ids of the cases whose timeline continues after now, one read of the other cases'
    # stored instants, and the rebuild of those cases (clients, users, pauses, severity
    # changes, cases); sla events: the book and that rebuild for every case; the rest: the book
    # and one GROUP BY (clients first the ids of cases regraded after now, to rebuild), or (the
    # backlog) the pauses that ended before they started, the merged duplicates with their
    # resolutions (left out) and three range COUNTs a day. On SQLite a period report first
    # counts the cases in the period (index or table scan: SQLite's planner would always take
    # the index).
    scan_choice = 0 if fulltext.is_postgres() else 1
    assert counts[0] == (11 + scan_choice, 8, 4 + scan_choice, 5 + scan_choice, 11)


def test_nearest_rank() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([5], 90) == 5
    values = [15, 20, 35, 40, 50]
    assert nearest_rank(values, 30) == 20  # rank ceil(1.5) = 2
    assert nearest_rank(values, 50) == 35
    assert nearest_rank(values, 90) == 50
    assert nearest_rank(list(range(1, 11)), 90) == 9


def test_a_period_reads_the_same_cases_by_index_or_by_scan(
    agent: ServiceContext, acme: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``received_between`` scans the table for a long period on SQLite (its planner would walk
    the index and fetch every row from it, 10x slower over a whole history) and uses the index
    for a short one: both read exactly the cases in [start, end), to the microsecond."""
    from wzdesk.store import queries
    from wzdesk.store.models import Case

    base = local(2026, 3, 2, 9, 0)
    offsets = [timedelta(0), timedelta(microseconds=1), timedelta(hours=1), timedelta(days=1)]
    for offset in offsets:
        cases.open_case(agent, new_case(received_at=base + offset))
    windows = [
        (base, base + timedelta(microseconds=1)),
        (base + timedelta(microseconds=1), base + timedelta(days=1)),
        (base - timedelta(days=1), base + timedelta(days=2)),
        (base + timedelta(days=1, microseconds=1), base + timedelta(days=3)),
    ]
    expected = [
        [base],
        [base + timedelta(microseconds=1), base + timedelta(hours=1)],
        [base + offset for offset in offsets],
        [],
    ]
    for share in (0.0, 1.0):  # every period scanned; no period scanned
        monkeypatch.setattr(queries, "_SCAN_SHARE", share)
        for (start, end), instants in zip(windows, expected, strict=True):
            condition = queries.received_between(start, end)
            found = Case.select(Case.received_at).where(condition).order_by(Case.received_at)
            assert [case.received_at for case in found] == instants
            sql, _ = Case.select().where(condition).sql()
            scanned = share == 0.0 and not fulltext.is_postgres() and bool(instants)
            assert ('+"t1"."received_at"' in sql) == scanned


def test_pauses_and_regrades_after_the_reports_instant_are_sought_not_scanned(
    database: peewee.Database,
) -> None:
    """Whether anything is recorded after a report's instant (usually nothing) is asked along
    indexes on both backends: the pauses by start and by end whatever their reason, the
    severity changes by kind and instant. Reading every pause took 90-127 ms of a week's SLA
    report at a million cases."""
    from tests.services.test_queue_index import _plan
    from wzdesk.services.reports import later_pauses_and_regrades

    plan = _plan(database, later_pauses_and_regrades(local(2026, 3, 11, 10, 0)))
    assert "sla_pause_started_at" in plan and "sla_pause_ended_at" in plan, plan
    assert "SCAN " not in plan and "Seq Scan" not in plan, plan  # SQLite's, PostgreSQL's
    assert "case_event_kind_at" in plan, plan
