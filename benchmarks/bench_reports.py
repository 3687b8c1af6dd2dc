"""Reports benchmark: ``report sla`` by severity and by month, and ``case explain`` of one case,
at 100,000 cases (SQLite).

    python -m benchmarks.bench_reports                 # builds a 100,000-case SQLite database
    python -m benchmarks.bench_reports --db URL        # an existing database
    python -m benchmarks.bench_reports --db URL --now 2026-03-11T10:00:00-04:00 --quick
                                                       # its clock; skip the two slowest rows
    python -m benchmarks.bench_reports --db URL --identity root   # signed in by its identity

Each figure is the median of repeated service calls with the clock pinned to a weekday at
10:00 (the CLI adds its start-up). Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.services.directory import sign_in
from wzdesk.services.reports import Period, backlog_report, insights, sla_report
from wzdesk.services.sla_history import explain_case
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--identity",
        default="bench",
        help="who signs in (a supervisor's login or identity; default bench)",
    )
    parser.add_argument(
        "--now", type=datetime.fromisoformat, default=NOW, help="the clock (ISO, with offset)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="skip the as-of-6-months and every-case-rebuilt rows (minutes at a million cases)",
    )
    args = parser.parse_args()
    now = args.now
    clock = FixedClock(now)
    demo_database("reports", args.cases, clock, args.db)
    ctx = sign_in(args.identity, clock).context
    cases = Case.select().count()
    first = Case.select(Case.received_at).order_by(Case.received_at).first()
    assert first is not None, "the database holds no case"
    today = now.date()
    period = Period(first.received_at.date(), today + timedelta(days=1))
    some = Case.select(Case.ref).order_by(Case.id.desc()).first()
    assert some is not None
    # As of six months earlier: cases whose timeline went on after then are rebuilt in Python.
    earlier = sign_in(args.identity, FixedClock(now - timedelta(days=182))).context
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
            lambda: backlog_report(ctx, Period(today - timedelta(days=84), today)),
        ),
        ("console insights (12 weeks, F8)", lambda: insights(ctx)),
    ]
    if args.quick:
        rows = [row for row in rows if "6 months" not in row[0] and "rebuilt" not in row[0]]
    print(f"{cases:,} cases, period {period.start} .. {period.end}; medians of {args.repeat}")
    for label, call in rows:
        print(f"{label:45s} {median_ms(call, args.repeat):10.1f} ms")


if __name__ == "__main__":
    main()
