"""The client API, ``/api/v1``: JSON over the client-side services, one token per client.

Every endpoint is a row of ``ENDPOINTS`` (method, path, handler, what it answers); the routes
and the OpenAPI description are both built from that table, so they cannot disagree.
Handlers authenticate the bearer token and call one client-side use case in a worker thread
(``run_in_threadpool``) with a database connection of its own; refusals come back as
``{"error": ..., "field": ...}`` with the status code the error's kind stands for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from wzdesk import __version__
from wzdesk.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    UserError,
)
from wzdesk.core.text import check_encodable, whole_number
from wzdesk.services import client_side
from wzdesk.services.client_side import ClientScope
from wzdesk.services.context import connection
from wzdesk.services.session import database_busy
from wzdesk.web.bodies import MAX_BODY_BYTES, TooLarge, read_body
from wzdesk.web.config import BUSY_RETRY_SECONDS, BUSY_WORDS, WebConfig

log = logging.getLogger("wzdesk.web")

#: The header an application may send on reads to say which client admin it acts for
#: (checked like the ``contact`` of a write, and named in the audit trail).
CONTACT_HEADER = "X-Wzdesk-Contact"

#: Routes answer every method themselves: a wrong one gets the JSON 405, not a plain-text one.
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

STATUS_OF: list[tuple[type[UserError], int]] = [
    (NotAuthenticated, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (InvalidInput, 422),
]


class BadRequest(InvalidInput):
    """The request itself is malformed (not JSON, not an object, a wrong type): 400."""


class BodyTooLarge(BadRequest):
    """The body is over :data:`MAX_BODY_BYTES`: 413, before it is read whole."""


def _status_of(error: UserError) -> int:
    if isinstance(error, BadRequest):
        return 413 if isinstance(error, BodyTooLarge) else 400
    return next((code for kind, code in STATUS_OF if isinstance(error, kind)), 422)


def error_response(error: UserError) -> JSONResponse:
    status = _status_of(error)
    headers = {"WWW-Authenticate": 'Bearer realm="wzdesk"'} if status == 401 else None
    return JSONResponse(
        {"error": error.message, "field": error.field}, status_code=status, headers=headers
    )


# -- reading requests ---------------------------------------------------------------------------


def bearer(request: Request) -> str | None:
    kind, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if kind.lower() == "bearer" else None


def int_param(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if text is None or text == "":
        return default
    value = whole_number(text)
    if value is None:
        raise BadRequest(f"expected a whole number, got {text[:20]!r}", field=name)
    return value


async def json_object(request: Request, fields: dict[str, bool]) -> dict[str, str | None]:
    """The request's JSON object: ``fields`` maps each accepted key to whether it is required;
    every value is a string (or absent / null for an optional one), holding no lone surrogate
    (no database stores one)."""
    try:
        raw = await read_body(request, MAX_BODY_BYTES)
    except TooLarge as error:
        raise BodyTooLarge(error.message, field=None) from None
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[… nested
        raise BadRequest("the body is not JSON", field=None) from None
    if not isinstance(body, dict):
        raise BadRequest("expected a JSON object", field=None)
    unknown = sorted(set(body) - set(fields))
    if unknown:
        shown = str(unknown[0])[:60].encode("utf-8", "backslashreplace").decode("utf-8")
        raise BadRequest(f"unknown field (accepted: {', '.join(fields)})", field=shown)
    values: dict[str, str | None] = {}
    for name, required in fields.items():
        value = body.get(name)
        if value is None:
            if required:
                raise InvalidInput("is required", field=name)
        elif not isinstance(value, str):
            raise BadRequest("expected a string", field=name)
        else:
            check_encodable(value, name)
        values[name] = value
    return values


# -- running a use case -------------------------------------------------------------------------


#: A use case run for one request: the caller's scope and the request's JSON fields.
UseCase = Callable[[ClientScope, dict[str, str | None]], Any]


def _scoped(config: WebConfig, token: str | None, contact: str | None) -> ClientScope:
    scope = client_side.authenticate_token(token, config.clock)
    if contact:  # the application says for whom it reads: it must be one of the client's admins
        admin = client_side.acting_admin(scope, client_side.scope_client(scope), contact)
        scope = scope.acting(admin.email or admin.phone)
    return scope


def _connected(function: Callable[..., Any], *args: Any) -> Any:
    with connection():
        return function(*args)


async def answer(
    request: Request,
    config: WebConfig,
    use: UseCase,
    status: int = 200,
    fields: dict[str, bool] | None = None,
) -> JSONResponse:
    """Authenticate, run ``use`` in a worker thread with its own connection, answer JSON.

    The token is checked before anything else is judged, the body included (``fields``: the
    JSON body's keys): a caller without a valid one learns nothing, not even that its body was
    malformed, and gets its 401 before its body is read."""
    token = bearer(request)
    contact = request.headers.get(CONTACT_HEADER)
    try:
        if fields is None:  # a read: one trip to a worker thread

            def work() -> Any:
                return use(_scoped(config, token, contact), {})

        else:
            scope = await run_in_threadpool(_connected, _scoped, config, token, contact)
            body = await json_object(request, fields)

            def work() -> Any:
                return use(scope, body)

        result = await run_in_threadpool(_connected, work)
    except UserError as error:
        return error_response(error)
    return JSONResponse(result, status_code=status)


# -- the endpoints ------------------------------------------------------------------------------

Handler = Callable[[Request, WebConfig], Awaitable[Response]]

_CASE_FIELDS = {
    "contact": True,
    "severity": True,
    "category": True,
    "summary": True,
    "description": True,
    "steps_to_reproduce": False,
    "affected_users": False,
}
_REPLY_FIELDS = {"contact": True, "message": True}


async def list_cases(request: Request, config: WebConfig) -> Response:
    query = request.query_params.get("q")

    def use(scope: ClientScope, _: object) -> Any:
        page = int_param(request, "page", 1)
        limit = int_param(request, "limit", client_side.DEFAULT_LIMIT)
        return client_side.client_cases(scope, query, page=page, limit=limit)

    return await answer(request, config, use)


async def read_case(request: Request, config: WebConfig) -> Response:
    ref = request.path_params["ref"]
    return await answer(request, config, lambda scope, _: client_side.client_case(scope, ref))


async def open_case(request: Request, config: WebConfig) -> Response:
    def use(scope: ClientScope, body: dict[str, str | None]) -> Any:
        return client_side.client_open_case(
            scope,
            body["contact"] or "",
            body["severity"] or "",
            body["category"] or "",
            body["summary"] or "",
            body["description"] or "",
            body["steps_to_reproduce"],
            body["affected_users"],
        )

    return await answer(request, config, use, status=201, fields=_CASE_FIELDS)


async def reply(request: Request, config: WebConfig) -> Response:
    ref = request.path_params["ref"]

    def use(scope: ClientScope, body: dict[str, str | None]) -> Any:
        return client_side.client_reply(scope, ref, body["contact"] or "", body["message"] or "")

    return await answer(request, config, use, status=201, fields=_REPLY_FIELDS)


async def policy(request: Request, config: WebConfig) -> Response:
    def use(scope: ClientScope, _: object) -> Any:
        result = client_side.public_policy(config.clock.now())
        scope.record("policy.read")
        return result

    return await answer(request, config, use)


async def openapi(request: Request, config: WebConfig) -> Response:
    return JSONResponse(openapi_document())


@dataclass(frozen=True)
class Endpoint:
    """One API operation: the route and its OpenAPI description come from this row."""

    method: str
    path: str
    handler: Handler
    summary: str
    answers: dict[int, str]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, bool] | None = None
    authenticated: bool = True


_REF = {"name": "ref", "in": "path", "required": True, "schema": {"type": "string"}}
_ACTING = {
    "name": CONTACT_HEADER,
    "in": "header",
    "required": False,
    "description": "the client admin the application reads for (checked; audited)",
    "schema": {"type": "string"},
}
_ERRORS = {
    401: "no token, or an unknown or revoked one",
    403: "the contact is not an active admin of the token's client (the admins are named)",
    404: "no such case for this client (another client's case answers the same)",
    409: "the case is closed",
    422: "a field is invalid (named in `field`)",
    400: "the request is malformed (not JSON, unknown field, wrong type)",
    413: "the body is over 1 MB (1,000,000 bytes)",
}


def _errors(*codes: int) -> dict[int, str]:
    return {code: _ERRORS[code] for code in codes}


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET",
        "/cases",
        list_cases,
        "The client's cases, open and historical, filtered by the query language",
        {200: "a page of cases", **_errors(400, 401, 403, 422)},
        [
            {"name": "q", "in": "query", "schema": {"type": "string"}},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 200}},
            _ACTING,
        ],
    ),
    Endpoint(
        "POST",
        "/cases",
        open_case,
        "Open a case (channel portal) for an active client admin",
        {201: "the case", **_errors(400, 401, 403, 413, 422)},
        body=_CASE_FIELDS,
    ),
    Endpoint(
        "GET",
        "/cases/{ref}",
        read_case,
        "One case and its public timeline",
        {200: "the case", **_errors(401, 403, 404)},
        [_REF, _ACTING],
    ),
    Endpoint(
        "POST",
        "/cases/{ref}/replies",
        reply,
        "The client writes on its case (a waiting case resumes, a resolved one reopens)",
        {201: "the case after the reply", **_errors(400, 401, 403, 404, 409, 413, 422)},
        [_REF],
        body=_REPLY_FIELDS,
    ),
    Endpoint(
        "GET",
        "/policy",
        policy,
        "Support hours, severities with descriptions and targets, holidays",
        {200: "the policy in force", **_errors(401, 403)},
        [_ACTING],
    ),
    Endpoint(
        "GET",
        "/openapi.json",
        openapi,
        "This description",
        {200: "OpenAPI 3.1"},
        authenticated=False,
    ),
]


def routes(config: WebConfig) -> list[BaseRoute]:
    """The API's routes (mounted at ``/api/v1``), one per endpoint, plus JSON 404/405s."""

    def bind(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request, config)
            except Exception as error:  # a bug: logged, and answered as JSON, never a traceback
                if database_busy(error):  # not a bug: another wzdesk holds the database
                    return JSONResponse(
                        {"error": BUSY_WORDS, "field": None},
                        status_code=503,
                        headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
                    )
                log.exception("API request failed: %s %s", request.method, request.url.path)
                return JSONResponse({"error": "internal error", "field": None}, status_code=500)

        return endpoint

    by_path: dict[str, list[Endpoint]] = {}
    for item in ENDPOINTS:
        by_path.setdefault(item.path, []).append(item)
    built: list[BaseRoute] = []
    for path, items in by_path.items():
        handlers = {item.method: bind(item.handler) for item in items}

        async def dispatch(
            request: Request,
            handlers: dict[str, Callable[[Request], Awaitable[Response]]] = handlers,
        ) -> Response:
            handler = handlers.get(request.method)
            if handler is None:
                allowed = ", ".join(sorted(handlers))
                return JSONResponse(
                    {"error": f"method not allowed (allowed: {allowed})", "field": None},
                    status_code=405,
                    headers={"Allow": allowed},
                )
            return await handler(request)

        built.append(Route(path, dispatch, methods=ALL_METHODS))
    built.append(Route("/{rest:path}", not_found, methods=ALL_METHODS))
    return built


async def not_found(request: Request) -> Response:
    """The API's 404: JSON, as every answer of the API."""
    return JSONResponse({"error": "no such endpoint", "field": None}, status_code=404)


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description, built from ``ENDPOINTS``."""
    paths: dict[str, dict[str, Any]] = {}
    for item in ENDPOINTS:
        operation: dict[str, Any] = {
            "summary": item.summary,
            "responses": {
                str(code): {
                    "description": text,
                    **({"content": _error_content()} if code >= 400 else {}),
                }
                for code, text in item.answers.items()
            },
        }
        if item.parameters:
            operation["parameters"] = item.parameters
        if item.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": [name for name, needed in item.body.items() if needed],
                            "properties": {name: {"type": "string"} for name in item.body},
                        }
                    }
                },
            }
        if not item.authenticated:
            operation["security"] = []
        else:  # every answer that reads the database may find it held (routes' ``bind``)
            operation["responses"]["503"] = {
                "description": BUSY_WORDS + ": nothing was done",
                "headers": {
                    "Retry-After": {
                        "description": "seconds to wait before asking again",
                        "schema": {"type": "integer", "example": BUSY_RETRY_SECONDS},
                    }
                },
                "content": _error_content(),
            }
        paths.setdefault(item.path, {})[item.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "wzdesk client API", "version": __version__},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "field": {"type": ["string", "null"]},
                    },
                }
            },
        },
        "security": [{"token": []}],
        "paths": paths,
    }


def _error_content() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
