"""The SLA policy book: every policy version with the holidays applied.

Kept free of Peewee so that the commands that only read the calendar (``wzdesk sla due``,
``wzdesk holidays list``) can answer from the quick read-only SQLite path of
:mod:`wzdesk.store.quick_read` and start in a fraction of the time (issue 13). The book is built
from the same rows (:mod:`wzdesk.store.calendar_rows`) whichever connection read them.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime

from wzdesk.core.calendar import BusinessCalendar, format_hours
from wzdesk.core.errors import NotFound
from wzdesk.core.sla import Severity, SeverityTargets, SlaPolicy
from wzdesk.store.calendar_rows import (
    HolidayEntry,
    Rows,
    holiday_entries,
    target_entries,
    version_entries,
)
from wzdesk.store.quick_read import open_quick_reader


class PolicyBook:
    """Every SLA policy version with the holidays applied; answers "which policy at instant t"."""

    def __init__(self, versions: list[tuple[datetime, int, SlaPolicy]]) -> None:
        if not versions:
            raise NotFound("no SLA policy is defined in this database")
        self._versions = sorted(versions, key=lambda triple: triple[0])
        self._starts = [start for start, _, _ in self._versions]
        self._by_id = {version_id: policy for _, version_id, policy in self._versions}

    def version_at(self, instant: datetime) -> tuple[int, SlaPolicy]:
        """The id and policy in force at ``instant`` (the earliest one for instants before all)."""
        index = max(0, bisect_right(self._starts, instant) - 1)
        _, version_id, policy = self._versions[index]
        return version_id, policy

    def at(self, instant: datetime) -> SlaPolicy:
        """The policy in force at ``instant``."""
        return self.version_at(instant)[1]

    def by_id(self, version_id: int) -> SlaPolicy:
        """A case's policy: the version in force when it was received."""
        return self._by_id[version_id]

    def policies(self) -> dict[int, SlaPolicy]:
        """Every version's policy by id."""
        return dict(self._by_id)

    @property
    def signature(self) -> tuple[object, ...]:
        """Changes whenever a version or the holiday list changes (to notice a stale book)."""
        return tuple((start, version_id, policy) for start, version_id, policy in self._versions)


def read_policy_book(rows: Rows) -> PolicyBook:
    """Build the book from the holiday, target and version rows (three statements)."""
    closed: set[date] = set()
    exceptions: list[tuple[date, tuple[tuple[int, int], ...]]] = []
    for holiday in holiday_entries(rows):
        if holiday.hours is None:
            closed.add(holiday.day)
        else:
            exceptions.append((holiday.day, holiday.hours))
    targets: dict[int, dict[Severity, SeverityTargets]] = {}
    for target in target_entries(rows):
        targets.setdefault(target.policy_id, {})[Severity(target.severity)] = SeverityTargets(
            target.response_seconds,
            target.resolution_seconds,
            target.around_the_clock,
            target.response_days,
            target.resolution_days,
        )
    versions = []
    for version in version_entries(rows):
        calendar = BusinessCalendar(
            version.zone_name,
            version.week,  # type: ignore[arg-type]  # seven days, as stored
            frozenset(closed),
            tuple(exceptions),
        )
        policy = SlaPolicy(calendar, targets[version.id], version.at_risk_ratio)
        versions.append((version.effective_from, version.id, policy))
    return PolicyBook(versions)


def holiday_fields(holiday: HolidayEntry) -> dict[str, str | None]:
    """A holiday as the faces print it."""
    return {
        "date": holiday.day.isoformat(),
        "name": holiday.name,
        "source": holiday.source,
        "hours": None if holiday.hours is None else format_hours(holiday.hours),
    }


def quick_policy_book(url: str | None) -> PolicyBook | None:
    """The book read over the quick read-only path, or None when the store must be opened the
    ordinary way (no file yet, a schema to upgrade, PostgreSQL: see
    :func:`wzdesk.store.quick_read.open_quick_reader`)."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        return read_policy_book(reader.rows)
    finally:
        reader.close()


def quick_holiday_list(url: str | None) -> list[dict[str, str | None]] | None:
    """Every holiday in date order as :func:`holiday_fields`, over the quick path (or None)."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        return [holiday_fields(holiday) for holiday in holiday_entries(reader.rows)]
    finally:
        reader.close()


def load_policy_book() -> PolicyBook:
    """Read every policy version and the holiday list (three queries) on the open store.

    Here rather than in :mod:`wzdesk.services.calendar` (which re-exports it) so that reading
    cases does not load the calendar's editing use cases and the re-timing they bring."""
    from wzdesk.store.database import fetch_rows  # Peewee: the quick path above never needs it

    return read_policy_book(fetch_rows)
