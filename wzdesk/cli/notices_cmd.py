"""``wzdesk notices show|set``: what the desk tells clients on its own, and when."""

from __future__ import annotations

import argparse

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json
from wzdesk.core.text import is_number


def _switch(text: str) -> tuple[str, bool]:
    channel, _, value = text.partition("=")
    value = value.strip().lower()
    if value not in ("on", "off"):
        raise argparse.ArgumentTypeError(f"expected CHANNEL=on or CHANNEL=off, got {text!r}")
    return channel.strip().lower(), value == "on"


def _days(text: str) -> int | None:
    if text.strip().lower() == "off":
        return None
    if not is_number(text.strip()):
        raise argparse.ArgumentTypeError(f"expected a number of days or 'off', got {text!r}")
    return int(text)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    notices = subparsers.add_parser("notices", help="acknowledgments, reminders, auto-resolve")
    verbs = notices.add_subparsers(dest="notices_verb", required=True, metavar="{show,set}")
    show = verbs.add_parser("show", help="the current settings")
    add_json_flag(show)
    show.set_defaults(handler=run_show)
    change = verbs.add_parser("set", help="change settings (supervisors)")
    change.add_argument(
        "--acknowledge",
        action="append",
        default=[],
        type=_switch,
        metavar="CHANNEL=on|off",
        help="acknowledge new cases of this channel (portal, email, phone)",
    )
    change.add_argument(
        "--remind-after",
        type=_days,
        default=argparse.SUPPRESS,
        metavar="DAYS|off",
        help="business days waiting on the client",
    )
    change.add_argument(
        "--auto-resolve-after",
        type=_days,
        default=argparse.SUPPRESS,
        metavar="DAYS|off",
        help="business days after the reminder to resolve without an answer",
    )
    change.add_argument(
        "--reopen-days",
        type=_days,
        default=argparse.SUPPRESS,
        metavar="DAYS|off",
        help="a reply reopens a resolved case this long; then notify closes it",
    )
    change.add_argument("--support-phone", help="the phone line named in messages")
    add_json_flag(change)
    change.set_defaults(handler=run_set)


def _print(settings: dict[str, object]) -> None:
    acknowledge = settings["acknowledge"]
    assert isinstance(acknowledge, dict)
    on = [c for c, v in acknowledge.items() if v]
    off = [c for c, v in acknowledge.items() if not v]
    print(
        f"acknowledge new cases: {', '.join(on) or 'none'}"
        + (f" (off: {', '.join(off)})" if off else "")
    )

    def days(value: object, unit: str) -> str:
        return "off" if value is None else f"after {value} {unit}"

    print(f"remind the client: {days(settings['remind_after_business_days'], 'business days')}")
    print(
        "auto-resolve: " + days(settings["auto_resolve_after_business_days"], "more business days")
    )
    print(f"close resolved cases: {days(settings['reopen_days'], 'days')}")
    print(f"support phone: {settings['support_phone']}")


def run_show(args: argparse.Namespace, runtime: Runtime) -> int:
    settings = None
    if runtime.act_as is None:  # over the quick read-only path when it can (issue 13)
        from wzdesk.services.quick_reads import quick_notice_settings

        settings = quick_notice_settings(runtime.db_url, runtime.identity)
    if settings is None:
        from wzdesk.services.notice_settings import load_notice_settings

        runtime.context()
        settings = load_notice_settings().as_dict()
    emit_json(settings) if args.json else _print(settings)
    return 0


def run_set(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.notice_settings import KEEP, change_notice_settings

    # Options not given are absent (argparse.SUPPRESS): "off" is None, not given is KEEP.
    settings = change_notice_settings(
        runtime.context(),
        acknowledge=dict(args.acknowledge),
        remind_after=getattr(args, "remind_after", KEEP),
        auto_resolve_after=getattr(args, "auto_resolve_after", KEEP),
        reopen_days=getattr(args, "reopen_days", KEEP),
        support_phone=args.support_phone,
    ).as_dict()
    emit_json(settings) if args.json else _print(settings)
    return 0
