"""Saved views' counts: ``wzdesk view list`` (the view's scope) and a pinned tab (its open cases).

    python -m benchmarks.bench_view_counts                      # a 100,000-case SQLite demo
    python -m benchmarks.bench_view_counts --db URL --repeat 5  # an existing database

``view list`` counts every view the user sees, and the console counts a pinned view on the
clock (``breached:``, ``at-risk``, ``due:``) whole at each re-read that found changes (every
3 s while agents write). Each is one ``count(*)``: this prints, for views of every kind, how
many cases it finds and how long the count takes (median, ms), in the view's scope
(``search.count_cases``) and over the open cases (``search.queue_count``). The clock is
Wednesday 10:00 Toronto, so that the SLA views find what a working day holds. "me" is the
user ``--me`` (default kim; the ``bench_scale`` desks' views belong to "bench").
"""

from __future__ import annotations

import argparse
from datetime import datetime

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.services.search import context, count_cases, queue_count
from wzdesk.store.models import Case

NOW = datetime.fromisoformat("2026-03-11T10:00:00-04:00")
#: ``bench_cli_start``'s three views first (a pinned tab, one on the clock, one's own), then
#: more a desk keeps: the clock's terms, a status, a severity, nobody's, one client's.
QUERIES = [
    "sev:major -is:paused",
    "at-risk OR breached:any",
    "assignee:me status:open",
    "breached:any sev:major",
    "is:paused",
    "due:<2h",
    "sev:critical due:<4h",
    "status:waiting_client",
    "sev:critical",
    "assignee:none",
    "updated:today",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--me", default="kim", help='the login "assignee:me" names')
    args = parser.parse_args()
    demo_database("search", args.cases, FixedClock(NOW), args.db)
    search = context(NOW, args.me)
    print(f"view counts at {Case.select().count():,} cases; clock {NOW.isoformat()}")
    print(f"median of {args.repeat}, ms")
    print(f"  {'view query':<26} {'view list':>9} {'ms':>7} {'tab':>8} {'ms':>7}")
    for query in QUERIES:
        scoped = count_cases(query, search)
        scoped_ms = median_ms(lambda q=query: count_cases(q, search), args.repeat)  # type: ignore[misc]
        tab = queue_count(query, search)
        tab_ms = median_ms(lambda q=query: queue_count(q, search), args.repeat)  # type: ignore[misc]
        print(f"  {query:<26} {scoped:>9,} {scoped_ms:>7.1f} {tab:>8,} {tab_ms:>7.1f}")


if __name__ == "__main__":
    main()
