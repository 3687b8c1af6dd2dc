"""The live queue's read model (``services.queue``): loading, incremental refresh, urgency order,
quick-filter counts, SLA readings from memory, and at-risk / breached crossings.

The queue answers from memory what ``services.case_views.case_dict`` answers from a case row,
so most tests build states through the real use cases, move the fixed clock, and require both
to agree: per-row states, remaining business seconds (to the second) and the counts.

Handy facts: Monday 2026-03-09 is the first business day after the DST switch (Toronto is
UTC-4). The fixtures' clock reads Monday 10:00. Business hours Mon-Fri 08:00-18:00. Targets:
critical 4h / 24h, major 10h / 30h, moderate 20h / 100h, minor 30h / 200h; at risk at 75%.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity, TimerState
from wzdesk.services import cases
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.case_fields import case_dict, timers
from wzdesk.services.case_views import CaseFilter, list_cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.queue import REFRESH_OVERLAP, QueueCounts, QueueSnapshot, epoch_now
from wzdesk.store.models import Case

HOUR = 3600
MONDAY_10 = local(2026, 3, 9, 10, 0)


def move_to(clock: FixedClock, instant: datetime) -> float:
    """Move the clock forward to ``instant``; returns it as epoch seconds."""
    delta = instant - clock.now()
    assert delta >= timedelta(0), "tests only move the clock forward"
    clock.advance(delta)
    return epoch_now(clock.now())


def epoch(instant: datetime) -> float:
    return epoch_now(instant)


def loaded() -> QueueSnapshot:
    snapshot = QueueSnapshot()
    snapshot.load_all()
    return snapshot


def row_of(snapshot: QueueSnapshot, ref: str) -> Any:
    [row] = [r for r in snapshot.rows.values() if r.ref == ref]
    return row


def refs(rows: Any) -> list[str]:
    return [row.ref for row in rows]


def check_against_case_dict(snapshot: QueueSnapshot, now: datetime, me: str) -> QueueCounts:
    """Every open case's row agrees with case_dict, and the counts agree with the rows.

    Returns the counts so callers can pin the numbers they expect at this instant.
    """
    book = load_policy_book()
    t = epoch(now)
    open_cases = list(Case.select().where(Case.is_open).order_by(Case.id))
    assert set(snapshot.rows) == {case.id for case in open_cases}
    expected = QueueCounts(total=len(open_cases), by_severity={s: 0 for s in Severity})
    for case in open_cases:
        view = case_dict(case, book, now)
        reading = timers(case, book, now)
        row = snapshot.rows[case.id]
        label = f"{case.ref} at {now.astimezone(MONDAY_10.tzinfo):%a %H:%M}"
        assert (row.ref, row.version, row.status) == (case.ref, case.version, case.status), label
        assert row.severity.value == view["severity"], label
        assert row.assignee == view["assignee"], label
        assert row.response_state(t).value == view["response_state"], label
        assert row.resolution_state(t).value == view["resolution_state"], label
        response_left = row.response_remaining(t)
        resolution_left = row.resolution_remaining(t)
        if view["response_remaining_seconds"] is None:
            assert response_left is None, label
        else:
            assert response_left is not None, label
            assert view["response_remaining_seconds"] in toward_zero(response_left), label
            assert response_left == pytest.approx(reading.response.remaining_seconds, abs=1e-3)
        assert view["resolution_remaining_seconds"] in toward_zero(resolution_left), label
        assert resolution_left == pytest.approx(reading.resolution.remaining_seconds, abs=1e-3)
        assert (row.paused_since is not None) == view["paused"], label

        states = {view["response_state"], view["resolution_state"]}
        expected.breached += "breached" in states
        expected.at_risk += "at_risk" in states and "breached" not in states
        expected.mine += view["assignee"] == me
        expected.unassigned += view["assignee"] is None
        expected.waiting += view["status"] == "waiting_client"
        expected.by_severity[Severity(view["severity"])] += 1
    counts = snapshot.counts(t, me)
    assert counts == expected
    # ... and the queue-wide SQL filters behind ``case list --breached / --at-risk`` agree.
    assert counts.breached == len(list_cases(CaseFilter(breached=True), now))
    assert counts.at_risk == len(list_cases(CaseFilter(at_risk=True), now))
    return counts


# -- loading -----------------------------------------------------------------------------------


def test_load_all_reads_open_cases_as_rows(agent: ServiceContext, acme: str) -> None:
    first = cases.open_case(agent, new_case(summary="Payroll export fails"))
    second = cases.open_case(
        agent, new_case(severity="minor", contact="raj@acme.example", summary="Report typo")
    )
    done = cases.open_case(agent, new_case(severity="major"))
    cases.assign(agent, second.ref, "kim")
    cases.resolve(agent, done.ref, "Fixed.")

    snapshot = loaded()
    assert not snapshot.partial
    assert set(snapshot.rows) == {first.id, second.id}
    row = snapshot.rows[second.id]
    stored = cases.get_case(second.ref)
    assert row.ref == "WZ-1002"
    assert row.severity is Severity.MINOR
    assert row.status == "open"  # assigning a new case opens it
    assert (row.client_code, row.client_name) == ("ACME", "Acme Corporation")
    assert row.contact_name == "Raj Patel"
    assert row.assignee == "kim"
    assert row.summary == "Report typo"
    assert row.version == stored.version
    assert not row.responded
    assert row.paused_since is None
    assert row.received_at == epoch(stored.received_at)
    assert row.response_due == epoch(stored.response_due)
    assert row.response_at_risk_at == epoch(stored.response_at_risk_at)
    assert row.resolution_due == epoch(stored.resolution_due)
    assert row.resolution_at_risk_at == epoch(stored.resolution_at_risk_at)
    for needle in ("wz-1002", "acme", "acme corporation", "report typo", "raj patel"):
        assert needle in row.haystack
    assert snapshot.rows[first.id].assignee is None
    assert snapshot.watermark == MONDAY_10


def test_empty_queue(database: Any, clock: FixedClock) -> None:
    snapshot = loaded()
    assert snapshot.rows == {}
    assert snapshot.ordered == []
    assert snapshot.watermark is None
    assert snapshot.refresh() == set()  # no watermark yet: a full (empty) load
    counts = snapshot.counts(epoch(clock.now()), "kim")
    assert counts == QueueCounts(total=0, by_severity={s: 0 for s in Severity})
    assert snapshot.crossed(epoch(clock.now()), epoch(clock.now()) + 90 * 86400) == []


def test_load_top_reads_only_the_most_urgent_then_refresh_loads_all(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    # Response due instants (none answered): minor Wed 4 Mar 18:00 (breached), critical Mon
    # 14:00, major Mon 18:00, moderate Wed 11 Mar 10:00, minor Thu 12 Mar 10:00.
    made = [
        cases.open_case(agent, new_case(severity="moderate")),
        cases.open_case(agent, new_case(severity="minor")),
        cases.open_case(agent, new_case(severity="major", received_at=local(2026, 3, 9, 8))),
        cases.open_case(agent, new_case(severity="critical")),
        cases.open_case(agent, new_case(severity="minor", received_at=local(2026, 3, 2, 8))),
    ]
    full = loaded()
    assert refs(full.ordered) == ["WZ-1005", "WZ-1004", "WZ-1003", "WZ-1001", "WZ-1002"]

    top = QueueSnapshot()
    top.load_top(2)
    assert top.partial
    assert refs(top.ordered) == ["WZ-1005", "WZ-1004"]
    assert top.watermark is None  # so the next refresh reads everything

    changed = top.refresh()
    assert not top.partial
    assert changed == {case.id for case in made}
    assert refs(top.ordered) == refs(full.ordered)
    assert top.watermark == clock.now()

    everything = QueueSnapshot()
    everything.load_top(50)  # more than there are
    assert refs(everything.ordered) == refs(full.ordered)


# -- urgency order -------------------------------------------------------------------------------


def test_ordered_most_urgent_first_by_nearest_unmet_due_instant(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    # P critical, received now, unanswered: response due Mon 14:00.
    p = cases.open_case(agent, new_case(summary="P"))
    # Q major, received Mon 08:00, unanswered: response due Mon 18:00.
    q = cases.open_case(agent, new_case(severity="major", received_at=local(2026, 3, 9, 8)))
    # R minor, received a week ago, unanswered: response due Wed 4 Mar 18:00 (breached).
    r = cases.open_case(agent, new_case(severity="minor", received_at=local(2026, 3, 2, 8)))
    # S moderate from Thu 5 Mar 08:00, answered: only resolution runs, due Wed 18 Mar 18:00.
    s = cases.open_case(agent, new_case(severity="moderate", received_at=local(2026, 3, 5, 8)))
    cases.reply(agent, s.ref, "On it.")
    # T critical from Fri 6 Mar 08:00, answered late: the met (late) response no longer counts,
    # resolution due Fri 10h + Mon 10h + Tue 4h = Tue 12:00.
    t = cases.open_case(agent, new_case(received_at=local(2026, 3, 6, 8)))
    cases.reply(agent, t.ref, "Sorry for the wait.")

    snapshot = loaded()
    assert refs(snapshot.ordered) == [r.ref, p.ref, q.ref, t.ref, s.ref]
    due = {row.ref: row.next_due for row in snapshot.ordered}
    assert due == {
        r.ref: epoch(local(2026, 3, 4, 18)),
        p.ref: epoch(local(2026, 3, 9, 14)),
        q.ref: epoch(local(2026, 3, 9, 18)),
        t.ref: epoch(local(2026, 3, 10, 12)),
        s.ref: epoch(local(2026, 3, 18, 18)),
    }
    # The same order as ``case list`` (open cases, nearest due instant of a running timer).
    listed = [case.ref for case, _ in list_cases(CaseFilter(), clock.now())]
    assert refs(snapshot.ordered) == listed

    # Answering P leaves its resolution (Wed 11 Mar 14:00) as its nearest due instant.
    cases.reply(agent, p.ref, "Looking now.")
    snapshot.refresh()
    assert refs(snapshot.ordered) == [r.ref, q.ref, t.ref, p.ref, s.ref]
    assert refs(snapshot.ordered) == [case.ref for case, _ in list_cases(CaseFilter(), clock.now())]

    # Raising Q to critical moves its response due to Mon 12:00: first after the breached R.
    cases.change_severity(agent, q.ref, "critical")
    snapshot.refresh()
    assert refs(snapshot.ordered) == [r.ref, q.ref, t.ref, p.ref, s.ref]
    assert row_of(snapshot, q.ref).next_due == epoch(local(2026, 3, 9, 12))
    assert row_of(snapshot, q.ref).severity is Severity.CRITICAL

    # Equal due instants (Wed 4 Mar 18:00): most severe first, then the older case.
    twin = cases.open_case(agent, new_case(severity="minor", received_at=local(2026, 3, 2, 8)))
    urgent = cases.open_case(agent, new_case(received_at=local(2026, 3, 4, 14)))
    snapshot.refresh()
    assert refs(snapshot.ordered)[:3] == [urgent.ref, r.ref, twin.ref]


# -- refresh -----------------------------------------------------------------------------------


def test_refresh_is_incremental_by_updated_at_watermark(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    a = cases.open_case(agent, new_case(summary="A"))
    b = cases.open_case(agent, new_case(summary="B", severity="minor"))
    snapshot = loaded()
    assert snapshot.watermark == MONDAY_10

    move_to(clock, local(2026, 3, 9, 10, 5))
    cases.reply(agent, a.ref, "Hello")
    assert snapshot.refresh() == {a.id}
    assert row_of(snapshot, a.ref).responded
    assert row_of(snapshot, a.ref).status == "open"
    assert snapshot.watermark == local(2026, 3, 9, 10, 5)
    assert snapshot.refresh() == set()  # nothing new: nothing changes

    # A row written with an old updated_at (beyond the overlap) is not read again: the refresh
    # only looks at rows changed since the watermark.
    Case.update(summary="edited quietly", version=Case.version + 1).where(Case.id == b.id).execute()
    assert snapshot.refresh() == set()
    assert row_of(snapshot, b.ref).summary == "B"

    # A commit stamped a little before the watermark (inside the overlap) is still picked up.
    late = snapshot.watermark - REFRESH_OVERLAP + timedelta(seconds=5)
    Case.update(summary="late commit", version=Case.version + 1, updated_at=late).where(
        Case.id == b.id
    ).execute()
    assert snapshot.refresh() == {b.id}
    assert row_of(snapshot, b.ref).summary == "late commit"
    assert snapshot.watermark == local(2026, 3, 9, 10, 5)  # never moves back


def test_refresh_rows_leave_when_resolved_and_return_when_reopened(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    a = cases.open_case(agent, new_case(summary="A"))
    b = cases.open_case(agent, new_case(summary="B", severity="major"))
    snapshot = loaded()

    move_to(clock, local(2026, 3, 9, 11))
    cases.resolve(agent, a.ref, "Fixed in settings.")
    assert snapshot.refresh() == {a.id}
    assert set(snapshot.rows) == {b.id}
    assert refs(snapshot.ordered) == [b.ref]
    assert snapshot.counts(epoch(clock.now()), None).total == 1

    move_to(clock, local(2026, 3, 9, 12))
    cases.reopen(agent, a.ref, "Still broken")
    assert snapshot.refresh() == {a.id}
    assert set(snapshot.rows) == {a.id, b.id}
    assert row_of(snapshot, a.ref).status == "open"

    cases.resolve(agent, a.ref, "Fixed for real.")
    cases.close(agent, a.ref)
    assert snapshot.refresh() == {a.id}
    assert set(snapshot.rows) == {b.id}
    move_to(clock, local(2026, 3, 9, 13))
    assert snapshot.refresh() == set()  # a closed case never comes back


def test_refresh_shows_changes_made_by_another_session(
    supervisor: ServiceContext, agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    mine = QueueSnapshot()  # Kim's console
    mine.load_all()
    theirs = QueueSnapshot()  # Sam's console
    theirs.load_all()
    assert mine.rows == {}

    # Sam logs a call received twenty minutes ago; Kim's console picks it up on its refresh.
    move_to(clock, local(2026, 3, 9, 10, 30))
    call = cases.open_case(
        supervisor,
        new_case(channel="phone", received_at=local(2026, 3, 9, 10, 10)),
        call_seconds=240,
    )
    assert mine.refresh() == {call.id}
    assert row_of(mine, call.ref).received_at == epoch(local(2026, 3, 9, 10, 10))
    assert theirs.refresh() == {call.id}

    # Kim takes it and waits on the client; Sam sees both changes.
    move_to(clock, local(2026, 3, 9, 10, 45))
    cases.assign(agent, call.ref, "kim")
    cases.reply(agent, call.ref, "Can you send the error text?")
    cases.set_status(agent, call.ref, "waiting_client")
    assert theirs.refresh() == {call.id}
    row = row_of(theirs, call.ref)
    assert (row.assignee, row.status, row.responded) == ("kim", "waiting_client", True)
    assert row.paused_since == epoch(local(2026, 3, 9, 10, 45))
    assert row.version == cases.get_case(call.ref).version
    now = epoch(clock.now())
    assert theirs.counts(now, "kim").mine == 1
    assert theirs.counts(now, "sam").mine == 0
    assert theirs.counts(now, "kim").waiting == 1
    assert theirs.counts(now, None).mine == 0


# -- SLA readings from memory ------------------------------------------------------------------


def test_counts_and_row_states_agree_with_case_dict_as_the_clock_moves(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    def check() -> QueueCounts:
        snapshot.refresh()
        return check_against_case_dict(snapshot, clock.now(), "kim")

    # Monday 10:00.
    a = cases.open_case(agent, new_case(summary="A"))  # critical, just in
    b = cases.open_case(
        agent, new_case(summary="B", severity="major", received_at=local(2026, 3, 9, 8))
    )
    cases.assign(agent, b.ref, "kim")
    cases.reply(agent, b.ref, "On it.")
    c = cases.open_case(agent, new_case(summary="C", received_at=local(2026, 3, 6, 8)))
    cases.reply(agent, c.ref, "Sorry for the wait.")  # late: due Fri 12:00
    d = cases.open_case(
        agent, new_case(summary="D", severity="moderate", received_at=local(2026, 3, 6, 8))
    )
    cases.reply(agent, d.ref, "Please send the log.")
    cases.set_status(agent, d.ref, "waiting_client")
    e = cases.open_case(
        agent, new_case(summary="E", severity="minor", received_at=local(2026, 3, 2, 8))
    )
    cases.assign(agent, e.ref, "kim")
    f = cases.open_case(
        agent, new_case(summary="F", severity="major", received_at=local(2026, 3, 9, 9))
    )
    cases.change_severity(agent, f.ref, "critical")  # response now due 13:00, at risk 12:00
    g = cases.open_case(
        agent, new_case(summary="G", severity="moderate", received_at=local(2026, 3, 9, 8))
    )
    cases.reply(agent, g.ref, "Passing this to tier 2.")
    cases.escalate(agent, g.ref, "Tier 2", "Needs database access")
    r = cases.open_case(agent, new_case(summary="R", severity="minor"))
    cases.resolve(agent, r.ref, "Answered on the phone.")

    snapshot = loaded()
    counts = check()
    # Breached: E (response due Wed 4 Mar). C answered after its response due: late, not
    # overdue. At risk: none.
    assert (counts.total, counts.breached, counts.at_risk) == (7, 1, 0)
    assert (counts.mine, counts.unassigned, counts.waiting) == (2, 5, 1)
    assert counts.by_severity == {
        Severity.CRITICAL: 3,
        Severity.MAJOR: 1,
        Severity.MODERATE: 2,
        Severity.MINOR: 1,
    }
    assert row_of(snapshot, c.ref).response_state(epoch(clock.now())) is TimerState.LATE

    move_to(clock, local(2026, 3, 9, 12, 30))
    counts = check()
    assert (counts.breached, counts.at_risk) == (1, 1)  # F's response at risk since 12:00

    move_to(clock, local(2026, 3, 9, 13, 30))
    counts = check()
    assert (counts.breached, counts.at_risk) == (2, 1)  # F breached at 13:00, A at risk at 13:00
    cases.reply(agent, a.ref, "Working on it.")
    counts = check()
    assert (counts.breached, counts.at_risk) == (2, 0)

    move_to(clock, local(2026, 3, 9, 16, 30))
    counts = check()  # C's resolution at risk since 16:00 (its late reply is not overdue)
    assert (counts.breached, counts.at_risk) == (2, 1)
    cases.set_status(agent, b.ref, "waiting_client")  # 8.5h of 30h used: frozen, pending
    counts = check()
    assert counts.waiting == 2

    move_to(clock, local(2026, 3, 9, 19, 30))  # closed: countdowns stand still
    check()
    move_to(clock, local(2026, 3, 10, 12, 30))  # C's resolution breached at Tue 12:00
    check()
    move_to(clock, local(2026, 3, 11, 13))  # A's resolution at risk since Tue 18:00
    counts = check()
    cases.set_status(agent, b.ref, "open")  # resumes with 21.5h left
    counts = check()
    assert row_of(snapshot, b.ref).resolution_remaining(epoch(clock.now())) == 21.5 * HOUR

    move_to(clock, local(2026, 3, 12, 10))  # A's resolution breached Wed 14:00
    check()
    cases.resolve(agent, c.ref, "Patched.")
    counts = check()
    assert c.id not in snapshot.rows

    move_to(clock, local(2026, 3, 16, 9))
    counts = check()
    assert counts.total == 6


def test_remaining_business_seconds_match_case_dict_to_the_second(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())  # critical, Mon 10:00
    snapshot = loaded()
    row = row_of(snapshot, case.ref)
    book = load_policy_book()
    instants = [
        local(2026, 3, 9, 10, 0),
        local(2026, 3, 9, 11, 59, 59),
        local(2026, 3, 9, 13, 0),  # response at risk
        local(2026, 3, 9, 14, 0),  # response due: zero left
        local(2026, 3, 9, 14, 0, 1),  # one second late
        local(2026, 3, 9, 17, 59, 59),
        local(2026, 3, 9, 23, 0),  # closed: same as 18:00
        local(2026, 3, 10, 7, 59),
        local(2026, 3, 10, 8, 0, 30),
        local(2026, 3, 11, 14, 0),  # resolution due
        local(2026, 3, 13, 17, 0),
        local(2026, 3, 16, 9, 0),  # after a weekend
    ]
    for instant in instants:
        move_to(clock, instant)
        t = epoch(instant)
        view = case_dict(cases.get_case(case.ref), book, instant)
        assert row.response_remaining(t) == view["response_remaining_seconds"], instant
        assert row.resolution_remaining(t) == view["resolution_remaining_seconds"], instant
        assert row.response_state(t).value == view["response_state"], instant
        assert row.resolution_state(t).value == view["resolution_state"], instant

    # Hand-checked readings.
    assert row.response_remaining(epoch(local(2026, 3, 9, 12, 30))) == 1.5 * HOUR
    assert row.response_remaining(epoch(local(2026, 3, 9, 14, 0, 1))) == -1
    assert row.response_remaining(epoch(local(2026, 3, 9, 20))) == -4 * HOUR
    assert row.response_remaining(epoch(local(2026, 3, 10, 7))) == -4 * HOUR
    assert row.resolution_remaining(epoch(local(2026, 3, 9, 18))) == 16 * HOUR
    assert row.resolution_remaining(epoch(local(2026, 3, 10, 8))) == 16 * HOUR
    assert row.response_state(epoch(local(2026, 3, 9, 14))) is TimerState.AT_RISK  # due, not past
    assert row.response_state(epoch(local(2026, 3, 9, 14, 0, 1))) is TimerState.BREACHED

    cases.reply(agent, case.ref, "Hello")
    snapshot.refresh()
    row = row_of(snapshot, case.ref)
    assert row.response_remaining(epoch(clock.now())) is None
    assert row.response_state(epoch(clock.now())) is TimerState.LATE  # answered too late
    assert case_dict(cases.get_case(case.ref), book, clock.now())["response_state"] == "late"


def test_paused_rows_are_frozen(agent: ServiceContext, acme: str, clock: FixedClock) -> None:
    case = cases.open_case(agent, new_case())  # critical, Mon 10:00: resolution due Wed 14:00
    cases.reply(agent, case.ref, "Which invoice?")
    waiting_new = cases.open_case(agent, new_case(severity="major", summary="No reply yet"))
    move_to(clock, local(2026, 3, 9, 11))
    cases.set_status(agent, case.ref, "waiting_client")  # 1h used, 23h left
    cases.set_status(agent, waiting_new.ref, "waiting_client")  # response still runs
    snapshot = loaded()
    row = row_of(snapshot, case.ref)
    other = row_of(snapshot, waiting_new.ref)
    assert row.paused_since == epoch(local(2026, 3, 9, 11))
    assert [label for _, label in row.transitions()] == []  # nothing left to cross while paused
    assert [label for _, label in other.transitions()] == ["response at risk", "response breached"]

    book = load_policy_book()
    # Far past the stored at-risk (Tue 18:00) and due (Wed 14:00) instants: still 23h, pending.
    for instant in (
        local(2026, 3, 9, 17),
        local(2026, 3, 10, 18, 30),
        local(2026, 3, 11, 15),
        local(2026, 3, 12, 12),
    ):
        t = move_to(clock, instant)
        assert row.resolution_remaining(t) == 23 * HOUR
        assert row.resolution_state(t) is TimerState.PENDING
        assert row.worst_state(t) is TimerState.PENDING
        view = case_dict(cases.get_case(case.ref), book, instant)
        assert view["paused"] is True
        assert view["resolution_remaining_seconds"] == 23 * HOUR
        assert view["resolution_state"] == "pending"
        # The other waiting case's response keeps counting down.
        other_view = case_dict(cases.get_case(waiting_new.ref), book, instant)
        assert other.response_remaining(t) == other_view["response_remaining_seconds"]
        assert other.resolution_remaining(t) == other_view["resolution_remaining_seconds"]
        check_against_case_dict(snapshot, instant, "kim")
    assert other.response_state(epoch(clock.now())) is TimerState.BREACHED  # due Tue 10:00
    assert other.resolution_remaining(epoch(clock.now())) == 29 * HOUR  # frozen at 11:00 Mon
    assert snapshot.crossed(epoch(MONDAY_10), epoch(clock.now())) == [
        (other, "response at risk"),
        (other, "response breached"),
    ]

    # Thursday 12:00, the client answers: the clock resumes with the 23h left.
    cases.set_status(agent, case.ref, "open")
    snapshot.refresh()
    row = row_of(snapshot, case.ref)
    assert row.paused_since is None
    assert row.resolution_remaining(epoch(clock.now())) == 23 * HOUR
    # Thu 12-18 (6h), Fri (10h), Mon 16 Mar 08-15 (7h).
    assert row.resolution_due == epoch(local(2026, 3, 16, 15))
    move_to(clock, local(2026, 3, 12, 13))
    assert row.resolution_remaining(epoch(clock.now())) == 22 * HOUR
    check_against_case_dict(snapshot, clock.now(), "kim")


def test_a_case_paused_after_breaching_stays_breached(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(received_at=local(2026, 3, 5, 8)))
    cases.reply(agent, case.ref, "Late, sorry")
    # Critical from Thu 08:00: resolution 24h = Thu 10h + Fri 10h + Mon 4h -> Mon 12:00.
    move_to(clock, local(2026, 3, 9, 12, 30))
    cases.set_status(agent, case.ref, "waiting_client")
    snapshot = loaded()
    row = row_of(snapshot, case.ref)
    for instant in (local(2026, 3, 9, 13), local(2026, 3, 10, 17)):
        t = move_to(clock, instant)
        assert row.resolution_state(t) is TimerState.BREACHED
        assert row.resolution_remaining(t) == -0.5 * HOUR
        check_against_case_dict(snapshot, instant, "kim")


# -- crossings -----------------------------------------------------------------------------------


def test_crossed_reports_each_transition_once_in_order(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    # Critical at Mon 10:00: response at risk 13:00, due 14:00; resolution at risk Tue 18:00
    # (Mon 8h + Tue 10h: a target running out at closing time is due at closing time), due
    # Wed 14:00.
    a = cases.open_case(agent, new_case(summary="A"))
    # Major at Mon 10:00, answered at once: resolution at risk 22.5h -> Wed 12:30, due Thu 10:00.
    b = cases.open_case(agent, new_case(summary="B", severity="major"))
    cases.reply(agent, b.ref, "Hello")
    snapshot = loaded()
    row_a, row_b = row_of(snapshot, a.ref), row_of(snapshot, b.ref)
    assert sorted(row_a.transitions()) == [
        (epoch(local(2026, 3, 9, 13)), "response at risk"),
        (epoch(local(2026, 3, 9, 14)), "response breached"),
        (epoch(local(2026, 3, 10, 18)), "resolution at risk"),
        (epoch(local(2026, 3, 11, 14)), "resolution breached"),
    ]

    start = epoch(clock.now())
    assert snapshot.crossed(start, start) == []
    last = move_to(clock, local(2026, 3, 9, 12, 59, 59))
    assert snapshot.crossed(start, last) == []
    now = move_to(clock, local(2026, 3, 9, 13))  # the end of the window counts
    assert snapshot.crossed(last, now) == [(row_a, "response at risk")]
    assert snapshot.crossed(last, now) == []  # once only
    last, now = now, move_to(clock, local(2026, 3, 9, 13, 30))
    assert snapshot.crossed(last, now) == []

    # A refresh (another case changed) rebuilds the schedule: nothing is announced twice.
    # (Minor at 13:30: response at risk 22.5h -> Wed 16:00, due Thu 13:30.)
    other = cases.open_case(agent, new_case(summary="Other", severity="minor"))
    assert snapshot.refresh() == {other.id}
    row_a = row_of(snapshot, a.ref)
    last, now = now, move_to(clock, local(2026, 3, 9, 13, 45))
    assert snapshot.crossed(last, now) == []

    # A long gap (the console slept): every crossing in the window, in time order.
    last, now = now, move_to(clock, local(2026, 3, 12, 12))
    assert snapshot.crossed(last, now) == [
        (row_a, "response breached"),
        (row_a, "resolution at risk"),
        (row_b, "resolution at risk"),
        (row_a, "resolution breached"),
        (row_of(snapshot, other.ref), "response at risk"),
        (row_b, "resolution breached"),
    ]
    assert snapshot.crossed(last, now) == []
    t = epoch(clock.now())
    assert row_a.worst_state(t) is TimerState.BREACHED
    assert row_b.worst_state(t) is TimerState.BREACHED


def test_crossed_skips_what_happened_before_the_window_and_gone_rows(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    a = cases.open_case(agent, new_case(summary="A"))  # response at risk 13:00, due 14:00
    b = cases.open_case(agent, new_case(summary="B"))
    c = cases.open_case(agent, new_case(summary="C"))
    move_to(clock, local(2026, 3, 9, 13, 30))
    snapshot = loaded()  # a console started at 13:30 announces nothing from before
    now = epoch(clock.now())
    assert snapshot.crossed(now, now) == []

    cases.reply(agent, b.ref, "Answered in time")  # B's response transitions are gone
    cases.resolve(agent, c.ref, "Done")  # C leaves the queue
    snapshot.refresh()
    last, now = now, move_to(clock, local(2026, 3, 9, 14, 30))
    assert snapshot.crossed(last, now) == [(row_of(snapshot, a.ref), "response breached")]


# -- realistic data ------------------------------------------------------------------------------


def toward_zero(seconds: float) -> set[int]:
    """The whole seconds the case object shows for ``seconds`` (cut toward zero, as the
    screen cuts minutes), allowing for the two computations' last-digit differences."""
    return {int(seconds - 1e-3), int(seconds + 1e-3)}


def test_queue_agrees_with_case_dict_on_demo_data(database: Any, clock: FixedClock) -> None:
    from wzdesk.services.demo import generate

    generate(clock, 300)
    snapshot = loaded()
    counts = check_against_case_dict(snapshot, clock.now(), "kim")
    assert counts.total == Case.select().where(Case.is_open).count()
    assert counts.breached > 0 and counts.at_risk > 0 and counts.waiting > 0

    # The first screen is chosen in SQL by stored due instants (a waiting case's deadline does
    # not move during its pause there), then ordered like the full queue.
    top = QueueSnapshot(clock=clock)
    top.load_top(25)
    assert len(top.ordered) == 25 and top.partial
    assert set(refs(top.ordered)) <= set(refs(snapshot.ordered))
    now = clock.now().timestamp()
    assert [r.urgency(now) for r in top.ordered] == sorted(r.urgency(now) for r in top.ordered)
    running = [r for r in snapshot.ordered if r.paused_since is None]
    assert refs([r for r in top.ordered if r.paused_since is None])[:10] == refs(running)[:10]

    for hours in (1, 5, 30, 200):
        later = clock.now() + timedelta(hours=hours)
        check_against_case_dict(snapshot, later, "alex")
