"""The signed-in pages: one client's session never reaches another client's cases (list,
read, reply, search, live status); internal notes never show; new cases and replies."""

from __future__ import annotations

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from tests.client_fixtures import PUBLIC_WORD, SECRET_WORD, TwoClients, two_clients
from tests.deep_queries import deepest_queries
from tests.web.conftest import csrf_of, sign_in
from wzdesk.core.clock import FixedClock
from wzdesk.services import cases
from wzdesk.services.context import ServiceContext
from wzdesk.store.models import AuditEntry, Case, CaseEvent, OutboundMail

__all__ = ["two_clients"]  # the fixture, imported to be found by pytest


@pytest.fixture
def ana(browser: TestClient, two_clients: TwoClients) -> TestClient:
    """ACME's primary admin, signed in."""
    sign_in(browser, "ana@acme.example")
    return browser


@pytest.fixture
def gil(other_browser: TestClient, two_clients: TwoClients) -> TestClient:
    """GLOBEX's admin, signed in (another browser)."""
    sign_in(other_browser, "gil@globex.example")
    return other_browser


def test_the_list_shows_my_clients_cases_only(
    ana: TestClient, gil: TestClient, two_clients: TwoClients
) -> None:
    mine = ana.get("/cases").text
    assert two_clients.acme_ref in mine and "Printer queue stalls" in mine
    assert two_clients.globex_ref not in mine and "Globex ledger" not in mine
    theirs = gil.get("/cases").text
    assert two_clients.globex_ref in theirs and two_clients.acme_ref not in theirs


def test_search_stays_within_my_client_and_refuses_desk_terms(
    ana: TestClient, two_clients: TwoClients
) -> None:
    assert two_clients.acme_ref in ana.get("/cases", params={"q": PUBLIC_WORD}).text
    none = ana.get("/cases", params={"q": "Globex ledger"}).text
    assert two_clients.globex_ref not in none and "No case matches" in none
    # The internal note's word finds nothing (full text covers public entries only).
    secret = ana.get("/cases", params={"q": SECRET_WORD}).text
    assert two_clients.acme_ref not in secret
    refused = ana.get("/cases", params={"q": "client:GLOBEX"})
    assert refused.status_code == 400 and "client: is not available here" in refused.text
    bad = ana.get("/cases", params={"q": "severity:"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text


def test_every_term_the_search_hint_offers_works_and_refusals_name_a_clients_fields(
    ana: TestClient, two_clients: TwoClients
) -> None:
    """The hint offered ``sla:breached``, which the search refused; every term it lists now
    runs. An unknown term's refusal listed ``assignee``, ``client`` and ``tag``, which a
    client is refused: it names the client's fields only."""
    import re

    page = ana.get("/cases").text
    hint = page[page.index('id="q-hint"') :].split("Without")[0]
    terms = re.findall(r"<code>([^<]+)</code>", hint)
    assert len(terms) >= 8 and "sla:breached" not in terms
    for term in terms:
        answer = ana.get("/cases", params={"q": term})
        assert answer.status_code == 200 and 'role="alert"' not in answer.text, term
    refused = ana.get("/cases", params={"q": "sla:breached"})
    assert refused.status_code == 400
    known = re.search(r"unknown field \(known: ([^)]*)\)", refused.text)
    assert known is not None, refused.text
    named = known.group(1).split(", ")
    assert "status" in named and not {"assignee", "client", "tag"} & set(named)


def test_a_locked_database_is_a_page_saying_try_again(
    ana: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's busy timeout running out was a plain-text 500; now a page (503, Retry-After)."""
    import peewee

    from wzdesk.web.portal import case_pages

    def locked(*args: object, **kwargs: object) -> None:
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(case_pages, "client_cases", locked)
    busy = ana.get("/cases")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "10"
    assert "the database is busy" in busy.text and "try again" in busy.text
    assert "text/html" in busy.headers["content-type"]


def test_every_page_below_1_is_refused_alike(ana: TestClient) -> None:
    """``page=-5`` silently showed page 1 and ``page=0`` was refused: both are refused now,
    with the API's words, naming the page."""
    for page in ("0", "-1", "-5"):
        refused = ana.get("/cases", params={"page": page})
        assert refused.status_code == 400
        assert "page: expected a whole number between 1 and 10,000" in refused.text
    words = ana.get("/cases", params={"page": "two"})
    assert words.status_code == 400 and "page: expected a whole number, got" in words.text
    assert ana.get("/cases", params={"page": "1"}).status_code == 200


def test_the_deepest_queries_the_parser_accepts_run(
    ana: TestClient, two_clients: TwoClients
) -> None:
    """As deep as the parser accepts, a search answers (it was a 500: "parser stack
    overflow" from SQLite)."""
    ands, ors, nots = deepest_queries()
    for text in (ands, ors):
        page = ana.get("/cases", params={"q": text})
        assert page.status_code == 200 and two_clients.acme_ref in page.text
    assert ana.get("/cases", params={"q": nots}).status_code == 200


def test_the_case_page_shows_the_public_timeline_without_internal_notes(
    ana: TestClient, two_clients: TwoClients
) -> None:
    page = ana.get(f"/cases/{two_clients.acme_ref}")
    assert page.status_code == 200
    assert PUBLIC_WORD in page.text and "Printer queue stalls" in page.text
    assert SECRET_WORD not in page.text
    assert "kim" not in page.text.lower()  # nor who works on it
    assert 'name="message"' in page.text and csrf_of(page.text)


def test_the_case_page_shows_the_quote_the_client_is_waiting_on(
    ana: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    from wzdesk.core.billing import parse_line_spec
    from wzdesk.services.billing import quotes

    ref = two_clients.acme_ref
    quote = quotes.new_quote(agent, ref, "f", "Data load", [parse_line_spec("programmer:8:h")])
    quotes.move_quote(agent, quote.id, "send")
    page = ana.get(f"/cases/{ref}").text
    assert "Waiting on you" in page
    assert f"Quote Q-{quote.id} sent: f) Data loads and mass data changes; total 1000.00." in page
    assert "Quote · Support ·" in page
    status = ana.get(f"/cases/{ref}/status.json").json()
    assert status["timeline"] == page.count('class="from-')


def test_an_escalated_case_shows_as_open_on_its_page(
    ana: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    ref = two_clients.acme_ref
    cases.set_status(agent, ref, "waiting_client", need="Which printer?")
    cases.escalate(agent, ref, "development", "internal: dev bug 4411")
    page = ana.get(f"/cases/{ref}").text
    assert "Escalated" not in page and "4411" not in page
    assert "Waiting on you → Open" in page
    status = ana.get(f"/cases/{ref}/status.json").json()
    assert status["status"] == "open"
    assert status["timeline"] == page.count('class="from-')
    listed = ana.get("/cases/status.json", params={"refs": ref}).json()
    assert [case["status"] for case in listed["cases"]] == ["open"]


def test_another_clients_case_is_not_found_like_a_missing_one(
    ana: TestClient, two_clients: TwoClients
) -> None:
    theirs = ana.get(f"/cases/{two_clients.globex_ref}")
    missing = ana.get("/cases/WZ-99999")
    assert theirs.status_code == missing.status_code == 404
    assert "Globex ledger" not in theirs.text
    assert theirs.text.replace(two_clients.globex_ref, "X") == missing.text.replace("WZ-99999", "X")
    status = ana.get(f"/cases/{two_clients.globex_ref}/status.json")
    assert status.status_code == 404
    listed = ana.get("/cases/status.json", params={"refs": two_clients.globex_ref}).json()
    assert listed == {"cases": []}


def test_a_reply_lands_on_my_case_and_never_on_theirs(
    ana: TestClient, two_clients: TwoClients
) -> None:
    token = csrf_of(ana.get(f"/cases/{two_clients.acme_ref}").text)
    done = ana.post(
        f"/cases/{two_clients.acme_ref}/replies",
        data={"message": "Still stalled after restart.", "csrf": token},
    )
    assert done.status_code == 200 and "Your message is added to the case." in done.text
    assert "Still stalled after restart." in done.text
    event = CaseEvent.get(CaseEvent.body == "Still stalled after restart.")
    assert event.public and event.author == "ana@acme.example"
    refused = ana.post(
        f"/cases/{two_clients.globex_ref}/replies", data={"message": "sneaky", "csrf": token}
    )
    assert refused.status_code == 404
    assert CaseEvent.select().where(CaseEvent.body == "sneaky").count() == 0


def test_a_reply_without_the_session_token_is_refused(
    ana: TestClient, two_clients: TwoClients
) -> None:
    for data in ({"message": "forged"}, {"message": "forged", "csrf": "x" * 43}):
        refused = ana.post(f"/cases/{two_clients.acme_ref}/replies", data=data)
        assert refused.status_code == 403
    assert CaseEvent.select().where(CaseEvent.body == "forged").count() == 0


def test_an_empty_reply_is_refused_naming_the_field(
    ana: TestClient, two_clients: TwoClients
) -> None:
    token = csrf_of(ana.get(f"/cases/{two_clients.acme_ref}").text)
    refused = ana.post(
        f"/cases/{two_clients.acme_ref}/replies", data={"message": "  ", "csrf": token}
    )
    assert refused.status_code == 400 and "message" in refused.text


def test_a_large_reply_or_new_case_is_refused_with_a_page(
    ana: TestClient, two_clients: TwoClients
) -> None:
    """A signed-in form over 1 MB is refused with the portal's page (413), nothing written."""
    ref = two_clients.acme_ref
    token = csrf_of(ana.get(f"/cases/{ref}").text)
    events = CaseEvent.select().count()
    for path in (f"/cases/{ref}/replies", "/cases/new"):
        refused = ana.post(path, data={"message": "x" * 1_200_000, "csrf": token})
        assert refused.status_code == 413 and "This form is larger than 1 MB" in refused.text
    assert CaseEvent.select().count() == events


def test_a_merged_duplicates_page_sends_to_its_primary(
    ana: TestClient, two_clients: TwoClients, agent: ServiceContext, supervisor: ServiceContext
) -> None:
    """A merged duplicate's page said "This case is closed. Open a new case and mention it",
    with no reply box, while a reply to it was accepted and landed on the primary. It now
    says where the case went on and links there; a reply posted to it still lands there."""
    from tests.conftest import new_case
    from wzdesk.services.related import merge_cases

    primary = two_clients.acme_ref
    duplicate = str(cases.open_case(agent, new_case(summary="Printer again")).ref)
    merge_cases(supervisor, duplicate, primary)
    page = ana.get(f"/cases/{duplicate}").text
    assert "This case is closed" not in page and "Open a new case" not in page
    assert f'This case was merged into\n<a href="/cases/{primary}">{primary}</a>' in page
    assert 'name="message"' not in page
    replied = ana.post(
        f"/cases/{duplicate}/replies", data={"message": "Still stuck", "csrf": csrf_of(page)}
    )
    assert replied.status_code == 200 and str(replied.url).split("?")[0].endswith(primary)
    assert "Still stuck" in replied.text


def test_the_page_says_opened_or_added_only_after_it_was_done(
    ana: TestClient, two_clients: TwoClients
) -> None:
    """``?opened=1&ack=1`` made any case's page say "Your case is opened. We have queued an
    acknowledgment to your email." and ``?replied=1`` "Your message is added", though nothing
    was. The note now comes from the POST that did it, once, on that case's page only."""
    ref = two_clients.acme_ref
    for query in ("opened=1&ack=1", "replied=1"):
        page = ana.get(f"/cases/{ref}?{query}").text
        assert "Your case is opened" not in page and "queued" not in page
        assert "Your message is added" not in page
    page = ana.get(f"/cases/{ref}").text
    replied = ana.post(f"/cases/{ref}/replies", data={"message": "More", "csrf": csrf_of(page)})
    assert "Your message is added to the case." in replied.text
    again = ana.get(f"/cases/{ref}").text  # once only
    assert "Your message is added" not in again
    opened = _submit_new_case(ana, summary="Export fails", description="It fails.")
    assert "Your case is opened. We have queued an acknowledgment" in opened.text
    assert "Your case is opened" not in ana.get(f"/cases/{ref}").text


def test_a_reply_reopens_a_resolved_case(
    ana: TestClient, two_clients: TwoClients, agent: ServiceContext
) -> None:
    cases.resolve(agent, two_clients.acme_ref, "Restarted the spooler.")
    page = ana.get(f"/cases/{two_clients.acme_ref}").text
    assert "Resolved" in page and "writing reopens it" in page
    ana.post(
        f"/cases/{two_clients.acme_ref}/replies",
        data={"message": "It is back.", "csrf": csrf_of(page)},
    )
    assert Case.get(Case.ref == two_clients.acme_ref).status == "open"


def test_the_new_case_form_shows_the_policy(ana: TestClient) -> None:
    page = ana.get("/cases/new").text
    assert "complete and fulsome" in page
    assert "A severe loss of service in a production environment" in page
    assert "We respond within 4 business hours" in page  # the policy's critical targets
    assert "aim to resolve within 24 business hours" in page
    for severity in ("critical", "major", "moderate", "minor"):
        assert f'id="severity-{severity}"' in page
    assert '<label for="summary">' in page and '<label for="steps_to_reproduce">' in page


def test_opening_a_case_from_the_portal(ana: TestClient, two_clients: TwoClients) -> None:
    opened = _submit_new_case(
        ana,
        severity="major",
        category="unexpected",
        summary="Payroll export fails",
        description="The export stops at 50%.",
        affected_users="Payroll team",
    )
    assert opened.status_code == 200
    assert "Your case is opened. We have queued an acknowledgment to your email." in opened.text
    assert "steps to reproduce" in opened.text  # flagged as missing, not silently accepted
    case = Case.get(Case.summary == "Payroll export fails")
    assert case.channel == "portal" and case.contact.email == "ana@acme.example"
    assert case.client.code == "ACME"
    ack = OutboundMail.get((OutboundMail.case == case) & (OutboundMail.kind == "acknowledgment"))
    assert ack.recipients == "ana@acme.example"
    assert str(case.ref) in ana.get("/cases").text
    assert (
        AuditEntry.select()
        .where(AuditEntry.action == "client.case.open")
        .where(AuditEntry.authenticated_as.startswith("portal-session:"))
        .count()
        == 1
    )


def _submit_new_case(browser: TestClient, **fields: str) -> Response:
    """Fill in the new-case form (a minor question unless told) and send it."""
    form = browser.get("/cases/new").text
    data = {"severity": "minor", "category": "question", "description": "Text", **fields}
    return browser.post("/cases/new", data={**data, "csrf": csrf_of(form)})


def test_a_bad_new_case_keeps_what_was_typed_and_names_the_field(ana: TestClient) -> None:
    refused = _submit_new_case(ana, severity="apocalyptic", summary="Typed with care")
    assert refused.status_code == 400
    assert "severity" in refused.text and 'value="Typed with care"' in refused.text
    assert Case.select().where(Case.summary == "Typed with care").count() == 0
    forged = ana.post("/cases/new", data={"severity": "minor", "summary": "x"})
    assert forged.status_code == 403


def test_live_status_follows_the_case(
    ana: TestClient, two_clients: TwoClients, agent: ServiceContext, clock: FixedClock
) -> None:
    url = f"/cases/{two_clients.acme_ref}/status.json"
    before = ana.get(url).json()
    assert before["status"] in ("new", "open") and before["ref"] == two_clients.acme_ref
    cases.resolve(agent, two_clients.acme_ref, "Fixed.")
    after = ana.get(url).json()
    assert after["status"] == "resolved" and after["timeline"] > before["timeline"]
    listed = ana.get("/cases/status.json", params={"refs": two_clients.acme_ref}).json()
    assert [row["status"] for row in listed["cases"]] == ["resolved"]
    # Polling is not audited as reads (a page open all day would flood the audit).
    reads = AuditEntry.select().where(AuditEntry.action == "client.case.read").count()
    ana.get(url)
    assert AuditEntry.select().where(AuditEntry.action == "client.case.read").count() == reads


def test_every_page_wants_a_session(browser: TestClient, two_clients: TwoClients) -> None:
    for path in ("/cases", "/cases/new", f"/cases/{two_clients.acme_ref}"):
        response = browser.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/sign-in"
    assert browser.get(f"/cases/{two_clients.acme_ref}/status.json").status_code == 401
    posted = browser.post(f"/cases/{two_clients.acme_ref}/replies", follow_redirects=False)
    assert posted.status_code == 303


def test_pages_escape_what_clients_typed(ana: TestClient) -> None:
    page = _submit_new_case(
        ana, summary="<script>alert(1)</script>", description="<b>bold</b>"
    ).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("GET", "/cases/{ref}", None),
        ("GET", "/cases/{ref}/status.json", None),
        ("POST", "/cases/{ref}/replies", {"message": "crossing over"}),
        ("GET", "/cases/status.json?refs={ref}", None),
        ("GET", "/cases?q={summary}", None),
        ("GET", "/cases?q=is:all", None),
    ],
)
def test_no_page_lets_one_client_reach_anothers_case(
    ana: TestClient, gil: TestClient, two_clients: TwoClients, method: str, path: str, data: dict
) -> None:
    """The isolation matrix: Gil (GLOBEX) at every page, with ACME's reference."""
    url = path.format(ref=two_clients.acme_ref, summary="Printer")
    if data is not None:
        data = {**data, "csrf": csrf_of(gil.get("/cases").text)}
    answer = gil.request(method, url, data=data)
    assert answer.status_code in (200, 404), answer.status_code
    # Nothing of ACME's case shows (a 404 may echo the reference Gil typed, nothing more).
    assert "Printer queue stalls" not in answer.text and PUBLIC_WORD not in answer.text
    if answer.status_code == 200:
        assert two_clients.acme_ref not in answer.text
    assert CaseEvent.select().where(CaseEvent.body == "crossing over").count() == 0


def test_every_field_has_a_label(ana: TestClient, two_clients: TwoClients) -> None:
    """Accessibility: each visible input, select and textarea is named by a <label for=...>
    (or an aria-label), on every signed-in page with a form."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.labels: set[str] = set()
            self.fields: list[dict[str, str | None]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag == "label" and named.get("for"):
                self.labels.add(str(named["for"]))
            if tag in ("input", "select", "textarea") and named.get("type") != "hidden":
                self.fields.append(named)

    for path in ("/cases", "/cases/new", f"/cases/{two_clients.acme_ref}"):
        page = Fields()
        page.feed(ana.get(path).text)
        assert page.fields, path
        for found in page.fields:
            assert found.get("id") in page.labels or found.get("aria-label"), (path, found)


def test_a_page_that_is_not_there_is_a_portal_page(ana: TestClient) -> None:
    """An unknown path or a method a page does not take was Starlette's plain "Not Found" and
    "Method Not Allowed": no way back, none of the portal's security headers."""
    missing = ana.get("/no-such-page")
    assert missing.status_code == 404
    assert "<h1>Not found</h1>" in missing.text and "Back to your cases" in missing.text
    refused = ana.delete("/cases")
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD"
    assert "<h1>Not allowed</h1>" in refused.text and "does not take a DELETE" in refused.text
    asset = ana.get("/static/no-such.css")
    assert asset.status_code == 404 and "<h1>Not found</h1>" in asset.text
    posted = ana.post("/static/portal.css")
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"
    assert ana.get("/static/portal.css").status_code == 200
    for answer in (missing, refused, asset, posted):
        assert answer.headers["content-type"].startswith("text/html")
        assert answer.headers["x-frame-options"] == "DENY"
