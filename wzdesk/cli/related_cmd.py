"""``wzdesk case link|merge|unmerge``: related cases (registered on the ``case`` parser)."""

from __future__ import annotations

import argparse
import json

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json


def register_related_verbs(verbs: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    link = verbs.add_parser("link", help="link two cases (shown on both)")
    link.add_argument("ref", metavar="REF")
    link.add_argument("other", metavar="OTHER")
    link.add_argument(
        "--kind",
        required=True,
        choices=["related", "duplicate-of", "caused-by"],
        help="REF is related to / a duplicate of / caused by OTHER",
    )
    add_json_flag(link)
    link.set_defaults(handler=run_link)

    merge = verbs.add_parser("merge", help="merge a duplicate into its primary case")
    merge.add_argument("ref", metavar="DUPLICATE")
    merge.add_argument("--into", required=True, metavar="PRIMARY")
    merge.add_argument("--expect-version", type=int, metavar="N", help="of DUPLICATE (exit 3)")
    merge.add_argument("--expect-into-version", type=int, metavar="N", help="of PRIMARY (exit 3)")
    add_json_flag(merge)
    merge.set_defaults(handler=run_merge)

    unmerge = verbs.add_parser("unmerge", help="undo a merge (supervisors)")
    unmerge.add_argument("ref", metavar="REF", help="the merged duplicate")
    add_json_flag(unmerge)
    unmerge.set_defaults(handler=run_unmerge)


def run_link(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.related import link_cases

    link = link_cases(runtime.context(), args.ref, args.other, args.kind)
    source, target = str(link.source.ref), str(link.target.ref)
    if args.json:
        emit_json({"ref": source, "kind": link.kind, "other": target})
    else:
        print(f"{source} {link.kind} {target}")
    return 0


def _merge_dict(merge) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        "duplicate": str(merge.duplicate.ref),
        "primary": str(merge.primary.ref),
        "moved": json.loads(merge.moved_json),
        "undone": merge.undone_at is not None,
    }


def run_merge(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.related import merge_cases

    merge = merge_cases(
        runtime.context(), args.ref, args.into, args.expect_version, args.expect_into_version
    )
    result = _merge_dict(merge)
    if args.json:
        emit_json(result)
    else:
        moved = sum(len(ids) for ids in json.loads(merge.moved_json).values())
        print(f"{result['duplicate']} merged into {result['primary']} ({moved} rows moved)")
    return 0


def run_unmerge(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.services.related import unmerge_case

    merge = unmerge_case(runtime.context(), args.ref)
    result = _merge_dict(merge)
    if args.json:
        emit_json(result)
    else:
        print(f"{result['duplicate']} taken back out of {result['primary']}")
    return 0
