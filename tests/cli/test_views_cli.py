"""``wzdesk view list|add|remove``: saved queries, personal or shared, with live counts."""

from __future__ import annotations

from tests.cli.test_cli import Cli, _refused, open_case


def test_views_personal_shared_pinned_with_counts(desk: Cli) -> None:
    open_case(desk)
    open_case(desk, severity="minor")
    added = desk.ok("view", "add", "Critical", "--query", "sev:critical", "--pin", "--json").json
    assert added["name"] == "Critical" and added["pinned"] and not added["shared"]
    desk.ok("view", "add", "Everything", "--query", "is:all", "--shared", user="kim")
    mine = desk.ok("view", "list", "--json").json
    assert [(v["name"], v["owner"], v["count"]) for v in mine] == [
        ("Critical", "sam", 1),
        ("Everything", "kim", 2),
    ]
    # kim sees the shared view, not sam's personal one
    assert [v["name"] for v in desk.ok("view", "list", "--json", user="kim").json] == ["Everything"]
    table = desk.ok("view", "list").out
    assert "Critical" in table and "pinned" in table
    # a bad query is refused naming its token; nothing is written
    line = _refused(desk, 2, "--query", "view", "add", "Bad", "--query", "sev:urgent")
    assert "'sev:urgent' at position 0" in line
    _refused(desk, 2, "NAME", "view", "add", "Critical", "--query", "sev:minor")
    # kim (agent) may not remove sam's personal view (does not see it) ...
    _refused(desk, 5, "NAME", "view", "remove", "Critical", user="kim")
    # ... and sam (supervisor) may remove kim's shared one
    desk.ok("view", "remove", "Everything")
    desk.ok("view", "remove", "Critical")
    assert desk.ok("view", "list", "--json").json == []
