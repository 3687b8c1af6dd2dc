"""Done cases, most urgent first, from their own indexes (``store.done_order``, schema 27).

A list of resolved or closed cases sorted every match for its first page (at a million cases
``case list --status closed`` 2.0 s on SQLite). The search now reads the first entries of two
partial indexes in its own order. These tests check, on both backends, that the page is the
planner's sorted page, case for case: with done cases that still have a timer (never
answered, or closed unresolved), ties of severity, one severity or several, walks too short
(the planner answers), and the quick path; and that the walks read the indexes unsorted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import peewee
import pytest

from tests.services.conftest import answered
from tests.services.test_queue_index import _as_if_big, _plan
from wzdesk.core.clock import FixedClock
from wzdesk.core.query import parse_query
from wzdesk.services import search
from wzdesk.services.quick_case_reads import quick_case_list
from wzdesk.store import done_order
from wzdesk.store.models import Case, Client

QUERIES = (
    "status:resolved",
    "status:closed",
    "is:all status:closed",
    "sev:major status:resolved",
    "sev:minor status:closed",
    "(sev:major OR sev:minor) status:closed",
    "sev:critical sev:minor status:closed",  # no case is both
    "status:closed channel:email",
    "status:resolved assignee:none",
    "status:closed received:<2026-02-20",
    "is:all -status:new -status:open -status:escalated -status:waiting_client",
)


@pytest.fixture
def done_desk(demo_desk: list[int]) -> list[int]:
    """The demo desk, with done cases that still have a timer: some closed never answered,
    some closed unresolved, some both (their next due instants come first among the done
    ones). Returns their ids."""
    done = [case.id for case in Case.select(Case.id).where(~Case.is_open).order_by(Case.id)]
    unanswered, unresolved, neither = done[3:40:6], done[5:40:6], done[7:40:6]
    Case.update(first_response_at=None).where(Case.id.in_(unanswered + neither)).execute()
    Case.update(resolved_at=None).where(Case.id.in_(unresolved + neither)).execute()
    return unanswered + unresolved + neither


def _plain(monkeypatch: pytest.MonkeyPatch, query: str, ctx: Any, limit: int) -> list[int]:
    """The page as the planner's plan gives it (every match sorted)."""
    with monkeypatch.context() as patched:
        patched.setattr(search, "_done_walked", lambda *args: None)
        return search.search_ids(query, ctx, limit)


@pytest.mark.parametrize(
    ("probe_most", "per_match"),
    [(done_order.PROBE_MOST, done_order.PROBE_PER_MATCH), (40, 20), (3, 1)],
)
def test_the_walked_page_is_the_sorted_page(
    done_desk: list[int],
    clock: FixedClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    probe_most: int,
    per_match: int,
) -> None:
    """Whole walks (the demo's done cases fit), walks too short for some pages (40 entries:
    the planner answers those) and walks of one entry a case up to three, at instants
    across two days."""
    monkeypatch.setattr(done_order, "PROBE_MOST", probe_most)
    monkeypatch.setattr(done_order, "PROBE_PER_MATCH", per_match)
    walked = answered(monkeypatch, done_order, "first_found")
    for hours in (0, 7, 30):
        now = clock.now() + timedelta(hours=hours)
        ctx = search.context(now, "sam")
        for query in QUERIES:
            for limit in (1, 2, 7, 25, 60):
                page = search.search_ids(query, ctx, limit)
                assert page == _plain(monkeypatch, query, ctx, limit), (query, limit)
                listed = quick_case_list(database_url, "sam", now, limit, limit, None, query)
                assert listed is not None
                refs = [row["ref"] for row in listed.rows]
                assert refs == [Case.get_by_id(i).ref for i in page], (query, limit)
    assert any(walked)  # the walks answered some pages ...
    if probe_most < done_order.PROBE_MOST:
        assert not all(walked)  # ... and left others to the planner


def test_the_done_cases_with_a_timer_come_first(
    done_desk: list[int], clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fixture's timed cases lead the closed ones (the property above is not empty)."""
    ctx = search.context(clock.now(), "sam")
    page = search.search_ids("status:closed", ctx, 5)
    timed = set(done_desk)
    closed_timed = Case.select().where(Case.id.in_(done_desk) & (Case.status == "closed"))
    assert closed_timed.count() >= 5
    assert set(page) <= timed


def test_a_severity_starts_the_walk_at_its_rank(
    demo_desk: list[int], clock: FixedClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sev:minor status:closed`` with walks of two entries a case: the minor ones come
    after every other severity's, and a walk from the start would find none of them."""
    ctx = search.context(clock.now(), "sam")
    monkeypatch.setattr(done_order, "PROBE_PER_MATCH", 2)
    read: list[str] = []
    real = done_order.first_found

    def recorded(read_rows: Any, *args: Any) -> list[int] | None:
        def reading(where: str, order: str, length: int) -> Any:
            read.append(where)
            return read_rows(where, order, length)

        return real(reading, *args)

    monkeypatch.setattr(done_order, "first_found", recorded)
    page = search.search_ids("sev:minor status:closed", ctx, 3)
    assert len(page) == 3
    assert page == _plain(monkeypatch, "sev:minor status:closed", ctx, 3)
    assert any("BETWEEN 3 AND 3" in where for where in read), read
    read.clear()  # the quick path too
    listed = quick_case_list(
        database_url, "sam", clock.now(), 3, 3, None, "sev:minor status:closed"
    )
    assert listed is not None
    assert [row["ref"] for row in listed.rows] == [Case.get_by_id(i).ref for i in page]
    assert any("BETWEEN 3 AND 3" in where for where in read), read


@pytest.mark.parametrize("big", [False, True])
@pytest.mark.parametrize("walk", ["timed", "met"])
def test_each_walk_reads_its_index_in_order(
    database: peewee.Database, clock: FixedClock, walk: str, big: bool
) -> None:
    """The walks' statements use the two indexes and sort nothing (the expressions in the
    ORDER BY are the indexes' own), on both backends; on SQLite also with a million-case
    desk's statistics."""
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    if big and postgres:
        pytest.skip("SQLite's statistics table")
    if big:
        _as_if_big(database)
    where, order, index = {
        "timed": (done_order.TIMED, done_order.timed_order(postgres), done_order.TIMED_INDEX),
        "met": (
            f"{done_order.MET} AND {done_order.ranks_between({'major'})}",
            done_order.MET_ORDER,
            done_order.MET_INDEX,
        ),
    }[walk]
    condition = search._scope(parse_query("status:closed"))
    meets = peewee.Case(None, [(condition, 1)], 0)
    query = (
        Case.select(Case.id, meets).where(peewee.SQL(where)).order_by(peewee.SQL(order)).limit(100)
    )
    plan = _plan(database, query)
    assert index in plan, plan
    assert "TEMP B-TREE" not in plan.upper() and "Sort" not in plan, plan


@pytest.mark.parametrize(
    "query",
    ["status:closed", "status:resolved sev:major", "(status:resolved OR status:closed) is:all"],
)
def test_a_query_of_done_statuses_reads_no_open_stream(
    done_desk: list[int],
    clock: FixedClock,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    calls: tuple[list[str], Callable[[Any, str], None]],
    query: str,
) -> None:
    """No open case can match (``core.query.requires_done``): neither path walks the running
    or the paused cases (a page of 1,200 closed cases read every closed case to find none
    open: 1.7 s at a million on SQLite), and the page is the same as when they are walked
    (the query under an OR with a status no case has)."""
    from wzdesk.services import quick_case_reads
    from wzdesk.store import quick_cases

    walked, recording = calls
    for module, name in (
        (search, "_most_urgent"),
        (search, "_sorted_ids"),
        (search, "_paused_first"),
        (quick_case_reads, "_first"),
        (quick_cases, "paused_first"),
    ):
        recording(module, name)
    ctx = search.context(clock.now(), "sam")
    for limit in (5, 60, 1200):
        walked.clear()
        page = search.search_ids(query, ctx, limit)
        quick_page = quick_case_list(database_url, "sam", clock.now(), limit, limit, None, query)
        assert walked == [], (limit, walked)
        assert page and page == _plain(monkeypatch, query, ctx, limit)
        reference = f"({query}) OR (status:closed sev:critical sev:minor)"  # no such case
        assert page == search.search_ids(reference, ctx, limit)
        assert walked  # the reference walks the open cases
        assert quick_page is not None
        assert [row["ref"] for row in quick_page.rows] == [Case.get_by_id(i).ref for i in page]


def test_one_partys_done_cases_are_left_to_the_planner(
    done_desk: list[int],
    clock: FixedClock,
    database_url: str,
    calls: tuple[list[str], Callable[[Any, str], None]],
) -> None:
    """A query naming one client or assignee: the planner reads that party's index, where a
    walk of every done case would pass other parties' cases (a small client's matches lie
    thousands of entries apart; on PostgreSQL each entry is a row fetched). The page is the
    same either way."""
    walked, recording = calls
    recording(done_order, "first_found")
    client = Client.select().order_by(Client.code).first().code
    ctx = search.context(clock.now(), "sam")
    for query in (f"client:{client} status:closed", "assignee:kim status:resolved"):
        page = search.search_ids(query, ctx, 10)
        quick = quick_case_list(database_url, "sam", clock.now(), 10, 10, None, query)
        assert walked == [], query
        assert page
        if quick is not None:
            assert [row["ref"] for row in quick.rows] == [Case.get_by_id(i).ref for i in page]
    page = search.search_ids("status:closed", ctx, 10)  # a query of no party walks
    assert walked
