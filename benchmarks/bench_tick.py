"""Per-second cost of the console in business hours (issue 13): a tick with no threshold
crossed, a tick that follows a crossing, and the console's CPU over a stretch of real time.

    python -m benchmarks.bench_tick                       # 1k / 10k / 50k open, 60 s of CPU
    python -m benchmarks.bench_tick --sizes 1000 --seconds 20
    python -m benchmarks.bench_tick --wallboard          # the same with the wallboard (F4) up

The clock is pinned to a Wednesday 10:00 in Toronto (business hours: countdowns move and
targets cross thresholds; at night nothing crosses and every figure is a best case). Ticks are
measured by moving the clock to just before (no crossing) or just after (a crossing) the
snapshot's next threshold instant and calling ``MainScreen.tick`` directly; the CPU figure runs
the headless console with a clock that moves with real time from that Wednesday 10:00, and
with its re-reads of the database every ``REFRESH_SECONDS``. ``--width 200`` puts the breach
panel in its own column, listing every row at stake.
With ``--wallboard`` the wallboard screen is on top and its own tick is the one timed (a
crossing there must not recount every open case either); ``--every-row`` lists every case at
stake on it (its ``m`` key).
Medians; this asserts nothing about time. Run it against an older checkout (``PYTHONPATH``)
with the same ``--dir`` to compare before and after on the same databases.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from wzdesk.core.clock import FixedClock
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in
from wzdesk.store.database import open_database
from wzdesk.store.models import Case

WIDTH = 160  # --width: 180 and wider shows the breach panel in its own column, every row listed
WALLBOARD = False  # --wallboard: time the wallboard's tick (F4 on top of the queue)
EVERY_ROW = False  # --every-row: the wallboard listing every case at stake (its m key)
WEDNESDAY_10 = datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


class RunningClock:
    """Real time, starting at ``start`` (so the console ticks through business hours)."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


def build_database(path: Path, open_cases: int) -> None:
    if path.exists():
        return
    started = time.perf_counter()
    open_database(f"sqlite:///{path}")
    clock = FixedClock(WEDNESDAY_10)
    sign_in("bench", clock)
    summary = generate(clock, open_cases * 2, 0.5)
    print(
        f"  built {path.name}: {summary.cases:,} cases, {summary.open_cases:,} open "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


def make_app(path: Path | str, clock: object):  # type: ignore[no-untyped-def]
    """The headless console over a SQLite file (a path) or any database (a URL)."""
    from wzdesk.tui.app import WzdeskApp

    open_database(path if isinstance(path, str) else f"sqlite:///{path}")
    context = sign_in("bench", clock).context  # type: ignore[arg-type]
    app = WzdeskApp(
        context,
        clock=clock,  # type: ignore[arg-type]
        database_label=path if isinstance(path, str) else path.name,
        bell=False,
        refresh_seconds=3600,
    )
    app.animation_level = "none"
    return app


def watch_first_paint(app, started: float) -> list[float]:  # type: ignore[no-untyped-def]
    """A list that gets the seconds from ``started`` to the first frame with queue rows.

    The frame is timed where Textual hands it to the terminal (``App._display``, right after
    the compositor rendered the dirty regions, the new rows among them): what a user sees. An
    earlier version polled for the table's rows and then queued a ``call_after_refresh``; that
    timed the frame *after* the one with rows, and on a big desk that next frame waits behind
    the full load of every open case, which starts as soon as the first rows are on screen (on
    PostgreSQL at 100,000 cases: rows on screen at ~190 ms on both desks, the next frame at
    ~350 ms on the big one against ~280 ms on the one-case desk).
    """
    from wzdesk.tui.screens.main import MainScreen
    from wzdesk.tui.widgets import QueueTable

    painted: list[float] = []
    display = app._display

    def display_and_time(screen, update) -> None:  # type: ignore[no-untyped-def]
        display(screen, update)
        if (
            not painted
            and update is not None
            and isinstance(screen, MainScreen)
            and screen.query_one(QueueTable).rows
        ):
            painted.append(time.perf_counter() - started)

    app._display = display_and_time
    return painted


async def loaded(app) -> None:  # type: ignore[no-untyped-def]
    while app.snapshot is None or app.snapshot.partial:  # noqa: ASYNC110 - waiting to measure
        await asyncio.sleep(0.01)


async def ticks(path: Path | str, count: int) -> tuple[list[float], list[float], int, float]:
    """``count`` ticks without a crossing and ``count`` ticks right after one (seconds), the
    open rows, and the first paint: seconds from making the app to the first frame that shows
    queue rows (see :func:`watch_first_paint`).
    """
    from wzdesk.tui.screens.main import MainScreen

    clock = FixedClock(WEDNESDAY_10)
    started = time.perf_counter()
    app = make_app(path, clock)
    painted = watch_first_paint(app, started)
    quiet, crossing = [], []
    async with app.run_test(size=(WIDTH, 50)) as pilot:
        await loaded(app)
        await pilot.pause()
        screen = next(s for s in app.screen_stack if isinstance(s, MainScreen))
        screen.tick()
        await pilot.pause()
        if WALLBOARD:
            screen = await wallboard_up(app, pilot)
        for _ in range(count):
            snapshot = app.snapshot
            heap = snapshot._transitions
            now = clock.now().timestamp()
            upcoming = min((event[0] for event in heap if event[0] > now + 1), default=None)
            if upcoming is None:
                break
            # Just before the next crossing: a tick that only moves the countdowns.
            clock.advance(timedelta(seconds=upcoming - 0.5 - now))
            begin = time.perf_counter()
            screen.tick()
            quiet.append(time.perf_counter() - begin)
            await pilot.pause()
            # Just after it: the crossing is announced, the counts and the panel follow.
            clock.advance(timedelta(seconds=1))
            begin = time.perf_counter()
            screen.tick()
            while getattr(screen, "_building", False):  # noqa: ASYNC110 - a wallboard recounting
                await asyncio.sleep(0.001)
            crossing.append(time.perf_counter() - begin)
            await pilot.pause()
        open_rows = len(app.snapshot.ordered)
    return quiet, crossing, open_rows, painted[0]


async def wallboard_up(app, pilot):  # type: ignore[no-untyped-def]
    """Press F4 and wait for the wallboard's first count (it is built in a thread)."""
    from wzdesk.tui.screens.wallboard import WallboardScreen

    await pilot.press("f4")
    while not (isinstance(app.screen, WallboardScreen) and app.screen.wallboard is not None):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    if EVERY_ROW:
        await pilot.press("m")
    await pilot.pause()
    return app.screen


async def console_cpu(path: Path, seconds: float) -> float:
    """Percent of one core the console uses over ``seconds`` of business-hours real time."""
    from wzdesk.tui.app import REFRESH_SECONDS

    app = make_app(path, RunningClock(WEDNESDAY_10))
    # With its re-reads of the database every few seconds, as a console at a desk runs (the
    # ticks above leave them out, to time the tick alone).
    app.refresh_seconds = REFRESH_SECONDS
    async with app.run_test(size=(WIDTH, 50)) as pilot:
        await loaded(app)
        if WALLBOARD:
            await wallboard_up(app, pilot)
        await asyncio.sleep(2)  # let it settle
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
    return 100.0 * cpu / wall


def main() -> None:
    global WIDTH, WALLBOARD, EVERY_ROW  # noqa: PLW0603 - the terminal and screen every run uses
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,50000", help="open cases, comma-separated")
    parser.add_argument("--ticks", type=int, default=15, help="ticks of each kind per size")
    parser.add_argument("--seconds", type=float, default=60.0, help="CPU measure (0: skip)")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/wzdesk-bench-tick"))
    parser.add_argument("--width", type=int, default=WIDTH, help="terminal columns")
    parser.add_argument("--wallboard", action="store_true", help="time the wallboard (F4)")
    parser.add_argument(
        "--every-row", action="store_true", help="with --wallboard: every case listed (m)"
    )
    args = parser.parse_args()
    WIDTH, WALLBOARD, EVERY_ROW = args.width, args.wallboard, args.every_row
    args.dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(size) for size in args.sizes.split(",")]
    print("Preparing databases", flush=True)
    for size in sizes:
        build_database(args.dir / f"tick-{size}.db", size)
    results = []
    for size in sizes:
        path = args.dir / f"tick-{size}.db"
        open_database(f"sqlite:///{path}")
        open_rows = Case.select().where(Case.is_open).count()
        quiet, crossing, _, _ = asyncio.run(ticks(path, args.ticks))
        cpu = asyncio.run(console_cpu(path, args.seconds)) if args.seconds else float("nan")
        results.append((open_rows, quiet, crossing, cpu))
        print(
            f"  {open_rows:,} open: tick {statistics.median(quiet) * 1000:.2f} ms, "
            f"crossing tick {statistics.median(crossing) * 1000:.2f} ms "
            f"(max {max(crossing) * 1000:.1f} ms), CPU {cpu:.2f}%",
            flush=True,
        )
    print(f"\n| measure | {' | '.join(f'{r[0]:,} open' for r in results)} |")
    print("|---|" + "---|" * len(results))
    print(
        "| tick with no threshold crossed (median) | "
        + " | ".join(f"{statistics.median(r[1]) * 1000:.2f} ms" for r in results)
        + " |"
    )
    print(
        "| tick after a crossing (median) | "
        + " | ".join(f"{statistics.median(r[2]) * 1000:.2f} ms" for r in results)
        + " |"
    )
    print(
        "| tick after a crossing (max) | "
        + " | ".join(f"{max(r[2]) * 1000:.1f} ms" for r in results)
        + " |"
    )
    if args.seconds:
        print(
            f"| console CPU over {args.seconds:.0f} s, Wednesday 10:00 | "
            + " | ".join(f"{r[3]:.2f}%" for r in results)
            + " |"
        )


if __name__ == "__main__":
    main()
