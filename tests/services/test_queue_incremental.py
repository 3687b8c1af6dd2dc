"""The queue's counts and breach states are kept incrementally (issue 13): a crossing re-reads
only the rows that crossed, and the result always equals counting every row again."""

from __future__ import annotations

from typing import Any

from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services.queue import QueueCounts, QueueSnapshot


def counted(snapshot: QueueSnapshot, now: float, me: str | None) -> QueueCounts:
    """The counts the slow way: every open case read at ``now``."""
    counts = QueueCounts(total=len(snapshot.ordered), by_severity={s: 0 for s in Severity})
    for row in snapshot.ordered:
        state = row.worst_state(now)
        counts.breached += state is TimerState.BREACHED
        counts.at_risk += state is TimerState.AT_RISK
        counts.mine += me is not None and row.assignee == me
        counts.unassigned += row.assignee is None
        counts.waiting += row.status == "waiting_client"
        counts.by_severity[row.severity] += 1
    return counts


def test_incremental_counts_equal_a_full_count_forward_and_back(
    database: Any, clock: FixedClock
) -> None:
    from wzdesk.services.demo import generate

    generate(clock, 400)
    snapshot = QueueSnapshot(clock=clock, me="kim")
    snapshot.load_all()
    start = clock.now().timestamp()
    assert snapshot.counts(start, "kim") == counted(snapshot, start, "kim")
    touched = snapshot.touched
    crossings = 0
    # Minute by minute through a business afternoon, then a jump of days, then back in time.
    instants = [start + 60 * m for m in range(1, 8 * 60, 7)] + [start + 5 * 86400, start + 3600]
    for now in instants:
        crossings += len(snapshot.crossed(now - 1, now)) if now > start + 4 * 86400 else 0
        counts = snapshot.counts(now, "kim")
        assert counts == counted(snapshot, now, "kim"), now
        assert {r.case_id: r.worst_state(now) for r in snapshot.ordered} == snapshot.states
    assert snapshot.counts(start + 3600, "alex") == counted(snapshot, start + 3600, "alex")
    # Each row is re-read once per threshold it crossed (at most four), never per tick.
    assert 0 < snapshot.touched - touched <= 4 * len(snapshot.ordered)


def test_a_tick_without_crossing_reads_no_row(database: Any, clock: FixedClock) -> None:
    from wzdesk.services.demo import generate

    generate(clock, 300)
    snapshot = QueueSnapshot(clock=clock)
    snapshot.load_all()
    now = clock.now().timestamp()
    snapshot.counts(now, None)
    upcoming = min(instant for instant, *_ in snapshot._transitions)
    touched, moved = snapshot.touched, len(snapshot.moved)
    quiet = now + (upcoming - now) / 2
    assert snapshot.crossed(now, quiet) == []
    snapshot.counts(quiet, None)
    assert (snapshot.touched, len(snapshot.moved)) == (touched, moved)
    crossed = snapshot.crossed(quiet, upcoming)
    assert crossed and snapshot.touched - touched == len(snapshot.moved) - moved <= len(crossed)
