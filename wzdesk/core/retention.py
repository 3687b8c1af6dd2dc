"""Which backups to keep: daily, weekly and monthly generations (7, 4 and 12 by default).

As ``restic forget --keep-daily 7 --keep-weekly 4 --keep-monthly 12`` reads it: keep the
newest backup of each of the 7 most recent days that have a backup, of each of the 4 most
recent ISO weeks, and of each of the 12 most recent months (UTC). A backup kept for any reason
is kept, and the newest is kept whatever the rule says: it is the one a backup has just made
(a rule of zeros deleted it right after ``backup`` said it was written), so ``0/0/0`` keeps
the newest alone. Applying the rule again to what it kept keeps all of it, so rotating twice
is the same as rotating once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_GENERATIONS = 1000


@dataclass(frozen=True)
class Retention:
    """How many generations of each kind to keep (0 keeps none of that kind; the newest
    backup is kept all the same)."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    def __post_init__(self) -> None:
        for name in ("daily", "weekly", "monthly"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_GENERATIONS:
                raise ValueError(f"{name}: expected 0 to {MAX_GENERATIONS}, got {value}")

    def as_dict(self) -> dict[str, int]:
        return {"daily": self.daily, "weekly": self.weekly, "monthly": self.monthly}


def _day(instant: datetime) -> tuple[int, ...]:
    return instant.astimezone(UTC).timetuple()[:3]


def _week(instant: datetime) -> tuple[int, ...]:
    year, week, _ = instant.astimezone(UTC).isocalendar()
    return (year, week)


def _month(instant: datetime) -> tuple[int, ...]:
    return instant.astimezone(UTC).timetuple()[:2]


def _newest_per_bucket(
    newest_first: list[datetime], bucket: Callable[[datetime], tuple[int, ...]], count: int
) -> set[datetime]:
    kept: set[datetime] = set()
    seen: set[tuple[int, ...]] = set()
    for instant in newest_first:
        if len(seen) == count:
            break
        key = bucket(instant)
        if key not in seen:
            seen.add(key)
            kept.add(instant)
    return kept


def to_keep(instants: Iterable[datetime], rule: Retention) -> set[datetime]:
    """The backups (by creation instant) the rule keeps, the newest always among them; the
    others may be deleted."""
    newest_first = sorted(set(instants), reverse=True)
    return (
        set(newest_first[:1])
        | _newest_per_bucket(newest_first, _day, rule.daily)
        | _newest_per_bucket(newest_first, _week, rule.weekly)
        | _newest_per_bucket(newest_first, _month, rule.monthly)
    )
