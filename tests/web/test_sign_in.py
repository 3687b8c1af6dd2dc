"""Signing in to the portal: codes by email through the outbox, single use, short-lived,
throttled; the same answer for unknown addresses; sessions, cookies and CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import ask_code, csrf_of, last_code, post_in_chunks, sign_in
from wzdesk.core.clock import FixedClock
from wzdesk.services.contacts import deactivate_contact
from wzdesk.services.context import ServiceContext
from wzdesk.services.portal_sign_in import ASK_PER_ADDRESS, ASK_PER_IP, CODE_TRIES, TRY_PER_IP
from wzdesk.store.models import AuditEntry, OutboundMail, PortalCode, PortalSession
from wzdesk.web.portal import PortalConfig, portal_app


def _codes_to(email: str) -> int:
    return OutboundMail.select().where(OutboundMail.recipients == email).count()


def test_an_admin_gets_a_code_through_the_outbox_and_signs_in(
    browser: TestClient, acme: str
) -> None:
    page = ask_code(browser, "Ana@Acme.Example")
    assert "If <strong>ana@acme.example</strong> is the address of a client administrator" in page
    mail = OutboundMail.get(OutboundMail.kind == "portal_code")
    assert mail.recipients == "ana@acme.example" and mail.status == "pending"
    assert "Your code to sign in to the client portal for Acme Corporation" in mail.raw
    code = last_code("ana@acme.example")
    # Only a salted hash is stored.
    stored = PortalCode.get()
    assert code not in (stored.code_hash, stored.salt)
    cases = sign_in(browser, "ana@acme.example")
    assert "Ana Diaz" in cases and "Acme Corporation" in cases
    assert AuditEntry.select().where(AuditEntry.action == "portal.sign_in").count() == 1


@pytest.mark.parametrize("email", ["bob@acme.example", "nobody@acme.example", "raj@acme.example"])
def test_every_address_sees_the_same_page_and_only_admins_get_a_code(
    browser: TestClient, acme: str, email: str
) -> None:
    known = ask_code(browser, "ana@acme.example").replace("ana@acme.example", "X")
    page = ask_code(browser, email).replace(email, "X")
    assert page == known  # the same words, the same form
    if email == "raj@acme.example":  # Raj is the backup admin: he does get one
        assert _codes_to(email) == 1
    else:
        assert _codes_to(email) == 0
        assert PortalCode.select().where(PortalCode.email == email).count() == 0


def test_a_non_admin_cannot_sign_in_whatever_code_he_types(browser: TestClient, acme: str) -> None:
    page = ask_code(browser, "bob@acme.example")  # Bob is a contact, not an admin
    response = browser.post(
        "/sign-in/code",
        data={"email": "bob@acme.example", "code": "123456", "csrf": csrf_of(page)},
    )
    assert response.status_code == 400
    assert "that code is wrong, used or expired" in response.text
    assert PortalSession.select().count() == 0


def test_a_code_works_once(browser: TestClient, other_browser: TestClient, acme: str) -> None:
    page = ask_code(browser, "ana@acme.example")
    code = last_code("ana@acme.example")
    data = {"email": "ana@acme.example", "code": code, "csrf": csrf_of(page)}
    assert browser.post("/sign-in/code", data=data).status_code == 200
    # The same code again, from another browser: refused.
    page = other_browser.get("/sign-in").text
    again = other_browser.post("/sign-in/code", data={**data, "csrf": csrf_of(page)})
    assert again.status_code == 400 and "wrong, used or expired" in again.text


def test_a_code_expires_after_ten_minutes(
    browser: TestClient, acme: str, clock: FixedClock
) -> None:
    page = ask_code(browser, "ana@acme.example")
    code = last_code("ana@acme.example")
    clock.advance(timedelta(minutes=10, seconds=1))
    response = browser.post(
        "/sign-in/code", data={"email": "ana@acme.example", "code": code, "csrf": csrf_of(page)}
    )
    assert response.status_code == 400
    assert PortalSession.select().count() == 0


def test_a_newer_code_replaces_the_older_one(browser: TestClient, acme: str) -> None:
    ask_code(browser, "ana@acme.example")
    first = last_code("ana@acme.example")
    page = ask_code(browser, "ana@acme.example")
    second = last_code("ana@acme.example")
    if first == second:
        pytest.skip("the two random codes happened to be equal")
    data = {"email": "ana@acme.example", "code": first, "csrf": csrf_of(page)}
    assert browser.post("/sign-in/code", data=data).status_code == 400
    data["code"] = second
    assert browser.post("/sign-in/code", data=data).status_code == 200


def test_wrong_tries_kill_a_code(browser: TestClient, acme: str) -> None:
    page = ask_code(browser, "ana@acme.example")
    code = last_code("ana@acme.example")
    wrong = "000000" if code != "000000" else "111111"
    data = {"email": "ana@acme.example", "code": wrong, "csrf": csrf_of(page)}
    for _ in range(CODE_TRIES):
        assert browser.post("/sign-in/code", data=data).status_code == 400
    data["code"] = code  # the right one, too late
    assert browser.post("/sign-in/code", data=data).status_code == 400
    assert PortalSession.select().count() == 0


def test_asking_for_codes_is_throttled_per_address(
    browser: TestClient, other_browser: TestClient, acme: str, clock: FixedClock
) -> None:
    for _ in range(ASK_PER_ADDRESS.count):
        ask_code(browser, "ana@acme.example")
    page = other_browser.get("/sign-in").text  # another IP: the address's limit still holds
    refused = other_browser.post(
        "/sign-in", data={"email": "ana@acme.example", "csrf": csrf_of(page)}
    )
    assert refused.status_code == 429 and "too many codes asked" in refused.text
    assert "try again in 60 minutes" in refused.text  # a 1-hour window said 61
    assert refused.headers["retry-after"] == "3600"
    assert _codes_to("ana@acme.example") == ASK_PER_ADDRESS.count
    # Unknown addresses are throttled alike (a throttle must not tell them apart).
    for _ in range(ASK_PER_ADDRESS.count):
        ask_code(other_browser, "ghost@acme.example")
    page = other_browser.get("/sign-in").text
    ghost = other_browser.post(
        "/sign-in", data={"email": "ghost@acme.example", "csrf": csrf_of(page)}
    )
    assert ghost.status_code == 429
    clock.advance(ASK_PER_ADDRESS.window)  # the throttle lifts by itself
    assert "If <strong>ana@acme.example</strong>" in ask_code(browser, "ana@acme.example")


def test_asking_for_codes_is_throttled_per_ip(browser: TestClient, acme: str) -> None:
    for number in range(ASK_PER_IP.count):
        ask_code(browser, f"someone{number}@example.com")
    page = browser.get("/sign-in").text
    refused = browser.post("/sign-in", data={"email": "ana@acme.example", "csrf": csrf_of(page)})
    assert refused.status_code == 429
    assert _codes_to("ana@acme.example") == 0


def test_trying_codes_is_throttled_per_ip(browser: TestClient, acme: str) -> None:
    page = browser.get("/sign-in").text
    for number in range(TRY_PER_IP.count):
        data = {"email": f"x{number}@example.com", "code": "123456", "csrf": csrf_of(page)}
        assert browser.post("/sign-in/code", data=data).status_code == 400
    page = ask_code(browser, "ana@acme.example")
    data = {
        "email": "ana@acme.example",
        "code": last_code("ana@acme.example"),
        "csrf": csrf_of(page),
    }
    refused = browser.post("/sign-in/code", data=data)
    assert refused.status_code == 429 and "too many wrong codes" in refused.text


def test_forms_without_the_csrf_token_are_refused(browser: TestClient, acme: str) -> None:
    browser.get("/sign-in")
    refused = browser.post("/sign-in", data={"email": "ana@acme.example", "csrf": "forged"})
    assert refused.status_code == 403
    assert browser.post("/sign-in", data={"email": "ana@acme.example"}).status_code == 403
    assert _codes_to("ana@acme.example") == 0
    page = ask_code(browser, "ana@acme.example")
    code = last_code("ana@acme.example")
    data = {"email": "ana@acme.example", "code": code}
    assert browser.post("/sign-in/code", data=data).status_code == 403
    assert PortalSession.select().count() == 0
    assert csrf_of(page)


def test_a_large_form_is_refused_as_it_arrives_with_a_page(
    browser: TestClient, acme: str, portal_config: PortalConfig
) -> None:
    """The portal read any form whole before its CSRF check (300 fields of 1 MB: ~300 MB
    held), and one field over 1 MB got Starlette's plain-text 400. A form over 1 MB is now
    refused with a page (413) once that much has arrived; too many fields, with a page (400)."""
    form_type = {"content-type": "application/x-www-form-urlencoded"}
    for path in ("/sign-in", "/sign-in/code"):
        streamed = post_in_chunks(portal_app(portal_config), path, 300, form_type)
        assert streamed.status == 413 and streamed.chunks_read <= 17
        assert "This form is larger than 1 MB, so nothing was done" in streamed.text
    token = csrf_of(browser.get("/sign-in").text)
    one_field = browser.post("/sign-in", data={"email": "a" * 1_500_000, "csrf": token})
    assert one_field.status_code == 413 and "text/html" in one_field.headers["content-type"]
    many = browser.post("/sign-in", data={f"f{n}": "x" for n in range(100)} | {"csrf": token})
    assert many.status_code == 400 and "text/html" in many.headers["content-type"]
    assert "This form could not be read" in many.text
    assert OutboundMail.select().count() == 0


def test_sign_out_needs_the_session_token_and_ends_the_session(
    browser: TestClient, acme: str
) -> None:
    cases = sign_in(browser, "ana@acme.example")
    assert browser.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    assert browser.get("/cases").status_code == 200
    out = browser.post("/sign-out", data={"csrf": csrf_of(cases)})
    assert out.status_code == 200 and "You are signed out" in out.text
    assert PortalSession.get().ended_at is not None
    # The old cookie is worthless even if a browser kept it.
    assert browser.get("/cases", follow_redirects=False).status_code == 303


def test_session_cookie_flags(browser: TestClient, acme: str) -> None:
    page = ask_code(browser, "ana@acme.example")
    code = last_code("ana@acme.example")
    response = browser.post(
        "/sign-in/code",
        data={"email": "ana@acme.example", "code": code, "csrf": csrf_of(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = next(
        value for value in response.headers.get_list("set-cookie") if "wzdesk_portal=" in value
    )
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
    assert "secure" not in flags  # plain HTTP in this test
    token = cookie.split("=", 1)[1].split(";", 1)[0]
    assert PortalSession.select().where(PortalSession.token_hash == token).count() == 0


def test_cookies_are_secure_behind_tls(browser: TestClient, acme: str) -> None:
    page = browser.get("/sign-in", headers={"x-forwarded-proto": "https"})
    cookie = page.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


def test_a_removed_admin_is_signed_out_at_once(
    browser: TestClient, acme: str, supervisor: ServiceContext
) -> None:
    sign_in(browser, "ana@acme.example")
    deactivate_contact(supervisor, "ana@acme.example", "ACME")
    assert browser.get("/cases", follow_redirects=False).status_code == 303


def test_sessions_expire_when_idle(browser: TestClient, acme: str, clock: FixedClock) -> None:
    sign_in(browser, "ana@acme.example")
    clock.advance(timedelta(hours=1))
    assert browser.get("/cases", follow_redirects=False).status_code == 200
    clock.advance(timedelta(hours=1, minutes=59))  # the last page slid the expiry
    assert browser.get("/cases", follow_redirects=False).status_code == 200
    clock.advance(timedelta(hours=2, seconds=1))
    assert browser.get("/cases", follow_redirects=False).status_code == 303


def test_wzdesk_serves_the_portal_at_the_root_beside_the_api(
    database_url: str, supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    from wzdesk.web.app import create_app

    with TestClient(create_app(database_url, clock)) as client:
        home = client.get("/", follow_redirects=False)
        assert home.status_code == 303 and home.headers["location"] == "/sign-in"
        page = client.get("/sign-in")
        assert "Email me a code" in page.text
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert client.get("/static/portal.css").headers["content-type"].startswith("text/css")
        assert client.get("/api/v1/cases").status_code == 401  # the API is still the API


def test_the_code_message_can_be_previewed_without_a_case(supervisor: ServiceContext) -> None:
    from wzdesk.services.previews import preview

    shown = preview(supervisor, "portal_code")
    assert "<code>" in shown.body and shown.subject == "Your sign-in code for the client portal"
    assert shown.to == [] and "client admin who asks" in shown.note
