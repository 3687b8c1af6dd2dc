"""The business calendar: when the support desk is open, and business-time arithmetic.

Business time is real elapsed time inside opening windows. Windows are defined in the support
zone's wall time (default Mon-Fri 08:00-18:00 in ``America/Toronto``) minus holiday dates, so a
daylight-saving change at 02:00 never adds or removes an hour from a 08:00-18:00 day.

Speed matters: the console recomputes timers for every open case, and a benchmark asks for a
due instant in a few microseconds. So the calendar flattens its opening windows into sorted
arrays of UTC epoch seconds with a running total of business seconds before each window:

* ``position(t)`` - business seconds from the table's origin to ``t`` - is one ``bisect``;
* business time between two instants is the difference of two positions;
* adding business time to an instant is a position, a ``bisect`` on the running totals and one
  conversion back.

No stepping minute by minute, no walking day by day. The table covers a span of years and
grows on demand (forward by appending; backward by rebuilding, which is rare).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from wzdesk.core.text import is_number
from wzdesk.core.values import Value

DAY_SECONDS = 86_400

#: Opening windows for one weekday: ``(start, end)`` in seconds since local midnight.
DayHours = tuple[tuple[int, int], ...]
#: Monday first, as ``date.weekday()`` numbers them.
WeeklyHours = tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]

OFFICE_HOURS: DayHours = ((8 * 3600, 18 * 3600),)
DEFAULT_WEEK: WeeklyHours = (OFFICE_HOURS,) * 5 + ((), ())
ALL_DAY: DayHours = ((0, DAY_SECONDS),)
ALWAYS_OPEN_WEEK: WeeklyHours = (ALL_DAY,) * 7
DEFAULT_ZONE = "America/Toronto"

_EPOCH_DATE_ORDINAL = date(1970, 1, 1).toordinal()
# How many days the table covers around the first instant asked about, and how it grows (at
# least doubling, so a long reach costs a few rebuilds). Small at first: a one-shot command
# asks about days, not years, and four years of windows cost ~10 ms to build at start-up.
_INITIAL_SPAN_DAYS = 92
_MIN_GROWTH_DAYS = 92
#: A measure over a short span before the table's start (an old case's met timer: from its
#: reply or resolution to its due instant) reads a small table of its own, one per stretch of
#: this many days, instead of growing the table back to it: listing twenty closed cases
#: received over eighteen years rebuilt each calendar's table from the oldest to today, about
#: 30 ms of a 78 ms command. At most :data:`_SIDE_TABLES_MOST` of them per calendar (a report
#: over years then grows the table, as before: each side table costs its days again).
_SIDE_SPAN_DAYS = 64
_SIDE_TABLES_MOST = 256


def parse_hours(text: str) -> DayHours:
    """Parse ``"08:00-18:00"`` or ``"08:00-12:00,13:00-17:00"`` (empty: closed all day).

    A window whose end is not after its start crosses midnight and belongs to the day it
    starts: ``"23:00-07:00"`` is open from 23:00 that day to 07:00 the next (stored as an end
    beyond 24:00). ``24:00`` ends a window at midnight.
    """
    windows: list[tuple[int, int]] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        start_text, _, end_text = part.partition("-")
        start, end = _seconds_of_day(start_text), _seconds_of_day(end_text)
        if not (0 <= start < DAY_SECONDS and 0 <= end <= DAY_SECONDS):
            raise ValueError(f"opening window {part!r} must use times from 00:00 to 24:00")
        if end <= start:
            if end == start or end == DAY_SECONDS:
                raise ValueError(f"opening window {part!r} is empty")
            end += DAY_SECONDS  # overnight: ends the next morning
        windows.append((start, end))
    windows.sort()
    for (_, end), (next_start, _) in zip(windows, windows[1:], strict=False):
        if next_start < end:
            raise ValueError(f"opening windows overlap in {text!r}")
    return tuple(windows)


def format_hours(hours: DayHours) -> str:
    """The inverse of :func:`parse_hours`."""
    return ",".join(
        f"{_hhmm(s)}-{_hhmm(e - DAY_SECONDS if e > DAY_SECONDS else e)}" for s, e in hours
    )


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_week(specs: Sequence[str]) -> WeeklyHours:
    """Weekly hours from ``--hours`` values, applied in order onto a closed week.

    ``"08:00-18:00"`` (no days) opens Monday to Friday; ``"fri=08:00-16:00"``,
    ``"mon-thu=08:00-18:00"`` or ``"sat,sun=10:00-14:00"`` set the named days (a later value
    wins); ``"sat="`` or ``"sat=closed"`` closes a day.
    """
    week: list[DayHours] = [()] * 7
    for spec in specs:
        days_text, equals, hours_text = spec.partition("=")
        if not equals:
            days, hours_text = list(range(5)), spec
        else:
            days = _parse_days(days_text)
        hours = () if hours_text.strip().lower() == "closed" else parse_hours(hours_text)
        for day in days:
            week[day] = hours
    result: WeeklyHours = tuple(week)  # type: ignore[assignment]
    check_week(result)
    return result


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        first, dash, last = part.partition("-")
        if first not in DAY_NAMES or (dash and last not in DAY_NAMES):
            raise ValueError(f"expected days such as mon, mon-thu or sat,sun; got {text!r}")
        a = DAY_NAMES.index(first)
        b = DAY_NAMES.index(last) if dash else a
        if b < a:
            raise ValueError(f"day range {part!r} runs backwards; write e.g. mon-fri")
        days.extend(range(a, b + 1))
    if not days:
        raise ValueError(f"expected days such as mon, mon-thu or sat,sun; got {text!r}")
    return days


def format_week(week: WeeklyHours) -> str:
    """``"mon-thu 08:00-18:00, fri 08:00-16:00"``: consecutive days with equal hours grouped,
    closed days left out."""
    groups: list[tuple[int, int, DayHours]] = []
    for index, hours in enumerate(week):
        if groups and groups[-1][2] == hours and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, hours)
        else:
            groups.append((index, index, hours))
    parts = []
    for first, last, hours in groups:
        if not hours:
            continue
        days = DAY_NAMES[first] if first == last else f"{DAY_NAMES[first]}-{DAY_NAMES[last]}"
        parts.append(f"{days} {format_hours(hours)}")
    return ", ".join(parts) or "closed"


def check_week(week: WeeklyHours) -> None:
    """Refuse an overnight window that runs into the next day's first window."""
    for index, hours in enumerate(week):
        if not hours:
            continue
        tail = hours[-1][1] - DAY_SECONDS
        following = week[(index + 1) % 7]
        if tail > 0 and following and following[0][0] < tail:
            raise ValueError(
                f"{DAY_NAMES[index]}'s overnight window runs into "
                f"{DAY_NAMES[(index + 1) % 7]}'s opening at {_hhmm(following[0][0])}"
            )


def _seconds_of_day(text: str) -> int:
    hours, _, minutes = text.strip().partition(":")
    if not is_number(hours) or not is_number(minutes):
        raise ValueError(f"expected HH:MM, got {text!r}")
    return int(hours) * 3600 + int(minutes) * 60


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


class _Timeline:
    """Opening windows of a span of days, flattened for ``bisect`` (all UTC epoch seconds).

    ``cum_start[i]`` is the business time before window ``i``; ``cum_end[i]`` includes it.
    """

    __slots__ = (
        "first_day", "end_day", "cover_start", "cover_end", "starts", "ends", "cum_start", "cum_end"
    )  # fmt: skip

    def __init__(self, first_day: int, end_day: int, cover_start: float, cover_end: float) -> None:
        self.first_day = first_day  # proleptic ordinal of the first local day covered
        self.end_day = end_day  # ordinal of the first local day not covered
        self.cover_start = cover_start  # epoch of local midnight starting first_day
        self.cover_end = cover_end  # epoch of local midnight starting end_day
        self.starts: list[float] = []
        self.ends: list[float] = []
        self.cum_start: list[float] = []
        self.cum_end: list[float] = []


class BusinessCalendar(Value):
    """Weekly opening hours in a time zone, minus holiday dates.

    Instances are immutable values; the lookup table is a private cache built on first use.
    """

    _fields = ("zone_name", "week", "holidays", "exceptions")
    zone_name: str
    week: WeeklyHours
    holidays: frozenset[date]
    #: Dates with their own hours instead of the weekday's (a half-day: Christmas Eve
    #: 08:00-12:00). A date here wins over the same date in ``holidays``.
    exceptions: tuple[tuple[date, DayHours], ...]
    _special: dict[date, DayHours]
    _zone: ZoneInfo
    _timeline: _Timeline | None
    _sides: dict[int, _Timeline]  # the side tables by first day (see _SIDE_SPAN_DAYS)

    def __init__(
        self,
        zone_name: str = DEFAULT_ZONE,
        week: WeeklyHours = DEFAULT_WEEK,
        holidays: Iterable[date] = frozenset(),
        exceptions: Iterable[tuple[date, DayHours]] = (),
    ) -> None:
        if len(week) != 7:
            raise ValueError("weekly hours need seven days, Monday first")
        if not any(week):
            raise ValueError("a business calendar must be open at least one day a week")
        check_week(week)
        special = dict(exceptions)
        self._set(
            zone_name=zone_name,
            week=week,
            holidays=frozenset(holidays),
            exceptions=tuple(sorted(special.items())),
            _special=special,
            _zone=ZoneInfo(zone_name),
            _timeline=None,
            _sides={},
        )

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def office_hours(
        cls, zone_name: str = DEFAULT_ZONE, holidays: Iterable[date] = ()
    ) -> BusinessCalendar:
        """Monday-Friday 08:00-18:00 (the policy's support hours)."""
        return cls(zone_name, DEFAULT_WEEK, frozenset(holidays))

    @classmethod
    def around_the_clock(cls, zone_name: str = DEFAULT_ZONE) -> BusinessCalendar:
        """24x7: every second counts, holidays included."""
        return cls(zone_name, ALWAYS_OPEN_WEEK, frozenset())

    @property
    def zone(self) -> ZoneInfo:
        """The support time zone."""
        return self._zone

    @property
    def is_always_open(self) -> bool:
        """True for a 24x7 calendar (every day open all day, no holidays)."""
        return self.week == ALWAYS_OPEN_WEEK and not self.holidays and not self.exceptions

    # -- public arithmetic ---------------------------------------------------------------------

    def business_seconds_between(self, start: datetime, end: datetime) -> float:
        """Business seconds from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        a, b = _epoch(start), _epoch(end)
        lo, hi = min(a, b), max(a, b)
        timeline = self._side(lo, hi) or self._covering(lo, hi)
        return _position(timeline, b) - _position(timeline, a)

    def add_business_seconds(self, start: datetime, seconds: float) -> datetime:
        """The earliest instant at which ``seconds`` of business time have elapsed since ``start``.

        A target that runs out exactly at closing time is due at closing time, not at the next
        opening. Zero (or less) returns ``start`` unchanged.
        """
        if seconds <= 0:
            return start.astimezone(self.zone)
        return self._from_epoch(self.add_business_seconds_epoch(_epoch(start), seconds))

    def add_business_seconds_epoch(self, start: float, seconds: float) -> float:
        """:meth:`add_business_seconds` on UTC epoch seconds (the hot path, no datetimes)."""
        if seconds <= 0:
            return start
        timeline = self._covering(start, start)
        target = _position(timeline, start) + seconds
        while not timeline.cum_end or target > timeline.cum_end[-1]:
            timeline = self._grow_forward(timeline)
        i = bisect_left(timeline.cum_end, target)
        return timeline.starts[i] + (target - timeline.cum_start[i])

    def position_epoch(self, instant: float) -> float:
        """Business seconds from a fixed origin to ``instant`` (only differences mean anything).

        Positions taken from one calendar compare and subtract correctly while its table does
        not grow backwards; callers that cache them should re-take them, not keep them for days.
        """
        timeline = self._covering(instant, instant)
        return _position(timeline, instant)

    def positions_epoch(self, instants: Sequence[float]) -> list[float]:
        """:meth:`position_epoch` for many instants at once (one table lookup, then bisects)."""
        if not instants:
            return []
        timeline = self._covering(min(instants), max(instants))
        # _position inlined: a report takes millions of positions in one call.
        starts, ends = timeline.starts, timeline.ends
        cum_start, cum_end = timeline.cum_start, timeline.cum_end
        positions = []
        for x in instants:
            i = bisect_right(starts, x) - 1
            if i < 0:
                positions.append(0.0)
            elif x >= ends[i]:
                positions.append(cum_end[i])
            else:
                positions.append(cum_start[i] + (x - starts[i]))
        return positions

    def is_open(self, instant: datetime) -> bool:
        """Is the desk open at ``instant``? (Open at 08:00:00, closed at 18:00:00.)"""
        x = _epoch(instant)
        timeline = self._covering(x, x)
        i = bisect_right(timeline.starts, x) - 1
        return i >= 0 and x < timeline.ends[i]

    def next_opening(self, instant: datetime) -> datetime:
        """The next instant at or after ``instant`` when the desk is open (itself if open)."""
        x = _epoch(instant)
        timeline = self._covering(x, x)
        while True:
            i = bisect_right(timeline.starts, x) - 1
            if i >= 0 and x < timeline.ends[i]:
                return instant.astimezone(self.zone)
            if i + 1 < len(timeline.starts):
                return self._from_epoch(timeline.starts[i + 1])
            timeline = self._grow_forward(timeline)

    def next_closing(self, instant: datetime) -> datetime:
        """The end of the opening window containing ``instant``, or of the next one."""
        opening = self.next_opening(instant)
        x = _epoch(opening)
        timeline = self._covering(x, x)
        i = bisect_right(timeline.starts, x) - 1
        return self._from_epoch(timeline.ends[i])

    def is_open_day(self, day: date) -> bool:
        """Does the desk open on local date ``day`` (a window starting that day)?"""
        hours = self._special.get(day)
        if hours is not None:
            return bool(hours)
        return day not in self.holidays and bool(self.week[day.weekday()])

    def add_open_days(self, start: datetime, days: int) -> datetime:
        """The same wall time of day ``days`` open days after ``start``, rolled to the next
        opening when the desk is closed then (a business-day target counted in days rather
        than in hours). Like business time, the count starts at the next opening when
        ``start`` falls while the desk is closed (a Saturday receipt counts from Monday 08:00),
        so a later receipt is never due earlier. Zero (or less) returns ``start``."""
        if days <= 0:
            return start.astimezone(self.zone)
        local = self.next_opening(start)
        day = local.date()
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_open_day(day):
                day += timedelta(days=1)
        wall = datetime.combine(day, local.time(), tzinfo=self.zone)
        instant = self._from_epoch(wall.timestamp())  # a wall time in a DST gap moves on
        return instant if self.is_open(instant) else self.next_opening(instant)

    def previous_opening(self, instant: datetime) -> datetime:
        """The latest opening at or before ``instant`` (the start of the window it lies in, or
        of the last window before it)."""
        x = _epoch(instant)
        timeline = self._covering_back(x)
        i = bisect_right(timeline.starts, x) - 1
        return self._from_epoch(timeline.starts[i])

    def previous_closing(self, instant: datetime) -> datetime:
        """The latest closing at or before ``instant`` (``instant`` itself at 18:00 sharp)."""
        x = _epoch(instant)
        timeline = self._covering_back(x)
        i = bisect_right(timeline.ends, x) - 1
        while i < 0:
            timeline = self._covering_back(x, extra_days=timeline.end_day - timeline.first_day)
            i = bisect_right(timeline.ends, x) - 1
        return self._from_epoch(timeline.ends[i])

    def latest_start(self, deadline: datetime, seconds: float) -> datetime:
        """The latest instant from which ``seconds`` of business time run out by ``deadline``:
        "when must this have been received to be due by X". Received any later, it is due
        later; received at this instant, :meth:`add_business_seconds` gives ``deadline`` or
        earlier. A receipt in the closed gap before an opening counts from the opening, so the
        answer is that opening (Mon 08:00 for 10 hours due by Mon 18:00), never the night.
        """
        if seconds <= 0:
            return deadline.astimezone(self.zone)
        return self._from_epoch(self.latest_start_epoch(_epoch(deadline), seconds))

    def latest_start_epoch(self, deadline: float, seconds: float) -> float:
        """:meth:`latest_start` on UTC epoch seconds."""
        if seconds <= 0:
            return deadline
        timeline = self._covering(deadline, deadline)
        extra = _MIN_GROWTH_DAYS
        while (target := _position(timeline, deadline) - seconds) <= 0:
            timeline = self._covering_back(deadline, extra_days=extra)
            extra *= 2
        i = bisect_right(timeline.cum_start, target) - 1
        return timeline.starts[i] + (target - timeline.cum_start[i])

    def with_holidays(
        self,
        holidays: Iterable[date],
        exceptions: Iterable[tuple[date, DayHours]] | None = None,
    ) -> BusinessCalendar:
        """A copy with a different holiday set (and exceptions, when given)."""
        kept = self.exceptions if exceptions is None else tuple(exceptions)
        return BusinessCalendar(self.zone_name, self.week, frozenset(holidays), kept)

    # -- the table ----------------------------------------------------------------------------

    def _from_epoch(self, x: float) -> datetime:
        return datetime.fromtimestamp(x, UTC).astimezone(self.zone)

    def _covering(self, lo: float, hi: float) -> _Timeline:
        """A timeline whose span contains ``[lo, hi]``, grown or rebuilt as needed."""
        timeline = self._timeline
        if timeline is None or lo < timeline.cover_start:
            lo_day = self._local_day(lo) - 7
            end_day = max(
                self._local_day(hi) + _INITIAL_SPAN_DAYS,
                timeline.end_day if timeline else 0,
            )
            timeline = self._build(lo_day, end_day)
        while hi >= timeline.cover_end:
            timeline = self._grow_forward(timeline)
        return timeline

    def _covering_back(self, x: float, extra_days: int = 0) -> _Timeline:
        """A timeline containing ``x`` with at least one window starting at or before it."""
        timeline = self._covering(x, x)
        extra = max(extra_days, 14)
        while (
            not timeline.starts
            or timeline.starts[0] > x
            or (extra_days and timeline.first_day > self._local_day(x) - extra_days)
        ):
            timeline = self._build(
                timeline.first_day - extra, max(timeline.end_day, self._local_day(x) + 1)
            )
            extra_days = 0
            extra *= 2
        return timeline

    def _grow_forward(self, timeline: _Timeline) -> _Timeline:
        span = timeline.end_day - timeline.first_day
        new_end = timeline.end_day + max(_MIN_GROWTH_DAYS, span)
        self._append_days(timeline, timeline.end_day, new_end)
        return timeline

    def _build(self, first_day: int, end_day: int) -> _Timeline:
        timeline = self._table(first_day, end_day)
        self._set(_timeline=timeline)
        return timeline

    def _table(self, first_day: int, end_day: int) -> _Timeline:
        timeline = _Timeline(
            first_day=first_day,
            end_day=first_day,
            cover_start=self._midnight_epoch(first_day),
            cover_end=self._midnight_epoch(first_day),
        )
        self._append_days(timeline, first_day, end_day)
        return timeline

    def _side(self, lo: float, hi: float) -> _Timeline | None:
        """A side table containing ``[lo, hi]`` for a short span wholly before the table (or
        when there is none yet); None when the table serves, or may grow to (see
        :data:`_SIDE_SPAN_DAYS`). Only for a difference of two positions taken together:
        positions from different tables do not compare (:meth:`position_epoch`)."""
        main = self._timeline
        if main is not None and (lo >= main.cover_start or hi >= main.cover_start):
            return None
        lo_day, hi_day = self._local_day(lo), self._local_day(hi)
        if hi_day - lo_day > _SIDE_SPAN_DAYS:
            return None
        first = lo_day - lo_day % _SIDE_SPAN_DAYS - 7  # a week before: as _covering's margin
        side = self._sides.get(first)
        if side is None or hi >= side.cover_end:
            if side is None and len(self._sides) >= _SIDE_TABLES_MOST:
                return None
            end = max(first + _SIDE_SPAN_DAYS + 14, hi_day + 8)
            side = self._table(first, end)
            self._sides[first] = side
        return side

    def _append_days(self, timeline: _Timeline, first_day: int, end_day: int) -> None:
        starts, ends, cum_start, cum_end = (
            timeline.starts,
            timeline.ends,
            timeline.cum_start,
            timeline.cum_end,
        )
        total = cum_end[-1] if cum_end else 0.0
        zone, week, holidays = self.zone, self.week, self.holidays
        special = self._special
        for ordinal in range(first_day, end_day):
            day = date.fromordinal(ordinal)
            hours = special.get(day) if special else None
            if hours is None:
                if day in holidays:
                    continue
                hours = week[day.weekday()]
            for start_sod, end_sod in hours:
                start = _local_epoch(day, start_sod, zone)
                end = _local_epoch(day, end_sod, zone)
                if end <= start:
                    continue  # a window swallowed by a DST gap
                if ends and start <= ends[-1]:
                    # Adjacent (24x7, windows touching at midnight) or overlapping (an exception
                    # day's hours inside the night before's overnight window): one window.
                    if end <= ends[-1]:
                        continue
                    total += end - ends[-1]
                    ends[-1] = end
                    cum_end[-1] = total
                    continue
                starts.append(start)
                ends.append(end)
                cum_start.append(total)
                total += end - start
                cum_end.append(total)
        timeline.end_day = end_day
        timeline.cover_end = self._midnight_epoch(end_day)

    def _local_day(self, x: float) -> int:
        return datetime.fromtimestamp(x, UTC).astimezone(self.zone).date().toordinal()

    def _midnight_epoch(self, ordinal: int) -> float:
        return _local_epoch(date.fromordinal(ordinal), 0, self.zone)


def _position(timeline: _Timeline, x: float) -> float:
    """Business seconds from the timeline's origin to epoch ``x``."""
    i = bisect_right(timeline.starts, x) - 1
    if i < 0:
        return 0.0
    end = timeline.ends[i]
    if x >= end:
        return timeline.cum_end[i]
    return timeline.cum_start[i] + (x - timeline.starts[i])


def _local_epoch(day: date, seconds_of_day: int, zone: ZoneInfo) -> float:
    """Epoch of a wall-clock time on a local day (24:00 and beyond: the next day)."""
    if seconds_of_day >= DAY_SECONDS:
        day = day + timedelta(days=seconds_of_day // DAY_SECONDS)
        seconds_of_day %= DAY_SECONDS
    hours, rest = divmod(seconds_of_day, 3600)
    wall = datetime.combine(day, time(hours, rest // 60, rest % 60), tzinfo=zone)
    return wall.timestamp()


def _epoch(instant: datetime) -> float:
    if instant.tzinfo is None:
        raise ValueError("business-time arithmetic needs timezone-aware instants")
    return instant.timestamp()


def epoch_of(instant: datetime) -> float:
    """UTC epoch seconds of an aware instant (refuses naive datetimes)."""
    return _epoch(instant)


def instant_of(epoch: float) -> datetime:
    """The aware UTC datetime for epoch seconds."""
    return datetime.fromtimestamp(epoch, UTC)
