"""``wzdesk restore FILE``: put a verified backup back (the replaced desk is kept aside)."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.core.paths import typed_path


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    restore = subparsers.add_parser(
        "restore",
        help="restore a backup (verified first) into the database and its attachment store",
    )
    restore.add_argument("file", metavar="FILE")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a database that holds a desk (a supervisor; it is backed up first)",
    )
    restore.add_argument(
        "--to", metavar="DIR", help="where the replaced database's backup goes (see wzdesk backup)"
    )
    add_json_flag(restore)
    restore.set_defaults(handler=run_restore)


def run_restore(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.cli.output import emit_json
    from wzdesk.core.rules import Action
    from wzdesk.services.backup import backup_folder, holds_a_desk, restore_backup

    runtime.open_store()
    live = None
    if holds_a_desk() and args.force:
        live = runtime.context()
        live.require(Action.MANAGE_BACKUPS)
    restored = restore_backup(
        typed_path(args.file, "FILE"),
        restorer=live.actor if live else runtime.connected_identity(),
        clock=runtime.clock,
        live=live,
        folder=backup_folder(args.to),
        force=args.force,
    )
    if args.json:
        emit_json(restored.as_dict())
        return 0
    aside = f"; the replaced one is kept as {restored.kept_aside}" if restored.kept_aside else ""
    print(
        f"restored {restored.path} into {restored.target}: {restored.tables.get('case', 0)} "
        f"cases, {restored.attachments} attachment(s){aside}"
    )
    return 0
