"""Drawing a screenful of queue lines, as Textual does for each repaint of the table.

    python -m benchmarks.bench_queue_draw                  # the bench_scale 100,000-case file
    python -m benchmarks.bench_queue_draw --db sqlite:////tmp/wzdesk-bench-scale/scale-10000.db

The console runs headless at 80×24, 120×40 and 200×50 with the clock pinned to a Wednesday
10:00 (every row has a moving countdown). Once the whole queue is in, the table's lines are
drawn again and again through ``render_lines`` (Textual's cache of drawn lines emptied each
time): what a repaint costs when a shown minute changes, a row is added or the user scrolls.
Medians of 200 screenfuls; this asserts nothing about time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual.geometry import Region

from benchmarks.bench_tick import WEDNESDAY_10, loaded, make_app
from wzdesk.core.clock import FixedClock

SIZES = ((80, 24), (120, 40), (200, 50))


async def screenful_ms(url: str, size: tuple[int, int], repeats: int) -> tuple[float, int]:
    from wzdesk.tui.widgets import QueueTable

    app = make_app(url, FixedClock(WEDNESDAY_10))
    async with app.run_test(size=size) as pilot:
        await loaded(app)
        await pilot.pause()
        table = app.screen.query_one(QueueTable)
        whole = Region(0, 0, table.size.width, table.size.height)
        times = []
        for _ in range(repeats):
            table._styles_cache.clear()
            begin = time.perf_counter()
            table.render_lines(whole)
            times.append(time.perf_counter() - begin)
        return statistics.median(times) * 1000, table.size.height


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite:////tmp/wzdesk-bench-scale/scale-100000.db")
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    print(f"database: {args.db}")
    print("| terminal | lines | a screenful (median) | a line |")
    print("|---|---|---|---|")
    for size in SIZES:
        ms, lines = asyncio.run(screenful_ms(args.db, size, args.repeats))
        print(f"| {size[0]}×{size[1]} | {lines} | {ms:.2f} ms | {1000 * ms / lines:.0f} µs |")


if __name__ == "__main__":
    main()
