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
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from wzdesk.core.clock import FixedClock
from wzdesk.services.calendar import add_holiday, remove_holiday
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in
from wzdesk.store.database import open_database
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))  # a Monday
HOLIDAY = date(2026, 3, 10)


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock = FixedClock(NOW)
    if args.db:
        open_database(args.db)
    else:
        path = Path(tempfile.gettempdir()) / f"wzdesk-bench-retime-{args.cases}.db"
        fresh = not path.exists()
        open_database(f"sqlite:///{path}")
        if fresh:
            sign_in("bench", clock)
            generate(clock, args.cases)
    ctx = sign_in("bench", clock).context
    total = Case.select().count()
    live = Case.select().where(Case.status != "closed").count()
    moved = len(add_holiday(ctx, HOLIDAY, dry_run=True).retiming.moves)
    dry = _median_ms(lambda: add_holiday(ctx, HOLIDAY, dry_run=True), args.repeat)

    def add_then_remove() -> None:
        add_holiday(ctx, HOLIDAY)
        remove_holiday(ctx, HOLIDAY)

    saved = _median_ms(add_then_remove, args.repeat) / 2
    print(
        f"holiday {HOLIDAY} at {total:,} cases ({live:,} not closed; {moved:,} re-timed); "
        f"median of {args.repeat}"
    )
    print(f"  holidays add --dry-run (what-if, rolled back)   {dry:8.0f} ms")
    print(f"  holidays add / remove, saved (per change)        {saved:8.0f} ms")


if __name__ == "__main__":
    main()
