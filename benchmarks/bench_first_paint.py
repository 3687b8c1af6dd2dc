"""First paint of a big desk against a one-case desk, in alternating pairs of fresh processes
(issue 13: "first paint at 100,000 cases within 1.1× of a one-case database, in one run").

    python -m benchmarks.bench_first_paint                       # the bench_scale SQLite files
    python -m benchmarks.bench_first_paint --big sqlite:////tmp/wzdesk-bench-scale/scale-1000000.db
    python -m benchmarks.bench_first_paint --small postgresql://.../wzdesk_scale_1 \\
        --big postgresql://.../wzdesk_scale_100000 --pairs 9

First paint: from making the console to the first frame that shows queue rows
(``benchmarks.bench_tick.ticks``; imports done before). The databases are those
``benchmarks.bench_scale`` generates (run it first). Each pair runs the two databases one after
the other in fresh processes, alternating which goes first; the ratio is of the medians. This
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import asyncio, json, sys
import wzdesk.tui.app  # imports are not part of first paint
from benchmarks.bench_tick import ticks
quiet, crossing, rows, paint = asyncio.run(ticks(sys.argv[1], 0))
print(json.dumps({"paint": paint * 1000}))
"""


def first_paint_ms(url: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, url], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"first paint on {url} failed:\n{done.stderr[-3000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["paint"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", default="sqlite:////tmp/wzdesk-bench-scale/scale-1.db")
    parser.add_argument("--big", default="sqlite:////tmp/wzdesk-bench-scale/scale-100000.db")
    parser.add_argument("--pairs", type=int, default=9)
    args = parser.parse_args()
    paints: dict[str, list[float]] = {args.small: [], args.big: []}
    for pair in range(args.pairs):
        order = (args.small, args.big) if pair % 2 == 0 else (args.big, args.small)
        for url in order:
            paints[url].append(first_paint_ms(url))
    for url, values in paints.items():
        shown = ", ".join(f"{v:.0f}" for v in values)
        print(f"{url}: median {statistics.median(values):.0f} ms ({shown})")
    ratio = statistics.median(paints[args.big]) / statistics.median(paints[args.small])
    print(f"ratio (big / small, medians of {args.pairs}): {ratio:.2f}× (goal ≤ 1.1×)")


if __name__ == "__main__":
    main()
