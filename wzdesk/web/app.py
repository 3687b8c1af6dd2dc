"""The ASGI application ``wzdesk serve`` runs: one Starlette app mounting each part of the
web face (``MOUNTS``: the API at ``/api/v1``; the portal adds itself at ``/``).

``create_app`` is also what tests call (with a database URL and a frozen clock);
``app_from_environment`` is uvicorn's factory for worker processes, which read the database
URL and clock from the environment (``WZDESK_DB``, ``WZDESK_NOW``) like every command.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from wzdesk.core.clock import Clock, FixedClock, SystemClock
from wzdesk.core.timefmt import parse_instant
from wzdesk.services.session import open_store
from wzdesk.web import api, portal
from wzdesk.web.config import WebConfig

#: Each part of the web face: (path, builder of its routes). The most specific path first:
#: the portal at "/" goes last so it does not shadow the API.
MOUNTS: list[tuple[str, Callable[[WebConfig], list[BaseRoute]]]] = [
    ("/api/v1", api.routes),
    ("/", portal.web_routes),
]


def create_app(db_url: str | None = None, clock: Clock | None = None) -> Starlette:
    """The application over the database ``db_url`` (default: ``WZDESK_DB`` or the default
    file), opened and upgraded now, so a bad URL fails at start, not on the first request."""
    open_store(db_url)
    config = WebConfig(clock or clock_from_environment())
    routes: list[BaseRoute] = [Mount(path, routes=build(config)) for path, build in MOUNTS]
    return Starlette(routes=routes)


def clock_from_environment() -> Clock:
    """``WZDESK_NOW`` freezes the clock (benchmarks, demos), as for every command."""
    text = os.environ.get("WZDESK_NOW")
    return FixedClock(parse_instant(text, "WZDESK_NOW")) if text else SystemClock()


def app_from_environment() -> Starlette:
    """uvicorn's factory (``--factory``): one per worker process."""
    return create_app(os.environ.get("WZDESK_DB") or None)
