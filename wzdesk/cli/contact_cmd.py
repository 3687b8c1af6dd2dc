"""``wzdesk contact edit|deactivate|train``, ``wzdesk client edit|deactivate``: upkeep of the
people the desk serves (registered on the ``client`` and ``contact`` parsers of people_cmd)."""

from __future__ import annotations

import argparse
from datetime import date

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json


def date_arg(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-03-09, got {text!r}") from None


def register_contact_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    edit = verbs.add_parser("edit", help="change a contact's name, email, phone, admin or rank")
    edit.add_argument("contact", metavar="CONTACT", help="email, phone number or #id")
    edit.add_argument("--client", metavar="CODE", help="when CONTACT is at several clients")
    edit.add_argument("--name")
    edit.add_argument("--email", help="'' removes it")
    edit.add_argument("--phone", help="'' removes it")
    admin = edit.add_mutually_exclusive_group()
    admin.add_argument("--admin", dest="is_admin", action="store_const", const=True)
    admin.add_argument(
        "--no-admin", dest="is_admin", action="store_const", const=False, help="drops the rank"
    )
    edit.add_argument(
        "--rank",
        choices=["primary", "backup", "none"],
        help="a new primary or backup demotes the present one",
    )
    add_json_flag(edit)
    edit.set_defaults(handler=run_contact_edit, is_admin=None)

    off = verbs.add_parser("deactivate", help="keep for history; no longer found at intake")
    off.add_argument("contact", metavar="CONTACT", help="email, phone number or #id")
    off.add_argument("--client", metavar="CODE")
    add_json_flag(off)
    off.set_defaults(handler=run_contact_deactivate)

    train = verbs.add_parser("train", help="record that a client admin was trained")
    train.add_argument("contact", metavar="EMAIL", help="email, phone number or #id")
    train.add_argument("--client", metavar="CODE")
    train.add_argument("--date", required=True, type=date_arg, metavar="YYYY-MM-DD")
    train.add_argument("--by", required=True, metavar="TEXT", help="who trained them")
    train.add_argument("--topic", default="", metavar="TEXT", help="what the training covered")
    add_json_flag(train)
    train.set_defaults(handler=run_contact_train)
    _register_csv(verbs, "contact")


def register_client_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    edit = verbs.add_parser("edit", help="rename a client")
    edit.add_argument("code", metavar="CODE")
    edit.add_argument("--name", required=True)
    add_json_flag(edit)
    edit.set_defaults(handler=run_client_edit)
    off = verbs.add_parser("deactivate", help="keep for history; opens no more cases")
    off.add_argument("code", metavar="CODE")
    add_json_flag(off)
    off.set_defaults(handler=run_client_deactivate)
    _register_csv(verbs, "client")


def _register_csv(verbs: argparse._SubParsersAction, what: str) -> None:  # type: ignore[type-arg]
    importing = verbs.add_parser(
        "import", help=f"add and update {what}s from a CSV file (one transaction per file)"
    )
    importing.add_argument("file", metavar="FILE.csv", help="'-' reads standard input")
    importing.add_argument(
        "--dry-run", action="store_true", help="report row by row what would happen; write nothing"
    )
    add_json_flag(importing)
    importing.set_defaults(handler=run_import, what=what)
    exporting = verbs.add_parser("export", help=f"every {what} as CSV (the import's columns)")
    exporting.add_argument("--csv", action="store_true", required=True, help="CSV on stdout")
    if what == "contact":
        exporting.add_argument("--client", metavar="CODE")
    exporting.set_defaults(handler=run_export, what=what)


def run_contact_edit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import contacts

    changes: dict[str, object] = {}
    for name in ("name", "email", "phone"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.is_admin is not None:
        changes["is_admin"] = args.is_admin
    if args.rank is not None:
        changes["admin_rank"] = None if args.rank == "none" else args.rank
    contact = contacts.edit_contact(runtime.context(), args.contact, args.client, **changes)
    result = contacts.contact_with_training(contact)
    emit_json(result) if args.json else print(f"contact {contact.name} changed")
    return 0


def run_contact_deactivate(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import contacts

    refs = contacts.deactivate_contact(runtime.context(), args.contact, args.client)
    if args.json:
        emit_json({"contact": args.contact, "active": False, "flagged_cases": refs})
    else:
        print(f"contact {args.contact} deactivated")
        if refs:
            print(f"open cases flagged for a new contact: {', '.join(refs)}")
    return 0


def run_contact_train(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import contacts

    row = contacts.train_contact(
        runtime.context(), args.contact, args.date, args.by, args.topic, args.client
    )
    contact = contacts.get_contact(f"#{row.contact_id}")
    if args.json:
        emit_json(contacts.contact_with_training(contact))
    else:
        print(f"{contact.name} trained on {args.date.isoformat()} by {args.by}")
    return 0


def run_client_edit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import contacts

    client = contacts.edit_client(runtime.context(), args.code, name=args.name)
    emit_json(contacts.client_dict(client)) if args.json else print(f"client {client.code} changed")
    return 0


def run_client_deactivate(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import contacts

    client = contacts.deactivate_client(runtime.context(), args.code)
    if args.json:
        emit_json(contacts.client_dict(client))
    else:
        print(f"client {client.code} deactivated")
    return 0


def _read_csv(path: str) -> tuple[list[str], list[dict[str, str]]]:
    import csv
    import io
    import sys

    from wzdesk.core.errors import InvalidInput

    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8-sig", newline="") as handle:
                text = handle.read()
    except (OSError, UnicodeDecodeError, ValueError) as failed:  # ValueError: a NUL in the path
        raise InvalidInput(f"cannot read {path!r}: {failed}", field="FILE") from None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        rows = list(reader)
    except csv.Error as failed:
        raise InvalidInput(f"not a CSV file: {failed}", field="FILE") from None
    if not reader.fieldnames:
        raise InvalidInput("the file is empty (expected a header line)", field="FILE")
    return list(reader.fieldnames), rows


def run_import(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import onboarding

    header, rows = _read_csv(args.file)
    run = onboarding.import_clients if args.what == "client" else onboarding.import_contacts
    report = run(runtime.context(), header, rows, dry_run=args.dry_run)
    if args.json:
        emit_json(report.as_dict())
    else:
        for row in report.rows:
            detail = f"  {row.detail}" if row.detail else ""
            print(f"line {row.line}  {row.key or '-'}  {row.outcome}{detail}")
        counts = ", ".join(f"{n} {k}" for k, n in report.counts().items())
        if report.written:
            state = "written"
        elif args.dry_run:
            state = "dry run: nothing written"
        else:
            state = "nothing written: fix the refused rows and run it again"
        print(f"{counts}; {state}")
    return 2 if report.counts()["refused"] else 0


def run_export(args: argparse.Namespace, runtime: Runtime) -> int:
    import csv
    import sys

    from wzdesk.services import onboarding

    runtime.context()  # the directory is for console users only
    if args.what == "client":
        columns, rows = onboarding.CLIENT_COLUMNS, onboarding.export_clients()
    else:
        columns, rows = onboarding.CONTACT_COLUMNS, onboarding.export_contacts(args.client)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0
