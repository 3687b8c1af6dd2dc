"""``wzdesk backup`` removes what killed backups left in its folder, and says so."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import Cli


def test_a_backup_says_it_removed_the_leftovers_of_a_killed_one(cli: Cli, tmp_path: Path) -> None:
    cli.ok("client", "add", "ACME", "--name", "Acme")
    folder = tmp_path / "backups"
    leftover = folder / ".wzdesk-backup-ic_hjhoq"
    leftover.mkdir(parents=True)
    (leftover / "database.sqlite3").write_bytes(b"a full copy of the desk")
    (leftover / ".lock").write_bytes(b"")  # its process was killed: nobody holds the lock
    made = cli.ok("backup", "--to", str(folder))
    assert made.out.rstrip().endswith("; removed 1 leftover(s) of killed backups")
    assert not leftover.exists()
    again = cli.ok("backup", "--to", str(folder), "--json").json
    assert again["cleaned"] == []
