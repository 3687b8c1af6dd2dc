"""``wzdesk audit`` on a year's audit trail: its cost against the trail's size.

    python -m benchmarks.bench_audit [--sizes 100000,1000000,4000000] [--runs 7]

Every write is audited (a case opened, a reply, a status, an assignment...), so a desk of a
million cases holds millions of entries; the scale desks hold a handful (their cases are
generated, not written one by one), so no benchmark saw the trail grow. For each size, a
300-case demo desk (SQLite) gets that many entries over the year before the clock, by forty
logins, one of whom (``leaver``) acted only in its first week, and each command's CPU is
measured against ``python -c pass`` in pairs, as ``bench_cli_start`` does: the newest page,
one active login's page, the leaver's page, and one case's entries. "without the index" runs
the same commands on a copy of the desk without the (actor, at, id) index of migration 23,
right after the desk itself: how ``--user`` read before.

The clock is pinned to Wednesday 10:00 in Toronto. This asserts nothing about time.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_cli_start import NOW, filled_desks, paired, print_row, script_env

COMMANDS = {
    "audit --limit 20": ["audit", "--limit", "20"],
    "audit --user agent07 --limit 20": ["audit", "--user", "agent07", "--limit", "20"],
    "audit --user leaver --limit 20": ["audit", "--user", "leaver", "--limit", "20"],
    "audit --case WZ-1001": ["audit", "--case", "WZ-1001"],
}
YEAR = timedelta(days=365)


def fill(database: Path, count: int) -> None:
    """``count`` audit entries spread evenly over the year before :data:`NOW`: every
    hundredth of the first week's by ``leaver``, the rest by ``agent01``…``agent40``, each
    about a case of the desk."""
    connection = sqlite3.connect(database)
    refs = [row[0] for row in connection.execute('SELECT ref FROM "case" ORDER BY id')]
    end = datetime.fromisoformat(NOW.replace("Z", "+00:00")).astimezone(UTC)
    start = end - YEAR
    rows = []
    for number in range(count):
        at = start + timedelta(seconds=YEAR.total_seconds() * number / count)
        actor = "leaver" if at < start + timedelta(days=7) and number % 100 == 0 else None
        rows.append(
            (
                at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                actor or f"agent{number % 40 + 1:02d}",
                "case.reply",
                "case",
                refs[number % len(refs)],
                None,
                '{"status": "open"}',
            )
        )
        if len(rows) == 20_000 or number == count - 1:
            connection.executemany(
                "INSERT INTO audit_entry (at, actor, action, entity, entity_id, before_json, "
                "after_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            rows.clear()
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,4000000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = script_env()
    wzdesk = [sys.executable, "-m", "wzdesk"]
    print("| entries | command | desk | CPU (median) | python -c pass | ratio |")
    print("|---|---|---|---|---|---|")
    for size, database in filled_desks(args.sizes, env, fill, "wzdesk-bench-audit-"):
        bare = database.with_name("without-the-index.db")
        shutil.copy(database, bare)
        with sqlite3.connect(bare) as connection:
            connection.execute('DROP INDEX "audit_entry_actor_at_id"')
        for label, words in COMMANDS.items():
            for desk, path in (("as built", database), ("without the index", bare)):
                argv = [*wzdesk, "--db", str(path), *words]
                command_ms, base_ms, ratio = paired(argv, env, args.runs)
                print_row(
                    f"{size:,}", f"`wzdesk {label}`", desk, f"{command_ms:.1f} ms",
                    f"{base_ms:.1f} ms", f"{ratio:.1f}×",
                )  # fmt: skip


if __name__ == "__main__":
    main()
