"""``wzdesk template ...``: the texts of every outgoing message (supervisors edit them)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from wzdesk.cli.common import Runtime, add_json_flag, support_zone
from wzdesk.cli.output import emit_json, emit_table


def body_options(parser: argparse.ArgumentParser, required: bool) -> None:
    """``--body TEXT`` or ``--body-file PATH`` (read with :func:`body_text`)."""
    body = parser.add_mutually_exclusive_group(required=required)
    body.add_argument("--body", help="the text, with {placeholders} ({{ and }} for braces)")
    body.add_argument("--body-file", metavar="PATH", help="read the text from a file ('-': stdin)")


def body_text(args: argparse.Namespace) -> str | None:
    """The text ``--body`` or ``--body-file`` gave (None: neither)."""
    if args.body_file:
        return read_text_file(args.body_file, "--body-file")
    return args.body  # type: ignore[no-any-return]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    template = subparsers.add_parser("template", help="the texts of outgoing messages")
    verbs = template.add_subparsers(
        dest="template_verb", required=True, metavar="{list,show,edit,reset,preview}"
    )
    listing = verbs.add_parser("list", help="every message template")
    add_json_flag(listing)
    listing.set_defaults(handler=run_list)

    show = verbs.add_parser("show", help="a template's text and the placeholders it may use")
    show.add_argument("name", metavar="NAME")
    add_json_flag(show)
    show.set_defaults(handler=run_show)

    edit = verbs.add_parser("edit", help="change a template (supervisors); checked when saved")
    edit.add_argument("name", metavar="NAME")
    edit.add_argument("--subject", help="one line with {placeholders}")
    body_options(edit, required=False)
    add_json_flag(edit)
    edit.set_defaults(handler=run_edit)

    reset = verbs.add_parser("reset", help="back to the shipped text (supervisors)")
    reset.add_argument("name", metavar="NAME")
    add_json_flag(reset)
    reset.set_defaults(handler=run_reset)

    preview = verbs.add_parser("preview", help="the message filled in from a real case")
    preview.add_argument("name", metavar="NAME")
    preview.add_argument("--case", metavar="REF", help="the case to fill it from")
    preview.add_argument("--version", type=int, metavar="N", help="policy version (policy_update)")
    preview.add_argument("--message", help="sample text for the agent's own words")
    add_json_flag(preview)
    preview.set_defaults(handler=run_preview)


def read_text_file(path: str, field: str) -> str:
    """A text file's content (``-``: standard input); a missing file names the field."""
    from wzdesk.core.errors import NotFound
    from wzdesk.core.paths import typed_path  # pathlib: 3 ms of every macro command's start

    try:
        if path == "-":
            return sys.stdin.read()
        return typed_path(path, field).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as error:  # ValueError: a NUL in the path
        where = "standard input" if path == "-" else path
        raise NotFound(f"cannot read {where}: {error}", field=field) from None


def _quick_templates(runtime: Runtime, name: str | None = None) -> list[dict[str, Any]] | None:
    """The templates over the quick read-only path (issue 13), or None (``--as``, or the path
    cannot be sure): the ordinary path answers."""
    if runtime.act_as is not None:
        return None
    from wzdesk.services.quick_reads import quick_templates

    return quick_templates(runtime.db_url, runtime.identity, runtime.clock.now(), name)


def run_list(args: argparse.Namespace, runtime: Runtime) -> int:
    rows = _quick_templates(runtime)
    if rows is None:
        from wzdesk.services.templates import list_templates, template_dict

        runtime.context()
        zone = support_zone(runtime)
        rows = [template_dict(t, zone) for t in list_templates()]
    if args.json:
        emit_json(rows)
        return 0
    for row in rows:
        row["customised"] = f"edited by {row['updated_by']}" if row["customised"] else "shipped"
    emit_table(rows, ["name", "audience", "customised", "description"])
    return 0


def run_show(args: argparse.Namespace, runtime: Runtime) -> int:
    found = _quick_templates(runtime, args.name)
    if found is not None:
        result = found[0]
    else:
        from wzdesk.services.templates import template_dict, template_text

        runtime.context()
        result = template_dict(template_text(args.name), support_zone(runtime), full=True)
    if args.json:
        emit_json(result)
        return 0
    state = f"edited by {result['updated_by']}" if result["customised"] else "shipped text"
    print(f"{result['name']} ({result['audience']}; {state}): {result['description']}")
    print(f"Subject: {result['subject']}")
    print()
    print(result["body"].rstrip("\n"))
    print()
    print("Placeholders:")
    for name, meaning in result["placeholders"].items():
        required = " (required)" if name in result["required"] else ""
        print(f"  {{{name}}}{required}  {meaning}")
    return 0


def run_edit(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.templates import save_template, template_dict

    saved = save_template(runtime.context(), args.name, subject=args.subject, body=body_text(args))
    if args.json:
        emit_json(template_dict(saved, support_zone(runtime), full=True))
    else:
        print(f"template {saved.spec.name} saved")
    return 0


def run_reset(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.templates import reset_template, template_dict

    text = reset_template(runtime.context(), args.name)
    if args.json:
        emit_json(template_dict(text, support_zone(runtime), full=True))
    else:
        print(f"template {text.spec.name} is the shipped text again")
    return 0


def run_preview(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.previews import preview

    shown = preview(
        runtime.context(), args.name, ref=args.case, version=args.version, message=args.message
    )
    if args.json:
        emit_json(shown.as_dict())
        return 0
    print(f"To: {', '.join(shown.to) or '-'}")
    if shown.note:
        print(f"({shown.note})")
    print(f"Subject: {shown.subject}")
    print()
    print(shown.body.rstrip("\n"))
    return 0
