"""The seconds ``report sla`` gives a met target (its median and p90) are what ``case explain``
counts for it: from receipt to the instant it was met, less every pause; for a target in
hours, in open days or around the clock, as of any instant (Toronto, EST)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.cli.test_cli import Cli, open_case

FRI = "2026-12-04T{}:00-05:00"
MON = "2026-12-07T{}:00-05:00"
TUE = "2026-12-08T{}:00-05:00"


def _explained(desk: Cli, ref: str, now: str) -> list[dict[str, Any]]:
    return desk.ok("case", "explain", ref, "--json", now=now).json["targets"]  # type: ignore[no-any-return]


def _rebuilt(desk: Cli, now: str, start: date, end: date) -> list[dict[str, Any]]:
    """``report sla`` with every case rebuilt from its facts (what the read of stored instants
    must agree with)."""
    from wzdesk.core.clock import FixedClock
    from wzdesk.services.directory import sign_in
    from wzdesk.services.reports import Period, sla_report
    from wzdesk.store.database import open_database

    database = open_database(desk.url)
    try:
        ctx = sign_in("sam", FixedClock(datetime.fromisoformat(now))).context
        return sla_report(ctx, Period(start, end), all_in_python=True)
    finally:
        database.close()


def test_a_met_targets_seconds_are_what_explain_counts_for_every_kind_of_target(
    desk: Cli,
) -> None:
    """Mon-Thu 08-18, Fri 08-16; major in open days (response 1, resolution 3), critical 24x7,
    moderate in business hours. Each received Fri 10:00, answered Mon 09:00, resolved Tue
    09:00. The major's response was counted as its stored 10 hours less the time from met to
    due (32,400 s once settled, 25,200 while rebuilt): it is Fri 10-16 and Mon 08-09, 25,200 s;
    its resolution 61,200 s (and not 68,400). The day before, the same three, each waiting on
    the client Thu 12:00 -> Fri 09:00 (its pauses read, or what they pushed the due by)."""
    desk.ok(
        "policy", "set", "--effective", "2026-12-02",
        "--hours", "mon-thu=08:00-18:00", "--hours", "fri=08:00-16:00",
        "--response-days", "major=1", "--resolution-days", "major=3",
        "--around-the-clock", "critical", now="2026-12-01T12:00:00Z",
    )  # fmt: skip
    refs: dict[tuple[str, str], str] = {}
    for day, waits in (("2026-12-04", False), ("2026-12-03", True)):
        for severity in ("critical", "major", "moderate"):
            received = f"{day}T10:00:00-05:00"
            ref = str(
                open_case(desk, "--received", received, severity=severity, now=received)["ref"]
            )
            refs[day, severity] = ref
            if waits:
                desk.ok(
                    "case", "set", ref, "--status", "waiting_client", "--need", "the log",
                    user="kim", now=f"{day}T12:00:00-05:00",
                )  # fmt: skip
                desk.ok("case", "set", ref, "--status", "open", user="kim", now=FRI.format("09:00"))
            desk.ok("case", "reply", ref, "--message", "On it", user="kim", now=MON.format("09:00"))
            desk.ok("case", "resolve", ref, "--note", "Fixed", user="kim", now=TUE.format("09:00"))
    for now in (MON.format("10:00"), "2026-12-09T10:00:00-05:00", "2027-01-04T10:00:00-05:00"):
        for day in ("2026-12-03", "2026-12-04"):
            start = date.fromisoformat(day)
            rows = desk.ok(
                "report", "sla", "--from", day, "--to", str(start + timedelta(days=1)), "--json",
                now=now,
            ).json  # fmt: skip
            assert rows == _rebuilt(desk, now, start, start + timedelta(days=1)), now
            for row in rows:
                response, resolution = _explained(desk, refs[day, row["severity"]], now)
                assert row["response"]["median_seconds"] == response["elapsed_seconds"], now
                assert row["response"]["p90_seconds"] == response["elapsed_seconds"], now
                resolved = resolution["state"] in ("met", "late")
                counted = resolution["elapsed_seconds"] if resolved else None
                assert row["resolution"]["median_seconds"] == counted, (now, row)
        major = rows[1]  # received Friday
        assert major["severity"] == "major" and major["response"]["median_seconds"] == 25200
        if now != MON.format("10:00"):
            assert major["resolution"]["median_seconds"] == 61200


def test_a_wait_after_the_due_instant_stops_the_clock(desk: Cli) -> None:
    """Critical, received Mon 2 November 09:00, resolution due Wed 13:00; waits on the client
    Fri 09:00 -> Mon 9 November 09:00, resolved Mon 11:00. The pause pushes no deadline (it
    began after the due instant: the target stays late) but the clock stood still: 42
    business hours counted, not 52, and explain skips the wait as a pause. Beside it, a case
    that waited Mon 10:00 -> Tue 10:00 (before its due instant) and was resolved Wed 09:00:
    10 business hours."""
    now = "2026-11-13T10:00:00-05:00"

    def at(day: int, hhmm: str) -> str:
        return f"2026-11-{day:02}T{hhmm}:00-05:00"

    def waited(received: str, wait: tuple[str, str], resolved: str) -> str:
        ref = str(open_case(desk, "--received", received, now=received)["ref"])
        desk.ok("case", "reply", ref, "--message", "On it", user="kim", now=at(2, "09:30"))
        desk.ok(
            "case", "set", ref, "--status", "waiting_client", "--need", "the log",
            user="kim", now=wait[0],
        )  # fmt: skip
        desk.ok("case", "set", ref, "--status", "open", user="kim", now=wait[1])
        desk.ok("case", "resolve", ref, "--note", "Fixed", user="kim", now=resolved)
        return ref

    late = waited(at(2, "09:00"), (at(6, "09:00"), at(9, "09:00")), at(9, "11:00"))
    waited(at(2, "09:00"), (at(2, "10:00"), at(3, "10:00")), at(4, "09:00"))
    resolution = _explained(desk, late, now)[1]
    assert resolution["state"] == "late" and resolution["due"] == at(4, "13:00")
    assert resolution["elapsed_seconds"] == 151200
    assert {
        "start": at(6, "09:00"),
        "end": at(9, "09:00"),
        "reasons": ["pause", "weekend", "night"],
    } in resolution["skipped"]
    assert all(
        span["end"] <= at(6, "09:00") or span["start"] >= at(9, "09:00")
        for span in resolution["intervals"]
    )
    rebuilt = _rebuilt(desk, now, date(2026, 11, 2), date(2026, 11, 3))
    counted = rebuilt[0]["resolution"]
    assert (counted["met"], counted["late"]) == (1, 1)
    assert (counted["median_seconds"], counted["p90_seconds"]) == (36000, 151200)
    rows = desk.ok(
        "report", "sla", "--from", "2026-11-02", "--to", "2026-11-03", "--json", now=now
    ).json
    assert rows == rebuilt
