"""The client side's use cases: one client's scope never reaches another client's data,
internal notes never leave, only active client admins write, replies resume or reopen like
email, tokens are stored hashed and refused once revoked; every call is audited."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest

from tests.client_fixtures import PUBLIC_WORD, SECRET_WORD, TwoClients, two_clients
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from wzdesk.services import cases
from wzdesk.services.client_side import (
    authenticate_token,
    client_case,
    client_cases,
    client_open_case,
    client_reply,
    create_token,
    list_tokens,
    public_policy,
    revoke_token,
)
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import ApiToken, AuditEntry, Case, CaseEvent, OutboundMail

__all__ = ["two_clients"]  # the fixture, imported to be found by pytest


def _refs(page: dict) -> list[str]:
    return [c["ref"] for c in page["cases"]]


def _client_audits(code: str, action: str) -> list[dict]:
    rows = (
        AuditEntry.select()
        .where(
            (AuditEntry.entity == "client")
            & (AuditEntry.entity_id == code)
            & (AuditEntry.action == action)
        )
        .order_by(AuditEntry.id)
    )
    return [{"actor": r.actor, "as": r.authenticated_as, **json.loads(r.after_json)} for r in rows]


# -- tokens -------------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_stored_hashed(
    supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    made = create_token(supervisor, "acme", "ERP")
    assert made.secret.startswith("wzk_") and len(made.secret) > 40
    row = ApiToken.get_by_id(made.id)
    assert row.secret_sha256 == hashlib.sha256(made.secret.encode()).hexdigest()
    stored = json.dumps([dict(r.__data__) for r in ApiToken.select()], default=str)
    audit = json.dumps([dict(a.__data__) for a in AuditEntry.select()], default=str)
    assert made.secret not in stored and made.secret not in audit
    [listed] = list_tokens(supervisor, "ACME")
    assert listed["prefix"] == made.secret[:12] and listed["active"] is True
    assert listed["last_used_at"] is None
    scope = authenticate_token(made.secret, clock)
    assert (scope.client_code, scope.credential) == ("ACME", f"api-token:{made.id}")
    assert list_tokens(supervisor)[0]["last_used_at"] is not None
    assert AuditEntry.get(AuditEntry.action == "token.create").entity_id == str(made.id)


@pytest.mark.parametrize("presented", [None, "", "wzk_nope", "Bearer x", "wzk_" + "a" * 300])
def test_unknown_tokens_are_refused(
    supervisor: ServiceContext, acme: str, clock: FixedClock, presented: str | None
) -> None:
    create_token(supervisor, "ACME")
    with pytest.raises(NotAuthenticated):
        authenticate_token(presented, clock)


def test_a_revoked_token_is_refused_at_once(
    supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    made = create_token(supervisor, "ACME")
    authenticate_token(made.secret, clock)
    revoked = revoke_token(supervisor, made.id)
    assert revoked["active"] is False and revoked["revoked_by"] == "sam"
    with pytest.raises(NotAuthenticated):
        authenticate_token(made.secret, clock)
    assert AuditEntry.select().where(AuditEntry.action == "token.revoke").count() == 1
    revoke_token(supervisor, made.id)  # twice: nothing more
    assert AuditEntry.select().where(AuditEntry.action == "token.revoke").count() == 1
    with pytest.raises(NotFound):
        revoke_token(supervisor, 999)


def test_phone_staff_may_not_make_tokens(phone_staff: ServiceContext, acme: str) -> None:
    with pytest.raises(PermissionDenied):
        create_token(phone_staff, "ACME")
    assert ApiToken.select().count() == 0


# -- reading ------------------------------------------------------------------------------------


def test_each_client_lists_only_its_own_cases(two_clients: TwoClients) -> None:
    assert _refs(client_cases(two_clients.acme)) == [two_clients.acme_ref]
    assert _refs(client_cases(two_clients.globex)) == [two_clients.globex_ref]
    # Naming the other client's reference, client or contact finds nothing.
    other = two_clients.globex_ref
    assert _refs(client_cases(two_clients.acme, f"ref:{other}")) == []
    assert _refs(client_cases(two_clients.acme, other)) == []
    assert _refs(client_cases(two_clients.acme, "contact:gil@globex.example")) == []
    assert _refs(client_cases(two_clients.acme, "ledger")) == []


def test_another_clients_case_is_not_found_like_a_missing_one(two_clients: TwoClients) -> None:
    with pytest.raises(NotFound) as other:
        client_case(two_clients.acme, two_clients.globex_ref)
    missing_ref = "WZ-9999"
    with pytest.raises(NotFound) as missing:
        client_case(two_clients.acme, missing_ref)
    assert str(other.value).replace(two_clients.globex_ref, "X") == str(missing.value).replace(
        missing_ref, "X"
    )
    assert client_case(two_clients.globex, two_clients.globex_ref)["ref"] == two_clients.globex_ref


def test_internal_notes_never_reach_the_client(two_clients: TwoClients) -> None:
    shown = client_case(two_clients.acme, two_clients.acme_ref)
    text = json.dumps(shown)
    assert SECRET_WORD not in text and PUBLIC_WORD in text
    assert "kim" not in text  # the agent's login: shown as "Support"
    assert {e["kind"] for e in shown["timeline"]} == {"created", "reply"}
    assert "assignee" not in shown and "tags" not in shown
    # Search sees the public reply, never the internal note.
    assert _refs(client_cases(two_clients.acme, PUBLIC_WORD)) == [two_clients.acme_ref]
    assert _refs(client_cases(two_clients.acme, SECRET_WORD)) == []
    assert _refs(client_cases(two_clients.acme, f'"{SECRET_WORD} check"')) == []


@pytest.mark.parametrize("query", ["assignee:kim", "-assignee:none", "tag:urgent", "client:ACME"])
def test_desk_only_terms_are_refused_naming_them(two_clients: TwoClients, query: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        client_cases(two_clients.acme, f"severity:critical {query}")
    assert refused.value.field == "query"
    assert query.lstrip("-").split(":")[0] in refused.value.message


def test_the_list_pages_in_sql(two_clients: TwoClients, agent: ServiceContext) -> None:
    from tests.conftest import new_case

    for n in range(3):
        cases.open_case(agent, new_case(summary=f"More {n}", severity="minor"))
    first = client_cases(two_clients.acme, "sort:ref", limit=2)
    second = client_cases(two_clients.acme, "sort:ref", page=2, limit=2)
    assert first["next_page"] == 2 and second["next_page"] is None
    assert len(_refs(first) + _refs(second)) == 4
    assert _refs(first)[0] == two_clients.acme_ref
    assert len(set(_refs(first) + _refs(second))) == 4
    with pytest.raises(InvalidInput) as refused:
        client_cases(two_clients.acme, limit=0)
    assert refused.value.field == "limit"


def test_historical_cases_are_listed_unless_asked_otherwise(
    two_clients: TwoClients, agent: ServiceContext
) -> None:
    cases.resolve(agent, two_clients.acme_ref, "Fixed.")
    cases.close(agent, two_clients.acme_ref)
    assert _refs(client_cases(two_clients.acme)) == [two_clients.acme_ref]
    assert _refs(client_cases(two_clients.acme, "is:open")) == []
    assert _refs(client_cases(two_clients.acme, "status:closed")) == [two_clients.acme_ref]


def test_reads_are_audited_with_client_credential_and_query(two_clients: TwoClients) -> None:
    client_cases(two_clients.acme, "printer")
    client_case(two_clients.acme, two_clients.acme_ref)
    [listed] = _client_audits("ACME", "client.cases.list")
    assert listed["credential"].startswith("api-token:") and listed["query"] == "printer"
    assert listed["as"] == listed["credential"]
    [read] = _client_audits("ACME", "client.case.read")
    assert read["ref"] == two_clients.acme_ref


# -- writing ------------------------------------------------------------------------------------


def test_an_admin_opens_a_portal_case_acknowledged_and_audited(two_clients: TwoClients) -> None:
    made = client_open_case(
        two_clients.acme,
        "raj@acme.example",
        "major",
        "unexpected",
        "Export hangs",
        "The nightly export hangs at 90%.",
        steps_to_reproduce="Run the export",
        affected_users="Finance",
    )
    case = Case.get(Case.ref == made["ref"])
    assert (case.channel, case.client.code, case.contact.email) == (
        "portal",
        "ACME",
        "raj@acme.example",
    )
    assert made["status"] == "new" and made["response_due"] and made["resolution_due"]
    assert made["acknowledgment"]["queued_to"] == ["raj@acme.example"]
    ack = OutboundMail.get((OutboundMail.case == case) & (OutboundMail.kind == "acknowledgment"))
    assert ack.recipients == "raj@acme.example"
    [opened] = _client_audits("ACME", "client.case.open")
    assert opened["actor"] == "raj@acme.example" and opened["contact"] == "raj@acme.example"
    assert opened["ref"] == made["ref"]
    assert AuditEntry.get(
        (AuditEntry.action == "case.open") & (AuditEntry.entity_id == made["ref"])
    ).authenticated_as.startswith("api-token:")


@pytest.mark.parametrize(
    "contact", ["bob@acme.example", "gil@globex.example", "nobody@acme.example"]
)
def test_only_the_clients_active_admins_may_open_a_case(
    two_clients: TwoClients, contact: str
) -> None:
    before = Case.select().count()
    with pytest.raises(PermissionDenied) as refused:
        client_open_case(two_clients.acme, contact, "minor", "question", "Hi", "Hello")
    assert refused.value.field == "contact"
    assert "Ana Diaz" in refused.value.message and "Raj Patel" in refused.value.message
    assert Case.select().count() == before


def test_bad_fields_are_named_as_the_client_sends_them(two_clients: TwoClients) -> None:
    with pytest.raises(InvalidInput) as refused:
        client_open_case(two_clients.acme, "ana@acme.example", "urgent", "question", "x", "y")
    assert refused.value.field == "severity"
    with pytest.raises(InvalidInput) as refused:
        client_open_case(two_clients.acme, "ana@acme.example", "minor", "question", " ", "y")
    assert refused.value.field == "summary"


def test_a_reply_resumes_a_waiting_case_and_moves_updated_at(
    two_clients: TwoClients, agent: ServiceContext, clock: FixedClock
) -> None:
    cases.set_status(agent, two_clients.acme_ref, "waiting_client", need="Logs please")
    before = Case.get(Case.ref == two_clients.acme_ref)
    clock.advance(timedelta(minutes=10))
    shown = client_reply(two_clients.acme, two_clients.acme_ref, "ana@acme.example", "Logs here")
    after = Case.get(Case.ref == two_clients.acme_ref)
    assert (before.status, after.status) == ("waiting_client", "open")
    assert shown["status_before"] == "waiting_client" and shown["status"] == "open"
    assert after.updated_at > before.updated_at and after.version > before.version
    message = CaseEvent.get(CaseEvent.kind == "client_message")
    assert (message.public, message.author, message.body) == (True, "ana@acme.example", "Logs here")
    assert shown["timeline"][-2]["from"] == "client"
    [replied] = _client_audits("ACME", "client.case.reply")
    assert replied["status_before"] == "waiting_client"


def test_a_reply_reopens_a_resolved_case(two_clients: TwoClients, agent: ServiceContext) -> None:
    cases.resolve(agent, two_clients.acme_ref, "Fixed.")
    shown = client_reply(two_clients.acme, two_clients.acme_ref, "raj@acme.example", "Not fixed")
    assert shown["status"] == "open" and shown["status_before"] == "resolved"
    assert Case.get(Case.ref == two_clients.acme_ref).resolved_at is None


def test_replies_are_refused_across_clients_for_non_admins_and_on_closed_cases(
    two_clients: TwoClients, agent: ServiceContext
) -> None:
    events = CaseEvent.select().count()
    with pytest.raises(NotFound):
        client_reply(two_clients.acme, two_clients.globex_ref, "ana@acme.example", "hi")
    with pytest.raises(NotFound):
        client_reply(two_clients.globex, two_clients.acme_ref, "gil@globex.example", "hi")
    with pytest.raises(PermissionDenied) as refused:
        client_reply(two_clients.acme, two_clients.acme_ref, "bob@acme.example", "hi")
    assert "Ana Diaz" in refused.value.message
    cases.resolve(agent, two_clients.acme_ref, "Fixed.")
    cases.close(agent, two_clients.acme_ref)
    events = CaseEvent.select().count()
    with pytest.raises(Conflict):
        client_reply(two_clients.acme, two_clients.acme_ref, "ana@acme.example", "hi")
    assert CaseEvent.select().count() == events


def test_the_public_policy(database: object, clock: FixedClock) -> None:
    policy = public_policy(clock.now())
    assert policy["zone"] == "America/Toronto"
    critical = policy["severities"][0]
    assert critical["severity"] == "critical" and critical["response_hours"] == 4
    assert "no workaround" in critical["description"]
    assert policy["hours"]["mon"]


def test_the_consoles_re_read_picks_up_api_cases_and_replies(
    two_clients: TwoClients, clock: FixedClock
) -> None:
    from wzdesk.services.queue import QueueSnapshot

    snapshot = QueueSnapshot(clock=clock)
    snapshot.load_all()
    snapshot.refresh()  # sets the watermark
    clock.advance(timedelta(minutes=1))
    made = client_open_case(two_clients.acme, "ana@acme.example", "minor", "question", "Q", "?")
    new_id = Case.get(Case.ref == made["ref"]).id
    assert new_id in snapshot.refresh()
    clock.advance(timedelta(minutes=1))
    client_reply(two_clients.acme, two_clients.acme_ref, "ana@acme.example", "Any news?")
    assert Case.get(Case.ref == two_clients.acme_ref).id in snapshot.refresh()
