"""``wzdesk holidays add|remove|list|import``: the calendar's closed days."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from wzdesk.cli.common import Runtime, add_json_flag, support_zone, year_arg
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.core.timefmt import format_instant, parse_date

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from wzdesk.services.calendar import HolidayRow
    from wzdesk.services.retiming import Retiming

DRY_RUN_HELP = (
    "change nothing: print which cases' due instants would move, by how much, and which "
    "would newly breach or stop being breached"
)


def add_dry_run_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help=DRY_RUN_HELP)


def _shift(seconds: float) -> str:
    sign = "+" if seconds >= 0 else "-"
    minutes = round(abs(seconds) / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours}h{minutes:02d}m"


def print_retiming(retiming: Retiming, zone: ZoneInfo) -> None:
    """One line per moved case (wall-clock shifts), then who newly breaches or stops."""
    verb = "would re-time" if retiming.dry_run else "re-timed"
    print(f"{verb} {len(retiming.moves)} case(s)")
    for move in retiming.moves:
        parts = []
        for label, before, after, shift in (
            ("response", move.before.response_due, move.after.response_due, move.response_shift),
            (
                "resolution",
                move.before.resolution_due,
                move.after.resolution_due,
                move.resolution_shift,
            ),
        ):
            if before != after:
                parts.append(
                    f"{label} {format_instant(before, zone)} -> {format_instant(after, zone)} "
                    f"({_shift(shift)})"
                )
        line = f"  {move.ref}  " + "; ".join(parts)
        if move.newly_breached:
            line += f"  NEWLY BREACHED: {', '.join(move.newly_breached)}"
        if move.no_longer_breached:
            line += f"  no longer breached: {', '.join(move.no_longer_breached)}"
        print(line)
    if retiming.recounted_note:
        print(f"  {retiming.recounted_note}")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    holidays = subparsers.add_parser("holidays", help="days the desk is closed")
    verbs = holidays.add_subparsers(dest="verb", required=True, metavar="{add,remove,list,import}")

    add = verbs.add_parser("add", help="add a holiday")
    add.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    add.add_argument("--name", default="")
    add.add_argument(
        "--hours",
        metavar="HH:MM-HH:MM[,...]",
        help=(
            "the hours the desk keeps that day instead of closing all day: a half-day "
            "(08:00-12:00) or a closure inside the day (08:00-13:00,15:00-18:00); 'closed' "
            "makes an existing exception a whole-day holiday again"
        ),
    )
    add_dry_run_flag(add)
    add_json_flag(add)
    add.set_defaults(handler=run_add)

    remove = verbs.add_parser("remove", help="remove a holiday")
    remove.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    add_dry_run_flag(remove)
    add_json_flag(remove)
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
    from wzdesk.services import calendar as calendar_service

    day = parse_date(args.date, "DATE")
    runtime.open_store()
    row = calendar_service.add_holiday(
        runtime.context(), day, args.name, dry_run=args.dry_run, hours=args.hours
    )
    zone = support_zone(runtime)
    was = None if row.was is None else {"name": row.was[0], "hours": row.was[1]}
    if args.json:
        emit_json({**row.as_dict(), "was": was, "retimed": row.retiming.as_dict(zone)})
        return 0
    verb = "would add" if args.dry_run else "holiday"
    kept = f" (open {row.hours})" if row.hours else ""
    print(f"{verb} {row.date.isoformat()} {row.name}".rstrip() + kept + _was(row))
    print_retiming(row.retiming, zone)
    return 0


def _was(row: HolidayRow) -> str:
    """What an add did to a date that already held a holiday: it renames it, or changes its
    hours, or leaves it as it was (it said "holiday 2026-03-16 Y" as if it were new)."""
    if row.was is None:
        return ""
    name, hours = row.was
    if (name, hours) == (row.name, row.hours):
        return "; already a holiday, unchanged"
    shown = f"{name} " if name else ""
    return f"; was {shown}({'open ' + hours if hours else 'closed all day'})"


def run_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import calendar as calendar_service

    day = parse_date(args.date, "DATE")
    runtime.open_store()
    retiming = calendar_service.remove_holiday(runtime.context(), day, dry_run=args.dry_run)
    zone = support_zone(runtime)
    if args.json:
        emit_json({"date": day.isoformat(), "retimed": retiming.as_dict(zone)})
        return 0
    print(f"{'would remove' if args.dry_run else 'removed'} holiday {day.isoformat()}")
    print_retiming(retiming, zone)
    return 0


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.policy_book import quick_holiday_list

    rows = quick_holiday_list(runtime.db_url)  # no Peewee when it can (issue 13)
    if rows is None:
        runtime.open_store()
        from wzdesk.services.calendar import holiday_list

        rows = holiday_list()
    if args.json:
        emit_json([{"date": r["date"], "name": r["name"], "hours": r["hours"]} for r in rows])
    else:
        for r in rows:
            r["hours"] = r["hours"] or "closed"
        emit_table(rows, ["date", "name", "hours", "source"])
    return 0


def run_import(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services import calendar as calendar_service

    runtime.open_store()
    added = calendar_service.import_holidays(
        runtime.context(), args.country, args.subdivision, args.years
    )
    if args.json:
        emit_json([{"date": r.date.isoformat(), "name": r.name} for r in added])
    else:
        print(f"imported {len(added)} holidays")
    return 0
