"""Client and contact upkeep: phone and email normalisation, edit, deactivate, the two-admin
rule (primary demotion, flags naming who to ask), training as data."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import new_case
from wzdesk.core.errors import InvalidInput, NotFound, PermissionDenied
from wzdesk.core.phones import to_e164
from wzdesk.services import cases, contacts
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client, add_contact, search_contacts
from wzdesk.store.models import AuditEntry, Case, Contact

# Real formats people type, and what they are in E.164 (default region CA).
PHONE_TABLE = [
    ("519-555-3105", "+15195553105"),
    ("+1 (519) 555-3105", "+15195553105"),
    ("(519) 555.3105", "+15195553105"),
    ("1 519 555 3105", "+15195553105"),
    ("+1-519-555-3105", "+15195553105"),
    ("5195553105", "+15195553105"),
    ("519 555 3105 ext. 12", "+15195553105;ext=12"),
    ("1-800-555-0199", "+18005550199"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+33 1 42 68 53 00", "+33142685300"),
    ("+61 2 9374 4000", "+61293744000"),
]


@pytest.mark.parametrize(("typed", "e164"), PHONE_TABLE)
def test_phone_numbers_to_e164(typed: str, e164: str) -> None:
    assert to_e164(typed, "CA") == e164


@pytest.mark.parametrize("typed", ["555-0101", "hello", "+1 519", "12345678901234567"])
def test_invalid_phone_numbers_are_refused_naming_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        to_e164(typed, "CA")
    assert refused.value.field == "--phone"


@pytest.mark.parametrize("region", ["ZZ", "Canada", "C A", "CAN"])
def test_an_unknown_phone_region_is_refused_naming_the_setting(
    supervisor: ServiceContext, acme: str, monkeypatch: pytest.MonkeyPatch, region: str
) -> None:
    """A mistyped ``WZDESK_PHONE_REGION`` made every local number "not a phone number":
    the message sent the user to the number, not the setting. Nothing is written."""
    monkeypatch.setenv("WZDESK_PHONE_REGION", region)
    before = Contact.select().count()
    with pytest.raises(InvalidInput) as refused:
        add_contact(supervisor, "ACME", "Lee", "lee@acme.example", "519-555-3105")
    assert refused.value.field == "WZDESK_PHONE_REGION"
    assert repr(region.strip().upper()) in refused.value.message
    assert Contact.select().count() == before
    add_contact(supervisor, "ACME", "Lee", "lee@acme.example")  # no number: no region needed


@pytest.mark.parametrize(("region", "e164"), [("us", "+12125550199"), (" gb ", "+442079460958")])
def test_a_known_phone_region_in_any_case_reads_local_numbers(
    supervisor: ServiceContext, acme: str, monkeypatch: pytest.MonkeyPatch, region: str, e164: str
) -> None:
    monkeypatch.setenv("WZDESK_PHONE_REGION", region)
    local = "212-555-0199" if e164.startswith("+1") else "020 7946 0958"
    contact = add_contact(supervisor, "ACME", "Lee", "lee@acme.example", local)
    assert contact.phone == e164


def test_same_caller_however_written_is_one_contact(supervisor: ServiceContext, acme: str) -> None:
    add_contact(supervisor, "ACME", "Lee", "lee@acme.example", "519-555-3105")
    with pytest.raises(InvalidInput) as refused:
        add_contact(supervisor, "ACME", "Lee Two", "lee2@acme.example", "+1 (519) 555-3105")
    assert refused.value.field == "--phone"
    with pytest.raises(InvalidInput) as refused:
        add_contact(supervisor, "ACME", "Lee Three", " LEE@Acme.Example ")
    assert refused.value.field == "--email"
    # another client may have the same number
    add_client(supervisor, "BETA", "Beta Inc")
    add_contact(supervisor, "BETA", "Lee", "lee@beta.example", "519 555 3105")


def test_edit_contact_audits_before_and_after(supervisor: ServiceContext, acme: str) -> None:
    contact = contacts.edit_contact(
        supervisor, "bob@acme.example", name="Robert Smith", phone="(416) 555-0199"
    )
    assert (contact.name, contact.phone) == ("Robert Smith", "+14165550199")
    entry = AuditEntry.select().where(AuditEntry.action == "contact.change").get()
    assert json.loads(entry.before_json)["name"] == "Bob Smith"
    assert json.loads(entry.after_json)["phone"] == "+14165550199"
    # found by the new number
    assert [c.name for c in search_contacts("416 555 0199")] == ["Robert Smith"]


def test_a_new_primary_demotes_the_old_one(supervisor: ServiceContext, acme: str) -> None:
    contacts.edit_contact(supervisor, "bob@acme.example", admin_rank="primary")
    ranks = {c.name: (c.is_admin, c.admin_rank) for c in Contact.select()}
    assert ranks == {
        "Bob Smith": (True, "primary"),
        "Ana Diaz": (True, None),  # Raj already is the backup
        "Raj Patel": (True, "backup"),
    }
    demoted = AuditEntry.select().where(AuditEntry.action == "contact.demote").get()
    assert json.loads(demoted.after_json)["admin_rank"] is None


def test_adding_a_second_primary_demotes_the_first_to_backup(
    supervisor: ServiceContext,
) -> None:
    add_client(supervisor, "BETA", "Beta Inc")
    add_contact(supervisor, "BETA", "One", "one@beta.example", admin_rank="primary")
    add_contact(supervisor, "BETA", "Two", "two@beta.example", admin_rank="primary")
    ranks = {c.name: c.admin_rank for c in Contact.select()}
    assert ranks == {"One": "backup", "Two": "primary"}
    add_contact(supervisor, "BETA", "Three", "three@beta.example", admin_rank="backup")
    ranks = {c.name: c.admin_rank for c in Contact.select()}
    assert ranks == {"One": None, "Two": "primary", "Three": "backup"}


def test_deactivated_contact_is_kept_not_found_and_cases_flagged(
    supervisor: ServiceContext, agent: ServiceContext, acme: str
) -> None:
    opened = cases.open_case(agent, new_case(contact="raj@acme.example"))
    flagged = contacts.deactivate_contact(supervisor, "raj@acme.example")
    assert flagged == [opened.ref]
    assert Case.get(Case.ref == opened.ref).needs_contact
    raj = Contact.get(Contact.email == "raj@acme.example")
    assert (raj.active, raj.admin_rank) == (False, None)
    assert search_contacts("Raj") == []
    with pytest.raises(PermissionDenied, match="deactivated"):
        cases.open_case(agent, new_case(contact="raj@acme.example"))
    with pytest.raises(InvalidInput):
        contacts.deactivate_contact(supervisor, "raj@acme.example")


def test_two_admin_rule_flags_name_who_to_ask(supervisor: ServiceContext, acme: str) -> None:
    client = contacts.get_contact("ana@acme.example").client
    flags = contacts.admin_flags(client)
    assert flags.flags == ("no trained admin",)
    assert flags.ask == "Ana Diaz <ana@acme.example>"
    contacts.train_contact(supervisor, "raj@acme.example", date(2026, 3, 2), "Kim Lee", "portal")
    assert contacts.admin_flags(client).flags == ()
    contacts.deactivate_contact(supervisor, "raj@acme.example")
    flags = contacts.admin_flags(client)
    assert flags.flags == ("1 active admin (needs 2)", "no trained admin")
    assert "ask Ana Diaz <ana@acme.example>" in flags.text
    assert [c.code for c, _ in contacts.flagged_clients()] == ["ACME"]


def test_training_is_data_and_refused_in_the_future(supervisor: ServiceContext, acme: str) -> None:
    contacts.train_contact(supervisor, "ana@acme.example", date(2026, 3, 2), "Kim", "basics")
    ana = contacts.get_contact("ana@acme.example")
    record = contacts.contact_with_training(ana)["trainings"]
    assert record == [{"date": "2026-03-02", "by": "Kim", "topic": "basics"}]
    with pytest.raises(InvalidInput) as refused:
        contacts.train_contact(supervisor, "ana@acme.example", date(2027, 1, 1), "Kim")
    assert refused.value.field == "--date"
    with pytest.raises(NotFound):
        contacts.train_contact(supervisor, "nobody@acme.example", date(2026, 3, 2), "Kim")


def test_phone_staff_may_not_edit_contacts(phone_staff: ServiceContext, acme: str) -> None:
    with pytest.raises(PermissionDenied):
        contacts.edit_contact(phone_staff, "bob@acme.example", name="X")


def test_edit_and_deactivate_client(
    supervisor: ServiceContext, agent: ServiceContext, acme: str
) -> None:
    assert contacts.edit_client(supervisor, "acme", name="Acme Ltd").name == "Acme Ltd"
    contacts.deactivate_client(supervisor, "ACME")
    with pytest.raises(InvalidInput, match="inactive"):
        cases.open_case(agent, new_case())
    rows = AuditEntry.select().where(AuditEntry.entity == "client").order_by(AuditEntry.id)
    actions = [a.action for a in rows]
    assert actions[-2:] == ["client.change", "client.deactivate"]
