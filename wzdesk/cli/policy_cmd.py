"""``wzdesk policy show|set``: the versioned SLA policy (supervisors change it)."""

from __future__ import annotations

import argparse
from datetime import datetime

from wzdesk.cli.common import Runtime, add_json_flag, severity_arg, support_zone
from wzdesk.cli.holidays_cmd import add_dry_run_flag, print_retiming
from wzdesk.cli.output import emit_json
from wzdesk.core.calendar import format_week, parse_week
from wzdesk.core.errors import InvalidInput
from wzdesk.core.sla import Severity
from wzdesk.core.text import is_number
from wzdesk.core.timefmt import parse_date, parse_instant


def _severity_hours(text: str) -> tuple[Severity, float]:
    severity_text, _, hours_text = text.partition("=")
    severity = severity_arg(severity_text)
    try:
        return severity, float(hours_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SEVERITY=HOURS such as critical=4, got {text!r}"
        ) from None


def _severity_days(text: str) -> tuple[Severity, int]:
    severity_text, _, days_text = text.partition("=")
    severity = severity_arg(severity_text)
    if not is_number(days_text.strip()):
        raise argparse.ArgumentTypeError(
            f"expected SEVERITY=DAYS such as major=1 (whole open days), got {text!r}"
        )
    return severity, int(days_text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    policy = subparsers.add_parser("policy", help="the SLA policy and its versions")
    verbs = policy.add_subparsers(
        dest="verb",
        required=True,
        metavar="{show,set,subscribe,unsubscribe,subscribers,notify}",
    )

    show = verbs.add_parser("show", help="every policy version, oldest first")
    add_json_flag(show)
    show.set_defaults(handler=run_show)

    change = verbs.add_parser("set", help="add a policy version (supervisors)")
    change.add_argument(
        "--effective",
        required=True,
        help="when it takes effect: an ISO instant, or a date (00:00 support time)",
    )
    change.add_argument(
        "--response",
        action="append",
        default=[],
        type=_severity_hours,
        metavar="SEVERITY=HOURS",
        help="response target in business hours",
    )
    change.add_argument(
        "--resolution",
        action="append",
        default=[],
        type=_severity_hours,
        metavar="SEVERITY=HOURS",
        help="resolution target in business hours",
    )
    change.add_argument(
        "--response-days",
        action="append",
        default=[],
        type=_severity_days,
        metavar="SEVERITY=DAYS",
        help=(
            "response target in open days: due the same time of day DAYS open days later "
            "(rolled to the next opening when closed then), instead of 10 business hours a day"
        ),
    )
    change.add_argument(
        "--resolution-days",
        action="append",
        default=[],
        type=_severity_days,
        metavar="SEVERITY=DAYS",
        help="resolution target in open days (as --response-days)",
    )
    change.add_argument(
        "--around-the-clock",
        action="append",
        default=[],
        type=severity_arg,
        metavar="SEVERITY",
        help="count this severity's targets 24x7",
    )
    change.add_argument(
        "--office-hours-only",
        action="append",
        default=[],
        type=severity_arg,
        metavar="SEVERITY",
        help="count this severity on office hours again",
    )
    change.add_argument("--at-risk", type=float, metavar="RATIO", help="e.g. 0.75")
    change.add_argument(
        "--hours",
        action="append",
        default=[],
        metavar="[DAYS=]HH:MM-HH:MM[,...]",
        help=(
            "opening hours; without DAYS for Monday-Friday (weekend closed), e.g. 08:00-18:00 "
            "or a lunch break 09:00-12:00,13:00-18:00; repeat with days for other weeks: "
            "--hours mon-thu=08:00-18:00 --hours fri=08:00-16:00 --hours sat=09:00-12:00 "
            "(days not named are closed, a later value wins, sun=closed); a window may cross "
            "midnight (23:00-07:00 belongs to the day it starts)"
        ),
    )
    change.add_argument("--zone", help="support time zone, e.g. America/Toronto")
    change.add_argument("--note", default="")
    add_dry_run_flag(change)
    add_json_flag(change)
    change.set_defaults(handler=run_set)

    subscribe = verbs.add_parser("subscribe", help="send a contact notices of policy updates")
    subscribe.add_argument("email", metavar="EMAIL")
    add_json_flag(subscribe)
    subscribe.set_defaults(handler=run_subscribe)
    unsubscribe = verbs.add_parser("unsubscribe", help="stop sending them policy updates")
    unsubscribe.add_argument("email", metavar="EMAIL")
    add_json_flag(unsubscribe)
    unsubscribe.set_defaults(handler=run_subscribe)
    subscribers = verbs.add_parser("subscribers", help="who gets policy update notices")
    subscribers.add_argument("--all", action="store_true", help="also those who unsubscribed")
    add_json_flag(subscribers)
    subscribers.set_defaults(handler=run_subscribers)
    notify = verbs.add_parser(
        "notify", help="email a policy version's changes to every subscriber, once (supervisors)"
    )
    notify.add_argument("version", type=int, metavar="VERSION")
    add_json_flag(notify)
    notify.set_defaults(handler=run_notify)


def run_show(args: argparse.Namespace, runtime: Runtime) -> int:
    versions = runtime.policy_versions()
    if args.json:
        emit_json(versions)
        return 0
    for version in versions:
        hours = format_week(parse_week([f"{day}={span}" for day, span in version["hours"].items()]))
        print(
            f"version {version['id']} from {version['from']} ({version['zone']}; "
            f"{hours}; at risk at {version['at_risk_ratio']:.0%})"
        )
        for severity, target in version["targets"].items():
            clock = "24x7" if target["around_the_clock"] else "business"
            response = (
                f"{target['response_days']} open day(s)"
                if target["response_days"]
                else f"{target['response_hours']:g}h"
            )
            resolution = (
                f"{target['resolution_days']} open day(s)"
                if target["resolution_days"]
                else f"{target['resolution_hours']:g}h"
            )
            print(f"  {severity:<9} response {response}  resolution {resolution}  ({clock} hours)")
    return 0


def _effective(text: str, runtime: Runtime) -> datetime:
    if "T" in text or " " in text.strip():
        return parse_instant(text, "--effective")
    from zoneinfo import ZoneInfo

    from wzdesk.services.policy_book import load_policy_book

    day = parse_date(text, "--effective")
    zone: ZoneInfo = load_policy_book().at(runtime.clock.now()).calendar.zone
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def run_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.calendar import PolicyChange, change_policy

    ctx = runtime.context()
    both = set(args.around_the_clock) & set(args.office_hours_only)
    if both:
        raise InvalidInput(
            f"{', '.join(sorted(s.value for s in both))} cannot be both 24x7 and office hours",
            field="--around-the-clock",
        )
    around = {s: True for s in args.around_the_clock} | {s: False for s in args.office_hours_only}
    change = PolicyChange(
        effective_from=_effective(args.effective, runtime),
        response_hours=dict(args.response),
        resolution_hours=dict(args.resolution),
        response_days=dict(args.response_days),
        resolution_days=dict(args.resolution_days),
        around_the_clock=around,
        at_risk_ratio=args.at_risk,
        weekly_hours=tuple(args.hours),
        zone_name=args.zone,
        note=args.note,
    )
    created, retiming = change_policy(ctx, change, dry_run=args.dry_run)
    zone = support_zone(runtime)
    if args.json:
        emit_json({**created, "retimed": retiming.as_dict(zone)} if args.dry_run else created)
        return 0
    verb = "would take" if args.dry_run else "takes"
    print(f"policy version {created['id']} {verb} effect {created['effective_from']}")
    if args.dry_run or retiming.moves:
        print_retiming(retiming, zone)
    return 0


def run_subscribe(args: argparse.Namespace, runtime: Runtime) -> int:
    """``policy subscribe`` and ``policy unsubscribe``."""
    from wzdesk.services.directory_fields import subscriber_dict
    from wzdesk.services.policy_notices import subscribe, unsubscribe

    joining = args.verb == "subscribe"
    row = (subscribe if joining else unsubscribe)(runtime.context(), args.email)
    if args.json:
        emit_json(subscriber_dict(row, support_zone(runtime)))
    else:
        print(f"{row.email} {'gets' if joining else 'no longer gets'} notices of policy updates")
    return 0


def run_subscribers(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.cli.output import emit_table

    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_subscribers

        rows = quick_subscribers(runtime.db_url, runtime.identity, runtime.clock.now(), args.all)
    if rows is None:
        from wzdesk.services.directory_fields import subscriber_dict
        from wzdesk.services.policy_notices import list_subscribers

        runtime.context()
        zone = support_zone(runtime)
        rows = [subscriber_dict(r, zone) for r in list_subscribers(include_left=args.all)]
    emit_json(rows) if args.json else emit_table(rows, ["email", "subscribed", "subscribed_at"])
    return 0


def run_notify(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.policy_notices import notify_policy

    report = notify_policy(runtime.context(), args.version)
    if args.json:
        emit_json(report.as_dict())
        return 0
    print(
        f"policy version {report.version}: queued for {len(report.queued)} subscriber(s); "
        f"{len(report.already)} already had it ('wzdesk mail outbox send' delivers them)"
    )
    for address in report.queued:
        print(f"  queued to {address}")
    return 0
