"""``case list --query``: the query language on the command line; the old flags as shorthands."""

from __future__ import annotations

from tests.cli.test_cli import Cli, _refused, open_case
from tests.deep_queries import deepest_queries


def refs(desk: Cli, *args: str) -> list[str]:
    return [row["ref"] for row in desk.ok("case", "list", *args, "--json").json]


def test_query_flags_and_limit(desk: Cli) -> None:
    minor = open_case(desk, "--description", "The spooler hangs", severity="minor")["ref"]
    critical = open_case(desk)["ref"]
    major = open_case(desk, "--tags", "billing", severity="major")["ref"]
    desk.ok("case", "set", minor, "--assignee", "kim", user="kim")

    assert refs(desk) == [critical, major, minor]
    assert refs(desk, "--limit", "1") == [critical]
    assert refs(desk, "--query", "sev:minor OR tag:billing") == [major, minor]
    assert refs(desk, "--query", "sev:minor OR tag:billing", "--severity", "major") == [major]
    assert refs(desk, "--query", "assignee:me", "--as", "kim") == [minor]
    assert refs(desk, "--query", "spool") == [minor]
    assert refs(desk, "--search", "spooler") == [minor]
    assert refs(desk, "--search", critical) == [critical]
    assert refs(desk, "--query", "sort:-received", "--limit", "2") == [major, critical]
    table = desk.ok("case", "list", "--query", "sev:critical").out.splitlines()
    assert table[1].startswith(critical)


def test_a_query_may_start_with_a_negated_word(desk: Cli) -> None:
    """The query language writes "not" as a leading "-"; argparse would take ``-spool`` for an
    unknown option and refuse ``--query -spool`` ("expected one argument")."""
    spooler = open_case(desk, "--description", "The spooler hangs", severity="minor")["ref"]
    other = open_case(desk)["ref"]
    assert refs(desk, "--query", "-spool") == [other]
    assert refs(desk, "--query=-spool") == [other]
    # --search takes words, not the query language: its "-" is punctuation, not "not".
    assert refs(desk, "--search", "-spool") == [spooler]
    assert refs(desk, "--query", "-spool OR sev:minor") == [other, spooler]
    desk.ok("view", "add", "without-spool", "--query", "-spool")
    assert [view["query"] for view in desk.ok("view", "list", "--json").json] == ["-spool"]


def test_the_deepest_queries_the_parser_accepts_run(desk: Cli) -> None:
    """As deep as the parser accepts, ``case list --query`` answers (from 20 levels of words
    it said "database error: parser stack overflow")."""
    spooler = open_case(desk, "--description", "The spooler hangs", severity="minor")["ref"]
    open_case(desk)
    ands, ors, nots = deepest_queries("spool")
    assert refs(desk, "--query", ands) == [spooler]
    assert refs(desk, "--query", ors) == [spooler]
    desk.ok("case", "list", "--query", nots)


def test_bad_query_names_token_and_position(desk: Cli) -> None:
    line = _refused(desk, 2, "query", "case", "list", "--query", "sev:critical (tag:x")
    assert "'(' at position 13" in line
    line = _refused(desk, 2, "query", "case", "list", "--query", "sev:urgent")
    assert "'sev:urgent' at position 0" in line


def test_a_paused_case_lists_by_the_time_it_has_left_not_by_its_stored_due(desk: Cli) -> None:
    """Most urgent first means what the console means: a case waiting on the client keeps the
    time it had left when it paused (its stored due instant stays behind), so it follows a
    breached case even though its stored instant is earlier (seen: 7h47m left listed above a
    case 1h12m overdue)."""
    monday_11, monday_1130 = "2026-03-09T11:00:00-04:00", "2026-03-09T11:30:00-04:00"
    thursday_10 = "2026-03-12T10:00:00-04:00"
    paused = []  # two cases waiting on the client since Monday 11:00, 23h left each
    for _ in range(2):
        paused.append(open_case(desk)["ref"])  # Monday 10:00: resolution due Wednesday 14:00
        desk.ok("case", "reply", paused[-1], "--message", "Looking", user="kim", now=monday_11)
        desk.ok("case", "set", paused[-1], "--status", "waiting_client", user="kim", now=monday_11)
    breached = open_case(desk, now=monday_11)["ref"]  # resolution due Wednesday 15:00
    desk.ok("case", "reply", breached, "--message", "Looking", user="kim", now=monday_1130)
    fresh = open_case(desk, now=thursday_10)["ref"]  # its reply is due Thursday 14:00

    listed = desk.ok("case", "list", "--json", now=thursday_10).json
    assert [row["ref"] for row in listed] == [breached, fresh, *paused]
    left = {row["ref"]: row["resolution_remaining_seconds"] for row in listed}
    assert left[breached] < 0 < left[paused[0]] == left[paused[1]] == 23 * 3600
    for limit in ("1", "2"):  # pages that end before the cases SQL lists first
        page = refs_at(desk, thursday_10, "--limit", limit)
        assert page == [breached, fresh][: int(limit)]
    for query in ("sev:critical", "sort:due"):  # filtered, and most urgent first by name
        assert refs_at(desk, thursday_10, "--query", query, "--limit", "2") == [breached, fresh]


def refs_at(desk: Cli, now: str, *args: str) -> list[str]:
    return [row["ref"] for row in desk.ok("case", "list", *args, "--json", now=now).json]


def test_a_list_cut_by_its_limit_says_so_on_stderr(desk: Cli) -> None:
    """Rows left out are said, not dropped silently; the table on stdout stays parseable."""
    opened = [open_case(desk)["ref"] for _ in range(3)]
    cut = desk.ok("case", "list", "--limit", "2")
    assert len(cut.out.splitlines()) == 3  # the header and two rows
    assert "the first 2 cases shown; more match" in cut.err
    whole = desk.ok("case", "list", "--limit", "3")
    assert len(whole.out.splitlines()) == 4 and whole.err == ""
    assert desk.ok("case", "list").err == ""  # no limit: every match
    as_json = desk.ok("case", "list", "--limit", "2", "--json")
    assert [row["ref"] for row in as_json.json] == opened[:2]
    assert "the first 2 cases shown; more match" in as_json.err  # a script is told as well
    assert desk.ok("case", "list", "--limit", "3", "--json").err == ""


def test_every_list_cut_in_json_says_so_on_stderr(desk: Cli) -> None:
    """``--json`` printed the first rows alone: a bare array no script could tell was cut."""
    for _ in range(3):
        desk.ok("case", "reply", open_case(desk)["ref"], "--message", "On it", user="kim")
    for words, what in [
        (("case", "list"), "cases"),
        (("audit",), "entries"),
        (("mail", "outbox", "list"), "messages"),
    ]:
        cut = desk.ok(*words, "--limit", "2", "--json")
        assert len(cut.json) == 2, words
        assert f"the first 2 {what} shown; more match" in cut.err, words


def test_alert_list_cut_by_its_limit_says_so(desk: Cli) -> None:
    from datetime import UTC, datetime

    from wzdesk.store.models import Notification

    desk.ok("case", "list")  # the database is open and migrated
    for number in range(3):
        Notification.create(
            key=f"test-{number}",
            kind="alert_breach",
            summary=f"WZ-100{number} breached",
            created_at=datetime(2026, 3, 9, 14, number, tzinfo=UTC),
            created_by="wzdesk",
        )
    cut = desk.ok("alert", "list", "--limit", "2")
    assert len(cut.out.splitlines()) == 3 and "the first 2 alerts shown; more match" in cut.err
    assert desk.ok("alert", "list", "--limit", "3").err == ""
    as_json = desk.ok("alert", "list", "--limit", "2", "--json")
    assert len(as_json.json) == 2 and "the first 2 alerts shown; more match" in as_json.err


def test_a_paused_clock_is_marked_in_the_table(desk: Cli) -> None:
    """As the console's ⏸: time left on a case waiting on the client stands still."""
    waiting = open_case(desk, severity="minor")["ref"]
    running = open_case(desk, severity="minor")["ref"]
    desk.ok("case", "reply", waiting, "--message", "Please send the log.", user="kim")
    desk.ok("case", "set", waiting, "--status", "waiting_client", user="kim")
    lines = {line.split()[0]: line for line in desk.ok("case", "list").out.splitlines()[1:]}
    assert "paused" in lines[waiting]
    assert "paused" not in lines[running]
    shown = desk.ok("case", "show", waiting).out
    assert "paused: the due instant moves until the client answers" in shown
    assert "paused" not in desk.ok("case", "show", running).out
