"""Many agents writing to a few cases at once, each on its own connection, then an audit of
what the database holds against what each writer was told.

Every writer reads a case, then changes it with the version it read (a note, an assignment, a
status or severity change), so writers constantly collide. The checks: every write a writer
was told succeeded is there exactly once (no lost writes), nothing is there that no writer was
told succeeded (no phantom writes), every collision surfaced as a ``Conflict`` (no other error,
no "database is locked"), each case's version counts its writes, and the audit trail has one
record per write.

Used by ``tests/services/test_soak.py`` (8 writers, a few seconds) and by
``python -m benchmarks.bench_soak`` (longer runs, with throughput).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from wzdesk.core.case_sla import paused_left
from wzdesk.core.clock import Clock, SystemClock
from wzdesk.core.errors import Conflict
from wzdesk.core.rules import Role
from wzdesk.core.sla import Severity
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.policy_book import load_policy_book
from wzdesk.store.database import db
from wzdesk.store.models import AuditEntry, Case, CaseEvent

ACTIONS = ("note", "assign", "status", "severity")
AUDIT_OF = {
    "note": "case.note",
    "assign": "case.assign",
    "status": "case.status",
    "severity": "case.severity",
}


@dataclass
class Tally:
    """What one writer was told."""

    done: list[tuple[str, str, str]] = field(default_factory=list)  # (ref, action, token)
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class SoakReport:
    """What all writers did, and what the database holds."""

    seconds: float
    writes: int
    conflicts: int
    errors: list[str]
    lost: list[str]
    phantom: list[str]
    version_mismatches: list[str]
    audit_mismatches: dict[str, tuple[int, int]]
    #: cases whose stored frozen time left is not the one their row gives (the search's order
    #: of paused cases: ``core.case_sla.paused_left``)
    time_left_mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.errors
            or self.lost
            or self.phantom
            or self.version_mismatches
            or self.audit_mismatches
            or self.time_left_mismatches
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            "writes": self.writes,
            "writes_per_second": round(self.writes / self.seconds, 1) if self.seconds else 0,
            "conflicts": self.conflicts,
            "errors": len(self.errors),
            "lost": len(self.lost),
            "phantom": len(self.phantom),
            "version_mismatches": len(self.version_mismatches),
            "audit_mismatches": len(self.audit_mismatches),
            "time_left_mismatches": len(self.time_left_mismatches),
        }


def _write(ctx: ServiceContext, ref: str, action: str, token: str, rng: random.Random) -> None:
    case = cases.get_case(ref)
    version = case.version
    if action == "note":
        cases.reply(ctx, ref, token, internal=True, expected_version=version)
    elif action == "assign":
        current = case.assignee.login if case.assignee_id and case.assignee else None
        cases.assign(ctx, ref, "kim" if current != "kim" else "sam", version)
    elif action == "status":
        target = "waiting_client" if case.status != "waiting_client" else "open"
        cases.set_status(ctx, ref, target, version)
    else:
        target = rng.choice([s for s in ("critical", "major", "moderate") if s != case.severity])
        cases.change_severity(ctx, ref, target, version)


def _writer(
    number: int,
    refs: list[str],
    until: float,
    start: threading.Barrier,
    tally: Tally,
    clock: Clock,
) -> None:
    rng = random.Random(number)
    ctx = ServiceContext(f"writer{number}", Role.SUPERVISOR, clock)
    with db.obj.connection_context():
        start.wait()
        count = 0
        while time.monotonic() < until:
            ref, action = rng.choice(refs), rng.choice(ACTIONS)
            token = f"w{number}-{count}"
            count += 1
            try:
                _write(ctx, ref, action, token, rng)
                tally.done.append((ref, action, token))
            except Conflict:
                tally.conflicts += 1
            except Exception as error:  # noqa: BLE001 - every other failure is a finding
                tally.errors.append(f"{type(error).__name__}: {error}")


def run_soak(
    refs: list[str], writers: int = 8, seconds: float = 3.0, clock: Clock | None = None
) -> SoakReport:
    """Let ``writers`` threads hammer the cases ``refs`` for ``seconds``; audit the result.

    The cases must be open, with console users ``kim`` and ``sam`` to assign to. ``clock``:
    the writers' clock (the benchmark runs one through business hours: a status change then
    pauses and restarts SLA timers that move, as on a working day).
    """
    clock = clock or SystemClock()
    versions_before = {ref: cases.get_case(ref).version for ref in refs}
    audit_before = Counter(
        a.action for a in AuditEntry.select(AuditEntry.action).where(AuditEntry.actor ** "writer%")
    )
    start = threading.Barrier(writers + 1)
    tallies = [Tally() for _ in range(writers)]
    began = time.monotonic()
    until = began + seconds
    threads = [
        threading.Thread(target=_writer, args=(n, refs, until, start, tallies[n], clock))
        for n in range(writers)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.monotonic() - began
    done = [item for tally in tallies for item in tally.done]

    ids = {c.id: c.ref for c in Case.select(Case.id, Case.ref).where(Case.ref.in_(refs))}
    notes = Counter(
        (ids[e.case_id], e.body)
        for e in CaseEvent.select(CaseEvent.case, CaseEvent.body).where(
            (CaseEvent.kind == "note") & CaseEvent.author.startswith("writer")
        )
    )
    told = Counter((ref, token) for ref, action, token in done if action == "note")
    lost = [f"{ref} {token}" for (ref, token), n in told.items() if notes[(ref, token)] != n]
    phantom = [f"{ref} {body}" for (ref, body), n in notes.items() if told[(ref, body)] != n]

    per_case = Counter(ref for ref, _, _ in done)
    mismatches = []
    for ref in refs:
        expected = versions_before[ref] + per_case[ref]
        actual = cases.get_case(ref).version
        if actual != expected:
            mismatches.append(f"{ref}: version {actual}, expected {expected}")

    audit_after = Counter(
        a.action for a in AuditEntry.select(AuditEntry.action).where(AuditEntry.actor ** "writer%")
    )
    wanted = Counter(AUDIT_OF[action] for _, action, _ in done)
    audit_mismatches = {
        action: (audit_after[action] - audit_before[action], wanted[action])
        for action in set(wanted) | set(audit_after)
        if audit_after[action] - audit_before[action] != wanted[action]
    }
    return SoakReport(
        elapsed,
        len(done),
        sum(t.conflicts for t in tallies),
        [e for t in tallies for e in t.errors],
        lost,
        phantom,
        mismatches,
        audit_mismatches,
        [ref for ref in refs if not _time_left_true(cases.get_case(ref))],
    )


def _time_left_true(case: Case) -> bool:
    """Whether the case stores the frozen time left its row gives."""
    calendar = load_policy_book().by_id(case.policy_id).calendar_for(Severity(case.severity))
    expected = paused_left(
        calendar,
        bool(case.is_open),
        case.first_response_at is not None,
        None if case.paused_since is None else case.paused_since.timestamp(),
        case.resolution_due.timestamp(),
        case.resolution_paused_after_due,
    )
    if expected is None or case.paused_left is None:
        return expected is None and case.paused_left is None
    return abs(case.paused_left - expected) < 1e-6
