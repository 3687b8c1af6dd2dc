"""``wzdesk client import|export``, ``wzdesk contact import|export``: documented columns, a
dry run row by row, one transaction per file, idempotent re-runs, export that re-imports as
unchanged."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import Cli

CLIENTS = "code,name\nACME,Acme Corporation\nBETA,Beta Inc\n"
CONTACTS = (
    "client,name,email,phone,admin,rank\n"
    "ACME,Ana Diaz,Ana@Acme.example,519-555-3105,yes,primary\n"
    "ACME,Raj Patel,raj@acme.example,,yes,backup\n"
    "ACME,Bob Smith,,+1 (519) 555-3199,no,\n"
    "BETA,Bea Ng,bea@beta.example,,,primary\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_dry_run_reports_rows_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("client", "list")  # the first sign-in makes sam a supervisor
    before = cli.counts()
    dry = cli.ok("client", "import", write(tmp_path, "c.csv", CLIENTS), "--dry-run", "--json")
    assert dry.json["counts"] == {"added": 2, "changed": 0, "unchanged": 0, "refused": 0}
    assert (dry.json["dry_run"], dry.json["written"]) == (True, False)
    assert [(r["line"], r["key"], r["outcome"]) for r in dry.json["rows"]] == [
        (2, "ACME", "added"),
        (3, "BETA", "added"),
    ]
    assert cli.counts() == before


def test_import_is_idempotent_and_export_round_trips(cli: Cli, tmp_path: Path) -> None:
    clients = write(tmp_path, "c.csv", CLIENTS)
    people = write(tmp_path, "p.csv", CONTACTS)
    assert "2 added, 0 changed, 0 unchanged, 0 refused; written" in (
        cli.ok("client", "import", clients).out
    )
    first = cli.ok("contact", "import", people, "--json").json
    assert first["counts"]["added"] == 4 and first["written"]
    again = cli.ok("contact", "import", people, "--json").json
    assert again["counts"] == {"added": 0, "changed": 0, "unchanged": 4, "refused": 0}
    assert cli.ok("client", "import", clients, "--json").json["counts"]["unchanged"] == 2
    exported = cli.ok("contact", "export", "--csv").out
    assert exported.splitlines()[:2] == [
        "client,name,email,phone,admin,rank,active",
        "ACME,Ana Diaz,ana@acme.example,+15195553105,yes,primary,yes",
    ]
    back = cli.ok("contact", "import", write(tmp_path, "e.csv", exported), "--json").json
    assert back["counts"]["unchanged"] == 4
    assert cli.ok("client", "export", "--csv").out == (
        "code,name,active\nACME,Acme Corporation,yes\nBETA,Beta Inc,yes\n"
    )


def test_changes_and_refusals_are_reported_row_by_row(cli: Cli, tmp_path: Path) -> None:
    cli.ok("client", "import", write(tmp_path, "c.csv", CLIENTS))
    cli.ok("contact", "import", write(tmp_path, "p.csv", CONTACTS))
    before = cli.counts()
    edits = (
        "client,name,email,phone,admin,rank\n"
        "ACME,Ana Diaz-Ruiz,ana@acme.example,,yes,primary\n"  # changed name
        "ACME,Zed,zed@acme.example,12,,\n"  # bad phone
        "NOPE,Who,who@nope.example,,,\n"  # no such client
        "ACME,Two,two@acme.example,,,primary\n"  # a second primary in the file
        "ACME,None,,,,\n"  # nothing to match on
    )
    result = cli("contact", "import", write(tmp_path, "x.csv", edits))
    assert result.code == 2
    lines = result.out.splitlines()
    assert lines[0] == "line 2  ana@acme.example  changed  name"
    assert lines[1].startswith("line 3  ") and "refused  phone:" in lines[1]
    assert "refused  --client: no client with code 'NOPE'" in lines[2]
    assert "refused  rank: line 2 already makes the primary admin of ACME" in lines[3]
    assert "refused  email: a contact needs an email or a phone number" in lines[4]
    assert lines[-1].endswith("nothing written: fix the refused rows and run it again")
    assert cli.counts() == before  # one transaction per file: the good row was not kept


def test_a_file_naming_one_client_or_contact_twice_is_refused(cli: Cli, tmp_path: Path) -> None:
    """Two rows for one code (or one contact's email or phone) undid each other: written,
    and every re-run "changed" them again, audited each time; a primary in one row and the
    same address unranked in the next left the client with no primary admin."""
    cli.ok("client", "import", write(tmp_path, "c.csv", CLIENTS))
    before = cli.counts()
    twice = "code,name\nNEW5,Five\nnew5,Five again\n"
    result = cli("client", "import", write(tmp_path, "twice.csv", twice))
    assert result.code == 2
    assert "line 3  new5  refused  code: line 2 already names NEW5" in result.out
    people = (
        "client,name,email,phone,admin,rank\n"
        "ACME,Ana Diaz,ana@acme.example,,yes,primary\n"
        "ACME,Ana D,ANA@acme.example,,yes,\n"  # the same address: no primary any more
        "ACME,Bob Smith,,519-555-3199,no,\n"
        "ACME,Bob S,,+1 519 555 3199,no,\n"  # the same number, written otherwise
        "BETA,Ana Diaz,ana@acme.example,,,\n"  # another client's contact: fine
    )
    result = cli("contact", "import", write(tmp_path, "twice.csv", people))
    assert result.code == 2
    lines = result.out.splitlines()
    assert "refused  email: line 2 already names ACME ana@acme.example" in lines[1]
    assert "refused  phone: line 4 already names ACME +15195553199" in lines[3]
    assert "refused" not in lines[4]
    assert cli.counts() == before


def test_bad_files_are_refused_naming_the_file(cli: Cli, tmp_path: Path) -> None:
    cli.ok("user", "add", "pat", "--name", "Pat Moss", "--role", "phone")
    missing = cli("client", "import", str(tmp_path / "nope.csv"))
    assert missing.code == 2 and missing.err.startswith("wzdesk: error: FILE: cannot read")
    unknown = cli("client", "import", write(tmp_path, "u.csv", "code,name,colour\nA,B,red\n"))
    assert unknown.code == 2 and "unknown column 'colour'" in unknown.err
    empty = cli("contact", "import", write(tmp_path, "e.csv", ""))
    assert empty.code == 2 and "FILE" in empty.err
    phone_staff = cli("client", "import", write(tmp_path, "c.csv", CLIENTS), user="pat")
    assert phone_staff.code == 4
