"""The ASGI application ``wzdesk serve`` runs: one Starlette app mounting each part of the
web face (``MOUNTS``: the API at ``/api/v1``; the portal adds itself at ``/``).

``create_app`` is also what tests call (with a database URL and a frozen clock);
``app_from_environment`` is uvicorn's factory for worker processes, which read the database
URL and clock from the environment (``WZDESK_DB``, ``WZDESK_NOW``) like every command.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount, Route

from wzdesk.core.clock import Clock, FixedClock, SystemClock
from wzdesk.core.timefmt import parse_instant
from wzdesk.services.session import close_store, open_store
from wzdesk.web import api, portal
from wzdesk.web.config import WebConfig

#: Each part of the web face: (path, builder of its routes). The most specific path first:
#: the portal at "/" goes last so it does not shadow the API.
MOUNTS: list[tuple[str, Callable[[WebConfig], list[BaseRoute]]]] = [
    ("/api/v1", api.routes),
    ("/", portal.web_routes),
]


#: Database connections each worker process keeps open for its requests (more requests at
#: once wait for one): four workers hold at most 32 PostgreSQL connections.
POOL_SIZE = 8


def create_app(db_url: str | None = None, clock: Clock | None = None) -> Starlette:
    """The application over the database ``db_url`` (default: ``WZDESK_DB`` or the default
    file), opened and upgraded now, so a bad URL fails at start, not on the first request.
    Requests share a pool of ``POOL_SIZE`` connections."""
    open_store(db_url, pool=POOL_SIZE)
    config = WebConfig(clock or clock_from_environment())
    routes: list[BaseRoute] = [
        # The API's root without its slash is the API's too (a Mount matches "/api/v1/..."
        # only: the portal answered it with an HTML page).
        Route("/api/v1", api.not_found, methods=api.ALL_METHODS),
        *(Mount(path, routes=build(config)) for path, build in MOUNTS),
    ]
    return Starlette(routes=routes, lifespan=_lifespan)


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """At shutdown (Ctrl+C, SIGTERM), the pool's connections are closed, not left to time out
    on the server."""
    yield
    close_store()


def clock_from_environment() -> Clock:
    """``WZDESK_NOW`` freezes the clock (benchmarks, demos), as for every command."""
    text = os.environ.get("WZDESK_NOW")
    return FixedClock(parse_instant(text, "WZDESK_NOW")) if text else SystemClock()


def app_from_environment() -> Starlette:
    """uvicorn's factory (``--factory``): one per worker process."""
    return create_app(os.environ.get("WZDESK_DB") or None)
