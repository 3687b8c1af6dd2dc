"""The query language: what parses to what, and every bad query names a token and position."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wzdesk.core.query import (
    And,
    DateTerm,
    DueTerm,
    FieldTerm,
    Not,
    Or,
    QueryError,
    SlaTerm,
    SortKey,
    Streams,
    TextTerm,
    check_query,
    describe,
    due_at_least,
    judges_instants,
    names_one_party,
    parse_query,
    requires_done,
    requires_open,
    requires_paused,
    requires_ticking,
    severities_required,
)


def test_empty_query_selects_open_cases() -> None:
    assert parse_query("").where is None
    assert parse_query("   ").scope == "open"


def test_field_terms_and_aliases() -> None:
    query = parse_query("sev:Critical status:waiting_client client:acme assignee:me channel:phone")
    assert query.where == And(
        (
            FieldTerm("severity", "critical"),
            FieldTerm("status", "waiting_client"),
            FieldTerm("client", "ACME"),
            FieldTerm("assignee", "me"),
            FieldTerm("channel", "phone"),
        )
    )
    assert parse_query("assignee:none").where == FieldTerm("assignee", "none")
    assert parse_query("contact:Ada@Acme.test").where == FieldTerm("contact", "ada@acme.test")
    assert parse_query('tag:"big deal"').where == FieldTerm("tag", "big deal")


def test_precedence_negation_and_parentheses() -> None:
    query = parse_query("a b OR -c (d OR e)")
    assert query.where == Or(
        (
            And((TextTerm("a"), TextTerm("b"))),
            And((Not(TextTerm("c")), Or((TextTerm("d"), TextTerm("e"))))),
        )
    )
    assert parse_query("a AND b").where == And((TextTerm("a"), TextTerm("b")))
    assert parse_query("WZ-1001 x-y").where == And((TextTerm("WZ-1001"), TextTerm("x-y")))


def test_dates() -> None:
    assert parse_query("received:>=2026-11-01").where == DateTerm(
        "received", ">=", date(2026, 11, 1)
    )
    today = date(2026, 12, 2)
    last = parse_query("received:last-7d").where
    assert isinstance(last, DateTerm)
    assert last.day_range(today) == (date(2026, 11, 25), date(2026, 12, 3))
    term = parse_query("updated:today").where
    assert isinstance(term, DateTerm)
    assert term.day_range(today) == (today, date(2026, 12, 3))
    exact = parse_query("received:2026-11-01").where
    assert isinstance(exact, DateTerm)
    assert exact.day_range(today) == (date(2026, 11, 1), date(2026, 11, 2))
    before = parse_query("received:<2026-11-01").where
    assert isinstance(before, DateTerm)
    assert before.day_range(today) == (None, date(2026, 11, 1))


def test_sla_terms() -> None:
    assert parse_query("breached:response").where == SlaTerm("breached_response")
    assert parse_query("breached:any").where == SlaTerm("breached_any")
    assert parse_query("at-risk paused late").where == And(
        (SlaTerm("at_risk"), SlaTerm("paused"), SlaTerm("late"))
    )
    assert parse_query("is:at-risk").where == SlaTerm("at_risk")
    assert parse_query("due:<2h").where == DueTerm("<", 7200)
    assert parse_query("due:>=1d").where == DueTerm(">=", 36000)  # a business day is 10 hours
    assert parse_query('"late"').where == TextTerm("late", phrase=True)


def test_sort_and_scope_apply_to_the_whole_query() -> None:
    query = parse_query("sev:minor OR sev:major sort:-updated sort:due is:all")
    assert query.sort == (SortKey("updated", True), SortKey("due"))
    assert query.scope == "all"
    assert query.where == Or((FieldTerm("severity", "minor"), FieldTerm("severity", "major")))
    assert describe(parse_query("is:closed")) == "is:closed"


@pytest.mark.parametrize(
    ("text", "token", "position"),
    [
        ("sev:bogus", "sev:bogus", 0),
        ("a zz:1", "zz:1", 2),
        ("(foo", "(", 0),
        ("foo)", ")", 3),
        ('a "abc', '"abc', 2),
        ("x OR", "OR", 2),
        ("OR x", "OR", 0),
        ("x AND", "AND", 2),
        ("a OR sort:due", "sort:due", 5),
        ("-sort:due", "sort:due", 1),
        ("is:all is:open", "is:open", 7),
        ("received:2026-02-30", "received:2026-02-30", 0),
        ("received:soon", "received:soon", 0),
        ("due:2h", "due:2h", 0),
        ("sort:nothing", "sort:nothing", 0),
        ("a !!!", "!!!", 2),
        ("status:", "status:", 0),
        ("a - b", "-", 2),
    ],
)
def test_bad_queries_name_token_and_position(text: str, token: str, position: int) -> None:
    result = check_query(text)
    assert isinstance(result, QueryError)
    assert (result.token, result.position) == (token, position)
    assert f"position {position}" in str(result)


_ALPHABET = st.sampled_from(
    list('abcXYZ019 ()"-:<>=!@._,\t\n')
    + ["OR", "AND", "sev:", "is:", "sort:", "due:", "received:", "breached:", "é", "\x00", "\u200b"]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join) | st.text(max_size=60))
def test_fuzz_no_traceback_and_every_error_names_a_token(text: str) -> None:
    result = check_query(text)
    if isinstance(result, QueryError):
        assert 0 <= result.position <= len(text)
        assert result.token == "" or result.token in text or result.position == len(text)
        assert result.token or result.position >= len(text.rstrip())
        assert f"position {result.position}" in str(result)
    else:
        describe(result)  # a well-formed tree


@pytest.mark.parametrize(
    ("text", "ticking"),
    [
        ("due:<2h", True),
        ("sev:major due:>1h", True),
        ("due:<=30m assignee:me", True),
        ("breached:response", True),  # an unmet response target runs on
        ("sev:minor breached:response", True),
        ("breached:resolution", False),  # a paused case's resolution is frozen
        ("breached:any", False),
        ("-breached:response", False),
        ("due:<2h OR sev:major", False),  # a match need not be due
        ("-due:<2h", False),
        ("sev:major", False),
        ("", False),
    ],
)
def test_a_due_term_at_the_top_level_means_every_match_is_ticking(text: str, ticking: bool) -> None:
    """The search reads only the paused cases whose response target runs when every match
    has a running timer (``requires_ticking``)."""
    assert requires_ticking(parse_query(text).where) is ticking


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("due:>2h", [7200]),
        ("due:>=30m sev:major", [1800]),
        ("due:>1h due:>=2h", [3600, 7200]),
        ("due:<2h", []),
        ("due:>2h OR sev:major", []),  # a match need not be due later
        ("-due:<2h", []),
        ("", []),
    ],
)
def test_the_later_due_terms_at_the_top_level_bound_every_match(
    text: str, seconds: list[int]
) -> None:
    """The search starts its walk of the running cases at the horizon (``due_at_least``)."""
    assert due_at_least(parse_query(text).where) == seconds


@pytest.mark.parametrize(
    ("text", "paused"),
    [
        ("is:paused", True),
        ("is:paused sev:major at-risk", True),
        ("sev:critical is:paused", True),
        ("is:paused OR sev:minor", False),  # a match need not be paused
        ("-is:paused", False),
        ("at-risk", False),
        ("", False),
    ],
)
def test_is_paused_at_the_top_level_means_every_match_is_paused(text: str, paused: bool) -> None:
    """The search then reads the paused cases' stream alone (``requires_paused``)."""
    assert requires_paused(parse_query(text).where) is paused


@pytest.mark.parametrize(
    ("text", "severities"),
    [
        ("sev:major status:resolved", {"major"}),
        ("(sev:major OR sev:minor) status:closed", {"major", "minor"}),
        ("sev:major (sev:major OR sev:minor)", {"major"}),
        ("sev:major sev:minor", set()),  # no case is both
        ("sev:major OR status:closed", None),  # a match need not be major
        ("-sev:major", None),
        ("(sev:major OR status:new)", None),
        ("", None),
    ],
)
def test_the_severities_at_the_top_level_bound_every_match(
    text: str, severities: set[str] | None
) -> None:
    """The walk of the done cases starts at the first of them (``severities_required``)."""
    found = severities_required(parse_query(text).where)
    assert found == (None if severities is None else frozenset(severities))


@pytest.mark.parametrize(
    ("text", "timed", "one_party"),
    [
        ("due:<8h sev:major", True, False),
        ("breached:any", True, False),
        ("at-risk client:TML", True, True),
        ("is:paused", True, False),
        ("at-risk OR sev:major", False, False),  # under an OR: a match need not be
        ("sev:critical", False, False),
        ("sev:major received:last-7d", True, False),
        ("assignee:none at-risk", True, False),  # nobody
        ("assignee:kim", False, True),
        ("contact:ana@acme.example", False, True),
        ("-client:TML", False, False),
        ("", False, False),
    ],
)
def test_what_the_walk_of_the_due_order_asks_of_a_query(
    text: str, timed: bool, one_party: bool
) -> None:
    """``judges_instants``: the planner misjudges these, and the search walks the due
    order further; ``names_one_party``: one party's index serves these."""
    where = parse_query(text).where
    assert judges_instants(where) is timed
    assert names_one_party(where) is one_party
    streams = Streams(where)  # what the search and the quick path read by
    assert (streams.timed, streams.walk_done) == (timed and not one_party, not one_party)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (False, False, False, None, True, False)),
        ("sev:major -is:paused", (True, False, False, {"major"}, True, False)),
        ("is:paused due:<2h", (False, True, False, None, True, True)),
        ("status:closed client:ACME", (False, False, True, None, False, False)),
        (
            "(sev:minor OR sev:major) status:resolved",
            (False, False, True, {"minor", "major"}, True, False),
        ),
        ("is:paused OR status:closed", (False, False, False, None, True, False)),
    ],
)
def test_the_streams_a_query_reads(text: str, expected: tuple[object, ...]) -> None:
    streams = Streams(parse_query(text).where)
    none_paused, only_paused, only_done, severities, walk_done, ticking = expected
    assert streams.none_paused is none_paused
    assert streams.only_paused is only_paused
    assert streams.only_done is only_done
    assert streams.severities == (None if severities is None else frozenset(severities))
    assert streams.walk_done is walk_done
    assert streams.ticking is ticking


@pytest.mark.parametrize(
    ("text", "done"),
    [
        ("status:closed", True),
        ("status:resolved sev:major", True),
        ("(status:resolved OR status:closed) is:all", True),
        ("status:closed OR sev:major", False),
        ("(status:closed OR status:open)", False),
        ("-status:open", False),
        ("status:open", False),
        ("status:closed status:open", False),  # no case: nothing to walk either way
        ("", False),
    ],
)
def test_done_statuses_at_the_top_level_mean_no_open_match(text: str, done: bool) -> None:
    """The search then reads the done cases alone (``requires_done``)."""
    assert requires_done(parse_query(text).where) is done


@pytest.mark.parametrize(
    ("text", "open_only"),
    [
        ("at-risk OR breached:any", True),
        ("breached:response sev:major", True),
        ("is:paused", True),
        ("sev:minor due:>=4h", True),
        ("assignee:me status:open", True),
        ("status:new OR status:waiting_client OR status:escalated", True),
        ("(sev:major at-risk) OR (status:open client:ACME)", True),
        ("is:all status:escalated", True),
        ("is:late", False),  # resolved late: done cases
        ("at-risk OR is:late", False),
        ("status:open OR status:resolved", False),
        ("at-risk OR sev:major", False),
        ("-at-risk", False),
        ("-status:closed", False),
        ("sev:major -is:paused", False),
        ("(status:open OR sev:minor) sev:major", False),
        ("", False),
    ],
)
def test_open_states_at_the_top_level_mean_every_match_is_open(text: str, open_only: bool) -> None:
    """A count then reads the open cases alone (``requires_open``)."""
    assert requires_open(parse_query(text).where) is open_only
