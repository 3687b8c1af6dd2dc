"""Business-calendar benchmark: wzdesk's table calendar against ``businesstimedelta``.

Run from the repository root::

    python -m benchmarks.bench_calendar            # 100,000 pairs (about half a minute)
    python -m benchmarks.bench_calendar --quick    # 10,000 pairs, a few seconds

It prints figures; it asserts nothing about time. It exits non-zero only when the two
libraries disagree on a due instant (or wzdesk's own round trip fails), because then the
figures compare different answers.

Both libraries get the same calendar: Monday-Friday 08:00-18:00 in America/Toronto minus the
Ontario holidays of 2025-2030 from the ``holidays`` package. ``businesstimedelta`` works on
naive datetimes, so it is given local wall time (as if it were UTC): with 08:00-18:00 windows
and DST switches at 02:00 that is exact, and its answers are compared with wzdesk's due
instants turned into local wall time, to the second.

Inputs are seeded: (received, target) pairs over 2025-2027 with targets of 4, 10, 30, 100 and
200 business hours, received at any time, at night, on weekends, on holidays, on DST-switch
days and at exactly 08:00 or 18:00. ``businesstimedelta`` is slow (hundreds of microseconds to
milliseconds a call), so it runs on a random subset.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays

from wzdesk.core.calendar import BusinessCalendar
from wzdesk.core.sla import remaining_many

ZONE = ZoneInfo("America/Toronto")
HOUR = 3600
TARGET_HOURS = (4, 10, 30, 100, 200)
FIRST_DAY, LAST_DAY = date(2025, 1, 1), date(2027, 12, 31)
GOAL_DUE_US = 5.0
GOAL_REMAINING_10K_MS = 20.0

#: How received instants are drawn (kind, weight).
KINDS = (
    ("anytime", 30),
    ("night", 20),
    ("weekend", 15),
    ("holiday", 10),
    ("dst day", 10),
    ("08:00 sharp", 7.5),
    ("18:00 sharp", 7.5),
)


@dataclass(frozen=True)
class Case:
    kind: str
    received: datetime  # aware, UTC (as the store hands it over)
    seconds: int


# -- inputs -------------------------------------------------------------------------------------


def ontario_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("CA", subdiv="ON", years=range(2025, 2031))


def dst_days() -> list[date]:
    """The DST-switch Sundays of 2025-2027 and the Saturday before and Monday after."""
    days = []
    for year in (2025, 2026, 2027):
        for month, nth in ((3, 2), (11, 1)):
            first = date(year, month, 1)
            sunday = first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (nth - 1))
            days += [sunday - timedelta(days=1), sunday, sunday + timedelta(days=1)]
    return days


def make_cases(count: int, seed: int, holiday_dates: frozenset[date]) -> list[Case]:
    rng = random.Random(seed)
    all_days = [FIRST_DAY + timedelta(days=i) for i in range((LAST_DAY - FIRST_DAY).days + 1)]
    weekdays = [d for d in all_days if d.weekday() < 5 and d not in holiday_dates]
    weekends = [d for d in all_days if d.weekday() >= 5]
    holiday_days = sorted(d for d in holiday_dates if FIRST_DAY <= d <= LAST_DAY)
    switch_days = dst_days()
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]

    def wall(day: date, second_of_day: int) -> datetime:
        hours, rest = divmod(second_of_day, 3600)
        local = datetime.combine(
            day, time(hours, rest // 60, rest % 60, fold=rng.randint(0, 1)), tzinfo=ZONE
        )
        return local.astimezone(UTC)

    cases = []
    for kind in rng.choices(kinds, weights, k=count):
        if kind == "anytime":
            received = wall(rng.choice(all_days), rng.randrange(86_400))
        elif kind == "night":  # 18:00-08:00 on a working day
            received = wall(rng.choice(weekdays), (18 * 3600 + rng.randrange(14 * 3600)) % 86_400)
        elif kind == "weekend":
            received = wall(rng.choice(weekends), rng.randrange(86_400))
        elif kind == "holiday":
            received = wall(rng.choice(holiday_days), rng.randrange(86_400))
        elif kind == "dst day":
            received = wall(rng.choice(switch_days), rng.randrange(86_400))
        elif kind == "08:00 sharp":
            received = wall(rng.choice(all_days), 8 * 3600)
        else:
            received = wall(rng.choice(all_days), 18 * 3600)
        cases.append(Case(kind, received, rng.choice(TARGET_HOURS) * HOUR))
    return cases


# -- timing -------------------------------------------------------------------------------------


def per_call_median_us(
    call: Callable[[Any, Any], object], args: Sequence[tuple[Any, Any]], batch: int
) -> float:
    """Median over batches of the per-call time, in microseconds."""
    samples = []
    for i in range(0, len(args), batch):
        chunk = args[i : i + batch]
        started = clock.perf_counter_ns()
        for a, b in chunk:
            call(a, b)
        samples.append((clock.perf_counter_ns() - started) / len(chunk) / 1000)
    return statistics.median(samples)


def median_ms(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = clock.perf_counter_ns()
        run()
        samples.append((clock.perf_counter_ns() - started) / 1e6)
    return statistics.median(samples)


def wall_naive(instant: datetime) -> datetime:
    """Local wall time in the support zone, without a zone (what businesstimedelta expects)."""
    return instant.astimezone(ZONE).replace(tzinfo=None)


# -- the run ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    pairs = 10_000 if args.quick else 100_000
    subset = 500 if args.quick else 3_000
    open_cases = pairs
    repeat = 5 if args.quick else 7

    ontario = ontario_holidays()
    holiday_dates = frozenset(ontario)
    cases = make_cases(pairs, args.seed, holiday_dates)
    print("wzdesk business-calendar benchmark")
    print(
        f"  calendar: Mon-Fri 08:00-18:00 America/Toronto, {len(holiday_dates)} Ontario holidays "
        f"2025-2030 (holidays {getattr(holidays, '__version__', '?')})"
    )
    kinds = Counter(c.kind for c in cases)
    print(
        f"  inputs: {pairs:,} (received, target) pairs, seed {args.seed}, targets "
        f"{'/'.join(map(str, TARGET_HOURS))} business hours; received "
        + ", ".join(f"{k} {kinds[k]:,}" for k, _ in KINDS)
    )
    print(f"  python {sys.version.split()[0]}")

    # -- wzdesk: due instants ---------------------------------------------------------------
    calendar = BusinessCalendar.office_hours(holidays=holiday_dates)
    started = clock.perf_counter_ns()
    calendar.add_business_seconds(cases[0].received, cases[0].seconds)  # builds the table
    cold_ms = (clock.perf_counter_ns() - started) / 1e6
    dues = [calendar.add_business_seconds(c.received, c.seconds) for c in cases]  # warm-up
    for case, due in zip(cases, dues, strict=True):
        if calendar.business_seconds_between(case.received, due) != case.seconds:
            print(f"FAIL: wzdesk round trip broke for {case}: due {due.isoformat()}")
            return 1
    pair_args = [(c.received, c.seconds) for c in cases]
    epoch_args = [(c.received.timestamp(), c.seconds) for c in cases]
    wz_due_us = per_call_median_us(calendar.add_business_seconds, pair_args, batch=1000)
    wz_due_epoch_us = per_call_median_us(calendar.add_business_seconds_epoch, epoch_args, 1000)
    between_args = [(c.received, d) for c, d in zip(cases, dues, strict=True)]
    wz_between_us = per_call_median_us(calendar.business_seconds_between, between_args, 1000)

    # -- businesstimedelta on a subset, cross-checked -------------------------------------
    from businesstimedelta import BusinessTimeDelta, HolidayRule, Rules, WorkDayRule

    rule = Rules(
        [
            WorkDayRule(start_time=time(8), end_time=time(18), working_days=[0, 1, 2, 3, 4]),
            HolidayRule(ontario),
        ]
    )
    deltas = {h * HOUR: BusinessTimeDelta(rule, hours=h) for h in TARGET_HOURS}
    chosen = random.Random(args.seed + 1).sample(range(pairs), subset)
    btd_args = [(wall_naive(cases[i].received), deltas[cases[i].seconds]) for i in chosen]

    mismatches: list[tuple[Case, object, object]] = []
    for i, (received, delta) in zip(chosen, btd_args, strict=True):
        theirs = (received + delta).replace(tzinfo=None)
        ours = wall_naive(dues[i])
        if theirs != ours:
            mismatches.append((cases[i], ours, theirs))
    btd_due_us = per_call_median_us(lambda r, d: r + d, btd_args, batch=50)
    btd_between_args = [(wall_naive(cases[i].received), wall_naive(dues[i])) for i in chosen]
    for i, (a, b) in zip(chosen, btd_between_args, strict=True):
        measured = rule.difference(a, b).timedelta.total_seconds()
        if measured != cases[i].seconds:
            mismatches.append((cases[i], f"{measured:.0f} s between", f"{cases[i].seconds} s"))
    btd_between_us = per_call_median_us(rule.difference, btd_between_args, batch=50)

    # -- remaining business time for open cases -------------------------------------------
    # Due instants as the store hands them back: aware UTC datetimes. (Zoned datetimes cost
    # more to turn into epochs; that variant is measured too, for comparison.)
    now = datetime(2026, 6, 15, 10, 30, tzinfo=ZONE).astimezone(UTC)  # a Monday morning
    open_dues = [d.astimezone(UTC) for d in dues[:open_cases]]
    ten_k = open_dues[:10_000]
    ten_k_zoned = dues[:10_000]
    ten_k_epochs = [d.timestamp() for d in ten_k]
    remaining_all_ms = median_ms(lambda: remaining_many(calendar, open_dues, now), repeat)
    remaining_10k_ms = median_ms(lambda: remaining_many(calendar, ten_k, now), repeat)
    zoned_10k_ms = median_ms(lambda: remaining_many(calendar, ten_k_zoned, now), repeat)
    loop_10k_ms = median_ms(
        lambda: [calendar.business_seconds_between(now, d) for d in ten_k], repeat
    )
    epochs_10k_ms = median_ms(lambda: calendar.positions_epoch(ten_k_epochs), repeat)
    one_by_one = [calendar.business_seconds_between(now, d) for d in ten_k]
    if not (
        remaining_many(calendar, ten_k, now)
        == remaining_many(calendar, ten_k_zoned, now)
        == one_by_one
    ):
        print("FAIL: remaining_many disagrees with business_seconds_between")
        return 1

    # -- the table ----------------------------------------------------------------------------
    def verdict(value: float, goal: float) -> str:
        return "met" if value <= goal else "MISSED"

    rows = [
        (
            "due instant, per call (median)",
            f"{wz_due_us:.2f} µs",
            f"{btd_due_us:.0f} µs",
            f"{btd_due_us / wz_due_us:,.0f}x",
            f"<= {GOAL_DUE_US:g} µs: {verdict(wz_due_us, GOAL_DUE_US)}",
        ),
        (
            "due instant, epoch API (median)",
            f"{wz_due_epoch_us:.2f} µs",
            "",
            f"{btd_due_us / wz_due_epoch_us:,.0f}x",
            "",
        ),
        (
            "business time received->due (median)",
            f"{wz_between_us:.2f} µs",
            f"{btd_between_us:.0f} µs",
            f"{btd_between_us / wz_between_us:,.0f}x",
            "",
        ),
        (
            f"remaining, {open_cases:,} open (remaining_many)",
            f"{remaining_all_ms:.1f} ms",
            "",
            "",
            "",
        ),
        ("remaining, 10,000 (between, one by one)", f"{loop_10k_ms:.1f} ms", "", "", ""),
        (
            "remaining, 10,000 (remaining_many)",
            f"{remaining_10k_ms:.1f} ms",
            "",
            "",
            f"< {GOAL_REMAINING_10K_MS:g} ms: {verdict(remaining_10k_ms, GOAL_REMAINING_10K_MS)}",
        ),
        ("  same, dues as Toronto datetimes", f"{zoned_10k_ms:.1f} ms", "", "", ""),
        ("  same, positions_epoch on epochs", f"{epochs_10k_ms:.1f} ms", "", "", ""),
        ("first call (builds the table)", f"{cold_ms:.1f} ms", "", "", ""),
    ]
    header = ("measure", "wzdesk", "businesstimedelta", "ratio", "goal")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print()
    print(
        f"wzdesk: all {pairs:,} due instants round-trip exactly (business time to due == target); "
        f"businesstimedelta on {subset:,} of them"
    )
    if mismatches:
        print(f"FAIL: {len(mismatches)} disagreements with businesstimedelta, e.g.:")
        for bad, wz_answer, btd_answer in mismatches[:10]:
            print(
                f"  {bad.kind}: received {wall_naive(bad.received)} local, "
                f"{bad.seconds // HOUR}h -> wzdesk {wz_answer}, businesstimedelta {btd_answer}"
            )
        return 1
    print(
        f"cross-check: {subset:,}/{subset:,} due instants equal (local wall time, to the second), "
        f"and {subset:,}/{subset:,} business-time differences equal the target"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
