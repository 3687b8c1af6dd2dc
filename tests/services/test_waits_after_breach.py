"""A wait on the client begun once a case's resolution target was breached.

SPEC 3: the resolution clock pauses while the case waits on the client. A pause begun after the
due instant pushes it nowhere (a pause cannot un-breach), so the store keeps the business time
of such waits (``case.resolution_paused_after_due``) and every reading of the overdue time
leaves it out: the case sheet, the queue, the quick listing, explain, and the frozen time left
the search orders paused cases by. Before, the overdue time ran on through the wait.

The case: critical, in at Mon 9 March 2026 10:00, answered at once; resolution due Wed 11
March 14:00 (24 business hours). Set waiting at Wed 15:00 (1h overdue), back Thu 10:00 (the
wait covers Wed 15-18 and Thu 08-10: 5h).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import peewee
import pytest

from tests.conftest import local, new_case
from wzdesk.core.case_sla import paused_left
from wzdesk.core.clock import FixedClock
from wzdesk.core.sla import Severity
from wzdesk.services import cases
from wzdesk.services.calendar import add_holiday, load_policy_book
from wzdesk.services.case_views import show_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.queue import QueueSnapshot
from wzdesk.services.quick_case_reads import quick_case_list
from wzdesk.services.sla_history import explain_case
from wzdesk.store.database import open_database
from wzdesk.store.migrations import MIGRATIONS, _paused_after_due
from wzdesk.store.models import Case

HOUR = 3600
DUE = local(2026, 3, 11, 14)


def _count(database: peewee.Database, table: str) -> int:
    return int(database.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def _set(clock: FixedClock, instant: datetime) -> None:
    clock.advance(instant - clock.now())


def _case_breached_then_waited(supervisor: ServiceContext, clock: FixedClock) -> str:
    ref = cases.open_case(supervisor, new_case(severity="critical")).ref
    cases.reply(supervisor, ref, "Looking into it.")
    _set(clock, local(2026, 3, 11, 15))
    cases.set_status(supervisor, ref, "waiting_client")
    _set(clock, local(2026, 3, 12, 10))
    cases.set_status(supervisor, ref, "open")
    return ref


def _overdue_everywhere(ref: str, at: datetime, url: str) -> list[float]:
    """The resolution's time left as each reader shows it at ``at``."""
    sheet = show_case(ref, at)
    snapshot = QueueSnapshot(load_policy_book(), FixedClock(at))
    snapshot.load_all()
    row = next(r for r in snapshot.rows.values() if r.ref == ref)
    quick = quick_case_list(url, "sam", at, None, None, None, f"ref:{ref}")
    assert quick is not None
    return [
        sheet["resolution_remaining_seconds"],
        round(row.resolution_remaining(at.timestamp())),
        quick.rows[0]["resolution_remaining_seconds"],
    ]


def test_the_overdue_time_stands_still_while_waiting(
    supervisor: ServiceContext, acme: str, clock: FixedClock, database_url: str
) -> None:
    ref = _case_breached_then_waited(supervisor, clock)
    case = Case.get(Case.ref == ref)
    assert case.resolution_due == DUE  # not pushed: still breached since Wed 14:00
    assert case.resolution_paused_after_due == pytest.approx(5 * HOUR)
    # Back at Thu 10:00: overdue 1h, as when it began waiting (not 6h); an hour later, 2h.
    assert _overdue_everywhere(ref, clock.now(), database_url) == [-1 * HOUR] * 3
    clock.advance(timedelta(hours=1))
    assert _overdue_everywhere(ref, clock.now(), database_url) == [-2 * HOUR] * 3
    explained = explain_case(supervisor, ref)
    resolution = explained["targets"][1]
    assert resolution["state"] == "breached"
    assert resolution["elapsed_seconds"] == pytest.approx(26 * HOUR)  # 24h target + 2h over

    # Waiting again at Thu 11:00: frozen at 2h overdue, and so is what the search orders by.
    cases.set_status(supervisor, ref, "waiting_client")
    _set(clock, local(2026, 3, 13, 15))
    assert _overdue_everywhere(ref, clock.now(), database_url) == [-2 * HOUR] * 3
    assert Case.get(Case.ref == ref).paused_left == pytest.approx(-2 * HOUR)


def test_a_holiday_in_the_wait_is_counted_anew(
    supervisor: ServiceContext, acme: str, clock: FixedClock, database_url: str
) -> None:
    ref = _case_breached_then_waited(supervisor, clock)
    _set(clock, local(2026, 3, 12, 11))
    cases.set_status(supervisor, ref, "waiting_client")  # 2h overdue, waiting again
    _set(clock, local(2026, 3, 13, 9))
    # Thursday becomes a holiday: the first wait covers 3h (Wed 15-18), Thursday's running
    # hour counts nothing, so the case was 1h overdue when it paused again.
    # Its due instants stay: it is not listed as re-timed, but counted among the waits.
    for dry_run in (True, False):
        added = add_holiday(supervisor, date(2026, 3, 12), "Closed Thursday", dry_run=dry_run)
        assert ref not in [move.ref for move in added.retiming.moves]
        assert added.retiming.waits_recounted == 1
        assert "1 breached case waited on the client" in str(added.retiming.recounted_note)
    case = Case.get(Case.ref == ref)
    assert case.resolution_due == DUE
    assert case.resolution_paused_after_due == pytest.approx(3 * HOUR)
    assert case.paused_left == pytest.approx(-1 * HOUR)
    assert _overdue_everywhere(ref, clock.now(), database_url) == [-1 * HOUR] * 3


def test_the_migration_fills_it_in_from_the_waits_kept(
    supervisor: ServiceContext,
    acme: str,
    clock: FixedClock,
    database: peewee.Database,
    database_url: str,
) -> None:
    ref = _case_breached_then_waited(supervisor, clock)
    _set(clock, local(2026, 3, 12, 11))
    cases.set_status(supervisor, ref, "waiting_client")
    other = cases.open_case(supervisor, new_case(severity="minor")).ref  # nothing waited
    # Back to schema 31: the column gone, the frozen time left as schema 31 computed it.
    book = load_policy_book()
    calendar = book.by_id(Case.get(Case.ref == ref).policy_id).calendar_for(Severity.CRITICAL)
    stale = paused_left(
        calendar, True, True, local(2026, 3, 12, 11).timestamp(), DUE.timestamp(), 0.0
    )
    assert stale == pytest.approx(-7 * HOUR)  # Wed 14-18, Thu 08-11: the wait counted
    Case.update(paused_left=stale).where(Case.ref == ref).execute()
    kept = {table: _count(database, table) for table in ("sla_pause", "case_event", "audit_entry")}
    database.execute_sql('ALTER TABLE "case" DROP COLUMN resolution_paused_after_due')
    version = MIGRATIONS.index(_paused_after_due) + 1
    database.execute_sql(f"DELETE FROM wzdesk_schema WHERE version >= {version}")
    database.close()
    open_database(database_url)
    # Every case's pauses and timeline are still there (a rebuilt "case" table cascaded).
    assert {table: _count(database, table) for table in kept} == kept
    waited = Case.get(Case.ref == ref)
    assert waited.resolution_paused_after_due == pytest.approx(5 * HOUR)
    assert waited.paused_left == pytest.approx(-2 * HOUR)
    assert Case.get(Case.ref == other).resolution_paused_after_due == 0
    assert _overdue_everywhere(ref, local(2026, 3, 16, 9), database_url) == [-2 * HOUR] * 3
