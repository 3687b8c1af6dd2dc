"""``wzdesk view ...``: saved views (named queries), personal or shared, pinned as queue tabs."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag, support_zone
from wzdesk.cli.output import emit_json, emit_table


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    view = subparsers.add_parser("view", help="saved views: named case queries")
    verbs = view.add_subparsers(dest="view_verb", required=True, metavar="{list,add,remove}")
    listing = verbs.add_parser("list", help="your views and the shared ones, with live counts")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)
    add = verbs.add_parser("add", help="save a query under a name")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--query", required=True, metavar="QUERY", help="as for case list --query")
    add.add_argument("--shared", action="store_true", help="visible to every console user")
    add.add_argument("--pin", action="store_true", help="shown as a tab above the queue")
    add_json_flag(add)
    add.set_defaults(handler=run_add)
    remove = verbs.add_parser("remove", help="delete your view (supervisors: a shared one)")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=run_remove)


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = None
    if runtime.act_as is None:  # the quick read-only path (issue 13), when it can be sure
        from wzdesk.services.quick_case_reads import quick_view_list

        rows = quick_view_list(runtime.db_url, runtime.identity, runtime.clock.now())
    if rows is None:
        from wzdesk.services.desk_fields import view_dict
        from wzdesk.services.search import context
        from wzdesk.services.views import view_count, visible_views

        ctx = runtime.context()
        zone = support_zone(runtime)
        search = context(runtime.clock.now(), ctx.actor)
        rows = [view_dict(v, zone, view_count(v, search)) for v in visible_views(ctx.actor)]
    if args.json:
        emit_json(rows)
        return 0
    for row in rows:
        row["flags"] = ",".join(f for f in ("shared", "pinned") if row[f]) or "-"
    emit_table(rows, ["name", "owner", "flags", "count", "query"])
    return 0


def run_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.desk_fields import view_dict
    from wzdesk.services.views import add_view

    view = add_view(runtime.context(), args.name, args.query, shared=args.shared, pinned=args.pin)
    if args.json:
        emit_json(view_dict(view, support_zone(runtime)))
    else:
        print(f"view {view.name} saved")
    return 0


def run_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.views import remove_view

    remove_view(runtime.context(), args.name)
    print(f"view {args.name} removed")
    return 0
