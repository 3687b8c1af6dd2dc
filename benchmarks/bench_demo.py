"""Demo data at scale (issue 13): time and peak RSS of ``wzdesk demo --cases N`` on SQLite.

    python -m benchmarks.bench_demo                        # 10k and 100k cases
    python -m benchmarks.bench_demo --sizes 1000000 --runs 1

Each run is a fresh ``wzdesk`` process on a new database; peak RSS is that process's own
(``os.wait4``). Medians over ``--runs``. Run from an older checkout's directory (``python -m``
puts it first on the path) to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2026-03-11T14:00:00Z"


def demo(cases: int, directory: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one ``wzdesk demo --cases`` run."""
    database = directory / f"demo-{cases}-{time.monotonic_ns()}.db"
    env = {**os.environ, "WZDESK_NOW": NOW}
    env.pop("WZDESK_USER", None)
    argv = [sys.executable, "-m", "wzdesk", "--db", str(database), "demo", "--cases", str(cases)]
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode})")
    database.unlink()
    return seconds, usage.ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="wzdesk-bench-demo-"))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        runs = [demo(size, directory) for _ in range(args.runs)]
        seconds = statistics.median(s for s, _ in runs)
        peak = statistics.median(m for _, m in runs)
        rows.append((size, seconds, peak))
        print(f"  {size:,} cases: {seconds:.1f} s, peak RSS {peak:.0f} MiB", flush=True)
    print("\n| cases | time (median) | peak RSS (median) |\n|---|---|---|")
    for size, seconds, peak in rows:
        print(f"| {size:,} | {seconds:.1f} s | {peak:.0f} MiB |")


if __name__ == "__main__":
    main()
