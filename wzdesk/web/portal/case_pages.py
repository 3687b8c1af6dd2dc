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

from wzdesk.core.errors import Conflict, NotFound, PermissionDenied, UserError
from wzdesk.core.rules import CATEGORY_LABELS, Category
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
from wzdesk.web.portal.guard import PortalRequest
from wzdesk.web.portal.render import base_path, when
from wzdesk.web.portal.web_db import in_db

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


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() and len(text) < 6 else 1


async def case_list(request: Request, config: PortalConfig) -> Response:
    """GET /cases: the client's cases, open and historical, filtered by the query language."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    query = request.query_params.get("q", "")[:500]
    page = _page_number(request.query_params.get("page"))
    scope = scope_of(portal.me, config)
    try:
        found = await in_db(client_cases, scope, query, page=page, limit=PAGE_SIZE)
    except UserError as error:
        return portal.page(
            "cases.html", _status_code(error), cases=[], query=query, page=page,
            next_page=None, error=str(error),
        )  # fmt: skip
    return portal.page(
        "cases.html",
        cases=found["cases"],
        query=query,
        page=page,
        next_page=found["next_page"],
        quote=quote,
    )


def _case_url(request: Request, ref: str) -> str:
    return f"{base_path(request)}/cases/{quote(ref)}"


async def case_page(request: Request, config: PortalConfig) -> Response:
    """GET /cases/{ref}: the case, its public timeline and a reply box."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    return await _show_case(portal, request.path_params["ref"])


async def _show_case(
    portal: PortalRequest,
    ref: str,
    status_code: int = 200,
    error: str | None = None,
    message: str = "",
) -> Response:
    scope = scope_of(portal.me, portal.config)
    try:
        case = await in_db(client_case, scope, ref)
    except NotFound as missing:
        return portal.page("not_found.html", 404, what=str(missing))
    notes = {
        "opened": "Your case is opened."
        + (
            " We have queued an acknowledgment to your email."
            if portal.request.query_params.get("ack") == "1"
            else ""
        ),
        "replied": "Your message is added to the case.",
    }
    note = next((text for key, text in notes.items() if key in portal.request.query_params), None)
    return portal.page("case.html", status_code, case=case, error=error, note=note, message=message)


async def reply(request: Request, config: PortalConfig) -> Response:
    """POST /cases/{ref}/replies: the admin writes on the case (it resumes or reopens)."""
    portal = await PortalRequest.posted(request, config)
    if portal.refusal is not None:
        return portal.refusal
    ref = request.path_params["ref"]
    message = portal.form.get("message", "")
    scope = scope_of(portal.me, config)
    try:
        done = await in_db(client_reply, scope, ref, portal.me.email, message)
    except NotFound as missing:
        return portal.page("not_found.html", 404, what=str(missing))
    except UserError as error:
        return await _show_case(portal, ref, _status_code(error), str(error), message)
    return RedirectResponse(f"{_case_url(request, done['ref'])}?replied=1", status_code=303)


async def _new_case_page(
    portal: PortalRequest, status_code: int = 200, error: str | None = None, **values: str
) -> Response:
    policy = await in_db(public_policy, portal.config.clock.now())
    form = {name: values.get(name, "") for name in NEW_CASE_FIELDS}
    return portal.page(
        "new_case.html",
        status_code,
        error=error,
        form=form,
        policy=policy,
        categories=[(c.value, CATEGORY_LABELS[c]) for c in Category],
        checklist=CHECKLIST,
    )


async def new_case_form(request: Request, config: PortalConfig) -> Response:
    """GET /cases/new: the form, with the policy's severities and the checklist."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    return await _new_case_page(portal)


async def open_new_case(request: Request, config: PortalConfig) -> Response:
    """POST /cases/new: open a portal case for the signed-in admin."""
    portal = await PortalRequest.posted(request, config)
    if portal.refusal is not None:
        return portal.refusal
    values = {name: portal.form.get(name, "") for name in NEW_CASE_FIELDS}
    scope = scope_of(portal.me, config)
    try:
        case = await in_db(client_open_case, scope, portal.me.email, **values)
    except UserError as error:
        return await _new_case_page(portal, _status_code(error), str(error), **values)
    ack = "&ack=1" if case.get("acknowledgment") else ""
    return RedirectResponse(f"{_case_url(request, case['ref'])}?opened=1{ack}", status_code=303)


def _json(portal: PortalRequest, body: Any, status_code: int = 200) -> Response:
    return JSONResponse(body, status_code, headers={"cache-control": "no-store"})


def _shown(status: dict[str, Any]) -> dict[str, Any]:
    """The status with its due instants also in words, as the page shows them (the script
    writes these, so a live update reads like the page did)."""
    zone = status.get("zone")
    shown = {field: when(status.get(field), zone) for field in ("response_due", "resolution_due")}
    return {**status, "shown": shown}


async def case_status(request: Request, config: PortalConfig) -> Response:
    """GET /cases/{ref}/status.json: what the case page's script polls."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    scope = scope_of(portal.me, config)
    found = await in_db(portal_live.case_status, scope, request.path_params["ref"])
    if found is None:
        return _json(portal, {"error": "no such case", "field": "ref"}, 404)
    return _json(portal, _shown(found))


async def cases_status(request: Request, config: PortalConfig) -> Response:
    """GET /cases/status.json?refs=A,B: what the case list's script polls."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    refs = request.query_params.get("refs", "")[:5000].split(",")
    found = await in_db(portal_live.cases_status, scope_of(portal.me, config), refs)
    return _json(portal, {"cases": [_shown(row) for row in found]})
