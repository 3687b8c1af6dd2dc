"""Starting the console: pick the database (``--demo`` has its own), sign in, launch Textual."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from wzdesk.cli.common import Runtime


def bell_enabled(environ: Mapping[str, str]) -> bool:
    """``WZDESK_BELL=0`` (or ``no``/``off``/``false``) silences the terminal bell."""
    return environ.get("WZDESK_BELL", "1").strip().lower() not in ("0", "no", "off", "false")


def run_console(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.session import database_target, has_cases

    target = database_target(runtime.db_url)
    context = runtime.context()
    # Said inside the console, not printed behind it (the terminal is the console's now).
    notes = [note for note in [runtime.take_announcement()] if note] + runtime.console_notes
    offer_demo = False
    if not args.demo and not has_cases():
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
    holder = None
    if args.demo:
        from pathlib import Path

        from wzdesk.cli.demo_desk import hold_demo_desk

        holder = hold_demo_desk(Path(str(runtime.db_url)))
    try:
        app.run()
    finally:
        if holder is not None:
            holder.close()
    return 0
