"""A common word's first page is found by walking the cases in urgency order and asking only
those whether they hold the word (issue 13: the cost follows the page, not the word's hits).

The walk and the plain plan (the index's every hit, then the urgency sort) must give the same
cases in the same order for any query, page size and audience, on both backends; a common word
must not list its every hit; and the texts the walk reads are matched exactly as the index
matches them (the same tokenizer: accents, prefixes, phrases, the public timeline only).
``tests/services/test_queue_index.py`` checks the walk's plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import peewee
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wzdesk.core.clock import FixedClock
from wzdesk.core.query import And, QueryError, TextTerm, check_query, parse_query
from wzdesk.services import cases, search
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.context import ServiceContext
from wzdesk.services.demo import generate
from wzdesk.store import fts_sql, fulltext, text_plans
from wzdesk.store.models import Case


@pytest.fixture
def demo_desk(clock: FixedClock, built_once: Callable[..., Any]) -> None:
    """300 demo cases, 105 of them open: words from "the" (nearly every case) down (built once
    per test process and backend, then copied)."""
    built_once(lambda: generate(clock, 300))


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many cases each call of ``fulltext.holding`` asked about (the walk's batches)."""
    batches: list[int] = []
    real_holding = fulltext.holding

    def counted(case_ids: list[int], *args: object, **kwargs: object) -> set[int]:
        batches.append(len(case_ids))
        return real_holding(case_ids, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fulltext, "holding", counted)
    return batches


def _ctx(clock: FixedClock, public_only: bool = False) -> search.SearchContext:
    return search.SearchContext(clock.now(), "kim", load_policy_book(), public_only=public_only)


def _plain(query: str, ctx: search.SearchContext, limit: int | None) -> list[int]:
    """Without the walk, and without reading the cases that hold every word."""
    with (
        mock.patch.object(search, "_urgent_with_text", lambda *args: None),
        mock.patch.object(search, "_cases_with_every_word", lambda *args: None),
    ):
        return search.search_ids(query, ctx, limit)


_TERMS = st.sampled_from(
    ["the", "steps", "error", "vacation", "payroll", "export", "accrual", "reset", "zeppelin",
     '"steps above"', '"see the"', "sev:critical", "sev:minor", "assignee:none",
     "breached:any", "-status:new", "status:waiting_client", "is:all", "rdg", "wz-1001"]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    terms=st.lists(_TERMS, min_size=1, max_size=3),
    either=st.booleans(),
    limit=st.sampled_from([1, 3, 10, 50]),
    first=st.sampled_from([1, 4, 30]),
    most=st.sampled_from([20, 90, 5000]),
    price=st.sampled_from([0, 10]),
    public_only=st.booleans(),
    read_most=st.sampled_from([-1, 20, 200_000]),
    met_most=st.sampled_from([0, 5, 5000]),
)
def test_the_walk_finds_what_the_plain_plan_finds(
    demo_desk: None,
    clock: FixedClock,
    terms: list[str],
    either: bool,
    limit: int,
    first: int,
    most: int,
    price: int,
    public_only: bool,
    read_most: int,
    met_most: int,
) -> None:
    """Small first rounds and a low ceiling make the walk take several rounds, give up part
    way, or run out of open cases; whichever happens, the answer is the plain plan's. So is
    the answer from the cases that hold every word, read whole or asked (``read_most``), or
    not used when too many (``met_most``); a client code or a reference is a word too."""
    text = (" OR " if either and len(terms) > 1 else " ").join(terms)
    if isinstance(check_query(text), QueryError):
        return
    ctx = _ctx(clock, public_only)
    with (
        mock.patch.object(fts_sql, "RARE_HITS", -1),  # every word is common
        mock.patch.object(text_plans, "WALK_FIRST", first),
        mock.patch.object(text_plans, "WALK_MOST", most),
        mock.patch.object(text_plans, "HITS_PER_CASE", price),  # 0: the walk always pays
        mock.patch.object(text_plans, "MET_READ_MOST", read_most),
        mock.patch.object(text_plans, "MET_MOST", met_most),
    ):
        assert search.search_ids(text, ctx, limit) == _plain(text, ctx, limit)


def test_a_common_words_page_does_not_list_its_every_hit(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, asked: list[int]
) -> None:
    """With the index's hit list made useless, a common word's page is still right: the walk
    never asked for it. A scarce word (too few among the first cases) still takes it."""
    ctx = _ctx(clock)
    expected = {
        text: _plain(text, ctx, limit)
        for text, limit in (("the", 10), ("the sev:critical", 3), ("accrual", 10))
    }
    assert all(expected.values())
    monkeypatch.setattr(fts_sql, "RARE_HITS", -1)
    monkeypatch.setattr(text_plans, "WALK_FIRST", 6)
    # The plain plan would now find nothing.
    monkeypatch.setattr(fulltext, "matches", lambda *args, **kwargs: peewee.SQL("1=0"))
    assert search.search_ids("the", ctx, 10) == expected["the"]
    assert search.search_ids("the sev:critical", ctx, 3) == expected["the sev:critical"]
    # The first rounds' cases (each page read one past its end), not every open case.
    assert asked and sum(asked) <= 50
    monkeypatch.setattr(text_plans, "WALK_MOST", 25)  # "accrual" is in about one case in ten
    assert search.search_ids("accrual", ctx, 10) == []  # so the hit list (poisoned) answered


def test_no_walk_when_the_hit_list_is_cheaper(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, asked: list[int]
) -> None:
    """A page of a word in a share s of the texts needs about limit/s cases walked, against
    s × texts hits listed: with few hits listing them is the cheaper plan (at 100,000 cases
    the walk took 82 ms where the hit list took 58), and the walk does not start."""
    ctx = _ctx(clock)
    expected = _plain("error", ctx, 10)
    monkeypatch.setattr(fts_sql, "RARE_HITS", -1)
    # The first round: twice what is read (the page and one more, see services/urgency.py).
    monkeypatch.setattr(text_plans, "WALK_FIRST", 10)
    assert search.search_ids("error", ctx, 10) == expected
    assert asked == []  # ~60 texts hold "error": the hit list
    monkeypatch.setattr(text_plans, "HITS_PER_CASE", 0)  # as if hits were dear: walk
    assert search.search_ids("error", ctx, 10) == expected
    assert asked[0] == 22 and len(asked) > 1  # a first round too short for a page, then more


def test_a_narrow_walk_ends_with_the_done_cases_in_order(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When every open case the rest of the query allows has been walked and the page is not
    full, the resolved (and, with ``is:all``, closed) matches follow in the query's order."""
    ctx = _ctx(clock)
    monkeypatch.setattr(fts_sql, "RARE_HITS", -1)
    monkeypatch.setattr(text_plans, "HITS_PER_CASE", 0)  # walk whatever the hits
    for text in ("error is:all", "the sev:major", "page -status:new is:all"):
        expected = _plain(text, ctx, 60)
        assert search.search_ids(text, ctx, 60) == expected, text
        done = [Case.get_by_id(case_id).is_open for case_id in expected].count(False)
        assert 1 < done < len(expected), text  # open ones first, then done ones to fill it


def test_the_walk_matches_texts_as_the_index_does(
    supervisor: ServiceContext, agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    """Accents (folded by SQLite's tokenizer, not by PostgreSQL's 'simple'), words as
    prefixes, phrases in order and within one text, internal notes hidden from a client's
    search: the texts the walk reads are matched by the index's own rules, whatever they
    are on the backend."""
    from tests.conftest import new_case

    refs = [
        cases.open_case(agent, new_case(summary="Café menu crashes", description="every time")),
        cases.open_case(agent, new_case(summary="Printers offline")),
        cases.open_case(agent, new_case(summary="Menu slow", description="after the update")),
        cases.open_case(agent, new_case(summary="Login fails")),
    ]
    cases.reply(agent, refs[3].ref, "The cafe printer is at fault", internal=True)
    cases.reply(agent, refs[2].ref, "time every morning", internal=False)
    ids = [case.id for case in refs]
    for public_only in (False, True):
        ctx = _ctx(clock, public_only)
        for text in ("cafe", "café", "print", "printer", '"every time"', '"time every"', "menu"):
            words = check_query(text)
            assert not isinstance(words, QueryError)
            term = words.where
            held = fulltext.holding(ids, term.words, term.phrase, public_only)  # type: ignore[union-attr]
            plain = set(_plain(text, ctx, None))
            assert held == plain & set(ids), (text, public_only)
    assert Case.select().count() == 4


def test_a_common_whole_word_is_not_counted_again_as_a_prefix(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: a prefix query merges the hit lists of every word it begins before its first
    row (270 ms for "the" at a million cases); when the whole word alone is past the rare
    cap, so is the prefix, and the prefix is not asked."""
    from wzdesk.store.database import db

    if fulltext.is_postgres():
        pytest.skip("FTS5's prefix queries; PostgreSQL reads the planner's estimate")
    ctx = _ctx(clock)
    expected = _plain("the", ctx, 10)
    asked: list[object] = []
    real = db.obj.execute_sql

    def recorded(sql: str, params: object = None, *args: object) -> object:
        asked.append(params)
        return real(sql, params, *args)

    monkeypatch.setattr(db.obj, "execute_sql", recorded)
    monkeypatch.setattr(fts_sql, "RARE_HITS", 5)
    assert search.search_ids("the", ctx, 10) == expected
    assert ['"the"', 6] in asked and ['"the"*', 6] not in asked
    assert fulltext.matching_case_ids(["zeppelin"], False, 5) == []
    assert ['"zeppelin"*', 6] in asked  # a scarce whole word: its prefix is asked


def test_common_words_that_never_meet_are_read_once_not_against_every_case(
    demo_desk: None, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "vacation payroll": both words common, no case holds both. When the walk gives up, each
    word's cases are read once and intersected; the open cases are not walked against both
    words' hit lists, nor the done ones sorted (1.4 s at a million cases, SQLite)."""
    ctx = _ctx(clock)
    assert _plain("vacation", ctx, 5) and _plain("payroll", ctx, 5)
    assert _plain("vacation payroll", ctx, 50) == []
    monkeypatch.setattr(fts_sql, "RARE_HITS", -1)  # every word is common
    monkeypatch.setattr(text_plans, "WALK_FIRST", 6)  # the walk's first round: 20 cases,
    monkeypatch.setattr(text_plans, "WALK_MOST", 20)  # and then it gives up
    reads: list[list[str]] = []
    real_case_ids = fulltext.case_ids

    def counted(words: list[str], *args: object) -> set[int]:
        reads.append(list(words))
        return real_case_ids(words, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fulltext, "case_ids", counted)
    real_most_urgent = search._most_urgent
    monkeypatch.setattr(search, "_most_urgent", lambda *args: pytest.fail("walked every case"))
    assert search.search_ids("vacation payroll", ctx, 9) == []
    assert reads == [["vacation"], ["payroll"]]
    # A word too common to read whole is asked of the cases the others left (here the one
    # case a reference names).
    reads.clear()
    monkeypatch.setattr(text_plans, "MET_READ_MOST", 20)
    ref = Case.get_by_id(1).ref
    with mock.patch.object(search, "_most_urgent", real_most_urgent):
        expected = _plain(f"{ref} the is:all", ctx, 9)
    assert expected == [1]
    assert search.search_ids(f"{ref} the is:all", ctx, 9) == expected
    assert reads == [ref.lower().split("-")]  # "the" was not read whole


@pytest.mark.parametrize("unreadable", ["none", "last", "all"])
@pytest.mark.parametrize(
    "text", ["vacation payroll", "vacation accrual", '"steps above" the', "wz-1001 the"]
)
def test_the_cases_with_every_word_are_exactly_those_the_words_find(
    demo_desk: None,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    unreadable: str,
) -> None:
    """Read whole, or asked of the cases the readable words left (the ``last`` word too
    common to read), the cases holding every word are those the plain query finds: no fewer
    (the page would miss them) and no more (the page would cost more than the few)."""
    ctx = _ctx(clock)
    everything = set(_plain(f"{text} is:all", ctx, None))
    terms = parse_query(text).where
    assert isinstance(terms, And)
    last = terms.items[-1]
    assert isinstance(last, TextTerm)

    def too_common(words: list[str], *args: object) -> bool:
        return unreadable == "all" or (unreadable == "last" and list(words) == last.words)

    monkeypatch.setattr(fulltext, "hits_exceed", too_common)
    met = search._cases_with_every_word(terms, False)
    if unreadable == "all":
        assert met is None  # no word is readable: none was read
    else:
        assert met is not None and set(met) == everything


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(_TERMS, min_size=1, max_size=2),
    fields=st.sampled_from(["", " sev:minor", " -status:open", " OR sev:critical"]),
    picks=st.lists(st.integers(0, 299), max_size=25),
)
@example(words=["is:all"], fields="", picks=[])  # no condition at all: the few still count
def test_asking_a_few_cases_is_what_the_whole_query_says_of_them(
    demo_desk: None, clock: FixedClock, words: list[str], fields: str, picks: list[int]
) -> None:
    """The console's re-check of the cases a re-read changed (``queue_matches`` with
    ``among``: their texts read, not the index's hits) answers for them exactly what the
    whole query does."""
    query = " ".join(words) + fields
    if isinstance(check_query(query), QueryError):
        return
    ctx = _ctx(clock)
    ids = [case.id for case in Case.select(Case.id).order_by(Case.id)]
    among = {ids[pick % len(ids)] for pick in picks}
    whole = set(search.queue_matches(query, ctx))
    assert set(search.queue_matches(query, ctx, among)) == whole & among


def test_a_common_word_is_joined_on_postgresql_not_compared_case_by_case(
    demo_desk: None, clock: FixedClock
) -> None:
    """A word's hits beside "or the case it names, or its client's cases" made PostgreSQL test
    each open case against the whole hit list in turn once the list no longer fit in
    ``work_mem`` (at a million cases the filter box's "p" ran for more than ten minutes). The
    hits, the named case and the client's cases are one list, which it joins. Shown here with
    ``work_mem`` at its minimum, where the list of a 300-case desk does not fit either."""
    from wzdesk.store.database import db

    if not fulltext.is_postgres():
        pytest.skip("SQLite builds the list once whatever the form")
    condition = search.where(parse_query("the"), _ctx(clock)) & (Case.is_open == True)  # noqa: E712
    sql, params = Case.select(Case.id).where(condition).sql()
    with db.atomic():
        db.execute_sql("SET LOCAL work_mem = '64kB'")
        plan = "\n".join(row[0] for row in db.execute_sql(f"EXPLAIN {sql}", params).fetchall())
    assert "SubPlan" not in plan, plan
    assert "Join" in plan, plan
