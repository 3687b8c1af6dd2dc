"""``case list --query``: the query language on the command line; the old flags as shorthands."""

from __future__ import annotations

from tests.cli.test_cli import Cli, _refused, open_case


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


def test_bad_query_names_token_and_position(desk: Cli) -> None:
    line = _refused(desk, 2, "query", "case", "list", "--query", "sev:critical (tag:x")
    assert "'(' at position 13" in line
    line = _refused(desk, 2, "query", "case", "list", "--query", "sev:urgent")
    assert "'sev:urgent' at position 0" in line
