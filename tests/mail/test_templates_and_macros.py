"""Templates a supervisor edits (checked when saved, previewed against a real case, used by the
next message) and canned replies (macros) with placeholders."""

from __future__ import annotations

import email
import email.policy

import pytest

from tests.conftest import new_case
from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from wzdesk.mail.templates import CATALOG, TemplateSpec, register
from wzdesk.services import cases, macros
from wzdesk.services.cases import open_case
from wzdesk.services.client_mail import queue_case_mail
from wzdesk.services.context import write_transaction
from wzdesk.services.previews import preview
from wzdesk.services.templates import reset_template, save_template, template_text
from wzdesk.store.models import AuditEntry, MessageTemplate, OutboundMail


def last_body() -> str:
    row = OutboundMail.select().order_by(OutboundMail.id.desc()).first()
    message = email.message_from_string(row.raw, policy=email.policy.default)
    return str(message.get_content()).replace("\r\n", "\n")


def test_every_outgoing_message_has_a_template() -> None:
    assert {
        "acknowledgment",
        "reply",
        "resolved",
        "waiting",
        "reminder",
        "auto_resolved",
        "closed",
        "policy_update",
        "alert_at_risk",
        "alert_breach",
        "alert_unassigned",
    } <= set(CATALOG)


def test_an_edit_is_used_by_the_next_message_and_reset_restores(acme, supervisor) -> None:
    save_template(
        supervisor,
        "acknowledgment",
        subject="[{ref}] We have your case",
        body="Dear {contact_name}, we answer by {response_due}.\n",
    )
    case = open_case(supervisor, new_case())
    row = OutboundMail.get(OutboundMail.case == case)
    assert row.subject == f"[{case.ref}] We have your case"
    assert last_body() == "Dear Ana Diaz, we answer by Monday 9 March, 14:00 EDT.\n"
    [entry] = AuditEntry.select().where(AuditEntry.action == "template.edit")
    assert entry.actor == "sam"
    reset_template(supervisor, "acknowledgment")
    assert not template_text("acknowledgment").customised
    assert MessageTemplate.select().count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"body": "Hi {contact_nam}"}, "--body", "unknown placeholder {contact_nam}"),
        ({"body": "Hi {contact_name.__class__}"}, "--body", "is not a placeholder"),
        ({"body": "Hi { and bye"}, "--body", "a lone '{'"),
        ({"subject": "We got it"}, "--subject", "must name the case"),
        ({"subject": "[{ref}]\nsecond line"}, "--subject", "one non-empty line"),
        ({"body": "  "}, "--body", "must not be empty"),
    ],
)
def test_a_bad_template_is_refused_when_saved(supervisor, changes, field, says) -> None:
    with pytest.raises(InvalidInput) as caught:
        save_template(supervisor, "acknowledgment", **changes)
    assert caught.value.field == field
    assert says in caught.value.message
    assert MessageTemplate.select().count() == 0  # nothing half-saved


def test_a_policy_notice_must_keep_its_unsubscribe_line(supervisor) -> None:
    with pytest.raises(InvalidInput, match=r"must keep \{unsubscribe\}"):
        save_template(supervisor, "policy_update", body="Version {version} is out.")


def test_only_supervisors_edit_templates(agent) -> None:
    with pytest.raises(PermissionDenied):
        save_template(agent, "reply", body="{message}")
    with pytest.raises(NotFound, match="no template 'nope'"):
        template_text("nope")


def test_preview_fills_a_template_from_a_real_case_without_queueing(
    acme, supervisor, agent
) -> None:
    case = open_case(supervisor, new_case(channel="phone"))
    before = OutboundMail.select().count()
    shown = preview(agent, "reply", ref=case.ref, message="We found the cause.")
    assert shown.to == ["ana@acme.example"]
    assert shown.subject == f"[{case.ref}] Cannot post invoices"
    assert shown.body.startswith("We found the cause.\n\nKim Lee\n")
    ack = preview(agent, "acknowledgment", ref=case.ref)
    assert "we will respond by Monday 9 March, 14:00 EDT" in ack.body
    policy = preview(agent, "policy_update")
    assert "subscribed to notices of support policy updates" in policy.body
    # An unsaved edit can be previewed too (what the supervisor is about to save).
    from wzdesk.services.templates import TemplateText

    draft = TemplateText(CATALOG["reply"], "[{ref}] {summary}", "Hi {contact_name}: {message}")
    assert preview(agent, "reply", ref=case.ref, message="ok", text=draft).body == "Hi Ana Diaz: ok"
    assert OutboundMail.select().count() == before


def test_a_later_message_kind_is_added_by_name(acme, supervisor) -> None:
    """How professional services' "quote sent" plugs in: register a spec, queue it by name."""
    spec = register(
        TemplateSpec(
            name="quote_sent_example",
            description="a quote for professional services (test)",
            audience="client",
            placeholders=CATALOG["acknowledgment"].placeholders | {"quote_total"},
            subject="{thread_subject}",
            body="Hello {contact_name}, our quote for {ref} is {quote_total}.\n",
            subject_names_case=True,
        )
    )
    try:
        case = open_case(supervisor, new_case())
        with write_transaction():
            delivery = queue_case_mail(supervisor, case, spec.name, {"quote_total": "$1,200"})
        assert delivery.queued
        assert last_body() == "Hello Ana Diaz, our quote for WZ-1001 is $1,200.\n"
        with pytest.raises(InvalidInput, match="unknown placeholder"):
            save_template(supervisor, spec.name, body="{quote_totl}")
    finally:
        CATALOG.pop(spec.name)


# -- canned replies -------------------------------------------------------------------------------


def test_canned_reply_is_filled_in_for_the_case_and_agent(acme, supervisor, agent) -> None:
    macros.add_macro(
        agent,
        "need-logs",
        "Hello {contact_name},\n\nCould you send the log for {ref} ({client_name})? "
        "We respond by {response_due}.\n\n{signature}",
    )
    case = open_case(supervisor, new_case())
    text = macros.fill_macro(agent, "need-logs", case.ref)
    assert text == (
        "Hello Ana Diaz,\n\nCould you send the log for WZ-1001 (Acme Corporation)? "
        "We respond by Monday 9 March, 14:00 EDT.\n\nKim Lee\nAcme Support"
    )
    # The agent edits it, then sends it like any reply.
    cases.reply(agent, case.ref, text.replace("the log", "the export log"))
    assert "the export log for WZ-1001" in last_body()


def test_canned_replies_are_checked_and_managed(supervisor, agent, phone_staff) -> None:
    with pytest.raises(InvalidInput, match=r"unknown placeholder \{client\}"):
        macros.add_macro(agent, "hello", "Hi {client}")
    with pytest.raises(InvalidInput, match="expected lower-case"):
        macros.add_macro(agent, "Bad Name", "Hi")
    with pytest.raises(PermissionDenied):
        macros.add_macro(phone_staff, "hello", "Hi")
    macros.add_macro(agent, "hello", "Hi {contact_name}")
    with pytest.raises(InvalidInput, match="already exists"):
        macros.add_macro(supervisor, "hello", "Hi again")
    macros.edit_macro(supervisor, "hello", "Good morning {contact_name}")
    assert macros.get_macro("hello").body == "Good morning {contact_name}"
    macros.remove_macro(agent, "hello")
    with pytest.raises(NotFound):
        macros.get_macro("hello")
    rows = AuditEntry.select().where(AuditEntry.entity == "macro").order_by(AuditEntry.id)
    actions = [e.action for e in rows]
    assert actions == ["macro.add", "macro.edit", "macro.remove"]
