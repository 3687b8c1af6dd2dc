"""A team on one PostgreSQL database (issue 13): 20 consoles re-reading every 3 s, against one.

    python -m benchmarks.bench_team --pg postgresql://postgres@127.0.0.1:55432/postgres
    python -m benchmarks.bench_team --pg URL --consoles 20 --seconds 60 --cases 100000

Each console is its own process doing what the console's worker does (``WzdeskApp.load_queue``):
load every open case once, then every 3 s (each console at its own offset) re-read only the
cases whose ``updated_at`` moved (``QueueSnapshot.refresh``). Meanwhile one writer adds an
internal note to a random open case every second (a desk of 20 agents each writing every 20 s),
so the re-reads find something. The clock runs in real time from a Wednesday 10:00 (business
hours). Three runs of ``--seconds`` each: the writer alone, one console, ``--consoles`` consoles.

Reported: statements per second (counted in each console, every ``execute_sql``), rows the
re-reads returned, the re-read's median wall time, and the server's CPU (user + system of every
``postgres`` process on this machine, from ``/proc``; the server must be local). The goal: the
consoles' share of the server (run minus writer alone) for N consoles is at most N × one's.
Start-up loads are outside the measured window. Not a test: it asserts nothing.

``--views "payroll,sev:critical"`` gives every console those pinned views: after each re-read
that found changes it recounts their tabs as the console does (``--tabs kept``: the changed
cases asked, ``services.view_counts``), or whole (``--tabs whole``: what the console did
before 2026-12-04, one count per view per re-read).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_tick import WEDNESDAY_10, RunningClock

REFRESH_SECONDS = 3.0
TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds() -> float:
    """User + system CPU of every process named ``postgres`` on this machine."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name != "postgres":
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICKS


def _counting(database: Any) -> list[int]:
    """Count the statements ``database`` runs (a one-element list, for the closure)."""
    count = [0]
    real = database.execute_sql

    def execute_sql(sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(sql, params, *args, **kwargs)

    database.execute_sql = execute_sql
    return count


def console(
    url: str,
    start: float,
    seconds: float,
    offset: float,
    results: Any,
    views: tuple[str, ...] = (),
    tabs: str = "kept",
    clock_start: datetime = WEDNESDAY_10,
) -> None:
    """One console's worker: load all, then re-read every 3 s from ``start`` for ``seconds``
    (and recount the ``views`` tabs after a re-read that found changes)."""
    from wzdesk.services.calendar import load_policy_book
    from wzdesk.services.queue import QueueSnapshot
    from wzdesk.services.search import context, queue_count
    from wzdesk.services.view_counts import KeptCount, count_view
    from wzdesk.store.database import open_database

    database = open_database(url)
    clock = RunningClock(clock_start)
    snapshot = QueueSnapshot(load_policy_book(), clock, me="bench")
    snapshot.load_all()
    kept: dict[str, KeptCount | None] = {}
    for query in views:  # the start-up count, outside the window
        kept[query] = count_view(query, context(clock.now(), "bench"), None, None, 0.0)[1]
    statements = _counting(database)
    changed_rows, reread_ms = 0, []
    next_at = start + offset
    while True:
        time.sleep(max(0.0, next_at - time.time()))
        if time.time() >= start + seconds:
            break
        began = time.perf_counter()
        changed = snapshot.refresh()
        changed_rows += len(changed)
        if changed and views:
            search = context(clock.now(), "bench")
            for query in views:
                if tabs == "whole":
                    queue_count(query, search)
                else:
                    held = kept[query]
                    kept[query] = count_view(query, search, changed, held, time.monotonic())[1]
        reread_ms.append((time.perf_counter() - began) * 1000)
        next_at += REFRESH_SECONDS
    results.put((statements[0], changed_rows, reread_ms))


def writer(url: str, start: float, seconds: float, clock_start: datetime) -> None:
    """An internal note on a random open case every second."""
    from wzdesk.services.cases import reply
    from wzdesk.services.directory import sign_in
    from wzdesk.store.database import open_database
    from wzdesk.store.models import Case

    open_database(url)
    clock = RunningClock(clock_start)
    ctx = sign_in("bench", clock).context
    refs = [ref for (ref,) in Case.select(Case.ref).where(Case.is_open).tuples()]
    rng = random.Random(7)
    time.sleep(max(0.0, start - time.time()))
    while time.time() < start + seconds:
        reply(ctx, rng.choice(refs), "Checked the logs; still looking.", internal=True)
        time.sleep(1.0)


def _after_the_last_write(url: str) -> datetime:
    """Wednesday 10:00, or just after the last change a previous run wrote: each run's clock
    starts at 10:00, and a note written "earlier" than one a re-read has seen is never
    re-read (the 1-console run of a second invocation re-read nothing)."""
    from wzdesk.store.database import open_database
    from wzdesk.store.models import Case

    open_database(url)
    latest = Case.select(Case.updated_at).order_by(Case.updated_at.desc()).scalar()
    return max(WEDNESDAY_10, latest + timedelta(seconds=1)) if latest else WEDNESDAY_10


def run(
    url: str, consoles: int, seconds: float, views: tuple[str, ...] = (), tabs: str = "kept"
) -> dict[str, float]:
    clock_start = _after_the_last_write(url)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    # Consoles load first (outside the window): start the clock once all could have loaded.
    start = time.time() + 8 + 1.5 * consoles
    workers = [
        context.Process(
            target=console,
            args=(
                url,
                start,
                seconds,
                REFRESH_SECONDS * i / max(consoles, 1),
                results,
                views,
                tabs,
                clock_start,
            ),
        )
        for i in range(consoles)
    ]
    workers.append(context.Process(target=writer, args=(url, start, seconds, clock_start)))
    for worker in workers:
        worker.start()
    time.sleep(max(0.0, start - time.time()))
    cpu_before = server_cpu_seconds()
    time.sleep(seconds)
    cpu = server_cpu_seconds() - cpu_before
    outcome = [results.get(timeout=120) for _ in range(consoles)]
    for worker in workers:
        worker.join(timeout=60)
    statements = sum(o[0] for o in outcome)
    rows = sum(o[1] for o in outcome)
    rereads = [ms for o in outcome for ms in o[2]]
    return {
        "statements_per_s": statements / seconds,
        "rows_per_s": rows / seconds,
        "reread_ms": statistics.median(rereads) if rereads else float("nan"),
        "server_cpu_pct": 100 * cpu / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", required=True, help="a PostgreSQL URL on this machine")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--consoles", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--views", default="", help="pinned view queries, comma-separated")
    parser.add_argument("--tabs", choices=("kept", "whole"), default="kept")
    args = parser.parse_args()
    views = tuple(query.strip() for query in args.views.split(",") if query.strip())
    from benchmarks.bench_scale import database_url, generate_once
    from wzdesk.store.database import open_database
    from wzdesk.store.models import Case

    url = database_url("postgresql", args.cases, Path("/tmp"), args.pg)
    generate_once(url, args.cases)
    open_database(url)
    open_cases = Case.select().where(Case.is_open).count()
    print(f"{args.cases:,} cases, {open_cases:,} open; {args.seconds:.0f} s per run", flush=True)
    if views:
        print(f"pinned views per console: {', '.join(views)}; tabs counted {args.tabs}")
    figures = {}
    runs = (("writer alone", 0), ("1 console", 1), (f"{args.consoles} consoles", args.consoles))
    for label, consoles in runs:
        figures[label] = run(url, consoles, args.seconds, views, args.tabs)
        print(f"  {label}: {figures[label]}", flush=True)
    alone = figures["writer alone"]["server_cpu_pct"]
    one = figures["1 console"]["server_cpu_pct"] - alone
    many = figures[f"{args.consoles} consoles"]["server_cpu_pct"] - alone
    print("\n| run | statements/s | rows re-read/s | re-read (median) | server CPU |")
    print("|---|---|---|---|---|")
    for label, f in figures.items():
        print(
            f"| {label} | {f['statements_per_s']:.1f} | {f['rows_per_s']:.1f} "
            f"| {f['reread_ms']:.1f} ms | {f['server_cpu_pct']:.2f}% of a core |"
        )
    print(
        f"\nThe consoles' share of the server: one {one:.2f}%, {args.consoles} {many:.2f}% "
        f"= {many / one if one > 0 else float('nan'):.1f}× one (goal ≤ {args.consoles}×)"
    )


if __name__ == "__main__":
    main()
