"""Signing in and out: ask for a code by email, type it, get a session cookie."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wzdesk.core.errors import InvalidInput
from wzdesk.services import portal_sign_in
from wzdesk.services.context import connection
from wzdesk.services.mail_outbox import deliver_due
from wzdesk.services.portal_throttle import TooManyTries
from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.guard import PortalRequest, forbidden, posted_form
from wzdesk.web.portal.render import base_path, page
from wzdesk.web.portal.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    anonymous_csrf,
    clear_cookie,
    client_ip,
    csrf_ok,
    set_cookie,
)
from wzdesk.web.portal.web_db import in_db

MINUTES = int(portal_sign_in.CODE_LIFETIME.total_seconds() // 60)


def _anonymous_page(
    request: Request, config: PortalConfig, template: str, status_code: int = 200, **values: object
) -> Response:
    token, new = anonymous_csrf(request)
    response = page(request, template, status_code, csrf=token, minutes=MINUTES, **values)
    if new:
        set_cookie(response, request, config, CSRF_COOKIE, token)
    return response


async def _anonymous_form(request: Request) -> dict[str, str] | Response:
    """The posted form, or the page refusing it: too large or unreadable
    (:func:`~wzdesk.web.portal.guard.posted_form`), or 403 when its CSRF token is not the
    visitor's cookie."""
    form = await posted_form(request)
    if isinstance(form, Response):
        return form
    if not csrf_ok(request.cookies.get(CSRF_COOKIE, ""), form.get(CSRF_FIELD)):
        return forbidden(request)
    return form


def _deliver(config: PortalConfig) -> None:
    """One outbox pass, so the code leaves now rather than at the next cron run."""
    with connection():
        deliver_due(portal_sign_in.portal_context("sign-in", config.clock))


def _refused(
    request: Request,
    config: PortalConfig,
    template: str,
    error: TooManyTries | InvalidInput,
    **values: object,
) -> Response:
    """The form again with why it was refused: 429 (and when to retry) or 400."""
    throttled = isinstance(error, TooManyTries)
    response = _anonymous_page(
        request, config, template, 429 if throttled else 400, error=error.message, **values
    )
    if isinstance(error, TooManyTries):
        response.headers["retry-after"] = str(error.retry_after)
    return response


async def sign_in_form(request: Request, config: PortalConfig) -> Response:
    """GET /sign-in: the address form (or the cases, when already signed in)."""
    if await PortalRequest.user_of(request, config) is not None:
        return RedirectResponse(f"{base_path(request)}/cases", status_code=303)
    signed_out = request.query_params.get("signed_out") == "1"
    return _anonymous_page(request, config, "sign_in.html", email="", signed_out=signed_out)


async def ask_for_code(request: Request, config: PortalConfig) -> Response:
    """POST /sign-in: queue a code (if the address is an admin's); the same page either way."""
    form = await _anonymous_form(request)
    if isinstance(form, Response):
        return form
    email = form.get("email", "").strip()[:254]
    try:
        outbox_id = await in_db(
            portal_sign_in.ask_for_code, config.clock, email, client_ip(request)
        )
    except (TooManyTries, InvalidInput) as error:
        return _refused(request, config, "sign_in.html", error, email=email, signed_out=False)
    response = _anonymous_page(request, config, "code.html", email=email.lower())
    if outbox_id is not None and config.deliver_codes:
        response.background = BackgroundTask(_deliver, config)
    return response


async def check_code(request: Request, config: PortalConfig) -> Response:
    """POST /sign-in/code: a right code opens a session and goes to the cases."""
    form = await _anonymous_form(request)
    if isinstance(form, Response):
        return form
    email = form.get("email", "").strip()[:254]
    try:
        signed_in = await in_db(
            portal_sign_in.sign_in_with_code,
            config.clock,
            email,
            form.get("code", ""),
            client_ip(request),
        )
    except (TooManyTries, InvalidInput) as error:
        return _refused(request, config, "code.html", error, email=email)
    response = RedirectResponse(f"{base_path(request)}/cases", status_code=303)
    max_age = int(portal_sign_in.SESSION_MAX.total_seconds())
    set_cookie(response, request, config, SESSION_COOKIE, signed_in.token, max_age=max_age)
    clear_cookie(response, request, config, CSRF_COOKIE)  # the session has its own now
    return response


async def sign_out(request: Request, config: PortalConfig) -> Response:
    """POST /sign-out: end the session (with the session's CSRF token)."""
    token = request.cookies.get(SESSION_COOKIE, "")
    portal, _ = await PortalRequest.serve(
        request,
        config,
        lambda _user, _form: portal_sign_in.sign_out(config.clock, token),
        posted=True,
    )
    if portal.refusal is not None:
        return portal.refusal
    response = RedirectResponse(f"{base_path(request)}/sign-in?signed_out=1", status_code=303)
    clear_cookie(response, request, config, SESSION_COOKIE)
    return response
