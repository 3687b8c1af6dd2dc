"""``wzdesk holidays add|remove|list|import``: the calendar's closed days."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag, year_arg
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.core.timefmt import parse_date
from wzdesk.services import calendar as calendar_service


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    holidays = subparsers.add_parser("holidays", help="days the desk is closed")
    verbs = holidays.add_subparsers(dest="verb", required=True, metavar="{add,remove,list,import}")

    add = verbs.add_parser("add", help="add a holiday")
    add.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("--name", default="")
    add_json_flag(add)
    add.set_defaults(handler=run_add)

    remove = verbs.add_parser("remove", help="remove a holiday")
    remove.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    remove.set_defaults(handler=run_remove)

    listing = verbs.add_parser("list", help="list holidays")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    imports = verbs.add_parser("import", help="import public holidays from the holidays package")
    imports.add_argument("--country", required=True, help="ISO 3166 code, e.g. CA")
    imports.add_argument("--subdivision", help="e.g. ON")
    imports.add_argument("--years", required=True, nargs="+", type=year_arg, metavar="Y")
    add_json_flag(imports)
    imports.set_defaults(handler=run_import)


def run_add(args: argparse.Namespace, runtime: Runtime) -> int:
    day = parse_date(args.date, "DATE")
    runtime.open_store()
    row = calendar_service.add_holiday(runtime.context(), day, args.name)
    if args.json:
        emit_json(row.as_dict())
    else:
        print(f"holiday {row.date.isoformat()} {row.name}".rstrip())
    return 0


def run_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    day = parse_date(args.date, "DATE")
    runtime.open_store()
    calendar_service.remove_holiday(runtime.context(), day)
    print(f"removed holiday {day.isoformat()}")
    return 0


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    runtime.open_store()
    rows = [row.as_dict() for row in calendar_service.list_holidays()]
    if args.json:
        emit_json([{"date": r["date"], "name": r["name"]} for r in rows])
    else:
        emit_table(rows, ["date", "name", "source"])
    return 0


def run_import(args: argparse.Namespace, runtime: Runtime) -> int:
    runtime.open_store()
    added = calendar_service.import_holidays(
        runtime.context(), args.country, args.subdivision, args.years
    )
    if args.json:
        emit_json([{"date": r.date.isoformat(), "name": r.name} for r in added])
    else:
        print(f"imported {len(added)} holidays")
    return 0
