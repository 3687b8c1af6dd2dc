"""Re-timing benchmark: a holiday added (or its what-if) at 100,000 cases / 10,000 open.

    python -m benchmarks.bench_retime                  # builds a SQLite database once
    python -m benchmarks.bench_retime --db URL         # an existing database (``wzdesk demo``)

A holiday on the next business day after the pinned clock moves nearly every open case: each
figure is the median of ``--repeat`` runs of the whole use case (one transaction: read every
open case and its finished pauses, recompute deadlines under the old and the new calendar,
write the moved ones with an audit record each). The dry run does the same work and rolls it
back; saving is measured as an add followed by a remove (which puts every deadline back).
Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from zoneinfo import ZoneInfo

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.services.calendar import add_holiday, remove_holiday
from wzdesk.services.directory import sign_in
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))  # a Monday
HOLIDAY = date(2026, 3, 10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock = FixedClock(NOW)
    demo_database("retime", args.cases, clock, args.db)
    ctx = sign_in("bench", clock).context
    total = Case.select().count()
    live = Case.select().where(Case.status != "closed").count()
    moved = len(add_holiday(ctx, HOLIDAY, dry_run=True).retiming.moves)
    dry = median_ms(lambda: add_holiday(ctx, HOLIDAY, dry_run=True), args.repeat, warm=False)

    def add_then_remove() -> None:
        add_holiday(ctx, HOLIDAY)
        remove_holiday(ctx, HOLIDAY)

    saved = median_ms(add_then_remove, args.repeat, warm=False) / 2
    print(
        f"holiday {HOLIDAY} at {total:,} cases ({live:,} not closed; {moved:,} re-timed); "
        f"median of {args.repeat}"
    )
    print(f"  holidays add --dry-run (what-if, rolled back)   {dry:8.0f} ms")
    print(f"  holidays add / remove, saved (per change)        {saved:8.0f} ms")


if __name__ == "__main__":
    main()
