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
    assert f"would re-time 1 case(s)\n  {case['ref']}  response" in text
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
    assert "would re-time 0 case(s)" in result.out
    assert desk.counts() == before
    assert len(desk.ok("policy", "show", "--json").json) == 1


def test_policy_set_per_weekday_hours(cli: Cli) -> None:
    cli.ok("user", "list")
    created = cli.ok(
        "policy", "set", "--effective", "2026-03-10",
        "--hours", "mon-thu=08:00-18:00", "--hours", "fri=08:00-16:00",
        "--hours", "sat=09:00-12:00", "--json",
    ).json  # fmt: skip
    assert created["hours"] == {
        "mon": "08:00-18:00",
        "tue": "08:00-18:00",
        "wed": "08:00-18:00",
        "thu": "08:00-18:00",
        "fri": "08:00-16:00",
        "sat": "09:00-12:00",
    }
    shown = cli.ok("policy", "show").out
    assert "mon-fri 08:00-18:00;" in shown  # the shipped version keeps its own week
    assert "mon-thu 08:00-18:00, fri 08:00-16:00, sat 09:00-12:00;" in shown
    # Major (10 business hours) received Friday 13 March 15:00: Fri 15-16 (1h),
    # Sat 09-12 (3h), Mon 08-14 (6h).
    due = cli.ok(
        "sla", "due", "--severity", "major", "--received", "2026-03-13T15:00:00-04:00", "--json"
    ).json
    assert due["response_due"] == "2026-03-16T14:00:00-04:00"
    # Friday 6 March falls under the shipped version: Fri 15-18 (3h), Mon 08-15 (7h).
    due = cli.ok(
        "sla", "due", "--severity", "major", "--received", "2026-03-06T15:00:00-05:00", "--json"
    ).json
    assert due["response_due"] == "2026-03-09T15:00:00-04:00"


def test_policy_set_lunch_break_and_night_line(cli: Cli) -> None:
    cli.ok("user", "list")
    cli.ok("policy", "set", "--effective", "2026-03-10", "--hours", "09:00-12:00,13:00-18:00")
    cli.ok("policy", "set", "--effective", "2026-03-20", "--hours", "mon-fri=23:00-07:00")
    shown = cli.ok("policy", "show").out
    assert "mon-fri 09:00-12:00,13:00-18:00;" in shown
    assert "mon-fri 23:00-07:00;" in shown
    # Critical (4h) received Friday 27 March 22:00 on the night line: Fri 23:00 -> Sat 03:00.
    due = cli.ok(
        "sla", "due", "--severity", "critical", "--received", "2026-03-27T22:00:00-04:00", "--json"
    ).json
    assert due["response_due"] == "2026-03-28T03:00:00-04:00"


def test_policy_set_bad_hours_name_the_field(cli: Cli) -> None:
    cli.ok("user", "list")
    for bad in (["xyz=08:00-18:00"], ["mon=20:00-09:00", "tue=08:00-18:00"], ["sun=closed"]):
        args = [a for spec in bad for a in ("--hours", spec)]
        result = cli("policy", "set", "--effective", "2026-03-10", *args)
        assert result.code == 2, bad
        assert "--hours" in result.error_line
    assert len(cli.ok("policy", "show", "--json").json) == 1


def test_a_half_day_re_times_and_every_face_agrees(desk: Cli) -> None:
    # Critical received Monday 9 March 09:00: resolution (24h) Mon 9h + Tue 10h + Wed 5h.
    case = open_case(desk, "--received", "2026-03-09T09:00:00-04:00")
    assert case["resolution_due"] == "2026-03-11T13:00:00-04:00"
    dry = desk.ok(
        "holidays", "add", "2026-03-10", "--hours", "08:00-12:00", "--name", "Offsite",
        "--dry-run", "--json",
    ).json  # fmt: skip
    assert dry["hours"] == "08:00-12:00"
    (move,) = dry["retimed"]["cases"]
    # Tuesday keeps 4 hours: Mon 9h + Tue 4h + Wed 10h + Thu 1h -> Thursday 09:00.
    assert move["resolution_due"]["after"] == "2026-03-12T09:00:00-04:00"
    assert move["response_due"]["shift_seconds"] == 0
    assert desk.ok("holidays", "list", "--json").json == []
    text = desk.ok("holidays", "add", "2026-03-10", "--hours", "08:00-12:00").out
    assert "holiday 2026-03-10 (open 08:00-12:00)" in text
    assert desk.ok("holidays", "list", "--json").json == [
        {"date": "2026-03-10", "name": "", "hours": "08:00-12:00"}
    ]
    due = desk.ok(
        "sla", "due", "--severity", "critical", "--received", "2026-03-09T09:00:00-04:00", "--json"
    ).json
    shown = desk.ok("case", "show", case["ref"], "--json").json
    assert due["resolution_due"] == shown["resolution_due"] == "2026-03-12T09:00:00-04:00"
    assert due["response_due"] == shown["response_due"] == "2026-03-09T13:00:00-04:00"
    # Whole day again: Mon 9h + Wed 10h + Thu 5h.
    desk.ok("holidays", "add", "2026-03-10", "--hours", "closed")
    shown = desk.ok("case", "show", case["ref"], "--json").json
    assert shown["resolution_due"] == "2026-03-12T13:00:00-04:00"
    bad = desk("holidays", "add", "2026-03-10", "--hours", "noon")
    assert bad.code == 2 and "--hours" in bad.error_line


def test_imported_holidays_stay_whole_days(cli: Cli) -> None:
    cli.ok("holidays", "import", "--country", "CA", "--subdivision", "ON", "--years", "2026")
    assert {row["hours"] for row in cli.ok("holidays", "list", "--json").json} == {None}


def test_business_day_targets_in_open_days(cli: Cli) -> None:
    cli.ok("user", "list")
    cli.ok(
        "policy", "set", "--effective", "2026-03-10",
        "--hours", "mon-thu=08:00-18:00", "--hours", "fri=08:00-16:00",
        "--response-days", "major=1", "--resolution-days", "major=3",
    )  # fmt: skip
    shown = cli.ok("policy", "show").out
    assert "major     response 1 open day(s)  resolution 3 open day(s)" in shown
    target = cli.ok("policy", "show", "--json").json[-1]["targets"]["major"]
    assert (target["response_days"], target["resolution_days"]) == (1, 3)

    def due(received: str) -> dict[str, str]:
        result = cli.ok("sla", "due", "--severity", "major", "--received", received, "--json")
        return result.json  # type: ignore[no-any-return]

    # Friday 10:00: the same time one open day later is Monday 10:00 (in hours it would be
    # Fri 6h + Mon 4h = Monday 12:00); three open days: Wednesday 10:00.
    friday = due("2026-03-13T10:00:00-04:00")
    assert friday["response_due"] == "2026-03-16T10:00:00-04:00"
    assert friday["resolution_due"] == "2026-03-18T10:00:00-04:00"
    # Thursday 17:00: Friday 17:00 is after the short Friday's closing: the next opening.
    assert due("2026-03-12T17:00:00-04:00")["response_due"] == "2026-03-16T08:00:00-04:00"
    # Backwards: received by Friday 10:00 to be answered by Monday 10:00.
    latest = cli.ok(
        "sla", "latest", "--severity", "major", "--due-by", "2026-03-16T10:00:00-04:00", "--json"
    ).json
    assert latest["response_received_by"] == "2026-03-13T10:00:00-04:00"
    # Hours again for major's response; its resolution keeps its days.
    cli.ok("policy", "set", "--effective", "2026-03-20", "--response", "major=10")
    target = cli.ok("policy", "show", "--json").json[-1]["targets"]["major"]
    assert (target["response_days"], target["resolution_days"]) == (None, 3)
    assert due("2026-03-27T10:00:00-04:00")["response_due"] == "2026-03-30T12:00:00-04:00"
    bad = cli("policy", "set", "--effective", "2026-03-25", "--response-days", "major=0")
    assert bad.code == 2 and "--response-days" in bad.error_line
    bad = cli(
        "policy", "set", "--effective", "2026-03-25",
        "--response-days", "major=1", "--response", "major=4",
    )  # fmt: skip
    assert bad.code == 2 and "--response-days" in bad.error_line


def test_sla_latest_receipt_on_business_hours(cli: Cli) -> None:
    latest = cli.ok(
        "sla", "latest", "--severity", "critical", "--due-by", "2026-03-09T11:00:00-04:00",
        "--json",
    ).json  # fmt: skip
    # 4 hours: Mon 08-11 (3h) + Fri 17-18 (1h); 24 hours: Mon 3h, Fri 10h, Thu 10h, Wed 1h.
    assert latest == {
        "severity": "critical",
        "due_by": "2026-03-09T11:00:00-04:00",
        "response_received_by": "2026-03-06T17:00:00-05:00",
        "resolution_received_by": "2026-03-04T17:00:00-05:00",
    }
    text = cli.ok("sla", "latest", "--severity", "critical", "--due-by", "2026-03-09T11:00-04:00")
    assert "response_received_by" in text.out


def test_adding_a_date_that_is_already_a_holiday_says_what_it_was(desk: Cli) -> None:
    """It renamed (or re-houred) the holiday and said "holiday 2026-03-16 Y" as if new."""
    assert desk.ok("holidays", "add", "2026-03-16", "--name", "X").out.startswith(
        "holiday 2026-03-16 X\n"
    )
    renamed = desk.ok("holidays", "add", "2026-03-16", "--name", "Y").out
    assert renamed.startswith("holiday 2026-03-16 Y; was X (closed all day)\n")
    again = desk.ok("holidays", "add", "2026-03-16", "--name", "Y").out
    assert again.startswith("holiday 2026-03-16 Y; already a holiday, unchanged\n")
    half = desk.ok("holidays", "add", "2026-03-16", "--hours", "08:00-12:00", "--json").json
    assert (half["name"], half["hours"]) == ("Y", "08:00-12:00")
    assert half["was"] == {"name": "Y", "hours": None}
    assert desk.ok("holidays", "add", "2026-03-23", "--json").json["was"] is None
    assert [h["name"] for h in desk.ok("holidays", "list", "--json").json] == ["Y", ""]
