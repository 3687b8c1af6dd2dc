"""Supervisors see the clients the two-admin rule flags on the main screen, with whom to ask;
other roles do not; the line goes when no client is flagged."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.tui.helpers import detail_ref, queue, screen_text, settle
from wzdesk.core.rules import Role
from wzdesk.tui.client_flags import ClientFlags, client_flags_text


def test_the_words() -> None:
    assert client_flags_text([]) == ""
    one = [{"code": "ACME", "ask": "Ana Diaz <ana@acme.example>"}]
    assert client_flags_text(one) == (
        "1 client needs admins: ACME (ask Ana Diaz) · Ctrl+P client view"
    )
    many = [{"code": f"C{n}", "ask": ""} for n in range(6)]
    text = client_flags_text(many)
    assert text.startswith("6 clients need admins: C0 (no contact), C1 (no contact)")
    assert "C3 (no contact), +2 more" in text and "C4" not in text
    # Narrower: fewer named, the rest counted, the hint kept; never cut.
    assert client_flags_text(many, 80) == (
        "6 clients need admins: C0 (no contact), +5 more · Ctrl+P client view"
    )
    assert client_flags_text(many, 60) == "6 clients need admins · Ctrl+P client view"
    assert client_flags_text(many, 40) == "6 clients need admins"
    assert ClientFlags.wanted(Role.SUPERVISOR)
    assert not ClientFlags.wanted(Role.AGENT) and not ClientFlags.wanted(Role.PHONE)


async def test_supervisors_see_flagged_clients(
    desk: dict[str, str], supervisor: Any, agent: Any, make_app: Any
) -> None:
    from wzdesk.services.contacts import train_contact
    from wzdesk.services.directory import add_client, add_contact

    add_client(supervisor, "BETA", "Beta Ltd")
    add_contact(supervisor, "BETA", "Kim Li", "kim@beta.example", None, admin_rank="primary")
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await settle(pilot, lambda: "clients need admins" in screen_text(pilot))
        line = str(pilot.app.screen.query_one(ClientFlags).content)
        assert line == (
            "2 clients need admins: ACME (ask Ana Diaz), BETA (ask Kim Li) · Ctrl+P client view"
        )
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(80, 24)) as pilot:  # narrower: one named, the other counted
        await settle(pilot, lambda: "clients need admins" in screen_text(pilot))
        await settle(
            pilot,
            lambda: (
                "2 clients need admins: ACME (ask Ana Diaz), +1 more · Ctrl+P client view"
                in screen_text(pilot)
            ),
        )
    # ACME trained and BETA gets a backup: nobody is flagged, the line goes
    train_contact(
        supervisor, "ana@acme.example", on=date(2026, 1, 5), by="Lee", topic="admin course"
    )
    add_contact(supervisor, "BETA", "Joe Ng", "joe@beta.example", None, admin_rank="backup")
    train_contact(
        supervisor, "kim@beta.example", on=date(2026, 1, 5), by="Lee", topic="admin course"
    )
    app = make_app(supervisor, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        await settle(pilot, lambda: not pilot.app.screen.query_one(ClientFlags).display)
        assert "need admins" not in screen_text(pilot)
    app = make_app(agent, refresh_seconds=3600)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot, lambda: len(queue(pilot).rows) == 6 and detail_ref(pilot))
        assert not pilot.app.screen.query(ClientFlags)
