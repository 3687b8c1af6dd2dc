"""Console benchmark: first paint of the queue and per-tick cost with 10,000 open cases, and
the CPU an idle console uses with 1,000 open cases.

    python -m benchmarks.bench_console            # full run (builds a 100,000-case database)
    python -m benchmarks.bench_console --quick    # smaller, ~1 minute

The app runs headless (Textual's test driver: it lays out and renders every frame exactly as
in a terminal, without writing to one). The clock is pinned to a Wednesday 10:00 in Toronto,
the data made at that instant and the console's clock running on from it: on the real clock
a run at night or at a weekend moves no countdown and crosses no threshold, and every figure
would be a best case. Figures are medians over repeated runs; this is not a test and asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_tick import WEDNESDAY_10, RunningClock, watch_first_paint
from wzdesk.core.clock import FixedClock
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in
from wzdesk.store.database import open_database
from wzdesk.store.models import Case

GOALS = {"first paint": "< 1 s", "tick": "< 10 ms", "idle CPU": "< 3% of one core"}


def build_database(path: Path, cases: int, open_ratio: float) -> None:
    if path.exists():
        return
    started = time.perf_counter()
    open_database(f"sqlite:///{path}")
    clock = FixedClock(WEDNESDAY_10)
    sign_in("bench", clock)
    summary = generate(clock, cases, open_ratio)
    print(
        f"  built {path.name}: {summary.cases:,} cases, {summary.open_cases:,} open, "
        f"{summary.events:,} events in {time.perf_counter() - started:.1f} s"
    )


def make_app(path: Path):  # type: ignore[no-untyped-def]
    from wzdesk.tui.app import WzdeskApp

    open_database(f"sqlite:///{path}")
    clock = RunningClock(WEDNESDAY_10)  # business hours, moving with real time
    context = sign_in("bench", clock).context  # type: ignore[arg-type]
    return WzdeskApp(context, clock=clock, database_label=path.name, bell=False)  # type: ignore[arg-type]


async def first_paint_and_ticks(
    path: Path, ticks: int
) -> tuple[float, float, list[float], list[float], int]:
    """First paint, full load; then the tick's own cost, and the repaint a changed minute needs.

    First paint is the moment the first frame showing queue rows is handed to the terminal
    (:func:`benchmarks.bench_tick.watch_first_paint`). Full load is when all open cases, counts
    and the breach panel are in and the app is idle. ``pilot.pause()`` has a fixed floor of its
    own (about 25 ms here), so the repaint cost is measured as (refresh + pause) minus a bare
    pause.
    """
    from wzdesk.tui.widgets import QueueTable

    app = make_app(path)
    started = time.perf_counter()
    painted = watch_first_paint(app, started)
    async with app.run_test(size=(200, 50)) as pilot:
        while app.snapshot is None or app.snapshot.partial:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
        await pilot.pause()
        full_load = time.perf_counter() - started
        table = app.screen.query_one(QueueTable)
        rows = len(table.rows)
        screen = app.screen
        tick_times, repaint_times = [], []
        for _ in range(ticks):
            begin = time.perf_counter()
            screen.tick()
            tick_times.append(time.perf_counter() - begin)
            await pilot.pause()
            begin = time.perf_counter()
            await pilot.pause()
            bare = time.perf_counter() - begin
            begin = time.perf_counter()
            table.refresh()
            await pilot.pause()
            repaint_times.append(max(0.0, time.perf_counter() - begin - bare))
    return painted[0], full_load, tick_times, repaint_times, rows


async def idle_cpu(path: Path, seconds: float) -> float:
    app = make_app(path)
    async with app.run_test(size=(200, 50)):
        await asyncio.sleep(3)  # let it load and settle
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
    return 100.0 * cpu / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--dir", type=Path, help="keep the generated databases here")
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="wzdesk-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    big_cases, runs, idle_seconds = (20_000, 3, 15.0) if args.quick else (100_000, 5, 60.0)
    big = directory / f"console-{big_cases}.db"
    small = directory / "console-idle.db"
    small_one = directory / "console-one.db"
    print("Preparing databases")
    build_database(big, big_cases, open_ratio=0.1 if not args.quick else 0.5)
    build_database(small, 3_000, open_ratio=1_000 / 3_000)
    build_database(small_one, 1, open_ratio=1.0)
    open_database(f"sqlite:///{big}")
    open_cases = Case.select().where(Case.is_open).count()

    print(f"\nFirst paint and ticks: {open_cases:,} open cases ({runs} runs)")
    paints, loads, ticks, repaints = [], [], [], []
    for _ in range(runs):
        paint, load, tick_times, repaint_times, rows = asyncio.run(
            first_paint_and_ticks(big, ticks=30)
        )
        paints.append(paint)
        loads.append(load)
        ticks.extend(tick_times)
        repaints.extend(repaint_times)
        print(
            f"  run: first paint {paint * 1000:6.0f} ms, all {rows:,} rows loaded "
            f"{load * 1000:6.0f} ms, tick median {statistics.median(tick_times) * 1000:5.2f} ms, "
            f"queue repaint median {statistics.median(repaint_times) * 1000:5.2f} ms"
        )
    print("\nBaseline: the same app over a database with one case (Textual's own start-up)")
    baseline = [asyncio.run(first_paint_and_ticks(small_one, ticks=1))[0] for _ in range(runs)]
    print(f"\nIdle console with ~1,000 open cases for {idle_seconds:.0f} s")
    cpu = asyncio.run(idle_cpu(small, idle_seconds))

    print("\n| measure | median | goal |\n|---|---|---|")
    print(
        f"| first paint, {open_cases:,} open | {statistics.median(paints) * 1000:.0f} ms "
        f"| {GOALS['first paint']} |"
    )
    print(
        f"| first paint, 1 open case (start-up baseline) | "
        f"{statistics.median(baseline) * 1000:.0f} ms | |"
    )
    print(
        f"| all {open_cases:,} rows, counts and breach panel loaded | "
        f"{statistics.median(loads) * 1000:.0f} ms | |"
    )
    print(
        f"| one tick (timers, crossings, counts) | {statistics.median(ticks) * 1000:.2f} ms "
        f"(p90 {statistics.quantiles(ticks, n=10)[-1] * 1000:.2f} ms) | {GOALS['tick']} |"
    )
    print(
        f"| queue repaint (when a shown minute changes) | "
        f"{statistics.median(repaints) * 1000:.2f} ms | |"
    )
    print(f"| idle CPU, 1,000 open | {cpu:.2f}% of one core | {GOALS['idle CPU']} |")


if __name__ == "__main__":
    main()
