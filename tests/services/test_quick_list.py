"""``wzdesk case list`` with no filter, read without Peewee (issue 13): the page is the
ordinary path's page, case for case and field for field, whatever the clock and the limit;
the walk reads the queue's index; and the path steps aside whenever it cannot be sure."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import peewee
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wzdesk.core.clock import FixedClock
from wzdesk.core.query import Query
from wzdesk.services import search
from wzdesk.services.case_fields import case_dict
from wzdesk.services.demo import generate
from wzdesk.services.policy_book import load_policy_book
from wzdesk.services.quick_list import quick_case_list
from wzdesk.store import quick_cases
from wzdesk.store.models import Case, User
from wzdesk.store.quick_read import QuickReader, open_quick_reader


@pytest.fixture
def demo_desk(database: peewee.Database, clock: FixedClock) -> list[int]:
    """300 demo cases, about a third open, a fifth of those waiting on the client; and twelve
    running cases due at one instant, before any other, so that the first pages' edges fall
    among ties. Returns those twelve."""
    generate(clock, 300)
    running = Case.is_open & Case.paused_since.is_null()
    tied = [case.id for case in Case.select().where(running).order_by(Case.id).limit(12)]
    due = clock.now() - timedelta(days=30)
    Case.update(response_due=due, resolution_due=due).where(Case.id.in_(tied)).execute()
    return tied


def _ordinary(now: datetime, asked: int | None, limit: int | None) -> tuple[int, list[Any]]:
    """The reference: what ``case list`` printed before the quick path, through the search."""
    book = load_policy_book()
    found = search.search_cases(Query(), search.context(now, "sam", book), asked)
    return len(found), [case_dict(case, book, now) for case in found[:limit]]


def _asked(limit: int | None) -> int | None:
    return None if limit is None else limit + 1


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    hours=st.integers(0, 24 * 14),
    limit=st.one_of(st.none(), st.integers(1, 130), st.just(1200)),
)
def test_the_quick_page_is_the_ordinary_page(
    demo_desk: list[int], clock: FixedClock, database_url: str, hours: int, limit: int | None
) -> None:
    """Two weeks of instants (nights, weekends, business hours: paused cases' stored instants
    pass), pages from one case to past the index walk's reach (1,200 reads SQL's sort)."""
    now = clock.now() + timedelta(hours=hours)
    quick = quick_case_list(database_url, "sam", now, limit, _asked(limit))
    if database_url.startswith("postgresql"):
        assert quick is None  # the quick path is SQLite's alone
        return
    assert quick is not None
    assert (quick.found, quick.rows) == _ordinary(now, _asked(limit), limit)


def test_the_ties_at_a_pages_edge_are_ranked_as_the_ordinary_path_ranks_them(
    demo_desk: list[int], clock: FixedClock, database_url: str
) -> None:
    """The twelve tied cases lead the list, so every page edge from 1 to 11 falls among them
    (the walk takes the ties past the edge whole, then ranks them), and each page is the
    ordinary one."""
    if database_url.startswith("postgresql"):
        pytest.skip("the quick path is SQLite's alone")
    now = clock.now()
    for limit in range(1, 16):
        quick = quick_case_list(database_url, "sam", now, limit, limit + 1)
        assert quick is not None
        assert (quick.found, quick.rows) == _ordinary(now, limit + 1, limit)
    page = quick_case_list(database_url, "sam", now, 12, 13)
    assert page is not None
    refs = {case.ref for case in Case.select().where(Case.id.in_(demo_desk))}
    assert {row["ref"] for row in page.rows} == refs


class _Recording(QuickReader):
    """A reader that keeps every statement it runs."""

    def __init__(self, reader: QuickReader) -> None:
        super().__init__(reader._connection)
        self.statements: list[tuple[str, Sequence[Any]]] = []

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Sequence[Sequence[Any]]:
        self.statements.append((sql, params))
        return super().rows(sql, params)


def test_the_walk_reads_the_queues_index_not_the_whole_table(
    demo_desk: list[int], database_url: str
) -> None:
    if database_url.startswith("postgresql"):
        pytest.skip("the quick path is SQLite's alone")
    reader = open_quick_reader(database_url)
    assert reader is not None
    recording = _Recording(reader)
    assert len(quick_cases.first_open(recording, 20)) == 20
    walk, params = recording.statements[0]
    plan = " ".join(str(row[-1]) for row in reader.rows(f"EXPLAIN QUERY PLAN {walk}", params))
    reader.close()
    assert "USING INDEX case_open_next_due" in plan
    assert "TEMP B-TREE" not in plan  # read in the index's order, not sorted afterwards


def test_it_steps_aside_for_whom_it_cannot_sign_in(
    demo_desk: list[int], database_url: str, clock: FixedClock
) -> None:
    """Nobody by that name (the ordinary path refuses, or makes the first supervisor of a new
    database), or a deactivated user (refused): the ordinary path says so."""
    if database_url.startswith("postgresql"):
        pytest.skip("the quick path is SQLite's alone")
    now = clock.now()
    assert quick_case_list(database_url, "nobody", now, 5, 6) is None
    User.update(active=False).where(User.login == "kim").execute()
    assert quick_case_list(database_url, "kim", now, 5, 6) is None
    User.update(identity="unix-sam").where(User.login == "sam").execute()
    assert quick_case_list(database_url, "sam", now, 5, 6) is None  # mapped to another name
    mapped = quick_case_list(database_url, "unix-sam", now, 5, 6)
    assert mapped is not None
    assert len(mapped.rows) == 5


def _run_list(url: str, *words: str) -> tuple[str, bool]:
    """``wzdesk case list`` in a fresh process as ``sam``: its output, and whether it loaded
    Peewee."""
    program = (
        "import sys\n"
        "from wzdesk.cli.main import main\n"
        f"code = main({['--db', url, 'case', 'list', *words]!r}, identity='sam')\n"
        "print('peewee' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )
    return done.stdout, done.stderr.splitlines()[-1] == "True"


def test_the_command_prints_the_same_without_loading_peewee(
    demo_desk: list[int], database_url: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--query ''`` is the same listing through the ordinary path (any query takes it)."""
    if database_url.startswith("postgresql"):
        pytest.skip("the quick path is SQLite's alone")
    monkeypatch.setenv("WZDESK_NOW", clock.now().isoformat())
    for words in (("--limit", "25"), ("--limit", "25", "--json")):
        quick, loaded = _run_list(database_url, *words)
        ordinary, loaded_ordinary = _run_list(database_url, *words, "--query", "")
        assert not loaded and loaded_ordinary
        assert quick == ordinary
    rows = json.loads(_run_list(database_url, "--limit", "25", "--json")[0])
    assert len(rows) == 25
