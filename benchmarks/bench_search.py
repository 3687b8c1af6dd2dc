"""Search benchmark: ``case list`` and the query language at 100,000 cases / 10,000 open (SQLite).

    python -m benchmarks.bench_search                  # builds a 100,000-case SQLite database
    python -m benchmarks.bench_search --db URL         # an existing database
    python -m benchmarks.bench_search --db URL --now 2026-03-11T10:00:00-04:00  # its clock

In-process figures are medians of repeated calls of the service path ``case list`` takes
(``search_cases`` plus the case objects of the rows returned); the command-line figures are
medians of whole ``wzdesk case list ...`` processes (editable install: start-up included) with
their peak RSS, beside ``wzdesk --version`` (process start alone). The clock is pinned to a
weekday at 10:00. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import getpass
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from benchmarks.fresh import demo_database, median_ms
from wzdesk.core.clock import FixedClock
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.case_fields import case_dict
from wzdesk.services.search import context, search_cases
from wzdesk.store.models import Case

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))
GOAL = "list/field query < 100 ms beyond start-up, free text < 250 ms, memory flat"


def _process(args: list[str], url: str, now: datetime) -> tuple[float, float]:
    """Wall milliseconds and peak RSS (MiB, from GNU time) of one ``wzdesk`` process."""
    env = dict(os.environ, WZDESK_DB=url, WZDESK_NOW=now.isoformat())
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "peak-kib %M", sys.executable, "-m", "wzdesk", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"wzdesk {' '.join(args)} failed: {done.stderr}")
    kib = int(done.stderr.strip().splitlines()[-1].split()[-1])
    return elapsed, kib / 1024


def _console_user() -> None:
    """The OS login (and on PostgreSQL the database role) may use the command line, as a
    supervisor, against the bench database."""
    from wzdesk.core.rules import Role
    from wzdesk.services.context import ServiceContext
    from wzdesk.services.directory import add_user
    from wzdesk.store import fulltext
    from wzdesk.store.database import db
    from wzdesk.store.models import User

    logins = {getpass.getuser()}
    if fulltext.is_postgres():  # there the database role is who acts
        logins.add(str(db.execute_sql("SELECT current_user").fetchone()[0]))
    for login in sorted(logins):
        if not User.select().where(User.login == login).exists():
            add_user(
                ServiceContext("bench", Role.SUPERVISOR, FixedClock(NOW)),
                login,
                login,
                "supervisor",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument(
        "--now", type=datetime.fromisoformat, default=NOW, help="the clock (ISO, with offset)"
    )
    args = parser.parse_args()
    now = args.now
    url = demo_database("search", args.cases, FixedClock(now), args.db)
    _console_user()
    total = Case.select().count()
    still_open = Case.select().where(Case.status != "closed").count()
    book = load_policy_book()
    ctx = context(now, "bench", book)

    def listing(query: str, limit: int | None = 50) -> Callable[[], object]:
        return lambda: [case_dict(c, book, now) for c in search_cases(query, ctx, limit)]

    probes = [
        ("case list --limit 50 (urgency order)", ""),
        ("sev:critical", "sev:critical"),
        ("client:<code>", f"client:{Case.select().first().client.code}"),
        ("breached:any", "breached:any"),
        ("is:paused (ranked by time left)", "is:paused"),
        ("sev:major -is:paused", "sev:major -is:paused"),
        ("status:waiting_client", "status:waiting_client"),
        ("-status:waiting_client", "-status:waiting_client"),
        ("at-risk", "at-risk"),
        ("at-risk sev:critical", "at-risk sev:critical"),
        ("sev:major breached:any", "sev:major breached:any"),
        ("breached:response", "breached:response"),
        ("sev:major breached:response", "sev:major breached:response"),
        ("due:<2h", "due:<2h"),
        ("due:<8h sev:major", "due:<8h sev:major"),
        ("sev:critical due:<4h", "sev:critical due:<4h"),
        ("is:paused sev:major at-risk", "is:paused sev:major at-risk"),
        ("status:closed (done cases alone)", "status:closed"),
        ("status:resolved", "status:resolved"),
        ("sev:minor status:closed", "sev:minor status:closed"),
        ("received:last-7d sort:-received", "received:last-7d sort:-received"),
        ("is:all sort:-updated", "is:all sort:-updated"),
        ("free text 'export' (common word)", "export"),
        ("free text 'export' is:all", "export is:all"),
        ('phrase "cannot export" is:all', '"cannot export" is:all'),
        ("free text 'zeppelin' (in no case)", "zeppelin"),
        ("'vacation payroll' (never together)", "vacation payroll"),
        ("free text 'zeppelin' sort:-updated", "zeppelin sort:-updated"),
    ]
    print(f"case search at {total:,} cases / {still_open:,} not closed (median of {args.repeat})")
    print(f"goal: {GOAL}")
    print(f"  {'query (limit 50)':<40} {'rows':>5} {'ms':>8}")
    for label, query in probes:
        rows = len(search_cases(query, ctx, 50))
        print(f"  {label:<40} {rows:>5} {median_ms(listing(query), args.repeat):>8.1f}")
    print()
    print(f"  {'whole process':<52} {'ms':>8} {'peak MiB':>9}")
    commands = [
        ["--version"],
        ["case", "list", "--limit", "50", "--json"],
        ["case", "list", "--query", "sev:critical", "--limit", "50", "--json"],
        ["case", "list", "--search", "export", "--limit", "50", "--json"],
        ["case", "list", "--all", "--limit", "50", "--json"],
    ]
    for command in commands:
        runs = [_process(command, url, now) for _ in range(max(3, args.repeat // 2))]
        ms = statistics.median(r[0] for r in runs)
        mib = max(r[1] for r in runs)
        print(f"  {'wzdesk ' + ' '.join(command):<52} {ms:>8.0f} {mib:>9.0f}")


if __name__ == "__main__":
    main()
