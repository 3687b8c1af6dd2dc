"""Every public message reaches the client, whatever the channel: acknowledgments, replies,
waiting/resolved/closed notices, queued in the same transaction and delivered to a real SMTP
server on loopback (aiosmtpd) or the outbox Maildir; a contact with no email gets nothing, and
the case, the use case's result and the CLI say so."""

from __future__ import annotations

import email
import email.policy
import mailbox
from pathlib import Path

import pytest

from tests.conftest import local, new_case
from tests.mail.conftest import eml
from tests.mail.smtp_server import SmtpServer
from wzdesk.services import cases
from wzdesk.services import mail_outbox as outbox
from wzdesk.services.case_views import show_case
from wzdesk.services.cases import open_case
from wzdesk.services.directory import add_contact
from wzdesk.services.notice_settings import change_notice_settings
from wzdesk.store.models import Case, CaseEvent, OutboundMail


def outgoing(ref: str, kind: str | None = None) -> list[OutboundMail]:
    query = OutboundMail.select().join(Case).where(Case.ref == ref)
    if kind:
        query = query.where(OutboundMail.kind == kind)
    return list(query.order_by(OutboundMail.id))


def body_of(row: OutboundMail) -> str:
    message = email.message_from_string(row.raw, policy=email.policy.default)
    return str(message.get_content()).replace("\r\n", "\n")


@pytest.fixture
def zoe(acme, supervisor) -> str:
    """A client admin of ACME with a phone number and no email address."""
    add_contact(supervisor, "ACME", "Zoe Quinn", None, "416 555 0199", admin_rank="backup")
    return "416 555 0199"


# -- acknowledgments -----------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["portal", "phone"])
def test_acknowledgment_on_intake_reaches_the_contact_by_smtp(
    channel, acme, supervisor, smtp: SmtpServer
) -> None:
    case = open_case(supervisor, new_case(channel=channel))  # critical, Mon 10:00 Toronto
    [ack] = outgoing(case.ref)
    assert (ack.kind, ack.recipients, ack.status) == (
        "acknowledgment",
        "ana@acme.example",
        "pending",
    )
    assert outbox.deliver_due(supervisor).sent == 1
    [(_, recipients, message)] = smtp.received
    assert recipients == ["ana@acme.example"]
    assert message["Subject"] == f"[{case.ref}] Cannot post invoices"
    body = message.get_content()
    assert f"support case {case.ref}: Cannot post invoices" in body
    assert "Severity: critical - A severe loss of service in a production environment" in body
    assert "Our response target for this severity is 4 business hours" in body
    assert "we will respond by Monday 9 March, 14:00 EDT" in body  # due, in the support zone
    assert f"keep [{case.ref}] in the subject" in body
    assert "Monday to Friday, 08:00-18:00 (America/Toronto time), except holidays" in body


def test_email_case_acknowledgment_answers_the_clients_message(acme, import_raw) -> None:
    _, [filed] = import_raw(
        eml(
            message_id="first@acme.example",
            subject="Payroll export fails",
            received="Mon, 09 Mar 2026 09:30:00 -0400",
        )
    )
    [ack] = outgoing(filed.ref)
    message = email.message_from_string(ack.raw, policy=email.policy.default)
    assert message["Subject"] == f"Re: Payroll export fails [{filed.ref}]"
    assert message["In-Reply-To"] == "<first@acme.example>"
    # moderate by default: 2 business days from Mon 09:30 -> Wed 09:30
    assert "we will respond by Wednesday 11 March, 09:30 EDT" in body_of(ack)


def test_acknowledgment_is_on_by_default_and_off_per_channel(acme, supervisor) -> None:
    change_notice_settings(supervisor, acknowledge={"phone": False})
    phone = open_case(supervisor, new_case(channel="phone"))
    portal = open_case(supervisor, new_case(channel="portal"))
    assert outgoing(phone.ref) == []
    assert [row.kind for row in outgoing(portal.ref)] == ["acknowledgment"]
    change_notice_settings(supervisor, acknowledge={"phone": True})
    again = open_case(supervisor, new_case(channel="phone"))
    assert [row.kind for row in outgoing(again.ref)] == ["acknowledgment"]


def test_acknowledgment_and_case_are_written_together(acme, supervisor, monkeypatch) -> None:
    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("composer broke")

    monkeypatch.setattr(outbox, "compose_message", broken)
    with pytest.raises(RuntimeError):
        open_case(supervisor, new_case(channel="phone"))
    assert Case.select().count() == 0


# -- replies -------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["portal", "email", "phone"])
def test_public_reply_reaches_the_client_whatever_the_channel(
    channel, acme, supervisor, agent, smtp: SmtpServer
) -> None:
    case = open_case(supervisor, new_case(channel=channel))
    replied = cases.reply(agent, case.ref, "We are looking at it now.")
    cases.reply(agent, case.ref, "Checked the logs", internal=True)
    assert replied.delivery is not None and replied.delivery.queued
    [reply] = outgoing(case.ref, "reply")
    assert replied.delivery.outbox_id == reply.id
    assert replied.delivery.text == f"queued to ana@acme.example (outbox #{reply.id})"
    outbox.deliver_due(agent)
    subjects = [m["Subject"] for _, _, m in smtp.received]
    assert subjects == [f"[{case.ref}] Cannot post invoices"] * 2  # acknowledgment, reply
    body = smtp.received[-1][2].get_content()
    assert body.startswith("We are looking at it now.")
    assert "Kim Lee\nAcme Support" in body.replace("\r\n", "\n")  # the agent's default signature
    assert "Checked the logs" not in body


def test_agent_signature_ends_the_reply(acme, supervisor, agent) -> None:
    from wzdesk.services.directory import update_user

    update_user(agent, signature="Kim Lee\nTier 1, Workzoom Support")
    case = open_case(supervisor, new_case())
    cases.reply(agent, case.ref, "Done.")
    [reply] = outgoing(case.ref, "reply")
    assert body_of(reply).startswith("Done.\n\nKim Lee\nTier 1, Workzoom Support\n")


def test_contact_without_email_gets_nothing_and_everyone_is_told(zoe, supervisor, agent) -> None:
    case = open_case(supervisor, new_case(contact=zoe, channel="phone"))
    replied = cases.reply(agent, case.ref, "Please call us back.")
    assert replied.delivery is not None and not replied.delivery.queued
    assert replied.delivery.text == "not sent: no email on file for Zoe Quinn; call +14165550199"
    assert OutboundMail.select().count() == 0
    notes = [
        e.body
        for e in CaseEvent.select().where(
            (CaseEvent.case == case) & (CaseEvent.kind == "mail_not_sent")
        )
    ]
    assert notes == [
        "The acknowledgment was not sent: no email on file for Zoe Quinn; call +14165550199.",
        "The reply was not sent: no email on file for Zoe Quinn; call +14165550199.",
    ]
    shown = show_case(case.ref, agent.clock.now())
    assert [(m["kind"], m["delivery"]) for m in shown["outgoing"]] == [
        ("acknowledgment", "not_sent"),
        ("reply", "not_sent"),
    ]
    assert shown["first_response_at"] is not None  # the reply is stored and counts


def test_client_who_wrote_in_is_copied(acme, supervisor, agent, import_raw) -> None:
    case = open_case(supervisor, new_case(channel="phone"))
    import_raw(eml(sender="raj@acme.example", subject=f"[{case.ref}] more", message_id="raj@x"))
    cases.reply(agent, case.ref, "Thanks Raj.")
    [reply] = outgoing(case.ref, "reply")
    assert reply.recipients == "ana@acme.example,raj@acme.example"
    assert reply.subject == f"Re: more [{case.ref}]"
    message = email.message_from_string(reply.raw, policy=email.policy.default)
    assert message["In-Reply-To"] == "<raj@x>"


# -- notices -------------------------------------------------------------------------------------


def test_waiting_on_you_says_what_we_need(acme, supervisor, agent) -> None:
    case = open_case(supervisor, new_case())
    cases.set_status(agent, case.ref, "waiting_client", need="The export log from this morning.")
    [notice] = outgoing(case.ref, "waiting")
    body = body_of(notice)
    assert "The export log from this morning." in body
    assert "our resolution clock is paused" in body
    # Without a need, the last question asked is what we need.
    other = open_case(supervisor, new_case())
    cases.reply(agent, other.ref, "Which invoice number fails?")
    cases.set_status(agent, other.ref, "waiting_client")
    assert "Which invoice number fails?" in body_of(outgoing(other.ref, "waiting")[0])


def test_resolved_notice_says_how_long_a_reply_reopens_and_closed_notice(
    acme, supervisor, agent
) -> None:
    case = open_case(supervisor, new_case())
    resolved = cases.resolve(agent, case.ref, "Fixed in release 4.2.")
    assert resolved.delivery is not None and resolved.delivery.queued
    body = body_of(outgoing(case.ref, "resolved")[0])
    assert body.startswith(f"Your case {case.ref} is resolved.\n\nFixed in release 4.2.")
    assert "reply to this message within 7 days and the case reopens" in body
    cases.close(agent, case.ref)
    assert "is now closed" in body_of(outgoing(case.ref, "closed")[0])


# -- delivery states -----------------------------------------------------------------------------


def test_case_shows_queued_retrying_delivered_and_failed_per_message(
    acme, supervisor, agent, smtp: SmtpServer, clock
) -> None:
    from datetime import timedelta

    case = open_case(supervisor, new_case())
    cases.reply(agent, case.ref, "First")

    def states() -> list[tuple[str, str]]:
        return [(m["kind"], m["delivery"]) for m in show_case(case.ref, clock.now())["outgoing"]]

    assert states() == [("acknowledgment", "queued"), ("reply", "queued")]
    smtp.handler.answers = ["451 4.3.0 try later", "550 5.1.1 no such user"]
    outbox.deliver_due(agent)
    assert states() == [("acknowledgment", "retrying"), ("reply", "failed")]
    clock.advance(timedelta(minutes=1))
    outbox.deliver_due(agent)
    assert states() == [("acknowledgment", "delivered"), ("reply", "failed")]
    timeline = [
        (e["kind"], (e["data"] or {}).get("delivery"))
        for e in show_case(case.ref, clock.now())["events"]
        if e["kind"].startswith("mail_")
    ]
    assert timeline == [
        ("mail_failed", "retrying"),
        ("mail_failed", "failed"),
        ("mail_sent", "delivered"),
    ]


def test_without_smtp_it_goes_to_the_outbox_maildir(acme, supervisor, mail_env: Path) -> None:
    case = open_case(supervisor, new_case(channel="phone", received_at=local(2026, 3, 9, 9, 0)))
    report = outbox.deliver_due(supervisor)
    [entry] = report.messages
    assert (entry["case"], entry["kind"], entry["status"], entry["transport"]) == (
        case.ref,
        "acknowledgment",
        "sent",
        "maildir",
    )
    assert str(mail_env / "outbox") in entry["where"]
    [stored] = list(mailbox.Maildir(mail_env / "outbox", create=False))
    assert case.ref in stored["Subject"]


def test_a_recipient_the_server_refused_is_named_not_shown_as_delivered(
    acme, supervisor, agent, smtp: SmtpServer, clock, import_raw
) -> None:
    """The server takes the message for Ana and refuses Raj: the outbox, the case and the
    console say Raj did not get it (finding 7); it is not a plain "delivered"."""
    change_notice_settings(supervisor, acknowledge={"portal": False, "phone": False})
    case = open_case(supervisor, new_case(channel="phone"))
    import_raw(eml(sender="raj@acme.example", subject=f"[{case.ref}] more", message_id="raj@y"))
    cases.reply(agent, case.ref, "For both of you.")
    smtp.handler.refuse = {"raj@acme.example"}
    report = outbox.deliver_due(agent)
    [(_, rcpts, _)] = smtp.received
    assert rcpts == ["ana@acme.example"]
    [entry] = report.messages
    assert entry["refused"] == {"raj@acme.example": "550 5.1.1 No such user"}
    [row] = outgoing(case.ref, "reply")
    assert row.status == "sent"
    assert row.last_error == (
        "delivered to ana@acme.example; refused for raj@acme.example: 550 5.1.1 No such user"
    )
    [shown] = [m for m in show_case(case.ref, clock.now())["outgoing"] if m["kind"] == "reply"]
    assert shown["delivery"] == "partly_delivered"
    assert "refused for raj@acme.example" in shown["note"]
    [event] = CaseEvent.select().where(CaseEvent.kind == "mail_sent")
    assert "refused it for raj@acme.example: 550" in event.body
    assert '"delivery": "partly_delivered"' in event.data_json


def test_every_recipient_refused_is_a_failed_send(acme, supervisor, agent, smtp) -> None:
    case = open_case(supervisor, new_case())
    smtp.handler.refuse = {"ana@acme.example"}
    assert outbox.deliver_due(agent).as_dict() == {"sent": 0, "retrying": 0, "failed": 1}
    [row] = outgoing(case.ref, "acknowledgment")
    assert row.status == "failed" and "ana@acme.example: 550" in row.last_error


def test_automatic_messages_say_so_and_an_agents_reply_does_not(
    acme, supervisor, agent, import_raw
) -> None:
    """RFC 3834: the client's out-of-office must not answer our acknowledgments and notices
    (its answer would land on the case); what an agent writes is a person's message."""
    _, [filed] = import_raw(eml(message_id="auto@acme.example", subject="Export fails"))
    portal = open_case(supervisor, new_case())
    cases.reply(agent, filed.ref, "Looking now.")
    cases.set_status(agent, filed.ref, "waiting_client")

    def header(row: OutboundMail) -> str | None:
        message = email.message_from_string(row.raw, policy=email.policy.default)
        return message["Auto-Submitted"]

    assert [(row.kind, header(row)) for row in outgoing(filed.ref)] == [
        ("acknowledgment", "auto-replied"),  # answers the client's message
        ("reply", None),
        ("waiting", "auto-generated"),
    ]
    [ack] = outgoing(portal.ref)
    assert header(ack) == "auto-generated"
