"""Importing client email, on each backend: new cases from client admins, threading (subject
reference, In-Reply-To/References), the status moves a client's message makes, the quarantine,
attachments, idempotency, and crashes halfway through a batch."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import peewee
import pytest

from tests.conftest import local, new_case
from tests.mail.conftest import eml
from tests.mail.corpus import ATTACHMENT_LIMIT, CORPUS
from wzdesk.core.case_sla import compute_deadlines
from wzdesk.core.sla import Severity
from wzdesk.mail.sources import RawMessage
from wzdesk.services import cases
from wzdesk.services import mail_intake as intake
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.case_views import show_case
from wzdesk.services.mail_settings import mail_settings
from wzdesk.store.models import (
    ALL_MODELS,
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    MailMessage,
    QuarantinedMail,
    SlaPause,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def events(ref: str, kind: str | None = None) -> list[CaseEvent]:
    query = CaseEvent.select().join(Case).where(Case.ref == ref).order_by(CaseEvent.id)
    if kind:
        query = query.where(CaseEvent.kind == kind)
    return list(query)


def held(reason_code: str) -> QuarantinedMail:
    return QuarantinedMail.get(QuarantinedMail.reason_code == reason_code)


# -- opening cases ------------------------------------------------------------------------------


def test_client_admin_message_opens_an_email_case(acme, import_raw, clock) -> None:
    summary, filed = import_raw(
        eml(subject="Payroll export fails", body="It stops at 80%.", message_id="m1@acme.example")
    )
    assert summary.as_dict() == {"imported": 1, "threaded": 0, "quarantined": 0, "duplicates": 0}
    assert filed[0].outcome == "imported"
    case = show_case(filed[0].ref, clock.now())
    assert case["channel"] == "email"
    assert case["severity"] == "moderate"
    assert case["category"] == "question"
    assert case["contact"] == "ana@acme.example"
    assert case["summary"] == "Payroll export fails"
    assert case["description"] == "It stops at 80%."
    assert case["received_at"] == "2026-03-09T10:00:00-04:00"  # imported now (no Received)
    assert case["events"][0]["author"] == "ana@acme.example"
    message = MailMessage.get(MailMessage.message_key == "m1@acme.example")
    assert (message.case.ref, message.outcome, message.direction) == (case["ref"], "opened", "in")
    actions = [a.action for a in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions[-2:] == ["case.open", "mail.import"]
    imported = AuditEntry.select().where(AuditEntry.action == "mail.import").get()
    assert imported.actor == "sam"  # who ran the import


def test_backup_admin_may_open_too_and_address_case_is_ignored(acme, import_raw) -> None:
    _, filed = import_raw(eml(sender="RAJ@Acme.Example", subject="Backup admin writes"))
    assert filed[0].outcome == "imported"
    assert Case.get(Case.ref == filed[0].ref).contact.email == "raj@acme.example"


def test_default_severity_and_category_are_configurable(acme, import_raw, monkeypatch) -> None:
    monkeypatch.setenv("WZDESK_MAIL_SEVERITY", "major")
    _, filed = import_raw(eml(message_id="a@x"))
    assert Case.get(Case.ref == filed[0].ref).severity == "major"
    _, filed = import_raw(eml(message_id="b@x"), severity="critical", category="configuration")
    case = Case.get(Case.ref == filed[0].ref)
    assert (case.severity, case.category) == ("critical", "configuration")


def test_received_at_in_the_future_is_clamped_to_import_time(acme, import_raw, clock) -> None:
    _, filed = import_raw(eml(date="Fri, 01 Jan 2027 10:00:00 -0500"))
    assert Case.get(Case.ref == filed[0].ref).received_at == clock.now()


def test_senders_date_does_not_start_the_clock(acme, import_raw, clock) -> None:
    """A client PC whose clock is years behind must not open a case breached on arrival, nor
    have the acknowledgment promise a response in the past (finding 8)."""
    _, filed = import_raw(eml(date="Mon, 01 Jan 2024 09:00:00 -0500"))
    case = Case.get(Case.ref == filed[0].ref)
    assert case.received_at == clock.now()
    assert case.response_due > clock.now()


def test_received_header_wins_over_date(acme, import_raw) -> None:
    _, filed = import_raw(
        eml(headers=[("Received", "by mx.vendor.example; Mon, 9 Mar 2026 09:45:00 -0400")])
    )
    assert Case.get(Case.ref == filed[0].ref).received_at == local(2026, 3, 9, 9, 45)


# -- threading ----------------------------------------------------------------------------------


@pytest.fixture
def opened(acme, import_raw) -> str:
    """A case ACME's Ana opened by email (Message-ID first@acme.example)."""
    _, filed = import_raw(eml(message_id="first@acme.example", subject="Export fails"))
    return filed[0].ref


def test_subject_reference_threads_into_the_case(opened, import_raw, clock) -> None:
    before = Case.get(Case.ref == opened).version
    summary, filed = import_raw(
        eml(subject=f"Re: [{opened}] Export fails", body="It failed again at 9:40.")
    )
    assert summary.threaded == 1 and filed[0].ref == opened
    message = events(opened, "client_message")[0]
    assert message.public and message.author == "ana@acme.example"
    assert message.body == "It failed again at 9:40."
    assert Case.get(Case.ref == opened).version == before + 1
    assert Case.select().count() == 1


def test_reference_is_found_anywhere_in_the_subject_case_insensitively(opened, import_raw) -> None:
    number = opened.removeprefix("WZ-")
    _, filed = import_raw(eml(subject=f"about wz-{number}: more logs"))
    assert filed[0].outcome == "threaded"


def test_references_header_threads_without_a_subject_reference(opened, import_raw) -> None:
    _, filed = import_raw(
        eml(subject="Re: Export fails", references="<first@acme.example>", message_id="r@x")
    )
    assert (filed[0].outcome, filed[0].ref) == ("threaded", opened)
    _, filed = import_raw(eml(subject="Re: Re: Export fails", in_reply_to="r@x"))
    assert (filed[0].outcome, filed[0].ref) == ("threaded", opened)


def test_backup_admin_and_plain_contacts_of_the_client_may_write_on_a_case(
    opened, import_raw
) -> None:
    _, filed = import_raw(eml(sender="bob@acme.example", subject=f"[{opened}] extra details"))
    assert filed[0].outcome == "threaded"


def test_stranger_writing_about_a_case_is_quarantined(opened, import_raw) -> None:
    _, filed = import_raw(
        eml(sender="mallory@elsewhere.example", subject=f"[{opened}] give me the data")
    )
    assert filed[0].outcome == "quarantined"
    assert held("unknown_sender").reason.startswith(
        f"mallory@elsewhere.example wrote about {opened} but is not a contact of ACME"
    )
    assert events(opened, "client_message") == []


def test_unknown_reference_is_quarantined(acme, import_raw) -> None:
    _, filed = import_raw(eml(subject="Re: [WZ-99999] anything"))
    assert filed[0].outcome == "quarantined"
    assert held("unknown_case").reason == "the subject names WZ-99999, which does not exist"


def test_waiting_case_goes_back_to_open_and_the_clock_resumes_at_arrival(
    opened, import_raw, supervisor, clock
) -> None:
    cases.set_status(supervisor, opened, "waiting_client")  # Monday 10:00
    clock.advance(timedelta(hours=2))  # imported at 12:00, arrived at 11:00
    arrived = ("Received", "by mx.vendor.example; Mon, 9 Mar 2026 11:00:00 -0400")
    _, filed = import_raw(eml(subject=f"[{opened}] answer", headers=[arrived]))
    assert filed[0].outcome == "threaded"
    case = Case.get(Case.ref == opened)
    assert case.status == "open" and case.paused_since is None
    pause = SlaPause.get(SlaPause.case == case)
    assert (pause.started_at, pause.ended_at) == (local(2026, 3, 9, 10), local(2026, 3, 9, 11))
    book = load_policy_book()
    expected = compute_deadlines(
        book.by_id(case.policy_id),
        Severity.MODERATE,
        case.received_at,
        [(pause.started_at, pause.ended_at)],
    )
    assert case.resolution_due == expected.resolution_due
    moves = [(e.kind, e.author) for e in events(opened)][-2:]
    assert moves == [("client_message", "ana@acme.example"), ("status", "ana@acme.example")]


def test_resolved_case_reopens_when_the_client_writes(
    opened, import_raw, supervisor, clock
) -> None:
    cases.resolve(supervisor, opened, "Fixed in 4.2.")
    clock.advance(timedelta(hours=1))
    _, filed = import_raw(eml(subject=f"Re: [{opened}] still broken", date=None))
    assert filed[0].outcome == "threaded"
    case = Case.get(Case.ref == opened)
    assert (case.status, case.is_open, case.resolved_at) == ("open", True, None)
    assert events(opened)[-1].kind == "reopen"
    assert SlaPause.get(SlaPause.reason == "resolved").ended_at == clock.now()


def test_closed_case_quarantines_the_message(opened, import_raw, supervisor) -> None:
    cases.resolve(supervisor, opened, "Fixed.")
    cases.close(supervisor, opened)
    _, filed = import_raw(eml(subject=f"Re: [{opened}] thanks!"))
    assert filed[0].outcome == "quarantined"
    assert held("closed_case").reason.startswith(f"{opened} is closed")
    assert Case.get(Case.ref == opened).status == "closed"


def test_sender_not_a_client_admin_is_quarantined_naming_the_admins(acme, import_raw) -> None:
    _, filed = import_raw(eml(sender="Bob Smith <bob@acme.example>"))
    assert filed[0].outcome == "quarantined"
    reason = held("not_admin").reason
    assert "Bob Smith <bob@acme.example> is a contact of ACME but not an active client admin" in (
        reason
    )
    assert "Ana Diaz (primary, ana@acme.example); Raj Patel (backup, raj@acme.example)" in reason
    assert held("not_admin").client.code == "ACME"
    assert Case.select().count() == 0


def test_inactive_client_is_quarantined_with_the_refusal(acme, import_raw) -> None:
    from wzdesk.store.models import Client

    Client.update(active=False).where(Client.code == "ACME").execute()
    _, filed = import_raw(eml())
    assert filed[0].outcome == "quarantined"
    assert held("not_admin").reason


# -- who imports: rights and the record -----------------------------------------------------


def test_a_phone_users_forged_mail_cannot_reopen_or_resume_cases(
    opened, import_raw, supervisor, phone_staff, agent
) -> None:
    """Phone staff may not reopen a case or take it out of waiting by hand, so a hand-made
    .eml "from" the client admin cannot do it for them: held for an agent, case unchanged."""
    cases.resolve(supervisor, opened, "Fixed in 4.2.")
    waiting = cases.open_case(agent, new_case(summary="Second")).ref
    cases.set_status(agent, waiting, "waiting_client")
    before = {ref: Case.get(Case.ref == ref).version for ref in (opened, waiting)}
    _, filed = import_raw(
        eml(subject=f"Re: [{opened}] still broken", message_id="forged-1@acme.example"),
        eml(subject=f"Re: [{waiting}] here you go", message_id="forged-2@acme.example"),
        ctx=phone_staff,
    )
    assert [f.outcome for f in filed] == ["quarantined", "quarantined"]
    reasons = [QuarantinedMail.get_by_id(f.quarantine_id) for f in filed]
    assert [r.reason_code for r in reasons] == ["needs_agent", "needs_agent"]
    assert "reopen a case, which pat (phone) may not do" in reasons[0].reason
    assert {ref: Case.get(Case.ref == ref).version for ref in (opened, waiting)} == before
    # A message that changes no status still reaches the case, as a call note would.
    open_one = cases.open_case(agent, new_case(summary="Third")).ref
    _, filed = import_raw(eml(subject=f"Re: [{open_one}] more", message_id="ok@acme.example"),
                          ctx=phone_staff)  # fmt: skip
    assert filed[0].outcome == "threaded"


def test_every_change_a_message_causes_names_who_imported_it(
    opened, import_raw, agent, supervisor
) -> None:
    from wzdesk.store.models import AuditEntry

    cases.resolve(supervisor, opened, "Fixed.")
    _, filed = import_raw(
        eml(subject=f"Re: [{opened}] still broken", message_id="reopen@acme.example"), ctx=agent
    )
    assert filed[0].outcome == "threaded"
    trail = [
        (a.actor, a.action, a.authenticated_as) for a in AuditEntry.select().order_by(AuditEntry.id)
    ][-2:]
    assert trail == [("kim", "mail.import", None), ("ana@acme.example", "case.reopen", "kim")]
    message = MailMessage.get(MailMessage.message_key == "reopen@acme.example")
    assert message.imported_by == "kim"
    assert message.content_sha256 and len(message.content_sha256) == 64
    assert json.loads(events(opened, "client_message")[-1].data_json)["filed_by"] == "kim"
    opener = AuditEntry.get(AuditEntry.action == "case.open")
    assert (opener.actor, opener.authenticated_as) == ("ana@acme.example", "sam")


# -- the corpus of nasty messages ---------------------------------------------------------------


def test_every_nasty_message_is_filed_or_held_and_the_batch_goes_on(acme, import_raw) -> None:
    settings = mail_settings(max_attachment_bytes=ATTACHMENT_LIMIT)
    summary, filed = import_raw(*[n.raw for n in CORPUS], settings=settings)
    for nasty, result in zip(CORPUS, filed, strict=True):
        assert result.outcome == nasty.outcome, nasty.name
        if nasty.reason_code:
            code = QuarantinedMail.get_by_id(result.quarantine_id).reason_code
            assert code == nasty.reason_code, nasty.name
    expected = {
        "imported": sum(n.outcome == "imported" for n in CORPUS),
        "threaded": 0,
        "quarantined": sum(n.outcome == "quarantined" for n in CORPUS),
        "duplicates": sum(n.outcome == "duplicate" for n in CORPUS),
    }
    assert summary.as_dict() == expected
    # What the cases hold is readable: decoded subjects, rendered HTML, the oversized one held.
    subjects = {c.summary for c in Case.select()}
    assert "Café crème order fails" in subjects
    assert "(no subject)" not in subjects
    html = Case.get(Case.summary == "HTML only")
    assert "<p>" not in html.description and "- Step one" in html.description
    long = Case.get(Case.summary.startswith("xxx"))
    assert len(long.summary) == 300 and long.summary.endswith("…")
    oversized = held("oversized")
    assert "dump.bin" in oversized.reason and "the limit is 64.0 KB" in oversized.reason
    assert oversized.message.subject == "Full database dump"


def _copy_for(mailbox: str) -> bytes:
    """The copy of one message without a Message-ID that the server put in ``mailbox``."""
    return eml(
        received=f"Mon, 09 Mar 2026 09:3{len(mailbox)} -0400",
        headers=[("Delivered-To", f"{mailbox}@vendor.example")],
    )


def test_one_message_delivered_to_two_mailboxes_is_one_case(acme, import_raw) -> None:
    """No Message-ID: the two copies differ only in their transport headers (finding 9)."""
    summary, _ = import_raw(_copy_for("support"), _copy_for("help"))
    assert (summary.imported, summary.duplicates) == (1, 1)
    assert Case.select().count() == 1


def test_a_message_keyed_by_its_raw_bytes_before_stays_a_duplicate(acme, import_raw) -> None:
    """A desk that filed it when the key was the raw hash: `mail watch` reads cur/ again."""
    import hashlib

    raw = _copy_for("support")
    import_raw(raw)
    MailMessage.update(message_key="sha256:" + hashlib.sha256(raw).hexdigest()).where(
        MailMessage.direction == "in"
    ).execute()
    summary, _ = import_raw(raw)
    assert summary.duplicates == 1 and Case.select().count() == 1


def test_reimporting_changes_nothing(acme, import_raw) -> None:
    settings = mail_settings(max_attachment_bytes=ATTACHMENT_LIMIT)
    import_raw(*[n.raw for n in CORPUS], settings=settings)
    before = counts()
    summary, _ = import_raw(*[n.raw for n in CORPUS], settings=settings)
    assert summary.as_dict() == {
        "imported": 0,
        "threaded": 0,
        "quarantined": 0,
        "duplicates": len(CORPUS),
    }
    assert counts() == before


def test_same_message_id_with_other_content_is_held_not_dropped(acme, import_raw) -> None:
    import_raw(eml(message_id="same@x", subject="first"))
    summary, filed = import_raw(eml(message_id="same@x", subject="changed", body="other"))
    assert (summary.duplicates, summary.quarantined) == (0, 1)
    assert [c.summary for c in Case.select()] == ["first"]
    hold = QuarantinedMail.get_by_id(filed[0].quarantine_id)
    assert hold.reason_code == "reused_id"
    assert "already has Message-ID <same@x>" in hold.reason and "'first'" in hold.reason
    assert hold.message.message_id == "same@x"
    # Importing either again changes nothing; a copy that travelled another way (other Received
    # and Delivered-To headers, CRLF line ends) is the same message.
    before = counts()
    again, _ = import_raw(
        eml(message_id="same@x", subject="changed", body="other"),
        eml(message_id="same@x", subject="first"),
        eml(
            message_id="same@x",
            subject="first",
            headers=[("Received", "from mx2 by mx3; Mon, 9 Mar 2026 09:31:00 -0400"),
                     ("Delivered-To", "kim@vendor.example")],
        ),
    )  # fmt: skip
    assert again.duplicates == 3
    assert counts() == before


def test_duplicate_found_only_by_the_unique_constraint(acme, import_raw, monkeypatch) -> None:
    """Two importers at once: the loser's insert hits the unique index and counts a duplicate."""
    import_raw(eml(message_id="race@x"))
    before = counts()
    real = intake.MailImporter._known
    calls = iter([False])  # the first look (inside the transaction) misses it
    monkeypatch.setattr(
        intake.MailImporter, "_known", lambda self, key: next(calls, None) or real(self, key)
    )
    summary, _ = import_raw(eml(message_id="race@x"))
    assert summary.duplicates == 1
    assert counts() == before


# -- crashes ------------------------------------------------------------------------------------


class Crash(BaseException):
    """The process dying mid-message (like SIGKILL or a power cut, as far as the database sees)."""


def batch(n: int) -> list[bytes]:
    return [
        eml(message_id=f"batch-{i}@acme.example", subject=f"Problem {i}", body=f"Body {i}")
        for i in range(n)
    ]


def crash_on(monkeypatch: pytest.MonkeyPatch, number: int, error: BaseException) -> None:
    """Crash while filing message ``number`` (1-based): after its case was written, before
    its commit."""
    real = intake.MailImporter._record
    seen = {"n": 0}

    def record(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen["n"] += 1
        row = real(self, *args, **kwargs)
        if seen["n"] == number:
            raise error
        return row

    monkeypatch.setattr(intake.MailImporter, "_record", record)


@pytest.mark.parametrize(
    "error", [Crash(), peewee.OperationalError("disk I/O error")], ids=["crash", "db-error"]
)
def test_crash_halfway_leaves_whole_messages_and_a_rerun_finishes(
    acme, import_raw, monkeypatch, error
) -> None:
    messages = batch(10)
    with monkeypatch.context() as patch:
        crash_on(patch, 4, error)
        with pytest.raises(type(error)):
            import_raw(*messages)
    # Three messages fully filed; the fourth left nothing (not even its case).
    assert Case.select().count() == 3
    assert MailMessage.select().where(MailMessage.direction == "in").count() == 3
    assert MailMessage.select().where(MailMessage.direction == "out").count() == 3  # acks
    assert AuditEntry.select().where(AuditEntry.action == "case.open").count() == 3
    summary, _ = import_raw(*messages)
    assert summary.as_dict() == {"imported": 7, "threaded": 0, "quarantined": 0, "duplicates": 3}
    assert sorted(c.summary for c in Case.select()) == sorted(f"Problem {i}" for i in range(10))


def test_a_bug_while_filing_one_message_holds_it_and_the_batch_goes_on(
    acme, import_raw, monkeypatch
) -> None:
    real = intake.open_case_from_message

    def flaky(ctx, parsed, *args, **kwargs):  # type: ignore[no-untyped-def]
        if parsed.subject == "Problem 1":
            raise RuntimeError("boom")
        return real(ctx, parsed, *args, **kwargs)

    monkeypatch.setattr(intake, "open_case_from_message", flaky)
    summary, filed = import_raw(*batch(3))
    assert summary.as_dict() == {"imported": 2, "threaded": 0, "quarantined": 1, "duplicates": 0}
    assert filed[1].outcome == "quarantined"
    assert held("error").reason == "could not be filed: RuntimeError: boom"


# -- attachments and sizes ----------------------------------------------------------------------


def with_attachment(message_id: str, data: bytes, subject: str = "Logs") -> bytes:
    import base64

    return (
        (
            f"From: ana@acme.example\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n"
            'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
            "--B\r\nContent-Type: text/plain\r\n\r\nSee the log.\r\n"
            '--B\r\nContent-Type: text/plain; name="app.log"\r\n'
            'Content-Disposition: attachment; filename="app.log"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode()
        + base64.encodebytes(data)
        + b"--B--\r\n"
    )


def test_attachments_are_stored_once_by_content_and_listed_on_the_case(
    acme, import_raw, clock, mail_env: Path
) -> None:
    log = b"ERROR export failed\n" * 100
    _, filed = import_raw(with_attachment("att-1@x", log))
    ref = filed[0].ref
    import_raw(with_attachment("att-2@x", log, subject=f"[{ref}] same log again"))
    shown = show_case(ref, clock.now())["attachments"]
    assert [(a["filename"], a["size_bytes"]) for a in shown] == [("app.log", 2000)] * 2
    assert shown[0]["sha256"] == shown[1]["sha256"]
    path = Path(shown[0]["path"])
    assert path.read_bytes() == log
    assert path.is_relative_to(mail_env / "attachments")
    stored = [p for p in (mail_env / "attachments").rglob("*") if p.is_file()]
    assert stored == [path]  # one file for two attachments
    assert Attachment.select().count() == 2


def test_attachments_default_to_a_folder_beside_the_sqlite_file(
    acme, import_raw, monkeypatch, database
) -> None:
    if not isinstance(database, peewee.SqliteDatabase):
        pytest.skip("PostgreSQL has no file to sit beside")
    monkeypatch.delenv("WZDESK_ATTACHMENTS")
    _, filed = import_raw(with_attachment("beside@x", b"data"))
    attachment = Attachment.get()
    expected = Path(database.database).parent / "attachments"
    assert (expected / attachment.sha256[:2] / attachment.sha256[2:4] / attachment.sha256).exists()


def test_oversized_message_is_held_without_reading_its_body(acme, import_raw) -> None:
    settings = mail_settings(max_message_bytes=1000)
    _, filed = import_raw(eml(subject="Big", body="z" * 5000), settings=settings)
    assert filed[0].outcome == "quarantined"
    message = held("oversized").message
    assert (message.subject, message.from_address) == ("Big", "ana@acme.example")
    assert "the limit is 1000 bytes" in held("oversized").reason


def test_long_body_is_cut_in_the_description_and_kept_whole_as_an_attachment(
    acme, import_raw
) -> None:
    body = "line of text\n" * 10_000
    _, filed = import_raw(eml(body=body))
    case = Case.get(Case.ref == filed[0].ref)
    assert len(case.description) <= 100_000
    assert case.description.endswith("[…the full text is attached]")
    attachment = Attachment.get(Attachment.case == case)
    assert attachment.filename == "message.txt"
    assert attachment.size_bytes == len(body.strip().encode())


def test_raw_message_of_every_quarantined_one_is_kept(acme, import_raw) -> None:
    from wzdesk.services.mail_settings import blob_store

    raw = eml(sender="nobody@nowhere.example")
    import_raw(raw)
    kept = held("unknown_sender")
    assert blob_store().get(kept.raw_sha256) == raw
    assert kept.raw_size == len(raw)


def test_importing_needs_a_console_user_who_may_open_cases(acme, import_raw, phone_staff) -> None:
    summary, _ = import_raw(eml(), ctx=phone_staff)  # phone staff open cases too
    assert summary.imported == 1


def test_file_reports_one_message_at_a_time(acme, supervisor) -> None:
    importer = intake.MailImporter(supervisor)
    first = importer.file(RawMessage(eml(message_id="one@x"), "one"))
    again = importer.file(RawMessage(eml(message_id="one@x"), "one"))
    assert (first.outcome, again.outcome) == ("imported", "duplicate")
