"""``wzdesk backup``: make, verify, list and rotate backups, and schedule them (supervisors)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.core.paths import typed_path
from wzdesk.core.text import is_number


def _folder_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--to",
        metavar="DIR",
        help="the backup folder (default: $WZDESK_BACKUPS, else backups/ beside the database)",
    )


def _count_arg(text: str) -> int:
    if not is_number(text) or int(text) > 1000:
        raise argparse.ArgumentTypeError(f"expected a count from 0 to 1000, got {text!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = subparsers.add_parser(
        "backup",
        help="back up the database and its attachments (supervisors)",
        description="With no verb: make a backup now, then rotate the old ones.",
    )
    _folder_flag(backup)
    add_json_flag(backup)
    backup.set_defaults(handler=run_backup)
    verbs = backup.add_subparsers(
        dest="backup_verb", metavar="{verify,list,retention,schedule}", required=False
    )

    verify = verbs.add_parser(
        "verify", help="restore a backup into a scratch database and check it"
    )
    verify.add_argument("file", nargs="?", metavar="FILE", help="default: the newest backup")
    _folder_flag(verify)
    add_json_flag(verify)
    verify.set_defaults(handler=run_verify)

    listing = verbs.add_parser("list", help="the backups in the folder, newest first")
    _folder_flag(listing)
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    keep = verbs.add_parser("retention", help="show or change how many backups are kept")
    keep.add_argument("--daily", type=_count_arg, metavar="N")
    keep.add_argument("--weekly", type=_count_arg, metavar="N")
    keep.add_argument("--monthly", type=_count_arg, metavar="N")
    add_json_flag(keep)
    keep.set_defaults(handler=run_retention)

    schedule = verbs.add_parser("schedule", help="a ready cron line and systemd timer")
    _folder_flag(schedule)
    schedule.add_argument("--at", default="02:30", metavar="HH:MM", help="daily, local time")
    schedule.set_defaults(handler=run_schedule)


def _folder(args: argparse.Namespace, runtime: Runtime) -> Path:
    from wzdesk.services.backup import backup_folder

    runtime.open_store()
    return backup_folder(getattr(args, "to", None))


def _size(size: int) -> str:
    from wzdesk.services.mail_intake import human_size

    return human_size(size)


def run_backup(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.backup import make_backup

    ctx = runtime.context()
    made = make_backup(ctx, _folder(args, runtime))
    if args.json:
        emit_json(made.as_dict())
        return 0
    removed = f"; rotated away {len(made.removed)} old backup(s)" if made.removed else ""
    if made.cleaned:  # each a full copy of the database: worth a word where it went
        removed += f"; removed {len(made.cleaned)} leftover(s) of killed backups"
    print(
        f"backup {made.path}: {_size(made.size_bytes)}, {made.tables.get('case', 0)} cases, "
        f"{made.attachments} attachment(s){removed}"
    )
    if made.missing_attachments:
        print(
            f"wzdesk: warning: {len(made.missing_attachments)} attachment(s) the database refers "
            "to were already missing from the attachment store; the backup cannot hold them",
            file=sys.stderr,
        )
    return 0


def run_verify(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.backup import newest_backup, verify_backup

    ctx = runtime.context()
    path = typed_path(args.file, "FILE") if args.file else newest_backup(_folder(args, runtime))
    verified = verify_backup(ctx, path)
    if args.json:
        emit_json(verified.as_dict())
        return 0
    manifest = verified.manifest
    where = "" if verified.recorded else " (a backup of another database: not recorded here)"
    lost = len(manifest.get("missing_attachments", []))
    if lost:
        where += f"; {lost} attachment(s) were already missing from the store when it was made"
    print(
        f"verified {path}: made {manifest['created_at']}, schema version "
        f"{manifest['schema_version']}, {manifest['tables'].get('case', 0)} cases, "
        f"{len(manifest['attachments'])} attachment(s); every checksum and row count matches"
        f"{where}"
    )
    return 0


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.backup_names import LIST_COLUMNS

    rows = _listed(args, runtime)
    if args.json:
        emit_json(rows)
    else:
        emit_table(rows, LIST_COLUMNS)
    return 0


def _listed(args: argparse.Namespace, runtime: Runtime) -> list[dict[str, Any]]:
    """``backup list``'s rows: read without Peewee when it can be, ``--as`` never (issue 13)."""
    if runtime.act_as is None:
        from wzdesk.services.quick_reads import quick_backups

        quick = quick_backups(runtime.db_url, runtime.identity, getattr(args, "to", None))
        if quick is not None:
            return quick
    from wzdesk.services.backup import backup_status
    from wzdesk.services.backup_names import backup_rows, check_listed

    runtime.context()
    to = getattr(args, "to", None)
    return backup_rows(check_listed(_folder(args, runtime), to), backup_status().last_verified_file)


def run_retention(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.retention import Retention
    from wzdesk.services.backup import retention, set_retention

    ctx = runtime.context()
    rule = retention()
    changes = {k: getattr(args, k) for k in ("daily", "weekly", "monthly")}
    if any(v is not None for v in changes.values()):
        merged = {**rule.as_dict(), **{k: v for k, v in changes.items() if v is not None}}
        rule = set_retention(ctx, Retention(**merged))
    if args.json:
        emit_json(rule.as_dict())
    else:
        print(f"keep {rule.daily} daily, {rule.weekly} weekly, {rule.monthly} monthly backups")
    return 0


def run_schedule(args: argparse.Namespace, runtime: Runtime) -> int:
    import shlex  # here, with shutil: 4-5 ms that `backup list` need not pay
    import shutil

    from wzdesk.core.errors import InvalidInput
    from wzdesk.services.session import database_target

    hour, _, minute = args.at.partition(":")
    if not (is_number(hour) and is_number(minute) and int(hour) < 24 and int(minute) < 60):
        raise InvalidInput(f"expected HH:MM, got {args.at!r}", field="--at")
    folder = _folder(args, runtime).resolve()
    target = database_target(runtime.db_url)
    program = shutil.which("wzdesk") or f"{sys.executable} -m wzdesk"
    db = _db_for_schedule(target)
    env = f"WZDESK_DB={shlex.quote(db)} "
    backup = f"{program} backup --to {shlex.quote(str(folder))}"
    verify = f"{program} backup verify --to {shlex.quote(str(folder))}"
    # cron reads % as a new line, and systemd as a specifier (a URL's %2F, a folder's name)
    cron = f"{env}{backup} && {env}{verify}".replace("%", "\\%")
    backup, verify, db = (text.replace("%", "%%") for text in (backup, verify, db))
    print(
        f"""# wzdesk: back up {target.description} every day at {args.at}, then verify the new
# backup by restoring it into a scratch database (the policy's "periodic testing").
# Run it as a supervisor's login (SQLite: the OS user that owns the database file;
# PostgreSQL: a role mapped to a supervisor, its password in ~/.pgpass).

# cron (crontab -e):
{int(minute)} {int(hour)} * * * {cron}

# systemd (as root; or in ~/.config/systemd/user/ with systemctl --user):
# /etc/systemd/system/wzdesk-backup.service
[Unit]
Description=wzdesk: back up the desk and verify the backup

[Service]
Type=oneshot
Environment={shlex.quote("WZDESK_DB=" + db)}
ExecStart={backup}
ExecStart={verify}

# /etc/systemd/system/wzdesk-backup.timer
[Unit]
Description=wzdesk: daily backup

[Timer]
OnCalendar=*-*-* {int(hour):02d}:{int(minute):02d}:00
Persistent=true
RandomizedDelaySec=5min

[Install]
WantedBy=timers.target

# then: systemctl daemon-reload && systemctl enable --now wzdesk-backup.timer"""
    )
    return 0


def _db_for_schedule(target: Any) -> str:
    """The database as a job names it: an absolute SQLite path, or the PostgreSQL URL without
    its password (which belongs in ~/.pgpass, not in a crontab)."""
    if target.backend == "sqlite":
        return str(Path(target.location).expanduser().resolve())
    from urllib.parse import quote, urlencode

    params = {key: str(value) for key, value in target.params if key != "password"}
    user = params.pop("user", None)
    host = params.get("host", "localhost")
    netloc = f"{quote(user, safe='')}@" if user else ""
    if "/" not in host:  # a host name (a Unix socket's folder stays an option)
        params.pop("host", None)
        port = params.pop("port", None)
        netloc += (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    # The rest are the URL's options (sslmode, sslrootcert, …): the job connects as this run.
    query = f"?{urlencode(params, safe='/', quote_via=quote)}" if params else ""
    return f"postgresql://{netloc}/{quote(target.location, safe='')}{query}"
