"""Pinned views' tab counts kept case by case (``services.view_counts``): held to a whole count
of what the queue lists (open cases) after every change, and asking about the changed cases
only."""

from __future__ import annotations

import random
from array import array
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import new_case
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import UserError
from wzdesk.services import cases, view_counts
from wzdesk.services.context import ServiceContext
from wzdesk.services.search import context, queue_count
from wzdesk.services.view_counts import REBASE_SECONDS, KeptCount, count_tabs
from wzdesk.services.views import add_view
from wzdesk.store.models import Case


def whole_reads_counted(monkeypatch: Any) -> list[str]:
    """The queries whose answer is read whole from now on (the list fills as they are)."""
    reads: list[str] = []
    real_read = view_counts.read_whole

    def counted_read(query: str, *args: Any) -> KeptCount:
        reads.append(query)
        return real_read(query, *args)

    monkeypatch.setattr(view_counts, "read_whole", counted_read)
    return reads


ids = st.integers(min_value=1, max_value=12)  # few: the same cases are asked again


@given(
    st.frozensets(ids),
    st.lists(st.tuples(st.frozensets(ids), st.frozensets(ids)), max_size=12),
)
def test_kept_count_follows_the_answers_of_the_cases_asked(
    first: frozenset[int], rounds: list[tuple[frozenset[int], frozenset[int]]]
) -> None:
    """Reference: a set of matching ids, each asked case set to its answer."""
    kept = KeptCount("q", array("q", sorted(first)), frozenset(), frozenset(), 0.0)
    truth = set(first)
    for asked, matching in rounds:
        kept = kept.with_answers(asked, matching)
        truth = (truth - asked) | (asked & matching)
        assert kept.count == len(truth)
        assert all(kept._had(i) == (i in first) for i in asked)
    assert kept.with_answers(truth, truth).count == len(truth)  # asking again changes nothing


VIEWS = {
    "Critical": "sev:critical",
    "Spool": "spool",
    "Mine, no spool": "-spool assignee:me",
    "Billing or minor": "is:all tag:billing OR sev:minor",
    "Resolved": "status:resolved",  # never in the queue: 0 whatever happens
    "Closed": "is:closed",
    "Breached": "breached:any",  # on the clock: counted whole each time
}


def _change_at_random(
    rng: random.Random, supervisor: ServiceContext, agent: ServiceContext, refs: list[str]
) -> str:
    if not refs or rng.random() < 0.2:
        tags = rng.choice(["", "billing"])
        severity = rng.choice(["critical", "major", "moderate", "minor"])
        refs.append(cases.open_case(agent, new_case(severity=severity, tags=tags)).ref)
        return refs[-1]
    ref = rng.choice(refs)
    action = rng.randrange(6)
    try:
        if action == 0:
            cases.assign(supervisor, ref, rng.choice(["kim", None]))
        elif action == 1:
            severity = rng.choice(["critical", "major", "moderate", "minor"])
            cases.change_severity(supervisor, ref, severity)
        elif action == 2:
            cases.reply(supervisor, ref, rng.choice(["The spooler stopped", "Fine"]), internal=True)
        elif action == 3:
            cases.resolve(supervisor, ref, "done")
        elif action == 4:
            cases.close(supervisor, ref)
        else:
            cases.reopen(supervisor, ref, "again")
    except UserError:
        pass  # refused (closing an open case...): nothing changed, which is asked about too
    return ref


@pytest.mark.parametrize("seed", [1, 2])
def test_counts_kept_case_by_case_match_whole_counts(
    seed: int,
    supervisor: ServiceContext,
    agent: ServiceContext,
    acme: str,
    clock: FixedClock,
    monkeypatch: Any,
) -> None:
    for name, query in VIEWS.items():
        add_view(agent, name, query, pinned=True)
    whole_reads = whole_reads_counted(monkeypatch)
    rng = random.Random(seed)
    refs: list[str] = []
    for _ in range(3):
        _change_at_random(rng, supervisor, agent, refs)
    tabs, kept = count_tabs("kim", context(clock.now(), "kim"), None, {}, 0.0)
    assert len(whole_reads) == len(VIEWS) - 1
    for step in range(40):
        clock.advance(timedelta(minutes=7))
        ref = _change_at_random(rng, supervisor, agent, refs)
        changed = {Case.get(Case.ref == ref).id}
        search = context(clock.now(), "kim")
        tabs, kept = count_tabs("kim", search, changed, kept, float(step))
        assert {tab.name: tab.count for tab in tabs} == {
            name: queue_count(query, search) for name, query in VIEWS.items()
        }
    assert len(whole_reads) == len(VIEWS) - 1  # every change was asked about alone
    assert any(tab.count for tab in tabs if tab.name != "Breached")


def test_a_kept_count_is_read_whole_again_when_old_or_when_anything_may_have_changed(
    agent: ServiceContext, acme: str, clock: FixedClock, monkeypatch: Any
) -> None:
    add_view(agent, "Critical", "sev:critical", pinned=True)
    ref = cases.open_case(agent, new_case()).ref
    reads = whole_reads_counted(monkeypatch)
    search = context(clock.now(), "kim")
    tabs, kept = count_tabs("kim", search, None, {}, 0.0)
    tabs, kept = count_tabs("kim", search, set(), kept, 1.0)
    assert reads == ["sev:critical"] and tabs[0].count == 1
    # A change never among the changed cases (a case deleted by retention is one) is seen
    # once the kept answer is old.
    Case.update(severity="minor").where(Case.ref == ref).execute()
    tabs, kept = count_tabs("kim", search, set(), kept, REBASE_SECONDS / 2)
    assert tabs[0].count == 1 and len(reads) == 1
    tabs, kept = count_tabs("kim", search, set(), kept, REBASE_SECONDS + 1)
    assert tabs[0].count == 0 and len(reads) == 2
    tabs, kept = count_tabs("kim", search, None, kept, REBASE_SECONDS + 2)
    assert len(reads) == 3
