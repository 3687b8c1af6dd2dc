"""The wallboard follows the queue row by row (issue 13): after any run of crossings, re-reads
and entries into the last business hour, its figures, loads and lists equal a count of every
open case; a second in which nothing crosses counts no row again; and the board's order is
set right at each re-sort."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity
from wzdesk.services import cases
from wzdesk.services.directory import sign_in
from wzdesk.services.queue import RESORT_SECONDS, QueueSnapshot
from wzdesk.tui.screens.wallboard import Wallboard
from wzdesk.tui.widgets.sla_panel import BreachBoard, _order

USERS = {"kim": "Kim Lee", "alex": "Alex Moreau", "nobody": "Has No Case"}


def picture(wallboard: Wallboard, now: float) -> dict[str, Any]:
    """What the wallboard shows, order-free where ties may fall either way."""

    def board(b: BreachBoard) -> dict[Severity, set[tuple[int, str, str]]]:
        return {
            severity: {(row.case_id, r.state.value, r.name) for row, r in items}
            for severity, items in b.groups.items()
        }

    return {
        "figures": {s: vars(f) for s, f in wallboard.figures.items()},
        "agents": [(a.login, a.open, a.breached, a.at_risk) for a in wallboard.agents],
        "unassigned": {row.case_id for row, _ in wallboard.unassigned_breached(None)},
        "unassigned_count": wallboard.unassigned_count,
        "board": board(wallboard.board),
        "counts": dict(wallboard.board.counts),
        "open": wallboard.open_total,
        "callout": wallboard.unassigned_text(now, 0).plain,
    }


def demo_desk(clock: FixedClock, count: int) -> tuple[QueueSnapshot, Wallboard, float]:
    """``count`` demo cases loaded in a snapshot, and a wallboard counted from it, now."""
    from wzdesk.services.demo import generate

    generate(clock, count)
    snapshot = QueueSnapshot(clock=clock)
    snapshot.load_all()
    now = clock.now().timestamp()
    snapshot.advance(now)
    wallboard = Wallboard.build(snapshot.ordered, now, USERS)
    wallboard.source, wallboard.generation = snapshot, snapshot.generation
    wallboard.applied = len(snapshot.moved)
    return snapshot, wallboard, now


def step(snapshot: QueueSnapshot, wallboard: Wallboard, now: float) -> None:
    snapshot.advance(now)
    assert wallboard.follows(snapshot)
    wallboard.follow(snapshot, now)
    counted = Wallboard.build(snapshot.ordered, now, USERS)
    assert picture(wallboard, now) == picture(counted, now), now
    for items in wallboard.board.groups.values():  # in order, as placed
        keys = [_order(entry) for entry in items]
        assert keys == sorted(keys)


def test_followed_row_by_row_the_wallboard_equals_a_whole_count(
    database: Any, clock: FixedClock
) -> None:
    snapshot, wallboard, start = demo_desk(clock, 400)
    assert wallboard.figures[Severity.MINOR].open > 0
    # Minute by minute through a business afternoon (crossings and entries into the last hour).
    due_soon = any(f.due_soon for f in wallboard.figures.values())
    for minute in range(1, 7 * 60, 7):
        step(snapshot, wallboard, start + 60 * minute)
        due_soon = due_soon or any(f.due_soon for f in wallboard.figures.values())
    assert due_soon, "no row entered its last hour: the walk tested no such entry"
    touched = wallboard.touched
    assert 0 < touched < len(snapshot.ordered) * 6  # each row a few times at most, never per tick

    # Re-reads: someone assigns, answers, pauses, resolves, opens; each is moved, no recount.
    clock.advance(timedelta(hours=7))
    ctx = sign_in("sam", clock).context
    refs = [row.ref for row in snapshot.ordered]
    unassigned = next(row.ref for row in snapshot.ordered if row.assignee is None)
    cases.assign(ctx, unassigned, "kim")
    cases.reply(ctx, refs[1], "Here is the fix", internal=False)
    cases.set_status(ctx, refs[2], "waiting_client", need="Which version?")
    third = cases.get_case(refs[3])  # only an "unexpected" case takes a classification
    cases.resolve(
        ctx, third.ref, "Fixed", classification="bug" if third.category == "unexpected" else None
    )
    cases.change_severity(ctx, refs[-1], "critical")
    changed = snapshot.refresh()
    assert len(changed) >= 4  # the unassigned case may be one of the others
    generation = snapshot.generation
    step(snapshot, wallboard, clock.now().timestamp())
    assert snapshot.generation == generation
    # The next business day, then days on: everything breaches in turn.
    for hours in (17, 30, 80, 200):
        step(snapshot, wallboard, start + hours * 3600)


def test_a_second_with_nothing_crossing_counts_no_row(database: Any, clock: FixedClock) -> None:
    snapshot, wallboard, now = demo_desk(clock, 300)
    upcoming = min(
        [instant for instant, *_ in snapshot._transitions if instant > now]
        + [instant for instant, *_ in wallboard._entering]
    )
    quiet = now + (upcoming - now) / 2
    snapshot.advance(quiet)
    wallboard.follow(snapshot, quiet)
    assert wallboard.touched == 0
    later = upcoming + 1
    snapshot.advance(later)
    wallboard.follow(snapshot, later)
    assert 0 < wallboard.touched <= 4  # the row or two that crossed, not the open cases
    assert picture(wallboard, later) == picture(
        Wallboard.build(snapshot.ordered, later, USERS), later
    )


def test_the_board_order_is_set_right_at_each_re_sort(database: Any, clock: FixedClock) -> None:
    """Rows are placed by the time left when they crossed; the others' times have run on since.
    Every RESORT_SECONDS the groups are sorted again: then the order is a whole count's."""
    snapshot, wallboard, start = demo_desk(clock, 400)
    for minute in range(1, 3 * 60, 3):
        now = start + 60 * minute
        snapshot.advance(now)
        wallboard.follow(snapshot, now)
        if wallboard.board.sorted_at == now:  # re-sorted just now
            counted = Wallboard.build(snapshot.ordered, now, USERS)
            for severity, items in wallboard.board.groups.items():
                assert [_order(e) for e in items] == [
                    _order(e) for e in counted.board.groups[severity]
                ]
        assert now - wallboard.board.sorted_at < RESORT_SECONDS


def test_large_counts_are_grouped_in_thousands(database: Any, clock: FixedClock) -> None:
    """At a million cases the wallboard read "12252 more major" beside the queue's "100,311":
    every count it prints is grouped as the rest of the console's are."""
    from wzdesk.tui.screens.wallboard import SeverityFigures

    _, wallboard, _ = demo_desk(clock, 30)
    wallboard.figures[Severity.MAJOR] = SeverityFigures(
        open=12_345, breached=1_234, at_risk=2_345, due_soon=1_000
    )
    for severity in (Severity.CRITICAL, Severity.MODERATE, Severity.MINOR):
        wallboard.figures[severity] = SeverityFigures()
    assert wallboard.heading(Severity.MAJOR).plain == (
        "MAJOR  1,234 breached · 2,345 at risk · 1,000 due ≤1h · 12,345 open"
    )
    assert wallboard.totals_text().plain == (
        "All  1,234 breached · 2,345 at risk · 1,000 due ≤1h · 12,345 open"
    )
