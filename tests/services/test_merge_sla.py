"""A merge and the SLA: the duplicate is closed (its clocks stop at the merge, the reports leave
it out and count the issue once, through the primary), the primary's first response is the
moved public reply when that came first, and undoing the merge restores both cases' facts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.case_views import show_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.related import first_response_merged, merge_cases, unmerge_case
from wzdesk.services.reports import (
    Period,
    agents_report,
    backlog_report,
    channels_report,
    clients_report,
    sla_report,
)
from wzdesk.services.sla_history import EventQuery, event_rows, explain_case
from wzdesk.store.models import Case

DAY = Period(date(2026, 11, 30), date(2026, 12, 1))


def _at(clock: FixedClock, instant: datetime) -> None:
    clock.advance(instant - clock.now())


def _sla_facts() -> list[dict[str, Any]]:
    """Every case's SLA columns (what a merge may change and its undoing must put back)."""
    names = (
        "ref", "status", "is_open", "merged_into", "received_at", "first_response_at",
        "resolved_at", "closed_at", "paused_since", "paused_left", "response_due",
        "response_at_risk_at", "resolution_due", "resolution_at_risk_at",
    )  # fmt: skip
    return [{n: c.__data__[n] for n in names} for c in Case.select().order_by(Case.id)]


@pytest.fixture
def answered_then_merged(agent: ServiceContext, acme: str, clock: FixedClock) -> tuple[str, str]:
    """Critical WZ-1001 received Monday 30 November 10:00 and answered 10:30; WZ-1002 comes in
    at 11:00; at 12:00 WZ-1001 is merged into WZ-1002 (the review's r1)."""
    _at(clock, local(2026, 11, 30, 10, 0))
    duplicate = str(cases.open_case(agent, new_case(summary="dup")).ref)
    _at(clock, local(2026, 11, 30, 10, 30))
    cases.reply(agent, duplicate, "On it")
    _at(clock, local(2026, 11, 30, 11, 0))
    primary = str(cases.open_case(agent, new_case(summary="primary")).ref)
    _at(clock, local(2026, 11, 30, 12, 0))
    merge_cases(agent, duplicate, primary)
    return duplicate, primary


def test_the_moved_reply_answers_the_primary_and_the_issue_is_counted_once(
    answered_then_merged: tuple[str, str], supervisor: ServiceContext, clock: FixedClock
) -> None:
    duplicate, primary = answered_then_merged
    _at(clock, local(2026, 11, 30, 16, 0))
    shown = show_case(primary, clock.now())
    assert shown["first_response_at"] == "2026-11-30T10:30:00-05:00"
    assert shown["response_state"] == "met"
    events = event_rows(supervisor, EventQuery(primary))
    assert [(e["target"], e["kind"], e["at"]) for e in events] == [
        ("response", "met", "2026-11-30T10:30:00-05:00")
    ]
    [row] = sla_report(supervisor, DAY)
    assert (row["cases"], row["response"]["met"], row["response"]["breached_open"]) == (1, 1, 0)
    assert [r["open"] for r in backlog_report(supervisor, DAY)] == [1]
    assert [(r["cases"], r["unresolved"]) for r in agents_report(supervisor, DAY)] == [(1, 1)]
    assert [r["cases"] for r in clients_report(supervisor, DAY)] == [1]
    assert [r["cases"] for r in channels_report(supervisor, DAY)] == [1]
    # the duplicate's explanation names the reply that answered it, now on the primary
    response = explain_case(supervisor, duplicate)["targets"][0]
    assert response["outcome"]["event"]["kind"] == "reply"
    assert response["outcome"]["event"]["author"] == "kim"


def test_a_duplicate_merged_unanswered_stops_at_the_merge_and_leaves_the_backlog(
    agent: ServiceContext, acme: str, supervisor: ServiceContext, clock: FixedClock
) -> None:
    _at(clock, local(2026, 11, 30, 10, 0))
    duplicate = str(cases.open_case(agent, new_case(summary="dup")).ref)
    _at(clock, local(2026, 11, 30, 11, 0))
    primary = str(cases.open_case(agent, new_case(summary="primary")).ref)
    _at(clock, local(2026, 11, 30, 12, 0))
    merge_cases(agent, duplicate, primary)
    _at(clock, local(2026, 12, 4, 12, 0))  # days later, both targets long past due
    shown = show_case(duplicate, clock.now())
    assert (shown["response_state"], shown["resolution_state"]) == ("pending", "pending")
    assert [e["kind"] for e in event_rows(supervisor, EventQuery(duplicate))] == []
    explained = explain_case(supervisor, duplicate)
    assert [t["counted_until"] for t in explained["targets"]] == ["2026-11-30T12:00:00-05:00"] * 2
    week = Period(date(2026, 11, 30), date(2026, 12, 5))
    [row] = sla_report(supervisor, week)
    assert (row["cases"], row["response"]["breached_open"]) == (1, 1)  # the primary alone
    assert [r["open"] for r in backlog_report(supervisor, week)] == [1] * 5
    # as of before the merge, too, the issue is counted once (the primary, from 10:00)
    _at(clock, local(2026, 11, 30, 11, 30))
    assert [r["cases"] for r in sla_report(supervisor, DAY)] == [1]
    assert [r["open"] for r in backlog_report(supervisor, DAY)] == [1]


def test_unmerge_restores_both_cases_sla_facts(
    answered_then_merged: tuple[str, str],
    agent: ServiceContext,
    supervisor: ServiceContext,
    clock: FixedClock,
) -> None:
    duplicate, primary = answered_then_merged
    unmerge_case(supervisor, duplicate)
    before = _sla_facts()
    assert before[1]["first_response_at"] is None  # the primary was never answered itself
    merge_cases(agent, duplicate, primary)
    merged = _sla_facts()
    assert merged[1]["first_response_at"] == local(2026, 11, 30, 10, 30)
    unmerge_case(supervisor, primary)
    assert _sla_facts() == before
    assert show_case(primary, clock.now())["response_state"] == "pending"
    # an answer of its own after the merge is the primary's first response once undone
    merge_cases(agent, duplicate, primary)
    _at(clock, local(2026, 11, 30, 13, 0))
    cases.reply(agent, primary, "Still on it")
    unmerge_case(supervisor, duplicate)
    facts = _sla_facts()
    assert facts[1]["first_response_at"] == local(2026, 11, 30, 13, 0)
    assert facts[0] == before[0]


def test_the_primary_keeps_an_earlier_answer_of_its_own() -> None:
    received, ten, eleven = (local(2026, 11, 30, h, 0) for h in (9, 10, 11))
    assert first_response_merged(ten, eleven, received) == ten
    assert first_response_merged(eleven, ten, received) == ten
    assert first_response_merged(None, ten, received) == ten
    assert first_response_merged(None, None, received) is None
    # a reply made before the (merged) primary was received does not answer it
    assert first_response_merged(None, received - timedelta(minutes=1), received) is None
