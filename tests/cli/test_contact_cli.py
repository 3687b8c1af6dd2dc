"""``wzdesk contact edit|deactivate|train`` and ``wzdesk client edit|deactivate``: output,
JSON, exit codes, nothing written on refusal."""

from __future__ import annotations

from tests.cli.test_cli import Cli


def test_contact_edit_rank_demotes_and_prints_json(desk: Cli) -> None:
    edited = desk.ok(
        "contact", "edit", "416-555-0102", "--rank", "primary", "--phone", "416.555.0177",
        "--json",
    ).json  # fmt: skip
    assert (edited["admin_rank"], edited["is_admin"], edited["phone"]) == (
        "primary",
        True,
        "+14165550177",
    )
    listed = {c["name"]: c["admin_rank"] for c in desk.ok("contact", "list", "--json").json}
    assert listed == {"Ana Diaz": None, "Bob Smith": "primary", "Raj Patel": "backup"}


def test_contact_edit_refusals_name_the_field_and_write_nothing(desk: Cli) -> None:
    before = desk.counts()
    bad = desk("contact", "edit", "416-555-0102", "--phone", "12")
    assert (bad.code, bad.err.count("\n")) == (2, 1)
    assert "--phone" in bad.err
    taken = desk("contact", "edit", "416-555-0102", "--email", "ANA@acme.example")
    assert taken.code == 2 and "--email" in taken.err
    missing = desk("contact", "edit", "nobody@acme.example", "--name", "X")
    assert missing.code == 5
    nothing = desk("contact", "edit", "416-555-0102")
    assert nothing.code == 2
    phone = desk("contact", "edit", "416-555-0102", "--name", "X", user="pat")
    assert phone.code == 4
    assert desk.counts() == before


def test_contact_train_and_client_list_flags(desk: Cli) -> None:
    listed = desk.ok("client", "list", "--json").json
    assert listed == [
        {
            "code": "ACME",
            "name": "Acme Corporation",
            "active": True,
            "flags": ["no trained admin"],
            "ask": "Ana Diaz <ana@acme.example>",
        }
    ]
    assert "no trained admin; ask Ana Diaz <ana@acme.example>" in desk.ok("client", "list").out
    flagged = desk.ok("client", "list", "--flagged", "--json").json
    assert [c["code"] for c in flagged] == ["ACME"]
    trained = desk.ok(
        "contact", "train", "ana@acme.example", "--date", "2026-03-02", "--by", "Kim Lee",
        "--topic", "portal basics", "--json",
    ).json  # fmt: skip
    assert trained["trainings"] == [
        {"date": "2026-03-02", "by": "Kim Lee", "topic": "portal basics"}
    ]
    assert desk.ok("client", "list", "--json").json[0]["flags"] == []
    assert desk.ok("client", "list", "--flagged", "--json").json == []
    bad = desk("contact", "train", "ana@acme.example", "--date", "March 2", "--by", "Kim")
    assert bad.code == 2 and "--date" in bad.err


OPEN = (
    "case", "open", "--client", "ACME", "--severity", "minor", "--channel", "phone",
    "--category", "question", "--description", "It takes a minute.",
)  # fmt: skip


def test_contact_deactivate_flags_open_cases(desk: Cli) -> None:
    opened = desk.ok(*OPEN, "--contact", "raj@acme.example", "--summary", "Slow", "--json")
    ref = opened.json["ref"]
    off = desk.ok("contact", "deactivate", "raj@acme.example", "--json").json
    assert off == {"contact": "raj@acme.example", "active": False, "flagged_cases": [ref]}
    shown = desk.ok("case", "show", ref).out
    assert "needs a new contact: the case's contact was deactivated" in shown
    assert "client admins: 1 active admin (needs 2); no trained admin; ask Ana Diaz" in shown
    again = desk("contact", "deactivate", "raj@acme.example")
    assert again.code == 2
    refused = desk(*OPEN, "--contact", "raj@acme.example", "--summary", "Again")
    assert refused.code == 4 and "deactivated" in refused.err


def test_client_edit_and_deactivate(desk: Cli) -> None:
    assert desk.ok("client", "edit", "acme", "--name", "Acme Ltd", "--json").json["name"] == (
        "Acme Ltd"
    )
    assert desk.ok("client", "deactivate", "ACME").out == "client ACME deactivated\n"
    assert desk("client", "deactivate", "ACME").code == 2
    assert desk("client", "edit", "NOPE", "--name", "X").code == 5


def test_case_link_merge_unmerge(desk: Cli) -> None:
    first = desk.ok(*OPEN, "--contact", "ana@acme.example", "--summary", "Slow", "--json")
    second = desk.ok(*OPEN, "--contact", "raj@acme.example", "--summary", "Slow too", "--json")
    one, two = first.json["ref"], second.json["ref"]
    linked = desk.ok("case", "link", two, one, "--kind", "duplicate-of", "--json").json
    assert linked == {"ref": two, "kind": "duplicate-of", "other": one}
    assert f"  has duplicate {two}" in desk.ok("case", "show", one).out
    assert desk("case", "link", two, one, "--kind", "cousin").code == 2
    stale = desk("case", "merge", two, "--into", one, "--expect-into-version", "0")
    assert stale.code == 3
    merged = desk.ok("case", "merge", two, "--into", one).out
    assert merged.startswith(f"{two} merged into {one} (")
    shown = desk.ok("case", "show", two, "--json").json
    assert (shown["status"], {"kind": "merged into", "ref": one} in shown["links"]) == (
        "closed",
        True,
    )
    assert desk("case", "unmerge", two, user="kim").code == 4
    undone = desk.ok("case", "unmerge", two, "--json").json
    assert (undone["duplicate"], undone["primary"], undone["undone"]) == (two, one, True)
    assert desk.ok("case", "show", two, "--json").json["status"] == "new"
