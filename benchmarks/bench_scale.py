"""The scale curve (issue 13): what users wait for at 10k, 100k and 1,000,000 cases (a tenth
open), on SQLite and on PostgreSQL.

    python -m benchmarks.bench_scale                                # SQLite, 10k and 100k
    python -m benchmarks.bench_scale --sizes 10000,100000,1000000 \\
        --pg postgresql://postgres@127.0.0.1:55432/postgres         # and PostgreSQL too

For each backend and size, ``--runs`` fresh processes each measure, in this order:

- **first paint**: from making the console to the first frame that shows queue rows (imports
  done before; the same in every row), beside the same figure on a one-case database of the same
  backend measured in the same run: the ratio is the goal (≤ 1.1×);
- **tick at a crossing**: ``MainScreen.tick`` right after the snapshot's next threshold instant
  (and the quiet tick just before it), the clock pinned to Wednesday 10:00 in Toronto;
- **case list --limit 50**: the service path of ``wzdesk case list`` (the ids, the joined rows,
  the case objects printed);
- **free text**: ``search_cases("vacation", limit=50)`` (FTS5 / tsvector): a common word (in
  about a sixth of the demo cases); and a word in no case (``zeppelin``), the shape of a rare
  word: an error code, a product name;
- **SLA report**: ``report sla --by severity`` over every case (one call: it reads the whole
  history, so it grows with it; at 1,000,000 cases it takes tens of seconds);
- **peak RSS** of that process: after the console ran (every open case loaded), and at the end
  (the SLA report reads the whole history).

Databases are generated once and kept (``--dir`` for SQLite files, ``wzdesk_scale_N``
databases on the PostgreSQL server). Figures are medians; this asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from benchmarks.bench_tick import WEDNESDAY_10, ticks
from benchmarks.fresh import median_ms

OPEN_RATIO = 0.1
FREE_TEXT = "vacation"
RARE_TEXT = "zeppelin"


def _pg_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def database_url(backend: str, size: int, directory: Path, pg: str | None) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory / f'scale-{size}.db'}"
    assert pg
    name = f"wzdesk_scale_{size}"
    import psycopg

    with psycopg.connect(pg, autocommit=True) as server:
        found = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not found:
            server.execute(f'CREATE DATABASE "{name}"')
    return _pg_url(pg, name)


def generate_once(url: str, size: int) -> None:
    """Fill ``url`` with ``size`` demo cases unless it holds them already (in this process)."""
    from wzdesk.core.clock import FixedClock
    from wzdesk.services.demo import generate
    from wzdesk.services.directory import sign_in
    from wzdesk.store.database import open_database
    from wzdesk.store.models import Case

    open_database(url)
    if Case.select().count() >= size:
        return
    if Case.select().count():
        raise SystemExit(f"{url} holds a partial demo: drop it and run again")
    clock = FixedClock(WEDNESDAY_10)
    sign_in("bench", clock)
    started = time.perf_counter()
    summary = generate(clock, size, OPEN_RATIO if size > 1000 else 1.0)  # baselines: all open
    print(
        f"  generated {summary.cases:,} cases ({summary.open_cases:,} open) in {url} "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def measure(url: str) -> dict[str, float]:
    """One fresh process's figures (see the module's docstring), in milliseconds and MiB."""
    import wzdesk.tui.app  # noqa: F401 - imports are not part of first paint
    from wzdesk.core.clock import FixedClock
    from wzdesk.services.calendar import load_policy_book
    from wzdesk.services.case_fields import case_dict
    from wzdesk.services.case_views import CaseFilter
    from wzdesk.services.directory import sign_in
    from wzdesk.services.reports import Period, sla_report
    from wzdesk.services.search import context, filter_query, search_cases
    from wzdesk.store.models import Case

    quiet, crossing, open_rows, paint = asyncio.run(ticks(url, 5))
    console_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clock = FixedClock(WEDNESDAY_10)
    ctx = sign_in("bench", clock).context
    book = load_policy_book()
    search = context(clock.now(), "bench", book)

    def case_list() -> None:
        found = search_cases(filter_query(CaseFilter()), search, 50)
        [case_dict(case, book, clock.now()) for case in found]

    first = Case.select(Case.received_at).order_by(Case.received_at).first()
    period = Period(first.received_at.date() if first else date(2026, 1, 1), clock.now().date())
    return {
        "open": open_rows,
        "paint": paint * 1000,
        "quiet": statistics.median(quiet) * 1000 if quiet else float("nan"),
        "crossing": statistics.median(crossing) * 1000 if crossing else float("nan"),
        "crossing_max": max(crossing) * 1000 if crossing else float("nan"),
        "case_list": median_ms(case_list, 5),
        "free_text": median_ms(lambda: search_cases(FREE_TEXT, search, 50), 5),
        "rare_text": median_ms(lambda: search_cases(RARE_TEXT, search, 50), 5),
        "sla_report": median_ms(lambda: sla_report(ctx, period), 1, warm=False),
        "console_rss": console_rss,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(*words: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_scale", *words],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench_scale {' '.join(words)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="cases, comma-separated")
    parser.add_argument("--pg", help="a PostgreSQL URL (its server gets wzdesk_scale_N databases)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/wzdesk-bench-scale"))
    parser.add_argument("--only-pg", action="store_true", help="skip SQLite")
    parser.add_argument(
        "--baseline",
        type=int,
        default=1,
        help="cases (all open) in the first-paint baseline: 1, or e.g. 60 for a full screen",
    )
    parser.add_argument("--generate", nargs=2, metavar=("URL", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate_once(args.generate[0], int(args.generate[1]))
        return
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    args.dir.mkdir(parents=True, exist_ok=True)
    backends = ([] if args.only_pg else ["sqlite"]) + (["postgresql"] if args.pg else [])
    sizes = [int(size) for size in args.sizes.split(",")]
    rows = []
    for backend in backends:
        baseline_url = database_url(backend, args.baseline, args.dir, args.pg)
        print(_child("--generate", baseline_url, str(args.baseline)), end="", flush=True)
        for size in sizes:
            url = database_url(backend, size, args.dir, args.pg)
            print(_child("--generate", url, str(size)), end="", flush=True)
            runs: list[tuple[dict[str, float], dict[str, float]]] = []
            for _ in range(args.runs):  # the baseline and the size alternate, in one run
                base = json.loads(_child("--measure", baseline_url))
                runs.append((base, json.loads(_child("--measure", url))))
            figures = {key: statistics.median(run[key] for _, run in runs) for key in runs[0][1]}
            figures["paint_ratio"] = statistics.median(
                run["paint"] / base["paint"] for base, run in runs
            )
            figures["paint_base"] = statistics.median(base["paint"] for base, _ in runs)
            rows.append((backend, size, figures))
            print(
                f"  {backend} {size:,} cases ({figures['open']:,.0f} open): "
                + ", ".join(f"{key} {value:.1f}" for key, value in figures.items()),
                flush=True,
            )
    print(
        f"\n| backend | cases (open) | first paint (vs {args.baseline} open) "
        "| tick at a crossing (max) | case list --limit 50 | free text: common, absent "
        "| SLA report | peak RSS: console, end |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for backend, size, f in rows:
        print(
            f"| {backend} | {size:,} ({f['open']:,.0f}) | {f['paint']:.0f} ms "
            f"({f['paint_ratio']:.2f}× of {f['paint_base']:.0f} ms) "
            f"| {f['crossing']:.1f} ms ({f['crossing_max']:.1f}) | {f['case_list']:.1f} ms "
            f"| {f['free_text']:.1f} ms, {f['rare_text']:.1f} ms | {f['sla_report']:.0f} ms "
            f"| {f['console_rss']:.0f} MiB, {f['rss']:.0f} MiB |"
        )


if __name__ == "__main__":
    main()
