"""A sweep of the query language in urgency order: the slowest queries of a desk.

    python -m benchmarks.sweep_search --db URL [--now 2026-03-11T10:00:00-04:00] [--top 25]
    python -m benchmarks.sweep_search --db URL --match updated:   # only queries holding it

Each severity with each of the terms below, and pairs of the commonest terms, each a page of
50 through the service path ``case list`` takes (``search_cases`` and the case objects),
median of ``--runs`` after one warm-up. Prints the ``--top`` slowest and the median of all.
A plan that reads every open or every done case for a page shows at the top at a million
cases (the ``bench_scale`` desks): that is how ``due:<8h sev:major`` on PostgreSQL and
``status:closed`` were found (README, "Scale"). The clock is pinned to a weekday at 10:00.
Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from wzdesk.services.calendar import load_policy_book
from wzdesk.services.case_fields import case_dict
from wzdesk.services.search import context, search_cases
from wzdesk.store.database import open_database
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
SEVERITIES = ("sev:critical", "sev:major", "sev:moderate", "sev:minor")
TERMS = (
    "",
    "at-risk",
    "breached:any",
    "breached:response",
    "due:<2h",
    "due:<1d",
    "due:>4h",
    "is:paused",
    "-is:paused",
    "assignee:none",
    "assignee:me",
    "status:new",
    "status:escalated",
    "status:waiting_client",
    "-status:waiting_client",
    "client:{client}",
    "received:last-7d",
    "received:today",
    "updated:today",
    "updated:last-7d",
    "channel:phone",
    "is:all",
    "status:resolved",
    "status:closed",
)
PAIRED = ("at-risk", "breached:any", "due:<8h", "assignee:none", "is:paused")
WITH = ("assignee:none", "status:open", "channel:email", "client:{client}", "-is:paused")


def queries(client: str) -> list[str]:
    found = set()
    for term in TERMS:
        found.add(term.format(client=client))
        for severity in SEVERITIES:
            found.add(f"{severity} {term}".strip().format(client=client))
    for first in PAIRED:
        for second in WITH:
            if first != second:
                found.add(f"{first} {second}".format(client=client))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="an existing database URL")
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--as", dest="login", default="bench", help="assignee:me's login")
    parser.add_argument("--match", default="", help="only the queries holding this text")
    args = parser.parse_args()
    open_database(args.db)
    book = load_policy_book()
    ctx = context(args.now, args.login, book)
    first = Case.select().first()
    if first is None:
        raise SystemExit("an empty desk: nothing to sweep")
    timed: list[tuple[float, str]] = []
    for query in (q for q in queries(first.client.code) if args.match in q):

        def page(query: str = query) -> object:
            return [case_dict(case, book, args.now) for case in search_cases(query, ctx, 50)]

        page()
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            page()
            runs.append((time.perf_counter() - started) * 1000)
        timed.append((statistics.median(runs), query))
    timed.sort(reverse=True)
    print(f"{len(timed)} queries, a page of 50 each, median of {args.runs}; the slowest:")
    for ms, query in timed[: args.top]:
        print(f"  {ms:8.1f} ms  {query}")
    print(f"median of all: {statistics.median(ms for ms, _ in timed):.1f} ms")


if __name__ == "__main__":
    main()
