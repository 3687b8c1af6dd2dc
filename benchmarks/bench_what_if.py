"""The console's what-if screen: its cost on the UI thread when a holiday moves many cases.

    python -m benchmarks.bench_what_if [--moves 10000] [--repeat 5]

The dry run itself runs in a worker thread (``bench_retime`` measures it); what runs on the UI
thread is building the rows (sorted so breach changes come first, only the first 500 formatted)
and mounting the screen. Each figure is the median of ``--repeat`` runs over synthetic moves
(every case's response and resolution move a day; one in ten newly breaches). Not a test: it
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from textual.app import App

from wzdesk.core.case_sla import Deadlines
from wzdesk.services.retiming import CaseMove, Retiming
from wzdesk.tui.screens.calendar_change import (
    MAX_WHAT_IF_ROWS,
    HolidayChange,
    WhatIf,
    WhatIfScreen,
    what_if_rows,
)

ZONE = ZoneInfo("America/Toronto")
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZONE)


def synthetic_moves(count: int) -> tuple[CaseMove, ...]:
    day, hour = timedelta(days=1), timedelta(hours=1)
    moves = []
    for index in range(count):
        start = NOW + index * timedelta(minutes=1)
        before = Deadlines(start, start - hour, start + 10 * hour, start + 8 * hour, 0.0)
        after = Deadlines(
            start + day, start + day - hour, start + day + 10 * hour, start + day, 0.0
        )
        late = index % 10 == 0
        states = ("pending", "pending", "pending", "breached" if late else "pending")
        moves.append(CaseMove(f"WZ-{1000 + index}", index, before, after, *states))
    return tuple(moves)


class _Host(App[None]):
    def __init__(self, what: WhatIf) -> None:
        super().__init__()
        self.what = what


async def _mount_ms(what: WhatIf) -> float:
    app = _Host(what)
    async with app.run_test(size=(140, 45)) as pilot:
        started = time.perf_counter()
        await app.push_screen(WhatIfScreen(what))
        await pilot.pause()
        return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    moves = synthetic_moves(args.moves)
    what = WhatIf(HolidayChange(NOW.date() + timedelta(days=1)), Retiming(moves, True), ZONE, NOW)
    rows_ms = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        what_if_rows(moves, ZONE, NOW, MAX_WHAT_IF_ROWS)
        rows_ms.append((time.perf_counter() - started) * 1000)
    mount_ms = [asyncio.run(_mount_ms(what)) for _ in range(args.repeat)]
    print(f"what-if of {args.moves:,} moved cases ({2 * args.moves:,} moved targets)")
    print(f"  rows (sort all, format {MAX_WHAT_IF_ROWS}): {statistics.median(rows_ms):8.1f} ms")
    print(f"  screen shown (rows + mount + paint):  {statistics.median(mount_ms):8.1f} ms")


if __name__ == "__main__":
    main()
