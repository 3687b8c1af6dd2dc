"""Demo data is written in batches (issue 13): memory stays flat with the number of cases, and
the batches join up into one consistent desk."""

from __future__ import annotations

from typing import Any

import pytest

from wzdesk.core.clock import FixedClock
from wzdesk.services import demo
from wzdesk.store.models import Case, CaseEvent, SlaPause


def test_batches_join_up(database: Any, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "DEMO_BATCH", 7)
    summary = demo.generate(clock, 40, 0.5)
    cases = list(Case.select().order_by(Case.id))
    assert summary.cases == len(cases) == 40
    numbers = [int(case.ref.removeprefix(demo.REF_PREFIX)) for case in cases]
    assert numbers == list(range(demo.FIRST_CASE_NUMBER, demo.FIRST_CASE_NUMBER + 40))
    created = {e.case_id for e in CaseEvent.select().where(CaseEvent.kind == "created")}
    assert created == {case.id for case in cases}  # every batch's cases got their events
    assert summary.events == CaseEvent.select().count()
    closed = {p.case_id for p in SlaPause.select().where(SlaPause.reason == "resolved")}
    assert closed == {case.id for case in cases if not case.is_open}
    assert 0 < summary.open_cases < 40
