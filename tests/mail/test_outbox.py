"""Replies that reach the client: queued with the reply (one transaction), delivered by SMTP to a
real server on loopback (aiosmtpd) or into the outbox Maildir, retried with backoff, visible on
the case, and threaded back when the client answers."""

from __future__ import annotations

import email
import email.policy
import mailbox
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult

from tests.mail.conftest import eml
from tests.mail.smtp_server import SmtpServer, free_port
from wzdesk.services import cases
from wzdesk.services import mail_outbox as outbox
from wzdesk.services.cases import NewCase, open_case
from wzdesk.store.models import Case, CaseEvent, MailMessage, OutboundMail


@pytest.fixture(autouse=True)
def no_acknowledgments(supervisor) -> None:
    """These tests follow replies; acknowledgments have their own (tests/notices)."""
    from wzdesk.services.notice_settings import change_notice_settings

    change_notice_settings(
        supervisor, acknowledge={"portal": False, "email": False, "phone": False}
    )


@pytest.fixture
def email_case(acme, import_raw) -> str:
    """A case Ana opened by email; her message is <first@acme.example>."""
    _, filed = import_raw(
        eml(
            message_id="first@acme.example",
            subject="Export fails",
            references="<older@acme.example>",
        )
    )
    return filed[0].ref


def outgoing(ref: str) -> list[OutboundMail]:
    return list(OutboundMail.select().join(Case).where(Case.ref == ref).order_by(OutboundMail.id))


def timeline(ref: str, kind: str) -> list[CaseEvent]:
    return list(
        CaseEvent.select()
        .join(Case)
        .where((Case.ref == ref) & (CaseEvent.kind == kind))
        .order_by(CaseEvent.id)
    )


# -- queueing -----------------------------------------------------------------------------------


def test_public_reply_on_an_email_case_queues_a_threaded_message(email_case, agent) -> None:
    cases.reply(agent, email_case, "We are looking at the export.")
    cases.reply(agent, email_case, "Internal: check the logs", internal=True)
    [queued] = outgoing(email_case)
    assert queued.status == "pending" and queued.recipients == "ana@acme.example"
    assert queued.subject == f"Re: Export fails [{email_case}]"
    message = email.message_from_string(queued.raw, policy=email.policy.default)
    assert message["From"] == "Acme Support <support@vendor.example>"
    assert message["To"] == "ana@acme.example"
    assert message["In-Reply-To"] == "<first@acme.example>"
    assert message["References"] == "<older@acme.example> <first@acme.example>"
    assert message["Message-ID"] == f"<{queued.message_id}>"
    assert queued.message_id.endswith("@vendor.example")
    assert message["X-WZDesk-Case"] == email_case
    body = message.get_content()
    assert body.startswith("We are looking at the export.")
    assert f"keep [{email_case}] in the subject" in body
    # Our Message-ID is indexed, so the client's answer threads back.
    sent = MailMessage.get(MailMessage.message_key == queued.message_id)
    assert (sent.direction, sent.case.ref) == ("out", email_case)


def test_non_ascii_reply_is_encoded_for_any_server(email_case, agent) -> None:
    cases.reply(agent, email_case, "Voilà: the café export is fixed — 谢谢")
    [queued] = outgoing(email_case)
    assert queued.raw.isascii()
    message = email.message_from_string(queued.raw, policy=email.policy.default)
    assert message.get_content().startswith("Voilà: the café export is fixed — 谢谢")


def test_portal_case_replies_are_emailed_too(acme, agent, supervisor) -> None:
    case = open_case(
        supervisor,
        NewCase("ACME", "ana@acme.example", "minor", "portal", "question", "Portal case"),
    )
    replied = cases.reply(agent, case.ref, "Answered in the portal.")
    [queued] = outgoing(case.ref)
    assert (queued.recipients, queued.subject) == ("ana@acme.example", f"[{case.ref}] Portal case")
    assert replied.delivery is not None and replied.delivery.queued
    assert replied.delivery.outbox_id == queued.id


def test_portal_case_the_client_wrote_to_by_email_is_answered_by_email(
    acme, agent, supervisor, import_raw
) -> None:
    case = open_case(
        supervisor,
        NewCase("ACME", "ana@acme.example", "minor", "portal", "question", "Portal case"),
    )
    import_raw(eml(sender="raj@acme.example", subject=f"[{case.ref}] more", message_id="raj@x"))
    cases.reply(agent, case.ref, "Thanks Raj.")
    [queued] = outgoing(case.ref)
    assert queued.recipients == "ana@acme.example,raj@acme.example"
    assert queued.subject == f"Re: more [{case.ref}]"


def test_resolution_note_is_emailed(email_case, agent) -> None:
    cases.resolve(agent, email_case, "Fixed in release 4.2.")
    [queued] = outgoing(email_case)
    message = email.message_from_string(queued.raw, policy=email.policy.default)
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith(f"Your case {email_case} is resolved.\n\nFixed in release 4.2.")


def test_reply_and_its_message_are_written_together(email_case, agent, monkeypatch) -> None:
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("composer broke")

    monkeypatch.setattr(outbox, "compose_message", broken)
    with pytest.raises(RuntimeError):
        cases.reply(agent, email_case, "This must not half-happen.")
    case = Case.get(Case.ref == email_case)
    assert case.first_response_at is None
    assert timeline(email_case, "reply") == []


# -- delivering ---------------------------------------------------------------------------------


def test_without_smtp_replies_go_to_the_outbox_maildir(email_case, agent, mail_env: Path) -> None:
    cases.reply(agent, email_case, "Into the Maildir.")
    report = outbox.deliver_due(agent)
    assert report.as_dict() == {"sent": 1, "retrying": 0, "failed": 0}
    [stored] = list(mailbox.Maildir(mail_env / "outbox", create=False))
    assert stored["Subject"] == f"Re: Export fails [{email_case}]"
    [row] = outgoing(email_case)
    assert (row.status, row.transport, row.attempts) == ("sent", "maildir", 1)
    [event] = timeline(email_case, "mail_sent")
    assert "ana@acme.example" in event.body and not event.public
    assert outbox.deliver_due(agent).sent == 0  # sent once only


def test_smtp_server_receives_the_reply(email_case, agent, smtp: SmtpServer) -> None:
    cases.reply(agent, email_case, "By SMTP.")
    assert outbox.deliver_due(agent).sent == 1
    [(sender, recipients, message)] = smtp.received
    assert sender == "support@vendor.example"
    assert recipients == ["ana@acme.example"]
    assert message["Subject"] == f"Re: Export fails [{email_case}]"
    assert message["In-Reply-To"] == "<first@acme.example>"
    assert message.get_content().startswith("By SMTP.")
    [row] = outgoing(email_case)
    assert (row.status, row.transport) == ("sent", "smtp")


def test_client_answer_to_our_reply_threads_back(email_case, agent, smtp, import_raw) -> None:
    cases.reply(agent, email_case, "Can you send the log?")
    outbox.deliver_due(agent)
    [(_, _, ours)] = smtp.received
    answer = eml(
        subject="Re: the log you asked for",  # the client's mail program dropped our tag
        in_reply_to=ours["Message-ID"].strip("<>"),
        message_id="answer@acme.example",
    )
    _, filed = import_raw(answer)
    assert (filed[0].outcome, filed[0].ref) == ("threaded", email_case)


def test_temporary_failure_is_retried_after_a_backoff(email_case, agent, smtp, clock) -> None:
    smtp.handler.answers = ["451 4.3.0 Mailbox busy, try later"]
    cases.reply(agent, email_case, "Retry me.")
    report = outbox.deliver_due(agent)
    assert report.as_dict() == {"sent": 0, "retrying": 1, "failed": 0}
    [row] = outgoing(email_case)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "451" in row.last_error
    [failure] = timeline(email_case, "mail_failed")
    assert "Mailbox busy" in failure.body and "try again in 1 min" in failure.body
    assert outbox.deliver_due(agent).sent == 0  # not due yet
    clock.advance(timedelta(minutes=1))
    assert outbox.deliver_due(agent).sent == 1
    assert len(smtp.received) == 1
    [row] = outgoing(email_case)
    assert (row.status, row.attempts) == ("sent", 2)


def test_unreachable_server_backs_off_then_gives_up_visibly_until_retried(
    email_case, agent, clock, monkeypatch
) -> None:
    port = free_port()  # nothing listens there
    monkeypatch.setenv("WZDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WZDESK_SMTP_PORT", str(port))
    cases.reply(agent, email_case, "Nobody listens.")
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        report = outbox.deliver_due(agent)
        assert report.sent == 0
        [row] = outgoing(email_case)
        waits.append(row.next_attempt_at - clock.now())
        clock.advance(outbox.BACKOFF_CAP)
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    [row] = outgoing(email_case)
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    failures = timeline(email_case, "mail_failed")
    assert len(failures) == outbox.MAX_ATTEMPTS
    assert f"'wzdesk mail outbox retry {row.id}'" in failures[-1].body
    assert [r.id for r in outbox.list_outbox()] == [row.id]  # visible in the outbox
    assert outbox.deliver_due(agent).as_dict() == {"sent": 0, "retrying": 0, "failed": 0}
    server = SmtpServer()
    server.controller.port = port
    server.port = port
    server.controller.start()
    try:
        outbox.retry(agent, row.id)
        assert outbox.deliver_due(agent).sent == 1
        assert len(server.received) == 1
    finally:
        server.controller.stop()


def test_permanent_refusal_fails_at_once(email_case, agent, smtp) -> None:
    smtp.handler.answers = ["550 5.1.1 No such user"]
    cases.reply(agent, email_case, "Refused.")
    assert outbox.deliver_due(agent).as_dict() == {"sent": 0, "retrying": 0, "failed": 1}
    [row] = outgoing(email_case)
    assert (row.status, row.attempts) == ("failed", 1)


def test_sending_everything_due_goes_batch_by_batch(email_case, agent) -> None:
    for n in range(5):
        cases.reply(agent, email_case, f"Reply {n}.")
    report = outbox.deliver_all_due(agent, batch=2)
    assert (report.sent, report.remaining) == (5, 0)
    assert [m["id"] for m in report.messages] == [row.id for row in outgoing(email_case)]


class _FailsAndTakesTime:
    """A server that answers 451 and is so slow that each message it fails is due again by
    the next one (the clock moves two minutes a try; the first backoff is one)."""

    name = "smtp"

    def __init__(self, clock) -> None:  # type: ignore[no-untyped-def]
        self.clock = clock
        self.tries: list[bytes] = []

    def send(self, sender, recipients, data):  # type: ignore[no-untyped-def]
        from wzdesk.mail.transport import DeliveryError

        self.tries.append(data)
        self.clock.advance(timedelta(minutes=2))
        raise DeliveryError("451 try later")


def test_sending_everything_due_tries_each_message_once_a_run(email_case, agent, clock) -> None:
    """Messages re-scheduled during the run fall due again; the run does not chase them."""
    for n in range(3):
        cases.reply(agent, email_case, f"Reply {n}.")
    slow = _FailsAndTakesTime(clock)
    report = outbox.deliver_all_due(agent, slow, batch=1)
    # the first two are due again when the run ends (the last one waits a minute more)
    assert (len(slow.tries), report.retrying, report.remaining) == (3, 3, 2)


def test_two_senders_never_send_the_same_message(email_case, agent, clock) -> None:
    cases.reply(agent, email_case, "Once.")
    [row] = outgoing(email_case)
    assert outbox._claim(row, clock.now()) is True
    assert outbox._claim(row, clock.now()) is False
    assert outbox.deliver_due(agent).sent == 0  # claimed by the other sender
    clock.advance(outbox.STALE_CLAIM + timedelta(seconds=1))
    assert outbox.deliver_due(agent).sent == 1  # that sender died: taken over


def test_smtp_login(email_case, agent, monkeypatch) -> None:
    def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
        ok = auth_data.login == b"wzdesk" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # the server answers 535 itself

    server = SmtpServer(authenticator=authenticator, auth_require_tls=False)
    server.controller.start()
    monkeypatch.setenv("WZDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WZDESK_SMTP_PORT", str(server.port))
    monkeypatch.setenv("WZDESK_SMTP_USER", "wzdesk")
    try:
        monkeypatch.setenv("WZDESK_SMTP_PASSWORD", "wrong")
        cases.reply(agent, email_case, "Wrong password.")
        assert outbox.deliver_due(agent).failed == 1  # 535: permanent until someone fixes it
        monkeypatch.setenv("WZDESK_SMTP_PASSWORD", "s3cret")
        outbox.retry(agent, outgoing(email_case)[0].id)
        assert outbox.deliver_due(agent).sent == 1
        assert len(server.received) == 1
    finally:
        server.controller.stop()


def test_starttls(email_case, agent, monkeypatch, tmp_path: Path) -> None:
    import ssl

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=False,
    )  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a certificate: {made.stderr[-200:]!r}")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpServer(tls_context=context, require_starttls=True)
    server.controller.start()
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our test certificate
    monkeypatch.setenv("WZDESK_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WZDESK_SMTP_PORT", str(server.port))
    try:
        monkeypatch.setenv("WZDESK_SMTP_STARTTLS", "0")
        cases.reply(agent, email_case, "Over TLS only.")
        assert outbox.deliver_due(agent).sent == 0  # the server insists on STARTTLS
        monkeypatch.setenv("WZDESK_SMTP_STARTTLS", "yes")
        outbox.retry(agent, outgoing(email_case)[0].id)
        assert outbox.deliver_due(agent).sent == 1
        assert len(server.received) == 1
    finally:
        server.controller.stop()
