"""Options around the console: ``--demo`` with a subcommand, call notes that need a call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import Cli, open_case


def test_case_open_refuses_call_notes_without_a_duration(desk: Cli) -> None:
    before = desk.counts()
    result = desk(
        "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
        "--severity", "major", "--channel", "phone", "--category", "question",
        "--summary", "Printer", "--notes", "Talked it through",
    )  # fmt: skip
    assert result.code == 2
    assert result.error_line.startswith("wzdesk: error: --notes:")
    assert desk.counts() == before
    with_call = open_case(desk, "--duration", "300", "--notes", "Talked it through")
    assert with_call["ref"]


def test_demo_option_with_a_subcommand_uses_the_demo_database(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(
        "wzdesk.services.desk_location.demo_database_path", lambda: tmp_path / "demo.db"
    )
    monkeypatch.delenv("WZDESK_DB")
    cli.ok("--demo", "client", "add", "DEMO", "--name", "Demo client")
    assert (tmp_path / "demo.db").exists()
    listed = cli.ok("--demo", "client", "list", "--json").json
    assert [c["code"] for c in listed] == ["DEMO"]


def test_demo_and_db_together_are_refused(cli: Cli, tmp_path: Path) -> None:
    result = cli("--demo", "--db", str(tmp_path / "other.db"), "client", "list")
    assert result.code == 2
    assert "--demo" in result.error_line
    assert not (tmp_path / "other.db").exists()


def test_the_first_supervisor_note_is_kept_for_the_console(cli: Cli, monkeypatch: Any) -> None:
    """The console shows the announcement inside itself; nothing is printed behind it."""
    from wzdesk.cli.common import Runtime

    runtime = Runtime(db_url=cli.url, identity="sam", defer_announcement=True)
    runtime.context()
    assert runtime.take_announcement() == (
        "created supervisor 'sam': the first user of this database"
    )
    assert runtime.take_announcement() is None
