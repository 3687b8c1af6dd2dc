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


def test_a_re_read_applies_only_the_changed_rows(
    agent: Any, supervisor: Any, acme: str, clock: FixedClock
) -> None:
    from tests.conftest import local, new_case
    from wzdesk.services import cases

    refs = []
    for i, severity in enumerate(["critical", "major", "moderate", "minor"] * 3):
        received = local(2026, 3, 5 + i % 3, 9 + i)
        case = cases.open_case(
            supervisor, new_case(severity=severity, summary=f"C{i}", received_at=received)
        )
        refs.append(case.ref)
    snapshot = QueueSnapshot(clock=clock, me="kim")
    snapshot.load_all()
    now = clock.now().timestamp()
    snapshot.counts(now, "kim")
    generation, touched = snapshot.generation, snapshot.touched

    cases.assign(supervisor, refs[1], "kim")
    cases.reply(agent, refs[2], "On it")
    cases.resolve(supervisor, refs[3], "Done")
    extra = cases.open_case(agent, new_case(severity="critical", summary="New"))
    changed = snapshot.refresh()
    assert len(changed) == 4
    now = clock.now().timestamp()
    assert snapshot.counts(now, "kim") == counted(snapshot, now, "kim")
    assert snapshot.generation == generation  # no regrouping of everything
    assert snapshot.touched - touched == 3  # the three rows still open, and no other
    assert set(snapshot.moved[-4:]) == changed
    # The new case's crossings are scheduled, the resolved one's are gone.
    later = now + 6 * 3600
    crossed = {(row.ref, label) for row, label in snapshot.crossed(now, later)}
    assert (extra.ref, "response breached") in crossed
    assert not any(ref == refs[3] for ref, _ in crossed)
    assert snapshot.counts(later, "kim") == counted(snapshot, later, "kim")
    assert {r.case_id: r.worst_state(later) for r in snapshot.ordered} == snapshot.states


def test_the_moved_log_starts_over_instead_of_growing_all_day(
    database: Any, clock: FixedClock, monkeypatch: Any
) -> None:
    from wzdesk.services import queue
    from wzdesk.services.demo import generate

    generate(clock, 300)
    snapshot = QueueSnapshot(clock=clock)
    snapshot.load_all()
    # A limit of ten entries beyond the four per open case.
    monkeypatch.setattr(queue, "MOVED_LOG_LIMIT", 10 - 4 * len(snapshot.rows))
    start = clock.now().timestamp()
    generation = snapshot.generation
    for hours in range(1, 200, 3):
        now = start + hours * 3600
        assert snapshot.counts(now, None) == counted(snapshot, now, None)
        assert len(snapshot.moved) <= 10
    assert snapshot.generation > generation  # readers were told to regroup


def test_a_re_read_puts_the_changed_rows_in_place_without_sorting_the_queue(
    database: Any, clock: FixedClock, monkeypatch: Any
) -> None:
    from datetime import timedelta

    from wzdesk.services import cases
    from wzdesk.services.demo import generate
    from wzdesk.services.directory import sign_in
    from wzdesk.services.queue import RESORT_SECONDS, QueueRow, queue_order

    generate(clock, 400)
    snapshot = QueueSnapshot(clock=clock, me="kim")
    snapshot.load_all()
    ctx = sign_in("sam", clock).context
    open_refs = [row.ref for row in snapshot.ordered]
    clock.advance(timedelta(minutes=1))
    cases.change_severity(ctx, open_refs[-1], "critical")  # from the end to near the top
    cases.reply(ctx, open_refs[len(open_refs) // 2], "Here is the fix", internal=False)
    third = cases.get_case(open_refs[3])  # only an "unexpected" case takes a classification
    cases.resolve(
        ctx, third.ref, "Fixed", classification="bug" if third.category == "unexpected" else None
    )
    read: list[int] = []
    urgency = QueueRow.urgency
    monkeypatch.setattr(
        QueueRow, "urgency", lambda row, now: read.append(row.case_id) or urgency(row, now)
    )
    changed = snapshot.refresh()
    assert len(changed) == 3
    now = clock.now().timestamp()
    assert len(set(read)) < len(snapshot.ordered) / 3, "the whole queue was sorted again"
    monkeypatch.undo()
    fully_sorted = sorted(snapshot.rows.values(), key=lambda row: queue_order(row, now))
    # A waiting case's countdown stands still while the others run, so within RESORT_SECONDS
    # its place may lag (set right below); every running case is exactly in place.
    running = [r.case_id for r in fully_sorted if r.paused_since is None]
    assert [r.case_id for r in snapshot.ordered if r.paused_since is None] == running

    # Past RESORT_SECONDS, a re-read that changes something sorts the whole queue again (the
    # places of waiting cases, whose countdowns stood still, are set right).
    clock.advance(timedelta(seconds=RESORT_SECONDS + 1))
    cases.reply(ctx, open_refs[5], "Any news?", internal=True)
    snapshot.refresh()
    now = clock.now().timestamp()
    fully_sorted = sorted(snapshot.rows.values(), key=lambda row: queue_order(row, now))
    assert [r.case_id for r in snapshot.ordered] == [r.case_id for r in fully_sorted]
