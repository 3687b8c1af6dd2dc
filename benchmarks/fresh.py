"""What the benchmarks share: an empty or a cached demo database, and a median timer."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import peewee

from wzdesk.core.clock import Clock
from wzdesk.store.database import open_database


def fresh_database(url: str) -> peewee.Database:
    """Open ``url`` empty: a new SQLite file is empty already; PostgreSQL's public schema is
    dropped and recreated (only point it at a database you may empty)."""
    if url.startswith("postgresql"):
        database = open_database(url, migrate=False)
        database.execute_sql("DROP SCHEMA public CASCADE")
        database.execute_sql("CREATE SCHEMA public")
        database.close()
    return open_database(url)


def median_ms(call: Callable[[], object], repeat: int, warm: bool = True) -> float:
    """Median wall milliseconds of ``repeat`` calls (one call first to warm caches)."""
    if warm:
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def demo_database(name: str, cases: int, clock: Clock, url: str | None = None) -> str:
    """Open ``url``, or a SQLite file of ``cases`` demo cases kept in the temporary folder
    between runs (``wzdesk-bench-NAME-N.db``, generated on first use); returns the URL."""
    from wzdesk.services.demo import generate
    from wzdesk.services.directory import sign_in

    if url:
        open_database(url)
        return url
    path = Path(tempfile.gettempdir()) / f"wzdesk-bench-{name}-{cases}.db"
    url, new = f"sqlite:///{path}", not path.exists()
    open_database(url)
    if new:
        sign_in("bench", clock)
        generate(clock, cases)
    return url
