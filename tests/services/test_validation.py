"""The backends agree (issue 10, fix 6): what one refuses the other refuses too, with the same
message naming the field, because the service checks lengths and characters before either
database sees them; NUL and other control characters never reach a column."""

from __future__ import annotations

import peewee
import pytest

from tests.conftest import new_case
from wzdesk.core.errors import InvalidInput, NotFound, UserError
from wzdesk.mail.config import settings_from_environment
from wzdesk.services import cases
from wzdesk.services.case_views import CaseFilter, list_cases
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import (
    add_client,
    add_contact,
    add_user,
    get_client,
    get_user,
    search_contacts,
)
from wzdesk.store.models import Case, CaseEvent, Client, Contact


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: add_contact(s, "ACME", "Long Mail", "a" * 250 + "@x.example"), "--email"),
        (lambda s: add_contact(s, "ACME", "Long Phone", phone="4" * 50), "--phone"),
        (lambda s: add_contact(s, "ACME", "n" * 201), "--name"),
        (lambda s: add_client(s, "WIDE", "w" * 201), "--name"),
        (lambda s: add_user(s, "wide", "w" * 201, "agent"), "--name"),
        (lambda s: add_user(s, "mapped", "M", "agent", identity="i" * 101), "--identity"),
        (lambda s: cases.open_case(s, new_case(summary="s" * 301)), "--summary"),
        (lambda s: cases.open_case(s, new_case(description="d" * 100_001)), "--description"),
        (lambda s: list_cases(CaseFilter(text="x" * 100_000), s.clock.now()), "--search"),
    ],
    ids=["email", "phone", "contact name", "client name", "user name", "identity", "summary",
         "description", "search"],
)  # fmt: skip
def test_too_long_is_refused_alike_on_both_backends(
    supervisor: ServiceContext, acme: str, call, field: str
) -> None:
    before = (Contact.select().count(), Client.select().count(), Case.select().count())
    with pytest.raises(InvalidInput) as refused:
        call(supervisor)
    assert refused.value.field == field
    assert "at most" in refused.value.message or "expected" in refused.value.message
    assert (Contact.select().count(), Client.select().count(), Case.select().count()) == before


def test_nul_and_control_characters_never_reach_a_column(
    database: peewee.Database, supervisor: ServiceContext, acme: str
) -> None:
    add_client(supervisor, "NUL", "Nul\x00 Industries\x1b[2J")
    add_contact(supervisor, "NUL", "Zed\x00 Zero", "zed@nul.example", "416\x00 555 0199", True)
    case = cases.open_case(
        supervisor,
        new_case(summary="Broken\x00 export\r\nreally", description="Line one\x00\r\nLine two\x07"),
    )
    cases.reply(supervisor, case.ref, "Note\x00 with NUL\x9b2J", internal=True)
    cases.escalate(supervisor, case.ref, "tier\x00 2", "because\x00")
    stored = Case.get_by_id(case.id)
    assert stored.summary == "Broken export really"
    assert stored.description == "Line one\nLine two"
    assert stored.escalated_to == "tier 2"
    events = CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id)
    assert [e.body for e in events][-2:] == [
        "Note with NUL",
        "because",
    ]
    assert get_client("NUL").name == "Nul Industries"
    assert Contact.get(Contact.email == "zed@nul.example").name == "Zed Zero"


@pytest.mark.parametrize("text", ["WZ-\x001001", "ACME\x00", "kim\x00", "x" * 100_000])
def test_lookups_with_nul_or_huge_text_are_not_found_on_both_backends(
    supervisor: ServiceContext, acme: str, text: str
) -> None:
    for lookup in (cases.get_case, get_client, get_user):
        try:
            lookup(text)
        except UserError as error:
            assert isinstance(error, (NotFound, InvalidInput))
    assert isinstance(search_contacts(text), list)


def test_an_absurd_support_address_is_refused_before_any_reply_uses_it(tmp_path) -> None:
    for bad in ("support@" + "x" * 250 + ".example", "no address", "\x1b]0;x\x07"):
        with pytest.raises(InvalidInput) as refused:
            settings_from_environment(tmp_path, {"WZDESK_MAIL_FROM": bad})
        assert refused.value.field == "WZDESK_MAIL_FROM"


@pytest.mark.parametrize("bad", ["enabled", "starttls", "2", "y e s"])
def test_a_starttls_setting_that_is_neither_yes_nor_no_is_refused(tmp_path, bad: str) -> None:
    """It read as no: the SMTP password then went to the server unencrypted."""
    env = {"WZDESK_SMTP_HOST": "mail.example.org", "WZDESK_SMTP_STARTTLS": bad}
    with pytest.raises(InvalidInput) as refused:
        settings_from_environment(tmp_path, env)
    assert refused.value.field == "WZDESK_SMTP_STARTTLS"


@pytest.mark.parametrize(
    ("given", "starttls"),
    [("1", True), (" Yes ", True), ("on", True), ("TRUE", True), ("0", False), ("off", False),
     ("no", False), ("", False)],
)  # fmt: skip
def test_starttls_reads_yes_and_no_in_their_usual_spellings(
    tmp_path, given: str, starttls: bool
) -> None:
    env = {"WZDESK_SMTP_HOST": "mail.example.org", "WZDESK_SMTP_STARTTLS": given}
    smtp = settings_from_environment(tmp_path, env).smtp
    assert smtp is not None and smtp.starttls is starttls
    assert smtp.port == (587 if starttls else 25)
