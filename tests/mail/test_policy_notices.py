"""Policy updates: contacts subscribe and unsubscribe; a new version's notice, with what changed
and an unsubscribe line, goes once to every subscriber."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest

from wzdesk.core.errors import NotFound
from wzdesk.core.sla import Severity
from wzdesk.services import policy_notices as notices
from wzdesk.services.calendar import PolicyChange, add_policy_version
from wzdesk.store.models import AuditEntry, Notification, OutboundMail


def sent_to() -> list[str]:
    return [row.recipients for row in OutboundMail.select().order_by(OutboundMail.id)]


@pytest.fixture
def version(supervisor, clock) -> int:
    created = add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=clock.now() + timedelta(days=7),
            response_hours={Severity.CRITICAL: 2},
            office_hours="07:00-19:00",
            note="Longer support hours.",
        ),
    )
    return int(created["id"])


def test_subscribe_unsubscribe(acme, agent) -> None:
    notices.subscribe(agent, "Ana@Acme.example")
    notices.subscribe(agent, "raj@acme.example")
    notices.unsubscribe(agent, "raj@acme.example")
    assert [r.email for r in notices.list_subscribers()] == ["ana@acme.example"]
    assert len(notices.list_subscribers(include_left=True)) == 2
    with pytest.raises(NotFound, match="no contact with email"):
        notices.subscribe(agent, "stranger@example.com")
    with pytest.raises(NotFound, match="not subscribed"):
        notices.unsubscribe(agent, "bob@acme.example")
    actions = [
        e.action
        for e in AuditEntry.select()
        .where(AuditEntry.entity == "policy_subscriber")
        .order_by(AuditEntry.id)
    ]
    assert actions == ["policy.subscribe", "policy.subscribe", "policy.unsubscribe"]


def test_a_version_is_notified_once_per_subscriber(acme, agent, supervisor, version) -> None:
    notices.subscribe(agent, "ana@acme.example")
    notices.subscribe(agent, "raj@acme.example")
    notices.unsubscribe(agent, "raj@acme.example")
    first = notices.notify_policy(supervisor, version)
    assert (first.queued, first.already) == (["ana@acme.example"], [])
    row = OutboundMail.get()
    assert (row.kind, row.audience, row.case_id) == ("policy_update", "subscriber", None)
    body = str(
        email.message_from_string(row.raw, policy=email.policy.default).get_content()
    ).replace("\r\n", "\n")
    assert "Our client support policy changes on Monday 16 March, 10:00 EDT" in body
    assert "- Support hours: mon 08:00-18:00" in body and "-> mon 07:00-19:00" in body
    assert "- Critical response target: 4 -> 2 business hours." in body
    assert "- Note: Longer support hours." in body
    assert "You receive this because ana@acme.example subscribed" in body
    assert "ask to be taken off the list" in body  # the unsubscribe line
    again = notices.notify_policy(supervisor, version)
    assert (again.queued, again.already) == ([], ["ana@acme.example"])
    notices.subscribe(agent, "raj@acme.example")  # back on the list: gets it now, once
    third = notices.notify_policy(supervisor, version)
    assert (third.queued, third.already) == (["raj@acme.example"], ["ana@acme.example"])
    assert sent_to() == ["ana@acme.example", "raj@acme.example"]
    assert Notification.select().count() == 2
    with pytest.raises(NotFound):
        notices.notify_policy(supervisor, 99)
