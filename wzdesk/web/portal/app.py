"""The portal's routes, and a stand-alone app serving only the portal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from wzdesk.services.session import database_busy
from wzdesk.web.config import BUSY_RETRY_SECONDS, BUSY_WORDS, WebConfig
from wzdesk.web.portal import case_pages, sign_in_pages
from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.guard import PortalRequest
from wzdesk.web.portal.render import STATIC, base_path, page
from wzdesk.web.portal.security import SecurityHeaders

Handler = Callable[[Request, PortalConfig], Awaitable[Response]]


def _bound(handler: Handler, config: PortalConfig) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request, config)
        except Exception as error:
            if not database_busy(error):
                raise
            busy = page(request, "busy.html", 503, why=BUSY_WORDS)
            busy.headers["retry-after"] = str(BUSY_RETRY_SECONDS)
            return busy

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


async def home(request: Request, config: PortalConfig) -> Response:
    """GET /: the cases when signed in, else the sign-in page."""
    user = await PortalRequest.user_of(request, config)
    where = "/cases" if user is not None else "/sign-in"
    return RedirectResponse(f"{base_path(request)}{where}", status_code=303)


def portal_routes(config: PortalConfig | None = None) -> list[BaseRoute]:
    """Every portal page, to mount at ``/`` (its links are relative to where it is mounted)."""
    config = config or PortalConfig()
    table: list[tuple[str, Handler, list[str]]] = [
        ("/", home, ["GET"]),
        ("/sign-in", sign_in_pages.sign_in_form, ["GET"]),
        ("/sign-in", sign_in_pages.ask_for_code, ["POST"]),
        ("/sign-in/code", sign_in_pages.check_code, ["POST"]),
        ("/sign-out", sign_in_pages.sign_out, ["POST"]),
        ("/cases", case_pages.case_list, ["GET"]),
        ("/cases/status.json", case_pages.cases_status, ["GET"]),
        ("/cases/new", case_pages.new_case_form, ["GET"]),
        ("/cases/new", case_pages.open_new_case, ["POST"]),
        ("/cases/{ref}", case_pages.case_page, ["GET"]),
        ("/cases/{ref}/status.json", case_pages.case_status, ["GET"]),
        ("/cases/{ref}/replies", case_pages.reply, ["POST"]),
    ]
    routes: list[BaseRoute] = [
        Route(path, _bound(handler, config), methods=methods) for path, handler, methods in table
    ]
    routes.append(Mount("/static", _Assets(directory=str(STATIC)), name="portal-static"))
    routes.append(Route("/{rest:path}", _no_such_page(list(routes)), methods=ALL_METHODS))
    # Every portal response carries the security headers (the API's JSON is left as it is).
    return [Mount("", routes=routes, middleware=[Middleware(SecurityHeaders)])]


#: Every method a browser or a script may send: the last route answers all of them.
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _no_such_page(routes: list[BaseRoute]) -> Callable[[Request], Awaitable[Response]]:
    """The portal's own page for a path it has not (404) or a method a path does not take
    (405, with ``Allow``): Starlette answered both in plain text, without the portal's look,
    its way back to the cases, or its security headers."""

    async def answer(request: Request) -> Response:
        allowed = sorted(
            {
                method
                for route in routes
                if isinstance(route, Route) and route.matches(request.scope)[0] != Match.NONE
                for method in route.methods or ()
            }
        )
        return _missing(request, allowed)

    return answer


def _missing(request: Request, allowed: Sequence[str]) -> Response:
    """The 404 page, or with ``allowed`` methods the 405 page and its ``Allow``."""
    if not allowed:
        return page(request, "not_found.html", 404, what="There is no such page")
    refused = page(
        request,
        "not_found.html",
        405,
        heading="Not allowed",
        what=f"This page does not take a {request.method} request",
    )
    refused.headers["allow"] = ", ".join(allowed)
    return refused


class _Assets(StaticFiles):
    """The portal's styles and scripts; a missing one, or a method other than GET and HEAD,
    gets the portal's page like any other path (Starlette's answer was plain text)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code not in (404, 405):
                raise
            return _missing(Request(scope), ["GET", "HEAD"] if error.status_code == 405 else [])


def web_routes(config: WebConfig) -> list[BaseRoute]:
    """The portal as a part of ``wzdesk serve``'s app (``wzdesk.web.app.MOUNTS``)."""
    return portal_routes(PortalConfig(clock=config.clock))


def portal_app(config: PortalConfig | None = None) -> Starlette:
    """An app serving only the portal (tests; a portal-only process)."""
    return Starlette(routes=portal_routes(config))
