"""The quarantine: agents release held messages into a new or an existing case, or discard them;
every decision is audited and nothing is deleted."""

from __future__ import annotations

import json

import pytest

from tests.mail.conftest import eml
from tests.mail.corpus import garbage, huge_attachment
from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from wzdesk.services import cases
from wzdesk.services.calendar import load_policy_book
from wzdesk.services.mail_quarantine import (
    discard,
    list_quarantine,
    quarantine_dict,
    release_to_case,
    release_to_new_case,
    suggested_contacts,
    what_became_of,
)
from wzdesk.services.mail_settings import mail_settings
from wzdesk.store.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    MailMessage,
    OutboundMail,
    QuarantinedMail,
)


@pytest.fixture
def from_bob(acme, import_raw) -> int:
    """A message from Bob (a contact, not an admin): held."""
    _, filed = import_raw(
        eml(sender="Bob Smith <bob@acme.example>", subject="Report is wrong", message_id="bob@x")
    )
    return filed[0].quarantine_id


def audit(action: str) -> AuditEntry:
    return AuditEntry.select().where(AuditEntry.action == action).get()


def test_listing_shows_sender_subject_reason_and_received(from_bob, clock) -> None:
    rows = list_quarantine()
    zone = load_policy_book().at(clock.now()).calendar.zone
    shown = quarantine_dict(rows[0], zone)
    assert shown["id"] == from_bob
    assert (shown["from"], shown["subject"], shown["reason_code"]) == (
        "bob@acme.example",
        "Report is wrong",
        "not_admin",
    )
    assert shown["received_at"] == "2026-03-09T10:00:00-04:00"  # imported now (no Received)
    assert shown["status"] == "held" and shown["client"] == "ACME"
    assert [c.email for c in suggested_contacts(rows[0])] == [
        "ana@acme.example",
        "raj@acme.example",
    ]


def test_release_into_a_new_case_for_an_admin(from_bob, agent, clock) -> None:
    case = release_to_new_case(agent, from_bob, "ana@acme.example", severity="major")
    assert (case.channel, case.severity, case.contact.email) == (
        "email",
        "major",
        "ana@acme.example",
    )
    assert case.summary == "Report is wrong"
    assert case.description == "The payroll export stops at 80%."  # Bob's text
    held = QuarantinedMail.get_by_id(from_bob)
    assert (held.status, held.handled_by, held.case.ref) == ("released", "kim", case.ref)
    assert MailMessage.get(MailMessage.message_key == "bob@x").case_id == case.id
    entry = audit("mail.release")
    assert entry.actor == "kim"
    assert json.loads(entry.before_json)["status"] == "held"
    assert json.loads(entry.after_json)["case"] == case.ref
    assert audit("case.open").actor == "kim"  # the agent opened it on the client's behalf
    assert list_quarantine() == []
    assert [q.id for q in list_quarantine(("released",))] == [from_bob]


def test_release_into_a_new_case_refuses_a_non_admin(from_bob, agent) -> None:
    with pytest.raises(PermissionDenied):
        release_to_new_case(agent, from_bob, "bob@acme.example")
    assert QuarantinedMail.get_by_id(from_bob).status == "held"
    assert Case.select().count() == 0
    with pytest.raises(NotFound):
        release_to_new_case(agent, from_bob, "who@nowhere.example")


def test_release_into_an_existing_case_adds_the_message_and_reopens(
    from_bob, agent, supervisor, import_raw
) -> None:
    _, filed = import_raw(eml(message_id="ana-1@x"))
    ref = filed[0].ref
    cases.resolve(supervisor, ref, "Done.")
    case = release_to_case(agent, from_bob, ref)
    assert case.status == "open"
    message = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "client_message"))
    assert (message.author, message.public) == ("bob@acme.example", True)
    assert QuarantinedMail.get_by_id(from_bob).note == f"released into {ref}"


def test_release_refuses_a_closed_case_and_a_second_decision(
    from_bob, agent, supervisor, import_raw
) -> None:
    _, filed = import_raw(eml(message_id="ana-2@x"))
    ref = filed[0].ref
    cases.resolve(supervisor, ref, "Done.")
    cases.close(supervisor, ref)
    with pytest.raises(InvalidInput, match="closed"):
        release_to_case(agent, from_bob, ref)
    discard(agent, from_bob, "spam")
    with pytest.raises(InvalidInput, match="already discarded by kim"):
        release_to_case(agent, from_bob, ref)
    with pytest.raises(NotFound):
        discard(agent, 999, "nope")


def test_what_became_of_a_message_in_words(from_bob, agent, import_raw) -> None:
    """What the quarantine screen says of a highlighted message that left its list."""
    assert what_became_of(from_bob) == "still held"
    assert what_became_of(999_999) == "no longer on record"
    _, filed = import_raw(eml(message_id="ana-2@x"))
    release_to_case(agent, from_bob, filed[0].ref)
    assert what_became_of(from_bob) == f"released into {filed[0].ref} by kim"
    _, held = import_raw(eml(sender="eve@elsewhere.example", message_id="eve@x"))
    discard(agent, held[0].quarantine_id, "Spam")
    assert what_became_of(held[0].quarantine_id) == "discarded by kim"


def test_discard_needs_a_reason_and_is_audited_but_kept(from_bob, agent) -> None:
    with pytest.raises(InvalidInput) as empty:
        discard(agent, from_bob, "  ")
    assert empty.value.field == "--reason"
    discard(agent, from_bob, "Bob asked us to ignore it")
    held = QuarantinedMail.get_by_id(from_bob)
    assert (held.status, held.note) == ("discarded", "Bob asked us to ignore it")
    assert MailMessage.get_by_id(held.message_id).outcome == "discarded"
    entry = audit("mail.discard")
    assert json.loads(entry.after_json)["note"] == "Bob asked us to ignore it"


def test_phone_staff_may_not_decide(from_bob, phone_staff) -> None:
    with pytest.raises(PermissionDenied):
        discard(phone_staff, from_bob, "no")
    with pytest.raises(PermissionDenied):
        release_to_new_case(phone_staff, from_bob, "ana@acme.example")


def test_released_oversized_message_keeps_its_attachment(acme, import_raw, agent) -> None:
    settings = mail_settings(max_attachment_bytes=1024)
    _, filed = import_raw(huge_attachment(), settings=settings)
    case = release_to_new_case(agent, filed[0].quarantine_id, "ana@acme.example")
    attachment = Attachment.get(Attachment.case == case)
    assert (attachment.filename, attachment.size_bytes) == ("dump.bin", 262144)


def test_released_unparseable_message_carries_the_original(acme, import_raw, agent) -> None:
    _, filed = import_raw(garbage())
    case = release_to_new_case(agent, filed[0].quarantine_id, "ana@acme.example")
    assert case.summary == "(no subject)"
    names = [a.filename for a in Attachment.select().where(Attachment.case == case)]
    assert names == ["original.eml"]


def test_reimporting_a_released_or_discarded_message_changes_nothing(
    from_bob, agent, import_raw
) -> None:
    release_to_new_case(agent, from_bob, "ana@acme.example")
    summary, _ = import_raw(
        eml(sender="Bob Smith <bob@acme.example>", subject="Report is wrong", message_id="bob@x")
    )
    assert summary.duplicates == 1
    assert QuarantinedMail.select().count() == 1 and Case.select().count() == 1


@pytest.mark.parametrize(
    ("name", "bad"),
    [("WZDESK_MAIL_SEVERITY", "urgent"), ("WZDESK_MAIL_CATEGORY", "bug")],
)
def test_a_mail_default_no_case_can_take_is_refused_naming_the_variable(
    from_bob, agent, import_raw, monkeypatch, name: str, bad: str
) -> None:
    """An import or a release into a new case refused it as ``--severity`` or
    ``--category``, flags the user had not typed; a flag given still decides, and a reply
    does not read these at all."""
    monkeypatch.setenv(name, bad)
    with pytest.raises(InvalidInput) as refused:
        release_to_new_case(agent, from_bob, "ana@acme.example")
    assert refused.value.field == name and repr(bad) in refused.value.message
    with pytest.raises(InvalidInput) as refused:
        import_raw(eml(subject="New one", message_id="new@x"))
    assert refused.value.field == name
    assert not Case.select().exists() and QuarantinedMail.select().count() == 1
    flag = {"severity": "major"} if name.endswith("SEVERITY") else {"category": "unexpected"}
    case = release_to_new_case(agent, from_bob, "ana@acme.example", **flag)
    cases.reply(agent, case.ref, "We are on it.")  # the reply's outbox reads the settings
    assert cases.get_case(case.ref).first_response_at is not None


def test_mail_defaults_are_read_in_any_case(from_bob, agent, monkeypatch) -> None:
    monkeypatch.setenv("WZDESK_MAIL_SEVERITY", " Major ")
    monkeypatch.setenv("WZDESK_MAIL_CATEGORY", "UNEXPECTED")
    case = release_to_new_case(agent, from_bob, "ana@acme.example")
    assert (case.severity, case.category) == ("major", "unexpected")


@pytest.mark.parametrize(
    "sender",
    ["Kofi Wong <kofi@birchwood.example>", "Stranger <bbb@ddd.example>"],
    ids=["another-clients-contact", "stranger"],
)
def test_released_message_from_outside_the_client_does_not_receive_the_cases_mail(
    acme, supervisor, agent, import_raw, sender
) -> None:
    """Releasing is the agent filing the text, not vouching for the sender: one client's case
    correspondence must not go to another company (finding 3)."""
    from wzdesk.services.directory import add_client, add_contact

    add_client(supervisor, "BRC", "Birchwood")
    add_contact(
        supervisor, "BRC", "Kofi Wong", "kofi@birchwood.example", None, admin_rank="primary"
    )
    _, filed = import_raw(eml(message_id="ana-3@x"))
    ref = filed[0].ref
    _, held = import_raw(eml(sender=sender, subject=f"Re: [{ref}] mine", message_id="out@x"))
    assert held[0].outcome == "quarantined"
    release_to_case(agent, held[0].quarantine_id, ref)
    result = cases.reply(agent, ref, "Your payroll configuration is attached.")
    assert result.delivery is not None and result.delivery.recipients == ("ana@acme.example",)
    [row] = list(
        OutboundMail.select().join(Case).where((Case.ref == ref) & (OutboundMail.kind == "reply"))
    )
    assert row.recipients == "ana@acme.example"


def test_released_message_from_a_contact_of_the_client_is_answered_too(
    acme, agent, import_raw
) -> None:
    """Bob is on file for ACME (held only because he may not open cases): he is copied."""
    _, filed = import_raw(eml(message_id="ana-4@x"))
    ref = filed[0].ref
    _, held = import_raw(
        eml(sender="Bob Smith <bob@acme.example>", subject="Unrelated", message_id="bob-2@x")
    )
    release_to_case(agent, held[0].quarantine_id, ref)
    result = cases.reply(agent, ref, "Noted, Bob.")
    assert result.delivery is not None
    assert result.delivery.recipients == ("ana@acme.example", "bob@acme.example")
