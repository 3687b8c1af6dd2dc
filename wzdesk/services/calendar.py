"""Use cases for the business calendar and SLA policy: holidays, policy versions, due instants."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.errors import InvalidInput, NotFound
from wzdesk.core.rules import Action
from wzdesk.core.sla import Severity, SeverityTargets, SlaPolicy
from wzdesk.services.context import ServiceContext, write_transaction
from wzdesk.store.models import Holiday, PolicyTarget, PolicyVersion


@dataclass(frozen=True)
class HolidayRow:
    """A holiday as the faces show it."""

    date: date
    name: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"date": self.date.isoformat(), "name": self.name, "source": self.source}


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

    @property
    def current(self) -> SlaPolicy:
        """The newest version (for the clock display and new defaults)."""
        return self._versions[-1][2]


def load_policy_book() -> PolicyBook:
    """Read every policy version and the holiday list (three queries)."""
    holidays = frozenset(h.day for h in Holiday.select(Holiday.day))
    targets: dict[int, dict[Severity, SeverityTargets]] = {}
    for row in PolicyTarget.select():
        targets.setdefault(row.policy_id, {})[Severity(row.severity)] = SeverityTargets(
            row.response_seconds, row.resolution_seconds, row.around_the_clock
        )
    versions = []
    for version in PolicyVersion.select().order_by(PolicyVersion.effective_from):
        calendar = BusinessCalendar(version.zone_name, version.week, holidays)  # type: ignore[arg-type]
        policy = SlaPolicy(calendar, targets[version.id], version.at_risk_ratio)
        versions.append((version.effective_from, version.id, policy))
    return PolicyBook(versions)


# -- holidays -----------------------------------------------------------------------------------


def list_holidays() -> list[HolidayRow]:
    """Every holiday, in date order."""
    return [HolidayRow(h.day, h.name, h.source) for h in Holiday.select().order_by(Holiday.day)]


def add_holiday(
    ctx: ServiceContext, day: date, name: str = "", source: str = "manual"
) -> HolidayRow:
    """Add (or rename) a holiday."""
    ctx.require(Action.MANAGE_CALENDAR)
    name = name.strip()
    if len(name) > 200:
        raise InvalidInput("at most 200 characters", field="--name")
    with write_transaction():
        existing = Holiday.get_or_none(Holiday.day == day)
        if existing is not None:
            before = {"date": day, "name": existing.name}
            if existing.name != name and name:
                existing.name = name
                existing.save()
                ctx.audit("holiday.rename", "holiday", day, before, {"date": day, "name": name})
            return HolidayRow(existing.day, existing.name, existing.source)
        Holiday.create(day=day, name=name, source=source, created_at=ctx.clock.now())
        ctx.audit(
            "holiday.add", "holiday", day, None, {"date": day, "name": name, "source": source}
        )
    return HolidayRow(day, name, source)


def remove_holiday(ctx: ServiceContext, day: date) -> None:
    """Remove a holiday; unknown dates are a not-found error."""
    ctx.require(Action.MANAGE_CALENDAR)
    with write_transaction():
        existing = Holiday.get_or_none(Holiday.day == day)
        if existing is None:
            raise NotFound(f"no holiday on {day.isoformat()}", field="DATE")
        before = {"date": day, "name": existing.name, "source": existing.source}
        Holiday.delete().where(Holiday.day == day).execute()
        ctx.audit("holiday.remove", "holiday", day, before, None)


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
    with write_transaction():
        present = {h.day for h in Holiday.select(Holiday.day)}
        for day, name in sorted(calendar.items()):
            if day in present:
                continue
            Holiday.create(day=day, name=name, source=source, created_at=ctx.clock.now())
            present.add(day)
            added.append(HolidayRow(day, name, source))
        ctx.audit(
            "holiday.import",
            "holiday",
            source,
            None,
            {"years": years, "added": [row.date for row in added]},
        )
    return added


def business_seconds_between(start: datetime, end: datetime) -> float:
    """Business seconds between two instants on the current calendar."""
    return load_policy_book().current.calendar.business_seconds_between(start, end)
