"""The client API through Starlette's TestClient, on each backend: every endpoint, the
isolation matrix (one client's token never reaches another client's data), internal notes
never leaving, admins only, 401s, 404s alike, replies resuming and reopening, the
acknowledgment queued, audit rows written, and an OpenAPI description matching the routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from tests.client_fixtures import PUBLIC_WORD, SECRET_WORD, TwoClients, two_clients
from tests.deep_queries import deepest_queries
from tests.web.conftest import post_in_chunks
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.client_side import revoke_token
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import ApiToken, AuditEntry, Case, CaseEvent, OutboundMail
from wzdesk.web.api import ENDPOINTS, openapi_document
from wzdesk.web.app import create_app

__all__ = ["two_clients"]  # the fixture, imported to be found by pytest

NEW_CASE = {
    "contact": "ana@acme.example",
    "severity": "major",
    "category": "question",
    "summary": "How do I export?",
    "description": "Where is the export button?",
}


@pytest.fixture
def web(database_url: str, two_clients: TwoClients, clock: FixedClock) -> Iterator[TestClient]:
    with TestClient(create_app(database_url, clock), raise_server_exceptions=True) as client:
        yield client


def auth(token: str, **headers: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **headers}


def refs(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [c["ref"] for c in response.json()["cases"]]


# -- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/cases"),
        ("POST", "/api/v1/cases"),
        ("GET", "/api/v1/cases/WZ-1001"),
        ("POST", "/api/v1/cases/WZ-1001/replies"),
        ("GET", "/api/v1/policy"),
    ],
)
@pytest.mark.parametrize("header", [None, "Bearer wzk_wrong", "Basic YWJjOmRlZg==", "Bearer "])
def test_every_endpoint_needs_a_valid_token(
    web: TestClient, method: str, path: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    response = web.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json()["error"] and response.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(
    web: TestClient, two_clients: TwoClients, supervisor: ServiceContext
) -> None:
    assert web.get("/api/v1/cases", headers=auth(two_clients.acme_token)).status_code == 200
    revoke_token(supervisor, ApiToken.get(ApiToken.prefix == two_clients.acme_token[:12]).id)
    assert web.get("/api/v1/cases", headers=auth(two_clients.acme_token)).status_code == 401
    assert web.get("/api/v1/cases", headers=auth(two_clients.globex_token)).status_code == 200


# -- the isolation matrix -----------------------------------------------------------------------


def test_one_clients_token_never_reaches_another_clients_data(
    web: TestClient, two_clients: TwoClients
) -> None:
    acme, globex = auth(two_clients.acme_token), auth(two_clients.globex_token)
    mine, theirs = two_clients.acme_ref, two_clients.globex_ref
    # Lists and searches.
    assert refs(web.get("/api/v1/cases", headers=acme)) == [mine]
    assert refs(web.get("/api/v1/cases", headers=globex)) == [theirs]
    for query in [theirs, f"ref:{theirs}", "ledger", "contact:gil@globex.example", "is:all"]:
        assert theirs not in refs(web.get("/api/v1/cases", params={"q": query}, headers=acme))
    # Reads: another client's case answers exactly like a missing one.
    other = web.get(f"/api/v1/cases/{theirs}", headers=acme)
    missing = web.get("/api/v1/cases/WZ-9999", headers=acme)
    assert other.status_code == missing.status_code == 404
    assert other.json()["field"] == missing.json()["field"] == "ref"
    assert other.json()["error"].replace(theirs, "X") == missing.json()["error"].replace(
        "WZ-9999", "X"
    )
    assert web.get(f"/api/v1/cases/{theirs}", headers=globex).status_code == 200
    # Replies: not found either, and nothing written.
    events = CaseEvent.select().count()
    wrote = web.post(
        f"/api/v1/cases/{theirs}/replies",
        headers=acme,
        json={"contact": "ana@acme.example", "message": "hi"},
    )
    assert wrote.status_code == 404
    wrote = web.post(
        f"/api/v1/cases/{theirs}/replies",
        headers=acme,
        json={"contact": "gil@globex.example", "message": "hi"},
    )
    assert wrote.status_code == 404
    assert CaseEvent.select().count() == events
    # Opening a case for another client's admin: refused.
    refused = web.post(
        "/api/v1/cases", headers=acme, json={**NEW_CASE, "contact": "gil@globex.example"}
    )
    assert refused.status_code == 403
    # Reading on behalf of another client's admin: refused.
    header = auth(two_clients.acme_token, **{"X-Wzdesk-Contact": "gil@globex.example"})
    assert web.get("/api/v1/cases", headers=header).status_code == 403


def test_internal_notes_and_desk_data_never_appear(
    web: TestClient, two_clients: TwoClients
) -> None:
    acme = auth(two_clients.acme_token)
    shown = web.get(f"/api/v1/cases/{two_clients.acme_ref}", headers=acme)
    assert shown.status_code == 200
    text = shown.text
    assert SECRET_WORD not in text and PUBLIC_WORD in text
    assert '"kim"' not in text and "assignee" not in text
    listed = web.get("/api/v1/cases", headers=acme).text
    assert SECRET_WORD not in listed and "assignee" not in listed
    assert refs(web.get("/api/v1/cases", params={"q": SECRET_WORD}, headers=acme)) == []
    assert refs(web.get("/api/v1/cases", params={"q": PUBLIC_WORD}, headers=acme)) == [
        two_clients.acme_ref
    ]
    refused = web.get("/api/v1/cases", params={"q": "assignee:kim"}, headers=acme)
    assert refused.status_code == 422
    assert refused.json()["field"] == "query" and "assignee" in refused.json()["error"]


def test_the_client_sees_the_quote_it_was_sent_and_nothing_else_of_it(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    """The sent quote is a public reply (it meets the response target): the client sees what
    was sent, its number and total and the answer asked for; not the draft, edits, the
    approval's note nor time logged (QA finding 3: the timeline held only the status change)."""
    from wzdesk.core.billing import parse_line_spec
    from wzdesk.services.billing import quotes, time_log

    ref = two_clients.acme_ref
    quote = quotes.new_quote(
        agent, ref, "f", "Data load quietly", [parse_line_spec("programmer:8:h")]
    ).id
    quotes.edit_quote(agent, quote, scope="Data load")
    quotes.move_quote(agent, quote, "send")
    acme = auth(two_clients.acme_token)
    shown = web.get(f"/api/v1/cases/{ref}", headers=acme).json()
    [sent] = [event for event in shown["timeline"] if event["kind"] == "quote"]
    assert sent["author"] == "Support" and sent["from"] == "support"
    assert sent["data"] == {"quote": f"Q-{quote}", "status": "sent"}
    sent_text = f"Quote Q-{quote} sent: f) Data loads and mass data changes; total 1000.00."
    assert sent_text in sent["body"]
    assert "waiting on the client's answer" in sent["body"]
    assert refs(web.get("/api/v1/cases", params={"q": f"Q-{quote}"}, headers=acme)) == [ref]
    quotes.move_quote(agent, quote, "approve")
    time_log.log_time(agent, quote, "programmer", 2_00)
    shown = web.get(f"/api/v1/cases/{ref}", headers=acme).json()
    assert [event["data"] for event in shown["timeline"] if event["kind"] == "quote"] == [
        {"quote": f"Q-{quote}", "status": "sent"}
    ]
    assert "quietly" not in json.dumps(shown) and "time" not in {
        event["kind"] for event in shown["timeline"]
    }


def test_an_escalation_never_shows_to_the_client(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    """An escalated case is "open" to the client, in its status, its timeline and its search;
    ``status:escalated`` is refused like ``assignee:`` (QA finding 8: it answered)."""
    ref = two_clients.acme_ref
    cases.set_status(agent, ref, "waiting_client", need="Which printer?")
    cases.escalate(agent, ref, "development", "internal: dev bug 4411")
    acme = auth(two_clients.acme_token)
    shown = web.get(f"/api/v1/cases/{ref}", headers=acme).json()
    assert shown["status"] == "open"
    changes = [event["data"] for event in shown["timeline"] if event["kind"] == "status"]
    assert changes == [
        {"from": "open", "to": "waiting_client"},
        {"from": "waiting_client", "to": "open"},
    ]
    cases.set_status(agent, ref, "open")  # escalated -> open: nothing changed for the client
    shown = web.get(f"/api/v1/cases/{ref}", headers=acme)
    assert "escalat" not in shown.text.lower() and "4411" not in shown.text
    assert len([e for e in shown.json()["timeline"] if e["kind"] == "status"]) == 2
    cases.escalate(agent, ref, "development", "again")
    listed = web.get("/api/v1/cases", params={"q": "status:open"}, headers=acme)
    assert refs(listed) == [ref] and listed.json()["cases"][0]["status"] == "open"
    refused = web.get("/api/v1/cases", params={"q": "status:escalated"}, headers=acme)
    assert refused.status_code == 422 and refused.json()["field"] == "query"
    assert "status:escalated is not available here" in refused.json()["error"]
    assert refs(web.get("/api/v1/cases", params={"q": "-status:open"}, headers=acme)) == []


def test_sort_by_status_sorts_an_escalated_case_as_open(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    """``sort:status`` sorted by the real status: an escalated case, shown as open, came
    before the new ones and apart from the open ones, which told the client it was special."""
    from tests.conftest import new_case

    escalated = two_clients.acme_ref
    cases.escalate(agent, escalated, "development", "dev bug")
    new = str(cases.open_case(agent, new_case(summary="New one")).ref)
    opened = str(cases.open_case(agent, new_case(summary="Open one")).ref)
    cases.set_status(agent, opened, "open")
    headers = auth(two_clients.acme_token)
    listed = web.get("/api/v1/cases", params={"q": "sort:status"}, headers=headers)
    assert refs(listed) == [new, escalated, opened]
    backwards = web.get("/api/v1/cases", params={"q": "sort:-status"}, headers=headers)
    assert refs(backwards) == [opened, escalated, new]


# -- opening a case -----------------------------------------------------------------------------


def test_post_cases_opens_a_portal_case_acknowledged_and_audited(
    web: TestClient, two_clients: TwoClients
) -> None:
    made = web.post("/api/v1/cases", headers=auth(two_clients.acme_token), json=NEW_CASE)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "new" and body["channel"] == "portal"
    assert body["response_due"] and body["resolution_due"] and body["response_state"]
    assert body["acknowledgment"]["queued_to"] == ["ana@acme.example"]
    case = Case.get(Case.ref == body["ref"])
    ack = OutboundMail.get((OutboundMail.case == case) & (OutboundMail.kind == "acknowledgment"))
    assert ack.recipients == "ana@acme.example"
    audit = AuditEntry.get(
        (AuditEntry.action == "client.case.open") & (AuditEntry.entity_id == "ACME")
    )
    details = json.loads(audit.after_json)
    assert audit.actor == "ana@acme.example" and details["ref"] == body["ref"]
    assert details["credential"] == audit.authenticated_as
    assert audit.authenticated_as.startswith("api-token:")
    listed = web.get("/api/v1/cases", headers=auth(two_clients.acme_token))
    assert body["ref"] in refs(listed)


def test_a_non_admin_contact_is_refused_naming_the_admins(
    web: TestClient, two_clients: TwoClients
) -> None:
    before = Case.select().count()
    for contact in ["bob@acme.example", "stranger@acme.example"]:
        refused = web.post(
            "/api/v1/cases",
            headers=auth(two_clients.acme_token),
            json={**NEW_CASE, "contact": contact},
        )
        assert refused.status_code == 403
        assert refused.json()["field"] == "contact"
        assert "Ana Diaz" in refused.json()["error"] and "Raj Patel" in refused.json()["error"]
    assert Case.select().count() == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**NEW_CASE, "severity": "urgent"}, 422, "severity"),
        ({**NEW_CASE, "summary": "  "}, 422, "summary"),
        ({**NEW_CASE, "summary": "\u200b"}, 422, "summary"),  # it was accepted: 201
        ({**NEW_CASE, "summary": "\ufeff\u2060 \u200d"}, 422, "summary"),
        ({k: v for k, v in NEW_CASE.items() if k != "category"}, 422, "category"),
        ({**NEW_CASE, "priority": "high"}, 400, "priority"),
        ({**NEW_CASE, "severity": 3}, 400, "severity"),
        ([NEW_CASE], 400, None),
    ],
)
def test_bad_bodies_name_the_field(
    web: TestClient, two_clients: TwoClients, body: Any, status: int, field: str | None
) -> None:
    answer = web.post("/api/v1/cases", headers=auth(two_clients.acme_token), json=body)
    assert (answer.status_code, answer.json()["field"]) == (status, field)
    assert set(answer.json()) == {"error", "field"}


def test_text_that_shows_nothing_counts_as_missing(
    web: TestClient, two_clients: TwoClients
) -> None:
    """A description, steps and affected users of zero-width spaces alone left
    ``missing_fields`` empty (spaces alone did not); they are asked for now."""
    blank = "\u200b\u200c"
    body = {**NEW_CASE, "category": "unexpected", "description": blank}
    body |= {"steps_to_reproduce": blank, "affected_users": "\ufeff"}
    made = web.post("/api/v1/cases", headers=auth(two_clients.acme_token), json=body)
    assert made.status_code == 201, made.text
    assert made.json()["missing_fields"] == ["description", "steps_to_reproduce", "affected_users"]
    assert made.json()["description"] == ""


def test_a_body_that_is_not_json_is_a_400(web: TestClient, two_clients: TwoClients) -> None:
    answer = web.post(
        "/api/v1/cases",
        headers={**auth(two_clients.acme_token), "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert answer.status_code == 400 and answer.json()["field"] is None


# -- replies ------------------------------------------------------------------------------------


def test_a_reply_resumes_a_waiting_case_and_reopens_a_resolved_one(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext, clock: FixedClock
) -> None:
    from datetime import timedelta

    ref, headers = two_clients.acme_ref, auth(two_clients.acme_token)
    cases.set_status(agent, ref, "waiting_client", need="Logs please")
    updated = Case.get(Case.ref == ref).updated_at
    clock.advance(timedelta(minutes=5))
    answer = web.post(
        f"/api/v1/cases/{ref}/replies",
        headers=headers,
        json={"contact": "ana@acme.example", "message": "Here are the logs"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "open" and answer.json()["status_before"] == "waiting_client"
    assert Case.get(Case.ref == ref).updated_at > updated  # the console's re-read sees it
    assert answer.json()["timeline"][-2]["body"] == "Here are the logs"
    cases.resolve(agent, ref, "Fixed.")
    answer = web.post(
        f"/api/v1/cases/{ref}/replies",
        headers=headers,
        json={"contact": "raj@acme.example", "message": "Still broken"},
    )
    assert answer.status_code == 201
    assert answer.json()["status"] == "open" and answer.json()["status_before"] == "resolved"
    assert AuditEntry.select().where(AuditEntry.action == "client.case.reply").count() == 2


def test_replies_from_non_admins_and_on_closed_cases_are_refused(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    ref, headers = two_clients.acme_ref, auth(two_clients.acme_token)
    refused = web.post(
        f"/api/v1/cases/{ref}/replies",
        headers=headers,
        json={"contact": "bob@acme.example", "message": "x"},
    )
    assert refused.status_code == 403 and "Ana Diaz" in refused.json()["error"]
    cases.resolve(agent, ref, "Fixed.")
    cases.close(agent, ref)
    closed = web.post(
        f"/api/v1/cases/{ref}/replies",
        headers=headers,
        json={"contact": "ana@acme.example", "message": "x"},
    )
    assert closed.status_code == 409 and closed.json()["field"] == "ref"
    empty = web.post(
        f"/api/v1/cases/{ref}/replies",
        headers=headers,
        json={"contact": "ana@acme.example", "message": " "},
    )
    assert empty.status_code == 422 and empty.json()["field"] == "message"


# -- the rest -----------------------------------------------------------------------------------


def test_paging_and_bad_paging(
    web: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    from tests.conftest import new_case

    for n in range(2):
        cases.open_case(agent, new_case(summary=f"More {n}"))
    headers = auth(two_clients.acme_token)
    first = web.get("/api/v1/cases", params={"limit": 2, "q": "sort:ref"}, headers=headers)
    assert first.json()["next_page"] == 2 and len(refs(first)) == 2
    second = web.get(
        "/api/v1/cases", params={"limit": 2, "page": 2, "q": "sort:ref"}, headers=headers
    )
    assert second.json()["next_page"] is None and len(refs(second)) == 1
    assert web.get("/api/v1/cases", params={"limit": "x"}, headers=headers).status_code == 400
    assert web.get("/api/v1/cases", params={"limit": 500}, headers=headers).status_code == 422
    for page in ("0", "-1", "-5"):  # -1 was "400 expected a whole number", 0 a 422
        below = web.get("/api/v1/cases", params={"page": page}, headers=headers)
        assert (below.status_code, below.json()) == (
            422,
            {"error": "expected a whole number between 1 and 10,000", "field": "page"},
        )
    bad_query = web.get("/api/v1/cases", params={"q": "severity:urgent"}, headers=headers)
    assert bad_query.status_code == 422 and bad_query.json()["field"] == "query"
    signs = web.get("/api/v1/cases", params={"q": "-" * 999 + "a"}, headers=headers)
    assert signs.status_code == 422  # was a RecursionError, a 500
    assert "nested more than 32 deep" in signs.json()["error"]


def test_the_deepest_queries_the_parser_accepts_run(
    web: TestClient, two_clients: TwoClients
) -> None:
    """Groups within groups as deep as the parser accepts answer 200 (from 20 levels they were
    a 500: SQLite's parser ran out of stack, "parser stack overflow", on the client's SQL)."""
    headers = auth(two_clients.acme_token)
    ands, ors, nots = deepest_queries()
    for text in (ands, ors):
        assert refs(web.get("/api/v1/cases", params={"q": text}, headers=headers)) == [
            two_clients.acme_ref
        ]
    assert web.get("/api/v1/cases", params={"q": nots}, headers=headers).status_code == 200


def test_a_locked_database_is_a_503_to_retry(
    web: TestClient, two_clients: TwoClients, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding SQLite's write lock past the busy timeout (a restore, a long
    import) was "500 internal error"; it is a temporary refusal, 503 with Retry-After."""
    import peewee

    from wzdesk.services import client_side

    def locked(*args: object, **kwargs: object) -> None:
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(client_side, "client_reply", locked)
    answer = web.post(
        f"/api/v1/cases/{two_clients.acme_ref}/replies",
        headers=auth(two_clients.acme_token),
        json={"contact": "ana@acme.example", "message": "x"},
    )
    assert answer.status_code == 503 and answer.headers["retry-after"] == "10"
    # and the description says so, for every operation that reads the database
    described = openapi_document()["paths"]
    for path, operations in described.items():
        for method, operation in operations.items():
            busy = operation["responses"].get("503")
            if path == "/openapi.json":
                assert busy is None, (method, path)
            else:
                assert busy and "Retry-After" in busy["headers"], (method, path)
    assert answer.json() == {
        "error": "the database is busy (another wzdesk holds it: a restore, a long import); "
        "try again",
        "field": None,
    }


def test_policy(web: TestClient, two_clients: TwoClients) -> None:
    answer = web.get("/api/v1/policy", headers=auth(two_clients.acme_token))
    assert answer.status_code == 200
    body = answer.json()
    assert [s["severity"] for s in body["severities"]] == ["critical", "major", "moderate", "minor"]
    assert body["severities"][0]["response_hours"] == 4 and body["zone"] == "America/Toronto"
    assert AuditEntry.select().where(AuditEntry.action == "client.policy.read").count() == 1


def test_reads_are_audited_with_the_contact_when_the_application_names_one(
    web: TestClient, two_clients: TwoClients
) -> None:
    headers = auth(two_clients.acme_token, **{"X-Wzdesk-Contact": "raj@acme.example"})
    assert web.get(f"/api/v1/cases/{two_clients.acme_ref}", headers=headers).status_code == 200
    audit = AuditEntry.get(AuditEntry.action == "client.case.read")
    assert audit.actor == "raj@acme.example" and audit.entity_id == "ACME"
    assert json.loads(audit.after_json)["ref"] == two_clients.acme_ref


def test_unknown_paths_and_methods_answer_json(web: TestClient, two_clients: TwoClients) -> None:
    headers = auth(two_clients.acme_token)
    assert web.get("/api/v1/nothing", headers=headers).status_code == 404
    assert web.delete("/api/v1/cases", headers=headers).status_code == 405
    assert web.delete("/api/v1/cases", headers=headers).json()["field"] is None
    # beside the portal, whose own last route answers every other path with a page
    assert (
        web.get("/api/v1/nothing", headers=headers)
        .headers["content-type"]
        .startswith("application/json")
    )
    assert web.get("/no-such-page").headers["content-type"].startswith("text/html")
    # The API's root, with or without its slash, is the API's (the portal answered the latter).
    for root in ("/api/v1", "/api/v1/"):
        answer = web.get(root, headers=headers)
        assert answer.status_code == 404, root
        assert answer.json() == {"error": "no such endpoint", "field": None}, root


def test_the_openapi_description_matches_the_routes(web: TestClient) -> None:
    served = web.get("/api/v1/openapi.json")
    assert served.status_code == 200 and served.json() == openapi_document()
    described = {
        (method.upper(), path)
        for path, operations in served.json()["paths"].items()
        for method in operations
    }
    assert described == {(e.method, e.path) for e in ENDPOINTS}
    [mount] = [r for r in web.app.routes if isinstance(r, Mount) and r.path == "/api/v1"]  # type: ignore[attr-defined]
    routed = {r.path for r in mount.routes if isinstance(r, Route)} - {"/{rest:path}"}
    assert routed == {path for _, path in described}
    # Each described operation is really served (not a 404 or 405).
    for method, path in described:
        answer = web.request(method, "/api/v1" + path.replace("{ref}", "WZ-1001"))
        assert answer.status_code not in (404, 405), (method, path)


# -- bodies -------------------------------------------------------------------------------------


def test_a_large_body_is_never_read_whole(
    database_url: str, two_clients: TwoClients, clock: FixedClock
) -> None:
    """A body sent in chunks with no Content-Length was read whole before anything was judged:
    300 MB took the server from 50 to 539 MB before its 401. Without a valid token the
    answer is 401 before the body is read; with one, 413 once it passes 1 MB."""
    app = create_app(database_url, clock)
    json_type = {"content-type": "application/json"}
    stranger = post_in_chunks(app, "/api/v1/cases", 300, json_type)
    assert stranger.status == 401 and stranger.chunks_read <= 1
    signed = {**json_type, **auth(two_clients.acme_token)}
    for path in ("/api/v1/cases", f"/api/v1/cases/{two_clients.acme_ref}/replies"):
        large = post_in_chunks(app, path, 300, signed)
        assert large.status == 413, large.text
        assert large.chunks_read <= 17  # 1 MB in 64 KiB chunks, and the one past it
        assert json.loads(large.text) == {
            "error": "the body is larger than 1,000,000 bytes",
            "field": None,
        }


def test_a_body_over_the_limit_by_its_length_is_a_413(
    web: TestClient, two_clients: TwoClients
) -> None:
    answer = web.post(
        "/api/v1/cases",
        headers={**auth(two_clients.acme_token), "Content-Type": "application/json"},
        content=b" " * 1_000_001,
    )
    assert answer.status_code == 413 and answer.json()["field"] is None


@pytest.mark.parametrize("token", [None, "acme"])
def test_json_nested_too_deep_is_not_json(
    web: TestClient, two_clients: TwoClients, token: str | None
) -> None:
    """``[`` a hundred thousand times over was a RecursionError, a 500 (without a token too):
    now 401 without a token, and ``400 the body is not JSON`` with one."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers.update(auth(two_clients.acme_token))
    body = b'{"contact": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    answer = web.post("/api/v1/cases", headers=headers, content=body)
    if token is None:
        assert answer.status_code == 401
    else:
        assert answer.status_code == 400
        assert answer.json() == {"error": "the body is not JSON", "field": None}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/cases", {**NEW_CASE, "description": "d\ud800"}, "description"),
        ("/api/v1/cases", {**NEW_CASE, "contact": "ana@acme.example\udfff"}, "contact"),
        ("/api/v1/cases", {**NEW_CASE, "\ud800": "x"}, "\\ud800"),
        ("REPLY", {"contact": "ana@acme.example", "message": "m\ud800"}, "message"),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_field(
    web: TestClient, two_clients: TwoClients, path: str, body: dict[str, str], field: str
) -> None:
    """JSON may spell a lone surrogate (``"\\ud800"``), which no database stores: it was a
    UnicodeEncodeError at the insert, a 500. Now 422 naming the field, nothing written (an
    unknown field's name is shown escaped)."""
    if path == "REPLY":
        path = f"/api/v1/cases/{two_clients.acme_ref}/replies"
    raw = json.dumps(body).encode()  # ASCII: the surrogates as \\ud800 escapes
    events = CaseEvent.select().count()
    answer = web.post(
        path,
        headers={**auth(two_clients.acme_token), "Content-Type": "application/json"},
        content=raw,
    )
    status = 400 if field.startswith("\\") else 422  # an unknown field: malformed
    assert (answer.status_code, answer.json()["field"]) == (status, field), answer.text
    assert CaseEvent.select().count() == events
