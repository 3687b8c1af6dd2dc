"""Fixtures for the portal's pages: an app on the test database with a frozen clock, a browser
(Starlette's TestClient) and signing in with the code the outbox holds."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass

import peewee
import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message

from wzdesk.core.clock import FixedClock
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import OutboundMail
from wzdesk.web.portal import PortalConfig, portal_app

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_CODE = re.compile(r"^    (\d{6})$", re.MULTILINE)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def last_code(email: str) -> str:
    """The code in the newest sign-in message queued to ``email``."""
    row = (
        OutboundMail.select()
        .where((OutboundMail.kind == "portal_code") & (OutboundMail.recipients == email))
        .order_by(OutboundMail.id.desc())
        .first()
    )
    assert row is not None, f"no code queued to {email}"
    found = _CODE.search(row.raw.replace("\r\n", "\n"))
    assert found, row.raw
    return found.group(1)


def ask_code(browser: TestClient, email: str) -> str:
    """Ask for a code on the sign-in page; the page it answers with."""
    page = browser.get("/sign-in")
    return browser.post("/sign-in", data={"email": email, "csrf": csrf_of(page.text)}).text


def sign_in(browser: TestClient, email: str) -> str:
    """Sign in as ``email`` (a code asked for, read from the outbox, typed); the cases page."""
    page = ask_code(browser, email)
    response = browser.post(
        "/sign-in/code", data={"email": email, "code": last_code(email), "csrf": csrf_of(page)}
    )
    assert response.status_code == 200, response.text
    assert str(response.url).endswith("/cases"), response.url
    return response.text


@pytest.fixture
def portal_config(clock: FixedClock) -> PortalConfig:
    return PortalConfig(clock=clock, deliver_codes=False)


def _browser(config: PortalConfig, ip: str) -> Iterator[TestClient]:
    with TestClient(portal_app(config), client=(ip, 50000)) as client:
        yield client


@pytest.fixture
def browser(
    database: peewee.Database, supervisor: ServiceContext, portal_config: PortalConfig
) -> Iterator[TestClient]:
    """A browser on the portal (the database holds a supervisor, so the desk is set up)."""
    yield from _browser(portal_config, "203.0.113.7")


@pytest.fixture
def other_browser(
    database: peewee.Database, supervisor: ServiceContext, portal_config: PortalConfig
) -> Iterator[TestClient]:
    """A second browser (its own cookies, another address)."""
    yield from _browser(portal_config, "198.51.100.9")


@dataclass
class Streamed:
    """What an app answered a body sent in chunks, and how many chunks it read."""

    status: int
    text: str
    chunks_read: int


def post_in_chunks(
    app: ASGIApp, path: str, chunks: int, headers: dict[str, str], size: int = 65_536
) -> Streamed:
    """POST ``chunks`` chunks of ``size`` bytes with no Content-Length (chunked, as a client
    streaming an upload sends them) straight to ``app``, counting the chunks it asks for
    (the TestClient reads a streamed body whole before the app sees any of it)."""
    read = 0
    statuses: list[int] = []
    parts: list[bytes] = []

    async def receive() -> Message:
        nonlocal read
        if read < chunks:
            read += 1
            return {"type": "http.request", "body": b"a" * size, "more_body": read < chunks}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("203.0.113.7", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    return Streamed(statuses[0], b"".join(parts).decode(), read)
