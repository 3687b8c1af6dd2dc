"""One real browser through the portal: headless Chromium (Debian's ``chromium-headless-shell``)
driven over the DevTools protocol with a small ``websockets`` client.

It signs in with the code the outbox delivered into its Maildir, opens a case through the form,
sees it listed, watches the case's status change live (no reload) when an agent resolves it,
checks that the pages fit a 320-pixel-wide screen, and keeps screenshots: under pytest's
``tmp_path`` and in ``tests/web/artifacts/`` (ignored by git).

Skipped, saying why, when no such browser is installed (``apt-get install -y
chromium-headless-shell``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import base64
import itertools
import json
import mailbox
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.web.app import create_app

BROWSERS = ("chromium-headless-shell", "chromium", "headless_shell")
BROWSER = next((found for name in BROWSERS if (found := shutil.which(name))), None)
ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTH = 320  # the narrowest screen the portal promises to be readable on
WAIT = 30.0  # seconds any one thing may take before the test fails

pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="no headless Chromium (apt-get install -y chromium-headless-shell)",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(what: str, check: Callable[[], Any]) -> Any:
    """``check()``'s first truthy answer, or fail naming ``what`` after :data:`WAIT` seconds."""
    deadline = time.monotonic() + WAIT
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class DevTools:
    """Just enough of the DevTools protocol: send a command, wait for its answer."""

    def __init__(self, url: str) -> None:
        from websockets.sync.client import connect

        self._open = ExitStack()
        self._socket = self._open.enter_context(
            connect(url, max_size=50 * 1024 * 1024, open_timeout=WAIT)
        )
        self._ids = itertools.count(1)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=WAIT))
            if message.get("id") == number:  # events in between are not ours to handle
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def js(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        answer = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in answer:
            raise AssertionError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def go(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.loaded()

    def loaded(self) -> None:
        _until("the page to load", lambda: self.js("document.readyState") == "complete")

    def screenshot(self, path: Path) -> None:
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self._open.close()


@pytest.fixture
def server(
    database_url: str, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """``wzdesk serve``'s app under uvicorn on a free loopback port, in a thread; its outbox
    delivers into a Maildir under ``tmp_path``."""
    monkeypatch.setenv("WZDESK_OUTBOX", str(tmp_path / "outbox"))
    app = create_app(database_url, clock)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    _until("uvicorn to start", lambda: running.started)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(WAIT)


@pytest.fixture
def devtools(tmp_path: Path) -> Iterator[DevTools]:
    """A fresh headless Chromium and a DevTools connection to its page, 320 pixels wide."""
    assert BROWSER is not None
    port = _free_port()
    process = subprocess.Popen(
        [
            BROWSER,
            f"--remote-debugging-port={port}",
            f"--user-data-dir={tmp_path / 'chromium'}",
            "--no-sandbox",  # tests run as root in CI
            "--disable-gpu",
            "--no-first-run",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own process group: Chromium forks helpers (zygote, renderer) that outlive a
        # terminated parent; the whole group is stopped below.
        start_new_session=True,
    )

    def page_socket() -> str | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=2) as got:
                targets = json.load(got)
        except OSError:
            return None
        pages = [t for t in targets if t.get("type") == "page"]
        return pages[0]["webSocketDebuggerUrl"] if pages else None

    try:
        tools = DevTools(_until("Chromium's DevTools endpoint", page_socket))
        tools.call("Page.enable")
        tools.call(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=720,
            deviceScaleFactor=1,
            mobile=True,
        )
        yield tools
        tools.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _code_in(maildir: Path, email: str) -> str | None:
    if not maildir.exists():
        return None
    for message in mailbox.Maildir(maildir, factory=None, create=False):
        if email in str(message["To"]) and "sign-in code" in str(message["Subject"]):
            body = message.get_payload(decode=True) or b""
            found = re.search(rb"^    (\d{6})\r?$", body, re.MULTILINE)
            if found:
                return found.group(1).decode()
    return None


def _fits(tools: DevTools, page: str) -> None:
    width = tools.js("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{page} is {width} px wide on a {WIDTH} px screen"


def _type(tools: DevTools, element_id: str, text: str) -> None:
    tools.js(f"document.getElementById({json.dumps(element_id)}).value = {json.dumps(text)}")


def _submit(tools: DevTools) -> None:
    """Click the main form's button (as a person would), and wait for the next page."""
    before = tools.js("performance.timeOrigin")
    tools.js("document.querySelector('main form button[type=submit]').click()")
    _until("the next page", lambda: tools.js("performance.timeOrigin") != before)
    tools.loaded()


def test_an_admin_signs_in_opens_a_case_and_sees_it_live(
    server: str,
    devtools: DevTools,
    acme: str,
    agent: ServiceContext,
    tmp_path: Path,
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    devtools.go(f"{server}/")
    assert devtools.js("location.pathname") == "/sign-in"
    _fits(devtools, "the sign-in page")
    _type(devtools, "email", "ana@acme.example")
    _submit(devtools)
    assert devtools.js("!!document.getElementById('code')"), "no code field after asking"

    code = _until("the code in the outbox Maildir", lambda: _code_in(tmp_path / "outbox", "ana"))
    _type(devtools, "code", code)
    _submit(devtools)
    assert devtools.js("location.pathname") == "/cases"
    assert "Ana Diaz" in devtools.js("document.body.innerText")

    devtools.go(f"{server}/cases/new")
    _fits(devtools, "the new-case form")
    devtools.js("document.getElementById('severity-major').click()")
    devtools.js("document.getElementById('category').value = 'question'")
    _type(devtools, "summary", "Browser-made case: invoices stuck")
    _type(devtools, "description", "Opened from headless Chromium.")
    _submit(devtools)
    ref = devtools.js("location.pathname").rsplit("/", 1)[-1]
    assert re.fullmatch(r"WZ-\d+", ref), ref
    assert "Your case is opened" in devtools.js("document.body.innerText")

    # Live status: an agent resolves the case; the open page follows without a reload.
    devtools.js("window.stillTheSamePage = true")
    cases.resolve(agent, ref, "Cleared the stuck batch.")
    _until(
        "the page to show the case resolved",
        lambda: (
            devtools.js("document.querySelector('[data-field=status]').textContent") == "Resolved"
        ),
    )
    _until(
        "the resolution note in the timeline",
        lambda: "Cleared the stuck batch." in devtools.js("document.body.innerText"),
    )
    assert devtools.js("window.stillTheSamePage") is True
    devtools.screenshot(tmp_path / "portal-case.png")
    devtools.screenshot(ARTIFACTS / "portal-case.png")

    devtools.go(f"{server}/cases")
    listed = devtools.js("document.body.innerText")
    assert ref in listed and "Browser-made case: invoices stuck" in listed
    _fits(devtools, "the case list")
    devtools.screenshot(tmp_path / "portal-cases.png")
    devtools.screenshot(ARTIFACTS / "portal-cases.png")
    assert (tmp_path / "portal-cases.png").stat().st_size > 1000
    assert os.environ["WZDESK_OUTBOX"] == str(tmp_path / "outbox")
