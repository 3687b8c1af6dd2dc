"""Case use cases: their effects on the case row, the timeline and the audit trail; roles;
SLA deadlines (hand-computed on the shipped calendar, Mon-Fri 08:00-18:00 Toronto); atomicity;
optimistic locking; and the queue-wide breached / at-risk filters.

Handy facts: Monday 2026-03-09 is the first business day after the DST switch (Toronto is
UTC-4 from Sunday 2026-03-08; UTC-5 before). The fixtures' clock reads Monday 10:00. Targets:
critical 4h / 24h, major 10h / 30h, moderate 20h / 100h, minor 30h / 200h; at risk at 75%.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import local, new_case
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from wzdesk.services import cases
from wzdesk.services.calendar import add_holiday, load_policy_book
from wzdesk.services.case_fields import case_dict
from wzdesk.services.case_views import CaseFilter, list_cases, show_case
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_user
from wzdesk.store.models import ALL_MODELS, AuditEntry, Case, CaseEvent, SlaPause

HOUR = 3600

# A critical question received Friday 6 March 17:00 EST (the example).
FRIDAY_5PM = local(2026, 3, 6, 17, 0)


def counts() -> dict[str, int]:
    """Rows in every table: to prove a refused call wrote nothing."""
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def snapshot(ref: str) -> dict[str, Any]:
    """Every column of a case row plus its timeline, pauses and audit trail."""
    case = cases.get_case(ref)
    return {
        "row": dict(case.__data__),
        "events": [
            dict(e.__data__)
            for e in CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id)
        ],
        "pauses": [
            dict(p.__data__)
            for p in SlaPause.select().where(SlaPause.case == case).order_by(SlaPause.id)
        ],
        "audit": [
            dict(a.__data__)
            for a in AuditEntry.select().where(AuditEntry.entity_id == ref).order_by(AuditEntry.id)
        ],
    }


def events(ref: str) -> list[CaseEvent]:
    case = cases.get_case(ref)
    return list(CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id))


def audits(ref: str) -> list[AuditEntry]:
    return list(
        AuditEntry.select()
        .where((AuditEntry.entity == "case") & (AuditEntry.entity_id == ref))
        .order_by(AuditEntry.id)
    )


def view(ref: str, now: datetime) -> dict[str, Any]:
    return case_dict(cases.get_case(ref), load_policy_book(), now)


def at(clock: FixedClock, instant: datetime) -> None:
    clock.instant = instant.astimezone(clock.instant.tzinfo)


# -- opening -----------------------------------------------------------------------------------


def test_open_case_row_timeline_and_audit(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(received_at=FRIDAY_5PM, tags="Billing, urgent,billing"))
    assert case.ref == "WZ-1001"
    row = cases.get_case("wz-1001")  # references are case-insensitive, digits alone work too
    assert cases.get_case("1001").id == row.id
    assert row.status == "new"
    assert row.severity == "critical"
    assert row.channel == "portal"
    assert row.category == "question"
    assert row.client.code == "ACME"
    assert row.contact.email == "ana@acme.example"
    assert row.assignee_id is None
    assert row.tags == "billing,urgent"
    assert row.version == 1
    assert row.is_open
    assert row.received_at == FRIDAY_5PM
    assert row.created_at == clock.now()
    # Fri 17-18 (1h) + Mon 08-11 (3h) = 4h; Fri 1h + Mon 10h + Tue 10h + Wed 08-11 = 24h.
    assert row.response_due == local(2026, 3, 9, 11, 0)
    assert row.resolution_due == local(2026, 3, 11, 11, 0)
    # 75%: 3h -> Mon 10:00; 18h -> Fri 1h + Mon 10h + Tue 7h = Tue 15:00.
    assert row.response_at_risk_at == local(2026, 3, 9, 10, 0)
    assert row.resolution_at_risk_at == local(2026, 3, 10, 15, 0)

    [created] = events(case.ref)
    assert (created.kind, created.author, created.at) == ("created", "kim", FRIDAY_5PM)
    assert created.body == "Cannot post invoices"
    assert json.loads(created.data_json) == {"channel": "portal", "missing": []}
    [opened] = audits(case.ref)
    assert (opened.action, opened.actor, opened.at) == ("case.open", "kim", clock.now())
    after = json.loads(opened.after_json)
    assert after["severity"] == "critical"
    assert after["client"] == "ACME"
    assert opened.before_json is None

    second = cases.open_case(agent, new_case(contact="416 555 0103"))  # Raj, by phone
    assert second.ref == "WZ-1002"
    assert second.contact.name == "Raj Patel"
    assert second.received_at == clock.now()  # received defaults to now


def test_open_case_deadlines_for_each_severity(agent: ServiceContext, acme: str) -> None:
    monday_10 = local(2026, 3, 9, 10, 0)
    expected = {
        # Mon 10:00 + 4h = 14:00; + 24h = Mon 8h, Tue 10h, Wed 6h -> Wed 14:00.
        "critical": (local(2026, 3, 9, 14), local(2026, 3, 11, 14)),
        # + 10h = Mon 8h, Tue 2h -> Tue 10:00; + 30h = Mon 8, Tue 10, Wed 10, Thu 2 -> Thu 10:00.
        "major": (local(2026, 3, 10, 10), local(2026, 3, 12, 10)),
        # + 20h -> Wed 10:00; + 100h = Mon 8h + 9 full days (Tue 10 .. Fri 20) + 2h -> Mon 23.
        "moderate": (local(2026, 3, 11, 10), local(2026, 3, 23, 10)),
        # + 30h -> Thu 10:00; + 200h = Mon 8h + 19 full days (to Fri 3 Apr) + 2h -> Mon 6 Apr.
        "minor": (local(2026, 3, 12, 10), local(2026, 4, 6, 10)),
    }
    for severity, (response, resolution) in expected.items():
        case = cases.open_case(agent, new_case(severity=severity, received_at=monday_10))
        assert (case.response_due, case.resolution_due) == (response, resolution), severity


def test_holidays_in_the_calendar_count(
    supervisor: ServiceContext, agent: ServiceContext, acme: str
) -> None:
    from datetime import date

    add_holiday(supervisor, date(2026, 3, 9), "A closed Monday")
    case = cases.open_case(agent, new_case(received_at=FRIDAY_5PM))
    # Fri 17-18 (1h), Monday closed, Tue 08-11 (3h).
    assert case.response_due == local(2026, 3, 10, 11, 0)


def test_missing_recommended_fields_are_reported(agent: ServiceContext, acme: str) -> None:
    bare = cases.open_case(agent, new_case(category="unexpected", description=""))
    assert view(bare.ref, bare.received_at)["missing_fields"] == [
        "description",
        "steps_to_reproduce",
        "affected_users",
    ]
    created = events(bare.ref)[0]
    assert json.loads(created.data_json)["missing"] == [
        "description",
        "steps_to_reproduce",
        "affected_users",
    ]
    partial = cases.open_case(
        agent, new_case(category="unexpected", steps_to_reproduce="1. Open the invoice")
    )
    assert view(partial.ref, partial.received_at)["missing_fields"] == ["affected_users"]
    complete = cases.open_case(
        agent,
        new_case(
            category="unexpected", steps_to_reproduce="1. Post", affected_users="all of finance"
        ),
    )
    assert view(complete.ref, complete.received_at)["missing_fields"] == []
    question = cases.open_case(agent, new_case(description=""))
    assert view(question.ref, question.received_at)["missing_fields"] == ["description"]


def test_non_admin_contact_is_refused_naming_the_admins(agent: ServiceContext, acme: str) -> None:
    before = counts()
    with pytest.raises(PermissionDenied) as caught:
        cases.open_case(agent, new_case(contact="bob@acme.example"))
    message = str(caught.value)
    assert caught.value.field == "--contact"
    assert "Bob Smith" in message
    assert "only client admins may open cases" in message
    assert "Ana Diaz" in message and "ana@acme.example" in message
    assert "Raj Patel" in message
    assert message.index("Ana Diaz") < message.index("Raj Patel")  # primary first
    assert counts() == before


BAD_NEW_CASES: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"severity": "urgent"}, InvalidInput, "--severity"),
    ({"channel": "fax"}, InvalidInput, "--channel"),
    ({"category": "rant"}, InvalidInput, "--category"),
    ({"summary": "   "}, InvalidInput, "--summary"),
    ({"summary": "x" * 301}, InvalidInput, "--summary"),
    ({"received_at": datetime(2026, 3, 9, 9, 0)}, InvalidInput, "--received"),  # noqa: DTZ001
    ({"received_at": local(2026, 3, 9, 11, 0)}, InvalidInput, "--received"),  # future
    ({"client": "NOPE"}, NotFound, "--client"),
    ({"contact": "nobody@acme.example"}, NotFound, "--contact"),
    ({"contact": "12"}, InvalidInput, "--contact"),
]


def test_open_case_bad_input_writes_nothing(agent: ServiceContext, acme: str) -> None:
    before = counts()
    for overrides, error, field in BAD_NEW_CASES:
        with pytest.raises(error) as caught:
            cases.open_case(agent, new_case(**overrides))
        assert caught.value.field == field, overrides  # type: ignore[attr-defined]
        assert counts() == before, overrides


def test_a_case_opened_on_someones_behalf_keeps_an_internal_note_in_its_transaction(
    agent: ServiceContext, acme: str
) -> None:
    received = local(2026, 3, 9, 9, 30)
    case = cases.open_case(
        agent,
        new_case(received_at=received),
        internal_note="Raised by Bob Smith (not a client admin of ACME), opened for Ana Diaz.",
    )
    kinds = [(e.kind, e.public, e.at) for e in events(case.ref)]
    assert kinds == [("created", False, received), ("note", False, received)]
    assert events(case.ref)[1].body.startswith("Raised by Bob Smith")
    before = counts()
    with pytest.raises(InvalidInput) as caught:  # a bad note: nothing of the case is written
        cases.open_case(agent, new_case(received_at=received), internal_note="x" * 100_001)
    assert caught.value.field == "--notes"
    assert counts() == before


def test_phone_staff_log_calls_and_notes_but_do_not_reply_or_resolve(
    phone_staff: ServiceContext, agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    received = local(2026, 3, 9, 9, 52)
    case = cases.open_case(
        phone_staff,
        new_case(channel="phone", received_at=received),
        call_seconds=420,
        call_notes="Caller says posting fails",
    )
    kinds = [(e.kind, e.author, e.at, e.duration_seconds) for e in events(case.ref)]
    assert kinds == [
        ("created", "pat", received, None),
        ("call", "pat", received, 420),
    ]
    assert events(case.ref)[1].body == "Caller says posting fails"

    cases.log_call_on_case(phone_staff, case.ref, "Called back, left voicemail", 60)
    cases.reply(phone_staff, case.ref, "Caller phoned again", internal=True)
    row = cases.get_case(case.ref)
    assert row.version == 3
    assert row.first_response_at is None  # notes and calls are not a response
    assert row.status == "new"
    assert [a.action for a in audits(case.ref)] == ["case.open", "case.call", "case.note"]

    before = snapshot(case.ref)
    refusals = [
        lambda: cases.reply(phone_staff, case.ref, "We are on it"),
        lambda: cases.resolve(phone_staff, case.ref, "Fixed"),
        lambda: cases.assign(phone_staff, case.ref, "kim"),
        lambda: cases.set_status(phone_staff, case.ref, "waiting_client"),
        lambda: cases.change_severity(phone_staff, case.ref, "minor"),
        lambda: cases.escalate(phone_staff, case.ref, "tier 2", "beyond me"),
        lambda: add_user(phone_staff, "joe", "Joe", "agent"),
    ]
    for refused in refusals:
        with pytest.raises(PermissionDenied, match=r"pat \(phone\) may not"):
            refused()
    assert snapshot(case.ref) == before


def test_agent_cannot_add_users(agent: ServiceContext) -> None:
    from wzdesk.store.models import User

    before = User.select().count()
    with pytest.raises(PermissionDenied, match="manage console users"):
        add_user(agent, "joe", "Joe Bloggs", "agent")
    assert User.select().count() == before


def test_calendar_is_for_supervisors(agent: ServiceContext, supervisor: ServiceContext) -> None:
    from datetime import date

    from wzdesk.services.calendar import import_holidays, list_holidays, remove_holiday

    with pytest.raises(PermissionDenied):
        add_holiday(agent, date(2026, 12, 24), "Christmas Eve")
    with pytest.raises(PermissionDenied):
        import_holidays(agent, "CA", "ON", [2026])
    add_holiday(supervisor, date(2026, 12, 24), "Christmas Eve")
    with pytest.raises(PermissionDenied):
        remove_holiday(agent, date(2026, 12, 24))
    assert [h.name for h in list_holidays()] == ["Christmas Eve"]


# -- working a case ----------------------------------------------------------------------------


def test_reply_meets_the_response_target_and_opens_the_case(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())
    clock.advance(timedelta(minutes=30))
    cases.reply(agent, case.ref, "Looking into it", internal=True)
    row = cases.get_case(case.ref)
    assert (row.status, row.first_response_at, row.version) == ("new", None, 2)

    clock.advance(timedelta(minutes=30))
    first = clock.now()
    cases.reply(agent, case.ref, "We are on it")
    clock.advance(timedelta(minutes=30))
    cases.reply(agent, case.ref, "Still on it")
    row = cases.get_case(case.ref)
    assert row.status == "open"
    assert row.first_response_at == first  # the first public reply, not the latest
    assert row.version == 4
    assert row.updated_at == clock.now()
    timeline = [(e.kind, e.public, e.body) for e in events(case.ref)]
    assert timeline[1:] == [
        ("note", False, "Looking into it"),
        ("reply", True, "We are on it"),
        ("reply", True, "Still on it"),
    ]
    assert [a.action for a in audits(case.ref)] == [
        "case.open",
        "case.note",
        "case.reply",
        "case.reply",
    ]
    shown = view(case.ref, clock.now())
    assert shown["response_state"] == "met"
    assert shown["response_remaining_seconds"] is None
    with pytest.raises(InvalidInput) as caught:
        cases.reply(agent, case.ref, "   ")
    assert caught.value.field == "--message"


def test_assign_and_unassign(
    agent: ServiceContext, supervisor: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())
    cases.assign(agent, case.ref, "kim")
    row = cases.get_case(case.ref)
    assert (row.assignee.login, row.status, row.version) == ("kim", "open", 2)
    cases.assign(agent, case.ref, "KIM")  # the same assignee again changes nothing
    assert cases.get_case(case.ref).version == 2
    cases.assign(supervisor, case.ref, "sam")
    cases.assign(supervisor, case.ref, None)
    row = cases.get_case(case.ref)
    assert (row.assignee_id, row.status, row.version) == (None, "open", 4)
    data = [json.loads(e.data_json) for e in events(case.ref) if e.kind == "assign"]
    assert data == [
        {"from": None, "to": "kim"},
        {"from": "kim", "to": "sam"},
        {"from": "sam", "to": None},
    ]
    trail = [
        (a.actor, json.loads(a.before_json), json.loads(a.after_json)) for a in audits(case.ref)[1:]
    ]
    assert trail == [
        ("kim", {"assignee": None}, {"assignee": "kim"}),
        ("sam", {"assignee": "kim"}, {"assignee": "sam"}),
        ("sam", {"assignee": "sam"}, {"assignee": None}),
    ]
    before = counts()
    with pytest.raises(NotFound) as caught:
        cases.assign(agent, case.ref, "ghost")
    assert caught.value.field == "--assignee"
    with pytest.raises(NotFound) as caught:
        cases.assign(agent, "WZ-9999", "kim")
    assert caught.value.field == "REF"
    assert counts() == before


def test_severity_change_recomputes_both_targets_from_received_at(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(severity="minor", received_at=FRIDAY_5PM))
    # Minor: 30h = Fri 1h + Mon 10h + Tue 10h + Wed 08-17 -> Wed 17:00;
    # 200h = Fri 1h + 19 full days (Mon 9 Mar .. Thu 2 Apr) + Fri 3 Apr 08-17 -> 17:00.
    assert case.response_due == local(2026, 3, 11, 17, 0)
    assert case.resolution_due == local(2026, 4, 3, 17, 0)
    clock.advance(timedelta(minutes=5))
    cases.change_severity(agent, case.ref, "critical")
    row = cases.get_case(case.ref)
    assert row.severity == "critical"
    assert row.response_due == local(2026, 3, 9, 11, 0)  # Fri 1h + Mon 3h
    assert row.resolution_due == local(2026, 3, 11, 11, 0)  # Fri 1h + Mon 10 + Tue 10 + Wed 3
    assert row.response_at_risk_at == local(2026, 3, 9, 10, 0)
    assert row.resolution_at_risk_at == local(2026, 3, 10, 15, 0)
    assert row.version == 2
    [event] = [e for e in events(case.ref) if e.kind == "severity"]
    assert json.loads(event.data_json) == {"from": "minor", "to": "critical"}
    entry = audits(case.ref)[-1]
    assert entry.action == "case.severity"
    before, after = json.loads(entry.before_json), json.loads(entry.after_json)
    assert before["severity"] == "minor"
    assert datetime.fromisoformat(before["resolution_due"]) == local(2026, 4, 3, 17, 0)
    assert after["severity"] == "critical"
    assert datetime.fromisoformat(after["response_due"]) == local(2026, 3, 9, 11, 0)
    # Same severity again: nothing written.
    cases.change_severity(agent, case.ref, "CRITICAL")
    assert cases.get_case(case.ref).version == 2


def test_severity_change_keeps_finished_pauses(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(severity="minor"))  # received Mon 10:00
    cases.set_status(agent, case.ref, "waiting_client")
    at(clock, local(2026, 3, 9, 12, 0))
    cases.set_status(agent, case.ref, "open")  # paused Mon 10-12: 2 business hours
    cases.change_severity(agent, case.ref, "critical")
    row = cases.get_case(case.ref)
    assert row.response_due == local(2026, 3, 9, 14, 0)  # responses do not pause
    assert row.resolution_due == local(2026, 3, 11, 16, 0)  # Wed 14:00 + 2h


def test_waiting_on_client_pauses_and_reopening_resumes(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())  # critical, received Mon 10:00
    assert case.resolution_due == local(2026, 3, 11, 14, 0)
    at(clock, local(2026, 3, 9, 12, 0))
    cases.reply(agent, case.ref, "Could you send a screenshot?")
    cases.set_status(agent, case.ref, "waiting_client")
    row = cases.get_case(case.ref)
    assert row.status == "waiting_client"
    assert row.paused_since == local(2026, 3, 9, 12, 0)
    [pause] = SlaPause.select().where(SlaPause.case == row)
    assert (pause.started_at, pause.ended_at, pause.reason) == (
        local(2026, 3, 9, 12, 0),
        None,
        "waiting_client",
    )

    # Tuesday 09:00, still waiting: 7 business hours paused so far (Mon 12-18, Tue 08-09).
    tuesday_9 = local(2026, 3, 10, 9, 0)
    shown = view(case.ref, tuesday_9)
    assert shown["paused"] is True
    assert shown["resolution_state"] == "pending"
    # Frozen at the pause: Mon 12-18 (6h) + Tue 10h + Wed 08-14 (6h) = 22h left.
    assert shown["resolution_remaining_seconds"] == 22 * HOUR
    # Where the due instant would fall if the clock resumed now: Wed 14:00 + 7h = Thu 11:00.
    assert shown["resolution_due"] == "2026-03-12T11:00:00-04:00"
    assert shown["response_state"] == "met"

    at(clock, tuesday_9)
    cases.set_status(agent, case.ref, "open")
    row = cases.get_case(case.ref)
    assert row.status == "open"
    assert row.paused_since is None
    assert row.resolution_due == local(2026, 3, 12, 11, 0)
    # The at-risk instant moves by the same 7h: Tue 18:00 -> Wed 15:00.
    assert row.resolution_at_risk_at == local(2026, 3, 11, 15, 0)
    assert row.response_due == local(2026, 3, 9, 14, 0)
    [pause] = SlaPause.select().where(SlaPause.case == row)
    assert pause.ended_at == tuesday_9
    shown = view(case.ref, tuesday_9)
    assert shown["paused"] is False
    assert shown["resolution_remaining_seconds"] == 22 * HOUR
    statuses = [json.loads(e.data_json) for e in events(case.ref) if e.kind == "status"]
    assert statuses == [
        {"from": "open", "to": "waiting_client"},
        {"from": "waiting_client", "to": "open"},
    ]
    assert [a.action for a in audits(case.ref)][-2:] == ["case.status", "case.status"]


def test_a_pause_after_the_breach_does_not_unbreach(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())  # resolution due Wed 14:00
    at(clock, local(2026, 3, 11, 15, 0))
    cases.set_status(agent, case.ref, "waiting_client")
    at(clock, local(2026, 3, 12, 15, 0))
    assert view(case.ref, clock.now())["resolution_state"] == "breached"
    cases.set_status(agent, case.ref, "open")
    row = cases.get_case(case.ref)
    assert row.resolution_due == local(2026, 3, 11, 14, 0)
    # The clock stood still through the wait (SPEC 3): overdue 1h (Wed 14-15), as when it
    # began waiting, not 11h.
    assert view(case.ref, clock.now())["resolution_remaining_seconds"] == -1 * HOUR


def test_status_moves_that_need_their_own_command(agent: ServiceContext, acme: str) -> None:
    case = cases.open_case(agent, new_case())
    before = snapshot(case.ref)
    for status, command in (
        ("resolved", "resolve"),
        ("closed", "close"),
        ("escalated", "escalate"),
    ):
        with pytest.raises(InvalidInput, match=f"wzdesk case {command} {case.ref}") as caught:
            cases.set_status(agent, case.ref, status)
        assert caught.value.field == "--status"
    with pytest.raises(InvalidInput) as caught:
        cases.set_status(agent, case.ref, "pending")
    assert caught.value.field == "--status"
    assert snapshot(case.ref) == before
    cases.set_status(agent, case.ref, "open")
    with pytest.raises(InvalidInput, match="cannot go from open to new"):
        cases.set_status(agent, case.ref, "new")
    cases.set_status(agent, case.ref, "open")  # already open: nothing written
    assert cases.get_case(case.ref).version == 2


def test_escalate_records_target_and_reason_and_ends_a_pause(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case())
    cases.set_status(agent, case.ref, "waiting_client")
    at(clock, local(2026, 3, 9, 11, 0))  # paused for one business hour
    cases.escalate(agent, case.ref, "development", "Reproduced: posting crashes")
    row = cases.get_case(case.ref)
    assert row.status == "escalated"
    assert row.escalated_to == "development"
    assert row.escalation_reason == "Reproduced: posting crashes"
    assert row.paused_since is None
    assert row.resolution_due == local(2026, 3, 11, 15, 0)  # Wed 14:00 + 1h
    [event] = [e for e in events(case.ref) if e.kind == "escalate"]
    assert event.body == "Reproduced: posting crashes"
    assert json.loads(event.data_json) == {"to": "development"}
    entry = audits(case.ref)[-1]
    assert entry.action == "case.escalate"
    assert json.loads(entry.before_json) == {"status": "waiting_client", "escalated_to": None}
    assert json.loads(entry.after_json) == {
        "escalated_to": "development",
        "reason": "Reproduced: posting crashes",
    }
    with pytest.raises(InvalidInput) as caught:
        cases.escalate(agent, case.ref, "tier 2", " ")
    assert caught.value.field == "--reason"
    # An escalated case can go back to open or wait on the client.
    cases.set_status(agent, case.ref, "open")
    assert cases.get_case(case.ref).status == "open"


def test_resolve_needs_a_classification_only_for_unexpected(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    question = cases.open_case(agent, new_case())
    unexpected = cases.open_case(agent, new_case(category="unexpected"))
    before = counts()
    with pytest.raises(InvalidInput, match="user_error, bug or works_as_designed") as caught:
        cases.resolve(agent, unexpected.ref, "Patched")
    assert caught.value.field == "--classification"
    with pytest.raises(InvalidInput) as caught:
        cases.resolve(agent, unexpected.ref, "Patched", "feature")
    assert caught.value.field == "--classification"
    with pytest.raises(InvalidInput, match="only 'unexpected' cases are classified"):
        cases.resolve(agent, question.ref, "Answered", "bug")
    with pytest.raises(InvalidInput) as caught:
        cases.resolve(agent, question.ref, "  ")
    assert caught.value.field == "--note"
    assert counts() == before

    clock.advance(timedelta(hours=1))
    cases.resolve(agent, unexpected.ref, "Patched in 4.2.1", "bug")
    row = cases.get_case(unexpected.ref)
    assert row.status == "resolved"
    assert row.classification == "bug"
    assert row.resolved_at == clock.now()
    assert row.first_response_at == clock.now()  # the resolution note goes to the client
    assert not row.is_open
    [pause] = SlaPause.select().where(SlaPause.case == row)
    assert (pause.reason, pause.started_at, pause.ended_at) == ("resolved", clock.now(), None)
    event = events(row.ref)[-1]
    assert (event.kind, event.public, event.body) == ("resolve", True, "Patched in 4.2.1")
    entry = audits(row.ref)[-1]
    assert entry.action == "case.resolve"
    assert json.loads(entry.after_json) == {
        "status": "resolved",
        "classification": "bug",
        "email": "queued to ana@acme.example (outbox #3)",  # the acknowledgments are #1 and #2
    }
    shown = view(row.ref, clock.now())
    assert (shown["response_state"], shown["resolution_state"]) == ("met", "met")
    assert shown["classification"] == "bug"

    cases.resolve(agent, question.ref, "Answered")
    assert cases.get_case(question.ref).classification is None


def test_reopen_resumes_the_resolution_clock(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(category="unexpected"))  # critical, Mon 10:00
    with pytest.raises(InvalidInput, match="only a resolved case can be reopened"):
        cases.reopen(agent, case.ref)
    at(clock, local(2026, 3, 9, 15, 0))
    cases.resolve(agent, case.ref, "Cleared the cache", "user_error")
    at(clock, local(2026, 3, 10, 10, 0))
    cases.reopen(agent, case.ref, "Client says it is back")
    row = cases.get_case(case.ref)
    assert row.status == "open"
    assert row.is_open
    assert row.resolved_at is None
    assert row.classification is None
    # Resolved from Mon 15:00 to Tue 10:00: Mon 15-18 (3h) + Tue 08-10 (2h) = 5h paused.
    # Resolution due Wed 14:00 + 5h = Wed 18:00 (4h) + Thu 08-09 (1h) -> Thu 09:00.
    assert row.resolution_due == local(2026, 3, 12, 9, 0)
    assert row.resolution_at_risk_at == local(2026, 3, 11, 13, 0)  # Tue 18:00 + 5h
    [pause] = SlaPause.select().where(SlaPause.case == row)
    assert (pause.reason, pause.ended_at) == ("resolved", clock.now())
    event = events(row.ref)[-1]
    assert (event.kind, event.body) == ("reopen", "Client says it is back")
    assert audits(row.ref)[-1].action == "case.reopen"
    shown = view(row.ref, clock.now())
    assert shown["resolution_state"] == "pending"
    # Used before: Mon 10-15 (5h); 19h left.
    assert shown["resolution_remaining_seconds"] == 19 * HOUR


def test_close_rules(agent: ServiceContext, acme: str, clock: FixedClock) -> None:
    case = cases.open_case(agent, new_case())
    with pytest.raises(InvalidInput, match="only a resolved case can be closed") as caught:
        cases.close(agent, case.ref)
    assert caught.value.field == "status"
    cases.resolve(agent, case.ref, "Done")
    clock.advance(timedelta(days=2))
    cases.close(agent, case.ref)
    row = cases.get_case(case.ref)
    assert (row.status, row.closed_at, row.is_open) == ("closed", clock.now(), False)
    assert events(case.ref)[-1].kind == "close"
    assert audits(case.ref)[-1].action == "case.close"
    # Closed is final.
    before = snapshot(case.ref)
    for refused in (
        lambda: cases.reopen(agent, case.ref),
        lambda: cases.close(agent, case.ref),
        lambda: cases.reply(agent, case.ref, "Hello?"),
        lambda: cases.reply(agent, case.ref, "Note to self", internal=True),
        lambda: cases.log_call_on_case(agent, case.ref, "Client called", 60),
        lambda: cases.assign(agent, case.ref, "kim"),
        lambda: cases.escalate(agent, case.ref, "tier 2", "why"),
        lambda: cases.resolve(agent, case.ref, "again"),
        lambda: cases.change_severity(agent, case.ref, "minor"),
        lambda: cases.set_status(agent, case.ref, "open"),
    ):
        with pytest.raises(InvalidInput):
            refused()
    assert snapshot(case.ref) == before


def test_resolved_case_must_be_reopened_before_work(agent: ServiceContext, acme: str) -> None:
    case = cases.open_case(agent, new_case())
    cases.resolve(agent, case.ref, "Done")
    with pytest.raises(InvalidInput, match="reopen it first"):
        cases.assign(agent, case.ref, "kim")
    with pytest.raises(InvalidInput, match="reopen it first"):
        cases.escalate(agent, case.ref, "tier 2", "more")


# -- atomicity and optimistic locking ----------------------------------------------------------


@pytest.mark.parametrize("failing", ["event", "audit"])
def test_nothing_half_written_when_a_step_fails(
    agent: ServiceContext,
    acme: str,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    case = cases.open_case(agent, new_case())
    cases.set_status(agent, case.ref, "waiting_client")
    clock.advance(timedelta(hours=1))
    before_counts, before = counts(), snapshot(case.ref)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    if failing == "event":
        monkeypatch.setattr(CaseEvent, "create", boom)
    else:
        monkeypatch.setattr(ServiceContext, "audit", boom)
    # Each call writes the case row (and a pause) before the failing step.
    for call in (
        lambda: cases.resolve(agent, case.ref, "Done"),
        lambda: cases.escalate(agent, case.ref, "tier 2", "stuck"),
        lambda: cases.set_status(agent, case.ref, "open"),
        lambda: cases.reply(agent, case.ref, "Any news?"),
        lambda: cases.change_severity(agent, case.ref, "minor"),
    ):
        with pytest.raises(RuntimeError, match="disk full"):
            call()
        assert counts() == before_counts
        assert snapshot(case.ref) == before
    with pytest.raises(RuntimeError):
        cases.open_case(agent, new_case())
    assert counts() == before_counts


def test_stale_expected_version_is_a_conflict_and_changes_nothing(
    agent: ServiceContext, supervisor: ServiceContext, acme: str
) -> None:
    case = cases.open_case(agent, new_case())
    seen = cases.get_case(case.ref).version
    cases.assign(supervisor, case.ref, "sam", expected_version=seen)  # someone else got there
    assert cases.get_case(case.ref).version == seen + 1
    before = snapshot(case.ref)
    stale_calls = [
        lambda: cases.reply(agent, case.ref, "On it", expected_version=seen),
        lambda: cases.reply(agent, case.ref, "note", internal=True, expected_version=seen),
        lambda: cases.log_call_on_case(agent, case.ref, "called", 30, expected_version=seen),
        lambda: cases.assign(agent, case.ref, "kim", expected_version=seen),
        lambda: cases.set_status(agent, case.ref, "waiting_client", expected_version=seen),
        lambda: cases.change_severity(agent, case.ref, "minor", expected_version=seen),
        lambda: cases.escalate(agent, case.ref, "tier 2", "x", expected_version=seen),
        lambda: cases.resolve(agent, case.ref, "done", expected_version=seen),
        lambda: cases.reopen(agent, case.ref, expected_version=seen),
        lambda: cases.close(agent, case.ref, expected_version=seen),
    ]
    for stale in stale_calls:
        with pytest.raises(Conflict) as caught:
            stale()
        assert caught.value.field == "version"
        assert f"you had version {seen}, it is now {seen + 1}" in caught.value.message
        assert caught.value.exit_code == 3
    assert snapshot(case.ref) == before
    # With the current version it goes through.
    cases.reply(agent, case.ref, "On it", expected_version=seen + 1)
    assert cases.get_case(case.ref).version == seen + 2


# -- queue-wide SLA questions ------------------------------------------------------------------


def _states(shown: dict[str, Any]) -> set[str]:
    return {shown["response_state"], shown["resolution_state"]}


def test_breached_and_at_risk_filters_agree_with_case_states(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    """A mix of cases, judged by the SQL filters and by each case object, as the clock moves."""
    opened = {}

    def make(name: str, **overrides: Any) -> str:
        opened[name] = cases.open_case(agent, new_case(**overrides)).ref
        return opened[name]

    at(clock, local(2026, 3, 6, 9, 0))  # Friday
    make("fri_critical_late_reply", received_at=local(2026, 3, 6, 9, 0))
    make("fri_major", severity="major", received_at=local(2026, 3, 6, 9, 0))
    make("fri_minor_resolved", severity="minor", received_at=local(2026, 3, 6, 9, 0))
    make("fri_moderate_waiting", severity="moderate", received_at=local(2026, 3, 6, 9, 0))
    cases.set_status(agent, opened["fri_moderate_waiting"], "waiting_client")
    at(clock, local(2026, 3, 6, 12, 0))
    cases.resolve(agent, opened["fri_minor_resolved"], "Answered")

    at(clock, local(2026, 3, 9, 10, 0))  # Monday
    make("mon_critical", received_at=local(2026, 3, 9, 8, 30))
    make("mon_critical_replied")
    make("mon_major_escalated", severity="major", received_at=local(2026, 3, 9, 9, 0))
    make("example", received_at=FRIDAY_5PM)  # at risk from Mon 10:00
    cases.reply(agent, opened["fri_critical_late_reply"], "Sorry for the wait")  # due Fri 13:00
    cases.reply(agent, opened["mon_critical_replied"], "On it")
    cases.escalate(agent, opened["mon_major_escalated"], "tier 2", "needs a DBA")
    make("mon_minor_waiting", severity="minor")
    cases.set_status(agent, opened["mon_minor_waiting"], "waiting_client")
    make("closed_one", severity="critical", received_at=local(2026, 3, 9, 9, 0))
    cases.resolve(agent, opened["closed_one"], "Done")
    cases.close(agent, opened["closed_one"])
    last_write = clock.now()

    book = load_policy_book()
    instants = [
        last_write,
        local(2026, 3, 9, 11, 0),  # the example's response due instant, exactly
        local(2026, 3, 9, 11, 0, 1),
        local(2026, 3, 9, 11, 30),  # mon_critical at risk (3h since 08:30)
        local(2026, 3, 9, 12, 30),  # mon_critical due, exactly
        local(2026, 3, 9, 17, 0),
        local(2026, 3, 10, 8, 0),
        local(2026, 3, 10, 15, 0),
        local(2026, 3, 11, 14, 0),
        local(2026, 3, 13, 18, 0),
        local(2026, 3, 20, 12, 0),
        local(2026, 4, 15, 9, 0),
    ]
    seen_breached: set[str] = set()
    seen_at_risk: set[str] = set()
    for now in instants:
        shown = {c.ref: case_dict(c, book, now) for c, _ in list_cases(CaseFilter(), now, book)}
        working = {ref: s for ref, s in shown.items() if s["status"] not in ("resolved", "closed")}
        breached = {ref for ref, s in working.items() if "breached" in _states(s)}
        at_risk = {
            ref for ref, s in working.items() if "at_risk" in _states(s) and ref not in breached
        }
        by_sql = {c.ref for c, _ in list_cases(CaseFilter(breached=True), now, book)}
        assert by_sql == breached, now
        by_sql = {c.ref for c, _ in list_cases(CaseFilter(at_risk=True), now, book)}
        assert by_sql == at_risk, now
        both = {c.ref for c, _ in list_cases(CaseFilter(breached=True, at_risk=True), now, book)}
        assert both == breached | at_risk, now
        seen_breached |= breached
        seen_at_risk |= at_risk

    name_of = {ref: name for name, ref in opened.items()}
    # The mix really exercises both filters.
    assert {name_of[r] for r in seen_breached} >= {
        "fri_critical_late_reply",
        "fri_major",
        "mon_critical",
        "example",
        "mon_major_escalated",
    }
    assert {name_of[r] for r in seen_at_risk} >= {"example", "mon_critical"}
    # Hand-checked spots.
    at_1130 = {c.ref for c, _ in list_cases(CaseFilter(at_risk=True), local(2026, 3, 9, 11, 30))}
    assert opened["mon_critical"] in at_1130
    late = view(opened["fri_critical_late_reply"], last_write)
    assert late["response_state"] == "late"  # replied Mon 10:00, due Fri 13:00
    example = view(opened["example"], local(2026, 3, 9, 11, 0, 1))
    assert example["response_state"] == "breached"
    assert example["response_remaining_seconds"] == -1


def test_list_is_most_urgent_first_and_filters(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    minor = cases.open_case(agent, new_case(severity="minor")).ref  # next due Thu 10:00
    critical = cases.open_case(agent, new_case()).ref  # next due Mon 14:00
    major = cases.open_case(
        agent, new_case(severity="major", received_at=local(2026, 3, 6, 9, 0))
    ).ref  # response due Mon 09:00: breached
    done = cases.open_case(agent, new_case(severity="critical")).ref
    cases.resolve(agent, done, "Quick one")
    cases.assign(agent, minor, "kim")
    now = clock.now()
    assert [c.ref for c, _ in list_cases(CaseFilter(), now)] == [major, critical, minor, done]
    assert [c.ref for c, _ in list_cases(CaseFilter(severities=["critical"]), now)] == [
        critical,
        done,
    ]
    assert [c.ref for c, _ in list_cases(CaseFilter(statuses=["resolved"]), now)] == [done]
    assert [c.ref for c, _ in list_cases(CaseFilter(assignee="kim"), now)] == [minor]
    assert [c.ref for c, _ in list_cases(CaseFilter(unassigned=True), now)] == [
        major,
        critical,
        done,
    ]
    assert [c.ref for c, _ in list_cases(CaseFilter(breached=True), now)] == [major]
    with pytest.raises(InvalidInput) as caught:
        list_cases(CaseFilter(statuses=["bogus"]), now)
    assert caught.value.field == "--status"


def test_show_case_has_timeline_and_pauses(
    agent: ServiceContext, acme: str, clock: FixedClock
) -> None:
    case = cases.open_case(agent, new_case(received_at=local(2026, 3, 9, 9, 0)))
    cases.set_status(agent, case.ref, "waiting_client")
    shown = show_case(case.ref, clock.now())
    assert [e["kind"] for e in shown["events"]] == ["created", "status"]
    assert shown["events"][0]["at"] == "2026-03-09T09:00:00-04:00"
    assert shown["pauses"] == [
        {"started_at": "2026-03-09T10:00:00-04:00", "ended_at": None, "reason": "waiting_client"}
    ]
    assert shown["paused"] is True
    with pytest.raises(NotFound):
        show_case("WZ-4040", clock.now())


def test_case_dict_is_json_ready(agent: ServiceContext, acme: str, clock: FixedClock) -> None:
    case = cases.open_case(agent, new_case(received_at=FRIDAY_5PM))
    shown = view(case.ref, clock.now())
    json.dumps(shown)  # nothing but JSON types
    assert shown["received_at"] == "2026-03-06T17:00:00-05:00"
    assert shown["response_due"] == "2026-03-09T11:00:00-04:00"
    assert shown["response_state"] == "at_risk"
    assert shown["response_remaining_seconds"] == HOUR
    # Due Wed 11:00: Mon 10-18 (8h) + Tue 10h + Wed 08-11 (3h).
    assert shown["resolution_remaining_seconds"] == 21 * HOUR


def test_references_are_sequential(agent: ServiceContext, acme: str) -> None:
    refs = [cases.open_case(agent, new_case()).ref for _ in range(3)]
    assert refs == ["WZ-1001", "WZ-1002", "WZ-1003"]
    assert Case.select().count() == 3
