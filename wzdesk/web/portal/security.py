"""The portal's cookies, CSRF tokens, client address and response headers.

* The session cookie is ``HttpOnly``, ``SameSite=Lax``, ``Path=/``, and ``Secure`` whenever the
  request came over HTTPS (or the config says so).
* Every form carries a CSRF token. Signed in, it is the session's own (stored with it);
  before sign-in it is a random value also set as a cookie (double submit). A POST whose token
  does not match is refused with 403 before anything runs.
* Pages are never cached, never framed, and load scripts and styles only from the portal.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wzdesk.web.portal.config import PortalConfig

SESSION_COOKIE = "wzdesk_portal"
CSRF_COOKIE = "wzdesk_csrf"
#: A one-time note a POST leaves for the page it sends the browser to ("opened:WZ-1042:ack",
#: "replied:WZ-1042"): set only by this server's own answer, so a link cannot make a page
#: say a case was opened or a message added (query parameters could).
NOTE_COOKIE = "wzdesk_note"
#: The form field every POST carries.
CSRF_FIELD = "csrf"

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def is_https(request: Request) -> bool:
    """Whether the browser reached us over TLS (directly or through the reverse proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def secure(request: Request, config: PortalConfig) -> bool:
    return is_https(request) if config.secure_cookies is None else config.secure_cookies


def set_cookie(
    response: Response,
    request: Request,
    config: PortalConfig,
    name: str,
    value: str,
    max_age: int | None = None,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=secure(request, config),
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, request: Request, config: PortalConfig, name: str) -> None:
    response.delete_cookie(
        name, path="/", secure=secure(request, config), httponly=True, samesite="lax"
    )


def anonymous_csrf(request: Request) -> tuple[str, bool]:
    """The visitor's pre-sign-in CSRF token, and whether it is new (set the cookie then)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if 20 <= len(token) <= 100:
        return token, False
    return secrets.token_urlsafe(32), True


def csrf_ok(expected: str, given: object) -> bool:
    """Whether the form's token is the expected one (constant-time)."""
    if not expected or not isinstance(given, str) or len(given) > 200:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def client_ip(request: Request) -> str:
    """The address throttles count by. Behind a reverse proxy run uvicorn with
    ``--proxy-headers --forwarded-allow-ips=<proxy>`` so this is the browser's, not the proxy's."""
    return (request.client.host if request.client else "") or "unknown"


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` and ``Cache-Control: no-store`` to every HTML page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name.encode() not in names:
                        headers.append((name.encode(), value.encode()))
                content_type = dict(headers).get(b"content-type", b"")
                if b"cache-control" not in names and not content_type.startswith(
                    (b"text/css", b"text/javascript", b"application/javascript")
                ):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
