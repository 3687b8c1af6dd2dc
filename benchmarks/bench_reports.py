"""Reports benchmark: ``report sla`` by severity and by month, and ``case explain`` of one case,
at 100,000 cases (SQLite).

    python -m benchmarks.bench_reports                 # builds a 100,000-case SQLite database
    python -m benchmarks.bench_reports --db URL        # an existing database

Each figure is the median of repeated service calls with the clock pinned to a weekday at
10:00 (the CLI adds its start-up). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wzdesk.core.clock import FixedClock
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in
from wzdesk.services.reports import Period, backlog_report, insights, sla_report
from wzdesk.services.sla_history import explain_case
from wzdesk.store.database import open_database
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm the cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock = FixedClock(NOW)
    if args.db:
        open_database(args.db)
    else:
        path = Path(tempfile.gettempdir()) / f"wzdesk-bench-reports-{args.cases}.db"
        fresh = not path.exists()
        open_database(f"sqlite:///{path}")
        if fresh:
            sign_in("bench", clock)
            generate(clock, args.cases)
    ctx = sign_in("bench", clock).context
    cases = Case.select().count()
    first = Case.select(Case.received_at).order_by(Case.received_at).first()
    assert first is not None, "the database holds no case"
    period = Period(first.received_at.date(), date(2026, 3, 10))
    some = Case.select(Case.ref).order_by(Case.id.desc()).first()
    assert some is not None
    # As of six months earlier: cases whose timeline went on after then are rebuilt in Python.
    earlier = sign_in("bench", FixedClock(NOW - timedelta(days=182))).context
    rows = [
        ("report sla --by severity (all cases)", lambda: sla_report(ctx, period, "severity")),
        ("report sla --by month (all cases)", lambda: sla_report(ctx, period, "month")),
        ("report sla --by severity, as of 6 months ago", lambda: sla_report(earlier, period)),
        (
            "report sla --by severity, every case rebuilt",
            lambda: sla_report(ctx, period, all_in_python=True),
        ),
        (f"case explain {some.ref}", lambda: explain_case(ctx, str(some.ref))),
        (
            "report backlog, 84 days",
            lambda: backlog_report(ctx, Period(date(2025, 12, 15), date(2026, 3, 9))),
        ),
        ("console insights (12 weeks, F8)", lambda: insights(ctx)),
    ]
    print(f"{cases:,} cases, period {period.start} .. {period.end}; medians of {args.repeat}")
    for label, call in rows:
        print(f"{label:45s} {_median_ms(call, args.repeat):10.1f} ms")


if __name__ == "__main__":
    main()
