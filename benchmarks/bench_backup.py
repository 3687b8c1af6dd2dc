"""Backup and verify time for a realistic desk: 100,000 cases (10,000 open) with their events.

    python -m benchmarks.bench_backup [--cases 100000] [--runs 3]

SQLite always; PostgreSQL too when ``WZDESK_TEST_PG_URL`` names a database it may empty. The
demo data is generated once per backend (not timed). Prints medians of ``--runs`` runs: the
backup (consistent copy, compression, manifest), the verify (every checksum, restore into a
scratch database, counts), the archive size and its ratio to the database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.fresh import fresh_database
from wzdesk.core.clock import FixedClock
from wzdesk.services import backup
from wzdesk.services.demo import generate
from wzdesk.services.directory import sign_in

#: Monday 9 March 2026, 10:00 Toronto: inside business hours on a weekday.
NOW = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def _database_bytes(url: str) -> int:
    if url.startswith("postgresql"):
        from wzdesk.store.database import db

        return int(db.obj.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0])
    from wzdesk.store.database import db

    db.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself
    return Path(url.removeprefix("sqlite:///")).stat().st_size


def run(url: str, cases: int, runs: int, folder: Path) -> dict[str, float]:
    fresh_database(url)
    clock = FixedClock(NOW)
    ctx = sign_in("bench", clock).context
    started = time.perf_counter()
    generate(clock, cases)
    generated = time.perf_counter() - started
    made_times, verify_times, sizes = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        made = backup.make_backup(ctx, folder, rotate=False)
        made_times.append(time.perf_counter() - started)
        sizes.append(made.size_bytes)
        started = time.perf_counter()
        backup.verify_backup(ctx, made.path)
        verify_times.append(time.perf_counter() - started)
    return {
        "generate": generated,
        "backup": _median(made_times),
        "verify": _median(verify_times),
        "size": _median(sizes),
        "database": _database_bytes(url),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wzdesk-bench-backup-"))
    os.environ["WZDESK_ATTACHMENTS"] = str(work / "attachments")
    urls = {"sqlite": f"sqlite:///{work / 'desk.db'}"}
    if os.environ.get("WZDESK_TEST_PG_URL"):
        urls["postgresql"] = os.environ["WZDESK_TEST_PG_URL"]
    print(f"{args.cases:,} cases, medians of {args.runs} runs")
    print(f"{'backend':<11} {'backup':>8} {'verify':>8} {'archive':>9} {'database':>9} "
          f"{'ratio':>6} {'cases/s (backup)':>17}")  # fmt: skip
    for backend, url in urls.items():
        folder = work / f"backups-{backend}"
        folder.mkdir()
        result = run(url, args.cases, args.runs, folder)
        mb = 1024 * 1024
        print(
            f"{backend:<11} {result['backup']:>7.2f}s {result['verify']:>7.2f}s "
            f"{result['size'] / mb:>7.1f}MB {result['database'] / mb:>7.1f}MB "
            f"{result['size'] / result['database']:>6.2f} "
            f"{args.cases / result['backup']:>17,.0f}"
        )


if __name__ == "__main__":
    main()
