"""``wzdesk sla due|elapsed``: SLA arithmetic on the database's calendar."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag, severity_arg
from wzdesk.cli.output import emit_fields, emit_json
from wzdesk.core.timefmt import format_instant, parse_instant


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sla = subparsers.add_parser("sla", help="SLA arithmetic: due instants, business time")
    verbs = sla.add_subparsers(dest="verb", required=True, metavar="{due,elapsed,events,latest}")

    due = verbs.add_parser("due", help="response and resolution due instants for a new case")
    due.add_argument("--severity", required=True, type=severity_arg)
    due.add_argument("--received", required=True, help="ISO-8601 instant with an offset")
    add_json_flag(due)
    due.set_defaults(handler=run_due)

    latest = verbs.add_parser(
        "latest",
        help="the latest receipt instant at which a case is still due by a given instant",
    )
    latest.add_argument("--severity", required=True, type=severity_arg)
    latest.add_argument("--due-by", required=True, help="ISO-8601 instant with an offset")
    add_json_flag(latest)
    latest.set_defaults(handler=run_latest)

    elapsed = verbs.add_parser("elapsed", help="business seconds between two instants")
    elapsed.add_argument("--from", dest="start", required=True, help="ISO-8601 instant")
    elapsed.add_argument("--to", dest="end", required=True, help="ISO-8601 instant")
    add_json_flag(elapsed)
    elapsed.set_defaults(handler=run_elapsed)

    events = verbs.add_parser(
        "events", help="SLA events (at_risk, breached, met, late, paused, resumed)"
    )
    events.add_argument("--case", metavar="REF", help="one case's events")
    events.add_argument("--from", dest="start", metavar="DATE", help="cases received from DATE")
    events.add_argument("--to", dest="end", metavar="DATE", help="... to before DATE")
    form = events.add_mutually_exclusive_group()
    form.add_argument("--jsonl", action="store_true", help="one JSON object a line")
    form.add_argument("--csv", action="store_true", help="CSV with a header line")
    events.set_defaults(handler=run_events)


def run_events(args: argparse.Namespace, runtime: Runtime) -> int:
    """``sla events``: its parser stays here (loading a command loads one module); the work
    lives beside the reports."""
    from wzdesk.cli.insights_cmd import run_events as run

    return run(args, runtime)


def run_due(args: argparse.Namespace, runtime: Runtime) -> int:
    received = parse_instant(args.received, "--received")
    policy = runtime.policy_book().at(received)
    zone = policy.calendar.zone
    result = {
        "severity": args.severity.value,
        "received_at": format_instant(received, zone),
        "response_due": format_instant(policy.response_due(args.severity, received), zone),
        "resolution_due": format_instant(policy.resolution_due(args.severity, received), zone),
    }
    emit_json(result) if args.json else emit_fields(result)
    return 0


def run_latest(args: argparse.Namespace, runtime: Runtime) -> int:
    """Backward arithmetic: received by when, to be answered / resolved by ``--due-by``."""
    due_by = parse_instant(args.due_by, "--due-by")
    book = runtime.policy_book()
    result: dict[str, object] = {"severity": args.severity.value}
    zone = book.at(due_by).calendar.zone
    result["due_by"] = format_instant(due_by, zone)
    for name, resolution in (("response", False), ("resolution", True)):
        # The answer falls under the policy in force when received: settle it in two steps.
        received = book.at(due_by).latest_receipt(args.severity, due_by, resolution)
        received = book.at(received).latest_receipt(args.severity, due_by, resolution)
        result[f"{name}_received_by"] = format_instant(received, zone)
    emit_json(result) if args.json else emit_fields(result)
    return 0


def run_elapsed(args: argparse.Namespace, runtime: Runtime) -> int:
    start = parse_instant(args.start, "--from")
    end = parse_instant(args.end, "--to")
    seconds = runtime.policy_book().at(start).calendar.business_seconds_between(start, end)
    value = int(seconds) if float(seconds).is_integer() else round(seconds, 6)
    if args.json:
        emit_json({"business_seconds": value})
    else:
        print(value)
    return 0
