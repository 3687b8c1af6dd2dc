"""The command-line contract of issue 11, as a script calls it (in-process, each backend): the
acknowledgment in the outbox Maildir, replies queued on phone and portal cases, outgoing
messages with their delivery state in ``case show --json``, and the plain "not sent" line."""

from __future__ import annotations

import email
import email.policy
import mailbox
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.mail.test_cli import Cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def desk(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    cli = Cli(database_url, monkeypatch, capsys)
    cli.ok("client", "add", "ACME", "--name", "Acme Corporation")
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--phone", "+1 416 555 0101", "--primary",
    )  # fmt: skip
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Zoe Quinn",
        "--phone", "416 555 0199", "--backup",
    )  # fmt: skip
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    return cli


def open_case(cli: Cli, channel: str, contact: str = "ana@acme.example") -> str:
    return str(
        cli.ok(
            "case", "open", "--client", "ACME", "--contact", contact, "--severity", "critical",
            "--channel", channel, "--category", "question", "--summary", "Cannot post invoices",
            "--json",
        ).json["ref"]
    )  # fmt: skip


def test_contract_phone_case_acknowledgment_in_the_outbox_maildir(desk: Cli, tmp_path) -> None:
    ref = open_case(desk, "phone")  # Monday 9 March 2026, 10:00 Toronto (WZDESK_NOW)
    sent = desk.ok("mail", "outbox", "send", "--json").json
    assert (sent["sent"], sent["messages"][0]["kind"]) == (1, "acknowledgment")
    [stored] = list(mailbox.Maildir(tmp_path / "outbox", create=False))
    message = email.message_from_bytes(stored.as_bytes(), policy=email.policy.default)
    assert message["To"] == "ana@acme.example"
    assert ref in message["Subject"]
    assert "we will respond by Monday 9 March, 14:00 EDT" in message.get_content()


@pytest.mark.parametrize("channel", ["phone", "portal"])
def test_contract_reply_on_phone_and_portal_cases_queues_a_message(desk: Cli, channel) -> None:
    ref = open_case(desk, channel)
    result = desk.ok("case", "reply", ref, "--message", "On it.", "--json", user="kim").json
    assert result["delivery"]["queued"] is True and result["delivery"]["to"] == ["ana@acme.example"]
    listed = desk.ok("mail", "outbox", "list", "--json").json
    assert [(m["case"], m["kind"], m["to"]) for m in listed] == [
        (ref, "acknowledgment", ["ana@acme.example"]),
        (ref, "reply", ["ana@acme.example"]),
    ]
    out = desk.ok("case", "reply", ref, "--message", "Still on it.", user="kim").out
    assert out.splitlines()[-1].startswith("email: queued to ana@acme.example (outbox #")


def test_contract_case_show_lists_outgoing_messages_with_their_delivery_state(desk: Cli) -> None:
    ref = open_case(desk, "portal")
    desk.ok("case", "reply", ref, "--message", "On it.", user="kim")
    assert [
        (m["kind"], m["delivery"]) for m in desk.ok("case", "show", ref, "--json").json["outgoing"]
    ] == [("acknowledgment", "queued"), ("reply", "queued")]
    desk.ok("mail", "outbox", "send")
    shown = desk.ok("case", "show", ref, "--json").json
    assert [(m["kind"], m["delivery"], m["to"]) for m in shown["outgoing"]] == [
        ("acknowledgment", "delivered", ["ana@acme.example"]),
        ("reply", "delivered", ["ana@acme.example"]),
    ]
    text = desk.ok("case", "show", ref).out
    assert "outgoing reply to ana@acme.example: delivered" in text


def test_contact_without_email_the_cli_says_not_sent_and_never_sent(desk: Cli) -> None:
    ref = open_case(desk, "phone", contact="416 555 0199")
    opened = desk.ok("case", "show", ref).out
    assert "not sent: no email on file for Zoe Quinn; call +14165550199" in opened
    out = desk.ok("case", "reply", ref, "--message", "Please call us.", user="kim").out
    assert out.splitlines()[-1] == (
        "email: not sent: no email on file for Zoe Quinn; call +14165550199"
    )
    assert "sent" not in out.replace("not sent", "")
    result = desk.ok("case", "reply", ref, "--message", "Again.", "--json", user="kim").json
    assert result["delivery"] == {
        "kind": "reply",
        "queued": False,
        "to": [],
        "outbox_id": None,
        "note": "not sent: no email on file for Zoe Quinn; call +14165550199",
    }
    assert desk.ok("mail", "outbox", "list", "--all", "--json").json == []
    shown = desk.ok("case", "show", ref, "--json").json
    assert {m["delivery"] for m in shown["outgoing"]} == {"not_sent"}


def test_template_commands(desk: Cli) -> None:
    names = [t["name"] for t in desk.ok("template", "list", "--json").json]
    assert {"acknowledgment", "reply", "policy_update", "alert_breach"} <= set(names)
    shown = desk.ok("template", "show", "acknowledgment", "--json").json
    assert "{response_due}" in shown["body"] and "response_due" in shown["placeholders"]
    desk.refused(2, "--body", "template", "edit", "acknowledgment", "--body", "Hi {nme}")
    desk.refused(4, "", "template", "edit", "reply", "--body", "{message}", user="kim")
    desk.refused(5, "NAME", "template", "show", "nope")
    desk.ok("template", "edit", "acknowledgment", "--body", "Dear {contact_name}: {ref}.")
    ref = open_case(desk, "portal")
    preview = desk.ok("template", "preview", "acknowledgment", "--case", ref, "--json").json
    assert preview["body"] == f"Dear Ana Diaz: {ref}."
    assert preview["to"] == ["ana@acme.example"]
    text = desk.ok("template", "preview", "reply", "--case", ref, "--message", "Hi", user="kim")
    assert text.out.startswith("To: ana@acme.example\nSubject: ")
    desk.ok("template", "reset", "acknowledgment")
    assert desk.ok("template", "show", "acknowledgment", "--json").json["customised"] is False


def test_macro_commands(desk: Cli, tmp_path) -> None:
    body = tmp_path / "m.txt"
    body.write_text("Hello {contact_name}, about {ref}: could you send a screenshot?\n")
    desk.ok("macro", "add", "screenshot", "--body-file", str(body), user="kim")
    desk.refused(2, "--body", "macro", "add", "bad", "--body", "{nope}", user="kim")
    ref = open_case(desk, "portal")
    filled = desk.ok("macro", "fill", "screenshot", "--case", ref, "--json", user="kim").json
    assert filled["text"] == f"Hello Ana Diaz, about {ref}: could you send a screenshot?"
    assert [m["name"] for m in desk.ok("macro", "list", "--json").json] == ["screenshot"]
    desk.ok("macro", "remove", "screenshot", user="kim")
    desk.refused(5, "NAME", "macro", "show", "screenshot")


def test_notices_policy_alert_and_user_commands(desk: Cli) -> None:
    settings = desk.ok("notices", "set", "--acknowledge", "phone=off", "--json").json
    assert settings["acknowledge"] == {"portal": True, "email": True, "phone": False}
    assert desk.ok("notices", "show", "--json").json["remind_after_business_days"] == 3
    assert (
        desk.ok("notices", "set", "--remind-after", "off", "--json").json[
            "remind_after_business_days"
        ]
        is None
    )
    assert desk.ok("notices", "show", "--json").json["acknowledge"]["phone"] is False  # kept
    desk.refused(2, "--acknowledge", "notices", "set", "--acknowledge", "fax=on")
    desk.refused(4, "", "notices", "set", "--reopen-days", "3", user="kim")
    desk.ok("policy", "subscribe", "ana@acme.example")
    desk.refused(5, "EMAIL", "policy", "subscribe", "nobody@example.com")
    desk.ok("policy", "set", "--effective", "2026-04-01", "--response", "critical=2")
    first = desk.ok("policy", "notify", "2", "--json").json
    assert first == {"version": 2, "queued": ["ana@acme.example"], "already_notified": []}
    again = desk.ok("policy", "notify", "2", "--json").json
    assert again["queued"] == [] and again["already_notified"] == ["ana@acme.example"]
    assert [s["email"] for s in desk.ok("policy", "subscribers", "--json").json] == [
        "ana@acme.example"
    ]
    desk.ok("policy", "unsubscribe", "ana@acme.example")
    assert desk.ok("policy", "subscribers", "--json").json == []
    rule = desk.ok(
        "alert", "rule", "add", "--event", "breached", "--severity", "critical", "--to", "kim",
        "--json",
    ).json  # fmt: skip
    assert rule["text"] == "rule 4: breached, critical -> kim"
    desk.refused(2, "--minutes", "alert", "rule", "add", "--event", "breached", "--to", "kim",
                 "--minutes", "5")  # fmt: skip
    assert [r["id"] for r in desk.ok("alert", "rule", "list", "--json").json] == [1, 2, 3, 4]
    assert desk.ok("alert", "list", "--json").json == []
    user = desk.ok("user", "set", "kim", "--email", "kim@vendor.example", "--json").json
    assert user["email"] == "kim@vendor.example"
    desk.refused(2, "--email", "user", "set", "--email", "not-an-address", user="kim")


def test_new_commands_do_not_import_textual(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WZDESK_DB": f"sqlite:///{tmp_path / 'cli.db'}",
        "WZDESK_OUTBOX": str(tmp_path / "outbox"),
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import sys; from wzdesk.cli.main import main; "
        "rc = main(['notify', '--once']); "
        "rc = rc or main(['template', 'list', '--json']); "
        "rc = rc or main(['macro', 'list']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
