"""Who is asking: the signed-in client admin behind a request, and the checks every page
makes (a session, and on a POST the session's CSRF token) before its work runs.

The session check and the page's use case run in one worker thread on one database connection
(:meth:`PortalRequest.serve`): opening a connection costs as much as a page's query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from wzdesk.core.errors import UserError
from wzdesk.services.portal_sign_in import PortalUser, session_user
from wzdesk.web.bodies import MAX_FORM_BYTES, TooLarge, Unreadable, read_form
from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.render import base_path, page
from wzdesk.web.portal.security import CSRF_FIELD, SESSION_COOKIE, csrf_ok
from wzdesk.web.portal.web_db import in_db

T = TypeVar("T")


def forbidden(request: Request) -> Response:
    """403: a form without the right CSRF token; nothing was done."""
    return page(request, "forbidden.html", 403)


async def posted_form(request: Request) -> dict[str, str] | Response:
    """The posted form's text fields (:func:`wzdesk.web.bodies.read_form`), or the page that
    refuses it: 413 over the size limit, 400 when it cannot be read (too many fields, a
    file). Either way before anything else is done with it."""
    try:
        return await read_form(request)
    except TooLarge:
        why = f"This form is larger than {MAX_FORM_BYTES // 1_000_000} MB"
        limit = f"{MAX_FORM_BYTES // 1_000_000} MB"
        return page(request, "form_refused.html", 413, why=why, too_large=True, limit=limit)
    except Unreadable as error:
        why = f"This form could not be read ({error.message.rstrip('.')})"
        return page(request, "form_refused.html", 400, why=why, too_large=False, limit="")


@dataclass
class Done(Generic[T]):
    """What a page's work gave: its value, or the user error it raised (``forged``: it did not
    run, the form's CSRF token was wrong)."""

    value: T | None = None
    error: UserError | None = None
    forged: bool = False


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
    async def serve(
        cls,
        request: Request,
        config: PortalConfig,
        work: Callable[[PortalUser, dict[str, str]], T] | None = None,
        *,
        posted: bool = False,
    ) -> tuple[PortalRequest, Done[T]]:
        """Check the session (and on a POST, read the form and check its CSRF token), then run
        ``work(user, form)``, all in one worker thread and connection. Without a session ``refusal``
        sends the browser to sign in (a ``.json`` caller gets 401); with a forged form it is 403
        and ``work`` never ran."""
        form: dict[str, str] = {}
        if posted:
            read = await posted_form(request)
            if isinstance(read, Response):
                return cls(request, config, None, refusal=read), Done()
            form = read
        token = request.cookies.get(SESSION_COOKIE, "")

        def job() -> tuple[PortalUser | None, Done[T]]:
            user = session_user(config.clock, token) if token else None
            if user is None:
                return None, Done()
            if posted and not csrf_ok(user.csrf, form.get(CSRF_FIELD)):
                return user, Done(forged=True)
            if work is None:
                return user, Done()
            try:
                return user, Done(work(user, form))
            except UserError as error:
                return user, Done(error=error)

        user, done = await in_db(job)
        portal = cls(request, config, user, form=form)
        if user is None:
            portal.refusal = _sign_in_again(request)
        elif done.forged:
            portal.refusal = forbidden(request)
        return portal, done

    async def attempt(self, use: Callable[..., T], *args: Any) -> Done[T]:
        """``use(*args)`` on a connection of its own (a page shown again after a refusal)."""
        try:
            return Done(await in_db(use, *args))
        except UserError as error:
            return Done(error=error)

    @property
    def me(self) -> PortalUser:
        """The signed-in user (only after ``refusal`` was found ``None``)."""
        assert self.user is not None
        return self.user

    def page(self, template: str, status_code: int = 200, **values: Any) -> Response:
        """A signed-in page: the user and the session's CSRF token are filled in."""
        return page(
            self.request,
            template,
            status_code,
            user=self.me,
            csrf=self.me.csrf,
            live_seconds=self.config.live_seconds,
            **values,
        )


def _sign_in_again(request: Request) -> Response:
    if request.url.path.endswith(".json"):
        return Response('{"error": "sign in again"}', 401, media_type="application/json")
    return RedirectResponse(f"{base_path(request)}/sign-in", status_code=303)
