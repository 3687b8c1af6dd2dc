"""The rows behind the business calendar and the SLA policy, in plain SQL.

Written against the bare DB-API (``rows(sql)`` returns a list of tuples) rather than Peewee's
query builder, so that one reading serves both the Peewee connection every use case has and the
quick read-only connection that ``wzdesk sla due`` and ``wzdesk holidays list`` take
without importing Peewee (:mod:`wzdesk.store.quick_read`). The statements take no parameters,
so they read the same on SQLite and PostgreSQL; values come back through
:mod:`wzdesk.store.stored_values`, which accepts what either driver returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.sla import Severity, SeverityTargets, SlaPolicy
from wzdesk.store.stored_values import (
    Hours,
    date_from_db,
    hours_from_json,
    instant_from_db,
    week_from_json,
)

#: When the first policy version (the one the schema is created with) is in force from: always.
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)

#: Runs one statement, returns its rows.
Rows = Callable[[str], Sequence[Sequence[Any]]]


class HolidayEntry(NamedTuple):
    day: date
    name: str
    source: str
    #: None: closed all day; else the hours the desk keeps that day.
    hours: Hours | None


class TargetEntry(NamedTuple):
    policy_id: int
    severity: str
    response_seconds: int
    resolution_seconds: int
    around_the_clock: bool
    response_days: int | None
    resolution_days: int | None


class VersionEntry(NamedTuple):
    id: int
    effective_from: datetime
    zone_name: str
    week: tuple[Hours, ...]
    at_risk_ratio: float


def holiday_entries(rows: Rows) -> list[HolidayEntry]:
    """Every holiday, in date order."""
    found = rows("SELECT day, name, source, hours_json FROM holiday ORDER BY day")
    return [
        HolidayEntry(date_from_db(day), name, source, hours_from_json(hours))  # type: ignore[arg-type]
        for day, name, source, hours in found
    ]


def target_entries(rows: Rows) -> list[TargetEntry]:
    """Every policy version's targets, one row per severity."""
    found = rows(
        "SELECT policy_id, severity, response_seconds, resolution_seconds, around_the_clock, "
        "response_days, resolution_days FROM policy_target"
    )
    return [
        TargetEntry(int(policy), severity, int(response), int(resolution), bool(clock), r, s)
        for policy, severity, response, resolution, clock, r, s in found
    ]


def version_entries(rows: Rows) -> list[VersionEntry]:
    """Every policy version, oldest first."""
    found = rows(
        "SELECT id, effective_from, zone_name, week_json, at_risk_ratio FROM policy_version "
        "ORDER BY effective_from"
    )
    return [
        VersionEntry(int(id_), instant_from_db(start), zone, week_from_json(week), float(ratio))  # type: ignore[arg-type]
        for id_, start, zone, week, ratio in found
    ]


class VersionDetail(NamedTuple):
    """A policy version as ``wzdesk policy show`` lists it: :class:`VersionEntry`, and who made
    it and why."""

    id: int
    effective_from: datetime
    zone_name: str
    week: tuple[Hours, ...]
    at_risk_ratio: float
    note: str
    created_by: str


def version_details(rows: Rows) -> list[VersionDetail]:
    """Every policy version, oldest first (ties by id), with its note and author."""
    found = rows(
        "SELECT id, effective_from, zone_name, week_json, at_risk_ratio, note, created_by "
        "FROM policy_version ORDER BY effective_from, id"
    )
    return [
        VersionDetail(
            int(id_),
            instant_from_db(start),  # type: ignore[arg-type]
            zone,
            week_from_json(week),
            float(ratio),
            note,
            created_by,
        )
        for id_, start, zone, week, ratio, note, created_by in found
    ]


def built_policies(rows: Rows) -> list[tuple[datetime, int, SlaPolicy]]:
    """(in force from, version id, policy) of every version, oldest first, the holidays
    applied: what :class:`wzdesk.services.policy_book.PolicyBook` holds (here, in the store,
    so that a migration can count business time too). Three statements."""
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
    return versions
