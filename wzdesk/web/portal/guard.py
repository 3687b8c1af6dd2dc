"""Who is asking: the signed-in client admin behind a request, and the checks every page
makes (a session, and on a POST the session's CSRF token)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wzdesk.services.portal_sign_in import PortalUser, session_user
from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.render import base_path, page
from wzdesk.web.portal.security import CSRF_FIELD, SESSION_COOKIE, csrf_ok
from wzdesk.web.portal.web_db import in_db


def forbidden(request: Request) -> Response:
    """403: a form without the right CSRF token; nothing was done."""
    return page(request, "forbidden.html", 403)


@dataclass
class PortalRequest:
    """A request with its signed-in user (or the response that refuses it)."""

    request: Request
    config: PortalConfig
    user: PortalUser | None
    refusal: Response | None = None
    form: dict[str, str] = field(default_factory=dict)

    @staticmethod
    async def user_of(request: Request, config: PortalConfig) -> PortalUser | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token:
            return None
        return await in_db(session_user, config.clock, token)

    @classmethod
    async def signed_in(cls, request: Request, config: PortalConfig) -> PortalRequest:
        """The request's user; without one, ``refusal`` sends the browser to sign in (a JSON
        caller gets 401)."""
        user = await cls.user_of(request, config)
        refusal: Response | None = None
        if user is None:
            if request.url.path.endswith(".json"):
                refusal = Response('{"error": "sign in again"}', 401, media_type="application/json")
            else:
                refusal = RedirectResponse(f"{base_path(request)}/sign-in", status_code=303)
        return cls(request, config, user, refusal)

    @classmethod
    async def posted(cls, request: Request, config: PortalConfig) -> PortalRequest:
        """A signed-in POST with its form read; ``refusal`` is set without a session, or with
        403 when the form's CSRF token is not the session's."""
        portal = await cls.signed_in(request, config)
        if portal.refusal is None and not await portal.form_ok():
            portal.refusal = forbidden(request)
        return portal

    @property
    def me(self) -> PortalUser:
        """The signed-in user (only after ``refusal`` was found ``None``)."""
        assert self.user is not None
        return self.user

    async def form_ok(self) -> bool:
        """Read the posted form; whether its CSRF token is this session's."""
        form = await self.request.form()
        self.form = {key: value for key, value in form.items() if isinstance(value, str)}
        return self.user is not None and csrf_ok(self.user.csrf, form.get(CSRF_FIELD))

    def page(self, template: str, status_code: int = 200, **values: Any) -> Response:
        """A signed-in page: the user and the session's CSRF token are filled in."""
        assert self.user is not None
        return page(
            self.request,
            template,
            status_code,
            user=self.user,
            csrf=self.user.csrf,
            live_seconds=self.config.live_seconds,
            **values,
        )
