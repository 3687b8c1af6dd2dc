"""Re-timing cases when the calendar or the policy changes, and the what-if before saving.

Cases store their due instants (so "breached" is an indexed comparison). A holiday added after a
case was received therefore has to move them: every case whose stored deadlines reach the
changed dates, closed ones too (SPEC 3: "every case whose clock spans it"; a closed case kept
its old due instants while explain, events and as-of reports counted the new calendar), gets
its deadlines recomputed under the old and the new calendar; where the two differ, the clock
spans the change and the stored deadlines take the new values (audited, ``updated_at`` bumped
so consoles that re-read "changed since" see it).

The what-if (``--dry-run``) runs the very same code inside the transaction and rolls it back, so
it predicts exactly what saving then does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from wzdesk.core.case_sla import Deadlines, clock_stop, compute_deadlines, paused_left
from wzdesk.core.sla import Severity
from wzdesk.core.timefmt import format_instant
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.database import db
from wzdesk.store.models import Case, SlaPause
from wzdesk.store.queries import tuples

if TYPE_CHECKING:
    from wzdesk.services.policy_book import PolicyBook

T = TypeVar("T")

DEADLINE_FIELDS = (
    "response_due",
    "response_at_risk_at",
    "resolution_due",
    "resolution_at_risk_at",
    "resolution_paused_after_due",
)


@dataclass(frozen=True)
class CaseMove:
    """One case whose stored deadlines move, and how its timers read before and after."""

    ref: str
    case_id: int
    before: Deadlines
    after: Deadlines
    response_before: str  # "pending" | "breached" | "met" | "late"
    response_after: str
    resolution_before: str
    resolution_after: str

    @property
    def response_shift(self) -> float:
        """Seconds the response due instant moves (positive: later)."""
        return (self.after.response_due - self.before.response_due).total_seconds()

    @property
    def resolution_shift(self) -> float:
        """Seconds the resolution due instant moves (positive: later)."""
        return (self.after.resolution_due - self.before.resolution_due).total_seconds()

    @property
    def moves_an_instant(self) -> bool:
        """Whether a stored instant moves. If not, only the business time of a wait on the
        client begun once breached is counted anew (the change fell inside that wait): the
        case is not re-timed, its overdue time is read right."""
        before, after = self.before, self.after
        return (
            before.response_due != after.response_due
            or before.response_at_risk_at != after.response_at_risk_at
            or before.resolution_due != after.resolution_due
            or before.resolution_at_risk_at != after.resolution_at_risk_at
        )

    @property
    def newly_breached(self) -> list[str]:
        """Timers breached after the change that were not before."""
        return [
            name
            for name, before, after in self._pairs()
            if after == "breached" and before != "breached"
        ]

    @property
    def no_longer_breached(self) -> list[str]:
        """Timers breached before the change that are not after."""
        return [
            name
            for name, before, after in self._pairs()
            if before == "breached" and after != "breached"
        ]

    def _pairs(self) -> list[tuple[str, str, str]]:
        return [
            ("response", self.response_before, self.response_after),
            ("resolution", self.resolution_before, self.resolution_after),
        ]

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        """The shape ``--json`` prints."""
        return {
            "ref": self.ref,
            "response_due": {
                "before": format_instant(self.before.response_due, zone),
                "after": format_instant(self.after.response_due, zone),
                "shift_seconds": self.response_shift,
                "state_before": self.response_before,
                "state_after": self.response_after,
            },
            "resolution_due": {
                "before": format_instant(self.before.resolution_due, zone),
                "after": format_instant(self.after.resolution_due, zone),
                "shift_seconds": self.resolution_shift,
                "state_before": self.resolution_before,
                "state_after": self.resolution_after,
            },
            "newly_breached": self.newly_breached,
            "no_longer_breached": self.no_longer_breached,
        }


@dataclass(frozen=True)
class Retiming:
    """Every case a calendar or policy change moves, closed ones too (empty: none);
    ``waits_recounted``: how many cases whose instants stay had a wait on the client after
    their breach counted anew (their overdue time leaves out the business time it covers)."""

    moves: tuple[CaseMove, ...] = ()
    dry_run: bool = False
    waits_recounted: int = 0

    @property
    def recounted_note(self) -> str | None:
        """What to say of :attr:`waits_recounted` (None: there are none)."""
        count = self.waits_recounted
        if not count:
            return None
        return (
            f"{count} breached case{'s' if count != 1 else ''} waited on the client over that "
            "time: due instants stay, the wait is counted anew (overdue time leaves it out)"
        )

    def as_dict(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "cases": [move.as_dict(zone) for move in self.moves],
            "waits_recounted": self.waits_recounted,
            "newly_breached": [m.ref for m in self.moves if m.newly_breached],
            "no_longer_breached": [m.ref for m in self.moves if m.no_longer_breached],
        }


def timer_states(
    deadlines: Deadlines,
    now: datetime,
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    paused_since: datetime | None,
) -> tuple[str, str]:
    """Response and resolution as the queue's SQL conditions judge them at ``now``."""

    def state(due: datetime, met_at: datetime | None, reading: datetime) -> str:
        if met_at is not None:
            return "met" if met_at <= due else "late"
        return "breached" if due < reading else "pending"

    response = state(deadlines.response_due, first_response_at, now)
    # A paused clock is judged at the instant it paused.
    reading = paused_since if paused_since is not None and paused_since < now else now
    resolution = state(deadlines.resolution_due, resolved_at, reading)
    return response, resolution


_CASE_COLUMNS = (
    Case.id,
    Case.ref,
    Case.severity,
    Case.received_at,
    Case.policy_id,
    Case.first_response_at,
    Case.resolved_at,
    Case.paused_since,
    Case.closed_at,
    Case.response_due,
    Case.response_at_risk_at,
    Case.resolution_due,
    Case.resolution_at_risk_at,
    Case.resolution_paused_after_due,
)


#: Padding around changed dates, wider than any zone's offset plus an overnight window.
_PAD = timedelta(days=2)


def changed_span(old: PolicyBook, new: PolicyBook) -> tuple[datetime, datetime] | None | bool:
    """Where the two books' calendars differ, as far as cases already received can tell:
    ``None`` for nowhere, ``True`` for "anything may differ" (hours, zone or targets of an
    existing version changed), else a UTC span that contains every changed date."""
    dates: set[date] = set()
    for version_id, policy in old.policies().items():
        other = new.by_id(version_id)
        if other == policy:
            continue
        before, after = policy.calendar, other.calendar
        if (
            policy.targets != other.targets
            or policy.at_risk_ratio != other.at_risk_ratio
            or before.week != after.week
            or before.zone_name != after.zone_name
        ):
            return True
        dates |= before.holidays ^ after.holidays
        kept, now_kept = dict(before.exceptions), dict(after.exceptions)
        dates |= {d for d in kept.keys() | now_kept.keys() if kept.get(d) != now_kept.get(d)}
    if not dates:
        return None
    first, last = min(dates), max(dates)
    return (
        datetime(first.year, first.month, first.day, tzinfo=UTC) - _PAD,
        datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1) + _PAD,
    )


def plan_retiming(old: PolicyBook, new: PolicyBook, now: datetime) -> list[CaseMove]:
    """Cases, closed or not, whose deadlines differ between the two books (two queries).

    Only cases whose clock can span a changed date are read: received before its end, with a
    stored deadline after its start (a due instant computed before a date never looks at it).
    """
    span = changed_span(old, new)
    if span is None:
        return []
    live: Any = Case.id.is_null(False)
    if span is not True:
        start, end = span  # type: ignore[misc]
        # A wait begun once breached counts its business time too (overdue time leaves it out).
        waited_after_due = SlaPause.select(SlaPause.case_id).where(
            (SlaPause.ended_at >= start) & (SlaPause.started_at < end)
        )
        live = (Case.received_at < end) & (
            (Case.response_due >= start)
            | (Case.resolution_due >= start)
            | (Case.response_at_risk_at >= start)
            | (Case.resolution_at_risk_at >= start)
            | ((Case.resolution_paused_after_due > 0) & Case.id.in_(waited_after_due))
        )
    pauses: dict[int, list[tuple[datetime, datetime]]] = {}
    for case_id, started, ended in tuples(
        SlaPause.select(SlaPause.case_id, SlaPause.started_at, SlaPause.ended_at)
        .join(Case)
        .where(live & SlaPause.ended_at.is_null(False))
    ):
        pauses.setdefault(case_id, []).append((started, ended))
    moves: list[CaseMove] = []
    rows = tuples(Case.select(*_CASE_COLUMNS).where(live).order_by(Case.id))
    for (
        case_id,
        ref,
        severity_text,
        received_at,
        policy_id,
        first_response_at,
        resolved_at,
        paused_since,
        closed_at,
        *stored,
    ) in rows:
        severity = Severity(severity_text)
        finished = pauses.get(case_id, ())
        then = compute_deadlines(old.by_id(policy_id), severity, received_at, finished)
        after = compute_deadlines(new.by_id(policy_id), severity, received_at, finished)
        if then == after:
            continue  # the change does not touch this case's clock
        before = Deadlines(*stored)
        if before == after:
            continue
        reading = clock_stop(now, closed_at)  # a merged duplicate's clocks stopped
        response_before, resolution_before = timer_states(
            before, reading, first_response_at, resolved_at, paused_since
        )
        response_after, resolution_after = timer_states(
            after, reading, first_response_at, resolved_at, paused_since
        )
        moves.append(
            CaseMove(
                ref,
                case_id,
                before,
                after,
                response_before,
                response_after,
                resolution_before,
                resolution_after,
            )
        )
    return moves


def _update_sql() -> str | None:
    """The UPDATE of one case's deadlines, compiled once by Peewee (``None`` if its parameter
    order is not ours: then every row goes through Peewee)."""
    names = (*DEADLINE_FIELDS, "updated_at")
    first = datetime(2000, 1, 1, tzinfo=UTC)
    probe: list[Any] = [  # distinct values, to tell the parameters apart
        float(i) if name == "resolution_paused_after_due" else first + timedelta(seconds=i)
        for i, name in enumerate(names)
    ]
    query = Case.update(**dict(zip(names, probe, strict=True))).where(Case.id == 7)
    sql, params = query.sql()
    expected = [Case._meta.fields[n].db_value(v) for n, v in zip(names, probe, strict=True)]
    return sql if params == [*expected, 7] else None


def apply_retiming(ctx: ServiceContext, moves: list[CaseMove], reason: str) -> None:
    """Store the new deadlines (inside the caller's transaction), one audit record per case.

    One compiled UPDATE run per case: building it through Peewee each time costs ten times
    what the database takes (a holiday can move thousands of open cases).
    """
    now = ctx.clock.now()
    sql = _update_sql() if moves else None
    columns = [Case._meta.fields[name] for name in (*DEADLINE_FIELDS, "updated_at")]
    for move in moves:
        fields = {name: getattr(move.after, name) for name in DEADLINE_FIELDS}
        if sql is None:
            Case.update(**fields, updated_at=now).where(Case.id == move.case_id).execute()
        else:
            values = [*fields.values(), now]
            params = [column.db_value(v) for column, v in zip(columns, values, strict=True)]
            db.obj.execute_sql(sql, [*params, move.case_id])
        before = {name: getattr(move.before, name) for name in DEADLINE_FIELDS}
        ctx.audit("case.retime", "case", move.ref, before, {**fields, "reason": reason})


def refresh_paused_left(case_ids: list[int], book: PolicyBook) -> None:
    """Write anew the frozen time left of those cases that are paused
    (:func:`wzdesk.core.case_sla.paused_left`): their due instants moved, and with them what
    the search orders paused cases by."""
    for start in range(0, len(case_ids), 500):  # within any backend's parameter limit
        chunk = case_ids[start : start + 500]
        rows = tuples(
            Case.select(
                Case.id,
                Case.policy_id,
                Case.severity,
                Case.is_open,
                Case.first_response_at,
                Case.paused_since,
                Case.resolution_due,
                Case.resolution_paused_after_due,
            ).where(Case.id.in_(chunk) & Case.paused_since.is_null(False))
        )
        for case_id, policy_id, severity, is_open, answered, since, due, after_due in rows:
            calendar = book.by_id(policy_id).calendar_for(Severity(severity))
            left = paused_left(
                calendar,
                bool(is_open),
                answered is not None,
                since.timestamp(),
                due.timestamp(),
                float(after_due),
            )
            Case.update(paused_left=left).where(Case.id == case_id).execute()


class _RolledBack(Exception):
    """Carries a dry run's result out of the transaction it rolls back."""

    def __init__(self, result: object) -> None:
        super().__init__("dry run")
        self.result = result


def retimed_change(
    ctx: ServiceContext,
    change: Callable[[], T],
    load_book: Callable[[], PolicyBook],
    reason: str,
    dry_run: bool = False,
) -> tuple[T, Retiming]:
    """Run ``change`` (a write to holidays or policy versions) and re-time the cases it
    moves, in one transaction; with ``dry_run`` the same work is done and rolled back."""
    try:
        with write_transaction():
            old = load_book()
            result = change()
            moves = plan_retiming(old, load_book(), ctx.clock.now())
            apply_retiming(ctx, moves, reason)
            refresh_paused_left([move.case_id for move in moves], load_book())
            shown = tuple(move for move in moves if move.moves_an_instant)
            retiming = Retiming(shown, dry_run, len(moves) - len(shown))
            if dry_run:
                raise _RolledBack((result, retiming))
    except _RolledBack as rolled_back:
        return rolled_back.result  # type: ignore[return-value]
    return result, retiming
