"""Concurrency soak: 8 agents writing to a few cases at once, on SQLite and on PostgreSQL.

    python -m benchmarks.bench_soak [--seconds 90] [--writers 8] [--cases 3]

PostgreSQL runs when ``WZDESK_TEST_PG_URL`` names a database it may empty. Prints writes per
second, conflicts, and the audit (lost, phantom, version and audit mismatches: all must be 0).
The clock runs from a Wednesday 10:00 in the support zone, whatever the hour of the run: at
night or at a weekend no SLA timer moves, and a write does less than on a working day.
"""

from __future__ import annotations

import argparse
import os
import tempfile

from benchmarks.bench_tick import WEDNESDAY_10, RunningClock
from benchmarks.fresh import fresh_database
from benchmarks.soak import run_soak
from wzdesk.core.clock import FixedClock
from wzdesk.services.cases import NewCase, open_case
from wzdesk.services.directory import add_client, add_contact, add_user, sign_in


def _desk(url: str, cases: int) -> list[str]:
    fresh_database(url)
    clock = FixedClock(WEDNESDAY_10)
    sam = sign_in("sam", clock).context
    add_user(sam, "kim", "Kim Lee", "agent")
    add_client(sam, "ACME", "Acme")
    add_contact(sam, "ACME", "Ana Diaz", "ana@acme.example", admin_rank="primary")
    new = NewCase("ACME", "ana@acme.example", "major", "portal", "question", "Hot case")
    return [open_case(sam, new).ref for _ in range(cases)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=90)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--cases", type=int, default=3)
    args = parser.parse_args()
    urls = {"sqlite": f"sqlite:///{tempfile.mkdtemp(prefix='wzdesk-soak-')}/soak.db"}
    if os.environ.get("WZDESK_TEST_PG_URL"):
        urls["postgresql"] = os.environ["WZDESK_TEST_PG_URL"]
    print(f"{args.writers} writers on {args.cases} cases for {args.seconds:g} s each")
    print(f"{'backend':<11} {'writes/s':>9} {'writes':>7} {'conflicts':>9} "
          f"{'errors':>6} {'lost':>4} {'phantom':>7} {'versions':>8} {'audit':>5} "
          f"{'time left':>9}")  # fmt: skip
    failed = False
    for backend, url in urls.items():
        refs = _desk(url, args.cases)
        report = run_soak(refs, args.writers, args.seconds, RunningClock(WEDNESDAY_10)).as_dict()
        failed |= any(
            report[k]
            for k in ("errors", "lost", "phantom", "version_mismatches", "time_left_mismatches")
        )
        print(
            f"{backend:<11} {report['writes_per_second']:>9} {report['writes']:>7} "
            f"{report['conflicts']:>9} {report['errors']:>6} {report['lost']:>4} "
            f"{report['phantom']:>7} {report['version_mismatches']:>8} "
            f"{report['audit_mismatches']:>5} {report['time_left_mismatches']:>9}"
        )
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
