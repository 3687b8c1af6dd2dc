"""The live queue's read model: open cases as light rows, loaded in one query and kept fresh
incrementally, with SLA readings computed from memory.

The console holds a :class:`QueueSnapshot` and asks it, once a second, for the timers of the
rows on screen only. A reading is two bisects on the case's calendar table: no database access
and no cost that grows with the size of the queue. Queue-wide counts (breached, at risk) are
plain comparisons of stored deadlines with ``now``.

The per-second cost follows the screen, not the queue: the counts and each row's worst state
are kept up to date incrementally. The instants at which rows will cross a threshold sit in a
heap; moving the clock pops only the rows that crossed, re-reads those, adjusts the counters and
logs their ids in :attr:`QueueSnapshot.moved` (the breach panel applies only those).
"""

from __future__ import annotations

import heapq
import math
from bisect import insort
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import peewee

from wzdesk.core.calendar import BusinessCalendar, instant_of
from wzdesk.core.clock import Clock, SystemClock
from wzdesk.core.rules import Status
from wzdesk.core.sla import Severity, TimerState
from wzdesk.core.text import clean
from wzdesk.services.policy_book import PolicyBook, load_policy_book
from wzdesk.services.reading import seen_versions
from wzdesk.services.urgency import next_due, resolution_remaining, response_remaining, urgency
from wzdesk.store.database import db
from wzdesk.store.fields import UTCDateTimeField
from wzdesk.store.models import Case, Client, Contact, User
from wzdesk.store.queries import open_next_due, read_as_epoch
from wzdesk.store.stored_values import epochs_from_db, optional_epochs_from_db

#: Rows changed this long before the last refresh are fetched again (commits can land late).
REFRESH_OVERLAP = timedelta(seconds=30)
#: :attr:`QueueSnapshot.moved` starts over past this many entries (plus four per open case).
MOVED_LOG_LIMIT = 20_000
#: A re-read that changed a few rows puts just those in place (a bisection each); the whole
#: queue is sorted again only this often (or when many rows changed): waiting cases' countdowns
#: are frozen while the others run, so their places drift by at most this much business time.
RESORT_SECONDS = 300.0
#: Severities by their stored value (a dict look-up: calling the enum costs a microsecond a row).
_SEVERITIES: dict[str, Severity] = {severity.value: severity for severity in Severity}


@dataclass(frozen=True, slots=True)
class TargetReading:
    """One SLA target of a queue row at an instant."""

    name: str  # "response" | "resolution"
    state: TimerState
    remaining: float | None  # business seconds to due; None once met; negative once breached
    due: float  # epoch seconds (while paused: the stored instant, which moves on resume)
    paused: bool = False

    @property
    def alarming(self) -> bool:
        """Breached or at risk: what the breach panel shows."""
        return self.state in (TimerState.BREACHED, TimerState.AT_RISK)


@dataclass(slots=True)
class QueueRow:
    """One open case as the queue shows it (deadlines as UTC epoch seconds)."""

    case_id: int
    ref: str
    version: int
    severity: Severity
    status: str
    category: str
    client_code: str
    client_name: str
    contact_name: str
    assignee: str | None
    summary: str
    received_at: float
    responded: bool
    response_due: float
    response_at_risk_at: float
    resolution_due: float
    resolution_at_risk_at: float
    paused_since: float | None
    calendar: BusinessCalendar = field(repr=False)
    #: business seconds of finished waits begun once the resolution target was breached,
    #: which its overdue time leaves out (``case.resolution_paused_after_due``)
    resolution_paused_after_due: float = 0.0
    haystack: str = field(default="", repr=False)  # lower-case text the filter box searches
    response_late: bool = False  # the first reply came after the response due instant
    updated_at: float = 0.0  # the last change (by anyone)
    client_wrote_at: float | None = None  # the client's last message (or when it came in)

    @property
    def next_due(self) -> float:
        """The nearest due instant of a running timer (urgency order)."""
        return next_due(self.responded, self.response_due, self.resolution_due)

    def urgency(self, now: float) -> float:
        """Business seconds to the nearest due instant (frozen while paused): queue order
        (:mod:`wzdesk.services.urgency`, which the search's pages share)."""
        return urgency(
            self.calendar,
            now,
            self.responded,
            self.response_due,
            self.resolution_due,
            self.paused_since,
            self.resolution_paused_after_due,
        )

    def response_state(self, now: float) -> TimerState:
        if self.responded:
            return TimerState.LATE if self.response_late else TimerState.MET
        if now > self.response_due:
            return TimerState.BREACHED
        return TimerState.AT_RISK if now >= self.response_at_risk_at else TimerState.PENDING

    def resolution_state(self, now: float) -> TimerState:
        reading = self.paused_since if self.paused_since is not None else now
        if reading > self.resolution_due:
            return TimerState.BREACHED
        return TimerState.AT_RISK if reading >= self.resolution_at_risk_at else TimerState.PENDING

    def worst_state(self, now: float) -> TimerState:
        states = (self.response_state(now), self.resolution_state(now))
        for state in (TimerState.BREACHED, TimerState.AT_RISK, TimerState.PENDING):
            if state in states:
                return state
        return TimerState.MET

    def response_remaining(self, now: float) -> float | None:
        """Business seconds to the response due instant; None once met."""
        return response_remaining(self.calendar, now, self.responded, self.response_due)

    def resolution_remaining(self, now: float) -> float:
        """Business seconds to the resolution due instant (frozen while paused)."""
        return resolution_remaining(
            self.calendar,
            now,
            self.resolution_due,
            self.paused_since,
            self.resolution_paused_after_due,
        )

    def readings(self, now: float) -> tuple[TargetReading, TargetReading]:
        """Both targets at ``now``, each read on its own (never one target's state applied to
        the other's time)."""
        paused = self.paused_since is not None
        return (
            TargetReading(
                "response",
                self.response_state(now),
                self.response_remaining(now),
                self.response_due,
            ),
            TargetReading(
                "resolution",
                self.resolution_state(now),
                self.resolution_remaining(now),
                self.resolution_due,
                paused,
            ),
        )

    def at_stake(self, now: float) -> TargetReading | None:
        """The target the breach panel shows for this row: a breached one first (the most
        overdue), else an at-risk one (the least time left); None when neither is alarming."""
        alarming = [r for r in self.readings(now) if r.alarming]
        if not alarming:
            return None
        return min(
            alarming,
            key=lambda r: (r.state is not TimerState.BREACHED, r.remaining or 0.0),
        )

    def transitions(self) -> Iterable[tuple[float, str]]:
        """Future instants at which this row turns at risk or breached."""
        if not self.responded:
            yield self.response_at_risk_at, "response at risk"
            yield self.response_due, "response breached"
        if self.paused_since is None:
            yield self.resolution_at_risk_at, "resolution at risk"
            yield self.resolution_due, "resolution breached"


@dataclass
class QueueCounts:
    """Counts for the quick filters."""

    total: int = 0
    mine: int = 0
    unassigned: int = 0
    breached: int = 0
    at_risk: int = 0
    waiting: int = 0
    by_severity: dict[Severity, int] = field(default_factory=dict)


_COLUMNS = (
    Case.id,
    Case.ref,
    Case.version,
    Case.severity,
    Case.status,
    Case.category,
    Client.code,
    Client.name,
    Contact.name,
    User.login,
    Case.summary,
    Case.received_at,
    Case.first_response_at,
    Case.response_due,
    Case.response_at_risk_at,
    Case.resolution_due,
    Case.resolution_at_risk_at,
    Case.paused_since,
    Case.policy,
    Case.is_open,
    Case.updated_at,
    Case.client_wrote_at,
    Case.resolution_paused_after_due,
)


def _column(field: peewee.Field) -> int:
    """Where ``field`` is in :data:`_COLUMNS` (fields compare by SQL, so by identity here)."""
    return next(index for index, column in enumerate(_COLUMNS) if column is field)


#: The instants among :data:`_COLUMNS`, read as epoch seconds (:func:`read_as_epoch`).
_INSTANTS = frozenset(
    field.name for field in _COLUMNS if isinstance(field, UTCDateTimeField) and field.model is Case
)


def _query() -> peewee.ModelSelect[Case]:
    columns = [
        read_as_epoch(field) if field.model is Case and field.name in _INSTANTS else field
        for field in _COLUMNS
    ]
    return (
        Case.select(*columns)
        .join(Client, on=(Case.client == Client.id))
        .switch(Case)
        .join(Contact, on=(Case.contact == Contact.id))
        .switch(Case)
        .join(User, peewee.JOIN.LEFT_OUTER, on=(Case.assignee == User.id))
    )


def top_ids_query(limit: int) -> peewee.ModelSelect[Case]:
    """The ids of the ``limit`` open cases whose next target falls due first: a walk of the
    index ``case_open_next_due`` that stops after ``limit`` entries, whatever the table's size
    (``tests/services/test_queue_index.py`` checks the plan on both backends)."""
    return Case.select(Case.id).where(Case.is_open).order_by(open_next_due()).limit(limit)


def top_query(limit: int) -> peewee.ModelSelect[Case]:
    """Those cases with their client, contact and assignee, most urgent first.

    The ids come from a subquery on the case table alone: joined in one query, SQLite's planner
    (with the statistics of a million-case desk) chose to walk the clients and sort every open
    case, 650 ms instead of 1.5 ms.
    """
    return _query().where(Case.id.in_(top_ids_query(limit))).order_by(open_next_due())


def _newest_ref_width() -> int:
    """Length of the newest case's reference (by primary key: one index step)."""
    newest = Case.select(Case.ref).order_by(Case.id.desc()).limit(1).scalar()
    return len(newest) if newest else 0


class QueueSnapshot:
    """Every open case in memory, most urgent first, refreshed incrementally."""

    def __init__(
        self, book: PolicyBook | None = None, clock: Clock | None = None, me: str | None = None
    ) -> None:
        self.book = book or load_policy_book()
        self.clock = clock or SystemClock()
        self.me = me
        #: case id -> the version ``me`` last opened (the "changed since you looked" marker)
        self.seen: dict[int, int] = {}
        self.rows: dict[int, QueueRow] = {}
        self.ordered: list[QueueRow] = []
        self.watermark: datetime | None = None
        self.partial = False  # only the most urgent rows are loaded so far
        #: Cells of the newest case's reference, the widest any row can have (references
        #: count up): the queue's Ref column takes it from the first rows, so it does not
        #: widen, and every column after it move, when a longer one comes with the full load.
        self.widest_ref = 0
        #: (instant, case id, row version, label): the next threshold crossings, soonest first
        self._transitions: list[tuple[float, int, int, str]] = []
        #: each open case's worst state as of :attr:`advanced_to`
        self.states: dict[int, TimerState] = {}
        self._tally = QueueCounts()
        self._tally_me: str | None = None
        #: the instant the states and counts were last brought up to
        self.advanced_to = -math.inf
        #: crossings up to this instant are off the heap (announced or skipped)
        self.popped_to = -math.inf
        #: crossings popped off the heap but not yet announced by :meth:`crossed`
        self._pending: list[tuple[float, int, int, str]] = []
        #: bumped when everything is recomputed; :attr:`moved` then starts over
        self.generation = 0
        #: when :attr:`ordered` was last sorted whole (see :data:`RESORT_SECONDS`)
        self._sorted_at = -math.inf
        #: ids of rows whose state may have changed since the last full recompute, in order
        self.moved: list[int] = []
        #: rows re-read by the incremental upkeep (a measure of work, for tests and benchmarks)
        self.touched = 0
        #: (instant, case id, version): rows to read again once the clock is past the instant
        self._recheck: list[tuple[float, int, int]] = []
        #: re-reads not yet applied to the states: each maps a changed id to its old row
        self._absorb: list[dict[int, QueueRow | None]] = []
        #: cases outside the queue (resolved, closed) that the last re-read found changed, for
        #: what shows them (a case's detail, the history); None after a whole load: any may have
        self.outside_changes: set[int] | None = None
        #: done case id -> version, as the last read saw them (the re-read window overlaps)
        self._done_versions: dict[int, int] = {}
        self._done_read: dict[int, int] = {}

    # -- loading -----------------------------------------------------------------------------

    # A refresh runs in a worker thread while the UI thread reads: it builds new containers and
    # swaps them in with single assignments, never mutating what the UI may be iterating.

    def load_top(self, limit: int) -> None:
        """Read only the ``limit`` most urgent open cases: enough for a first screen.

        The console paints these at once and loads the rest in the background, so the time to
        first paint does not grow with the size of the queue.
        """
        rows: dict[int, QueueRow] = {}
        self._apply(_raw(top_query(limit)), rows)
        self.outside_changes, self._done_versions = None, {}
        self._load_seen()
        self.widest_ref = _newest_ref_width()
        self.rows = rows
        self.partial = True
        self.watermark = None  # the full load that follows must read everything
        self._reorder()

    def load_all(self) -> None:
        """Read every open case (one query)."""
        rows: dict[int, QueueRow] = {}
        self._apply(_raw(_query().where(Case.is_open)), rows)
        self.outside_changes, self._done_versions = None, {}
        self._load_seen()
        self.widest_ref = _newest_ref_width()
        self.rows = rows
        self.partial = False
        self._reorder()

    def refresh(self) -> set[int]:
        """Fetch rows changed since the last load; returns the ids that changed."""
        book = load_policy_book()
        if self.watermark is None or book.signature != self.book.signature:
            # A new policy version or holiday moves deadlines' meaning: read everything again.
            self.book = book
            self.load_all()
            return set(self.rows)
        since = self.watermark - REFRESH_OVERLAP
        rows = dict(self.rows)
        changed = self._apply(_raw(_query().where(Case.updated_at > since)), rows)
        before_done, self._done_versions = self._done_versions, self._done_read
        self.outside_changes = {
            case_id
            for case_id, version in self._done_read.items()
            if before_done.get(case_id) != version
        }
        if changed:
            before = {case_id: self.rows.get(case_id) for case_id in changed}
            now = self.clock.now().timestamp()
            ordered = self._ordered_with(rows, changed, now)
            self.rows, self.ordered = rows, ordered
            # The states, counts and crossings of just these rows are brought up to date by
            # the next :meth:`advance`, on the thread that reads them (this may be a worker).
            self._absorb.append(before)
        return changed

    def _load_seen(self) -> None:
        if self.me is not None:
            self.seen = seen_versions(self.me)

    def note_seen(self, case_id: int, version: int) -> None:
        """This console just opened ``case_id`` at ``version`` (already written to the store)."""
        self.seen[case_id] = max(version, self.seen.get(case_id, 0))

    def unread(self, row: QueueRow) -> bool:
        """Changed since ``me`` last opened it, or newly assigned to ``me`` and never opened.

        ``me``'s own actions reload the case, which marks it read; so a change counts here
        only when someone else (another agent, the client, a script) made it.
        """
        seen = self.seen.get(row.case_id)
        if seen is None:
            return self.me is not None and row.assignee == self.me
        return row.version > seen

    def _apply(self, tuples: Iterable[tuple[object, ...]], rows: dict[int, QueueRow]) -> set[int]:
        """Put the rows read (:data:`_COLUMNS`, raw) into ``rows``: open ones added or replaced
        (unless at the version held), done ones dropped; returns the ids that changed.

        The instants are converted a column at a time (:func:`epochs_from_db`): loading
        100,000 open cases converts nearly a million of them."""
        records = list(tuples)
        changed: set[int] = set()
        self._done_read = done = {}
        if not records:
            return changed
        columns = list(zip(*records, strict=True))
        updated = epochs_from_db(columns[_column(Case.updated_at)])
        latest = instant_of(max(updated))
        if self.watermark is None or latest > self.watermark:
            self.watermark = latest
        received = epochs_from_db(columns[_column(Case.received_at)])
        first_response = optional_epochs_from_db(columns[_column(Case.first_response_at)])
        response_due = epochs_from_db(columns[_column(Case.response_due)])
        response_risk = epochs_from_db(columns[_column(Case.response_at_risk_at)])
        resolution_due = epochs_from_db(columns[_column(Case.resolution_due)])
        resolution_risk = epochs_from_db(columns[_column(Case.resolution_at_risk_at)])
        paused_since = optional_epochs_from_db(columns[_column(Case.paused_since)])
        client_wrote = optional_epochs_from_db(columns[_column(Case.client_wrote_at)])
        calendars: dict[tuple[int, str], BusinessCalendar] = {}
        severities = _SEVERITIES
        for index, record in enumerate(records):
            (
                case_id,
                ref,
                version,
                severity,
                status,
                category,
                client_code,
                client_name,
                contact_name,
                assignee,
                summary,
                _received,
                _first_response,
                _response_due,
                _response_risk,
                _resolution_due,
                _resolution_risk,
                _paused_since,
                policy_id,
                is_open,
                _updated,
                _client_wrote,
                paused_after,
            ) = record  # the instants: converted above, a column at a time
            assert isinstance(case_id, int)
            existing = rows.get(case_id)
            if not is_open:
                if existing is not None:
                    del rows[case_id]
                    changed.add(case_id)
                else:
                    done[case_id] = int(version)  # type: ignore[call-overload]
                continue
            if existing is not None and existing.version == version:
                continue
            key = (int(policy_id), str(severity))  # type: ignore[call-overload]
            calendar = calendars.get(key)
            if calendar is None:
                calendar = self.book.by_id(key[0]).calendar_for(severities[key[1]])
                calendars[key] = calendar
            responded_at = first_response[index]
            rows[case_id] = QueueRow(
                case_id=case_id,
                ref=str(ref),
                version=int(version),  # type: ignore[call-overload]
                severity=severities[key[1]],
                status=str(status),
                category=str(category),
                client_code=str(client_code),
                client_name=clean(str(client_name)),
                contact_name=clean(str(contact_name)),
                assignee=None if assignee is None else str(assignee),
                summary=clean(str(summary)),  # rows from before text was cleaned on entry
                received_at=received[index],
                responded=responded_at is not None,
                response_due=response_due[index],
                response_at_risk_at=response_risk[index],
                resolution_due=resolution_due[index],
                resolution_at_risk_at=resolution_risk[index],
                paused_since=paused_since[index],
                calendar=calendar,
                resolution_paused_after_due=float(paused_after),  # type: ignore[arg-type]
                haystack=f"{ref} {client_code} {client_name} {summary} {contact_name}".lower(),
                response_late=responded_at is not None and responded_at > response_due[index],
                updated_at=updated[index],
                client_wrote_at=client_wrote[index],
            )
            changed.add(case_id)
        return changed

    def _reorder(self) -> None:
        now = self.clock.now().timestamp()
        self.ordered = sorted(self.rows.values(), key=lambda r: queue_order(r, now))
        self._sorted_at = now
        self._recompute(now)

    def _ordered_with(
        self, rows: dict[int, QueueRow], changed: set[int], now: float
    ) -> list[QueueRow]:
        """The queue order after a re-read that changed ``changed``: the unchanged rows keep
        their places and each changed row is put in by bisection (reading the timers of a few
        dozen rows), instead of sorting every open case by its countdown (at 100,000 open,
        half a second of the worker's CPU, and the GIL's, every 3 s while agents write)."""
        if (
            now - self._sorted_at >= RESORT_SECONDS
            or now < self._sorted_at
            or (len(changed) * 8 > len(rows))
        ):
            self._sorted_at = now
            return sorted(rows.values(), key=lambda r: queue_order(r, now))
        ordered = [row for row in self.ordered if row.case_id not in changed]
        for case_id in changed:
            row = rows.get(case_id)
            if row is not None:
                insort(ordered, row, key=lambda r: queue_order(r, now))
        return ordered

    def _recompute(self, now: float) -> None:
        """Every row's state, the counts and the crossing schedule from scratch (a load, a
        re-read that changed rows, or the clock going back).

        Crossings already popped (up to :attr:`popped_to`) are not scheduled again, so nothing
        is announced twice.
        """
        self.popped_to = min(self.popped_to, now)
        cutoff = self.popped_to
        rows = self.ordered
        transitions = [
            (instant, row.case_id, row.version, label)
            for row in rows
            for instant, label in row.transitions()
            if instant > cutoff
        ]
        heapq.heapify(transitions)
        states = {row.case_id: row.worst_state(now) for row in rows}
        # Transitions at ``now`` itself already popped: a breach shows just after it.
        recheck = [
            (instant, row.case_id, row.version)
            for row in rows
            for instant, _ in row.transitions()
            if now <= instant <= cutoff
        ]
        # New containers swapped in with single assignments (a refresh runs in a worker).
        self.states = states
        self._tally = self._tally_of(rows, states, self.me)
        self._tally_me = self.me
        self._transitions = transitions
        self._recheck = recheck
        self._absorb = []  # re-reads so far are in these rows
        self.moved = []
        self.generation += 1
        self.advanced_to = now

    @staticmethod
    def _tally_of(
        rows: Iterable[QueueRow], states: dict[int, TimerState], me: str | None
    ) -> QueueCounts:
        counts = QueueCounts(by_severity={s: 0 for s in Severity})
        for row in rows:
            state = states[row.case_id]
            counts.total += 1
            counts.breached += state is TimerState.BREACHED
            counts.at_risk += state is TimerState.AT_RISK
            counts.mine += me is not None and row.assignee == me
            counts.unassigned += row.assignee is None
            counts.waiting += row.status == Status.WAITING_CLIENT
            counts.by_severity[row.severity] += 1
        return counts

    def advance(self, now: float) -> None:
        """Bring the states and counts to ``now``: pops the crossings due by then and re-reads
        only the rows that crossed since the states were last read (the clock going back
        recomputes everything)."""
        if now < self.advanced_to:
            self._recompute(now)
        while self._absorb:
            self._absorb_changes(self._absorb.pop(0))
        read_at = self.advanced_to
        heap = self._transitions
        while heap and heap[0][0] <= now:
            event = heapq.heappop(heap)
            instant, case_id, version, _ = event
            row = self.rows.get(case_id)
            if row is None or row.version != version:
                continue
            self._pending.append(event)
            if instant in (now, read_at):
                # A target breaches just after its due instant: read again once past it.
                heapq.heappush(self._recheck, (instant, case_id, version))
            if instant > read_at:  # else already in the states (read after it)
                self._reread(row, now)
        recheck = self._recheck
        while recheck and recheck[0][0] < now:
            _, case_id, version = heapq.heappop(recheck)
            row = self.rows.get(case_id)
            if row is not None and row.version == version:
                self._reread(row, now)
        self.popped_to = max(self.popped_to, now)
        self.advanced_to = now
        if len(self.moved) > MOVED_LOG_LIMIT + 4 * len(self.rows):
            # The log would grow all day: start it over (readers regroup once, rarely).
            self.moved = []
            self.generation += 1

    def _reread(self, row: QueueRow, now: float) -> None:
        """One row's state at ``now``: the counters move if it changed; logged in ``moved``."""
        self.touched += 1
        tally = self._tally
        state = row.worst_state(now)
        before = self.states.get(row.case_id)
        if state is not before:
            tally.breached += (state is TimerState.BREACHED) - (before is TimerState.BREACHED)
            tally.at_risk += (state is TimerState.AT_RISK) - (before is TimerState.AT_RISK)
            self.states[row.case_id] = state
        self.moved.append(row.case_id)

    def _absorb_changes(self, before: dict[int, QueueRow | None]) -> None:
        """Apply a re-read: each changed row leaves the counts as it was and enters them as it
        is, its crossings are scheduled again and its id is logged in :attr:`moved`."""
        now = self.advanced_to
        if now == -math.inf:
            return  # nothing read yet: the first advance recomputes everything
        tally, me = self._tally, self._tally_me
        for case_id, old in before.items():
            row = self.rows.get(case_id)
            if old is not None:
                self._count(tally, old, self.states.pop(case_id, None), me, -1)
            if row is not None:
                self.touched += 1
                state = row.worst_state(now)
                self.states[case_id] = state
                self._count(tally, row, state, me, 1)
                for instant, label in row.transitions():
                    if instant > self.popped_to:
                        heapq.heappush(self._transitions, (instant, case_id, row.version, label))
                    elif instant >= now:  # breaches just after ``now``: read again then
                        heapq.heappush(self._recheck, (instant, case_id, row.version))
            self.moved.append(case_id)

    @staticmethod
    def _count(
        counts: QueueCounts, row: QueueRow, state: TimerState | None, me: str | None, step: int
    ) -> None:
        counts.total += step
        counts.breached += step * (state is TimerState.BREACHED)
        counts.at_risk += step * (state is TimerState.AT_RISK)
        counts.mine += step * (me is not None and row.assignee == me)
        counts.unassigned += step * (row.assignee is None)
        counts.waiting += step * (row.status == Status.WAITING_CLIENT)
        counts.by_severity[row.severity] = counts.by_severity.get(row.severity, 0) + step

    # -- questions ---------------------------------------------------------------------------

    def crossed(self, since: float, now: float) -> list[tuple[QueueRow, str]]:
        """Rows that turned at risk or breached in ``(since, now]`` (pops them off the heap)."""
        self.advance(now)
        events = []
        for instant, case_id, version, label in self._pending:
            row = self.rows.get(case_id)
            if instant > since and row is not None and row.version == version:
                events.append((row, label))
        self._pending = []
        return events

    def counts(self, now: float, me: str | None) -> QueueCounts:
        """Quick-filter counts for the whole queue, kept up to date incrementally (a crossing
        adjusts them; only another ``me`` counts every row again)."""
        self.advance(now)
        if me != self._tally_me:
            self._tally = self._tally_of(self.ordered, self.states, me)
            self._tally_me = me
        tally = self._tally
        return replace(tally, by_severity=dict(tally.by_severity))


def queue_order(row: QueueRow, now: float) -> tuple[float, int, int]:
    """The queue's order: business time to the nearest due instant, then severity, then id."""
    return (row.urgency(now), row.severity.rank, row.case_id)


def _raw(query: peewee.ModelSelect[Case]) -> Iterable[tuple[object, ...]]:
    """The query's rows as the driver returns them, skipping Peewee's per-value conversion.

    Reading 10,000 rows, converting every instant to a datetime and then to epoch seconds
    cost more than the query; :func:`epoch_from_db` goes from the stored value to epoch directly.
    """
    cursor: Iterable[tuple[object, ...]] = db.obj.execute(query)
    return cursor


def epoch_now(now: datetime) -> float:
    return now.astimezone(UTC).timestamp()
