"""Console memory over a long day: RSS while an agent moves through cases and edits them.

An agent's console runs all day, for weeks, so its memory must not grow with use. This drives
the real app headless (``App.run_test``) over a demo database, with the clock pinned on a
weekday at 10:00 (countdowns move, targets cross thresholds):

1. **case switches**: the cursor moves case to case (down 50, up 50, …), each time waiting
   until the detail pane shows the highlighted case — as an agent reading the queue does;
2. **a working day of edits**: case after case, an internal note, a reply or a status change
   (waiting on the client, or open again) — the edits of a day spread over the queue.

RSS (resident set size) is printed every few hundred steps. Textual warms bounded caches
(rendered lines, styles) during the first few hundred steps; the figure that matters is the
growth after that warm-up, which must stay under 5 MB.

    python -m benchmarks.bench_console_memory [--cases 10000] [--switches 5000] [--edits 300]
    python -m benchmarks.bench_console_memory --quick     # 2,000 cases, 1,000 switches, 60 edits
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from wzdesk.core.clock import FixedClock
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in
from wzdesk.services.session import open_store

NOW = "2026-12-02T10:00:00-05:00"  # a Wednesday, inside business hours
WARM_UP = 0.1  # the share of each phase before growth is measured


def rss_mb() -> float:
    """This process's resident set size in MiB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def wait_until(pilot: Any, condition: Any, limit: float = 10.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not get there")
        await pilot.pause(0.01)


def detail_follows(screen: Any) -> bool:
    row = screen.query_one("#queue").current_row
    return screen.case is not None and row is not None and screen.case["ref"] == row.ref


async def drive(url: str, switches: int, edits: int) -> list[tuple[str, int, float]]:
    from textual.widgets import TextArea

    from wzdesk.tui.app import WzdeskApp
    from wzdesk.tui.screens.main import MainScreen

    open_store(url)
    clock = FixedClock(datetime.fromisoformat(NOW))
    context = sign_in("sam", clock).context
    app = WzdeskApp(context, clock=clock, database_label="bench", bell=False)
    samples: list[tuple[str, int, float]] = []
    async with app.run_test(size=(160, 45)) as pilot:
        await wait_until(pilot, lambda: app.snapshot is not None and not app.snapshot.partial, 60)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await wait_until(pilot, lambda: detail_follows(screen))
        gc.collect()
        samples.append(("start", 0, rss_mb()))
        step = max(1, switches // 10)
        for index in range(switches):
            await pilot.press("j" if (index // 50) % 2 == 0 else "k")
            await wait_until(pilot, lambda: detail_follows(screen))
            if (index + 1) % step == 0:
                gc.collect()
                samples.append(("switches", index + 1, rss_mb()))
        step = max(1, edits // 10)
        for index in range(edits):
            await pilot.press("j")
            await wait_until(pilot, lambda: detail_follows(screen))
            kind = index % 3
            before = screen.case["version"]
            if kind == 2:  # waiting on the client (or open again, if it was waiting)
                waiting = screen.case["status"] == "waiting_client"
                await pilot.press("s", "1" if waiting else "2")
            else:  # an internal note or a reply
                await pilot.press("n" if kind == 0 else "r")
                await wait_until(pilot, lambda: bool(app.screen.query(TextArea)))
                app.screen.query_one(TextArea).insert(f"Edit {index}: checked the logs.")
                await pilot.press("ctrl+s")
            await wait_until(
                pilot, lambda v=before: app.screen is screen and screen.case["version"] > v
            )
            if (index + 1) % step == 0:
                gc.collect()
                samples.append(("edits", index + 1, rss_mb()))
    return samples


def report(samples: list[tuple[str, int, float]]) -> None:
    print(f"{'phase':<10} {'steps':>6} {'RSS MiB':>9} {'growth':>8}")
    start = samples[0][2]
    for phase, steps, rss in samples:
        print(f"{phase:<10} {steps:>6} {rss:>9.1f} {rss - start:>+8.1f}")
    for phase in ("switches", "edits"):
        rows = [s for s in samples if s[0] == phase]
        if len(rows) < 2:
            continue
        warm = rows[max(0, int(len(rows) * WARM_UP))]
        last = rows[-1]
        print(
            f"{phase}: {last[2] - warm[2]:+.1f} MiB from step {warm[1]} to {last[1]} "
            f"(after warm-up); {last[2] - start:+.1f} MiB in all"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--switches", type=int, default=5_000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.cases, args.switches, args.edits = 2_000, 1_000, 60
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'memory.db'}"
        open_store(url)
        clock = FixedClock(datetime.fromisoformat(NOW))
        sign_in("sam", clock)
        started = time.perf_counter()
        summary = generate(clock, args.cases, seed=7)
        print(
            f"demo: {summary.cases:,} cases ({summary.open_cases:,} open) in "
            f"{time.perf_counter() - started:.0f} s; clock {NOW}"
        )
        started = time.perf_counter()
        samples = asyncio.run(drive(url, args.switches, args.edits))
        print(f"drove the console for {time.perf_counter() - started:.0f} s")
        report(samples)


if __name__ == "__main__":
    main()
