"""``wzdesk client add``, ``wzdesk contact add``, ``wzdesk user add`` (and their lists);
``wzdesk client token ...`` lives in ``token_cmd``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.services.directory_fields import client_row
from wzdesk.services.quick_reads import quick_clients, quick_contacts, quick_users

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for add_command in _COMMANDS.values():
        add_command(subparsers)


def register_only(subparsers: argparse._SubParsersAction, command: str, verb: str | None) -> bool:  # type: ignore[type-arg]
    """Just ``command``'s parser (``client``, ``contact`` or ``user``): ``wzdesk user list``
    built all three, some thirty parsers (issue 13: scripts start fast)."""
    _COMMANDS[command](subparsers)
    return True


def _add_client(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from wzdesk.cli.contact_cmd import register_client_verbs
    from wzdesk.cli.token_cmd import register_token_verbs

    client = subparsers.add_parser("client", help="client organisations")
    verbs = client.add_subparsers(
        dest="verb", required=True, metavar="{add,list,edit,deactivate,import,export,token}"
    )
    add = verbs.add_parser("add", help="add a client")
    add.add_argument("code", metavar="CODE", help="short code, e.g. ACME")
    add.add_argument("--name", required=True)
    add_json_flag(add)
    add.set_defaults(handler=run_client_add)
    listing = verbs.add_parser("list", help="list clients")
    listing.add_argument(
        "--flagged",
        action="store_true",
        help="only active clients the two-admin rule flags (whom to ask)",
    )
    add_json_flag(listing)
    listing.set_defaults(handler=run_client_list)
    register_client_verbs(verbs)
    register_token_verbs(verbs)


def _add_contact(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from wzdesk.cli.contact_cmd import register_contact_verbs

    contact = subparsers.add_parser("contact", help="people at clients (client admins open cases)")
    verbs = contact.add_subparsers(
        dest="verb", required=True, metavar="{add,list,edit,deactivate,train,import,export}"
    )
    add = verbs.add_parser("add", help="add a contact")
    add.add_argument("--client", required=True, metavar="CODE")
    add.add_argument("--name", required=True)
    add.add_argument("--email")
    add.add_argument("--phone")
    add.add_argument("--admin", action="store_true", help="a client admin (may open cases)")
    rank = add.add_mutually_exclusive_group()
    rank.add_argument(
        "--primary",
        dest="rank",
        action="store_const",
        const="primary",
        help="the primary client admin",
    )
    rank.add_argument(
        "--backup", dest="rank", action="store_const", const="backup", help="a backup client admin"
    )
    add_json_flag(add)
    add.set_defaults(handler=run_contact_add)
    listing = verbs.add_parser("list", help="list contacts")
    listing.add_argument("--client", metavar="CODE")
    add_json_flag(listing)
    listing.set_defaults(handler=run_contact_list)
    register_contact_verbs(verbs)


def _add_user(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = subparsers.add_parser("user", help="console users")
    verbs = user.add_subparsers(dest="verb", required=True, metavar="{add,list,set}")
    add = verbs.add_parser("add", help="add a console user (supervisors)")
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, help="agent, phone or supervisor")
    add.add_argument(
        "--identity",
        metavar="NAME",
        help="the OS login (SQLite) or PostgreSQL role this user signs in as (default: LOGIN)",
    )
    add.add_argument("--email", help="where `wzdesk notify` sends this user's alerts")
    add_json_flag(add)
    add.set_defaults(handler=run_user_add)
    change = verbs.add_parser(
        "set", help="a user's alert email and reply signature (your own, or anyone's: supervisors)"
    )
    change.add_argument("login", metavar="LOGIN", nargs="?", help="default: yourself")
    change.add_argument("--email", help="alert address ('' removes it)")
    change.add_argument(
        "--signature", help="ends your replies to clients ('' goes back to your name and the team)"
    )
    add_json_flag(change)
    change.set_defaults(handler=run_user_set)
    listing = verbs.add_parser("list", help="list console users")
    add_json_flag(listing)
    listing.set_defaults(handler=run_user_list)


#: Each command this module defines, in help order.
_COMMANDS: dict[str, Callable[[argparse._SubParsersAction], None]] = {  # type: ignore[type-arg]
    "client": _add_client,
    "contact": _add_contact,
    "user": _add_user,
}


def run_client_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import directory

    client = directory.add_client(runtime.context(), args.code, args.name)
    emit_json(client_row(client)) if args.json else print(f"client {client.code} added")
    return 0


def run_client_list(args: argparse.Namespace, runtime: Runtime) -> int:
    listed = _quick(runtime, lambda url, who: quick_clients(url, who, args.flagged))
    if listed is None:
        from wzdesk.services import contacts, directory

        runtime.context()  # the directory is for console users only
        if args.flagged:
            listed = [(client_row(c), f) for c, f in contacts.flagged_clients()]
        else:
            listed = [(client_row(c), contacts.admin_flags(c)) for c in directory.list_clients()]
    if args.json:
        emit_json([{**row, "flags": list(f.flags), "ask": f.ask or None} for row, f in listed])
    else:
        emit_table(
            [{**row, "flags": f.text} for row, f in listed], ["code", "name", "active", "flags"]
        )
    return 0


def run_contact_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import directory

    contact = directory.add_contact(
        runtime.context(), args.client, args.name, args.email, args.phone, args.admin, args.rank
    )
    result = directory.contact_dict(contact)
    emit_json(result) if args.json else print(f"contact {contact.name} added to {result['client']}")
    return 0


def run_contact_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = _quick(runtime, lambda url, who: quick_contacts(url, who, args.client))
    if rows is None:
        from wzdesk.services import directory

        runtime.context()  # the directory is for console users only
        rows = [directory.contact_dict(c) for c in directory.list_contacts(args.client)]
    if args.json:
        emit_json(rows)
    else:
        emit_table(rows, ["client", "name", "email", "phone", "is_admin", "admin_rank"])
    return 0


def run_user_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import directory
    from wzdesk.services.context import write_transaction

    ctx = runtime.context()
    with write_transaction():  # the user and their address, or neither
        directory.add_user(ctx, args.login, args.name, args.role, identity=args.identity)
        user = (
            directory.update_user(ctx, args.login, email=args.email)
            if args.email
            else directory.get_user(args.login, field="LOGIN")
        )
    result = directory.user_dict(user)
    emit_json(result) if args.json else print(f"user {user.login} ({user.role}) added")
    return 0


def run_user_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import directory

    user = directory.update_user(
        runtime.context(), args.login, email=args.email, signature=args.signature
    )
    emit_json(directory.user_dict(user)) if args.json else print(f"user {user.login} changed")
    return 0


def run_user_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = _quick(runtime, quick_users)
    if rows is None:
        from wzdesk.services import directory

        runtime.context()  # the directory is for console users only
        rows = [directory.user_dict(u) for u in directory.list_users()]
    emit_json(rows) if args.json else emit_table(rows, ["login", "name", "role", "active", "email"])
    return 0


def _quick(runtime: Runtime, read: Callable[[str | None, str | None], T | None]) -> T | None:
    """What ``read`` answers over the quick read-only path (issue 13: no Peewee), or None: with
    ``--as`` (an impersonation is audited), or when the path cannot be sure, the ordinary path
    answers."""
    if runtime.act_as is not None:
        return None
    return read(runtime.db_url, runtime.identity)
