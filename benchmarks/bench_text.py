"""Free text's first page at 10,000 to 1,000,000 cases: the walk against the plain plan.

    python -m benchmarks.bench_text [--sizes 10000,100000,1000000] [--pg URL] [--runs 5]

For each query, ``search_ids(query, limit=50)`` in the default (urgency) order, two ways in one
process, alternating: the walk (the cases in urgency order, asked a batch at a time whether
they hold the words: ``search._urgent_with_text``) and the plain plan (every text the index
finds for the words, mapped to cases, then the urgency sort: what every common word cost
before). It prints both medians, their ratio, how many cases the walk asked about, and
whether the two gave the same page (they must).

Uses the demo databases of ``bench_scale`` (``/tmp/wzdesk-bench-scale/scale-N.db`` and
``wzdesk_scale_N`` on the PostgreSQL server; generated there if missing). The clock is
Wednesday 10:00 in Toronto, as there. This asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

from benchmarks.bench_scale import WEDNESDAY_10, database_url

QUERIES = (
    "vacation",  # in about 4% of the cases
    "payroll",
    '"export fails"',  # a phrase
    "vacation sev:critical",  # a common word and a field
    "vacation assignee:none",
    "the",  # in nearly every text; a short prefix
    "zeppelin",  # in no case: the rare-word path, for comparison
)


def measure(url: str, runs: int) -> dict[str, dict[str, float | int | bool]]:
    from wzdesk.core.clock import FixedClock
    from wzdesk.services import search
    from wzdesk.services.calendar import load_policy_book
    from wzdesk.store import fulltext
    from wzdesk.store.database import open_database

    open_database(url)
    ctx = search.context(FixedClock(WEDNESDAY_10).now(), "bench", load_policy_book())
    asked: list[int] = []
    real_holding = fulltext.holding

    def counted(case_ids: list[int], *args: object, **kwargs: object) -> set[int]:
        asked.append(len(case_ids))
        return real_holding(case_ids, *args, **kwargs)  # type: ignore[arg-type]

    def timed(query: str) -> tuple[float, list[int]]:
        started = time.perf_counter()
        found = search.search_ids(query, ctx, 50)
        return (time.perf_counter() - started) * 1000, found

    figures: dict[str, dict[str, float | int | bool]] = {}
    for query in QUERIES:
        walk: list[float] = []
        plain: list[float] = []
        same = True
        timed(query)  # warm the cache once for both
        for _ in range(runs):
            asked.clear()
            with mock.patch.object(fulltext, "holding", counted):
                ms, walked = timed(query)
            walk.append(ms)
            with mock.patch.object(search, "_urgent_with_text", lambda *args: None):
                ms, listed = timed(query)
            plain.append(ms)
            same = same and walked == listed
        figures[query] = {
            "walk": statistics.median(walk),
            "plain": statistics.median(plain),
            "asked": sum(asked),
            "found": len(walked),
            "same": same,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--pg", help="a PostgreSQL URL (its server holds wzdesk_scale_N)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/wzdesk-bench-scale"))
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    print("| backend | cases | query | walk | plain (before) | ratio | cases asked | same page |")
    print("|---|---|---|---|---|---|---|---|")
    for backend in ["sqlite"] + (["postgresql"] if args.pg else []):
        for size in (int(size) for size in args.sizes.split(",")):
            url = database_url(backend, size, args.dir, args.pg)
            subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_scale", "--generate", url, str(size)],
                check=True,
            )
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.bench_text", "--measure", url]
                + ["--runs", str(args.runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            for query, f in json.loads(done.stdout).items():
                print(
                    f"| {backend} | {size:,} | `{query}` | {f['walk']:.1f} ms "
                    f"| {f['plain']:.1f} ms | {f['plain'] / f['walk']:.1f}× "
                    f"| {f['asked']:,} | {'yes' if f['same'] else 'NO'} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
