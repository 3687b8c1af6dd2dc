"""``wzdesk client token ...`` and ``wzdesk serve``: a token is printed once and works against
a real server process (one worker on SQLite, two on PostgreSQL); revoked, it is refused."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli

#: How long a server may take to start on a busy two-core machine (a deadline, not a measure).
START_DEADLINE = 60.0


def test_token_create_prints_the_secret_once(desk: Cli) -> None:
    made = desk.ok("client", "token", "create", "acme", "--label", "ERP")
    secret = made.out.strip()
    assert secret.startswith("wzk_") and "shown once" in made.err
    listed = desk.ok("client", "token", "list")
    assert secret not in listed.out and secret[:12] in listed.out and "ERP" in listed.out
    as_json = desk.ok("client", "token", "list", "ACME", "--json").json
    assert as_json[0]["active"] is True and "secret" not in json.dumps(as_json)
    revoked = desk.ok("client", "token", "revoke", str(as_json[0]["id"]), "--json").json
    assert revoked["active"] is False


def test_token_commands_refuse_phone_staff_and_unknown_ids(desk: Cli) -> None:
    refused = desk("client", "token", "create", "ACME", user="pat")
    assert refused.code == 4 and refused.out == ""
    assert desk("client", "token", "revoke", "99").code == 5
    assert desk("client", "token", "create", "NOPE").code == 5


def test_serve_refuses_bad_options(desk: Cli) -> None:
    assert desk("serve", "--workers", "0").code == 2
    assert desk("serve", "--port", "70000").code == 2
    checked = desk.ok("serve", "--check")
    assert "ready to serve" in checked.out


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, token: str | None = None) -> int:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.fixture
def server(desk: Cli, tmp_path: Path) -> Iterator[tuple[str, str, Cli]]:
    """A ``wzdesk serve`` process over the desk's database (two workers on PostgreSQL)."""
    token = desk.ok("client", "token", "create", "ACME").out.strip()
    port = _free_port()
    workers = "2" if desk.url.startswith("postgres") else "1"
    env = {**os.environ, "WZDESK_DB": desk.url, "HOME": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "wzdesk", "serve", "--port", str(port), "--workers", workers],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        deadline = time.monotonic() + START_DEADLINE
        while True:
            try:
                if _get(f"{base}/openapi.json") == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield base, token, desk
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_answers_with_a_token_and_refuses_it_once_revoked(
    server: tuple[str, str, Cli],
) -> None:
    base, token, desk = server
    assert _get(f"{base}/cases", token) == 200
    assert _get(f"{base}/cases") == 401
    [row] = desk.ok("client", "token", "list", "--json").json
    desk.ok("client", "token", "revoke", str(row["id"]))
    for _ in range(4):  # every worker refuses it
        assert _get(f"{base}/cases", token) == 401
