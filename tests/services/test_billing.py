"""Professional services use cases on each backend: rates with effective dates, quotes and their
moves (with the email and the case's wait on the client), time against approved quotes, prepaid
hours, the hand-off from support, the accounting export; every refusal names its field and
writes nothing.

The fixtures' clock reads Monday 9 March 2026, 10:00 Toronto.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.conftest import new_case
from wzdesk.core.billing import LineSpec, ServiceRole, parse_line_spec
from wzdesk.core.clock import FixedClock
from wzdesk.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UserError
from wzdesk.services import cases
from wzdesk.services.billing import export, prepaid, quotes, rates, time_log
from wzdesk.services.context import ServiceContext
from wzdesk.services.directory import add_client, add_contact
from wzdesk.store.models import (
    ALL_MODELS,
    AuditEntry,
    Case,
    CaseEvent,
    OutboundMail,
    Quote,
    SlaPause,
    TimeEntry,
)

TODAY = date(2026, 3, 9)


def counts() -> dict[str, int]:
    """Rows in every table: to prove a refused call wrote nothing."""
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def refused(error: type[UserError], field: str, call: Any, *args: Any, **kwargs: Any) -> str:
    """``call`` raises ``error`` naming ``field`` and writes nothing; returns the message."""
    before = counts()
    with pytest.raises(error) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field, caught.value
    assert counts() == before
    return caught.value.message


def lines(*specs: str) -> list[LineSpec]:
    return [parse_line_spec(spec) for spec in specs]


def audit_actions(entity: str = "quote") -> list[str]:
    rows = AuditEntry.select().where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    return [a.action for a in rows]


@pytest.fixture
def case_ref(agent: ServiceContext, acme: str) -> str:
    """An open services request of ACME's primary admin."""
    case = cases.open_case(agent, new_case(category="services", severity="moderate"))
    return str(case.ref)


@pytest.fixture
def quote_id(agent: ServiceContext, case_ref: str) -> int:
    """A draft: 1 day coordinator, 10 h specialist, 2.6 h programmer (total 2,775.00)."""
    quote = quotes.new_quote(
        agent,
        case_ref,
        "c",
        "Train five new administrators",
        lines("coordinator:1:d", "specialist:10:h", "programmer:2.6:h"),
    )
    return quote.id


@pytest.fixture
def approved(agent: ServiceContext, quote_id: int) -> int:
    quotes.move_quote(agent, quote_id, "send")
    quotes.move_quote(agent, quote_id, "approve")
    return quote_id


# -- rates ----------------------------------------------------------------------------------------


def test_shipped_rates_are_in_force(database: Any) -> None:
    card = rates.rates_in_force(TODAY)
    assert [(r.role.value, r.rate.day_cents, r.rate.hour_cents) for r in card.values()] == [
        ("coordinator", 120000, 15000),
        ("specialist", 100000, 12500),
        ("programmer", 100000, 12500),
    ]
    assert card[ServiceRole.COORDINATOR].as_dict()["day_rate"] == "1200.00"


def test_supervisor_schedules_a_rate_change(
    supervisor: ServiceContext,
    agent: ServiceContext,
    clock: FixedClock,
    quote_id: int,
    case_ref: str,
) -> None:
    before = quotes.show_quote(quote_id)
    row = rates.set_rate(supervisor, "coordinator", 1_300_00, 160_00, TODAY + timedelta(days=1))
    assert row.effective == TODAY + timedelta(days=1)
    assert rates.rate_card(TODAY)[ServiceRole.COORDINATOR].day_cents == 1_200_00  # not yet
    assert audit_actions("service_rate") == ["rate.set"]
    clock.advance(timedelta(days=1))
    later = quotes.new_quote(agent, case_ref, "a", "More", lines("coordinator:1:d"))
    assert quotes.show_quote(later.id)["lines"][0]["rate"] == "1300.00"
    assert quotes.show_quote(quote_id) == before  # the earlier quote keeps its rates
    history = [r.as_dict(TODAY) for r in rates.rate_history()]
    assert [(r["role"], r["effective"], r["scheduled"]) for r in history[:2]] == [
        ("coordinator", "1970-01-01", False),
        ("coordinator", "2026-03-10", True),
    ]


def test_rate_changes_are_refused_naming_the_field(
    supervisor: ServiceContext, agent: ServiceContext
) -> None:
    tomorrow = TODAY + timedelta(days=1)
    refused(PermissionDenied, None, rates.set_rate, agent, "coordinator", 1, 1, tomorrow)  # type: ignore[arg-type]
    message = refused(
        InvalidInput, "--effective", rates.set_rate, supervisor, "specialist", 1, 1, TODAY
    )
    assert "after today" in message
    refused(InvalidInput, "ROLE", rates.set_rate, supervisor, "boss", 1, 1, tomorrow)
    refused(InvalidInput, "--day", rates.set_rate, supervisor, "specialist", 0, 1, tomorrow)
    refused(InvalidInput, "--hour", rates.set_rate, supervisor, "specialist", 1, -5, tomorrow)


# -- quotes ---------------------------------------------------------------------------------------


def test_new_quote_is_priced_at_todays_rates(case_ref: str, quote_id: int) -> None:
    view = quotes.show_quote(f"Q-{quote_id}")
    assert view["status"] == "draft"
    assert view["service_type_name"] == "Training"
    assert [
        (line["role"], line["quantity"], line["unit"], line["rate"], line["amount"])
        for line in view["lines"]
    ] == [
        ("coordinator", "1.00", "d", "1200.00", "1200.00"),
        ("specialist", "10.00", "h", "125.00", "1250.00"),
        ("programmer", "2.60", "h", "125.00", "325.00"),
    ]
    assert (view["subtotal"], view["discount"], view["total"]) == ("2775.00", "0.00", "2775.00")
    assert view["quoted_hours"] == "20.60"  # a day is 8 hours
    assert view["rates_on"] == "2026-03-09"
    events = CaseEvent.select().where(CaseEvent.kind == "quote")
    assert [e.body for e in events] == [f"Quote Q-{quote_id} draft: c) Training; total 2775.00."]
    assert audit_actions() == ["quote.new"]
    assert cases.get_case(case_ref).version == 2  # consoles showing the case re-read it


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"service_type": "k"}, "--type", "expected one of a, b"),
        ({"scope": "  "}, "--scope", "must not be empty"),
        ({"lines": []}, "--line", "at least one line"),
        ({"discount": 100_01}, "--discount", "from 0 to 100"),
    ],
)
def test_new_quote_refuses_bad_input(
    agent: ServiceContext, case_ref: str, kwargs: dict[str, Any], field: str, message: str
) -> None:
    values: dict[str, Any] = {
        "service_type": "a",
        "scope": "Configure approvals",
        "lines": lines("specialist:4:h"),
    }
    values.update(kwargs)
    text = refused(InvalidInput, field, quotes.new_quote, agent, case_ref, **values)
    assert message in text


def test_no_quote_on_a_closed_or_resolved_case(agent: ServiceContext, case_ref: str) -> None:
    cases.resolve(agent, case_ref, "Answered.")
    text = refused(
        InvalidInput, "status", quotes.new_quote, agent, case_ref, "a", "x", lines("specialist:1:h")
    )
    assert "resolved" in text and "reopen it first" in text
    cases.close(agent, case_ref)
    text = refused(
        InvalidInput, "status", quotes.new_quote, agent, case_ref, "a", "x", lines("specialist:1:h")
    )
    assert "closed" in text
    refused(NotFound, "REF", quotes.new_quote, agent, "WZ-9", "a", "x", lines("specialist:1:h"))


def test_phone_staff_may_not_quote(phone_staff: ServiceContext, case_ref: str) -> None:
    refused(
        PermissionDenied,
        None,
        quotes.new_quote,
        phone_staff,
        case_ref,
        "a",
        "x",
        lines("specialist:1:h"),
    )


def test_edit_a_draft(agent: ServiceContext, quote_id: int) -> None:
    quotes.edit_quote(agent, quote_id, lines=lines("programmer:3:d"), discount=10_00)
    view = quotes.show_quote(quote_id)
    assert [line["amount"] for line in view["lines"]] == ["3000.00"]
    assert (view["subtotal"], view["discount"], view["total"]) == ("3000.00", "300.00", "2700.00")
    assert view["version"] == 2
    refused(
        Conflict, "version", quotes.edit_quote, agent, quote_id, scope="New", expected_version=1
    )
    quotes.move_quote(agent, quote_id, "send")
    text = refused(InvalidInput, "ID", quotes.edit_quote, agent, quote_id, scope="Changed")
    assert "only a draft" in text


def test_send_emails_the_admin_and_the_case_waits_on_the_client(
    agent: ServiceContext, case_ref: str, quote_id: int
) -> None:
    quotes.move_quote(agent, quote_id, "send")
    case = cases.get_case(case_ref)
    assert case.status == "waiting_client"
    assert case.paused_since is not None
    assert SlaPause.select().where(SlaPause.case == case, SlaPause.ended_at.is_null()).count() == 1
    assert case.first_response_at is not None  # the client got an answer
    mail = OutboundMail.get(OutboundMail.kind == "quote_sent")  # not the acknowledgment
    assert mail.recipients == "ana@acme.example"
    assert mail.subject == f"[{case_ref}] Quote Q-{quote_id}: Training"
    assert "Total: $2,775.00" in mail.raw and "Hello Ana," in mail.raw
    sent_event = CaseEvent.get(CaseEvent.id == mail.event_id)
    assert sent_event.public and sent_event.kind == "quote"
    assert "Emailed to Ana Diaz <ana@acme.example>" in sent_event.body
    assert quotes.show_quote(quote_id)["sent_at"] == "2026-03-09T10:00:00-04:00"

    quotes.move_quote(agent, quote_id, "approve")
    case = cases.get_case(case_ref)
    assert case.status == "open" and case.paused_since is None  # the clock runs again
    quotes.move_quote(agent, quote_id, "start")
    quotes.move_quote(agent, quote_id, "done")
    assert quotes.show_quote(quote_id)["status"] == "done"
    assert audit_actions() == [
        "quote.new",
        "quote.send",
        "quote.approve",
        "quote.start",
        "quote.done",
    ]


def test_sending_a_quote_sends_one_email_and_the_reminder_asks_for_its_answer(
    agent: ServiceContext, supervisor: ServiceContext, clock: FixedClock, case_ref: str
) -> None:
    """The quote's email says what the case waits for: no second "we need the following"
    email quoting the last reply (it asked for a screenshot), and the waiting reminder asks
    for the quote's answer too (QA finding 2)."""
    from wzdesk.services.notice_settings import change_notice_settings
    from wzdesk.services.notify import Notifier

    cases.reply(agent, case_ref, "Could you send a screenshot of the error?")
    cases.set_status(agent, case_ref, "open")
    quote = quotes.new_quote(agent, case_ref, "c", "Training", lines("specialist:2:h"))
    before = OutboundMail.select().count()
    quotes.move_quote(agent, quote.id, "send")
    sent = OutboundMail.select().where(OutboundMail.id > before).order_by(OutboundMail.id)
    assert [mail.kind for mail in sent] == ["quote_sent"]
    change_notice_settings(supervisor, remind_after=1)
    clock.advance(timedelta(days=1))
    Notifier(agent).run_round()
    reminder = OutboundMail.get(OutboundMail.kind == "reminder")
    assert "screenshot" not in reminder.raw
    assert (
        f"Your answer to our quote Q-{quote.id} (total $250.00), which we emailed to you: "
        "please reply to approve or decline it." in reminder.raw.replace("=\n", "")
    )


@pytest.mark.parametrize("state", ["resolved", "closed"])
@pytest.mark.parametrize(
    ("moves", "verb"),
    [(["send"], "approve"), (["send"], "decline"), (["send", "approve"], "start"),
     (["send", "approve", "start"], "done")],
)  # fmt: skip
def test_a_quote_on_a_resolved_or_closed_case_does_not_move(
    agent: ServiceContext,
    case_ref: str,
    quote_id: int,
    state: str,
    moves: list[str],
    verb: str,
) -> None:
    """Quotes are made on open cases only, and closed is final: no move writes the quote's
    events on a case that is no longer open (QA finding 4: approve, start and done did)."""
    for move in moves:
        quotes.move_quote(agent, quote_id, move)
    cases.resolve(agent, case_ref, "Answered")
    if state == "closed":
        cases.close(agent, case_ref)
    text = refused(InvalidInput, "status", quotes.move_quote, agent, quote_id, verb)
    assert text.startswith(f"{case_ref} is {state}; cannot ")
    assert f"Q-{quote_id} on it" in text
    assert ("(reopen it first)" in text) is (state == "resolved")


def test_no_time_is_logged_on_a_closed_case(
    agent: ServiceContext, case_ref: str, approved: int
) -> None:
    cases.resolve(agent, case_ref, "Answered")
    logged = time_log.log_time(agent, approved, "specialist", 1_00)  # work done before
    assert logged.entry.hours_hundredths == 1_00
    cases.close(agent, case_ref)
    text = refused(InvalidInput, "QUOTE", time_log.log_time, agent, approved, "specialist", 1_00)
    assert text == (
        f"{case_ref} is closed; time cannot be logged on Q-{approved} "
        "(open a new case for more work)"
    )


def test_time_is_not_dated_before_the_quote_was_approved(
    agent: ServiceContext, clock: FixedClock, quote_id: int
) -> None:
    """Work starts once a quote is approved: an entry dated earlier is refused, naming --date
    (QA finding 6: a year back was taken, into a period perhaps exported already)."""
    quotes.move_quote(agent, quote_id, "send")
    clock.advance(timedelta(days=2, hours=13))  # Wed 11 March, 23:00 Toronto (03:00 UTC)
    quotes.move_quote(agent, quote_id, "approve")
    clock.advance(timedelta(days=1))
    for day in (date(2025, 3, 20), date(2026, 3, 10)):
        text = refused(
            InvalidInput, "--date", time_log.log_time, agent, quote_id, "specialist", 1_00, day
        )
        assert text == (
            f"is before Q-{quote_id} was approved (2026-03-11); work on it starts once it "
            "is approved"
        )
    logged = time_log.log_time(agent, quote_id, "specialist", 1_00, date(2026, 3, 11))
    assert logged.entry.work_date == date(2026, 3, 11)  # the approval's own day, in Toronto


def test_a_declined_quote_reopens_the_case(
    agent: ServiceContext, case_ref: str, quote_id: int
) -> None:
    quotes.move_quote(agent, quote_id, "send")
    quotes.move_quote(agent, quote_id, "decline")
    assert cases.get_case(case_ref).status == "open"
    assert quotes.show_quote(quote_id)["next"] == []


@pytest.mark.parametrize(
    ("moves", "verb"),
    [
        ([], "approve"),
        ([], "start"),
        (["send"], "send"),
        (["send"], "done"),
        (["send", "decline"], "approve"),
        (["send", "approve"], "decline"),
    ],
)
def test_moves_out_of_order_are_refused(
    agent: ServiceContext, quote_id: int, moves: list[str], verb: str
) -> None:
    for move in moves:
        quotes.move_quote(agent, quote_id, move)
    text = refused(InvalidInput, "ID", quotes.move_quote, agent, quote_id, verb)
    assert text.startswith(f"Q-{quote_id} is ")


def test_sending_needs_a_complete_quote_and_an_admin_with_email(
    supervisor: ServiceContext, agent: ServiceContext, case_ref: str
) -> None:
    cases.escalate(agent, case_ref, "Professional services", "Scope the training")
    draft = quotes.quotes_of_case(case_ref)[0]
    assert draft["service_type"] is None and draft["lines"] == []
    refused(InvalidInput, "--type", quotes.move_quote, agent, draft["id"], "send")
    quotes.edit_quote(agent, draft["id"], service_type="c")
    refused(InvalidInput, "--line", quotes.move_quote, agent, draft["id"], "send")

    add_client(supervisor, "NOML", "No Mail Ltd")
    add_contact(supervisor, "NOML", "Phil Phone", None, "416 555 0199", admin_rank="primary")
    other = cases.open_case(agent, new_case(client="NOML", contact="416 555 0199"))
    quote = quotes.new_quote(agent, str(other.ref), "c", "Training", lines("specialist:2:h"))
    text = refused(InvalidInput, "contact", quotes.move_quote, agent, quote.id, "send")
    assert "no client admin of NOML has an email address" in text


# -- time -----------------------------------------------------------------------------------------


def test_time_against_an_approved_quote(
    agent: ServiceContext, approved: int, case_ref: str, clock: FixedClock
) -> None:
    clock.advance(timedelta(days=3))
    logged = time_log.log_time(agent, approved, "specialist", 7_00, note="Day one")
    assert logged.warning is None
    assert logged.as_dict()["amount"] == "875.00"
    logged = time_log.log_time(agent, approved, "specialist", 1_00, TODAY)  # approval day
    assert (
        logged.warning
        == "specialist has used 80% of the hours quoted on Q-1 (8.00 of 10.00 h)".replace(
            "Q-1", f"Q-{approved}"
        )
    )
    view = quotes.show_quote(approved)
    assert view["used_hours"] == "8.00"
    assert view["usage"][1] == {
        "role": "specialist",
        "quoted_hours": "10.00",
        "used_hours": "8.00",
        "percent_used": 80,
    }
    timeline = CaseEvent.select().where(CaseEvent.kind == "time").order_by(CaseEvent.id)
    assert [e.body for e in timeline] == [
        f"7.00 h specialist on Q-{approved} (2026-03-12): Day one",
        f"1.00 h specialist on Q-{approved} (2026-03-09)",
    ]
    assert audit_actions("time_entry") == ["time.log", "time.log"]


def test_overrun_is_refused_unless_a_supervisor_allows_it(
    supervisor: ServiceContext, agent: ServiceContext, approved: int
) -> None:
    time_log.log_time(agent, approved, "programmer", 2_00)
    text = refused(InvalidInput, "--hours", time_log.log_time, agent, approved, "programmer", 1_00)
    assert "would bring programmer to 3.00 h of the 2.60 h quoted" in text
    assert "supervisor" in text
    refused(
        PermissionDenied,
        "--allow-overrun",
        time_log.log_time,
        agent,
        approved,
        "programmer",
        1_00,
        allow_overrun=True,
    )
    logged = time_log.log_time(supervisor, approved, "programmer", 1_00, allow_overrun=True)
    assert logged.entry.overrun_allowed_by == "sam"
    assert logged.warning and logged.warning.startswith("over the quote, allowed by sam")


@pytest.mark.parametrize(
    ("args", "kwargs", "field", "message"),
    [
        (("boss", 1_00), {}, "--role", "expected one of"),
        (("specialist", 0), {}, "--hours", "more than zero"),
        (("specialist", -1_00), {}, "--hours", "more than zero"),
        (("specialist", 1_00, date(2026, 3, 10)), {}, "--date", "after today"),
    ],
)
def test_time_refuses_bad_input(
    agent: ServiceContext,
    approved: int,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    field: str,
    message: str,
) -> None:
    assert message in refused(
        InvalidInput, field, time_log.log_time, agent, approved, *args, **kwargs
    )


def test_time_needs_an_approved_quote_and_a_quoted_role(
    agent: ServiceContext, case_ref: str, quote_id: int
) -> None:
    text = refused(InvalidInput, "QUOTE", time_log.log_time, agent, quote_id, "specialist", 1_00)
    assert "is draft; time is logged against an approved quote" in text
    quotes.move_quote(agent, quote_id, "send")
    text = refused(InvalidInput, "QUOTE", time_log.log_time, agent, quote_id, "specialist", 1_00)
    assert "approve it first" in text
    other = quotes.new_quote(agent, case_ref, "a", "Config", lines("coordinator:2:h"))
    quotes.move_quote(agent, other.id, "send")
    quotes.move_quote(agent, other.id, "approve")
    text = refused(InvalidInput, "--role", time_log.log_time, agent, other.id, "programmer", 1_00)
    assert "no programmer line (its roles: coordinator)" in text
    refused(NotFound, "QUOTE", time_log.log_time, agent, 999, "programmer", 1_00)


# -- prepaid hours --------------------------------------------------------------------------------


def test_prepaid_purchases_with_and_without_tiers(
    supervisor: ServiceContext, agent: ServiceContext, acme: str
) -> None:
    assert prepaid.list_tiers() == []  # the shipped configuration invents none
    first = prepaid.buy(agent, "acme", 40_00)
    assert (first["list_price"], first["discount"], first["price"]) == (
        "5000.00",
        "0.00",
        "5000.00",
    )
    prepaid.set_tier(supervisor, 40_00, 5_00)
    prepaid.set_tier(supervisor, 80_00, 10_00)
    refused(PermissionDenied, None, prepaid.set_tier, agent, 20_00, 2_00)
    refused(InvalidInput, "--discount", prepaid.set_tier, supervisor, 20_00, 100_00)
    second = prepaid.buy(agent, "ACME", 100_00, "coordinator", note="PO 4471")
    assert (second["hour_rate"], second["discount_percent"], second["price"]) == (
        "150.00",
        "10.00",
        "13500.00",
    )
    assert second["balance_hours"] == "140.00"
    prepaid.set_tier(supervisor, 80_00, 15_00)  # a later tier change leaves the sale alone
    assert prepaid.balance("ACME")["lines"][1]["price"] == "13500.00"
    prepaid.remove_tier(supervisor, 40_00)
    assert [t.min_hours for t in prepaid.list_tiers()] == [80_00]
    refused(NotFound, "--min-hours", prepaid.remove_tier, supervisor, 40_00)
    refused(InvalidInput, "--hours", prepaid.buy, agent, "ACME", 0)
    refused(NotFound, "CLIENT", prepaid.buy, agent, "NOPE", 1_00)


def test_prepaid_work_draws_the_balance_down_and_never_overdraws(
    agent: ServiceContext, supervisor: ServiceContext, case_ref: str, quote_id: int
) -> None:
    quotes.move_quote(agent, quote_id, "send")
    prepaid.buy(agent, "ACME", 10_00)
    text = refused(
        InvalidInput, "--prepaid", quotes.move_quote, agent, quote_id, "approve", prepaid=True
    )
    assert "ACME has 10.00 prepaid hours left; Q-" in text and "needs 20.60" in text
    prepaid.buy(agent, "ACME", 15_00)
    quotes.move_quote(agent, quote_id, "approve", prepaid=True)
    time_log.log_time(agent, quote_id, "coordinator", 8_00)
    time_log.log_time(agent, quote_id, "specialist", 10_00)
    # Work on another prepaid quote uses hours up in between.
    other = quotes.new_quote(agent, case_ref, "g", "Report tweak", lines("programmer:4:h"))
    quotes.move_quote(agent, other.id, "send")
    quotes.move_quote(agent, other.id, "approve", prepaid=True)
    time_log.log_time(agent, other.id, "programmer", 4_00)
    # An overrun there may not take the 2.60 h still promised to the first quote.
    text = refused(
        InvalidInput,
        "--hours",
        time_log.log_time,
        supervisor,
        other.id,
        "programmer",
        1_00,
        allow_overrun=True,
    )
    assert text == (
        "would overdraw ACME's prepaid hours: 0.40 h free "
        f"(3.00 h left, 2.60 h promised to Q-{quote_id}), 1.00 h logged"
    )
    time_log.log_time(supervisor, other.id, "programmer", 40, allow_overrun=True)
    time_log.log_time(agent, quote_id, "programmer", 2_60)
    text = refused(
        InvalidInput,
        "--hours",
        time_log.log_time,
        supervisor,
        quote_id,
        "programmer",
        1_00,
        allow_overrun=True,
    )
    assert text == "would overdraw ACME's prepaid hours: 0.00 h left, 1.00 h logged"
    result = prepaid.balance("ACME")
    assert (result["purchased_hours"], result["used_hours"], result["balance_hours"]) == (
        "25.00",
        "25.00",
        "0.00",
    )
    assert [
        (line["kind"], line["hours_in"], line["hours_out"], line["balance"])
        for line in result["lines"]
    ] == [
        ("purchase", "10.00", "0.00", "10.00"),
        ("purchase", "15.00", "0.00", "25.00"),
        ("time", "0.00", "8.00", "17.00"),
        ("time", "0.00", "10.00", "7.00"),
        ("time", "0.00", "4.00", "3.00"),
        ("time", "0.00", "0.40", "2.60"),
        ("time", "0.00", "2.60", "0.00"),
    ]
    assert result["lines"][2]["case"] == case_ref and result["lines"][2]["role"] == "coordinator"


def test_prepaid_hours_promised_to_one_quote_are_not_promised_again(
    agent: ServiceContext, case_ref: str
) -> None:
    """Approving as prepaid promises the client the quote's hours: a second approval may use
    only the hours neither logged nor promised, so every approved prepaid quote can be worked
    (QA finding 1: two 30 h quotes were approved against 40 h, and the second was stuck)."""
    prepaid.buy(agent, "ACME", 40_00)
    first = quotes.new_quote(agent, case_ref, "c", "Training A", lines("specialist:30:h")).id
    second = quotes.new_quote(agent, case_ref, "a", "Config B", lines("programmer:30:h")).id
    for quote in (first, second):
        quotes.move_quote(agent, quote, "send")
    quotes.move_quote(agent, first, "approve", prepaid=True)
    text = refused(
        InvalidInput, "--prepaid", quotes.move_quote, agent, second, "approve", prepaid=True
    )
    assert text == (
        f"ACME has 40.00 prepaid hours left (30.00 h promised to Q-{first}; 10.00 free); "
        f"Q-{second} needs 30.00 (buy more hours, or approve it without --prepaid)"
    )
    result = prepaid.balance("ACME")
    assert (result["balance_hours"], result["promised_hours"], result["uncommitted_hours"]) == (
        "40.00",
        "30.00",
        "10.00",
    )
    assert result["promised"] == [
        {"quote": f"Q-{first}", "case": case_ref, "status": "approved", "hours": "30.00"}
    ]
    time_log.log_time(agent, first, "specialist", 12_00)  # logged hours are no longer promised
    result = prepaid.balance("ACME")
    assert (result["balance_hours"], result["promised_hours"], result["uncommitted_hours"]) == (
        "28.00",
        "18.00",
        "10.00",
    )
    prepaid.buy(agent, "ACME", 20_00)
    quotes.move_quote(agent, second, "approve", prepaid=True)
    time_log.log_time(agent, second, "programmer", 30_00)  # both can be worked in full
    time_log.log_time(agent, first, "specialist", 18_00)
    result = prepaid.balance("ACME")
    assert (result["balance_hours"], result["promised_hours"], result["uncommitted_hours"]) == (
        "0.00",
        "0.00",
        "0.00",
    )
    assert result["promised"] == []


def test_a_finished_prepaid_quote_gives_back_the_hours_it_did_not_use(
    agent: ServiceContext, case_ref: str
) -> None:
    prepaid.buy(agent, "ACME", 10_00)
    first = quotes.new_quote(agent, case_ref, "c", "Training", lines("specialist:8:h")).id
    quotes.move_quote(agent, first, "send")
    quotes.move_quote(agent, first, "approve", prepaid=True)
    quotes.move_quote(agent, first, "start")
    time_log.log_time(agent, first, "specialist", 5_00)
    assert prepaid.balance("ACME")["promised"][0]["status"] == "in_progress"
    assert prepaid.balance("ACME")["uncommitted_hours"] == "2.00"
    quotes.move_quote(agent, first, "done")
    assert prepaid.balance("ACME")["uncommitted_hours"] == "5.00"


def test_invoiced_work_leaves_prepaid_hours_alone(agent: ServiceContext, approved: int) -> None:
    prepaid.buy(agent, "ACME", 5_00)
    time_log.log_time(agent, approved, "specialist", 8_00)  # more than the block: not drawn
    assert prepaid.balance("ACME")["balance_hours"] == "5.00"


# -- the hand-off from support --------------------------------------------------------------------


def test_escalating_to_professional_services_opens_a_draft_quote(
    agent: ServiceContext, acme: str
) -> None:
    case = cases.open_case(agent, new_case(category="configuration"))
    ref = str(case.ref)
    cases.escalate(agent, ref, "Tier 2", "Look first")
    assert Quote.select().count() == 0
    cases.escalate(agent, ref, "professional-services", "Needs a new approval step")
    cases.escalate(agent, ref, "Professional Services", "Again")  # one live quote is enough
    [draft] = quotes.quotes_of_case(ref)
    assert (draft["status"], draft["origin"], draft["scope"]) == (
        "draft",
        "escalation",
        "Needs a new approval step",
    )
    assert cases.get_case(ref).status == "escalated"  # still in the queue
    kinds = [
        e.kind for e in CaseEvent.select().where(CaseEvent.case == case).order_by(CaseEvent.id)
    ]
    assert kinds == ["created", "escalate", "escalate", "quote", "escalate"]
    assert "quote.draft" in audit_actions()


def test_resolving_as_needing_services_opens_a_linked_services_case(
    agent: ServiceContext, acme: str
) -> None:
    case = cases.open_case(agent, new_case(channel="email"))
    ref = str(case.ref)
    cases.resolve(agent, ref, "This needs a half-day of training.", needs_services=True)
    assert cases.get_case(ref).status == "resolved"
    linked = Case.select().where(Case.category == "services").get()
    assert (linked.status, linked.severity, linked.channel) == ("new", "minor", "email")
    assert linked.contact.email == "ana@acme.example"
    assert linked.summary == "Professional services: Cannot post invoices"
    [draft] = quotes.quotes_of_case(str(linked.ref))
    assert (draft["origin"], draft["origin_case"]) == ("resolution", ref)
    assert draft["scope"] == "This needs a half-day of training."
    back = CaseEvent.get((CaseEvent.case == case) & (CaseEvent.kind == "handoff"))
    assert (
        back.body
        == f"Needs professional services: {linked.ref} opened with draft quote Q-{draft['id']}."
    )
    forth = CaseEvent.get((CaseEvent.case == linked) & (CaseEvent.kind == "handoff"))
    assert forth.body == f"Handed off from {ref} when it was resolved."


def test_a_refused_resolution_opens_nothing(agent: ServiceContext, acme: str) -> None:
    case = cases.open_case(
        agent, new_case(category="unexpected", steps_to_reproduce="x", affected_users="y")
    )
    refused(
        InvalidInput,
        "--classification",
        cases.resolve,
        agent,
        str(case.ref),
        "Done",
        needs_services=True,
    )


# -- export ---------------------------------------------------------------------------------------


def test_export_for_accounting(
    agent: ServiceContext, case_ref: str, approved: int, clock: FixedClock
) -> None:
    quotes.new_quote(agent, case_ref, "a", "Draft only", lines("specialist:1:h"))  # left out
    time_log.log_time(agent, approved, "specialist", 1_50)  # 9 March, the approval's day
    clock.advance(timedelta(days=10))
    time_log.log_time(agent, approved, "coordinator", 2_00, note="Kick-off")
    prepaid.buy(agent, "ACME", 40_00)
    rows = export.export_rows(agent, TODAY + timedelta(days=3), TODAY + timedelta(days=10))
    assert [row["kind"] for row in rows] == ["time", "prepaid_purchase"]
    time_row, purchase_row = rows
    assert (time_row["role"], time_row["hours"], time_row["rate"], time_row["amount"]) == (
        "coordinator",
        "2.00",
        "150.00",
        "300.00",
    )
    assert (purchase_row["client"], purchase_row["amount"]) == ("ACME", "5000.00")
    csv_text = export.to_csv(rows)
    assert csv_text.splitlines()[0] == ",".join(export.COLUMNS)
    assert (
        f"time,2026-03-19,ACME,{case_ref},Q-{approved},approved,coordinator,2.00,h,2.00,150.00,,300.00,no,kim,Kick-off"
        in csv_text
    )
    earlier = export.export_rows(agent, TODAY, TODAY)
    assert [row["kind"] for row in earlier] == [
        "quote",
        "quote_line",
        "quote_line",
        "quote_line",
        "time",
    ]
    assert (earlier[0]["quote"], earlier[0]["amount"], earlier[0]["status"]) == (
        f"Q-{approved}",
        "2775.00",
        "approved",
    )
    assert earlier[4]["hours"] == "1.50"
    refused(InvalidInput, "--to", export.export_rows, agent, TODAY, TODAY - timedelta(days=1))


# -- demo data ------------------------------------------------------------------------------------


def test_demo_data_shows_example_tiers_quotes_and_prepaid_hours(
    database: Any, clock: FixedClock
) -> None:
    from wzdesk.services.demo import generate
    from wzdesk.store.models import Client

    generate(clock, 300)
    assert [(t.min_hours, t.discount) for t in prepaid.list_tiers()] == [
        (40_00, 5_00),
        (80_00, 10_00),
        (160_00, 15_00),
    ]
    statuses = {q.status for q in Quote.select()}
    assert {"draft", "sent", "approved"} <= statuses
    for quote in Quote.select():
        view = quotes.show_quote(quote.id)
        assert view["lines"] and view["total"] != "0.00"
        if quote.status == "sent":
            assert quote.case.status == "waiting_client"
        for row in view["usage"]:
            assert int(row["used_hours"].replace(".", "")) <= int(
                row["quoted_hours"].replace(".", "")
            )
    buyers = [c for c in Client.select() if prepaid.balance(c.code)["lines"]]
    assert buyers
    for client in buyers:
        lines_ = prepaid.balance(client.code)["lines"]
        assert all(not line["balance"].startswith("-") for line in lines_)
    assert TimeEntry.select().count() > 0


# -- two sessions at once -------------------------------------------------------------------------


def _draw_together(contexts: list[ServiceContext], quote_id: int, hours: int) -> list[str]:
    """Each context logs ``hours`` on the quote in a thread of its own, all at once."""
    import threading

    from wzdesk.store.database import db

    start = threading.Barrier(len(contexts), timeout=10)
    outcomes: list[str] = []

    def draw(ctx: ServiceContext) -> None:
        with db.connection_context():
            start.wait()
            try:
                time_log.log_time(ctx, quote_id, "programmer", hours)
                outcomes.append("logged")
            except InvalidInput as error:
                assert error.field == "--hours", error
                outcomes.append("refused")

    threads = [threading.Thread(target=draw, args=(ctx,)) for ctx in contexts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_two_sessions_drawing_the_last_prepaid_hours_at_once(
    agent: ServiceContext, supervisor: ServiceContext, case_ref: str
) -> None:
    """Each draw checks the balance and writes in one transaction that holds the quote (and
    the client) until it ends, so of two simultaneous draws that each fit only alone, one wins."""
    for _ in range(5):
        prepaid.buy(agent, "ACME", 4_00)
        quote = quotes.new_quote(agent, case_ref, "f", "Load", lines("programmer:4:h"))
        quotes.move_quote(agent, quote.id, "send")
        quotes.move_quote(agent, quote.id, "approve", prepaid=True)
        assert _draw_together([agent, supervisor], quote.id, 3_00) == ["logged", "refused"]
        assert prepaid.balance("ACME")["balance_hours"] == "1.00"
        time_log.log_time(agent, quote.id, "programmer", 1_00)  # use the rest up
