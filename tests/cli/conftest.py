"""The command-line harness's fixtures: an empty desk, and one with a client and users."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cli.test_cli import Cli


@pytest.fixture
def cli(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    return Cli(database_url, monkeypatch, capsys)


@pytest.fixture
def desk(cli: Cli) -> Cli:
    """Client ACME with two admins and a non-admin; agent kim and phone staff pat."""
    cli.ok("client", "add", "ACME", "--name", "Acme Corporation")
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--phone", "+1 416 555 0101", "--primary",
    )  # fmt: skip
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Raj Patel",
        "--email", "raj@acme.example", "--admin", "--backup",
    )  # fmt: skip
    cli.ok("contact", "add", "--client", "ACME", "--name", "Bob Smith", "--phone", "416-555-0102")
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    cli.ok("user", "add", "pat", "--name", "Pat Moss", "--role", "phone")
    return cli
