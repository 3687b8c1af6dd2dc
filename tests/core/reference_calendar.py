"""A deliberately simple business calendar to check ``wzdesk.core.calendar`` against.

Nothing clever: no tables, no caches, no bisect. It walks local days one by one, turns each
day's opening windows into real instants with ``zoneinfo`` and sums (or consumes) the overlap.
It is slow, and that is fine: the property tests keep their ranges short.

Conventions shared with the real calendar (they are the definition of business time):

* a window ``(start, end)`` is given in seconds since local midnight, ``end`` may be 86400
  (midnight ending the day); each end converts to an instant with ``zoneinfo``'s default
  ``fold=0``;
* a window is open at its start and closed at its end;
* holiday dates are closed all day.

Also here, :func:`minute_walk_seconds`, an even blunter oracle: step through every minute
and ask the wall clock whether the desk is open. It agrees with the window arithmetic whenever
no window starts or ends inside a daylight-saving jump (true for every calendar tested here).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = 86_400

Window = tuple[int, int]


class ReferenceCalendar:
    """Weekly windows (Monday first) in a zone, minus holidays; instants are epoch seconds."""

    def __init__(
        self,
        zone_name: str,
        week: Sequence[Sequence[Window]],
        holidays: Iterable[date] = (),
        exceptions: dict[date, Sequence[Window]] | None = None,
    ) -> None:
        self.zone = ZoneInfo(zone_name)
        self.week = [list(day) for day in week]
        self.holidays = set(holidays)
        self.exceptions = {day: list(hours) for day, hours in (exceptions or {}).items()}

    # -- the windows, one local day at a time ---------------------------------------------

    def local_date(self, epoch: float) -> date:
        return datetime.fromtimestamp(epoch, UTC).astimezone(self.zone).date()

    def wall_epoch(self, day: date, seconds_of_day: int) -> float:
        """The instant the wall clock in the zone reads ``seconds_of_day`` on ``day``."""
        if seconds_of_day >= DAY:  # 24:00, or the morning after an overnight window
            day, seconds_of_day = day + timedelta(days=1), seconds_of_day - DAY
        hour, rest = divmod(seconds_of_day, 3600)
        wall = datetime.combine(day, time(hour, rest // 60, rest % 60), tzinfo=self.zone)
        return wall.timestamp()

    def windows_of_day(self, day: date) -> list[tuple[float, float]]:
        """The windows starting on ``day`` (an overnight one ends the next morning)."""
        if day in self.exceptions:
            hours = self.exceptions[day]
        elif day in self.holidays:
            return []
        else:
            hours = self.week[day.weekday()]
        spans = []
        for start, end in hours:
            a, b = self.wall_epoch(day, start), self.wall_epoch(day, end)
            if b > a:
                spans.append((a, b))
        return spans

    def windows_from(self, first_day: date) -> Iterator[tuple[float, float]]:
        """Every opening window from ``first_day`` on, in order, touching ones merged.

        (A 24x7 calendar would merge into one endless window, so a merged window is cut,
        where it merely touches the next one, once it is a week long.)
        """
        day = first_day
        pending: tuple[float, float] | None = None
        while True:
            for a, b in self.windows_of_day(day):
                if pending is not None and a <= pending[1]:
                    long_enough = pending[1] - pending[0] >= 7 * DAY and a == pending[1]
                    if not long_enough:
                        pending = (pending[0], max(pending[1], b))
                        continue
                if pending is not None:
                    yield pending
                pending = (a, b)
            day += timedelta(days=1)

    # -- the questions ----------------------------------------------------------------------

    def between(self, a: float, b: float) -> float:
        """Business seconds from ``a`` to ``b`` (negative when ``b`` is earlier)."""
        if b < a:
            return -self.between(b, a)
        total = 0.0
        for start, end in self.windows_from(self.local_date(a) - timedelta(days=2)):
            if start >= b:
                break
            total += max(0.0, min(end, b) - max(start, a))
        return total

    def add(self, t: float, seconds: float) -> float:
        """The earliest instant by which ``seconds`` of business time have elapsed since ``t``."""
        if seconds <= 0:
            return t
        left = seconds
        for start, end in self.windows_from(self.local_date(t) - timedelta(days=2)):
            if end <= t:
                continue
            begin = max(start, t)
            if end - begin >= left:
                return begin + left
            left -= end - begin
        raise AssertionError("unreachable: windows_from never ends")

    def is_open(self, t: float) -> bool:
        for start, end in self.windows_from(self.local_date(t) - timedelta(days=2)):
            if start > t:
                return False
            if t < end:
                return True
        raise AssertionError("unreachable")

    def next_opening(self, t: float) -> float:
        for start, end in self.windows_from(self.local_date(t) - timedelta(days=2)):
            if end > t:
                return max(start, t)
        raise AssertionError("unreachable")

    def next_closing(self, t: float) -> float:
        for _start, end in self.windows_from(self.local_date(t) - timedelta(days=2)):
            if end > t:
                return end
        raise AssertionError("unreachable")

    # -- backwards ---------------------------------------------------------------------------

    def windows_before(self, t: float, days: int) -> list[tuple[float, float]]:
        """The (merged) windows starting before ``t``, from ``days`` days before it."""
        found = []
        for start, end in self.windows_from(self.local_date(t) - timedelta(days=days)):
            if start > t:
                break
            found.append((start, end))
        return found

    def previous_opening(self, t: float) -> float:
        return self.windows_before(t, 30)[-1][0]

    def previous_closing(self, t: float) -> float:
        return [end for _, end in self.windows_before(t, 30) if end <= t][-1]

    def latest_start(self, deadline: float, seconds: float) -> float:
        """The latest ``r`` with ``add(r, seconds) <= deadline``, by consuming windows backwards."""
        days = 30
        while True:
            left = seconds
            for start, end in reversed(self.windows_before(deadline, days)):
                stretch = min(end, deadline) - start
                if stretch >= left:
                    return min(end, deadline) - left
                left -= stretch
            days *= 2


def minute_walk_seconds(ref: ReferenceCalendar, a: int, b: int) -> int:
    """Business seconds in ``[a, b)`` by asking the wall clock at every minute (``a``, ``b``
    whole minutes, ``a <= b``): a minute counts when its local date is no holiday and its
    wall-clock time lies in one of that weekday's windows."""
    total = 0
    for minute in range(a, b, 60):
        local = datetime.fromtimestamp(minute, UTC).astimezone(ref.zone)
        if local.date() in ref.holidays:
            continue
        clock = local.hour * 3600 + local.minute * 60
        if any(start <= clock < end for start, end in ref.week[local.weekday()]):
            total += 60
    return total
