"""``wzdesk services ...`` as issue 14 specifies it, in-process on each backend: JSON fields with
amounts as two-decimal strings, exit codes, one-line errors that name the field and write
nothing, and no Textual import."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.cli.test_cli import ROOT, Cli, open_case


@pytest.fixture
def desk(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    """ACME with a primary admin; agent kim; a case WZ-1001."""
    cli = Cli(database_url, monkeypatch, capsys)
    cli.ok("client", "add", "ACME", "--name", "Acme Corporation")
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--primary",
    )  # fmt: skip
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    open_case(cli)
    return cli


def refused(cli: Cli, code: int, field: str, *args: str, user: str | None = None) -> str:
    before = cli.counts()
    result = cli(*args, user=user)
    assert result.code == code, result.err
    line = result.error_line
    assert line.startswith(f"wzdesk: error: {field}: " if field else "wzdesk: error: "), line
    assert result.out == ""
    assert cli.counts() == before
    return line


def new_quote(cli: Cli, *extra: str) -> dict[str, Any]:
    return cli.ok(
        "services", "quote", "new", "WZ-1001", "--type", "c", "--scope", "Train five admins",
        "--line", "coordinator:1:d", "--line", "specialist:10:h", "--line", "programmer:2.6:h",
        *extra, "--json",
    ).json  # fmt: skip


def test_rates_show_the_policys_card(desk: Cli) -> None:
    rows = desk.ok("services", "rates", "--json").json
    assert rows == [
        {
            "role": "coordinator",
            "name": "Project Coordinator / Business Analyst",
            "day_rate": "1200.00",
            "hour_rate": "150.00",
            "effective": "1970-01-01",
        },
        {
            "role": "specialist",
            "name": "Implementation Specialist / Consultant",
            "day_rate": "1000.00",
            "hour_rate": "125.00",
            "effective": "1970-01-01",
        },
        {
            "role": "programmer",
            "name": "Programmer Analyst / Developer",
            "day_rate": "1000.00",
            "hour_rate": "125.00",
            "effective": "1970-01-01",
        },
    ]
    text = desk.ok("services", "rates").out
    assert "coordinator  1200.00   150.00" in text


def test_rates_set_by_a_supervisor(desk: Cli) -> None:
    args = ("services", "rates", "set", "programmer", "--day", "1100", "--hour", "137.50")
    desk.ok(*args, "--effective", "2026-04-01")
    assert desk.ok("services", "rates", "--json").json[2]["hour_rate"] == "125.00"
    later = desk.ok("services", "rates", "--json", now="2026-04-01T09:00:00-04:00").json
    assert (later[2]["day_rate"], later[2]["effective"]) == ("1100.00", "2026-04-01")
    history = desk.ok("services", "rates", "--all", "--json").json
    assert [(r["role"], r["scheduled"]) for r in history if r["role"] == "programmer"] == [
        ("programmer", False),
        ("programmer", True),
    ]
    refused(desk, 4, "", *args, "--effective", "2026-04-02", user="kim")
    refused(desk, 2, "--day", "services", "rates", "set", "coordinator", "--day", "1200.001",
            "--hour", "150", "--effective", "2026-04-01")  # fmt: skip
    refused(desk, 2, "--hour", "services", "rates", "set", "coordinator", "--day", "1200",
            "--hour", "-1", "--effective", "2026-04-01")  # fmt: skip
    refused(desk, 2, "--effective", *args, "--effective", "2026-03-09")
    refused(desk, 2, "ROLE", "services", "rates", "set", "boss", "--day", "1", "--hour", "1",
            "--effective", "2026-04-01")  # fmt: skip


def test_quote_new_and_show(desk: Cli) -> None:
    quote = new_quote(desk, "--discount", "10")
    assert quote["id"] == 1 and quote["status"] == "draft"
    assert [
        (line["role"], line["quantity"], line["unit"], line["rate"], line["amount"])
        for line in quote["lines"]
    ] == [
        ("coordinator", "1.00", "d", "1200.00", "1200.00"),
        ("specialist", "10.00", "h", "125.00", "1250.00"),
        ("programmer", "2.60", "h", "125.00", "325.00"),
    ]
    assert (quote["subtotal"], quote["discount_percent"], quote["discount"], quote["total"]) == (
        "2775.00",
        "10.00",
        "277.50",
        "2497.50",
    )
    assert desk.ok("services", "quote", "show", "Q-1", "--json").json == quote
    text = desk.ok("services", "quote", "show", "1").out
    assert "Q-1  draft  case WZ-1001 (ACME)  c) Training" in text
    assert "total    2497.50" in text
    listed = desk.ok("services", "quote", "list", "WZ-1001", "--json").json
    assert [q["label"] for q in listed] == ["Q-1"]
    # A mistyped negative is no quote number: it acted on Q-1 (QA finding 9).
    for verb in ("show", "send", "approve"):
        line = refused(desk, 2, "ID", "services", "quote", verb, "-1")
        assert line.endswith("expected a quote number such as 12 or Q-12, got '-1'")
    assert desk.ok("services", "quote", "show", "q-1", "--json").json == quote


def test_decimal_spellings_nobody_means_are_refused(desk: Cli) -> None:
    """Quantities and percentages are plain decimals: Decimal's exponents and underscores
    ("1e1" hours, "1_0" hours, a "1E2" % discount) were taken as 10, 10 and 100."""
    for spec in ("programmer:1e1:h", "programmer:1_0:h", "programmer:1E1:h"):
        line = refused(desk, 2, "--line", "services", "quote", "new", "WZ-1001", "--type", "c",
                       "--scope", "x", "--line", spec)  # fmt: skip
        assert "expected a quantity such as 12.50" in line
    line = refused(desk, 2, "--discount", "services", "quote", "new", "WZ-1001", "--type", "c",
                   "--scope", "x", "--line", "programmer:1:h", "--discount", "1E2")  # fmt: skip
    assert line.endswith("expected a percentage such as 12.50, got '1E2'")
    refused(desk, 2, "--hours", "services", "prepaid", "buy", "ACME", "--hours", "4e1")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (["--line", "specialist:0:h"], "--line"),
        (["--line", "specialist:-2:h"], "--line"),
        (["--line", "boss:2:h"], "--line"),
        (["--line", "specialist:2:w"], "--line"),
        (["--type", "k"], "--type"),
        (["--discount", "120"], "--discount"),
        (["--discount", "5.125"], "--discount"),
    ],
)
def test_quote_new_refuses_bad_input(desk: Cli, changes: list[str], field: str) -> None:
    args = {"--type": "a", "--scope": "x", "--line": "specialist:2:h"}
    words = ["services", "quote", "new", "WZ-1001"]
    for name, value in args.items():
        if name not in changes:
            words += [name, value]
    refused(desk, 2, field, *words, *changes)


def test_no_quote_on_a_closed_case(desk: Cli) -> None:
    desk.ok("case", "resolve", "WZ-1001", "--note", "Answered")
    desk.ok("case", "close", "WZ-1001")
    line = refused(desk, 2, "status", "services", "quote", "new", "WZ-1001", "--type", "a",
                   "--scope", "x", "--line", "specialist:1:h")  # fmt: skip
    assert "WZ-1001 is closed" in line
    refused(desk, 5, "REF", "services", "quote", "new", "WZ-77", "--type", "a", "--scope", "x",
            "--line", "specialist:1:h")  # fmt: skip


def test_quote_life_and_time(desk: Cli) -> None:
    new_quote(desk)
    sent = desk.ok("services", "quote", "send", "1")
    assert sent.out == "Q-1 sent (queued in the outbox); WZ-1001 waits on the client\n"
    case = desk.ok("case", "show", "WZ-1001", "--json").json
    assert case["status"] == "waiting_client" and case["paused"] is True
    outbox = desk.ok("mail", "outbox", "list", "--json").json
    assert [(m["to"], m["subject"]) for m in outbox if m["kind"] == "quote_sent"] == [
        (["ana@acme.example"], "[WZ-1001] Quote Q-1: Training")
    ]
    line = refused(desk, 2, "QUOTE", "services", "time", "log", "1", "--role", "specialist",
                   "--hours", "1")  # fmt: skip
    assert "approve it first" in line
    approved = desk.ok("services", "quote", "approve", "1", "--json").json
    assert approved["status"] == "approved" and approved["next"] == ["start"]
    assert desk.ok("case", "show", "WZ-1001", "--json").json["status"] == "open"

    logged = desk(
        "services", "time", "log", "1", "--role", "specialist", "--hours", "8.5",
        "--date", "2026-03-09", "--note", "Sessions one and two", "--json", user="kim",
    )  # fmt: skip
    assert logged.code == 0
    entry = logged.json
    assert (entry["hours"], entry["rate"], entry["amount"], entry["date"]) == (
        "8.50",
        "125.00",
        "1062.50",
        "2026-03-09",
    )
    assert (entry["author"], entry["percent_used"]) == ("kim", 85)
    assert logged.err == (
        "wzdesk: warning: specialist has used 85% of the hours quoted on Q-1 (8.50 of 10.00 h)\n"
    )
    line = refused(desk, 2, "--hours", "services", "time", "log", "1", "--role", "specialist",
                   "--hours", "2", user="kim")  # fmt: skip
    assert "a supervisor may allow the overrun" in line
    refused(desk, 4, "--allow-overrun", "services", "time", "log", "1", "--role", "specialist",
            "--hours", "2", "--allow-overrun", user="kim")  # fmt: skip
    desk.ok("services", "time", "log", "1", "--role", "specialist", "--hours", "2",
            "--allow-overrun")  # fmt: skip
    for field, extra in [
        ("--role", ["--role", "designer", "--hours", "1"]),
        ("--hours", ["--role", "coordinator", "--hours", "0"]),
        ("--hours", ["--role", "coordinator", "--hours", "-3"]),
        ("--date", ["--role", "coordinator", "--hours", "1", "--date", "2026-03-10"]),
        ("--date", ["--role", "coordinator", "--hours", "1", "--date", "March"]),
    ]:
        refused(desk, 2, field, "services", "time", "log", "1", *extra)
    desk.ok("services", "quote", "start", "1")
    done = desk.ok("services", "quote", "done", "1", "--json").json
    assert (done["status"], done["used_hours"], done["quoted_hours"]) == ("done", "10.50", "20.60")
    refused(desk, 2, "ID", "services", "quote", "approve", "1")


def test_prepaid_buy_balance_and_overdraw(desk: Cli) -> None:
    bought = desk.ok("services", "prepaid", "buy", "ACME", "--hours", "10", "--json").json
    assert (bought["hours"], bought["price"], bought["discount"]) == ("10.00", "1250.00", "0.00")
    assert desk.ok("services", "prepaid", "tiers", "--json").json == []
    desk.ok("services", "prepaid", "tiers", "set", "--min-hours", "40", "--discount", "7.5")
    assert desk.ok("services", "prepaid", "tiers", "--json").json == [
        {"min_hours": "40.00", "discount_percent": "7.50"}
    ]
    text = desk.ok("services", "prepaid", "buy", "ACME", "--hours", "40").out
    assert (
        text
        == "ACME bought 40.00 h at 125.00/h less 7.50% (375.00): 4625.00; 50.00 h prepaid now\n"
    )
    desk.ok("services", "quote", "new", "WZ-1001", "--type", "f", "--scope", "Load",
            "--line", "programmer:7:d")  # fmt: skip
    desk.ok("services", "quote", "send", "1")
    line = refused(desk, 2, "--prepaid", "services", "quote", "approve", "1", "--prepaid")
    assert "ACME has 50.00 prepaid hours left; Q-1 needs 56.00" in line  # 7 days of 8 hours
    desk.ok("services", "prepaid", "buy", "ACME", "--hours", "6")
    assert desk.ok("services", "quote", "approve", "1", "--prepaid", "--json").json["prepaid"]


def test_prepaid_overdraw_and_balance_lines(desk: Cli) -> None:
    desk.ok("services", "prepaid", "buy", "ACME", "--hours", "4")
    desk.ok("services", "quote", "new", "WZ-1001", "--type", "f", "--scope", "Load",
            "--line", "programmer:4:h")  # fmt: skip
    desk.ok("services", "quote", "send", "1")
    desk.ok("services", "quote", "approve", "1", "--prepaid")
    desk.ok("services", "time", "log", "1", "--role", "programmer", "--hours", "3")
    line = refused(desk, 2, "--hours", "services", "time", "log", "1", "--role", "programmer",
                   "--hours", "1.5", "--allow-overrun")  # fmt: skip
    assert line.endswith("would overdraw ACME's prepaid hours: 1.00 h left, 1.50 h logged")
    result = desk.ok("services", "balance", "ACME", "--json").json
    assert result["balance_hours"] == "1.00"
    assert [(x["kind"], x["hours_in"], x["hours_out"], x["balance"]) for x in result["lines"]] == [
        ("purchase", "4.00", "0.00", "4.00"),
        ("time", "0.00", "3.00", "1.00"),
    ]
    text = desk.ok("services", "balance", "ACME").out
    assert text.splitlines()[0] == (
        "ACME: 1.00 h prepaid (4.00 bought, 3.00 used); 1.00 h promised to Q-1, 0.00 h free"
    )
    desk.ok("services", "quote", "start", "1")
    desk.ok("services", "quote", "done", "1")  # the hour Q-1 did not use is free again
    text = desk.ok("services", "balance", "ACME").out
    assert text.splitlines()[0] == "ACME: 1.00 h prepaid (4.00 bought, 3.00 used)"
    line = refused(desk, 5, "CLIENT", "services", "balance", "NOPE")  # the positional
    assert line == "wzdesk: error: CLIENT: no client with code 'NOPE'"
    refused(desk, 5, "CLIENT", "services", "prepaid", "buy", "NOPE", "--hours", "1")


def test_export_csv_and_json(desk: Cli) -> None:
    new_quote(desk)
    desk.ok("services", "quote", "send", "1")
    desk.ok("services", "quote", "approve", "1")
    desk.ok("services", "time", "log", "1", "--role", "coordinator", "--hours", "2")
    desk.ok("services", "prepaid", "buy", "ACME", "--hours", "10")
    args = ("services", "export", "--from", "2026-03-01", "--to", "2026-03-31")
    rows = desk.ok(*args, "--json").json
    assert [row["kind"] for row in rows] == [
        "quote", "quote_line", "quote_line", "quote_line", "time", "prepaid_purchase",
    ]  # fmt: skip
    assert {"client", "case", "quote", "role", "hours", "rate", "amount"} <= set(rows[0])
    assert rows[4]["amount"] == "300.00" and rows[5]["amount"] == "1250.00"
    table = list(csv.DictReader(io.StringIO(desk.ok(*args, "--csv").out)))
    assert [row["amount"] for row in table] == [row["amount"] for row in rows]
    assert table[4]["prepaid"] == "no"
    assert desk(*args).code == 2  # one of --csv or --json
    refused(desk, 2, "--to", "services", "export", "--from", "2026-03-31", "--to", "2026-03-01",
            "--json")  # fmt: skip


def test_escalate_and_resolve_hand_off(desk: Cli) -> None:
    desk.ok("case", "escalate", "WZ-1001", "--to", "Professional services", "--reason", "Scope it")
    [draft] = desk.ok("services", "quote", "list", "WZ-1001", "--json").json
    assert (draft["status"], draft["origin"], draft["service_type"]) == (
        "draft",
        "escalation",
        None,
    )
    line = refused(desk, 2, "--type", "services", "quote", "send", "1")
    assert "quote edit 1 --type" in line
    edited = desk.ok("services", "quote", "edit", "1", "--type", "a", "--line",
                     "specialist:3:h", "--json").json  # fmt: skip
    assert edited["total"] == "375.00" and edited["version"] == 2
    assert desk("services", "quote", "edit", "1", "--scope", "y", "--expect-version", "1").code == 3
    open_case(desk)  # WZ-1002
    desk.ok("case", "resolve", "WZ-1002", "--note", "Needs training", "--needs-services")
    linked = desk.ok("case", "list", "--json").json
    assert [(c["ref"], c["category"]) for c in linked if c["ref"] == "WZ-1003"] == [
        ("WZ-1003", "services")
    ]
    [handed] = desk.ok("services", "quote", "list", "WZ-1003", "--json").json
    assert (handed["origin"], handed["origin_case"]) == ("resolution", "WZ-1002")


def test_services_commands_do_not_import_textual(desk: Cli, tmp_path: Any) -> None:
    code = (
        "import sys; from wzdesk.cli.main import main; "
        "rc = main(['services', 'rates', '--json']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    # The subprocess signs in as whom the database sees (this OS login, or the URL's role):
    # make that a console user first.
    from wzdesk.services.identity import connected_identity
    from wzdesk.store.database import open_database

    open_database(desk.url)
    desk.ok("user", "add", connected_identity(), "--name", "Script", "--role", "agent")
    env = dict(os.environ, WZDESK_DB=desk.url)
    env.pop("WZDESK_USER", None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert '"day_rate": "1200.00"' in result.stdout
