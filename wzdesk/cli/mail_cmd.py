"""``wzdesk mail ...``: import client email, watch a Maildir, handle the quarantine, send the
outbox, list a case's attachments."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from wzdesk.cli.common import Runtime, add_json_flag, severity_arg
from wzdesk.cli.output import emit_fields, emit_json, emit_table, one_more, say_if_cut
from wzdesk.core.bounds import MAX_LIMIT, check_limit

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wzdesk.mail.config import MailSettings
    from wzdesk.mail.sources import RawMessage
    from wzdesk.services.mail_intake import Filed


def _size_arg(text: str) -> int:
    from wzdesk.core.errors import InvalidInput
    from wzdesk.mail.config import parse_size

    try:
        return parse_size(text, "size")
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _filing_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--severity",
        type=severity_arg,
        help="severity of cases opened by email (default: $WZDESK_MAIL_SEVERITY or moderate)",
    )
    parser.add_argument(
        "--category",
        help="category of cases opened by email (default: $WZDESK_MAIL_CATEGORY or question)",
    )
    parser.add_argument(
        "--max-attachment-size",
        type=_size_arg,
        metavar="SIZE",
        help="larger attachments go to the quarantine, e.g. 10M "
        "(default: $WZDESK_ATTACHMENT_MAX_BYTES or 10M)",
    )
    parser.add_argument(
        "--max-message-size",
        type=_size_arg,
        metavar="SIZE",
        help="larger messages go to the quarantine (default: $WZDESK_MAIL_MAX_BYTES or 25M)",
    )


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    mail = subparsers.add_parser("mail", help="the email channel")
    verbs = mail.add_subparsers(
        dest="mail_verb", required=True, metavar="{import,watch,quarantine,outbox,attachments}"
    )

    importing = verbs.add_parser("import", help="file .eml files, mbox files and Maildirs")
    importing.add_argument("paths", nargs="+", metavar="PATH")
    _filing_options(importing)
    importing.add_argument(
        "--verbose", "-v", action="store_true", help="one line per message (text output)"
    )
    add_json_flag(importing)
    importing.set_defaults(handler=run_import)

    watching = verbs.add_parser("watch", help="keep importing a Maildir and sending replies")
    watching.add_argument("maildir", metavar="MAILDIR")
    watching.add_argument(
        "--interval", type=float, default=10.0, metavar="S", help="seconds between looks"
    )
    watching.add_argument("--once", action="store_true", help="one round, then exit")
    watching.add_argument(
        "--no-send", action="store_true", help="do not send the outbox (only import)"
    )
    _filing_options(watching)
    watching.set_defaults(handler=run_watch)

    quarantine = verbs.add_parser("quarantine", help="messages held for an agent")
    qverbs = quarantine.add_subparsers(
        dest="quarantine_verb", required=True, metavar="{list,show,release,discard}"
    )
    listing = qverbs.add_parser("list", help="held messages, newest first")
    listing.add_argument(
        "--status", action="append", choices=["held", "released", "discarded"], default=[]
    )
    listing.add_argument("--all", action="store_true", help="also released and discarded ones")
    listing.add_argument("--limit", type=int, metavar="N")
    add_json_flag(listing)
    listing.set_defaults(handler=run_quarantine_list)

    showing = qverbs.add_parser("show", help="one held message with its text")
    showing.add_argument("id", type=int, metavar="ID")
    add_json_flag(showing)
    showing.set_defaults(handler=run_quarantine_show)

    releasing = qverbs.add_parser("release", help="file a held message on a new or existing case")
    releasing.add_argument("id", type=int, metavar="ID")
    target = releasing.add_mutually_exclusive_group(required=True)
    target.add_argument("--new-case", action="store_true", help="open a new case (with --contact)")
    target.add_argument("--case", metavar="REF", help="add it to this case")
    releasing.add_argument("--contact", metavar="EMAIL", help="the client admin the case is for")
    releasing.add_argument("--client", metavar="CODE", help="when the contact is at two clients")
    releasing.add_argument("--severity", type=severity_arg)
    releasing.add_argument("--category")
    add_json_flag(releasing)
    releasing.set_defaults(handler=run_quarantine_release)

    discarding = qverbs.add_parser("discard", help="set a held message aside (audited)")
    discarding.add_argument("id", type=int, metavar="ID")
    discarding.add_argument("--reason", required=True)
    add_json_flag(discarding)
    discarding.set_defaults(handler=run_quarantine_discard)

    outbox = verbs.add_parser("outbox", help="replies on their way to clients")
    overbs = outbox.add_subparsers(dest="outbox_verb", required=True, metavar="{list,send,retry}")
    still_to_go = "messages still to go (queued, being sent, failed), oldest first, as they go"
    olist = overbs.add_parser("list", help=still_to_go, description=f"The {still_to_go}.")
    olist.add_argument(
        "--all", action="store_true", help="every message, the sent ones too, newest first"
    )
    olist.add_argument("--limit", type=int, metavar="N", help="at most N (a cut list says so)")
    add_json_flag(olist)
    olist.set_defaults(handler=run_outbox_list)
    osend = overbs.add_parser("send", help="send what is due now (SMTP or the outbox Maildir)")
    add_json_flag(osend)
    osend.set_defaults(handler=run_outbox_send)
    oretry = overbs.add_parser("retry", help="send a failed message again")
    oretry.add_argument("id", type=int, metavar="ID")
    add_json_flag(oretry)
    oretry.set_defaults(handler=run_outbox_retry)

    attachments = verbs.add_parser("attachments", help="a case's attachments")
    attachments.add_argument("ref", metavar="REF")
    add_json_flag(attachments)
    attachments.set_defaults(handler=run_attachments)


# -- helpers ------------------------------------------------------------------------------------


def _zone(runtime: Runtime) -> ZoneInfo:
    """The support zone (of the policy in force now) for printing instants."""
    from wzdesk.services.policy_book import load_policy_book

    return load_policy_book().at(runtime.clock.now()).calendar.zone


def _settings(args: argparse.Namespace) -> MailSettings:
    from wzdesk.services.mail_settings import mail_settings

    return mail_settings(
        max_attachment_bytes=getattr(args, "max_attachment_size", None),
        max_message_bytes=getattr(args, "max_message_size", None),
    )


def _describe(raw: RawMessage, filed: Filed) -> str:
    if filed.outcome == "quarantined":
        return f"{raw.origin}: quarantined #{filed.quarantine_id}: {filed.reason}"
    if filed.outcome == "duplicate":
        return f"{raw.origin}: already imported"
    verb = "opened" if filed.outcome == "imported" else "added to"
    return f"{raw.origin}: {verb} {filed.ref}"


# -- import and watch ---------------------------------------------------------------------------


def run_import(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.mail.sources import check_paths, read_sources
    from wzdesk.services.mail_intake import import_messages

    paths = check_paths(args.paths)
    ctx = runtime.context()
    settings = _settings(args)

    def report(raw: RawMessage, filed: Filed) -> None:
        if not args.json and (args.verbose or filed.outcome == "quarantined"):
            print(_describe(raw, filed))

    summary = import_messages(
        ctx,
        read_sources(paths),
        settings=settings,
        severity=args.severity.value if args.severity else None,
        category=args.category,
        on_filed=report,
    )
    if args.json:
        emit_json(summary.as_dict())
    else:
        counts = summary.as_dict()
        print(", ".join(f"{name} {value}" for name, value in counts.items()))
    return 0


def _stop_on_sigterm() -> None:
    import signal  # here, not at the top: ``mail outbox list`` starts without it (issue 13)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (tests)
        pass


def run_watch(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.errors import InvalidInput
    from wzdesk.core.paths import typed_path  # pathlib: not for the read commands (issue 13)
    from wzdesk.mail.sources import is_maildir, mark_seen, read_maildir
    from wzdesk.services.mail_intake import MailImporter
    from wzdesk.services.mail_outbox import deliver_due

    folder = typed_path(args.maildir, "MAILDIR")
    if not is_maildir(folder):
        raise InvalidInput(f"{args.maildir} is not a Maildir (no cur/ and new/)", field="MAILDIR")
    if not 0 < args.interval <= 86_400:  # also refuses nan and inf
        raise InvalidInput("expected a number of seconds up to a day", field="--interval")
    ctx = runtime.context()
    settings = _settings(args)
    importer = MailImporter(
        ctx,
        settings=settings,
        severity=args.severity.value if args.severity else None,
        category=args.category,
    )
    _stop_on_sigterm()
    subdirs: tuple[str, ...] = ("new", "cur")  # the first round also files what a reader saw
    try:
        while True:
            importer.refresh()  # contacts or the SLA policy changed meanwhile: use the new ones
            for raw in read_maildir(folder, subdirs):
                filed = importer.file(raw)
                mark_seen(raw)
                if filed.outcome != "duplicate":
                    print(_describe(raw, filed), flush=True)
            if not args.no_send:
                sent = deliver_due(ctx, settings=settings)
                for note in sent.notes:
                    print(f"outbox: not sent: {note}", file=sys.stderr, flush=True)
                if sent.sent:
                    print(f"outbox: sent {sent.sent}", flush=True)
            if args.once:
                return 0
            subdirs = ("new",)
            time.sleep(args.interval)
    except KeyboardInterrupt:
        print("wzdesk: mail watch stopped", file=sys.stderr)
        return 0


# -- quarantine ---------------------------------------------------------------------------------


def run_quarantine_list(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.quarantine_fields import HELD, QUARANTINE_STATUSES

    statuses = QUARANTINE_STATUSES if args.all else tuple(args.status or [HELD])
    limit = check_limit(args.limit)
    found = None
    if runtime.act_as is None and set(statuses) <= set(QUARANTINE_STATUSES):
        from wzdesk.services.quick_reads import quick_quarantine  # issue 13: no Peewee

        now = runtime.clock.now()
        found = quick_quarantine(
            runtime.db_url, runtime.identity, now, statuses, one_more(limit, MAX_LIMIT)
        )
    if found is None:
        from wzdesk.services.mail_quarantine import list_quarantine, quarantine_dict

        runtime.context()  # mail is for console users only
        zone = _zone(runtime)
        held = list_quarantine(statuses, one_more(limit, MAX_LIMIT))
        found = [quarantine_dict(h, zone) for h in held]
    rows = found[:limit]
    if args.json:
        emit_json(rows)
        say_if_cut(len(found), limit, "messages")  # a script is told too
        return 0
    emit_table(rows, ["id", "status", "received_at", "from", "subject", "reason"])
    say_if_cut(len(found), limit, "messages")
    return 0


def run_quarantine_show(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.mail_quarantine import quarantine_detail

    runtime.context()  # mail is for console users only
    result = quarantine_detail(args.id, _zone(runtime))
    if args.json:
        emit_json(result)
        return 0
    body = result.pop("body", "")
    result.pop("attachments", None)
    emit_fields(result)
    print()
    print(body)
    return 0


def run_quarantine_release(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.errors import InvalidInput
    from wzdesk.services.mail_quarantine import release_to_case, release_to_new_case

    if args.new_case and not args.contact:
        raise InvalidInput("--new-case needs the client admin's email", field="--contact")
    if args.case and (args.contact or args.client or args.severity or args.category):
        raise InvalidInput(
            "--contact, --client, --severity, --category go with --new-case", field="--case"
        )
    ctx = runtime.context()
    if args.new_case:
        case = release_to_new_case(
            ctx,
            args.id,
            args.contact,
            client=args.client,
            severity=args.severity.value if args.severity else None,
            category=args.category,
        )
    else:
        case = release_to_case(ctx, args.id, args.case)
    if args.json:
        emit_json({"id": args.id, "status": "released", "case": case.ref})
    else:
        print(f"message {args.id} released into {case.ref}")
    return 0


def run_quarantine_discard(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.mail_quarantine import discard

    held = discard(runtime.context(), args.id, args.reason)
    if args.json:
        emit_json({"id": held.id, "status": held.status, "reason": held.note})
    else:
        print(f"message {held.id} discarded")
    return 0


# -- outbox and attachments -----------------------------------------------------------------------


def run_outbox_list(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.sent_fields import OUTBOX_STATUSES, UNSENT

    statuses = OUTBOX_STATUSES if args.all else UNSENT
    limit = check_limit(args.limit)
    asked = one_more(limit, MAX_LIMIT)
    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_outbox

        rows = quick_outbox(runtime.db_url, runtime.identity, runtime.clock.now(), statuses, asked)
    if rows is None:
        from wzdesk.services.mail_outbox import list_outbox, outbox_dict

        runtime.context()  # mail is for console users only
        zone = _zone(runtime)
        rows = [outbox_dict(row, zone) for row in list_outbox(statuses, asked)]
    found, rows = len(rows), rows[:limit]
    if args.json:
        emit_json(rows)
        say_if_cut(found, limit, "messages")  # a script is told too
        return 0
    for row in rows:
        row["to"] = ", ".join(row["to"])
    columns = ["id", "case", "status", "attempts", "next_attempt_at", "to", "last_error"]
    if args.all:  # the history: when each went out
        columns.insert(columns.index("to"), "sent_at")
    emit_table(rows, columns)
    say_if_cut(found, limit, "messages")
    return 0


def run_outbox_send(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.mail_outbox import deliver_all_due

    report = deliver_all_due(runtime.context())
    remaining = report.remaining or 0
    if args.json:
        emit_json({**report.as_dict(), "remaining": remaining, "messages": report.messages})
    else:
        print(", ".join(f"{name} {value}" for name, value in report.as_dict().items()))
        for message in report.messages:
            about = f" {message['case']}" if message["case"] else ""
            to = ", ".join(message["to"])
            what = message["kind"].replace("_", " ")
            if message["status"] == "sent":
                refused = "; ".join(f"{a}: {why}" for a, why in message["refused"].items())
                but = f"; refused for {refused}" if refused else ""
                print(f"  #{message['id']}{about} {what} to {to}: sent {message['where']}{but}")
            else:
                print(
                    f"  #{message['id']}{about} {what} to {to}: {message['status']}: "
                    f"{message['where']}"
                )
    if remaining:  # fell due again during the run, or queued meanwhile: said, even with --json
        print(
            f"wzdesk: note: {remaining} message(s) still due; the next "
            "'wzdesk mail outbox send' sends them",
            file=sys.stderr,
        )
    return 0


def run_outbox_retry(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.mail_outbox import outbox_dict, retry

    row = retry(runtime.context(), args.id)
    if args.json:
        emit_json(outbox_dict(row, _zone(runtime)))
    else:
        print(f"message {row.id} to {row.recipients} will be sent on the next 'mail outbox send'")
    return 0


def run_attachments(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.attachments import attachments_of
    from wzdesk.services.cases import get_case

    runtime.context()  # mail is for console users only
    rows = attachments_of(get_case(args.ref), _zone(runtime))
    if args.json:
        emit_json(rows)
        return 0
    emit_table(rows, ["id", "filename", "content_type", "size_bytes", "path"])
    return 0
