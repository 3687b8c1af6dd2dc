"""Use cases for the business calendar and SLA policy: holidays, policy versions, due instants."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wzdesk.core.calendar import format_hours, parse_hours, parse_week
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.sla import BUSINESS_DAY_HOURS, Severity
from wzdesk.core.text import check_text
from wzdesk.services.context import ServiceContext, write_transaction

# PolicyBook lives beside the quick path; most services know it from here.
from wzdesk.services.policy_book import PolicyBook as PolicyBook
from wzdesk.services.policy_book import holiday_fields
from wzdesk.services.policy_book import load_policy_book as load_policy_book
from wzdesk.services.policy_book import policy_versions as policy_versions
from wzdesk.services.retiming import Retiming, retimed_change
from wzdesk.store.calendar_rows import holiday_entries
from wzdesk.store.database import fetch_rows
from wzdesk.store.models import Holiday, PolicyTarget, PolicyVersion

#: A policy version takes effect at most this far ahead (further is a typo: 2206 for 2026).
MAX_POLICY_LEAD = timedelta(days=5 * 365)
MAX_POLICY_NOTE = 2000


@dataclass(frozen=True)
class HolidayRow:
    """A holiday as the faces show it."""

    date: date
    name: str
    source: str
    #: The cases the change re-timed (or would, on a dry run).
    retiming: Retiming = field(default_factory=Retiming, compare=False)
    #: The hours the desk keeps that day ("08:00-12:00"), or None: closed all day.
    hours: str | None = None
    #: When the date already held a holiday: its name and hours before (an add renames it).
    was: tuple[str, str | None] | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "date": self.date.isoformat(),
            "name": self.name,
            "source": self.source,
            "hours": self.hours,
        }


def _row(holiday: Holiday, retiming: Retiming | None = None) -> HolidayRow:
    hours = holiday.hours
    return HolidayRow(
        holiday.day,
        holiday.name,
        holiday.source,
        retiming or Retiming(),
        None if hours is None else format_hours(hours),
    )


# -- holidays -----------------------------------------------------------------------------------


def list_holidays() -> list[HolidayRow]:
    """Every holiday, in date order."""
    return [_row(h) for h in Holiday.select().order_by(Holiday.day)]


def holiday_list() -> list[dict[str, str | None]]:
    """Every holiday in date order, as the faces print it (see :func:`quick_holiday_list`)."""
    return [holiday_fields(holiday) for holiday in holiday_entries(fetch_rows)]


def parse_exception_hours(text: str | None) -> str | None:
    """``--hours`` of a holiday as stored (JSON), None for closed all day ("closed" or "")."""
    if text is None or text.strip().lower() in ("", "closed"):
        return None
    try:
        hours = parse_hours(text)
    except ValueError as error:
        raise InvalidInput(
            f"{error}; expected the hours kept that day, e.g. 08:00-12:00, or closed",
            field="--hours",
        ) from None
    return json.dumps([list(window) for window in hours])


def add_holiday(
    ctx: ServiceContext,
    day: date,
    name: str = "",
    source: str = "manual",
    dry_run: bool = False,
    hours: str | None = None,
) -> HolidayRow:
    """Add (or rename) a holiday and re-time the cases whose clock spans it
    (closed ones too).

    ``hours``: the hours the desk keeps that day (a half-day, "08:00-12:00"); None keeps an
    existing date's hours (a new date closes all day), "closed" closes the whole day.
    ``dry_run``: do the same work and roll it back (the what-if before saving).
    """
    ctx.require(Action.MANAGE_CALENDAR)
    name = check_text(name, "--name", 200)
    hours_json = parse_exception_hours(hours)

    was: tuple[str, str | None] | None = None

    def change() -> Holiday:
        nonlocal was
        existing = Holiday.get_or_none(Holiday.day == day)
        if existing is not None:
            kept = existing.hours
            was = (existing.name, None if kept is None else format_hours(kept))
            before = {"date": day, "name": existing.name, "hours": existing.hours_json}
            after = dict(before)
            if existing.name != name and name:
                existing.name = after["name"] = name
            if hours is not None and existing.hours_json != hours_json:
                existing.hours_json = after["hours"] = hours_json
            if after != before:
                existing.save()
                action = "holiday.rename" if after["hours"] == before["hours"] else "holiday.hours"
                ctx.audit(action, "holiday", day, before, after)
            return existing
        created = Holiday.create(
            day=day, name=name, source=source, created_at=ctx.clock.now(), hours_json=hours_json
        )
        ctx.audit(
            "holiday.add",
            "holiday",
            day,
            None,
            {"date": day, "name": name, "source": source, "hours": hours_json},
        )
        return created

    holiday, retiming = retimed_change(
        ctx, change, load_policy_book, f"holiday {day.isoformat()} added", dry_run
    )
    return dataclasses.replace(_row(holiday, retiming), was=was)


def remove_holiday(ctx: ServiceContext, day: date, dry_run: bool = False) -> Retiming:
    """Remove a holiday (unknown dates are a not-found error) and re-time the cases."""
    ctx.require(Action.MANAGE_CALENDAR)

    def change() -> None:
        existing = Holiday.get_or_none(Holiday.day == day)
        if existing is None:
            raise NotFound(f"no holiday on {day.isoformat()}", field="DATE")
        before = {"date": day, "name": existing.name, "source": existing.source}
        Holiday.delete().where(Holiday.day == day).execute()
        ctx.audit("holiday.remove", "holiday", day, before, None)

    _, retiming = retimed_change(
        ctx, change, load_policy_book, f"holiday {day.isoformat()} removed", dry_run
    )
    return retiming


def import_holidays(
    ctx: ServiceContext, country: str, subdivision: str | None, years: list[int]
) -> list[HolidayRow]:
    """Import public holidays from the ``holidays`` package; returns the ones added.

    Dates already present are kept as they are (a hand-entered name wins).
    """
    import holidays as holidays_package

    ctx.require(Action.MANAGE_CALENDAR)
    country = country.strip().upper()
    if country not in holidays_package.list_supported_countries():
        raise InvalidInput(
            f"unknown country {country!r}; expected an ISO 3166 code such as CA or US",
            field="--country",
        )
    supported = holidays_package.list_supported_countries()[country]
    if subdivision is not None:
        subdivision = subdivision.strip().upper()
        if subdivision not in supported:
            raise InvalidInput(
                f"unknown subdivision {subdivision!r} for {country}; expected one of "
                f"{', '.join(supported)}",
                field="--subdivision",
            )
    for year in years:
        if not 1900 <= year <= 2200:
            raise InvalidInput(
                f"expected a year between 1900 and 2200, got {year}", field="--years"
            )
    calendar = holidays_package.country_holidays(country, subdiv=subdivision, years=years)
    source = f"holidays:{country}" + (f"-{subdivision}" if subdivision else "")
    added: list[HolidayRow] = []

    def change() -> None:
        present = {h.day for h in Holiday.select(Holiday.day)}
        for day, name in sorted(calendar.items()):
            if day in present:
                continue
            Holiday.create(day=day, name=name, source=source, created_at=ctx.clock.now())
            present.add(day)
            added.append(HolidayRow(day, name, source))  # imported holidays close all day
        ctx.audit(
            "holiday.import",
            "holiday",
            source,
            None,
            {"years": years, "added": [row.date for row in added]},
        )

    retimed_change(ctx, change, load_policy_book, f"holidays imported from {source}")
    return added


# -- policy versions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyChange:
    """What a supervisor changes in a new policy version (None: keep as it is)."""

    effective_from: datetime
    response_hours: dict[Severity, float] = field(default_factory=dict)
    resolution_hours: dict[Severity, float] = field(default_factory=dict)
    #: Targets in open days ("same time of day N open days later"); hours for a severity
    #: above replace its days, and days replace its hours.
    response_days: dict[Severity, int] = field(default_factory=dict)
    resolution_days: dict[Severity, int] = field(default_factory=dict)
    around_the_clock: dict[Severity, bool] = field(default_factory=dict)
    at_risk_ratio: float | None = None
    office_hours: str | None = None  # "08:00-18:00" for Monday to Friday
    #: ``--hours`` values applied in order after ``office_hours`` (see
    #: :func:`wzdesk.core.calendar.parse_week`): "mon-thu=08:00-18:00", "fri=08:00-16:00"
    weekly_hours: tuple[str, ...] = ()
    zone_name: str | None = None
    note: str = ""


def add_policy_version(ctx: ServiceContext, change: PolicyChange) -> dict[str, Any]:
    """A new SLA policy version from ``effective_from`` on (supervisors).

    Versions are never edited: cases received before the new one keep the version in force
    when they were received, so the change cannot be back-dated.
    """
    return change_policy(ctx, change)[0]


def change_policy(
    ctx: ServiceContext, change: PolicyChange, dry_run: bool = False
) -> tuple[dict[str, Any], Retiming]:
    """:func:`add_policy_version`, with the cases it re-times (none unless a case falls
    under the new version); ``dry_run`` does the same work and rolls it back."""
    ctx.require(Action.MANAGE_CALENDAR)
    return retimed_change(
        ctx, lambda: _add_version(ctx, change), load_policy_book, "policy version", dry_run
    )


def _add_version(ctx: ServiceContext, change: PolicyChange) -> dict[str, Any]:
    ctx.require(Action.MANAGE_CALENDAR)
    now = ctx.clock.now()
    if change.effective_from < now - timedelta(minutes=5):
        raise InvalidInput(
            "is in the past; a policy change applies to cases received from now on",
            field="--effective",
        )
    if change.effective_from > now + MAX_POLICY_LEAD:
        raise InvalidInput(
            f"is more than {MAX_POLICY_LEAD.days // 365} years ahead; plan a policy change "
            "closer to when it applies",
            field="--effective",
        )
    note = check_text(change.note, "--note", MAX_POLICY_NOTE, multiline=True)
    if change.at_risk_ratio is not None and not 0 < change.at_risk_ratio < 1:
        raise InvalidInput(
            "expected a ratio strictly between 0 and 1, e.g. 0.75", field="--at-risk"
        )
    for label, table in (
        ("--response", change.response_hours),
        ("--resolution", change.resolution_hours),
    ):
        for severity, hours in table.items():
            if not 0 < hours <= 10_000:
                raise InvalidInput(
                    f"{severity.value}: expected hours above 0 and at most 10000, "
                    f"got {hours:,.10g}",
                    field=label,
                )
    for label, days_table in (
        ("--response-days", change.response_days),
        ("--resolution-days", change.resolution_days),
    ):
        for severity, days in days_table.items():
            if not 0 < days <= 1000:
                raise InvalidInput(
                    f"{severity.value}: expected whole days above 0 and at most 1000, got {days}",
                    field=label,
                )
        both = set(days_table) & set(
            change.response_hours if label == "--response-days" else change.resolution_hours
        )
        if both:
            raise InvalidInput(
                f"{', '.join(sorted(s.value for s in both))}: give a target in hours or in "
                "days, not both",
                field=label,
            )
    week = None
    specs = [change.office_hours] if change.office_hours is not None else []
    specs += change.weekly_hours
    if specs:
        try:
            week = [[list(window) for window in day] for day in parse_week(specs)]
        except ValueError as error:
            raise InvalidInput(
                f"{error}; expected e.g. 08:00-18:00 or fri=08:00-16:00", field="--hours"
            ) from None
        if not any(week):
            raise InvalidInput("the desk must open at least one day a week", field="--hours")
    if change.zone_name is not None:
        try:
            ZoneInfo(change.zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                f"unknown time zone {change.zone_name!r}; expected e.g. America/Toronto",
                field="--zone",
            ) from None
    with write_transaction():
        base = PolicyVersion.select().order_by(PolicyVersion.effective_from.desc()).first()
        assert base is not None  # the first migration seeds one
        if change.effective_from <= base.effective_from:
            raise InvalidInput(
                "must be later than the newest version's effective instant "
                f"({base.effective_from.isoformat()})",
                field="--effective",
            )
        old_targets = {
            Severity(t.severity): t
            for t in PolicyTarget.select().where(PolicyTarget.policy == base)
        }
        version = PolicyVersion.create(
            effective_from=change.effective_from,
            zone_name=change.zone_name or base.zone_name,
            week_json=json.dumps(week) if week is not None else base.week_json,
            at_risk_ratio=(
                change.at_risk_ratio if change.at_risk_ratio is not None else base.at_risk_ratio
            ),
            note=note,
            created_at=now,
            created_by=ctx.actor,
        )
        for severity in Severity:
            old = old_targets[severity]
            response = change.response_hours.get(severity)
            resolution = change.resolution_hours.get(severity)
            response_days = change.response_days.get(severity)
            resolution_days = change.resolution_days.get(severity)
            response_seconds = round(response * 3600) if response else old.response_seconds
            resolution_seconds = round(resolution * 3600) if resolution else old.resolution_seconds
            # Days carry over unless hours replace them; seconds hold the nominal 10h a day.
            if response_days:
                response_seconds = response_days * BUSINESS_DAY_HOURS * 3600
            elif not response:
                response_days = old.response_days
            if resolution_days:
                resolution_seconds = resolution_days * BUSINESS_DAY_HOURS * 3600
            elif not resolution:
                resolution_days = old.resolution_days
            if response_seconds > resolution_seconds:
                raise InvalidInput(
                    f"{severity.value}: the response target ({response_seconds / 3600:g}h) is "
                    f"longer than the resolution target ({resolution_seconds / 3600:g}h); a "
                    "case cannot be resolved before it is answered",
                    field="--response" if response or response_days else "--resolution",
                )
            PolicyTarget.create(
                policy=version,
                severity=severity.value,
                response_seconds=response_seconds,
                resolution_seconds=resolution_seconds,
                around_the_clock=change.around_the_clock.get(severity, old.around_the_clock),
                response_days=response_days,
                resolution_days=resolution_days,
            )
        created = next(v for v in policy_versions() if v["id"] == version.id)
        previous = next(v for v in policy_versions() if v["id"] == base.id)
        ctx.audit("policy.version", "policy_version", version.id, previous, created)
    return created


def support_zone_at(instant: datetime) -> ZoneInfo:
    """The support time zone of the policy version in force at ``instant`` (one query)."""
    versions = PolicyVersion.select(PolicyVersion.zone_name)
    version = (
        versions.where(PolicyVersion.effective_from <= instant)
        .order_by(PolicyVersion.effective_from.desc())
        .first()
    ) or versions.order_by(PolicyVersion.effective_from).first()
    if version is None:
        raise NotFound("no SLA policy is defined in this database")
    return ZoneInfo(version.zone_name)


def business_seconds_between(start: datetime, end: datetime) -> float:
    """Business seconds between two instants on the calendar in force at ``start``."""
    return load_policy_book().at(start).calendar.business_seconds_between(start, end)
