"""The command-line harness's fixtures: an empty desk, and one with a client and users."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.cli.test_cli import Cli


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    return Cli(database_url, monkeypatch, capsys)


def seed_desk(ok: Callable[..., object]) -> None:
    """Client ACME with two admins and a non-admin; agent kim and phone staff pat (``ok``
    runs one command and fails the test if it does not succeed)."""
    ok("client", "add", "ACME", "--name", "Acme Corporation")
    ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--phone", "+1 416 555 0101", "--primary",
    )  # fmt: skip
    ok(
        "contact", "add", "--client", "ACME", "--name", "Raj Patel",
        "--email", "raj@acme.example", "--admin", "--backup",
    )  # fmt: skip
    ok("contact", "add", "--client", "ACME", "--name", "Bob Smith", "--phone", "416-555-0102")
    ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    ok("user", "add", "pat", "--name", "Pat Moss", "--role", "phone")


@pytest.fixture
def desk(cli: Cli) -> Cli:
    """Client ACME with two admins and a non-admin; agent kim and phone staff pat."""
    seed_desk(cli.ok)
    return cli
