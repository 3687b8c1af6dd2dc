"""The signed-in pages: the client's cases (with search), a case with its public timeline and a
reply box, a new case, and the JSON the pages poll for live status.

Every page reaches cases only through the client-side services with the session's
:class:`~wzdesk.services.client_side.ClientScope`: another client's case is "not found",
exactly like a missing one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from wzdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UserError
from wzdesk.core.rules import CATEGORY_LABELS, Category
from wzdesk.core.text import whole_number
from wzdesk.services import portal_live
from wzdesk.services.client_side import (
    ClientScope,
    client_case,
    client_cases,
    client_open_case,
    client_reply,
    public_policy,
)
from wzdesk.services.portal_sign_in import PortalUser
from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.guard import Done, PortalRequest
from wzdesk.web.portal.render import base_path, when
from wzdesk.web.portal.security import NOTE_COOKIE, clear_cookie, set_cookie

PAGE_SIZE = 25
#: The policy's request to clients (Client Responsibilities, g), and what makes a case complete.
CHECKLIST = (
    "Say what you were doing, and what you expected to happen.",
    "Describe what happened instead, with any message shown, word for word.",
    "For something unexpected: the steps that make it happen again, and who is affected "
    "(which users, how many).",
    "Choose the severity that matches the impact on your work (descriptions below).",
)
NEW_CASE_FIELDS = (
    "severity",
    "category",
    "summary",
    "description",
    "steps_to_reproduce",
    "affected_users",
)


def scope_of(user: PortalUser, config: PortalConfig) -> ClientScope:
    """The client-side scope of a portal session: its client, the session as the credential,
    the signed-in admin as the contact."""
    return ClientScope(
        client_id=user.client_id,
        client_code=user.client_code,
        credential=f"portal-session:{user.session_id}",
        clock=config.clock,
        contact=user.email,
    )


def _status_code(error: UserError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 400


def _listed(scope: ClientScope, query: str, page_text: str) -> dict[str, Any]:
    """A page of the list; a page that is no whole number is refused as the API refuses it,
    and one below 1 by the service (every page below 1 alike: ``-5`` showed page 1)."""
    page = whole_number(page_text)
    if page is None:
        raise InvalidInput(f"expected a whole number, got {page_text[:20]!r}", field="page")
    return client_cases(scope, query, page=page, limit=PAGE_SIZE)


async def case_list(request: Request, config: PortalConfig) -> Response:
    """GET /cases: the client's cases, open and historical, filtered by the query language."""
    query = request.query_params.get("q", "")[:500]
    page_text = request.query_params.get("page") or "1"
    page = max(whole_number(page_text) or 1, 1)  # for the page's links
    portal, done = await PortalRequest.serve(
        request, config, lambda user, _: _listed(scope_of(user, config), query, page_text)
    )
    if portal.refusal is not None:
        return portal.refusal
    found = done.value or {"cases": [], "next_page": None}
    return portal.page(
        "cases.html",
        _status_code(done.error) if done.error else 200,
        cases=found["cases"],
        query=query,
        page=page,
        next_page=found["next_page"],
        error=str(done.error) if done.error else None,
    )


def _case_url(request: Request, ref: str) -> str:
    return f"{base_path(request)}/cases/{quote(ref)}"


def _case_page(
    portal: PortalRequest,
    done: Done[dict[str, Any]],
    status_code: int = 200,
    error: str | None = None,
    message: str = "",
) -> Response:
    """The case page from ``client_case``'s answer (not found: the same 404 for every reason)."""
    if done.value is None:
        return portal.page("not_found.html", 404, what=str(done.error or "no such case"))
    left = portal.request.cookies.get(NOTE_COOKIE, "")
    kind, _, rest = left.partition(":")
    ref, _, ack = rest.partition(":")
    note = None
    if ref == done.value["ref"]:
        notes = {
            "opened": "Your case is opened."
            + (" We have queued an acknowledgment to your email." if ack == "ack" else ""),
            "replied": "Your message is added to the case.",
        }
        note = notes.get(kind)
    response = portal.page(
        "case.html", status_code, case=done.value, error=error, note=note, message=message
    )
    if left:  # shown once (or not at all, on another case's page)
        clear_cookie(response, portal.request, portal.config, NOTE_COOKIE)
    return response


def _noted(request: Request, config: PortalConfig, ref: str, kind: str, ack: str = "") -> Response:
    """To the case's page, which says what was done (``kind``) once (:data:`NOTE_COOKIE`)."""
    response = RedirectResponse(_case_url(request, ref), status_code=303)
    set_cookie(response, request, config, NOTE_COOKIE, f"{kind}:{ref}:{ack}", max_age=300)
    return response


async def case_page(request: Request, config: PortalConfig) -> Response:
    """GET /cases/{ref}: the case, its public timeline and a reply box."""
    ref = request.path_params["ref"]
    portal, done = await PortalRequest.serve(
        request, config, lambda user, _: client_case(scope_of(user, config), ref)
    )
    return portal.refusal or _case_page(portal, done)


async def reply(request: Request, config: PortalConfig) -> Response:
    """POST /cases/{ref}/replies: the admin writes on the case (it resumes or reopens)."""
    ref = request.path_params["ref"]
    portal, done = await PortalRequest.serve(
        request,
        config,
        lambda user, form: client_reply(
            scope_of(user, config), ref, user.email, form.get("message", "")
        ),
        posted=True,
    )
    if portal.refusal is not None:
        return portal.refusal
    if done.value is not None:
        return _noted(request, config, done.value["ref"], "replied")
    assert done.error is not None
    if isinstance(done.error, NotFound):
        return portal.page("not_found.html", 404, what=str(done.error))
    shown = await portal.attempt(client_case, scope_of(portal.me, config), ref)
    message = portal.form.get("message", "")
    return _case_page(portal, shown, _status_code(done.error), str(done.error), message)


def _new_case_page(
    portal: PortalRequest,
    policy: dict[str, Any] | None,
    status_code: int = 200,
    error: str | None = None,
) -> Response:
    form = {name: portal.form.get(name, "") for name in NEW_CASE_FIELDS}
    return portal.page(
        "new_case.html",
        status_code,
        error=error,
        form=form,
        policy=policy or {"severities": []},
        categories=[(c.value, CATEGORY_LABELS[c]) for c in Category],
        checklist=CHECKLIST,
    )


async def new_case_form(request: Request, config: PortalConfig) -> Response:
    """GET /cases/new: the form, with the policy's severities and the checklist."""
    portal, done = await PortalRequest.serve(
        request, config, lambda _user, _form: public_policy(config.clock.now())
    )
    return portal.refusal or _new_case_page(portal, done.value)


async def open_new_case(request: Request, config: PortalConfig) -> Response:
    """POST /cases/new: open a portal case for the signed-in admin."""

    def open_it(user: PortalUser, form: dict[str, str]) -> dict[str, Any]:
        values = {name: form.get(name, "") for name in NEW_CASE_FIELDS}
        return client_open_case(scope_of(user, config), user.email, **values)

    portal, done = await PortalRequest.serve(request, config, open_it, posted=True)
    if portal.refusal is not None:
        return portal.refusal
    if done.value is None:
        assert done.error is not None
        policy = await portal.attempt(public_policy, config.clock.now())
        return _new_case_page(portal, policy.value, _status_code(done.error), str(done.error))
    ack = "ack" if done.value["acknowledgment"] else ""
    return _noted(request, config, done.value["ref"], "opened", ack)


def _json(body: Any, status_code: int = 200) -> Response:
    return JSONResponse(body, status_code, headers={"cache-control": "no-store"})


def _shown(status: dict[str, Any]) -> dict[str, Any]:
    """The status with its due instants also in words, as the page shows them (the script
    writes these, so a live update reads like the page did)."""
    zone = status.get("zone")
    shown = {field: when(status.get(field), zone) for field in ("response_due", "resolution_due")}
    return {**status, "shown": shown}


async def case_status(request: Request, config: PortalConfig) -> Response:
    """GET /cases/{ref}/status.json: what the case page's script polls."""
    ref = request.path_params["ref"]
    portal, done = await PortalRequest.serve(
        request, config, lambda user, _: portal_live.case_status(scope_of(user, config), ref)
    )
    if portal.refusal is not None:
        return portal.refusal
    if done.value is None:
        return _json({"error": "no such case", "field": "ref"}, 404)
    return _json(_shown(done.value))


async def cases_status(request: Request, config: PortalConfig) -> Response:
    """GET /cases/status.json?refs=A,B: what the case list's script polls."""
    refs = request.query_params.get("refs", "")[:5000].split(",")
    portal, done = await PortalRequest.serve(
        request, config, lambda user, _: portal_live.cases_status(scope_of(user, config), refs)
    )
    if portal.refusal is not None:
        return portal.refusal
    return _json({"cases": [_shown(row) for row in done.value or []]})
