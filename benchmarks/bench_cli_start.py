"""Start-up cost of simple subcommands (issue 13): CPU of ``wzdesk ...`` against ``python -c
pass``, measured as pairs in one run, with the global options before and after the command.

    python -m benchmarks.bench_cli_start            # 15 pairs per command
    python -m benchmarks.bench_cli_start --runs 5
    python -m benchmarks.bench_cli_start --db /tmp/wzdesk-bench-scale/scale-1000000.db
    python -m benchmarks.bench_cli_start --db postgresql://postgres@127.0.0.1:55432/wzdesk_scale_10000
    python -m benchmarks.bench_cli_start --all     # and the read commands still above 5×
    python -m benchmarks.bench_cli_start --only "case list --status open"

CPU is user + system time of the child process (``getrusage(RUSAGE_CHILDREN)``), so other
load on the machine changes it little; each command runs right after its own ``python -c
pass`` and the ratio is the median of the per-pair ratios. The goal: within 5× of the bare
interpreter. A SQLite demo database of 300 cases is built first, or ``--db`` names an existing
desk, SQLite or PostgreSQL (its login must be one of its console users: ``bench_scale``
builds its SQLite desks so; on PostgreSQL the login is the database role, e.g. ``UPDATE "user"
SET identity = 'postgres' WHERE login = 'bench'``);
WZDESK_NOW pins the clock to a Wednesday 10:00 Toronto, in business hours.

Bytecode: users install a wheel, which compiles every module at install time. This checkout may
be an editable install in an environment with ``PYTHONDONTWRITEBYTECODE=1`` (then every call
recompiles wzdesk, ~20 ms more). By default the benchmark compiles the package first and lets
the children use the cache (what users get); ``--no-bytecode`` measures the recompiling case.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

GOAL = 5.0
NOW = "2026-03-11T14:00:00Z"
COMMANDS = {
    "sla due": ["sla", "due", "--severity", "major", "--received", "2026-03-11T10:00:00-04:00"],
    "sla elapsed": [
        "sla",
        "elapsed",
        "--from",
        "2026-03-09T10:00:00-04:00",
        "--to",
        "2026-03-11T10:00:00-04:00",
    ],
    "holidays list": ["holidays", "list"],
    "case list --limit 20": ["case", "list", "--limit", "20"],
    "case list --status open": ["case", "list", "--status", "open", "--limit", "20"],
    "case list --breached": ["case", "list", "--breached", "--severity", "major", "--limit", "20"],
    "case list --at-risk": ["case", "list", "--at-risk", "--limit", "20"],
    "case show": ["case", "show", "WZ-1001"],
    "case explain": ["case", "explain", "WZ-1001"],
    "sla events --case": ["sla", "events", "--case", "WZ-1001"],
    "policy show": ["policy", "show"],
    "user list": ["user", "list"],
    "client list": ["client", "list"],
    "contact list": ["contact", "list"],
    "macro list": ["macro", "list"],
    "template list": ["template", "list"],
    "template show": ["template", "show", "reply"],
    "alert rule list": ["alert", "rule", "list"],
    "alert list": ["alert", "list"],
    "mail outbox list": ["mail", "outbox", "list", "--all"],
    "mail quarantine list": ["mail", "quarantine", "list"],
    "notices show": ["notices", "show"],
    "services rates": ["services", "rates"],
    "services prepaid tiers": ["services", "prepaid", "tiers"],
    "services quote show": ["services", "quote", "show", "1"],
    "services balance": ["services", "balance", "CBE"],
    "client token list": ["client", "token", "list"],
    "policy subscribers": ["policy", "subscribers", "--all"],
    "audit": ["audit", "--limit", "20"],
    "backup list": ["backup", "list"],
    "case list --query": ["case", "list", "--query", "sev:major -is:paused", "--limit", "20"],
    # one client's cases, a screenful, as the console's client view lists them (schema 31: the
    # client in the stream indexes; one client in twenty, ~4,200 rows read for it before)
    "case list --query client:": ["case", "list", "--query", "client:ATL", "--limit", "50"],
    # done cases alone, most urgent first (their own indexes: schema 27)
    "case list --status closed": ["case", "list", "--status", "closed", "--limit", "20"],
    "case list --status resolved --severity minor": [
        *("case", "list", "--status", "resolved", "--severity", "minor", "--limit", "20")
    ],
    "view list": ["view", "list"],
    # free text in no case: the rarest word (the quick path lists its cases, none)
    "case list --query zeppelin": ["case", "list", "--query", "zeppelin", "--limit", "20"],
}
#: Read commands still above the goal, measured to say so (``--all`` adds them to the run):
#: a common word (in 2,000 texts or more: the engine's plans; at a million cases "payroll" is
#: in some 80,000, on the demo desk it is rare), a period's whole history.
ABOVE_THE_GOAL = {
    "case list --query payroll": ["case", "list", "--query", "payroll", "--limit", "20"],
    "sla events --from --to": ["sla", "events", "--from", "2026-03-02", "--to", "2026-03-06"],
    "report sla": ["report", "sla", "--from", "2026-03-02", "--to", "2026-03-06"],
}
#: The saved views ``view list`` counts (added to the desk when missing): a pinned tab, one
#: that follows the clock, one of the user's own.
VIEWS = {
    "majors": ["sev:major -is:paused", "--pin"],
    "at risk": ["at-risk OR breached:any", "--shared"],
    "mine": ["assignee:me status:open"],
}


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode().strip()}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(argv: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """``argv``'s CPU against ``python -c pass`` in ``runs`` pairs, after one warming call:
    (the command's median ms, the bare interpreter's median ms, the median per-pair ratio)."""
    bare = [sys.executable, "-c", "pass"]
    cpu_of(argv, env)  # warm the file cache and the .pyc files
    pairs = []
    for _ in range(runs):
        base = cpu_of(bare, env)
        pairs.append((base, cpu_of(argv, env)))
    return (
        statistics.median(c for _, c in pairs) * 1000,
        statistics.median(b for b, _ in pairs) * 1000,
        statistics.median(c / b for b, c in pairs if b > 0),
    )


def script_env() -> dict[str, str]:
    """The environment a script runs the commands in: the clock pinned, no desk or user from
    the caller's environment, and bytecode written (as a wheel install has it)."""
    env = {**os.environ, "WZDESK_NOW": NOW}
    for name in ("WZDESK_DB", "WZDESK_USER", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    return env


def demo_desk(database: Path, env: dict[str, str], cases: int = 300) -> None:
    """A SQLite demo desk of ``cases`` cases at ``database`` (this process's login is its
    first supervisor)."""
    subprocess.run(
        [sys.executable, "-m", "wzdesk", "--db", str(database), "demo", "--cases", str(cases)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def print_row(*cells: str) -> None:
    """One row of a Markdown table, printed at once (a long run shows its figures as it goes)."""
    print("| " + " | ".join(cells) + " |", flush=True)


def filled_desks(
    sizes: str, env: dict[str, str], fill: Callable[[Path, int], None], prefix: str
) -> Iterator[tuple[int, Path]]:
    """For each of the comma-separated ``sizes``: a 300-case demo desk in a temporary folder
    (removed after), given ``fill(database, size)``, as (size, database)."""
    for size in (int(size) for size in sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix=prefix) as folder:
            database = Path(folder) / "desk.db"
            demo_desk(database, env)
            fill(database, size)
            yield size, database


def _add_views(wzdesk: list[str], database: Path | str, env: dict[str, str]) -> None:
    """The :data:`VIEWS` the desk does not have yet (as the OS login, who reads them)."""
    listed = subprocess.run(
        [*wzdesk, "--db", str(database), "view", "list", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    have = {row["name"] for row in json.loads(listed.stdout)}
    for name, (query, *flags) in VIEWS.items():
        if name not in have:
            add = [*wzdesk, "--db", str(database), "view", "add", name, "--query", query, *flags]
            subprocess.run(add, env=env, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="keep PYTHONDONTWRITEBYTECODE as set (an editable install then recompiles each call)",
    )
    parser.add_argument(
        "--db", help="an existing desk to measure on: a SQLite file or a database URL"
    )
    parser.add_argument(
        "--all", action="store_true", help="also the read commands still above the goal"
    )
    parser.add_argument(
        "--only", action="append", metavar="LABEL", help="only this command (repeatable)"
    )
    args = parser.parse_args()
    database: Path | str = args.db or Path(tempfile.mkdtemp(prefix="wzdesk-cli-start-")) / "desk.db"
    env = {**os.environ, "WZDESK_NOW": NOW}
    env.pop("WZDESK_DB", None)
    env.pop("WZDESK_USER", None)
    if not args.no_bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        import compileall

        import wzdesk

        compileall.compile_dir(str(Path(wzdesk.__file__).parent), quiet=1)
    print(
        "bytecode:",
        "recompiled each call" if env.get("PYTHONDONTWRITEBYTECODE") else "cached (as a wheel)",
    )
    wzdesk = [sys.executable, "-m", "wzdesk"]
    if args.db is None:
        subprocess.run(
            [*wzdesk, "--db", str(database), "demo", "--cases", "300"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    _add_views(wzdesk, database, env)
    print(f"desk: {database}")
    rows = []
    commands = {**COMMANDS, **(ABOVE_THE_GOAL if args.all or args.only else {})}
    if args.only:
        unknown = sorted(set(args.only) - set(commands))
        if unknown:
            parser.error(f"no such command: {', '.join(unknown)} (known: {', '.join(commands)})")
        commands = {label: commands[label] for label in args.only}
    for label, words in commands.items():
        for order, argv in (
            ("--db first", [*wzdesk, "--db", str(database), *words]),
            ("--db last", [*wzdesk, *words, "--db", str(database)]),
        ):
            command_ms, base_ms, ratio = paired(argv, env, args.runs)
            rows.append((label, order, command_ms, base_ms, ratio))
            print(
                f"  {label:<22} {order:<10} {command_ms:6.1f} ms CPU vs python -c pass "
                f"{base_ms:5.1f} ms: {ratio:4.1f}×",
                flush=True,
            )
    print(f"\n| command | order | CPU (median) | python -c pass | ratio (goal ≤ {GOAL:.0f}×) |")
    print("|---|---|---|---|---|")
    for label, order, command_ms, base_ms, ratio in rows:
        print(
            f"| `wzdesk {label}` | {order} | {command_ms:.1f} ms | {base_ms:.1f} ms "
            f"| {ratio:.1f}× |"
        )


if __name__ == "__main__":
    main()
