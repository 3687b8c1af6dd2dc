"""SLA policy versions: a change takes effect for cases received from its effective instant;
cases received before keep the version in force when they came in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import local
from wzdesk.core.errors import InvalidInput, PermissionDenied
from wzdesk.core.sla import Severity
from wzdesk.services.calendar import (
    PolicyChange,
    add_policy_version,
    load_policy_book,
    policy_versions,
)
from wzdesk.services.cases import NewCase, change_severity, open_case
from wzdesk.store.models import AuditEntry, PolicyVersion


def test_the_shipped_policy_is_the_policy_table(database) -> None:
    (version,) = policy_versions()
    hours = {s: (t["response_hours"], t["resolution_hours"]) for s, t in version["targets"].items()}
    assert hours == {
        "critical": (4, 24),
        "major": (10, 30),
        "moderate": (20, 100),
        "minor": (30, 200),
    }
    assert version["at_risk_ratio"] == 0.75
    assert version["hours"] == {d: "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}


def test_new_version_applies_from_its_effective_instant(supervisor, clock, acme) -> None:
    # Effective Wednesday 11 March 00:00: critical counts 24x7 with a 2-hour response.
    add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=local(2026, 3, 11),
            response_hours={Severity.CRITICAL: 2},
            around_the_clock={Severity.CRITICAL: True},
            note="24x7 for critical",
        ),
    )
    book = load_policy_book()
    before = book.at(local(2026, 3, 10, 17, 0))
    after = book.at(local(2026, 3, 13, 17, 0))
    # Tuesday 17:00 under v1: 4 business hours -> Wednesday 11:00.
    assert before.response_due(Severity.CRITICAL, local(2026, 3, 10, 17, 0)) == local(
        2026, 3, 11, 11
    )
    # Friday 17:00 under v2: 2 hours around the clock -> Friday 19:00.
    assert after.response_due(Severity.CRITICAL, local(2026, 3, 13, 17, 0)) == local(
        2026, 3, 13, 19
    )
    # Other severities are copied from the previous version.
    assert after.targets[Severity.MAJOR] == before.targets[Severity.MAJOR]


def test_a_case_keeps_the_policy_it_was_received_under(supervisor, clock, acme) -> None:
    case = open_case(
        supervisor,
        NewCase(
            client=acme,
            contact="ana@acme.example",
            severity="major",
            channel="portal",
            category="question",
            summary="Before the change",
            received_at=local(2026, 3, 9, 9, 0),
        ),
    )
    add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=local(2026, 3, 9, 12),
            response_hours={Severity.CRITICAL: 1},
        ),
    )
    clock.advance(timedelta(hours=3))
    updated = change_severity(supervisor, case.ref, "critical")
    # Still the shipped 4 business hours from Monday 09:00, not the new 1 hour.
    assert updated.response_due == local(2026, 3, 9, 13)


def test_policy_changes_are_for_supervisors_and_audited(supervisor, agent, clock) -> None:
    change = PolicyChange(effective_from=local(2026, 3, 10), at_risk_ratio=0.8)
    with pytest.raises(PermissionDenied):
        add_policy_version(agent, change)
    created = add_policy_version(supervisor, change)
    entry = AuditEntry.get(AuditEntry.action == "policy.version")
    assert entry.actor == "sam" and entry.entity_id == str(created["id"])
    assert '"at_risk_ratio": 0.8' in entry.after_json


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (PolicyChange(effective_from=local(2026, 3, 1)), "--effective"),  # back-dated
        (PolicyChange(effective_from=local(2026, 3, 10), at_risk_ratio=1.5), "--at-risk"),
        (PolicyChange(effective_from=local(2026, 3, 10), office_hours="08:00-08:00"), "--hours"),
        (PolicyChange(effective_from=local(2026, 3, 10), zone_name="Mars/Olympus"), "--zone"),
        (
            PolicyChange(effective_from=local(2026, 3, 10), response_hours={Severity.MINOR: -1}),
            "--response",
        ),
    ],
)
def test_bad_changes_name_the_field_and_write_nothing(supervisor, change, field) -> None:
    with pytest.raises(InvalidInput) as error:
        add_policy_version(supervisor, change)
    assert error.value.field == field
    assert PolicyVersion.select().count() == 1


def test_versions_must_move_forward(supervisor) -> None:
    add_policy_version(supervisor, PolicyChange(effective_from=local(2026, 3, 20)))
    with pytest.raises(InvalidInput, match="later than the newest"):
        add_policy_version(supervisor, PolicyChange(effective_from=local(2026, 3, 15)))


def test_the_severities_counted_around_the_clock_are_those_of_versions_in_force(
    supervisor, clock, acme
) -> None:
    """What the business clock says runs on while the office is closed: a version in force
    (now, or earlier: open cases keep theirs) counts; one not yet in force does not."""
    add_policy_version(
        supervisor,
        PolicyChange(effective_from=local(2026, 3, 11), around_the_clock={Severity.CRITICAL: True}),
    )
    add_policy_version(
        supervisor,
        PolicyChange(
            effective_from=local(2026, 3, 12),
            around_the_clock={Severity.CRITICAL: False, Severity.MAJOR: True},
        ),
    )
    book = load_policy_book()
    assert book.around_the_clock(local(2026, 3, 10, 20)) == ()
    assert book.around_the_clock(local(2026, 3, 11, 20)) == (Severity.CRITICAL,)
    # Critical cases received on the 11th keep counting 24x7 after the 12th.
    assert book.around_the_clock(local(2026, 3, 12, 20)) == (Severity.CRITICAL, Severity.MAJOR)
