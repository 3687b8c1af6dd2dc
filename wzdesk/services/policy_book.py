"""The SLA policy book: every policy version with the holidays applied.

Kept free of Peewee so that the commands that only read the calendar (``wzdesk sla due``,
``wzdesk holidays list``, ``wzdesk policy show``) can answer from the quick read-only path of
:mod:`wzdesk.store.quick_read` and start in a fraction of the time (issue 13). The book is built
from the same rows (:mod:`wzdesk.store.calendar_rows`) whichever connection read them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from wzdesk.core.calendar import format_hours
from wzdesk.core.errors import NotFound
from wzdesk.core.sla import Severity, SlaPolicy
from wzdesk.core.timefmt import format_instant
from wzdesk.store.calendar_rows import (
    BEGINNING,
    HolidayEntry,
    Rows,
    TargetEntry,
    built_policies,
    holiday_entries,
    target_entries,
    version_details,
)
from wzdesk.store.quick_read import open_quick_reader

T = TypeVar("T")


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

    def around_the_clock(self, now: datetime) -> tuple[Severity, ...]:
        """The severities counted 24x7 by a version in force by ``now`` (the current one,
        which new cases keep, or an earlier one an open case may keep), in severity order.

        Outside office hours their countdowns run on: the business clock must not say that
        every countdown stopped (a review saw "countdowns stopped" on a Saturday above
        critical cases counting down to a breach). A version not yet in force is left out:
        no case keeps it."""
        in_force = self._versions[: max(1, bisect_right(self._starts, now))]
        return tuple(
            severity
            for severity in Severity
            if any(policy.targets[severity].around_the_clock for _, _, policy in in_force)
        )

    def by_id(self, version_id: int) -> SlaPolicy:
        """A case's policy: the version in force when it was received."""
        return self._by_id[version_id]

    def policies(self) -> dict[int, SlaPolicy]:
        """Every version's policy by id."""
        return dict(self._by_id)

    def due_horizons(self, now: datetime, seconds: int) -> dict[datetime, list[tuple[int, str]]]:
        """For ``due:``: each instant ``seconds`` of business time after ``now``, with the
        (policy version id, severity) pairs whose calendar reaches it there (usually one
        instant for all; a 24x7 severity or another version's hours make more)."""
        found: dict[datetime, list[tuple[int, str]]] = {}
        for version_id, policy in self._by_id.items():
            for severity in Severity:
                horizon = policy.calendar_for(severity).add_business_seconds(now, seconds)
                found.setdefault(horizon, []).append((version_id, severity.value))
        return found

    @property
    def signature(self) -> tuple[object, ...]:
        """Changes whenever a version or the holiday list changes (to notice a stale book)."""
        return tuple((start, version_id, policy) for start, version_id, policy in self._versions)


def read_policy_book(rows: Rows) -> PolicyBook:
    """Build the book from the holiday, target and version rows (three statements)."""
    return PolicyBook(built_policies(rows))


def holiday_fields(holiday: HolidayEntry) -> dict[str, str | None]:
    """A holiday as the faces print it."""
    return {
        "date": holiday.day.isoformat(),
        "name": holiday.name,
        "source": holiday.source,
        "hours": None if holiday.hours is None else format_hours(holiday.hours),
    }


def _quickly(url: str | None, read: Callable[[Rows], T]) -> T | None:
    """``read`` over the quick read-only path, or None when the store must be opened the
    ordinary way (no file yet, a schema to upgrade, PostgreSQL: see
    :func:`wzdesk.store.quick_read.open_quick_reader`). The calendar is read by anyone who
    can open the file: no sign-in, as on the ordinary path."""
    reader = open_quick_reader(url)
    if reader is None:
        return None
    try:
        return read(reader.rows)
    finally:
        reader.close()


def quick_policy_book(url: str | None) -> PolicyBook | None:
    """The book read over the quick read-only path, or None (see :func:`_quickly`)."""
    return _quickly(url, read_policy_book)


def quick_holiday_list(url: str | None) -> list[dict[str, str | None]] | None:
    """Every holiday in date order as :func:`holiday_fields`, over the quick path (or None)."""
    return _quickly(url, lambda rows: [holiday_fields(h) for h in holiday_entries(rows)])


def load_policy_book() -> PolicyBook:
    """Read every policy version and the holiday list (three queries) on the open store.

    Here rather than in :mod:`wzdesk.services.calendar` (which re-exports it) so that reading
    cases does not load the calendar's editing use cases and the re-timing they bring."""
    from wzdesk.store.database import fetch_rows  # Peewee: the quick path above never needs it

    return read_policy_book(fetch_rows)


#: The days of a policy's week, as ``policy show`` names them.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def in_force_from(effective_from: datetime, zone: ZoneInfo) -> str:
    """When a policy version took effect, for people: the first version, created with the
    schema, is in force from "the start", not from an instant in 1969 (the epoch in Toronto)."""
    if effective_from <= BEGINNING:
        return "the start"
    return format_instant(effective_from, zone) or ""


def policy_versions(rows: Rows | None = None) -> list[dict[str, Any]]:
    """Every version, oldest first, in the shape the command line prints; read by ``rows``
    (the quick path's reader), else on the open store."""
    if rows is None:
        from wzdesk.store.database import fetch_rows  # Peewee: the quick path passes its own

        rows = fetch_rows
    targets: dict[int, list[TargetEntry]] = {}
    for target in target_entries(rows):
        targets.setdefault(target.policy_id, []).append(target)
    result = []
    for version in version_details(rows):
        zone = ZoneInfo(version.zone_name)
        result.append(
            {
                "id": version.id,
                "effective_from": format_instant(version.effective_from, zone),
                "from": in_force_from(version.effective_from, zone),
                "zone": version.zone_name,
                "hours": {
                    day: format_hours(hours)
                    for day, hours in zip(DAY_NAMES, version.week, strict=True)
                    if hours
                },
                "at_risk_ratio": version.at_risk_ratio,
                "targets": {
                    t.severity: {
                        "response_hours": t.response_seconds / 3600,
                        "resolution_hours": t.resolution_seconds / 3600,
                        "around_the_clock": t.around_the_clock,
                        "response_days": t.response_days,
                        "resolution_days": t.resolution_days,
                    }
                    for t in sorted(
                        targets.get(version.id, []), key=lambda t: Severity(t.severity).rank
                    )
                },
                "note": version.note,
                "created_by": version.created_by,
            }
        )
    return result


def quick_policy_versions(url: str | None) -> list[dict[str, Any]] | None:
    """:func:`policy_versions` over the quick read-only path, or None (see :func:`_quickly`)."""
    return _quickly(url, policy_versions)
