"""``kill -9`` in the middle of the work that writes the most: a mail import (inside a
message's transaction), demo generation (inside its bulk insert), storing an attachment
(between writing the file and putting it in place). The process gets SIGKILL from itself at
that exact point, so no ``finally`` or ``atexit`` runs, as with a real ``kill -9``; then the
same command is run again and must finish the job with nothing lost, doubled or dangling."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import peewee
import pytest

from tests.mail.conftest import eml
from wzdesk.core.clock import FixedClock
from wzdesk.services.directory import add_client, add_contact, sign_in
from wzdesk.services.identity import connected_identity
from wzdesk.store.models import Attachment, AuditEntry, Case, CaseEvent, MailMessage

ROOT = Path(__file__).resolve().parents[2]
KILL = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"


def wzdesk(
    url: str, tmp_path: Path, *args: str, hook: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``wzdesk ARGS`` in a new process (as this OS login), after ``hook`` (Python)."""
    script = textwrap.dedent(hook) + (
        "\nimport sys\nfrom wzdesk.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    )
    env = {
        **os.environ,
        "WZDESK_DB": url,
        "WZDESK_NOW": "2026-03-09T10:00:00-04:00",
        "WZDESK_ATTACHMENTS": str(tmp_path / "attachments"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("WZDESK_USER", None)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def desk(database: peewee.Database, clock: FixedClock) -> None:
    """ACME with its admin; who the subprocess will be (this OS login, or the PostgreSQL
    role of the test database's URL) is the supervisor."""
    me = sign_in(connected_identity(), clock).context
    add_client(me, "ACME", "Acme Corporation")
    add_contact(me, "ACME", "Ana Diaz", "ana@acme.example", admin_rank="primary")
    database.close()


def _counts(database_url: str) -> dict[str, int]:
    from wzdesk.store.database import open_database

    database = open_database(database_url)
    try:
        counts = {
            model.__name__: model.select().count()
            for model in (Case, CaseEvent, MailMessage, Attachment, AuditEntry)
        }
        # Messages received (each case's acknowledgment is a message going out).
        counts["MailMessage"] = MailMessage.select().where(MailMessage.direction == "in").count()
        counts["CaseEvent"] = CaseEvent.select().where(CaseEvent.kind == "created").count()
        return counts
    finally:
        database.close()


def test_kill_during_a_mail_import_then_import_again(
    desk: None, database_url: str, tmp_path: Path
) -> None:
    box = tmp_path / "inbox"
    box.mkdir()
    for i in range(12):
        (box / f"{i:02d}.eml").write_bytes(
            eml(message_id=f"kill-{i}@acme.example", subject=f"Problem {i}", body=f"Body {i}")
        )
    # Dies inside the 7th message's transaction, after its case row is written.
    hook = f"""
        from wzdesk.services import mail_filing
        real, calls = mail_filing.open_case, []
        def dying(*args, **kwargs):
            case = real(*args, **kwargs)
            calls.append(1)
            if len(calls) == 7:
                {KILL}
            return case
        mail_filing.open_case = dying
    """
    killed = wzdesk(database_url, tmp_path, "mail", "import", str(box), hook=hook)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    partial = _counts(database_url)
    assert partial["Case"] == partial["MailMessage"] == 6  # six whole messages, not 6.5

    again = wzdesk(database_url, tmp_path, "mail", "import", str(box), "--json")
    assert again.returncode == 0, again.stderr
    assert '"imported": 6' in again.stdout and '"duplicates": 6' in again.stdout
    final = _counts(database_url)
    assert final["Case"] == final["MailMessage"] == 12
    assert final["CaseEvent"] == 12  # one "created" event each, none twice


def test_kill_during_demo_generation_then_generate_again(
    desk: None, database_url: str, tmp_path: Path
) -> None:
    hook = f"""
        from wzdesk.services import demo
        real, calls = demo._bulk_insert, []
        def dying(model, rows):
            real(model, rows)
            calls.append(1)
            if len(calls) == 2:  # cases written, their events half-way
                {KILL}
        demo._bulk_insert = dying
    """
    killed = wzdesk(database_url, tmp_path, "demo", "--cases", "400", hook=hook)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _counts(database_url)["Case"] == 0  # one transaction: all or nothing
    again = wzdesk(database_url, tmp_path, "demo", "--cases", "400", "--json")
    assert again.returncode == 0, again.stderr
    assert _counts(database_url)["Case"] == 400


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_kill_while_storing_an_attachment_leaves_no_debris(
    desk: None, database_url: str, tmp_path: Path
) -> None:
    message = tmp_path / "with-file.eml"
    message.write_bytes(
        eml(message_id="file@acme.example", subject="Log attached").replace(
            b'Content-Type: text/plain; charset="utf-8"\r\n\r\nThe payroll export stops at 80%.',
            b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
            b"Content-Type: text/plain\r\n\r\nLog attached.\r\n--b\r\n"
            b'Content-Type: text/plain; name="app.log"\r\n'
            b'Content-Disposition: attachment; filename="app.log"\r\n\r\n'
            + b"ERROR something\r\n" * 2000
            + b"--b--",
        )
    )
    # Dies with the file written under its temporary name, before it is put in place.
    hook = f"""
        import os
        from wzdesk.mail import blobs
        def dying(source, target):
            {KILL}
        blobs.os.replace = dying
    """
    killed = wzdesk(database_url, tmp_path, "mail", "import", str(message), hook=hook)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    temporary = tmp_path / "attachments" / ".tmp"
    assert len(list(temporary.iterdir())) == 1  # the debris a kill -9 leaves
    assert _counts(database_url)["Attachment"] == 0  # and no row points at it

    again = wzdesk(database_url, tmp_path, "mail", "import", str(message), "--json")
    assert again.returncode == 0, again.stderr
    assert list(temporary.iterdir()) == []  # cleaned: its writer is gone
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1 and _counts(database_url)["Attachment"] == 1
