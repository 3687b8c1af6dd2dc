"""Pinned views' tab counts per re-read: counted whole against kept case by case.

    python -m benchmarks.bench_view_tabs                      # a 100,000-case SQLite demo
    python -m benchmarks.bench_view_tabs --db URL --repeat 5  # an existing database

The console recounts its pinned views at every re-read that found changes (every 3 s while
agents write). A tab counts what the queue lists for the view: its open cases. For each view
query this prints that count done whole (what every re-read did before, then over the view's
own scope), the first read of a kept answer (at start-up and every ten minutes), and a re-read
that changed a few cases, asked of those cases alone. The clock is Wednesday 10:00 Toronto;
``breached:`` and ``due:`` views are on the clock and counted whole either way.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.core.query import parse_query
from wzdesk.services.search import case_only, context, queue_count
from wzdesk.services.view_counts import KeptCount, count_view, read_whole
from wzdesk.store.models import Case

NOW = datetime.fromisoformat("2026-03-11T10:00:00-04:00")
QUERIES = ["sev:critical", "assignee:me", "payroll", "p", "-payroll", "is:all payroll"]
ON_THE_CLOCK = ["breached:any"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--changed", type=int, default=5, help="cases changed per re-read")
    args = parser.parse_args()
    demo_database("search", args.cases, FixedClock(NOW), args.db)
    search = context(NOW, "kim")
    highest = int(Case.select(Case.id).order_by(Case.id.desc()).scalar())
    rng = random.Random(7)
    print(
        f"pinned view counts at {Case.select().count():,} cases, {args.changed} changed a re-read"
    )
    print(f"median of {args.repeat}, ms; clock {NOW.isoformat()}")
    print(f"  {'view query':<16} {'count':>8} {'whole':>9} {'first read':>11} {'re-read':>9}")
    for query in QUERIES + ON_THE_CLOCK:
        count = queue_count(query, search)
        whole = median_ms(lambda q=query: queue_count(q, search), args.repeat)  # type: ignore[misc]
        if not case_only(parse_query(query)):
            print(f"  {query:<16} {count:>8,} {whole:>9.1f} {'-':>11} {whole:>9.1f} (whole)")
            continue
        kept = read_whole(query, search, 0.0)
        assert kept.count == count, (query, kept.count, count)
        first = median_ms(lambda q=query: read_whole(q, search, 0.0), args.repeat)  # type: ignore[misc]

        def re_read(q: str = query, held: KeptCount = kept, was: int = count) -> None:
            changed = set(rng.sample(range(1, highest + 1), args.changed))
            recount, _ = count_view(q, search, changed, held, 1.0)
            assert abs(recount - was) <= args.changed

        again = median_ms(re_read, args.repeat)
        print(f"  {query:<16} {count:>8,} {whole:>9.1f} {first:>11.1f} {again:>9.1f}")


if __name__ == "__main__":
    main()
