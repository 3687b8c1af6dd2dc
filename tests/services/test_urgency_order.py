"""Most urgent first is one order: a search's page (``case list``, the client API) lists the
open cases exactly as the console's queue does, whatever the clock, filter, page or offset.

SQL can order only by stored due instants, and a case waiting on the client keeps its stored
instant while its time left stays frozen; so the search ranks SQL's order a window at a time
(``services/urgency.py``). The reference here is the console's own queue."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ON_ONE_DEMO_DESK
from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity
from wzdesk.services import search
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.demo import generate
from wzdesk.services.queue import QueueRow, QueueSnapshot
from wzdesk.store.models import Case, Client


@pytest.fixture
def demo_desk(clock: FixedClock, built_once: Callable[..., Any]) -> None:
    """300 demo cases, about a third open, a fifth of those waiting on the client (built once
    per test process and backend, then copied)."""
    built_once(lambda: generate(clock, 300))


_QUERIES: dict[str, Callable[[QueueRow], bool]] = {
    "": lambda row: True,
    "sev:major": lambda row: row.severity is Severity.MAJOR,
    "assignee:none": lambda row: row.assignee is None,
    "status:waiting_client": lambda row: row.status == "waiting_client",
    "is:paused": lambda row: row.paused_since is not None,
    "-is:paused sev:minor": lambda row: row.paused_since is None and row.severity is Severity.MINOR,
    "-status:waiting_client sev:critical": lambda row: (
        row.status != "waiting_client" and row.severity is Severity.CRITICAL
    ),
}


def _console_order(clock: FixedClock, query: str, client: str | None) -> list[int]:
    queue = QueueSnapshot(load_policy_book(), clock)
    queue.load_all()
    return [
        row.case_id
        for row in queue.ordered
        if _QUERIES[query](row) and client in (None, row.client_code)
    ]


@ON_ONE_DEMO_DESK
@given(
    hours=st.integers(0, 24 * 14),
    query=st.sampled_from(sorted(_QUERIES)),
    limit=st.one_of(st.none(), st.integers(1, 120), st.just(1500)),
    offset=st.integers(0, 40),
    one_client=st.booleans(),
)
def test_a_search_lists_open_cases_in_the_queues_order(
    demo_desk: None,
    clock: FixedClock,
    hours: int,
    query: str,
    limit: int | None,
    offset: int,
    one_client: bool,
) -> None:
    """Also one client's list (the client API and portal), which reads its own indexes."""
    later = FixedClock(clock.now() + timedelta(hours=hours))  # stored dues of paused cases pass
    client = Client.select().order_by(Client.id).first() if one_client else None
    expected = _console_order(later, query, None if client is None else client.code)
    ctx = search.SearchContext(later.now(), "kim", load_policy_book())
    within = None if client is None else Case.client == client.id
    found = search.search_ids(query, ctx, limit, offset=offset if limit else 0, within=within)
    first = offset if limit else 0
    open_part = found[: max(0, len(expected) - first)]
    assert open_part == expected[first:][: len(open_part)]
    if limit is None or len(found) == limit:
        assert len(open_part) == min(max(0, len(expected) - first), len(found))
    done = found[len(open_part) :]  # what follows the open ones is done
    assert all(not case.is_open for case in Case.select().where(Case.id.in_(done)))


def test_the_demo_has_paused_cases_that_sql_would_misplace(
    demo_desk: None, clock: FixedClock
) -> None:
    """The property above is not empty: two days on, some paused case's stored instant is
    earlier than a running case's while its time left is longer."""
    later = FixedClock(clock.now() + timedelta(days=2))
    queue = QueueSnapshot(load_policy_book(), later)
    queue.load_all()
    now = later.now().timestamp()
    paused = [row for row in queue.ordered if row.paused_since is not None]
    running = [row for row in queue.ordered if row.paused_since is None]
    assert any(
        p.next_due < r.next_due and p.urgency(now) > r.urgency(now) for p in paused for r in running
    )


@pytest.mark.parametrize("query", ["is:paused", "is:paused sev:minor", "is:paused OR sev:minor"])
def test_a_paused_only_query_reads_the_paused_stream_alone(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """With ``is:paused`` at the top level no running or done case can match, so neither
    stream is read (on PostgreSQL the running walk found none and the planner's plan then
    read every open case); the answer is still the console's order."""
    paused_only = not query.endswith("OR sev:minor")
    later = FixedClock(clock.now() + timedelta(days=2))  # paused cases SQL would misplace
    ctx = search.context(later.now(), "kim")
    expected = search.search_ids(query, ctx, None)
    read: list[str] = []
    for name in ("_most_urgent", "_first_done"):
        real = getattr(search, name)

        def recorded(
            *args: object, _real: Callable[..., object] = real, _name: str = name, **kwargs: object
        ) -> object:
            read.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(search, name, recorded)
    for limit in (1, 5, 40):
        assert search.search_ids(query, ctx, limit) == expected[:limit]
    assert bool(read) is not paused_only, read
    if paused_only:
        queue = QueueSnapshot(load_policy_book(), later)
        queue.load_all()
        minor = "sev:minor" in query
        assert expected == [
            row.case_id
            for row in queue.ordered
            if row.paused_since is not None and (not minor or row.severity is Severity.MINOR)
        ]
