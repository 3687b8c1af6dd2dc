"""``wzdesk policy show|set``."""

from __future__ import annotations

from tests.cli.test_cli import Cli


def test_policy_set_then_due_instants_follow_it(cli: Cli) -> None:
    cli.ok("user", "list")  # the first user (sam) becomes the supervisor
    created = cli.ok(
        "policy",
        "set",
        "--effective",
        "2026-03-10",
        "--around-the-clock",
        "critical",
        "--response",
        "critical=2",
        "--note",
        "24x7 critical",
        "--json",
    ).json
    assert created["effective_from"] == "2026-03-10T00:00:00-04:00"
    assert created["targets"]["critical"] == {
        "response_hours": 2.0,
        "resolution_hours": 24.0,
        "around_the_clock": True,
        "response_days": None,
        "resolution_days": None,
    }
    # Friday 13 March 17:00 falls under the new version: 2 hours, around the clock.
    due = cli.ok(
        "sla", "due", "--severity", "critical", "--received", "2026-03-13T17:00:00-04:00", "--json"
    ).json
    assert due["response_due"] == "2026-03-13T19:00:00-04:00"
    # Friday 6 March falls under the shipped one.
    due = cli.ok(
        "sla", "due", "--severity", "critical", "--received", "2026-03-06T17:00:00-05:00", "--json"
    ).json
    assert due["response_due"] == "2026-03-09T11:00:00-04:00"
    versions = cli.ok("policy", "show", "--json").json
    assert [v["id"] for v in versions] == [1, 2]


def test_policy_set_refusals(cli: Cli) -> None:
    cli.ok("user", "list")
    cli.ok("user", "add", "kim", "--name", "Kim Lee", "--role", "agent")
    before = cli.counts()
    denied = cli("policy", "set", "--effective", "2026-03-10", "--at-risk", "0.8", user="kim")
    assert denied.code == 4
    past = cli("policy", "set", "--effective", "2026-03-01")
    assert past.code == 2 and "--effective" in past.error_line
    bad = cli("policy", "set", "--effective", "2026-03-10", "--response", "critical=soon")
    assert bad.code == 2 and "SEVERITY=HOURS" in bad.error_line
    assert cli.counts() == before


def test_case_show_labels_24x7_time_as_counted_around_the_clock(desk: Cli) -> None:
    """Seen in a review: a critical case counted 24x7 showed "at_risk (0h59m business)" on a
    Saturday; that time is not business time."""
    from tests.cli.test_cli import open_case

    desk.ok("policy", "set", "--effective", "2026-03-10", "--around-the-clock", "critical")
    saturday = "2026-03-14T10:00:00-04:00"
    ref = open_case(desk, "--received", saturday, now=saturday)["ref"]
    shown = desk.ok("case", "show", ref, now="2026-03-14T13:01:00-04:00")
    assert "at_risk  (0h59m around the clock)" in shown.out, shown.out
    assert "business" not in shown.out
    as_json = desk.ok("case", "show", ref, "--json", now="2026-03-14T13:01:00-04:00").json
    assert as_json["around_the_clock"] is True
    assert as_json["response_remaining_seconds"] == 59 * 60
    other = open_case(desk, "--received", saturday, severity="major", now=saturday)["ref"]
    assert "(10h00m business)" in desk.ok("case", "show", other, now=saturday).out
    explained = desk.ok("case", "explain", ref, now="2026-03-14T13:01:00-04:00").out
    assert "counted 10860 seconds (24x7)" in explained and "business" not in explained
