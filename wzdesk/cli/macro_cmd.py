"""``wzdesk macro ...``: canned replies, filled in for a case and edited before sending."""

from __future__ import annotations

import argparse
from typing import Any

from wzdesk.cli.common import Runtime, add_json_flag, support_zone
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.cli.template_cmd import body_options, body_text


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    macro = subparsers.add_parser("macro", help="canned replies")
    verbs = macro.add_subparsers(
        dest="macro_verb", required=True, metavar="{list,show,add,edit,remove,fill}"
    )
    listing = verbs.add_parser("list", help="every canned reply")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    show = verbs.add_parser("show", help="one canned reply")
    show.add_argument("name", metavar="NAME")
    add_json_flag(show)
    show.set_defaults(handler=run_show)
    add = verbs.add_parser("add", help="a new canned reply (agents, supervisors)")
    add.add_argument("name", metavar="NAME")
    body_options(add, required=True)
    add_json_flag(add)
    add.set_defaults(handler=run_add)
    edit = verbs.add_parser("edit", help="replace a canned reply's text")
    edit.add_argument("name", metavar="NAME")
    body_options(edit, required=True)
    add_json_flag(edit)
    edit.set_defaults(handler=run_edit)
    remove = verbs.add_parser("remove", help="delete a canned reply")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)
    fill = verbs.add_parser("fill", help="the text filled in for a case (to edit and send)")
    fill.add_argument("name", metavar="NAME")
    fill.add_argument("--case", required=True, metavar="REF")
    add_json_flag(fill)
    fill.set_defaults(handler=run_fill)


def _quick_macros(runtime: Runtime, name: str | None = None) -> list[dict[str, Any]] | None:
    """The canned replies over the quick read-only path (issue 13), or None (``--as``, or the
    path cannot be sure): the ordinary path answers."""
    if runtime.act_as is not None:
        return None
    from wzdesk.services.quick_reads import quick_macros

    return quick_macros(runtime.db_url, runtime.identity, runtime.clock.now(), name)


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = _quick_macros(runtime)
    if rows is None:
        from wzdesk.services.macros import list_macros, macro_dict

        runtime.context()
        zone = support_zone(runtime)
        rows = [macro_dict(m, zone) for m in list_macros()]
    if args.json:
        emit_json(rows)
        return 0
    for row in rows:
        first = row["body"].splitlines()[0] if row["body"] else ""
        row["text"] = first if len(first) <= 60 else first[:59] + "…"
    emit_table(rows, ["name", "updated_by", "text"])
    return 0


def run_show(args: argparse.Namespace, runtime: Runtime) -> int:
    found = _quick_macros(runtime, args.name)
    if found is not None:
        result = found[0]
    else:
        from wzdesk.services.macros import get_macro, macro_dict

        runtime.context()
        result = macro_dict(get_macro(args.name), support_zone(runtime))
    emit_json(result) if args.json else print(result["body"])
    return 0


def run_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.macros import add_macro, macro_dict

    macro = add_macro(runtime.context(), args.name, body_text(args) or "")
    emit_json(macro_dict(macro, support_zone(runtime))) if args.json else print(
        f"macro {macro.name} added"
    )
    return 0


def run_edit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.macros import edit_macro, macro_dict

    macro = edit_macro(runtime.context(), args.name, body_text(args) or "")
    emit_json(macro_dict(macro, support_zone(runtime))) if args.json else print(
        f"macro {macro.name} saved"
    )
    return 0


def run_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.macros import remove_macro

    remove_macro(runtime.context(), args.name)
    print(f"macro {args.name.strip().lower()} removed")
    return 0


def run_fill(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.macros import fill_macro

    text = fill_macro(runtime.context(), args.name, args.case)
    emit_json({"name": args.name, "case": args.case, "text": text}) if args.json else print(text)
    return 0
