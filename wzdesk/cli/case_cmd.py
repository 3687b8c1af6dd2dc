"""``wzdesk case ...``: every case use case, for scripts (phone systems, cron, integrations)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from wzdesk.cli.common import Runtime, add_json_flag, register_one_verb, severity_arg
from wzdesk.cli.output import emit_json, emit_table, one_more, say_if_cut
from wzdesk.core.bounds import MAX_LIMIT, check_limit
from wzdesk.core.timefmt import format_countdown, parse_instant

#: Timer states with time left (a paused one is marked "paused": its time left stands still).
_RUNNING = ("pending", "at_risk")

if TYPE_CHECKING:
    from wzdesk.store.models import Case


def _version_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="refuse (exit 3) if the case is no longer at this version",
    )


#: Every verb, in the order ``wzdesk case --help`` lists them.
_VERB_NAMES = (
    "open,show,list,reply,call,set,escalate,resolve,reopen,close,explain,link,merge,unmerge"
)


def _verbs(subparsers: argparse._SubParsersAction) -> argparse._SubParsersAction:  # type: ignore[type-arg]
    case: argparse.ArgumentParser = subparsers.add_parser("case", help="support cases")
    return case.add_subparsers(dest="verb", required=True, metavar="{" + _VERB_NAMES + "}")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    verbs = _verbs(subparsers)
    for add_verb in _VERBS.values():
        add_verb(verbs)

    from wzdesk.cli.insights_cmd import register_explain
    from wzdesk.cli.related_cmd import register_related_verbs

    register_related_verbs(verbs)
    register_explain(verbs)


def register_only(subparsers: argparse._SubParsersAction, command: str, verb: str | None) -> bool:  # type: ignore[type-arg]
    """The ``case`` parser with just ``verb``'s parser under it; False (nothing added) for a
    verb not defined in this module. Each verb's parser costs about a third of a millisecond
    of argparse: ``wzdesk case list`` built all fourteen for one (issue 13: scripts start
    fast). Help for ``wzdesk case`` itself, or a verb not named, builds them all."""
    return register_one_verb(subparsers, _verbs, _VERBS, verb)


def _add_open(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    opening = verbs.add_parser("open", help="open a case for a client admin")
    opening.add_argument("--client", required=True, metavar="CODE")
    opening.add_argument("--contact", required=True, metavar="EMAIL|PHONE")
    opening.add_argument("--severity", required=True, type=severity_arg)
    opening.add_argument("--channel", required=True, help="portal, email or phone")
    opening.add_argument(
        "--category", required=True, help="question, unexpected, configuration or services"
    )
    opening.add_argument("--summary", required=True)
    opening.add_argument("--description", default="")
    opening.add_argument("--steps", default="", help="steps to reproduce (unexpected cases)")
    opening.add_argument("--affected-users", default="", help="who is affected (unexpected cases)")
    opening.add_argument("--tags", default="", help="comma-separated")
    opening.add_argument("--received", help="when the call/message came in (ISO-8601); default now")
    opening.add_argument(
        "--duration",
        type=int,
        metavar="SECONDS",
        help="log it as a phone call of this length (channel phone)",
    )
    opening.add_argument("--notes", default="", help="call notes (with --duration)")
    add_json_flag(opening)
    opening.set_defaults(handler=run_open)


def _add_show(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    show = verbs.add_parser("show", help="one case with its timeline")
    show.add_argument("ref", metavar="REF")
    add_json_flag(show)
    show.set_defaults(handler=run_show)


def _add_list(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    listing = verbs.add_parser(
        "list",
        help="cases, most urgent first",
        description="Cases matching a query (see the README's query language table), most "
        "urgent first; the flags are shorthands ANDed with --query.",
        epilog="query terms: sev:S status:S client:CODE assignee:LOGIN|me|none channel:C "
        "category:C tag:T contact:EMAIL ref:REF received:|updated:|resolved:|closed: with "
        "DATE, >=DATE, <DATE, today, last-7d; breached:response|resolution|any at-risk paused "
        'late due:<2h; words (prefixes) and "phrases" over summary, description and timeline; '
        "AND, OR, -term, ( ); sort:due|updated|received|severity|ref|status|client (-key: "
        "descending); is:open (default) is:all is:closed",
    )
    listing.add_argument(
        "--query", metavar="QUERY", help="a query, e.g. 'sev:critical breached:any sort:-updated'"
    )
    listing.add_argument("--status", action="append", default=[], metavar="S")
    listing.add_argument("--severity", action="append", default=[], metavar="S")
    listing.add_argument("--assignee", metavar="LOGIN")
    listing.add_argument("--unassigned", action="store_true")
    listing.add_argument("--client", metavar="CODE")
    listing.add_argument("--breached", action="store_true")
    listing.add_argument("--at-risk", action="store_true")
    listing.add_argument(
        "--search", metavar="TEXT", help="a reference, client code, or words in the text"
    )
    listing.add_argument("--all", action="store_true", help="include closed cases")
    listing.add_argument("--limit", type=int, metavar="N")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)


def _add_reply(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    replying = _change(verbs, "reply", "reply to the client, or add an internal note", run_reply)
    replying.add_argument("--message", required=True)
    replying.add_argument("--internal", action="store_true", help="an internal note")


def _add_call(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    call = _change(verbs, "call", "log a phone call on an existing case", run_call)
    call.add_argument("--duration", type=int, required=True, metavar="SECONDS")
    call.add_argument("--notes", default="")


def _add_set(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    setting = _change(verbs, "set", "status, severity or assignee", run_set)
    setting.add_argument("--status", help="open or waiting_client")
    setting.add_argument("--severity", type=severity_arg)
    setting.add_argument("--assignee", metavar="LOGIN", help="a login, or '-' to unassign")
    setting.add_argument(
        "--need", default="", help="with --status waiting_client: what we need (emailed)"
    )


def _add_escalate(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    escalating = _change(verbs, "escalate", "escalate to another resource", run_escalate)
    escalating.add_argument("--to", required=True, help="e.g. tier 2, development")
    escalating.add_argument("--reason", required=True)


def _add_resolve(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    resolving = _change(verbs, "resolve", "resolve (meets the resolution target)", run_resolve)
    resolving.add_argument("--classification", help="user_error, bug or works_as_designed")
    resolving.add_argument("--note", required=True)
    resolving.add_argument(
        "--needs-services",
        action="store_true",
        help="the answer is professional services work: open a linked services case with a "
        "draft quote",
    )


def _add_reopen(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    reopening = _change(verbs, "reopen", "reopen a resolved case", run_reopen)
    reopening.add_argument("--reason", default="")


def _add_close(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    _change(verbs, "close", "close a resolved case (final)", run_close)


#: The verbs defined here, by name, in help order (link, merge, unmerge and explain are
#: registered by their own modules).
_VERBS: dict[str, Callable[[argparse._SubParsersAction], None]] = {  # type: ignore[type-arg]
    "open": _add_open,
    "show": _add_show,
    "list": _add_list,
    "reply": _add_reply,
    "call": _add_call,
    "set": _add_set,
    "escalate": _add_escalate,
    "resolve": _add_resolve,
    "reopen": _add_reopen,
    "close": _add_close,
}


def _change(
    verbs: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace, Runtime], int],
) -> argparse.ArgumentParser:
    """A subcommand that changes one case: ``REF``, ``--expect-version`` and ``--json``."""
    parser: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
    parser.add_argument("ref", metavar="REF")
    _version_flag(parser)
    add_json_flag(parser)
    parser.set_defaults(handler=handler)
    return parser


def _print_case(runtime: Runtime, ref: str, as_json: bool) -> None:
    """``case show``: the case as it is now, with its timeline and outgoing messages; read
    without Peewee when it can be (issue 13), as the default listing is."""
    now = runtime.clock.now()
    if runtime.act_as is None:
        from wzdesk.services.quick_case_reads import quick_case_show

        shown = quick_case_show(runtime.db_url, runtime.identity, ref, now)
        if shown is not None:
            _emit_case(shown, as_json, with_events=True)
            return
    runtime.context()  # cases are for console users only
    from wzdesk.services.case_views import show_case

    _emit_case(show_case(ref, now), as_json, with_events=True)


def _print_written(
    runtime: Runtime, case: Case, as_json: bool, delivery: Any = None, outgoing: bool = False
) -> None:
    """What a changing command wrote: the case as this command left it (not re-read, so a
    later change by someone else is not passed off as this one's). ``delivery``: what became
    of the email it wrote (``email: queued to ...`` or ``email: not sent: ...``; ``"delivery"``
    in JSON); ``outgoing``: list the case's outgoing messages (a new case's acknowledgment)."""
    from wzdesk.services.case_fields import case_dict
    from wzdesk.services.case_views import outgoing_of
    from wzdesk.services.policy_book import load_policy_book

    book = load_policy_book()
    result = case_dict(case, book, runtime.clock.now())
    if delivery is not None:
        result["delivery"] = delivery.as_dict()
    if outgoing:
        result["outgoing"] = outgoing_of(case, book.by_id(case.policy_id).calendar.zone)
    _emit_case(result, as_json, delivery=delivery)


def _emit_case(
    result: dict[str, Any], as_json: bool, with_events: bool = False, delivery: Any = None
) -> None:
    if as_json:
        emit_json(result)
        return
    print(f"{result['ref']}  [{result['severity']}] {result['status']}  {result['summary']}")
    print(
        f"  client {result['client']}  contact {result['contact_name']} <{result['contact']}>"
        f"  channel {result['channel']}  category {result['category']}"
    )
    print(f"  assignee {result['assignee'] or '-'}  received {result['received_at']}")
    counted = "around the clock" if result.get("around_the_clock") else "business"
    for timer in ("response", "resolution"):
        remaining = result[f"{timer}_remaining_seconds"]
        breached = result[f"{timer}_state"] == "breached"
        left = "" if remaining is None else f"  ({format_countdown(remaining, breached)} {counted})"
        if timer == "resolution" and result["paused"] and result[f"{timer}_state"] in _RUNNING:
            left += "  paused: the due instant moves until the client answers"
        print(f"  {timer:<10} due {result[f'{timer}_due']}  {result[f'{timer}_state']}{left}")
    if result["missing_fields"]:
        print(f"  missing: {', '.join(result['missing_fields'])}")
    if result.get("needs_contact"):
        print("  needs a new contact: the case's contact was deactivated")
    for link in result.get("links", []):
        print(f"  {link['kind']} {link['ref']}")
    if result.get("client_flags"):
        print(f"  client admins: {result['client_flags']}")
    for event in result.get("events", []):
        tag = "public" if event["public"] else "internal"
        extra = f" ({event['duration_seconds']}s)" if event["duration_seconds"] is not None else ""
        print(f"  - {event['at']} {event['author']} {event['kind']}{extra} [{tag}] {event['body']}")
    for message in result.get("outgoing", []):
        to = ", ".join(message["to"]) or "-"
        print(f"  outgoing {message['kind']} to {to}: {message['delivery']}  {message['note']}")
    if delivery is not None:
        print(f"email: {delivery.text}")


def run_open(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import NewCase, open_case

    if args.notes.strip() and args.duration is None:
        from wzdesk.core.errors import InvalidInput

        raise InvalidInput(
            "call notes belong to a call: give --duration SECONDS too (or put the text in "
            "--description)",
            field="--notes",
        )
    received = parse_instant(args.received, "--received") if args.received else None
    ctx = runtime.context()
    new = NewCase(
        client=args.client,
        contact=args.contact,
        severity=args.severity.value,
        channel=args.channel,
        category=args.category,
        summary=args.summary,
        description=args.description,
        steps_to_reproduce=args.steps,
        affected_users=args.affected_users,
        received_at=received,
        tags=args.tags,
    )
    case = open_case(ctx, new, call_seconds=args.duration, call_notes=args.notes)
    _print_written(runtime, case, args.json, outgoing=True)  # the acknowledgment's fate
    return 0


def run_show(args: argparse.Namespace, runtime: Runtime) -> int:
    _print_case(runtime, args.ref, args.json)
    return 0


def _listed(args: argparse.Namespace, runtime: Runtime) -> tuple[list[dict[str, Any]], int]:
    """The page's case objects and how many matches were read (one past the page says the
    list goes on). Read without Peewee when it can be, ``--as`` never (issue 13)."""
    from wzdesk.services.case_filter import CaseFilter

    limit = check_limit(args.limit)
    asked = one_more(limit, MAX_LIMIT)
    now = runtime.clock.now()
    flt = CaseFilter(
        statuses=args.status,
        severities=args.severity,
        assignee=args.assignee,
        unassigned=args.unassigned,
        client=args.client,
        breached=args.breached,
        at_risk=args.at_risk,
        text=args.search,
        include_closed=args.all,
    )
    if runtime.act_as is None:
        from wzdesk.services.quick_case_reads import quick_case_list

        quick = quick_case_list(
            runtime.db_url, runtime.identity, now, limit, asked, flt, args.query
        )
        if quick is not None:
            return quick.rows, quick.found

    from wzdesk.services.case_fields import case_dict
    from wzdesk.services.policy_book import load_policy_book
    from wzdesk.services.search import context, filter_query, search_cases

    me = runtime.context().actor  # cases are for console users only
    query = filter_query(flt, args.query)
    book = load_policy_book()
    found = search_cases(query, context(now, me, book), asked)
    return [case_dict(case, book, now) for case in found[:limit]], len(found)


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows, found = _listed(args, runtime)
    if args.json:
        emit_json(rows)
        say_if_cut(found, args.limit, "cases")  # a script is told too: stderr, not the JSON
        return 0
    for row in rows:
        for timer in ("response", "resolution"):
            remaining = row[f"{timer}_remaining_seconds"]
            state = row[f"{timer}_state"]
            row[timer] = (
                state if remaining is None else format_countdown(remaining, state == "breached")
            )
        if row["paused"] and row["resolution_state"] in _RUNNING:
            # as the console's ⏸: the time left stands still while the client has the case
            row["resolution"] += " paused"
    emit_table(
        rows,
        ["ref", "severity", "status", "client", "assignee", "response", "resolution", "summary"],
    )
    say_if_cut(found, args.limit, "cases")
    return 0


def run_reply(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import reply

    replied = reply(
        runtime.context(),
        args.ref,
        args.message,
        internal=args.internal,
        expected_version=args.expect_version,
    )
    _print_written(runtime, replied.case, args.json, delivery=replied.delivery)
    return 0


def run_call(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import log_call_on_case

    case = log_call_on_case(
        runtime.context(), args.ref, args.notes, args.duration, expected_version=args.expect_version
    )
    _print_written(runtime, case, args.json)
    return 0


def run_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.errors import InvalidInput
    from wzdesk.services import cases
    from wzdesk.services.context import write_transaction
    from wzdesk.services.policy_book import load_policy_book

    if args.need and args.status is None:
        raise InvalidInput("only goes with --status waiting_client", field="--need")
    if args.status is None and args.severity is None and args.assignee is None:
        raise InvalidInput(
            "give at least one of --status, --severity, --assignee", field="case set"
        )
    ctx = runtime.context()
    book = load_policy_book()
    version = args.expect_version
    ref = args.ref
    # Each change is its own audited use case, all inside one transaction: if the last is
    # refused, the earlier ones are rolled back too (nothing half-written).
    delivery = None  # the waiting-on-you notice, when the status moves to waiting
    with write_transaction():
        if args.severity is not None:
            case = cases.change_severity(ctx, ref, args.severity.value, version, book)
            version = case.version if version is not None else None
        if args.status is not None:
            moved = cases.set_status(ctx, ref, args.status, version, book, need=args.need)
            case, delivery = moved.case, moved.delivery
            version = case.version if version is not None else None
        if args.assignee is not None:
            login = None if args.assignee in ("-", "") else args.assignee
            case = cases.assign(ctx, ref, login, version)
    _print_written(runtime, case, args.json, delivery=delivery)
    return 0


def run_escalate(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import escalate

    case = escalate(runtime.context(), args.ref, args.to, args.reason, args.expect_version)
    _print_written(runtime, case, args.json)
    return 0


def run_resolve(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import resolve

    resolved = resolve(
        runtime.context(),
        args.ref,
        args.note,
        args.classification,
        args.expect_version,
        needs_services=args.needs_services,
    )
    _print_written(runtime, resolved.case, args.json, delivery=resolved.delivery)
    return 0


def run_reopen(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import reopen

    case = reopen(runtime.context(), args.ref, args.reason, args.expect_version)
    _print_written(runtime, case, args.json)
    return 0


def run_close(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.cases import close

    closed = close(runtime.context(), args.ref, args.expect_version)
    _print_written(runtime, closed.case, args.json, delivery=closed.delivery)
    return 0
