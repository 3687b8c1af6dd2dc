"""The command-line contract of issues 2 and 3, run in-process on each backend (plus a few runs
of the real program in a subprocess): JSON fields and values, exit codes, one-line errors that
name the field, nothing written on error, and no Textual import for a subcommand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from wzdesk.cli.main import main
from wzdesk.store.database import db, open_database
from wzdesk.store.models import ALL_MODELS

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-03-09T10:00:00-04:00"  # Monday, just after the DST switch
FRIDAY_5PM = "2026-03-06T17:00:00-05:00"

#: The case object's fields, as issue 3 lists them.
CASE_FIELDS = {
    "ref",
    "client",
    "contact",
    "channel",
    "category",
    "severity",
    "status",
    "assignee",
    "summary",
    "description",
    "received_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "response_due",
    "resolution_due",
    "response_state",
    "resolution_state",
    "response_remaining_seconds",
    "resolution_remaining_seconds",
    "paused",
}


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)

    @property
    def error_line(self) -> str:
        """The one line a failing command writes to stderr."""
        lines = self.err.splitlines()
        assert len(lines) == 1, self.err
        assert "Traceback" not in self.err
        return lines[0]


class Cli:
    """``wzdesk ...`` in this process, with the environment a script would set.

    ``user``: who is signed in (what the OS login or the PostgreSQL role would say; passed as
    ``main``'s trusted ``identity``), ``sam`` unless given.
    """

    def __init__(self, url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
        self.url = url
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        monkeypatch.setenv("WZDESK_DB", url)
        monkeypatch.setenv("WZDESK_NOW", NOW)
        monkeypatch.delenv("WZDESK_USER", raising=False)

    def __call__(self, *args: str, user: str | None = None, now: str | None = None) -> Result:
        with self.monkeypatch.context() as env:
            if now is not None:
                env.setenv("WZDESK_NOW", now)
            self.capsys.readouterr()
            try:
                code = main(list(args), identity=user or "sam")
            except SystemExit as exit_:  # argparse refusals
                code = int(exit_.code or 0)
            finally:
                if db.obj is not None and not db.obj.is_closed():
                    db.obj.close()
            out, err = self.capsys.readouterr()
        return Result(code, out, err)

    def ok(self, *args: str, **kwargs: Any) -> Result:
        result = self(*args, **kwargs)
        assert result.code == 0, result.err
        return result

    def counts(self) -> dict[str, int]:
        """Rows in every table (to prove a refused command wrote nothing)."""
        database = open_database(self.url)
        try:
            return {model.__name__: model.select().count() for model in ALL_MODELS}
        finally:
            database.close()


def open_case(cli: Cli, *extra: str, severity: str = "critical", **kwargs: Any) -> dict[str, Any]:
    result = cli.ok(
        "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
        "--severity", severity, "--channel", "portal", "--category", "question",
        "--summary", "Cannot post invoices", *extra, "--json",
        **kwargs,
    )  # fmt: skip
    return result.json  # type: ignore[no-any-return]


def _refused(cli: Cli, code: int, field: str, *args: str, user: str | None = None) -> str:
    before = cli.counts()
    result = cli(*args, user=user)
    assert result.code == code, result.err
    line = result.error_line
    assert field in line, line
    assert result.out == ""
    assert cli.counts() == before
    return line


# -- sla and holidays (issue 2) ----------------------------------------------------------------


def test_sla_due_example(cli: Cli) -> None:
    result = cli.ok("sla", "due", "--severity", "critical", "--received", FRIDAY_5PM, "--json")
    assert result.json == {
        "severity": "critical",
        "received_at": "2026-03-06T17:00:00-05:00",
        "response_due": "2026-03-09T11:00:00-04:00",  # Fri 17-18 + Mon 08-11
        "resolution_due": "2026-03-11T11:00:00-04:00",  # Fri 1h + Mon 10 + Tue 10 + Wed 3
    }
    assert result.err == ""


@pytest.mark.parametrize(
    ("severity", "received", "response_due", "resolution_due"),
    [
        # Given in UTC, printed in the support zone; Mon 10:00 + 10h / + 30h.
        ("major", "2026-03-09T14:00:00Z", "2026-03-10T10:00:00-04:00", "2026-03-12T10:00:00-04:00"),
        # Saturday: the clock starts Monday 08:00; 20h -> Tue 18:00 exactly (closing time).
        ("moderate", "2026-03-07T12:00:00-05:00", "2026-03-10T18:00:00-04:00",
         "2026-03-20T18:00:00-04:00"),
        ("MINOR", "2026-03-09T08:00:00-04:00", "2026-03-11T18:00:00-04:00",
         "2026-04-03T18:00:00-04:00"),
    ],
)  # fmt: skip
def test_sla_due_table(
    cli: Cli, severity: str, received: str, response_due: str, resolution_due: str
) -> None:
    result = cli.ok("sla", "due", "--severity", severity, "--received", received, "--json")
    assert result.json["severity"] == severity.lower()
    assert result.json["response_due"] == response_due
    assert result.json["resolution_due"] == resolution_due


def test_sla_due_without_json_prints_the_fields(cli: Cli) -> None:
    out = cli.ok("sla", "due", "--severity", "critical", "--received", FRIDAY_5PM).out
    assert "response_due" in out and "2026-03-09T11:00:00-04:00" in out


def test_sla_elapsed(cli: Cli) -> None:
    result = cli.ok("sla", "elapsed", "--from", FRIDAY_5PM, "--to", "2026-03-09T11:00:00-04:00")
    assert result.out.strip() == "14400"
    week = cli.ok(
        "sla", "elapsed", "--from", "2026-03-02T08:00:00-05:00",
        "--to", "2026-03-09T08:00:00-04:00", "--json",
    )  # fmt: skip
    assert week.json == {"business_seconds": 50 * 3600}  # five 10-hour days across the DST switch


def test_holidays_add_list_remove(cli: Cli) -> None:
    cli.ok("holidays", "add", "2026-12-24", "--name", "Christmas Eve")
    cli.ok("holidays", "add", "2026-03-09")
    assert cli.ok("holidays", "list", "--json").json == [
        {"date": "2026-03-09", "name": "", "hours": None},
        {"date": "2026-12-24", "name": "Christmas Eve", "hours": None},
    ]
    # The database's calendar is used: Monday is closed now (Fri 1h + Tue 08-11).
    due = cli.ok("sla", "due", "--severity", "critical", "--received", FRIDAY_5PM, "--json")
    assert due.json["response_due"] == "2026-03-10T11:00:00-04:00"
    cli.ok("holidays", "remove", "2026-03-09")
    assert cli.ok("holidays", "list", "--json").json == [
        {"date": "2026-12-24", "name": "Christmas Eve", "hours": None}
    ]
    before = cli.counts()
    missing = cli("holidays", "remove", "2026-03-09")
    assert missing.code == 5
    assert "DATE" in missing.error_line
    bad = cli("holidays", "add", "2026-02-30")
    assert bad.code == 2
    assert "DATE" in bad.error_line and "YYYY-MM-DD" in bad.error_line
    assert cli.counts() == before


def test_holidays_import(cli: Cli) -> None:
    result = cli.ok(
        "holidays", "import", "--country", "CA", "--subdivision", "ON", "--years", "2026", "--json"
    )
    imported = {row["date"]: row["name"] for row in result.json}
    assert imported["2026-07-01"] == "Canada Day"
    assert "2026-02-16" in imported  # Family Day: Ontario's, not national
    listed = cli.ok("holidays", "list", "--json").json
    assert {"date": "2026-07-01", "name": "Canada Day", "hours": None} in listed
    assert len(listed) == len(imported)
    again = cli.ok(
        "holidays", "import", "--country", "ca", "--subdivision", "on", "--years", "2026"
    )
    assert again.out.strip() == "imported 0 holidays"
    # Good Friday (3 April) is now closed: a critical received Thursday 16:00 is due Monday.
    due = cli.ok(
        "sla", "due", "--severity", "critical", "--received", "2026-04-02T16:00:00-04:00", "--json"
    )
    assert due.json["response_due"] == "2026-04-06T10:00:00-04:00"


def test_holidays_import_bad_input(cli: Cli) -> None:
    cli.ok("user", "list")  # create the database and its first supervisor first
    for args, field in [
        (["--country", "XX", "--years", "2026"], "--country"),
        (["--country", "CA", "--subdivision", "ZZ", "--years", "2026"], "--subdivision"),
        (["--country", "CA", "--years", "26"], "--years"),
    ]:
        _refused(cli, 2, field, "holidays", "import", *args)


# -- people ------------------------------------------------------------------------------------


def test_a_table_lines_up_after_a_name_in_wide_characters(cli: Cli) -> None:
    """A Japanese client name takes two terminal cells a character: padded by character count,
    the columns after it were out of line with the rows above and below."""
    from wzdesk.core.text import cell_width

    cli.ok("client", "add", "TKY", "--name", "東京給与株式会社")
    cli.ok("client", "add", "ZOE", "--name", "Zoë Müller & Co")
    lines = cli.ok("client", "list").out.splitlines()
    header, rows = lines[0], lines[1:]
    assert len(rows) == 2
    active_at = cell_width(header[: header.index("ACTIVE")])
    for row in rows:
        name_end = row.index(" yes") if " yes" in row else row.index(" True")
        assert cell_width(row[: name_end + 1]) == active_at, lines


def test_client_contact_user_add(cli: Cli) -> None:
    assert cli.ok("client", "add", "acme", "--name", "Acme Corporation", "--json").json == {
        "code": "ACME",
        "name": "Acme Corporation",
        "active": True,
    }
    contact = cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "Ana@Acme.example", "--phone", "416 555 0101", "--primary", "--json",
    ).json  # fmt: skip
    assert {k: v for k, v in contact.items() if k != "id"} == {
        "client": "ACME",
        "name": "Ana Diaz",
        "email": "ana@acme.example",
        "phone": "+14165550101",
        "is_admin": True,
        "admin_rank": "primary",
        "active": True,
    }
    plain = cli.ok("contact", "add", "--client", "ACME", "--name", "Bob", "--json").json
    assert (plain["is_admin"], plain["admin_rank"]) == (False, None)
    assert cli.ok("user", "add", "Kim", "--name", "Kim Lee", "--role", "agent", "--json").json == {
        "login": "kim",
        "name": "Kim Lee",
        "role": "agent",
        "active": True,
        "identity": "kim",
        "email": None,
        "signature": "",
    }
    logins = [u["login"] for u in cli.ok("user", "list", "--json").json]
    assert logins == ["kim", "sam"]


BAD_PEOPLE = [
    (["client", "add", "ACME", "--name", "Again"], 2, "CODE"),
    (["client", "add", "AC ME", "--name", "Spaces"], 2, "CODE"),
    (["contact", "add", "--client", "NOPE", "--name", "X"], 5, "--client"),
    (["contact", "add", "--client", "ACME", "--name", "X", "--email", "not-an-email"], 2,
     "--email"),
    (["contact", "add", "--client", "ACME", "--name", "X", "--phone", "12"], 2, "--phone"),
    (["contact", "add", "--client", "ACME", "--name", "X", "--email", "ana@acme.example"], 2,
     "--email"),
    (["contact", "add", "--client", "ACME", "--name", "X", "--primary", "--backup"], 2,
     "--backup"),
    (["user", "add", "joe", "--name", "Joe", "--role", "boss"], 2, "--role"),
    (["user", "add", "kim", "--name", "Kim again", "--role", "agent"], 2, "LOGIN"),
    (["user", "add", "Joe Bloggs", "--name", "Joe", "--role", "agent"], 2, "LOGIN"),
]  # fmt: skip


def test_people_bad_input(desk: Cli) -> None:
    for args, code, field in BAD_PEOPLE:
        _refused(desk, code, field, *args)


# -- cases (issue 3) ---------------------------------------------------------------------------


def test_case_open_json_has_every_field(desk: Cli) -> None:
    case = open_case(desk, "--description", "Post does nothing", "--received", FRIDAY_5PM)
    assert CASE_FIELDS <= set(case)
    assert {field: case[field] for field in CASE_FIELDS} == {
        "ref": "WZ-1001",
        "client": "ACME",
        "contact": "ana@acme.example",
        "channel": "portal",
        "category": "question",
        "severity": "critical",
        "status": "new",
        "assignee": None,
        "summary": "Cannot post invoices",
        "description": "Post does nothing",
        "received_at": "2026-03-06T17:00:00-05:00",
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "response_due": "2026-03-09T11:00:00-04:00",
        "resolution_due": "2026-03-11T11:00:00-04:00",
        "response_state": "at_risk",  # 3 of 4 hours used at Monday 10:00
        "resolution_state": "pending",
        "response_remaining_seconds": 3600,
        "resolution_remaining_seconds": 21 * 3600,
        "paused": False,
    }


def test_case_open_by_phone_and_received_defaults_to_now(desk: Cli) -> None:
    case = desk.ok(
        "case", "open", "--client", "ACME", "--contact", "416.555.0101", "--severity", "major",
        "--channel", "phone", "--category", "unexpected", "--summary", "Crash on save",
        "--duration", "300", "--notes", "Called from the warehouse", "--json", user="pat",
    ).json  # fmt: skip
    assert case["received_at"] == NOW
    assert case["contact"] == "ana@acme.example"
    assert case["channel"] == "phone"
    assert case["missing_fields"] == ["description", "steps_to_reproduce", "affected_users"]
    shown = desk.ok("case", "show", case["ref"], "--json").json
    assert [(e["kind"], e["author"], e["duration_seconds"]) for e in shown["events"]] == [
        ("created", "pat", None),
        ("call", "pat", 300),
    ]


def test_case_show_has_events(desk: Cli) -> None:
    ref = open_case(desk)["ref"]
    desk.ok("case", "reply", ref, "--message", "On it", user="kim", now="2026-03-09T10:30:00-04:00")
    desk.ok(
        "case", "reply", ref, "--message", "Checked logs", "--internal",
        user="kim", now="2026-03-09T10:45:00-04:00",
    )  # fmt: skip
    desk.ok(
        "case", "call", ref, "--duration", "90", "--notes", "Client called back",
        user="pat", now="2026-03-09T11:00:00-04:00",
    )  # fmt: skip
    shown = desk.ok("case", "show", ref, "--json").json
    assert CASE_FIELDS <= set(shown)
    assert shown["status"] == "open"
    assert shown["first_response_at"] == "2026-03-09T10:30:00-04:00"
    assert shown["response_state"] == "met"
    assert shown["response_remaining_seconds"] is None
    assert [(e["kind"], e["public"], e["body"], e["author"]) for e in shown["events"]] == [
        ("created", False, "Cannot post invoices", "sam"),
        ("reply", True, "On it", "kim"),
        ("note", False, "Checked logs", "kim"),
        ("call", False, "Client called back", "pat"),
    ]
    assert shown["events"][3]["duration_seconds"] == 90
    assert shown["events"][1]["at"] == "2026-03-09T10:30:00-04:00"
    text = desk.ok("case", "show", ref).out
    assert ref in text and "On it" in text


def test_case_list_most_urgent_first_and_filters(desk: Cli) -> None:
    minor = open_case(desk, severity="minor")["ref"]  # response due Thu 10:00
    critical = open_case(desk)["ref"]  # response due Mon 14:00
    major = open_case(desk, "--received", "2026-03-06T09:00:00-05:00", severity="major")[
        "ref"
    ]  # response due Mon 09:00: breached
    at_risk = open_case(desk, "--received", FRIDAY_5PM)["ref"]  # due Mon 11:00, at risk
    done = open_case(desk)["ref"]
    desk.ok("case", "resolve", done, "--note", "Quick one", user="kim")
    desk.ok("case", "set", minor, "--assignee", "kim", user="kim")

    listed = desk.ok("case", "list", "--json").json
    assert [row["ref"] for row in listed] == [major, at_risk, critical, minor, done]
    assert all(CASE_FIELDS <= set(row) for row in listed)
    breached = desk.ok("case", "list", "--breached", "--json").json
    assert [row["ref"] for row in breached] == [major]
    assert breached[0]["response_state"] == "breached"
    assert breached[0]["response_remaining_seconds"] == -3600
    assert [r["ref"] for r in desk.ok("case", "list", "--at-risk", "--json").json] == [at_risk]
    both = desk.ok("case", "list", "--breached", "--at-risk", "--json").json
    assert [row["ref"] for row in both] == [major, at_risk]
    # An hour later the at-risk case is breached too.
    later = desk.ok("case", "list", "--breached", "--json", now="2026-03-09T11:00:01-04:00").json
    assert [row["ref"] for row in later] == [major, at_risk]
    by_status = desk.ok("case", "list", "--status", "resolved", "--status", "open", "--json").json
    assert [row["ref"] for row in by_status] == [minor, done]
    by_severity = desk.ok(
        "case", "list", "--severity", "major", "--severity", "minor", "--json"
    ).json
    assert [row["ref"] for row in by_severity] == [major, minor]
    assert [r["ref"] for r in desk.ok("case", "list", "--assignee", "kim", "--json").json] == [
        minor
    ]
    acme = desk.ok("case", "list", "--client", " acme ", "--all", "--json").json
    assert {row["ref"] for row in acme} == {minor, critical, major, at_risk, done}
    # A code no client has is named, as a login nobody has: "(none)" and exit 0 read as none.
    line = _refused(desk, 5, "--client", "case", "list", "--client", "ACMEE")
    assert line.endswith("no client with code 'ACMEE'")
    _refused(desk, 5, "--assignee", "case", "list", "--assignee", "ghost")
    table = desk.ok("case", "list").out.splitlines()
    assert table[0].split()[:3] == ["REF", "SEVERITY", "STATUS"]
    assert table[1].startswith(major)


def test_case_lifecycle(desk: Cli) -> None:
    ref = open_case(desk, "--received", "2026-03-09T10:00:00-04:00")["ref"]

    def step(*args: str, now: str) -> dict[str, Any]:
        return desk.ok("case", *args, "--json", user="kim", now=now).json  # type: ignore[no-any-return]

    case = step("set", ref, "--assignee", "kim", "--severity", "major", now=NOW)
    assert (case["assignee"], case["status"], case["severity"]) == ("kim", "open", "major")
    assert case["response_due"] == "2026-03-10T10:00:00-04:00"
    case = step("set", ref, "--status", "waiting_client", now="2026-03-09T12:00:00-04:00")
    assert case["paused"] is True
    # The client is told what we need, and the command says where it went (it said nothing).
    assert (case["delivery"]["kind"], case["delivery"]["to"]) == ("waiting", ["ana@acme.example"])
    case = step("set", ref, "--status", "open", now="2026-03-10T09:00:00-04:00")
    assert case["paused"] is False
    # Major, 30h from Mon 10:00 is Thu 10:00; paused Mon 12-18 + Tue 08-09 = 7h -> Thu 17:00.
    assert case["resolution_due"] == "2026-03-12T17:00:00-04:00"
    case = step(
        "escalate", ref, "--to", "development", "--reason", "Crash", now="2026-03-10T10:00:00-04:00"
    )
    assert case["status"] == "escalated"
    case = step("resolve", ref, "--note", "Fixed", now="2026-03-10T12:00:00-04:00")
    assert (case["status"], case["resolved_at"]) == ("resolved", "2026-03-10T12:00:00-04:00")
    assert case["resolution_state"] == "met"
    case = step("reopen", ref, "--reason", "Back again", now="2026-03-10T13:00:00-04:00")
    assert (case["status"], case["resolved_at"]) == ("open", None)
    step("resolve", ref, "--note", "Fixed for real", now="2026-03-10T14:00:00-04:00")
    case = step("close", ref, now="2026-03-11T09:00:00-04:00")
    assert (case["status"], case["closed_at"]) == ("closed", "2026-03-11T09:00:00-04:00")
    assert (case["delivery"]["kind"], case["delivery"]["queued"]) == ("closed", True)
    kinds = [e["kind"] for e in desk.ok("case", "show", ref, "--json").json["events"]]
    assert kinds == [
        "created", "severity", "assign", "status", "status", "escalate",
        "resolve", "reopen", "resolve", "close",
    ]  # fmt: skip
    assert desk.ok("case", "list", "--json").json == []  # closed cases are not listed
    assert [r["ref"] for r in desk.ok("case", "list", "--all", "--json").json] == [ref]


def test_case_open_bad_input_exit_2(desk: Cli) -> None:
    for option, value in [
        ("--severity", "urgent"),
        ("--channel", "fax"),
        ("--category", "rant"),
        ("--received", "2026-03-09T09:00:00"),  # no offset
        ("--received", "yesterday"),
        ("--received", "2026-03-10T09:00:00-04:00"),  # in the future
        ("--summary", "  "),
    ]:
        words = {
            "--client": "ACME",
            "--contact": "ana@acme.example",
            "--severity": "critical",
            "--channel": "portal",
            "--category": "question",
            "--summary": "Broken",
            option: value,
        }
        args = [word for pair in words.items() for word in pair]
        _refused(desk, 2, option, "case", "open", *args, "--json")


def test_conflict_exit_3(desk: Cli) -> None:
    ref = open_case(desk)["ref"]
    desk.ok("case", "set", ref, "--assignee", "kim", "--expect-version", "1", user="kim")
    line = _refused(
        desk, 3, "version", "case", "reply", ref, "--message", "Hi", "--expect-version", "1",
        user="kim",
    )  # fmt: skip
    assert "changed since you read it" in line
    _refused(desk, 3, "version", "case", "resolve", ref, "--note", "x", "--expect-version", "1")


def test_permission_denied_exit_4(desk: Cli) -> None:
    ref = open_case(desk)["ref"]
    line = _refused(desk, 4, "pat", "case", "resolve", ref, "--note", "Done", user="pat")
    assert "may not resolve a case" in line
    _refused(desk, 4, "pat", "case", "reply", ref, "--message", "Hello", user="pat")
    _refused(desk, 4, "kim", "user", "add", "joe", "--name", "Joe", "--role", "agent", user="kim")
    _refused(desk, 4, "kim", "holidays", "add", "2026-12-24", user="kim")
    _refused(desk, 4, "nobody", "case", "reply", ref, "--message", "x", user="nobody")


def test_non_admin_contact_exit_4_names_the_admins(desk: Cli) -> None:
    line = _refused(
        desk, 4, "--contact", "case", "open", "--client", "ACME", "--contact", "416 555 0102",
        "--severity", "minor", "--channel", "phone", "--category", "question", "--summary", "Hi",
    )  # fmt: skip
    assert "Bob Smith is not a client admin" in line
    assert "Ana Diaz (primary, ana@acme.example)" in line
    assert "Raj Patel (backup, raj@acme.example)" in line


def test_not_found_exit_5(desk: Cli) -> None:
    _refused(desk, 5, "REF", "case", "show", "WZ-9999", "--json")
    _refused(desk, 5, "REF", "case", "reply", "WZ-9999", "--message", "x", user="kim")
    _refused(
        desk, 5, "--client", "case", "open", "--client", "NOPE", "--contact", "a@b.example",
        "--severity", "minor", "--channel", "email", "--category", "question", "--summary", "x",
    )  # fmt: skip
    ref = open_case(desk)["ref"]
    _refused(desk, 5, "--assignee", "case", "set", ref, "--assignee", "ghost", user="kim")


def test_case_set_is_all_or_nothing(desk: Cli) -> None:
    ref = open_case(desk)["ref"]
    # The severity change would succeed, the status move is refused: neither is kept.
    line = _refused(
        desk, 2, "--status", "case", "set", ref, "--severity", "minor", "--status", "closed",
        user="kim",
    )  # fmt: skip
    assert f"wzdesk case close {ref}" in line
    shown = desk.ok("case", "show", ref, "--json").json
    assert shown["severity"] == "critical"
    assert [e["kind"] for e in shown["events"]] == ["created"]
    _refused(desk, 2, "case set", "case", "set", ref)


def test_bad_clock_and_bad_db(cli: Cli, tmp_path: Path) -> None:
    result = cli("sla", "due", "--severity", "minor", "--received", NOW, now="tomorrow")
    assert result.code == 2
    assert "WZDESK_NOW" in result.error_line
    result = cli("--db", "mysql://x/y", "holidays", "list")
    assert result.code == 2
    assert "--db" in result.error_line


def test_first_run_supervisor_is_announced_once(cli: Cli) -> None:
    first = cli.ok("client", "add", "ACME", "--name", "Acme", user="Sam")
    assert first.err.count("created supervisor 'sam'") == 1
    assert len(first.err.splitlines()) == 1
    second = cli.ok("client", "add", "GLOBEX", "--name", "Globex", user="sam")
    assert second.err == ""
    users = cli.ok("user", "list", "--json").json
    assert users == [
        {
            "login": "sam",
            "name": "sam",
            "role": "supervisor",
            "active": True,
            "identity": "sam",
            "email": None,
            "signature": "",
        }
    ]
    # Someone else on the same database is not made a supervisor.
    assert cli("client", "add", "INITECH", "--name", "Initech", user="eve").code == 4


def test_first_run_that_fails_keeps_only_the_first_supervisor_and_says_so(cli: Cli) -> None:
    cli.ok("holidays", "list")  # the database exists, with no user yet
    before = cli.counts()
    assert before["User"] == 0
    result = cli("contact", "add", "--client", "NOPE", "--name", "X")
    assert result.code == 5
    # The sign-in happened (and is audited: the trail is append-only), the command did not.
    announcement, error = result.err.splitlines()
    assert "created supervisor 'sam'" in announcement
    assert error.startswith("wzdesk: error: --client:")
    after = cli.counts()
    assert after["User"] == 1 and after["AuditEntry"] == before["AuditEntry"] + 1
    assert {k: v for k, v in after.items() if k not in ("User", "AuditEntry")} == {
        k: v for k, v in before.items() if k not in ("User", "AuditEntry")
    }
    again = cli.ok("client", "add", "ACME", "--name", "Acme")
    assert again.err == ""  # announced once


def test_as_is_a_supervisors_audited_impersonation(desk: Cli) -> None:
    ref = open_case(desk)["ref"]
    # Phone staff (or an agent) asking to act as someone else: refused, nothing written.
    line = _refused(desk, 4, "--as", "case", "reply", ref, "--message", "hi", "--as", "kim",
                    user="pat")  # fmt: skip
    assert "only supervisors" in line
    desk.monkeypatch.setenv("WZDESK_USER", "kim")
    _refused(desk, 4, "--as", "case", "reply", ref, "--message", "hi", user="pat")
    # A supervisor may: the change is kim's, the audit names sam behind it.
    shown = desk.ok("case", "reply", ref, "--message", "hi", "--json", user="sam")
    assert shown.json["status"] == "open"
    desk.monkeypatch.delenv("WZDESK_USER")
    events = desk.ok("case", "show", ref, "--json").json["events"]
    assert events[-1]["author"] == "kim"
    database = open_database(desk.url)
    try:
        from wzdesk.store.models import AuditEntry

        trail = [
            (a.actor, a.action, a.entity_id, a.authenticated_as)
            for a in AuditEntry.select().order_by(AuditEntry.id)
        ][-2:]
    finally:
        database.close()
    assert trail == [("kim", "user.impersonate", "kim", "sam"), ("kim", "case.reply", ref, "sam")]
    # Acting as oneself is no impersonation; an unknown user is not found.
    assert desk.ok("case", "list", "--as", "sam").err == ""
    _refused(desk, 5, "--as", "case", "list", "--as", "ghost")


# -- the real program, in a subprocess ---------------------------------------------------------


def _run(
    args: list[str], tmp_path: Path, *, code: str | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WZDESK_DB": str(tmp_path / "desk.db"),
        "WZDESK_NOW": NOW,
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "wzdesk", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_subprocess_sla_due(tmp_path: Path) -> None:
    done = _run(
        ["sla", "due", "--severity", "critical", "--received", FRIDAY_5PM, "--json"], tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["response_due"] == "2026-03-09T11:00:00-04:00"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (
            ["sla", "due", "--severity", "critical", "--received", "2026-03-06T17:00:00"],
            "--received",
        ),
        (["sla", "due", "--severity", "urgent", "--received", FRIDAY_5PM], "--severity"),
        (["sla", "elapsed", "--from", "2026-03-06", "--to", FRIDAY_5PM], "--from"),
        (["case", "list", "--limit", "many"], "--limit"),
    ],
)
def test_subprocess_bad_input_is_one_line_exit_2(
    tmp_path: Path, args: list[str], field: str
) -> None:
    done = _run(args, tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert field in lines[0]
    assert done.stdout == ""


def test_subcommand_does_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from wzdesk.cli.main import main\n"
        f"main(['sla', 'due', '--severity', 'critical', '--received', '{FRIDAY_5PM}', '--json'])\n"
        "print('textual' in sys.modules)\n"
    )
    done = _run([], tmp_path, code=code)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "False"
    assert json.loads("\n".join(lines[:-1]))["response_due"] == "2026-03-09T11:00:00-04:00"
