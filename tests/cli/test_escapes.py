"""Terminal control sequences never reach an agent's terminal (issue 10, fix 4): hostile text
from email and from scripts is cleaned when it enters, and anything already stored is shown
escaped (``\\x1b``), in every command's text output; JSON stays valid and escapes them too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.test_cli import Cli, open_case
from tests.mail.conftest import eml
from wzdesk.core.text import clean, escape_controls

#: What an attacker puts in a subject or a name, and what each does to a terminal.
CORPUS = {
    "retitle (OSC 0, BEL)": "\x1b]0;pwned\x07",
    "retitle (OSC 2, ST)": "\x1b]2;pwned\x1b\\",
    "clear screen": "\x1b[2J\x1b[H",
    "colour and hide": "\x1b[8m\x1b[31m",
    "8-bit CSI": "\x9b2J",
    "8-bit OSC": "\x9d0;pwned\x9c",
    "DCS (set a terminal setting)": "\x1bP$qm\x1b\\",
    "reset terminal": "\x1bc",
    "bell": "\x07",
    "backspaces over text": "real\x08\x08\x08\x08fake",
    "carriage return over text": "approved\rDENIED  ",
    "hyperlink (OSC 8)": "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07",
    "NUL and DEL": "a\x00b\x7fc",
    "cursor save and move": "\x1b7\x1b[10;10H\x1b8",
}
#: Any control character a terminal could obey (newline and tab are layout).
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize("payload", CORPUS.values(), ids=CORPUS.keys())
def test_clean_and_escape_leave_nothing_a_terminal_obeys(payload: str) -> None:
    for text in (payload, f"Invoice {payload} overdue", payload * 3):
        assert not RAW_CONTROL.search(clean(text))
        assert not RAW_CONTROL.search(clean(text, multiline=True))
        assert not RAW_CONTROL.search(escape_controls(text))
    assert clean("line one\nline two\ttab", multiline=True) == "line one\nline two\ttab"
    assert clean("one\ntwo") == "one two"


def _assert_terminal_safe(text: str) -> None:
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text))


@pytest.fixture
def hostile(desk: Cli, tmp_path: Path) -> dict[str, str]:
    """Hostile text arrives by email (a subject, a sender's name, a body) and by script."""
    desk.monkeypatch.setenv("WZDESK_ATTACHMENTS", str(tmp_path / "attachments"))
    payload = "".join(CORPUS.values())
    box = tmp_path / "in"
    box.mkdir()
    (box / "1.eml").write_bytes(
        eml(
            sender=f'"Ana {CORPUS["retitle (OSC 0, BEL)"]}" <ana@acme.example>',
            subject=f"Help {payload}",
            body=f"Body {payload} end",
            message_id="hostile-1@acme.example",
        )
    )
    (box / "2.eml").write_bytes(  # from a stranger: held in the quarantine
        eml(
            sender=f'"Eve {CORPUS["clear screen"]}" <eve@evil.example>',
            subject=f"Quarantine me {payload}",
            body=f"Quarantined body {payload}",
            message_id="hostile-2@evil.example",
        )
    )
    desk.ok("mail", "import", str(box))
    scripted = open_case(
        desk, "--description", f"Typed {payload}", "--tags", f"x{CORPUS['bell']}y"
    )["ref"]
    desk.ok("case", "reply", scripted, "--message", f"Note {payload}", "--internal", user="kim")
    return {"payload": payload, "scripted": scripted}


def test_nothing_hostile_is_stored_or_printed(desk: Cli, hostile: dict[str, str]) -> None:
    refs = [row["ref"] for row in desk.ok("case", "list", "--json").json]
    held = desk.ok("mail", "quarantine", "list", "--json").json
    assert held and len(refs) == 2
    outputs = [
        desk.ok("case", "list").out,
        desk.ok("mail", "quarantine", "list").out,
        desk.ok("mail", "quarantine", "show", str(held[0]["id"])).out,
        desk.ok("contact", "list").out,
    ]
    for ref in refs:
        outputs.append(desk.ok("case", "show", ref).out)
        shown = desk.ok("case", "show", ref, "--json")
        outputs.append(shown.out)
        for event in shown.json["events"]:  # stored clean, not only printed clean
            assert not RAW_CONTROL.search(event["body"].replace("\n", "")), event
    for text in outputs:
        _assert_terminal_safe(text)
    listed = desk.ok("case", "list", "--json").json
    case = next(r for r in listed if r["ref"] != hostile["scripted"])
    assert case["summary"].startswith("Help ") and "pwned" not in case["summary"]
    assert desk.ok("case", "show", hostile["scripted"], "--json").json["tags"] == ["xy"]


def test_text_stored_before_this_rule_is_printed_escaped(desk: Cli) -> None:
    """Old rows may hold control characters: text output shows them, JSON escapes them."""
    ref = open_case(desk)["ref"]
    from wzdesk.store.database import open_database
    from wzdesk.store.models import Case

    database = open_database(desk.url)
    try:
        Case.update(summary="Old \x1b]0;pwned\x07 \x9b2J row").where(Case.ref == ref).execute()
    finally:
        database.close()
    text = desk.ok("case", "list").out
    _assert_terminal_safe(text)
    assert "Old \\x1b]0;pwned\\x07 \\x9b2J row" in text
    listed = desk.ok("case", "list", "--json")
    _assert_terminal_safe(listed.out)
    assert json.loads(listed.out)[0]["summary"] == "Old \x1b]0;pwned\x07 \x9b2J row"
    # An error line that quotes the user's input is escaped too.
    bad = desk("case", "show", "WZ-\x1b[2J1")
    assert bad.code == 5
    _assert_terminal_safe(bad.err)
