"""``wzdesk notify``: alerts and client notices with no console open (long-running, like
``mail watch``; ``--once`` for cron)."""

from __future__ import annotations

import argparse
import sys
import time

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notify = subparsers.add_parser(
        "notify", help="send SLA alerts and client reminders (runs until stopped)"
    )
    notify.add_argument(
        "--interval", type=float, default=60.0, metavar="S", help="seconds between rounds"
    )
    notify.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
    notify.add_argument("--no-send", action="store_true", help="queue only; do not send the outbox")
    add_json_flag(notify)
    notify.set_defaults(handler=run_notify)


def run_notify(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.cli.mail_cmd import _stop_on_sigterm
    from wzdesk.core.errors import InvalidInput
    from wzdesk.services.mail_outbox import deliver_due
    from wzdesk.services.notify import Notifier, alert_recipients_without_email

    if not 0 < args.interval <= 86_400:  # NaN fails too; beyond a day is a typo
        raise InvalidInput("expected seconds between 0 and 86400", field="--interval")
    if args.json and not args.once:
        raise InvalidInput("--json needs --once (one round, one JSON document)", field="--json")
    notifier = Notifier(runtime.context())
    silent = alert_recipients_without_email()
    if silent and not args.json:
        print(
            "wzdesk: note: no email on file for supervisor(s) "
            f"{', '.join(silent)}: their alerts are recorded but not emailed "
            "('wzdesk user set LOGIN --email ...')",
            file=sys.stderr,
        )
    _stop_on_sigterm()
    try:
        while True:
            report = notifier.run_round()
            sent = None if args.no_send else deliver_due(runtime.context())
            if args.json:
                result = report.as_dict()
                result["outbox"] = (
                    None if sent is None else {**sent.as_dict(), "messages": sent.messages}
                )
                emit_json(result)
                return 0
            for line in report.lines():
                print(line, flush=True)
            if sent is not None:
                for message in sent.messages:
                    where = message["where"]
                    verb = "sent" if message["status"] == "sent" else f"{message['status']}:"
                    print(
                        f"outbox: #{message['id']} {message['kind']} to "
                        f"{', '.join(message['to'])} {verb} {where}",
                        flush=True,
                    )
            if args.once:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("wzdesk: notify stopped", file=sys.stderr)
        return 0
