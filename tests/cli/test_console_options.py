"""Options around the console: ``--demo`` with a subcommand, call notes that need a call."""

from __future__ import annotations

import re
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
    listed = [c["code"] for c in cli.ok("--demo", "client", "list", "--json").json]
    assert "DEMO" in listed
    assert len(listed) == 21  # and the demo's twenty: the desk was filled before the command
    assert cli.ok("--db", str(tmp_path / "other.db"), "client", "list", "--json").json == []


def test_the_demo_desk_is_filled_before_as_names_one_of_its_users(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``wzdesk --demo --as kim`` on a new machine: ``--as`` was resolved on the empty desk
    first ("no console user 'kim'"), and a subcommand listed the empty desk as "(none)"."""
    monkeypatch.setattr(
        "wzdesk.services.desk_location.demo_database_path", lambda: tmp_path / "demo.db"
    )
    monkeypatch.delenv("WZDESK_DB")
    result = cli(
        "--demo", "--as", "kim", "case", "list", "--query", "assignee:me", "--json", user="root"
    )
    assert result.code == 0, result.err
    mine = result.json
    assert mine and {case["assignee"] for case in mine} == {"kim"}
    assert "filling the demo database" in result.err
    assert "created supervisor 'root'" in result.err  # the connection's user, before --as
    trail = cli.ok("--demo", "audit", "--json", user="root").json
    assert [(e["actor"], e["action"]) for e in trail if e["action"] == "user.impersonate"] == [
        ("kim", "user.impersonate")
    ]
    again = cli(
        "--demo", "--as", "kim", "case", "list", "--query", "assignee:me", "--json", user="root"
    )
    assert again.json == mine and "filling" not in again.err  # filled once


def test_the_demo_command_fills_an_empty_demo_desk_itself(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``wzdesk --demo demo --cases N`` asks for a demo of its own size: not filled first."""
    monkeypatch.setattr(
        "wzdesk.services.desk_location.demo_database_path", lambda: tmp_path / "demo.db"
    )
    monkeypatch.delenv("WZDESK_DB")
    cli.ok("--demo", "demo", "--cases", "12")
    assert len(cli.ok("--demo", "case", "list", "--all", "--json").json) == 12


def test_the_console_signs_in_as_a_demo_user_on_a_new_demo_desk(tmp_path: Path) -> None:
    """The console's order: the desk filled (its first user the connection's), then ``--as``;
    the first-run announcement is kept for the console to show."""
    from wzdesk.cli.common import Runtime
    from wzdesk.cli.demo_desk import prepare_demo_desk

    runtime = Runtime(
        db_url=str(tmp_path / "demo.db"), act_as="Kim", identity="root", defer_announcement=True
    )
    prepare_demo_desk(runtime, console=True)
    acting = runtime.context()
    assert (acting.actor, acting.role.value, acting.authenticated_as) == ("kim", "agent", "root")
    assert runtime.take_announcement() == (
        "created supervisor 'root': the first user of this database"
    )


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


def test_a_target_breached_while_the_desk_is_closed_keeps_its_minus_sign(desk: Cli) -> None:
    """A critical case in at 14:00 on a Friday is due at 18:00, the close: on Saturday it is
    overdue by no business time, and ``case list`` printed ``0h00m`` (a timer about to run
    out), ``case show`` "breached  (0h00m business)"."""
    friday = "2026-03-06T14:30:00-05:00"
    ref = open_case(desk, "--received", "2026-03-06T14:00:00-05:00", now=friday)["ref"]

    def listed(now: str) -> tuple[str, dict[str, Any]]:
        table = desk.ok("case", "list", "--query", f"ref:{ref}", now=now).out.splitlines()
        (row,) = desk.ok("case", "list", "--query", f"ref:{ref}", "--json", now=now).json
        response = next(w for w in table[1].split() if re.fullmatch(r"-?\d+h\d\dm", w))
        return response, row  # the first countdown of the row (the assignee column is empty)

    cell, row = listed("2026-03-07T12:00:00-05:00")
    assert (row["response_state"], row["response_remaining_seconds"]) == ("breached", 0)
    assert cell == "-0h00m"
    shown = desk.ok("case", "show", ref, now="2026-03-07T12:00:00-05:00").out
    assert "breached  (-0h00m business)" in shown
    cell, row = listed("2026-03-06T17:59:00-05:00")  # a minute left: no sign
    assert (row["response_state"], cell) == ("at_risk", "0h01m")
    cell, row = listed("2026-03-09T08:30:00-04:00")  # Monday: half an hour more overdue
    assert (row["response_state"], cell) == ("breached", "-0h30m")
