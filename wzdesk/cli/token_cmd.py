"""``wzdesk client token create|list|revoke``: the API tokens of a client's application."""

from __future__ import annotations

import argparse
import sys

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json, emit_table


def register_token_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    token = verbs.add_parser("token", help="API tokens for a client's application")
    actions = token.add_subparsers(dest="token_verb", required=True, metavar="{create,list,revoke}")
    create = actions.add_parser("create", help="make a token; it is printed once, never again")
    create.add_argument("code", metavar="CODE", help="the client, e.g. ACME")
    create.add_argument("--label", default="", help="what the token is for (shown in lists)")
    add_json_flag(create)
    create.set_defaults(handler=run_token_create)
    listing = actions.add_parser("list", help="tokens (never their secrets)")
    listing.add_argument("code", metavar="CODE", nargs="?", help="only this client's")
    add_json_flag(listing)
    listing.set_defaults(handler=run_token_list)
    revoke = actions.add_parser("revoke", help="refuse a token from now on")
    revoke.add_argument("id", metavar="ID", type=int, help="the token's number (from list)")
    add_json_flag(revoke)
    revoke.set_defaults(handler=run_token_revoke)


def run_token_create(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.client_side import create_token

    made = create_token(runtime.context(), args.code, args.label)
    if args.json:
        emit_json({"id": made.id, "client": made.client, "label": made.label, "token": made.secret})
    else:
        print(made.secret)
        print(
            f"wzdesk: API token #{made.id} for {made.client} (shown once; only its hash is kept)",
            file=sys.stderr,
        )
    return 0


_COLUMNS = ["id", "client", "label", "prefix", "created_at", "last_used_at", "revoked_at"]


def run_token_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_tokens

        rows = quick_tokens(runtime.db_url, runtime.identity, runtime.clock.now(), args.code)
    if rows is None:
        from wzdesk.services.client_side import list_tokens

        rows = list_tokens(runtime.context(), args.code)
    emit_json(rows) if args.json else emit_table(rows, _COLUMNS)
    return 0


def run_token_revoke(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.client_side import revoke_token

    row = revoke_token(runtime.context(), args.id)
    if args.json:
        emit_json(row)
    else:
        print(f"API token #{row['id']} of {row['client']} revoked at {row['revoked_at']}")
    return 0
