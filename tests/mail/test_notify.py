"""``wzdesk notify``: SLA alerts by rule, within each case's business hours, each exactly once
(across restarts, and two processes racing on one SQLite or PostgreSQL database); reminders,
auto-resolve and auto-close by business days with ``WZDESK_NOW``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import Cli
from tests.conftest import TORONTO, local, new_case
from wzdesk.core.sla import Severity
from wzdesk.services import cases
from wzdesk.services.alerts import add_rule, alert_dict, remove_rule
from wzdesk.services.calendar import PolicyChange, add_policy_version
from wzdesk.services.cases import open_case
from wzdesk.services.directory import update_user
from wzdesk.services.notify import Notifier
from wzdesk.store.models import AlertClaim, AuditEntry, Case, Notification, OutboundMail

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def team(acme, supervisor, agent) -> None:
    """Sam (supervisor) and Kim (agent) have alert addresses; acknowledgments stay out."""
    update_user(supervisor, email="sam@vendor.example")
    update_user(supervisor, "kim", email="kim@vendor.example")


def staff_mail() -> list[tuple[str, str, str]]:
    rows = OutboundMail.select().where(OutboundMail.audience == "staff").order_by(OutboundMail.id)
    return [(row.kind, row.recipients, row.subject) for row in rows]


def test_at_risk_goes_to_the_assignee_and_breach_to_the_supervisors_once(
    team, supervisor, agent, clock
) -> None:
    case = open_case(supervisor, new_case())  # critical, Mon 10:00: at risk 13:00, due 14:00
    cases.assign(agent, case.ref, "kim")
    notifier = Notifier(agent)
    clock.advance(timedelta(hours=2, minutes=59))
    assert notifier.run_round().raised == []
    clock.advance(timedelta(minutes=2))  # 13:01
    [alert] = notifier.run_round().raised
    assert alert["kind"] == "alert_at_risk"
    assert alert["summary"] == (
        f"{case.ref} response at risk (due Monday 9 March, 14:00 EDT) -> kim <kim@vendor.example>"
    )
    assert staff_mail() == [
        (
            "alert_at_risk",
            "kim@vendor.example",
            f"[{case.ref}] response at risk: due Monday 9 March, 14:00 EDT",
        )
    ]
    assert notifier.run_round().raised == []  # once
    clock.advance(timedelta(hours=1))  # 14:01: breached
    [breach] = notifier.run_round().raised
    assert breach["kind"] == "alert_breach" and breach["to"] == "sam <sam@vendor.example>"
    row = OutboundMail.select().order_by(OutboundMail.id.desc()).first()
    assert "is 0h01m of business time overdue" in row.raw
    assert Notifier(agent).run_round().raised == []  # a restarted notify sends nothing again
    assert [e.action for e in AuditEntry.select().where(AuditEntry.action == "notify.alert")] == [
        "notify.alert",
        "notify.alert",
    ]


def test_unassigned_critical_alerts_the_supervisors_after_n_business_minutes(
    team, supervisor, agent, clock
) -> None:
    case = open_case(supervisor, new_case())
    minor = open_case(supervisor, new_case(severity="minor"))
    notifier = Notifier(agent)
    clock.advance(timedelta(minutes=29))
    assert notifier.run_round().raised == []
    clock.advance(timedelta(minutes=1))
    [alert] = notifier.run_round().raised
    assert (alert["kind"], alert["case"]) == ("alert_unassigned", case.ref)
    assert alert["summary"].startswith(f"{case.ref} critical case unassigned for 30 min")
    assert minor.ref not in str(staff_mail())


def test_unassigned_at_risk_goes_to_supervisors_and_a_user_without_email_is_named(
    team, supervisor, agent, phone_staff, clock
) -> None:
    remove_rule(supervisor, 3)  # no unassigned alert in this test
    add_rule(supervisor, "at_risk", ["critical"], "pat,kim")
    open_case(supervisor, new_case())
    clock.advance(timedelta(hours=3, minutes=1))
    # Rule 1 (unassigned, so the supervisors) and rule 4 match the one crossing: one alert.
    [sent] = Notifier(agent).run_round().raised
    assert sent["to"] == (
        "kim <kim@vendor.example>, sam <sam@vendor.example>, pat (no email on file)"
    )
    assert sorted(r for _, r, _ in staff_mail()) == ["kim@vendor.example", "sam@vendor.example"]
    # Raised for pat too, but emailed to kim and sam alone: the report said "sent" for all.
    assert (sent["emailed_to"], sent["not_emailed"]) == (
        ["kim@vendor.example", "sam@vendor.example"],
        ["pat"],
    )


def test_a_rule_that_is_already_there_is_refused_not_sent_twice(
    team, supervisor, agent, phone_staff, clock
) -> None:
    """Each rule alerts on its own, so the same rule added twice sent each alert twice. The
    same rule written in another order, or in another case, is the same rule; another
    severity or recipient is another rule."""
    from wzdesk.core.errors import InvalidInput
    from wzdesk.store.models import AlertRule

    add_rule(supervisor, "at_risk", ["critical", "major"], "pat,kim")
    before = AlertRule.select().count()
    for severities, to in ((["major", "critical"], "kim,pat"), (["Critical,MAJOR"], " PAT , kim")):
        with pytest.raises(InvalidInput) as refused:
            add_rule(supervisor, "at_risk", severities, to)
        assert refused.value.field == "--event" and "already alerts" in refused.value.message
    assert AlertRule.select().count() == before
    add_rule(supervisor, "at_risk", ["critical"], "pat,kim")  # another rule
    add_rule(supervisor, "at_risk", ["critical", "major"], "kim")  # another rule
    assert AlertRule.select().count() == before + 2


def test_overlapping_rules_alert_each_person_once_per_event(
    team, supervisor, agent, phone_staff, clock
) -> None:
    """Two rules matching one crossing alerted one person twice (each rule claimed its own
    alert). Now the rules' recipients are merged: one alert per person per event, naming the
    rules that matched; someone on one of the rules only gets one too; at risk and breached
    are still two events."""
    add_rule(supervisor, "at_risk", ["critical"], "kim,pat")  # rule 4, beside rule 1 (assignee)
    add_rule(supervisor, "breached", ["critical"], "sam,kim")  # rule 5, beside rule 2
    case = open_case(supervisor, new_case())  # critical, Mon 10:00: at risk 13:00, due 14:00
    cases.assign(agent, case.ref, "kim")
    notifier = Notifier(agent)
    clock.advance(timedelta(hours=3, minutes=1))  # 13:01
    [at_risk] = notifier.run_round().raised
    assert at_risk["to"] == "kim <kim@vendor.example>, pat (no email on file)"
    assert (at_risk["emailed_to"], at_risk["not_emailed"]) == (["kim@vendor.example"], ["pat"])
    assert notifier.run_round().raised == []
    clock.advance(timedelta(hours=1))  # 14:01: breached
    [breach] = notifier.run_round().raised
    assert breach["to"] == "kim <kim@vendor.example>, sam <sam@vendor.example>"
    assert Notifier(agent).run_round().raised == []
    assert sorted((kind, to) for kind, to, _ in staff_mail()) == [
        ("alert_at_risk", "kim@vendor.example"),
        ("alert_breach", "kim@vendor.example"),
        ("alert_breach", "sam@vendor.example"),
    ]
    records = [alert_dict(row, TORONTO) for row in Notification.select().order_by(Notification.id)]
    assert [(r["kind"], r["rule"], r["rules"]) for r in records] == [
        ("alert_at_risk", 1, [1, 4]),
        ("alert_breach", 2, [2, 5]),
    ]
    audits = AuditEntry.select().where(AuditEntry.action == "notify.alert")
    assert [json.loads(a.after_json)["rules"] for a in audits.order_by(AuditEntry.id)] == [
        [1, 4],
        [2, 5],
    ]
    stamp = int(case.response_due.timestamp())
    assert sorted(claim.key for claim in AlertClaim.select()) == [
        f"alert:{case.id}:response:at_risk:{stamp}",  # the event, then each person
        f"alert:{case.id}:response:at_risk:{stamp}:to:kim",
        f"alert:{case.id}:response:at_risk:{stamp}:to:pat",
        f"alert:{case.id}:response:breached:{stamp}",
        f"alert:{case.id}:response:breached:{stamp}:to:kim",
        f"alert:{case.id}:response:breached:{stamp}:to:sam",
    ]


def test_someone_who_joins_an_event_alerted_already_is_not_sent_it(
    team, supervisor, agent, clock
) -> None:
    """An event is alerted once, to the people its rules named then. A supervisor added to a
    desk with breaches standing was sent one alert per breach at the next round (each person
    claims an event of their own), and so was a case's next owner, who replaces its people
    (an outside probe: at risk to kim, reassigned to lee, at risk again to lee)."""
    from wzdesk.services.directory import add_user

    case = open_case(supervisor, new_case())  # critical, Mon 10:00: at risk 13:00, due 14:00
    cases.assign(agent, case.ref, "kim")
    notifier = Notifier(agent)
    clock.advance(timedelta(hours=3, minutes=1))  # 13:01: at risk (rule 1: the assignee)
    [at_risk] = notifier.run_round().raised
    assert at_risk["to"] == "kim <kim@vendor.example>"
    add_user(supervisor, "lee", "Lee Park", "agent")
    update_user(supervisor, "lee", email="lee@vendor.example")
    cases.assign(supervisor, case.ref, "lee")
    assert notifier.run_round().raised == []  # the same crossing: lee is not sent it again
    cases.assign(supervisor, case.ref, "kim")
    clock.advance(timedelta(hours=1))  # 14:01: breached (rule 2: the supervisors)
    kinds = sorted(alert["kind"] for alert in notifier.run_round().raised)
    assert kinds == ["alert_breach"]
    add_user(supervisor, "ada", "Ada Stone", "supervisor")
    update_user(supervisor, "ada", email="ada@vendor.example")
    cases.assign(supervisor, case.ref, "sam")
    assert notifier.run_round().raised == []
    assert [to for _, to, _ in staff_mail()] == ["kim@vendor.example", "sam@vendor.example"]


def test_overlapping_unassigned_rules_alert_each_supervisor_once(
    team, supervisor, agent, clock
) -> None:
    add_rule(supervisor, "unassigned", [], "supervisors", minutes=30)  # beside rule 3 (critical)
    add_rule(supervisor, "unassigned", [], "sam", minutes=60)  # another crossing
    case = open_case(supervisor, new_case())
    notifier = Notifier(agent)
    clock.advance(timedelta(minutes=30))
    [alert] = notifier.run_round().raised
    assert (alert["kind"], alert["case"], alert["to"]) == (
        "alert_unassigned",
        case.ref,
        "sam <sam@vendor.example>",
    )
    assert notifier.run_round().raised == []
    clock.advance(timedelta(minutes=30))  # an hour: the 60-minute rule's own crossing
    [later] = notifier.run_round().raised
    assert later["summary"].startswith(f"{case.ref} critical case unassigned for 60 min")
    assert [kind for kind, _, _ in staff_mail()] == ["alert_unassigned", "alert_unassigned"]


def test_a_login_named_twice_is_stored_once(team, supervisor, phone_staff) -> None:
    """``--to kim,kim`` was stored as ``kim,kim``."""
    assert add_rule(supervisor, "breached", [], "kim, KIM,pat,kim").recipients == "kim,pat"


def test_nothing_at_three_in_the_morning_for_an_office_hours_case(
    team, supervisor, agent, clock
) -> None:
    case = open_case(supervisor, new_case())  # Mon 10:00, office hours
    clock.advance(timedelta(hours=17))  # Tue 03:00: breached since Mon 14:00, but the desk sleeps
    report = Notifier(agent).run_round()
    assert report.raised == [] and report.waiting_for_hours == 2  # breach + unassigned
    assert Notification.select().count() == 0 and staff_mail() == []
    clock.advance(timedelta(hours=5))  # Tue 08:00: opening
    kinds = sorted(item["kind"] for item in Notifier(agent).run_round().raised)
    assert kinds == ["alert_breach", "alert_unassigned"]
    assert all(case.ref in subject for _, _, subject in staff_mail())


def test_an_around_the_clock_case_alerts_at_night(team, supervisor, agent, clock) -> None:
    add_policy_version(
        supervisor,
        PolicyChange(effective_from=clock.now(), around_the_clock={Severity.CRITICAL: True}),
    )
    clock.advance(timedelta(hours=12))  # Mon 22:00
    case = open_case(supervisor, new_case())
    cases.assign(agent, case.ref, "kim")
    clock.advance(timedelta(hours=5))  # Tue 03:00: 5 of 4 hours, around the clock
    [alert] = Notifier(agent).run_round().raised
    assert alert["kind"] == "alert_breach"


# -- exactly once across processes -----------------------------------------------------------------

#: A notify process that skips the cheap "already claimed?" look (so that both processes race to
#: claim every alert in the database) and starts its round at an agreed instant.
_RACER = """
import sys, time
import wzdesk.services.notify as notify
notify._already = lambda *args: set()
start = float(sys.argv[1])
time.sleep(max(0.0, start - time.time()))
from wzdesk.cli.main import main
raise SystemExit(main(["notify", "--once", "--no-send", "--json"], identity="kim"))
"""


def _racers(url: str, now: str, count: int = 2) -> list[dict[str, Any]]:
    env = {
        **os.environ,
        "WZDESK_DB": url,
        "WZDESK_NOW": now,
        "PYTHONPATH": str(ROOT),
    }
    start = time.time() + 3.0  # both interpreters are up by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(start)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return results


def test_two_notify_processes_send_each_alert_exactly_once(
    database_url, team, supervisor, agent, clock
) -> None:
    # Rules overlapping the default ones (breached -> supervisors; critical unassigned 30 min ->
    # supervisors): still one alert per person and event, whichever process claims it.
    add_rule(supervisor, "breached", ["critical"], "sam")
    add_rule(supervisor, "unassigned", [], "supervisors", minutes=30)
    refs = []
    for number in range(12):
        case = open_case(supervisor, new_case(summary=f"Problem {number}"))
        refs.append(case.ref)
    from wzdesk.store.database import db

    db.obj.close()  # the racers have the database to themselves
    results = _racers(database_url, "2026-03-09T14:30:00-04:00")  # every case breached
    sent = [item["case"] for result in results for item in result["raised"]]
    db.obj.connect(reuse_if_open=True)
    # 12 breaches + 12 unassigned criticals, each claimed by exactly one of the two processes.
    assert sorted(sent) == sorted(refs * 2)
    assert Notification.select().count() == 24
    # an event's key and its one person's (sam, the desk's supervisor): two keys an alert
    assert AlertClaim.select().count() == 48
    assert len(staff_mail()) == 24
    by_case = sorted((subject.split("]")[0], kind) for kind, _, subject in staff_mail())
    assert len(set(by_case)) == 24  # no alert twice
    # A third run (a restart) finds everything done.
    db.obj.close()
    [again] = _racers(database_url, "2026-03-09T14:31:00-04:00", count=1)
    db.obj.connect(reuse_if_open=True)
    assert again["raised"] == []
    assert Notification.select().count() == 24


# -- reminders, auto-resolve, auto-close by business days (the CLI, WZDESK_NOW) -------------


@pytest.fixture
def desk(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Cli:
    cli = Cli(database_url, monkeypatch, capsys)
    cli.ok("client", "add", "ACME", "--name", "Acme Corporation")
    cli.ok(
        "contact", "add", "--client", "ACME", "--name", "Ana Diaz",
        "--email", "ana@acme.example", "--primary",
    )  # fmt: skip
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    for rule in ("1", "2", "3"):  # client notices only, no alerts to the team
        cli.ok("alert", "rule", "remove", rule)
    return cli


def kinds(cli: Cli, ref: str) -> list[str]:
    return [m["kind"] for m in cli.ok("case", "show", ref, "--json").json["outgoing"]]


def test_reminder_then_auto_resolve_then_auto_close_by_business_days(desk: Cli) -> None:
    desk.ok("notices", "set", "--remind-after", "3", "--auto-resolve-after", "2")
    ref = desk.ok(
        "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
        "--severity", "minor", "--channel", "portal", "--category", "question",
        "--summary", "Report totals", "--json",
    ).json["ref"]  # fmt: skip
    desk.ok("case", "set", ref, "--status", "waiting_client", "--need", "Which report?", user="kim")
    # Mon 10:00 + 3 business days = Thu 12 March 10:00.
    assert desk.ok("notify", "--once", "--no-send", now="2026-03-12T09:59:00-04:00").out == ""
    round_ = desk.ok("notify", "--once", "--no-send", "--json", now="2026-03-12T10:00:00-04:00")
    [reminder] = round_.json["raised"]
    assert reminder["summary"].startswith(
        f"{ref} reminder to the client: waiting since Monday 9 March, 10:00 EDT"
    )
    assert (reminder["emailed_to"], reminder["not_emailed"]) == (["ana@acme.example"], [])
    assert kinds(desk, ref) == ["acknowledgment", "waiting", "reminder"]
    assert desk.ok("notify", "--once", "--no-send", now="2026-03-12T11:00:00-04:00").out == ""
    # + 2 more business days = Mon 16 March 10:00; nothing over the weekend.
    assert desk.ok("notify", "--once", "--no-send", now="2026-03-14T12:00:00-04:00").out == ""
    out = desk.ok("notify", "--once", "--no-send", now="2026-03-16T10:00:00-04:00").out
    assert out.startswith(f"{ref} resolved: no answer from the client for 5 business days")
    shown = desk.ok("case", "show", ref, "--json", now="2026-03-16T10:00:00-04:00").json
    assert shown["status"] == "resolved"
    assert shown["events"][-1]["body"] == (
        "Resolved automatically: no answer from the client for 5 business days."
    )
    assert kinds(desk, ref)[-1] == "auto_resolved"
    # Closed 7 days after the resolution (the reply window of the resolved notice).
    assert desk.ok("notify", "--once", "--no-send", now="2026-03-23T09:59:00-04:00").out == ""
    out = desk.ok("notify", "--once", "--no-send", now="2026-03-23T10:00:00-04:00").out
    assert out.startswith(f"{ref} closed: resolved 7 days ago with no reply")
    assert desk.ok("case", "show", ref, "--json").json["status"] == "closed"
    assert kinds(desk, ref)[-1] == "closed"
    database_actions = _actions(desk)
    assert database_actions.count("case.remind") == 1
    assert database_actions.count("case.auto_resolve") == 1


def _actions(cli: Cli) -> list[str]:
    from wzdesk.store.database import open_database

    database = open_database(cli.url)
    try:
        return [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    finally:
        database.close()


def test_auto_resolve_is_off_by_default_and_a_client_answer_stops_the_clock(desk: Cli) -> None:
    ref = desk.ok(
        "case", "open", "--client", "ACME", "--contact", "ana@acme.example",
        "--severity", "minor", "--channel", "phone", "--category", "question",
        "--summary", "Report totals", "--json",
    ).json["ref"]  # fmt: skip
    desk.ok("case", "set", ref, "--status", "waiting_client", user="kim")
    desk.ok("notify", "--once", "--no-send", now="2026-03-12T10:00:00-04:00")
    desk.ok("notify", "--once", "--no-send", now="2026-04-30T10:00:00-04:00")
    shown = desk.ok("case", "show", ref, "--json", now="2026-04-30T10:00:00-04:00").json
    assert shown["status"] == "waiting_client"  # reminded once, never resolved
    assert kinds(desk, ref) == ["acknowledgment", "waiting", "reminder"]


def test_notify_needs_an_agent(desk: Cli) -> None:
    desk.ok("user", "add", "pat", "--name", "Pat Moss", "--role", "phone")
    result = desk("notify", "--once", user="pat")
    assert result.code == 4 and "may not resolve a case" in result.err


def test_case_open_with_a_received_time_in_the_past(team, supervisor, agent, clock) -> None:
    """An old case entered late is alerted on at once (if its calendar is open)."""
    case = open_case(supervisor, new_case(received_at=local(2026, 3, 6, 12, 0)))
    cases.assign(agent, case.ref, "kim")
    [alert] = Notifier(agent).run_round().raised
    assert (alert["kind"], alert["case"]) == ("alert_breach", case.ref)
    assert Case.get_by_id(case.id).assignee_id is not None
