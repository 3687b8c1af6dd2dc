"""``wzdesk serve``: the client API (and portal) over HTTP, one uvicorn process or several.

Starlette and uvicorn are imported only when the server starts, so other commands stay quick.
Workers are separate processes: they build the app from the environment (``WZDESK_DB``,
``WZDESK_NOW``), which this command sets from its own options first.
"""

from __future__ import annotations

import argparse
import os
import sys

from wzdesk.cli.common import Runtime
from wzdesk.core.errors import InvalidInput

MAX_WORKERS = 64


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = subparsers.add_parser(
        "serve", help="serve the client API (/api/v1) over HTTP; put TLS in front of it"
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port to bind (default 8080)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1; several want PostgreSQL)",
    )
    serve.add_argument(
        "--check",
        action="store_true",
        help="open (and upgrade) the database and build the app, then exit without serving",
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace, runtime: Runtime) -> int:
    if not 0 <= args.port <= 65535:
        raise InvalidInput("expected a port between 0 and 65535", field="--port")
    if not 1 <= args.workers <= MAX_WORKERS:
        raise InvalidInput(f"expected between 1 and {MAX_WORKERS} workers", field="--workers")
    from wzdesk.services.session import database_target

    runtime.open_store()  # upgraded once here, before any worker starts
    if runtime.db_url is not None:
        os.environ["WZDESK_DB"] = runtime.db_url  # what the workers open
    target = database_target(runtime.db_url)
    import uvicorn

    if args.check:
        from wzdesk.web.app import create_app

        create_app(runtime.db_url, runtime.clock)
        print(f"wzdesk serve: ready to serve {target.description} (uvicorn {uvicorn.__version__})")
        return 0
    print(
        f"wzdesk: serving the client portal at http://{args.host}:{args.port}/ and the client "
        f"API at /api/v1 "
        f"({args.workers} worker{'s' if args.workers > 1 else ''}; database {target.description}); "
        "Ctrl+C stops",
        file=sys.stderr,
        flush=True,
    )
    if args.workers == 1:
        from wzdesk.web.app import create_app

        uvicorn.run(create_app(runtime.db_url, runtime.clock), host=args.host, port=args.port)
    else:
        uvicorn.run(
            "wzdesk.web.app:app_from_environment",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
        )
    return 0
