"""Onboarding a desk from CSV: import, re-import (idempotent), export, and ``client list``
(two-admin flags for every client).

    python -m benchmarks.bench_onboarding [--clients 500] [--per-client 4] [--runs 3]

SQLite always; PostgreSQL too when ``WZDESK_TEST_PG_URL`` names a database it may empty.
Prints medians of ``--runs`` runs (each on a fresh database for the first import).
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
from wzdesk.services import onboarding
from wzdesk.services.contacts import client_dict
from wzdesk.services.directory import list_clients, sign_in

NOW = datetime(2026, 3, 9, 14, 0, tzinfo=UTC)


def _rows(clients: int, per_client: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    client_rows = [{"code": f"C{n:04d}", "name": f"Client {n}"} for n in range(clients)]
    contact_rows = []
    for n in range(clients):
        for k in range(per_client):
            rank = {0: "primary", 1: "backup"}.get(k, "")
            contact_rows.append(
                {
                    "client": f"C{n:04d}",
                    "name": f"Person {n}-{k}",
                    "email": f"p{k}@c{n}.example",
                    "phone": f"+1 416 555 {(n * per_client + k) % 10000:04d}",
                    "admin": "yes" if k < 2 else "no",
                    "rank": rank,
                }
            )
    return client_rows, contact_rows


def _time(function: object, *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)  # type: ignore[operator]
    return time.perf_counter() - start


def run(url: str, clients: int, per_client: int, runs: int) -> dict[str, float]:
    client_rows, contact_rows = _rows(clients, per_client)
    samples: dict[str, list[float]] = {k: [] for k in ("import", "reimport", "export", "list")}
    for _ in range(runs):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        database = fresh_database(url)
        ctx = sign_in("bench", FixedClock(NOW)).context
        onboarding.import_clients(ctx, ["code", "name"], client_rows)
        header = list(onboarding.CONTACT_COLUMNS[:-1])
        samples["import"].append(_time(onboarding.import_contacts, ctx, header, contact_rows))
        samples["reimport"].append(_time(onboarding.import_contacts, ctx, header, contact_rows))
        samples["export"].append(_time(onboarding.export_contacts))
        samples["list"].append(_time(lambda: [client_dict(c) for c in list_clients()]))
        database.close()
    return {k: statistics.median(v) for k, v in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--per-client", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    urls = []
    with tempfile.TemporaryDirectory() as folder:
        urls.append(("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}"))
        if os.environ.get("WZDESK_TEST_PG_URL"):
            urls.append(("postgresql", os.environ["WZDESK_TEST_PG_URL"]))
        rows = args.clients * args.per_client
        for backend, url in urls:
            medians = run(url, args.clients, args.per_client, args.runs)
            print(
                f"{backend}: {args.clients} clients, {rows} contacts (median of {args.runs}): "
                f"import {medians['import']:.2f} s, re-import (all unchanged) "
                f"{medians['reimport']:.2f} s, export {medians['export'] * 1000:.0f} ms, "
                f"client list with flags {medians['list'] * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
