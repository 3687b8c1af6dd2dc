"""``wzdesk services ...``: professional services for scripts and accounting.

Rates, quotes on a case, time against approved quotes, prepaid hours and the accounting export.
Amounts in JSON are strings with two decimals (``"2775.00"``); so are hours and percentages.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wzdesk.cli.common import Runtime, add_json_flag, register_one_verb
from wzdesk.cli.output import emit_json, emit_table
from wzdesk.core.timefmt import parse_date

QUOTE_VERBS = ("send", "approve", "decline", "start", "done")


def _global_options(parser: argparse.ArgumentParser) -> None:
    """``--db``/``--as`` after a command that also has subcommands (``rates``, ``tiers``)."""
    parser.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--as", dest="acting", metavar="LOGIN", default=argparse.SUPPRESS, help="act as this user"
    )


def _version_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="refuse (exit 3) if the quote is no longer at this version",
    )


#: Every area, in the order ``wzdesk services --help`` lists them.
_AREA_NAMES = "rates,quote,time,prepaid,balance,export"


def _areas(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    services: argparse.ArgumentParser = subparsers.add_parser(
        "services", help="professional services: rates, quotes, time"
    )
    return services.add_subparsers(dest="area", required=True, metavar="{" + _AREA_NAMES + "}")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    verbs = _areas(subparsers)
    for add_area in _AREAS.values():
        add_area(verbs)


def register_only(subparsers: argparse._SubParsersAction, command: str, verb: str | None) -> bool:  # type: ignore[type-arg]
    """The ``services`` parser with just the area ``verb`` names under it (``rates``,
    ``quote``...); False (nothing added) for none. The whole tree costs about 6 ms of argparse,
    more than ``services rates`` reads (issue 13: scripts start fast)."""
    return register_one_verb(subparsers, _areas, _AREAS, verb)


def _add_rates(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    rates = verbs.add_parser("rates", help="the rate card (set: supervisors)")
    add_json_flag(rates)
    rates.add_argument("--all", action="store_true", help="every row: history and scheduled")
    _global_options(rates)
    rates.set_defaults(handler=run_rates)
    rate_verbs = rates.add_subparsers(dest="rates_verb", required=False, metavar="{set}")
    setting = rate_verbs.add_parser("set", help="a role's new rates from a future date on")
    setting.add_argument("role", metavar="ROLE", help="coordinator, specialist or programmer")
    setting.add_argument("--day", required=True, metavar="AMOUNT", help="day rate, e.g. 1200")
    setting.add_argument("--hour", required=True, metavar="AMOUNT", help="hour rate, e.g. 150")
    setting.add_argument("--effective", required=True, metavar="DATE", help="YYYY-MM-DD")
    setting.add_argument("--note", default="")
    add_json_flag(setting)
    setting.set_defaults(handler=run_rates_set)


def _add_quote(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    quote = verbs.add_parser("quote", help="quotes on a case")
    quote_verbs = quote.add_subparsers(
        dest="verb", required=True, metavar="{new,edit,show,list,send,approve,decline,start,done}"
    )
    new = quote_verbs.add_parser("new", help="a draft quote on a case")
    new.add_argument("ref", metavar="REF")
    new.add_argument("--type", required=True, metavar="a..j", help="the policy's service type")
    new.add_argument("--scope", required=True, metavar="TEXT")
    new.add_argument(
        "--line", action="append", default=[], metavar="ROLE:QTY:h|d", help="repeat per line"
    )
    new.add_argument("--discount", default="0", metavar="PCT")
    add_json_flag(new)
    new.set_defaults(handler=run_quote_new)

    edit = quote_verbs.add_parser("edit", help="change a draft (--line replaces every line)")
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--type", metavar="a..j")
    edit.add_argument("--scope", metavar="TEXT")
    edit.add_argument("--line", action="append", metavar="ROLE:QTY:h|d")
    edit.add_argument("--discount", metavar="PCT")
    _version_flag(edit)
    add_json_flag(edit)
    edit.set_defaults(handler=run_quote_edit)

    show = quote_verbs.add_parser("show", help="one quote: lines, totals, time used")
    show.add_argument("id", metavar="ID")
    add_json_flag(show)
    show.set_defaults(handler=run_quote_show)

    listing = quote_verbs.add_parser("list", help="the quotes on a case, newest first")
    listing.add_argument("ref", metavar="REF")
    add_json_flag(listing)
    listing.set_defaults(handler=run_quote_list)

    for verb in QUOTE_VERBS:
        move = quote_verbs.add_parser(verb, help=f"{verb} a quote")
        move.add_argument("id", metavar="ID")
        if verb == "approve":
            move.add_argument(
                "--prepaid", action="store_true", help="the work draws on the prepaid hours"
            )
        _version_flag(move)
        add_json_flag(move)
        move.set_defaults(handler=run_quote_move, move=verb)


def _add_time(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    time = verbs.add_parser("time", help="time against approved quotes")
    time_verbs = time.add_subparsers(dest="verb", required=True, metavar="{log}")
    log = time_verbs.add_parser("log", help="log work on an approved quote")
    log.add_argument("quote", metavar="QUOTE")
    log.add_argument("--role", required=True, help="coordinator, specialist or programmer")
    log.add_argument("--hours", required=True, metavar="H")
    log.add_argument("--date", metavar="DATE", help="YYYY-MM-DD (default: today)")
    log.add_argument("--note", default="")
    log.add_argument(
        "--allow-overrun", action="store_true", help="supervisors: log past the quoted hours"
    )
    add_json_flag(log)
    log.set_defaults(handler=run_time_log)


def _add_prepaid(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    prepaid = verbs.add_parser("prepaid", help="prepaid hours and volume-discount tiers")
    prepaid_verbs = prepaid.add_subparsers(dest="verb", required=True, metavar="{buy,tiers}")
    buy = prepaid_verbs.add_parser("buy", help="record a purchase of prepaid hours")
    buy.add_argument("client", metavar="CLIENT")
    buy.add_argument("--hours", required=True, metavar="H")
    buy.add_argument("--role", default="specialist", help="whose hour rate prices the block")
    buy.add_argument("--note", default="")
    add_json_flag(buy)
    buy.set_defaults(handler=run_prepaid_buy)
    tiers = prepaid_verbs.add_parser("tiers", help="volume discounts (set/remove: supervisors)")
    add_json_flag(tiers)
    _global_options(tiers)
    tiers.set_defaults(handler=run_tiers)
    tier_verbs = tiers.add_subparsers(dest="tiers_verb", required=False, metavar="{set,remove}")
    tier_set = tier_verbs.add_parser("set", help="a discount from a number of hours on")
    tier_set.add_argument("--min-hours", required=True, metavar="H")
    tier_set.add_argument("--discount", required=True, metavar="PCT")
    tier_set.set_defaults(handler=run_tier_set)
    tier_remove = tier_verbs.add_parser("remove", help="remove a tier")
    tier_remove.add_argument("--min-hours", required=True, metavar="H")
    tier_remove.set_defaults(handler=run_tier_remove)


def _add_balance(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    balance = verbs.add_parser("balance", help="a client's prepaid hours, line by line")
    balance.add_argument("client", metavar="CLIENT")
    add_json_flag(balance)
    balance.set_defaults(handler=run_balance)


def _add_export(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = verbs.add_parser("export", help="quotes, time and purchases for accounting")
    export.add_argument("--from", dest="start", required=True, metavar="DATE")
    export.add_argument("--to", dest="end", required=True, metavar="DATE")
    form = export.add_mutually_exclusive_group(required=True)
    form.add_argument("--csv", action="store_true")
    form.add_argument("--json", action="store_true")
    export.set_defaults(handler=run_export)


_AREAS = {
    "rates": _add_rates,
    "quote": _add_quote,
    "time": _add_time,
    "prepaid": _add_prepaid,
    "balance": _add_balance,
    "export": _add_export,
}


# -- rates ----------------------------------------------------------------------------------------


def run_rates(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_rates

        rows = quick_rates(runtime.db_url, runtime.identity, runtime.clock.now(), args.all)
    if rows is None:
        from wzdesk.services.billing.common import support_date
        from wzdesk.services.billing.rates import rate_history, rates_in_force

        runtime.context()
        today = support_date(runtime.clock.now())
        if args.all:
            rows = [row.as_dict(today) for row in rate_history()]
        else:
            rows = [row.as_dict() for row in rates_in_force(today).values()]
    if args.json:
        emit_json(rows)
    else:
        columns = ["role", "day_rate", "hour_rate", "effective", "name"]
        emit_table(rows, columns + (["scheduled"] if args.all else []))
    return 0


def run_rates_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.money import parse_cents
    from wzdesk.services.billing.rates import set_rate

    day = parse_cents(args.day, "--day")
    hour = parse_cents(args.hour, "--hour")
    effective = parse_date(args.effective, "--effective")
    row = set_rate(runtime.context(), args.role, day, hour, effective, args.note)
    if args.json:
        emit_json(row.as_dict())
    else:
        values = row.as_dict()
        print(
            f"{values['role']}: {values['day_rate']}/day, {values['hour_rate']}/hour "
            f"from {values['effective']}"
        )
    return 0


# -- quotes ---------------------------------------------------------------------------------------


def _print_quote(view: dict[str, Any], as_json: bool) -> None:
    if as_json:
        emit_json(view)
        return
    kind = f"{view['service_type']}) {view['service_type_name']}" if view["service_type"] else "-"
    print(f"{view['label']}  {view['status']}  case {view['case']} ({view['client']})  {kind}")
    print(f"  scope: {view['scope'] or '-'}")
    paid = "  · paid from prepaid hours" if view["prepaid"] else ""
    print(f"  rates of {view['rates_on']}{paid}")
    emit_table(view["lines"], ["role", "quantity", "unit", "rate", "amount"])
    print(f"  subtotal {view['subtotal']}")
    if view["discount"] != "0.00":
        print(f"  discount {view['discount_percent']}%  {view['discount']}")
    print(f"  total    {view['total']}")
    if view["status"] in ("approved", "in_progress", "done"):
        for row in view["usage"]:
            print(
                f"  time {row['role']}: {row['used_hours']} of {row['quoted_hours']} h "
                f"({row['percent_used']}%)"
            )
    if view["next"]:
        print(f"  next: {', '.join(view['next'])}")


def _lines(texts: list[str]) -> list[Any]:
    from wzdesk.core.billing import parse_line_spec

    return [parse_line_spec(text) for text in texts]


def run_quote_new(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.money import parse_percent
    from wzdesk.services.billing.quotes import new_quote, show_quote

    lines = _lines(args.line)
    discount = parse_percent(args.discount, "--discount")
    quote = new_quote(runtime.context(), args.ref, args.type, args.scope, lines, discount)
    _print_quote(show_quote(quote.id), args.json)
    return 0


def run_quote_edit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.money import parse_percent
    from wzdesk.services.billing.quotes import edit_quote, show_quote

    quote = edit_quote(
        runtime.context(),
        args.id,
        service_type=args.type,
        scope=args.scope,
        lines=_lines(args.line) if args.line is not None else None,
        discount=parse_percent(args.discount, "--discount") if args.discount is not None else None,
        expected_version=args.expect_version,
    )
    _print_quote(show_quote(quote.id), args.json)
    return 0


def _quick_quotes(
    runtime: Runtime, number: str | None = None, case: str | None = None
) -> list[dict[str, Any]] | None:
    """Quotes over the quick read-only path (issue 13), or None (``--as``, or the path cannot
    be sure): the ordinary path answers."""
    if runtime.act_as is not None:
        return None
    from wzdesk.services.quick_reads import quick_quotes

    return quick_quotes(runtime.db_url, runtime.identity, number, case)


def run_quote_show(args: argparse.Namespace, runtime: Runtime) -> int:
    found = _quick_quotes(runtime, number=args.id)
    if found is None:
        from wzdesk.services.billing.quotes import show_quote

        runtime.context()
        found = [show_quote(args.id)]
    _print_quote(found[0], args.json)
    return 0


def run_quote_list(args: argparse.Namespace, runtime: Runtime) -> int:
    views = _quick_quotes(runtime, case=args.ref)
    if views is None:
        from wzdesk.services.billing.quotes import quotes_of_case

        runtime.context()
        views = quotes_of_case(args.ref)
    if args.json:
        emit_json(views)
    else:
        columns = ["label", "status", "service_type", "total", "quoted_hours", "used_hours"]
        emit_table(views, columns)
    return 0


def run_quote_move(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.billing.quotes import move_quote, show_quote

    quote = move_quote(
        runtime.context(),
        args.id,
        args.move,
        prepaid=getattr(args, "prepaid", False),
        expected_version=args.expect_version,
    )
    view = show_quote(quote.id)
    if args.json:
        emit_json(view)
    elif args.move == "send":
        print(f"{view['label']} sent (queued in the outbox); {view['case']} waits on the client")
    else:
        print(f"{view['label']} {view['status'].replace('_', ' ')} (case {view['case']})")
    return 0


# -- time -----------------------------------------------------------------------------------------


def run_time_log(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.billing import parse_quantity
    from wzdesk.services.billing.time_log import log_time

    hours = parse_quantity(args.hours, "--hours")
    day = parse_date(args.date, "--date") if args.date else None
    logged = log_time(
        runtime.context(),
        args.quote,
        args.role,
        hours,
        day,
        args.note,
        allow_overrun=args.allow_overrun,
    )
    values = logged.as_dict()
    if args.json:
        emit_json(values)
    else:
        print(
            f"logged {values['hours']} h {values['role']} on {values['quote']} "
            f"({values['date']}): {values['role_used_hours']} of {values['role_quoted_hours']} h "
            f"used ({values['percent_used']}%)"
        )
    if logged.warning:
        print(f"wzdesk: warning: {logged.warning}", file=sys.stderr)
    return 0


# -- prepaid hours --------------------------------------------------------------------------------


def run_prepaid_buy(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.billing import parse_quantity
    from wzdesk.services.billing.prepaid import buy

    hours = parse_quantity(args.hours, "--hours")
    result = buy(runtime.context(), args.client, hours, args.role, args.note)
    if args.json:
        emit_json(result)
    else:
        discount = (
            f" less {result['discount_percent']}% ({result['discount']})"
            if result["discount"] != "0.00"
            else ""
        )
        print(
            f"{result['client']} bought {result['hours']} h at {result['hour_rate']}/h"
            f"{discount}: {result['price']}; {result['balance_hours']} h prepaid now"
        )
    return 0


def run_tiers(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_tiers

        rows = quick_tiers(runtime.db_url, runtime.identity)
    if rows is None:
        from wzdesk.services.billing.card_fields import tier_dict
        from wzdesk.services.billing.prepaid import list_tiers

        runtime.context()
        rows = [tier_dict(tier) for tier in list_tiers()]
    if args.json:
        emit_json(rows)
    else:
        emit_table(rows, ["min_hours", "discount_percent"])
    return 0


def run_tier_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.billing import parse_quantity
    from wzdesk.core.money import parse_percent
    from wzdesk.services.billing.card_fields import tier_dict
    from wzdesk.services.billing.prepaid import set_tier

    hours = parse_quantity(args.min_hours, "--min-hours")
    discount = parse_percent(args.discount, "--discount")
    tier = tier_dict(set_tier(runtime.context(), hours, discount))
    print(f"from {tier['min_hours']} h: {tier['discount_percent']}% off")
    return 0


def run_tier_remove(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.billing import parse_quantity
    from wzdesk.services.billing.prepaid import remove_tier

    hours = parse_quantity(args.min_hours, "--min-hours")
    remove_tier(runtime.context(), hours)
    print(f"removed the tier from {args.min_hours} h")
    return 0


def run_balance(args: argparse.Namespace, runtime: Runtime) -> int:
    result = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_balance

        result = quick_balance(runtime.db_url, runtime.identity, args.client)
    if result is None:
        from wzdesk.services.billing.prepaid import balance

        runtime.context()
        result = balance(args.client)
    if args.json:
        emit_json(result)
        return 0
    promised = ""
    if result["promised"]:  # hours promised to open prepaid quotes are not free to promise
        quotes = ", ".join(promise["quote"] for promise in result["promised"])
        promised = (
            f"; {result['promised_hours']} h promised to {quotes}, "
            f"{result['uncommitted_hours']} h free"
        )
    print(
        f"{result['client']}: {result['balance_hours']} h prepaid "
        f"({result['purchased_hours']} bought, {result['used_hours']} used){promised}"
    )
    for line in result["lines"]:
        line["what"] = (
            f"purchase {line['price']}"
            if line["kind"] == "purchase"
            else f"{line['case']} {line['quote']} {line['role']} by {line['by']}"
        )
    emit_table(result["lines"], ["date", "hours_in", "hours_out", "balance", "what", "note"])
    return 0


def run_export(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.billing.export import export_rows, to_csv

    start = parse_date(args.start, "--from")
    end = parse_date(args.end, "--to")
    rows = export_rows(runtime.context(), start, end)
    if args.json:
        emit_json(rows)
    else:
        sys.stdout.write(to_csv(rows))
    return 0
