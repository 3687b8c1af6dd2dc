"""``wzdesk alert ...``: the alerts ``notify`` sent, and the rules that say which SLA event
alerts whom (supervisors edit them)."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag, support_zone
from wzdesk.cli.output import emit_json, emit_table, one_more, say_if_cut
from wzdesk.core.bounds import MAX_LIMIT, check_limit


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    alert = subparsers.add_parser("alert", help="SLA alerts and their rules")
    verbs = alert.add_subparsers(dest="alert_verb", required=True, metavar="{list,rule}")
    listing = verbs.add_parser("list", help="alerts sent by 'wzdesk notify', newest first")
    listing.add_argument("--limit", type=int, default=50, metavar="N")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    rule = verbs.add_parser("rule", help="which event alerts whom")
    rverbs = rule.add_subparsers(dest="rule_verb", required=True, metavar="{list,add,remove}")
    rlist = rverbs.add_parser("list", help="every alert rule")
    add_json_flag(rlist)
    rlist.set_defaults(handler=run_rule_list)
    radd = rverbs.add_parser("add", help="a new rule (supervisors)")
    radd.add_argument("--event", required=True, help="at_risk, breached or unassigned")
    radd.add_argument(
        "--severity", action="append", default=[], metavar="S", help="repeat; default: all"
    )
    radd.add_argument(
        "--to", required=True, help="assignee (else supervisors), supervisors, or LOGIN,LOGIN"
    )
    radd.add_argument("--minutes", type=int, help="unassigned: after this many business minutes")
    add_json_flag(radd)
    radd.set_defaults(handler=run_rule_add)
    rremove = rverbs.add_parser("remove", help="delete a rule (supervisors)")
    rremove.add_argument("id", type=int, metavar="ID")
    add_json_flag(rremove)
    rremove.set_defaults(handler=run_rule_remove)


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    limit: int = args.limit
    check_limit(limit)
    found = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_alerts

        found = quick_alerts(
            runtime.db_url, runtime.identity, runtime.clock.now(), one_more(limit, MAX_LIMIT)
        )
    if found is None:
        from wzdesk.services.alerts import alert_dict, recent_alerts

        runtime.context()
        zone = support_zone(runtime)
        found = [alert_dict(row, zone) for row in recent_alerts(one_more(limit, MAX_LIMIT))]
    rows = found[:limit]
    if args.json:
        emit_json(rows)
        say_if_cut(len(found), limit, "alerts")  # a script is told too
        return 0
    emit_table(rows, ["at", "case", "summary"])
    say_if_cut(len(found), limit, "alerts")
    return 0


def run_rule_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_alert_rules

        rows = quick_alert_rules(runtime.db_url, runtime.identity)
    if rows is None:
        from wzdesk.services.alerts import list_rules, rule_dict

        runtime.context()
        rows = [rule_dict(rule) for rule in list_rules()]
    emit_json(rows) if args.json else emit_table(rows, ["id", "text"])
    return 0


def run_rule_add(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.alerts import add_rule, rule_dict

    rule = add_rule(runtime.context(), args.event, args.severity, args.to, args.minutes)
    emit_json(rule_dict(rule)) if args.json else print(f"added {rule_dict(rule)['text']}")
    return 0


def run_rule_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.alerts import remove_rule, rule_dict

    rule = remove_rule(runtime.context(), args.id)
    emit_json(rule_dict(rule)) if args.json else print(f"removed {rule_dict(rule)['text']}")
    return 0
