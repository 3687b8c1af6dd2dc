"""``holidays add/remove --dry-run`` and ``policy set --dry-run``: the what-if before saving."""

from __future__ import annotations

from tests.cli.test_cli import Cli, open_case


def test_holiday_dry_run_then_save(desk: Cli) -> None:
    # Friday 10:00 major case: 10 business hours -> Monday 10:00, breached at Monday 11:00.
    case = open_case(desk, "--received", "2026-03-06T10:00:00-05:00", severity="major")
    later = "2026-03-09T11:00:00-04:00"
    before = desk.counts()
    dry = desk.ok("holidays", "add", "2026-03-09", "--dry-run", "--json", now=later).json
    assert desk.counts() == before  # nothing written
    assert dry["retimed"]["dry_run"] is True
    (move,) = dry["retimed"]["cases"]
    assert move["ref"] == case["ref"]
    assert move["response_due"]["before"] == "2026-03-09T10:00:00-04:00"
    assert move["response_due"]["after"] == "2026-03-10T10:00:00-04:00"
    assert move["response_due"]["shift_seconds"] == 86400
    assert dry["retimed"]["no_longer_breached"] == [case["ref"]]
    text = desk.ok("holidays", "add", "2026-03-09", "--dry-run", now=later).out
    assert f"would re-time 1 open case(s)\n  {case['ref']}  response" in text
    assert "(+24h00m)" in text and "no longer breached: response" in text
    saved = desk.ok("holidays", "add", "2026-03-09", "--json", now=later).json
    assert saved["retimed"]["cases"] == dry["retimed"]["cases"]
    shown = desk.ok("case", "show", case["ref"], "--json", now=later).json
    assert shown["response_due"] == "2026-03-10T10:00:00-04:00"
    removal = desk.ok("holidays", "remove", "2026-03-09", "--dry-run", "--json", now=later).json
    assert removal["retimed"]["newly_breached"] == [case["ref"]]
    text = desk.ok("holidays", "remove", "2026-03-09", now=later).out
    assert "NEWLY BREACHED: response" in text


def test_policy_set_dry_run_writes_nothing(desk: Cli) -> None:
    before = desk.counts()
    result = desk.ok(
        "policy", "set", "--effective", "2026-03-10", "--hours", "09:00-17:00", "--dry-run"
    )
    assert "policy version 2 would take effect" in result.out
    assert "would re-time 0 open case(s)" in result.out
    assert desk.counts() == before
    assert len(desk.ok("policy", "show", "--json").json) == 1
