"""Eight agents writing to three cases at once for a few seconds, on each backend: nothing is
lost, nothing appears that nobody wrote, every collision is a reported conflict. (The longer
run is ``python -m benchmarks.bench_soak``.)"""

from __future__ import annotations

import peewee

from benchmarks.soak import run_soak
from tests.conftest import new_case
from wzdesk.services.cases import open_case, reply
from wzdesk.services.context import ServiceContext

WRITERS = 8
SECONDS = 2.5


def test_eight_writers_lose_nothing_and_invent_nothing(
    database: peewee.Database, supervisor: ServiceContext, agent: ServiceContext, acme: str
) -> None:
    refs = [open_case(agent, new_case(summary=f"Hot case {i}")).ref for i in range(3)]
    for ref in refs[:2]:  # answered: a pause freezes their time left (the third's runs on)
        reply(agent, ref, "Looking into it.")
    report = run_soak(refs, writers=WRITERS, seconds=SECONDS)
    assert report.errors == []  # every collision surfaced as a Conflict, nothing else
    assert report.lost == [] and report.phantom == []
    assert report.version_mismatches == [] and report.audit_mismatches == {}
    assert report.time_left_mismatches == []  # what the search orders paused cases by
    assert report.writes > WRITERS  # it did write, on every backend
    assert report.conflicts > 0  # and the writers did collide
