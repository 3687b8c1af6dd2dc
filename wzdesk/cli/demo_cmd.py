"""``wzdesk demo --cases N``: a realistic dataset of any size, in seconds."""

from __future__ import annotations

import argparse
import time

from wzdesk.cli.common import Runtime, add_json_flag
from wzdesk.cli.output import emit_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    demo = subparsers.add_parser("demo", help="fill an empty database with realistic demo data")
    demo.add_argument("--cases", type=int, default=300, metavar="N")
    demo.add_argument(
        "--open-ratio",
        type=float,
        metavar="R",
        help="share of cases still open (default 0.35; 0.1 above 2,000 cases)",
    )
    demo.add_argument("--seed", type=int, default=1042)
    add_json_flag(demo)
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace, runtime: Runtime) -> int:
    from wzdesk.core.errors import InvalidInput
    from wzdesk.services.demo import generate

    if not 0 <= args.cases <= 2_000_000:
        raise InvalidInput("expected between 0 and 2,000,000", field="--cases")
    if args.open_ratio is not None and not 0 <= args.open_ratio <= 1:
        raise InvalidInput("expected a ratio between 0 and 1", field="--open-ratio")
    from wzdesk.core.rules import Action

    # On a new database the acting login becomes its first supervisor; demo data adds console
    # users (a supervisor among them), so only a supervisor may generate it.
    runtime.context().require(Action.MANAGE_USERS)
    started = time.perf_counter()
    try:
        summary = generate(runtime.clock, args.cases, args.open_ratio, args.seed)
    except ValueError as error:
        raise InvalidInput(str(error), field="--db") from None
    seconds = time.perf_counter() - started
    result = {**summary.__dict__, "seconds": round(seconds, 2)}
    if args.json:
        emit_json(result)
    else:
        print(
            f"demo data: {summary.cases} cases ({summary.open_cases} open), {summary.events} "
            f"events, {summary.clients} clients, {summary.users} users in {seconds:.1f} s"
        )
    return 0
