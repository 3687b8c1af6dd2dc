"""The signed-in pages: the client's cases (with search), a case, a reply, a new case."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from wzdesk.web.portal.config import PortalConfig
from wzdesk.web.portal.guard import PortalRequest


async def case_list(request: Request, config: PortalConfig) -> Response:
    """GET /cases: the client's cases, open and historical, filtered by the query language."""
    portal = await PortalRequest.signed_in(request, config)
    if portal.refusal is not None:
        return portal.refusal
    return portal.page("cases.html", cases=[], query="")
