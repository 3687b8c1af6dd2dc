"""``wzdesk case explain``, ``wzdesk sla events``, ``wzdesk report ...`` and ``wzdesk audit``:
SLA evidence and insights for scripts (as of ``WZDESK_NOW`` when it is set)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_fields, emit_json, emit_table, one_more, say_if_cut
from wzdesk.core.timefmt import format_percent, parse_date, parse_instant

EVENT_COLUMNS = ["case", "target", "kind", "at", "detail"]
REPORT_NAMES = ("sla", "backlog", "breaches", "channels", "agents", "clients")


def register_explain(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """``case explain REF``."""
    explain = verbs.add_parser(
        "explain", help="how each SLA target was counted: intervals, skipped time, outcome"
    )
    explain.add_argument("ref", metavar="REF")
    add_json_flag(explain)
    explain.set_defaults(handler=run_explain)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    report = subparsers.add_parser("report", help="reports over cases received in a period")
    kinds = report.add_subparsers(
        dest="report", required=True, metavar="{" + ",".join(REPORT_NAMES) + "}"
    )
    for name in REPORT_NAMES:
        parser = kinds.add_parser(name, help=f"the {name} report")
        parser.add_argument(
            "--from", dest="start", required=True, metavar="DATE", help="the period's first day"
        )
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            metavar="DATE",
            help="the day after its last (--from 2026-03-02 --to 2026-03-09: one week)",
        )
        if name == "sla":
            parser.add_argument(
                "--by", default="severity", help="severity, client, agent, channel, month or week"
            )
        form = parser.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true", help="print one JSON document")
        form.add_argument("--csv", action="store_true", help="CSV with a header line")
        parser.set_defaults(handler=run_report)

    audit = subparsers.add_parser("audit", help="the audit trail: who changed what, before/after")
    audit.add_argument("--case", metavar="REF")
    audit.add_argument("--user", metavar="LOGIN")
    audit.add_argument("--since", metavar="DATE|INSTANT")
    audit.add_argument("--limit", type=int, default=100, metavar="N")
    add_json_flag(audit)
    audit.set_defaults(handler=run_audit)


def run_explain(args: argparse.Namespace, runtime: Runtime) -> int:
    result = _explained(args.ref, runtime)
    if args.json:
        emit_json(result)
        return 0
    emit_fields(
        {
            "case": result["ref"],
            "as of": result["as_of"],
            "received": result["received_at"],
            "severity": result["severity"],
            "status": result["status"],
            "policy": f"version {result['policy']['version']} "
            f"(in force from {result['policy']['from']})",
        }
    )
    for change in result["severity_changes"]:
        print(f"severity {change['from']} -> {change['to']} at {change['at']}")
    # A severity counted 24x7 counts every second, not business ones.
    seconds = "seconds (24x7)" if result["policy"].get("around_the_clock") else "business seconds"
    for target in result["targets"]:
        print()
        outcome = target["outcome"]
        print(
            f"{target['target']}: target {target['target_seconds']} s, due {target['due']}, "
            f"{target['state']}" + (f" at {outcome['at']}" if outcome else "")
        )
        if outcome and outcome["event"]:
            event = outcome["event"]
            author = f" of {event['author']}" if event["author"] is not None else ""
            print(f"  by {event['kind']}{author} at {event['at']}")
        seconds = (
            "seconds (24x7)" if result["policy"].get("around_the_clock") else "business seconds"
        )
        print(f"  counted {target['elapsed_seconds']} {seconds} until {target['counted_until']}")
        for interval in target["intervals"]:
            print(f"  + {interval['start']} .. {interval['end']}  {interval['seconds']} s")
        for gap in target["skipped"]:
            print(f"  - {gap['start']} .. {gap['end']}  skipped ({', '.join(gap['reasons'])})")
    return 0


def _explained(ref: str, runtime: Runtime) -> dict[str, Any]:
    """``case explain``'s object: read without Peewee when it can be, ``--as`` never."""
    if runtime.act_as is None:
        from wzdesk.services.quick_history_reads import quick_explain

        quick = quick_explain(runtime.db_url, runtime.identity, ref, runtime.clock.now())
        if quick is not None:
            return quick
    from wzdesk.services.sla_history import explain_case

    return explain_case(runtime.context(), ref)


def run_events(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = _events(args, runtime)
    if args.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif args.csv:
        _write_csv(rows, EVENT_COLUMNS)
    else:
        emit_table(rows, EVENT_COLUMNS)
    return 0


def _events(args: argparse.Namespace, runtime: Runtime) -> list[dict[str, Any]]:
    """``sla events``' rows: one case's read without Peewee when it can be, ``--as`` never."""
    if args.case is not None and args.start is None and args.end is None:
        if runtime.act_as is None:
            from wzdesk.services.quick_history_reads import quick_events

            quick = quick_events(runtime.db_url, runtime.identity, args.case, runtime.clock.now())
            if quick is not None:
                return quick
    from wzdesk.services.sla_history import EventQuery, event_rows

    start = None if args.start is None else parse_date(args.start, "--from")
    end = None if args.end is None else parse_date(args.end, "--to")
    return list(event_rows(runtime.context(), EventQuery(args.case, start, end)))


def _write_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row.get(c) for c in columns})


def run_report(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.reports import REPORTS, Period, flat, report_columns, sla_report

    period = Period(parse_date(args.start, "--from"), parse_date(args.end, "--to"))
    context = runtime.context()
    if args.report == "sla":
        rows = sla_report(context, period, args.by)
    else:
        rows = REPORTS[args.report](context, period, None)
    if args.json:
        emit_json(rows)
        return 0
    table = [flat(row) for row in rows]
    columns = report_columns(args.report, args.by if args.report == "sla" else "severity")
    if args.csv:
        _write_csv(table, columns)
    else:
        emit_table([_for_reading(row) for row in table], columns)
    return 0


def _for_reading(row: dict[str, Any]) -> dict[str, Any]:
    """A report row as the table shows it to people: a compliance as a percentage, seconds
    whole (``0.8275862068965517`` and ``7862.304`` were hard to read), and "–" where there is
    nothing to measure (a blank cell shifted the columns). JSON and CSV keep the exact values,
    for scripts and spreadsheets."""
    shown = dict(row)
    for key, value in row.items():
        if not key.endswith(("compliance", "seconds")):
            continue
        if value is None:
            shown[key] = "–"
        elif isinstance(value, float) and key.endswith("compliance"):
            shown[key] = format_percent(value)
        elif isinstance(value, float):
            shown[key] = round(value)
    return shown


def run_audit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.audit_fields import AUDIT_LIMIT, check_audit_limit

    since = None if args.since is None else _since(args.since)
    limit = check_audit_limit(args.limit)
    asked = one_more(limit, AUDIT_LIMIT)
    found = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_audit

        now = runtime.clock.now()
        found = quick_audit(
            runtime.db_url, runtime.identity, now, args.case, args.user, since, asked
        )
    if found is None:
        from wzdesk.services.reports import AuditQuery, audit_entries

        if isinstance(since, date) and not isinstance(since, datetime):
            from wzdesk.cli.common import support_zone
            from wzdesk.core.timefmt import day_start

            since = day_start(since, support_zone(runtime))
        found = audit_entries(runtime.context(), AuditQuery(args.case, args.user, since, asked))
    rows = found[:limit]
    if args.json:
        emit_json(rows)
        say_if_cut(len(found), limit, "entries")  # a script is told too
        return 0
    table = [
        {
            **row,
            "before": ""
            if row["before"] is None
            else json.dumps(row["before"], ensure_ascii=False),
            "after": "" if row["after"] is None else json.dumps(row["after"], ensure_ascii=False),
        }
        for row in rows
    ]
    emit_table(table, ["at", "actor", "action", "entity_id", "before", "after"])
    say_if_cut(len(found), limit, "entries")
    return 0


def _since(text: str) -> datetime | date:
    """A date (meaning its support-zone midnight) or an instant with an offset."""
    if len(text.strip()) == 10:
        return parse_date(text, "--since")
    return parse_instant(text, "--since")
