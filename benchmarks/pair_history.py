"""The history's page, old code against new, alternately in one process (issue 13).

    python -m benchmarks.pair_history --db URL --old 1cd9982 \\
        --texts "zeppelin,WZ-1001,export,e" --pairs 5
    python -m benchmarks.pair_history --db URL --old 1cd9982 --texts "export/open,/closed"

``--old`` names a commit whose ``wzdesk/services/history.py`` is loaded beside the current
one (``git show``; it must run against today's store, as every version since the history's
own migration does). A text may carry a status after a slash. Each pair calls both once, in
turn, on the same database and connection; the figures are medians, and the ratio is the
median of the pairs' ratios, so the machine's drifts hit both sides alike. Not a test: it
asserts nothing but that both list the same total.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from wzdesk.services import history
from wzdesk.store.database import open_database


def old_module(revision: str) -> ModuleType:
    """``wzdesk/services/history.py`` as it was at ``revision``, imported under another name."""
    source = subprocess.run(
        ["git", "show", f"{revision}:wzdesk/services/history.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="wzdesk-old-history-"))
    path = folder / "history_old.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("history_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def timed(module: ModuleType, text: str, status: str) -> tuple[float, int]:
    started = time.perf_counter()
    page = module.history_page(module.HistoryQuery(text=text, status=status))
    return time.perf_counter() - started, int(page.total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the database URL (e.g. a bench_scale desk)")
    parser.add_argument("--old", required=True, help="the commit to compare with")
    parser.add_argument("--texts", required=True, help="comma-separated; TEXT or TEXT/STATUS")
    parser.add_argument("--pairs", type=int, default=5)
    args = parser.parse_args()
    old = old_module(args.old)
    open_database(args.db)
    print(f"history_page, {args.old} against the working tree (median of {args.pairs} pairs)")
    print(f"  {'search':<22} {'matches':>9} {'old ms':>9} {'new ms':>9} {'new/old':>8}")
    for spec in args.texts.split(","):
        text, _, status = spec.partition("/")
        status = status or "all"
        timed(old, text, status), timed(history, text, status)  # warm both
        olds, news = [], []
        for _ in range(args.pairs):
            (before, total_before), (after, total) = (
                timed(old, text, status),
                timed(history, text, status),
            )
            if total != total_before:
                raise SystemExit(f"{spec!r}: old code counts {total_before}, new {total}")
            olds.append(before)
            news.append(after)
        ratio = statistics.median(b / a for a, b in zip(olds, news, strict=True))
        print(
            f"  {spec!r:<22} {total:>9,} {1000 * statistics.median(olds):>9.1f} "
            f"{1000 * statistics.median(news):>9.1f} {ratio:>8.2f}"
        )


if __name__ == "__main__":
    main()
