"""``wzdesk mail ...`` as a script calls it, in-process on each backend: JSON shapes, exit
codes, one-line errors that write nothing, and no Textual import."""

from __future__ import annotations

import mailbox
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import Cli as BaseCli
from tests.mail.conftest import eml

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-03-09T10:00:00-04:00"


class Cli(BaseCli):
    """The CLI harness of tests/cli, with a check that a refusal wrote nothing."""

    def refused(self, code: int, field: str, *args: str, user: str | None = None) -> str:
        before = self.counts()
        result = self(*args, user=user)
        assert result.code == code, result.err
        assert field in result.error_line
        assert result.out == ""
        assert self.counts() == before
        return result.error_line


@pytest.fixture
def desk(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    cli = Cli(database_url, monkeypatch, capsys)
    cli.ok("client", "add", "ACME", "--name", "Acme Corporation")
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--primary",
    )  # fmt: skip
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Bob Smith", "--email", "bob@acme.example"
    )
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    cli.ok("user", "add", "pat", "--name", "Pat Moss", "--role", "phone")
    return cli


@pytest.fixture
def mail_files(tmp_path: Path) -> dict[str, Path]:
    """One .eml file, an mbox of two messages, and a Maildir with one new message."""
    single = tmp_path / "one.eml"
    single.write_bytes(eml(message_id="one@acme.example", subject="Single file"))
    box = mailbox.mbox(tmp_path / "inbox.mbox")
    box.add(eml(message_id="two@acme.example", subject="From the mbox"))
    box.add(eml(sender="bob@acme.example", message_id="bob@acme.example", subject="Bob asks"))
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir", create=True)
    maildir.add(eml(message_id="three@acme.example", subject="From the Maildir"))
    return {"eml": single, "mbox": tmp_path / "inbox.mbox", "maildir": tmp_path / "Maildir"}


def test_import_every_kind_of_source_and_again(desk: Cli, mail_files) -> None:
    paths = [str(mail_files[k]) for k in ("eml", "mbox", "maildir")]
    result = desk.ok("mail", "import", *paths, "--json")
    assert result.json == {"imported": 3, "threaded": 0, "quarantined": 1, "duplicates": 0}
    again = desk.ok("mail", "import", *paths, "--json")
    assert again.json == {"imported": 0, "threaded": 0, "quarantined": 0, "duplicates": 4}
    text = desk.ok("mail", "import", str(mail_files["eml"]), "--verbose").out
    assert text.splitlines() == [
        f"{mail_files['eml']}: already imported",
        "imported 0, threaded 0, quarantined 0, duplicates 1",
    ]
    listed = desk.ok("case", "list", "--json").json
    assert sorted(c["summary"] for c in listed) == [
        "From the Maildir",
        "From the mbox",
        "Single file",
    ]
    assert {c["channel"] for c in listed} == {"email"}


def test_import_text_output_names_what_was_held(desk: Cli, mail_files) -> None:
    out = desk.ok("mail", "import", str(mail_files["mbox"])).out.splitlines()
    assert out[0].startswith(f"{mail_files['mbox']}#2: quarantined #1: Bob Smith <bob@acme")
    assert out[-1] == "imported 1, threaded 0, quarantined 1, duplicates 0"


def test_import_options_and_bad_input(desk: Cli, mail_files, tmp_path: Path) -> None:
    desk.refused(5, "PATH", "mail", "import", str(mail_files["eml"]), str(tmp_path / "nope"))
    desk.refused(2, "--severity", "mail", "import", str(mail_files["eml"]), "--severity", "huge")
    desk.refused(2, "--category", "mail", "import", str(mail_files["eml"]), "--category", "x")
    small = desk("mail", "import", str(mail_files["eml"]), "--max-message-size", "zero")
    assert small.code == 2
    held = desk.ok(
        "mail", "import", str(mail_files["eml"]), "--max-message-size", "100", "--json"
    ).json
    assert held["quarantined"] == 1
    listed = desk.ok("mail", "quarantine", "list", "--json").json
    assert listed[0]["reason_code"] == "oversized"


def test_severity_flag(desk: Cli, mail_files) -> None:
    desk.ok("mail", "import", str(mail_files["eml"]), "--severity", "critical")
    assert desk.ok("case", "list", "--json").json[0]["severity"] == "critical"


def test_quarantine_list_show_release_discard(desk: Cli, mail_files) -> None:
    desk.ok("mail", "import", str(mail_files["mbox"]))
    [held] = desk.ok("mail", "quarantine", "list", "--json").json
    assert {k: held[k] for k in ("id", "status", "from", "subject", "reason_code")} == {
        "id": 1,
        "status": "held",
        "from": "bob@acme.example",
        "subject": "Bob asks",
        "reason_code": "not_admin",
    }
    assert "Ana Diaz (primary, ana@acme.example)" in held["reason"]
    assert held["received_at"] == NOW  # imported now: the file has no Received header
    table = desk.ok("mail", "quarantine", "list").out
    assert "bob@acme.example" in table and "Bob asks" in table
    shown = desk.ok("mail", "quarantine", "show", "1", "--json").json
    assert shown["body"] == "The payroll export stops at 80%."
    desk.refused(2, "--contact", "mail", "quarantine", "release", "1", "--new-case", user="kim")
    desk.refused(5, "ID", "mail", "quarantine", "release", "9", "--case", "WZ-1001", user="kim")
    desk.refused(
        5, "--case: no case", "mail", "quarantine", "release", "1", "--case", "WZ-9999", user="kim"
    )
    desk.refused(
        4, "not a client admin", "mail", "quarantine", "release", "1", "--new-case",
        "--contact", "bob@acme.example", user="kim",
    )  # fmt: skip
    desk.refused(4, "may not", "mail", "quarantine", "discard", "1", "--reason", "x", user="pat")
    released = desk.ok(
        "mail", "quarantine", "release", "1", "--new-case", "--contact", "ana@acme.example",
        "--severity", "minor", "--json", user="kim",
    ).json  # fmt: skip
    assert released == {"id": 1, "status": "released", "case": "WZ-1002"}
    case = desk.ok("case", "show", "WZ-1002", "--json").json
    assert (case["severity"], case["contact"]) == ("minor", "ana@acme.example")
    assert desk.ok("mail", "quarantine", "list", "--json").json == []
    everything = desk.ok("mail", "quarantine", "list", "--all", "--json").json
    assert [(q["status"], q["case"], q["handled_by"]) for q in everything] == [
        ("released", "WZ-1002", "kim")
    ]
    desk.refused(2, "ID", "mail", "quarantine", "discard", "1", "--reason", "late", user="kim")


def test_release_into_an_existing_case_and_discard(desk: Cli, tmp_path: Path) -> None:
    first = tmp_path / "first.eml"
    first.write_bytes(eml(message_id="first@x"))
    strays = tmp_path / "strays"
    strays.mkdir()
    (strays / "a.eml").write_bytes(eml(sender="bob@acme.example", message_id="b1@x"))
    (strays / "b.eml").write_bytes(eml(sender="spam@spam.example", message_id="s@x"))
    desk.ok("mail", "import", str(first), str(strays))
    released = desk.ok(
        "mail", "quarantine", "release", "1", "--case", "WZ-1001", "--json", user="kim"
    )
    assert released.json["case"] == "WZ-1001"
    events = desk.ok("case", "show", "WZ-1001", "--json").json["events"]
    assert events[-1]["kind"] == "client_message" and events[-1]["author"] == "bob@acme.example"
    desk.refused(2, "--reason", "mail", "quarantine", "discard", "2", "--reason", " ", user="kim")
    discarded = desk.ok(
        "mail", "quarantine", "discard", "2", "--reason", "spam", "--json", user="kim"
    )
    assert discarded.json == {"id": 2, "status": "discarded", "reason": "spam"}


def test_outbox_send_sends_everything_due_not_the_first_batch(desk: Cli) -> None:
    """More than one batch (200) is due: all of it goes, and nothing is left (finding 6: a
    cron job was told "sent 200" and 5 stayed behind without a word)."""
    from datetime import datetime

    from wzdesk.core.clock import FixedClock
    from wzdesk.core.rules import Role
    from wzdesk.services.context import ServiceContext
    from wzdesk.services.mail_outbox import enqueue
    from wzdesk.store.database import open_database

    database = open_database(desk.url)
    try:
        ctx = ServiceContext("sam", Role.SUPERVISOR, FixedClock(datetime.fromisoformat(NOW)))
        with database.atomic():
            for n in range(205):
                enqueue(
                    ctx, case=None, recipients=[f"s{n}@subscriber.example"], subject="Policy",
                    body="New terms.", kind="policy_update", audience="subscriber",
                )  # fmt: skip
    finally:
        database.close()
    sent = desk.ok("mail", "outbox", "send", "--json")
    assert {k: sent.json[k] for k in ("sent", "retrying", "failed", "remaining")} == {
        "sent": 205,
        "retrying": 0,
        "failed": 0,
        "remaining": 0,
    }
    assert len(sent.json["messages"]) == 205 and "still due" not in sent.err
    assert desk.ok("mail", "outbox", "list", "--json").json == []


def test_reply_outbox_send_and_list(desk: Cli, mail_files, tmp_path: Path) -> None:
    desk.ok("mail", "import", str(mail_files["eml"]))
    desk.ok("case", "reply", "WZ-1001", "--message", "Looking now.", user="kim")
    acknowledgment, pending = desk.ok("mail", "outbox", "list", "--json").json
    assert acknowledgment["kind"] == "acknowledgment"
    assert {k: pending[k] for k in ("id", "case", "kind", "to", "status", "attempts")} == {
        "id": 2,
        "case": "WZ-1001",
        "kind": "reply",
        "to": ["ana@acme.example"],
        "status": "pending",
        "attempts": 0,
    }
    assert pending["subject"] == "Re: Single file [WZ-1001]"
    sent = desk.ok("mail", "outbox", "send", "--json").json
    assert {k: sent[k] for k in ("sent", "retrying", "failed")} == {
        "sent": 2,
        "retrying": 0,
        "failed": 0,
    }
    assert [(m["id"], m["kind"], m["status"], m["transport"]) for m in sent["messages"]] == [
        (1, "acknowledgment", "sent", "maildir"),
        (2, "reply", "sent", "maildir"),
    ]
    assert str(tmp_path / "outbox") in sent["messages"][0]["where"]
    assert len(list(mailbox.Maildir(tmp_path / "outbox", create=False))) == 2
    assert desk.ok("mail", "outbox", "list", "--json").json == []
    _, done = desk.ok("mail", "outbox", "list", "--all", "--json").json
    assert (done["status"], done["transport"]) == ("sent", "maildir")
    desk.refused(2, "ID", "mail", "outbox", "retry", "1", user="kim")
    desk.refused(5, "ID", "mail", "outbox", "retry", "7", user="kim")
    shown = desk.ok("case", "show", "WZ-1001", "--json").json
    assert [e["kind"] for e in shown["events"]][-3:] == ["reply", "mail_sent", "mail_sent"]
    assert [(m["kind"], m["delivery"]) for m in shown["outgoing"]] == [
        ("acknowledgment", "delivered"),
        ("reply", "delivered"),
    ]


def test_the_outbox_lists_what_goes_next_first_and_its_history_newest_first(
    desk: Cli, mail_files: dict[str, Path]
) -> None:
    """``mail outbox list`` gives the messages still to go in the order they go out, and
    ``--all`` the outbox's history newest first, so that ``--limit`` keeps what was sent
    lately (the oldest of a year's mail are of no use at the top). A list cut by ``--limit``
    says so on stderr; the table with ``--all`` says when each message went out."""
    desk.ok("mail", "import", str(mail_files["eml"]))  # its acknowledgment: message 1
    for text in ("Looking now.", "Found it."):  # messages 2 and 3
        desk.ok("case", "reply", "WZ-1001", "--message", text, user="kim")
    desk.ok("mail", "outbox", "send")
    for text in ("A fix is on its way.", "Fixed: please check."):  # 4 and 5, still to go
        desk.ok("case", "reply", "WZ-1001", "--message", text, user="kim")

    def ids(*args: str) -> list[int]:
        return [row["id"] for row in desk.ok("mail", "outbox", "list", *args, "--json").json]

    assert ids() == [4, 5]
    assert ids("--limit", "1") == [4]
    assert ids("--all") == [5, 4, 3, 2, 1]
    assert ids("--all", "--limit", "3") == [5, 4, 3]
    assert ids("--all", "--limit", "5") == [5, 4, 3, 2, 1]

    cut = desk.ok("mail", "outbox", "list", "--all", "--limit", "2")
    header, *rows = cut.out.splitlines()
    assert header.split() == [
        "ID", "CASE", "STATUS", "ATTEMPTS", "NEXT_ATTEMPT_AT", "SENT_AT", "TO", "LAST_ERROR",
    ]  # fmt: skip
    assert [row.split()[:3] for row in rows] == [
        ["5", "WZ-1001", "pending"],
        ["4", "WZ-1001", "pending"],
    ]
    assert "the first 2 messages shown; more match" in cut.err
    whole = desk.ok("mail", "outbox", "list", "--all", "--limit", "5")
    assert whole.err == "" and len(whole.out.splitlines()) == 6
    sent_at = header.index("SENT_AT")
    assert "SENT_AT" not in desk.ok("mail", "outbox", "list").out
    last = whole.out.splitlines()[-1]
    assert last.startswith("1 ") and "2026-03-09" in last[sent_at:]  # sent, and when
    for wrong in ("0", "-1", "1000001"):
        desk.refused(2, "--limit", "mail", "outbox", "list", "--limit", wrong)


def test_attachments_on_the_case(desk: Cli, tmp_path: Path) -> None:
    import base64

    raw = (
        b"From: ana@acme.example\r\nSubject: Screenshot\r\nMessage-ID: <shot@x>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        b'--B\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="s.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(b"PNGDATA" * 10)
        + b"--B--\r\n"
    )
    (tmp_path / "shot.eml").write_bytes(raw)
    desk.ok("mail", "import", str(tmp_path / "shot.eml"))
    [listed] = desk.ok("mail", "attachments", "WZ-1001", "--json").json
    assert (listed["filename"], listed["content_type"], listed["size_bytes"]) == (
        "s.png",
        "image/png",
        70,
    )
    assert Path(listed["path"]).read_bytes() == b"PNGDATA" * 10
    assert desk.ok("case", "show", "WZ-1001", "--json").json["attachments"] == [listed]
    assert "s.png" in desk.ok("mail", "attachments", "WZ-1001").out
    desk.refused(5, "REF", "mail", "attachments", "WZ-4040")


def test_watch_once_imports_new_mail_moves_it_and_sends_replies(
    desk: Cli, mail_files, tmp_path: Path
) -> None:
    maildir = mail_files["maildir"]
    [arrived] = list((maildir / "new").iterdir())
    out = desk.ok("mail", "watch", str(maildir), "--once").out
    assert out.splitlines() == [f"{arrived}: opened WZ-1001", "outbox: sent 1"]  # acknowledged
    assert list((maildir / "new").iterdir()) == []
    assert [p.name for p in (maildir / "cur").iterdir()] == [arrived.name + ":2,S"]
    desk.ok("case", "reply", "WZ-1001", "--message", "On it.", user="kim")
    box = mailbox.Maildir(maildir, create=False)
    box.add(eml(subject="[WZ-1001] thanks", message_id="thanks@acme.example"))
    out = desk.ok("mail", "watch", str(maildir), "--once").out
    assert "added to WZ-1001" in out and "outbox: sent 1" in out
    assert len(list(mailbox.Maildir(tmp_path / "outbox", create=False))) == 2
    desk.refused(2, "MAILDIR", "mail", "watch", str(mail_files["eml"]), "--once")
    desk.refused(2, "--interval", "mail", "watch", str(maildir), "--interval", "0")


def test_mail_commands_do_not_import_textual(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "WZDESK_DB": f"sqlite:///{tmp_path / 'cli.db'}",
        "WZDESK_ATTACHMENTS": str(tmp_path / "att"),
        "PYTHONPATH": str(ROOT),
    }
    (tmp_path / "m.eml").write_bytes(eml())
    code = (
        "import sys; from wzdesk.cli.main import main; "
        f"rc = main(['mail', 'import', {str(tmp_path / 'm.eml')!r}, '--json']); "
        "rc = rc or main(['mail', 'quarantine', 'list', '--json']); "
        "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(rc)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# -- CPython's email test corpus ----------------------------------------------------------------
# 48 real-world oddities from ``test/test_email/data``: no traceback, every message filed or held
# (5 of them reuse another's Message-ID with other content: held with the reason, not dropped as
# duplicates), and importing them again changes nothing.


def corpus_folder() -> Path | None:
    try:
        import test.test_email as package
    except ImportError:
        return None
    folder = Path(package.__file__).parent / "data"
    return folder if any(folder.glob("msg_*.txt")) else None


CORPUS = corpus_folder()


@pytest.mark.skipif(CORPUS is None, reason="this Python has no test.test_email data")
def test_cpython_email_corpus_is_filed_or_held_and_nothing_is_dropped(
    desk: Cli, tmp_path: Path
) -> None:
    assert CORPUS is not None
    messages = sorted(CORPUS.glob("msg_*.txt"))
    box = tmp_path / "corpus"
    box.mkdir()
    for message in messages:
        shutil.copy(message, box / message.name)
    result = desk.ok("mail", "import", str(box), "--json")
    assert "Traceback" not in result.err
    summary = result.json
    assert summary["duplicates"] == 0  # a reused Message-ID is not a duplicate
    assert summary["imported"] + summary["threaded"] + summary["quarantined"] == len(messages)
    held = desk.ok("mail", "quarantine", "list", "--json").json
    reasons = [h["reason_code"] for h in held]
    assert len(held) == summary["quarantined"]
    assert reasons.count("reused_id") == 5
    cut = desk.ok("mail", "quarantine", "list", "--limit", "3")  # rows left out are said
    assert len(cut.out.splitlines()) == 4 and "the first 3 messages shown; more" in cut.err
    assert desk.ok("mail", "quarantine", "list", "--limit", str(len(held))).err == ""
    again = desk.ok("mail", "import", str(box), "--json").json
    assert again == {"imported": 0, "threaded": 0, "quarantined": 0, "duplicates": len(messages)}
