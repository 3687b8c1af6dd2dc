"""Starting the console: pick the database (``--demo`` has its own), sign in, launch Textual."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from wzdesk.cli.common import Runtime

DEMO_CASES = 300
#: Demo cases are placed relative to "now"; after a day they tell a stale story, so rebuild.
DEMO_MAX_AGE = timedelta(hours=20)


def bell_enabled(environ: Mapping[str, str]) -> bool:
    """``WZDESK_BELL=0`` (or ``no``/``off``/``false``) silences the terminal bell."""
    return environ.get("WZDESK_BELL", "1").strip().lower() not in ("0", "no", "off", "false")


def run_console(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.session import database_target, has_cases

    if args.demo:
        _drop_stale_demo(Path(str(runtime.db_url)), runtime)
    target = database_target(runtime.db_url)
    context = runtime.context()
    # Said inside the console, not printed behind it (the terminal is the console's now).
    notes = [note for note in [runtime.take_announcement()] if note]
    offer_demo = False
    if not has_cases():
        if args.demo:
            _fill_demo(runtime)
        else:
            # Demo data adds console users: only a supervisor is offered it.
            offer_demo = context.role.value == "supervisor"

    from wzdesk.tui.app import WzdeskApp

    app = WzdeskApp(
        context,
        clock=runtime.clock,
        database_label=target.description + (" (demo)" if args.demo else ""),
        wallboard=args.wallboard,
        offer_demo=offer_demo,
        bell=bell_enabled(os.environ),
        notes=notes,
    )
    app.run()
    return 0


def _fill_demo(runtime: Runtime) -> None:
    from wzdesk.services.demo import generate

    print("wzdesk: filling the demo database with realistic cases…")
    generate(runtime.clock, DEMO_CASES)


def _drop_stale_demo(path: Path, runtime: Runtime) -> None:
    """Delete the demo file when its cases were placed relative to a long-past "now"."""
    if not path.exists():
        return
    import sqlite3

    try:
        connection = sqlite3.connect(path)
        row = connection.execute(
            "SELECT value FROM setting WHERE key = 'demo.generated_at'"
        ).fetchone()
        connection.close()
    except sqlite3.Error:
        row = None
    from datetime import datetime

    generated = datetime.fromisoformat(row[0]) if row else None
    if generated is None or runtime.clock.now() - generated > DEMO_MAX_AGE:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
