"""``mail outbox list`` on an outbox of a desk in use: its cost against the outbox's size.

    python -m benchmarks.bench_outbox [--sizes 10000,100000,1000000] [--runs 7]

The outbox keeps every message the desk sent: an acknowledgment per case and a reply or two,
so a million messages is a year of a busy desk. The demo desk has almost none, so the scale
benchmarks never saw it. For each size, a 300-case demo desk (SQLite) gets that many sent
messages (about 1 KB each, spread over the cases, the oldest first) and 200 still to go,
and each command's CPU is measured against ``python -c pass`` in pairs, as
``bench_cli_start`` does (the median of the per-pair ratios): the history's newest page
(``--all --limit 50``), what is still to go (``list``), and the whole history (``--all``,
which prints every message: it follows the outbox by design, shown for scale, and only up to
:data:`WHOLE_UP_TO` messages: a million lines take 45 s a run).

The clock is pinned to Wednesday 10:00 in Toronto. This asserts nothing about time.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from benchmarks.bench_cli_start import filled_desks, paired, print_row, script_env

COMMANDS = {
    "mail outbox list --all --limit 50": ["mail", "outbox", "list", "--all", "--limit", "50"],
    "mail outbox list": ["mail", "outbox", "list"],
    "mail outbox list --all": ["mail", "outbox", "list", "--all"],
}
#: The whole history (``--all``, no limit) is measured up to this many messages sent.
WHOLE_UP_TO = 100_000
#: Messages still to go in every outbox (an SMTP outage's backlog is more; the page is 50).
UNSENT = 200
BODY = "Thank you for your message. " * 36  # about 1 KB, as a short reply's raw message


def fill(database: Path, sent: int) -> None:
    """Add ``sent`` sent messages and :data:`UNSENT` pending ones to the desk's outbox."""
    connection = sqlite3.connect(database)
    cases = [row[0] for row in connection.execute('SELECT id FROM "case" ORDER BY id')]
    rows = []
    for number in range(sent + UNSENT):
        done = number < sent
        rows.append(
            (
                cases[number % len(cases)],
                f"<bench-{number}@wzdesk.example>",
                "support@wzdesk.example",
                "ana@acme.example",
                f"Re: case [{number}]",
                BODY,
                "sent" if done else "pending",
                1 if done else 0,
                "2026-03-11 13:00:00.000000",
                "smtp" if done else None,
                "2026-03-11 13:00:00.000000",
                "2026-03-11 13:00:05.000000" if done else None,
                "reply",
                "client",
            )
        )
        if len(rows) == 10_000:
            _insert(connection, rows)
            rows.clear()
    _insert(connection, rows)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def _insert(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO outbound_mail (case_id, message_id, sender, recipients, subject, raw, "
        "status, attempts, next_attempt_at, transport, created_at, sent_at, kind, audience) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = script_env()
    wzdesk = [sys.executable, "-m", "wzdesk"]
    print("| messages sent | command | CPU (median) | python -c pass | ratio |")
    print("|---|---|---|---|---|")
    for size, database in filled_desks(args.sizes, env, fill, "wzdesk-bench-outbox-"):
        for label, words in COMMANDS.items():
            if words[-1] == "--all" and size > WHOLE_UP_TO:
                continue
            argv = [*wzdesk, "--db", str(database), *words]
            command_ms, base_ms, ratio = paired(argv, env, args.runs)
            print_row(
                f"{size:,}", f"`wzdesk {label}`", f"{command_ms:.1f} ms", f"{base_ms:.1f} ms",
                f"{ratio:.1f}×",
            )  # fmt: skip


if __name__ == "__main__":
    main()
