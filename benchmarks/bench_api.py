"""API benchmark: requests per second for ``GET /api/v1/cases`` and ``GET /api/v1/cases/{ref}``
at 100,000 cases, one uvicorn worker and four.

    python -m benchmarks.bench_api                       # builds a 100,000-case SQLite database
    python -m benchmarks.bench_api --db postgresql://…   # an existing (demo) database
    python -m benchmarks.bench_api --cases 10000 --seconds 5 --workers 1,2

Each round starts ``wzdesk serve --workers N`` over the database (clock pinned to Monday
10:00 Toronto through ``WZDESK_NOW``, business hours), then ``--clients`` threads, each with
a keep-alive connection, call one endpoint for ``--seconds``; the figure is the median of
``--rounds`` rounds. The token is one client's (the client with the most cases); case reads
rotate over that client's references. Every call also writes its audit row, as in production.
The load generator runs on the same machine (on two cores it takes a share of the CPU): the
figures are a floor. Not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import peewee

from benchmarks.fresh import demo_database
from wzdesk.core.clock import FixedClock
from wzdesk.core.rules import Role
from wzdesk.services.client_side import create_token
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import Case, Client

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=ZoneInfo("America/Toronto"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _busiest_client() -> tuple[str, list[str]]:
    """The client with the most cases, and 200 of its references."""
    count = peewee.fn.COUNT(Case.id)
    row = (
        Case.select(Case.client, count.alias("n"))
        .group_by(Case.client)
        .order_by(count.desc())
        .first()
    )
    client = Client.get_by_id(row.client_id)
    refs = [c.ref for c in Case.select(Case.ref).where(Case.client == client).limit(200)]
    return client.code, refs


class Server:
    """``wzdesk serve`` in a child process, until stopped."""

    def __init__(self, url: str, workers: int) -> None:
        self.port = _free_port()
        env = dict(os.environ, WZDESK_DB=url, WZDESK_NOW=NOW.isoformat())
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wzdesk", "serve", "--port", str(self.port)]
            + ["--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/api/v1/openapi.json")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("wzdesk serve did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _load(
    port: int,
    token: str,
    paths: list[str],
    clients: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> float:
    """Requests per second that ``clients`` keep-alive connections complete in ``seconds``
    (with the API token, or the given ``headers``: the portal's session cookie)."""
    done = [0] * clients
    failures: list[str] = []
    stop_at = time.perf_counter() + seconds
    headers = headers or {"Authorization": f"Bearer {token}"}

    def run(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = index
        while time.perf_counter() < stop_at:
            connection.request("GET", paths[n % len(paths)], headers=headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status != 200:
                failures.append(f"{answer.status} {paths[n % len(paths)]}")
                return
            done[index] += 1
            n += clients
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"a request failed: {failures[0]}")
    return sum(done) / (time.perf_counter() - started)


def arguments(doc: str) -> argparse.Namespace:
    """The options both server benchmarks take (this one and ``bench_portal``)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", help="an existing database URL (default: build one)")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--workers", default="1,4", help="worker counts to try (default 1,4)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


def print_rates(
    url: str,
    probes: list[tuple[str, list[str]]],
    args: argparse.Namespace,
    token: str,
    headers: dict[str, str] | None = None,
) -> None:
    """Requests per second of each probe, median of ``args.rounds``, for each worker count."""
    print(f"  {'request':<38} {'workers':>7} {'req/s':>8}")
    for workers in [int(w) for w in args.workers.split(",")]:
        server = Server(url, workers)
        try:
            for label, paths in probes:
                _load(server.port, token, paths, args.clients, 1.0, headers)  # warm every worker
                rates = [
                    _load(server.port, token, paths, args.clients, args.seconds, headers)
                    for _ in range(args.rounds)
                ]
                print(f"  {label:<38} {workers:>7} {statistics.median(rates):>8.0f}")
        finally:
            server.stop()


def main() -> None:
    args = arguments(__doc__ or "")
    clock = FixedClock(NOW)
    url = demo_database("api", args.cases, clock, args.db)
    total = Case.select().count()
    code, refs = _busiest_client()
    mine = Case.select().where(Case.client == Client.get(Client.code == code)).count()
    # Trusted benchmark code acts as a supervisor directly (the database may have other users).
    token = create_token(ServiceContext("bench", Role.SUPERVISOR, clock), code, "bench").secret
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(
        f"API at {total:,} cases ({backend}); token of {code} ({mine:,} cases); "
        f"{args.clients} connections, {args.seconds:g} s rounds, median of {args.rounds}; "
        f"clock {NOW.isoformat()}"
    )
    probes = [
        ("GET /api/v1/cases (first page, 50)", ["/api/v1/cases"]),
        ("GET /api/v1/cases/{ref}", [f"/api/v1/cases/{ref}" for ref in refs]),
    ]
    print_rates(url, probes, args, token)


if __name__ == "__main__":
    main()
